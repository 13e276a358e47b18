import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { ModuleAliases, parsedConfig } from './aliases.js';

/** The aliases of one run over these files (a run makes its own, as each lint run of the ESLint plugin does). */
const aliasesOf = (files: Record<string, string>): ModuleAliases => new ModuleAliases('/p', (path) => files[path]);

const asked = ['@libs/db', '@libs/util/x', 'lodash', '@shared/log'];

/** What the aliases answer for the specifiers above, from a file of `src/` (bases and whether each is a known package). */
const answers = (aliases: ModuleAliases) => asked.map((spec) => [spec, aliases.basesOf('/p/src/a.ts', spec), aliases.isKnownPackage('/p/src/a.ts', spec)]);

const withPaths = `{
  // comments and trailing commas, as tsc reads them
  "compilerOptions": { "baseUrl": ".", "paths": { "@libs/*": ["libs/*"], }, },
}`;
const withOtherPaths = '{ "compilerOptions": { "paths": { "@shared/*": ["./shared/*"] } } }';
const base = '{ "compilerOptions": { "paths": { "@libs/*": ["base-libs/*"] } } }';
const extending = '{ "extends": "./tsconfig.base.json" }';

describe('path aliases', () => {
  it('a tsconfig parsed by an earlier run is read again as written now: an edit of it, of a config it extends, its removal', () => {
    const states: Record<string, string>[] = [
      { '/p/tsconfig.json': withPaths },
      { '/p/tsconfig.json': withOtherPaths },
      { '/p/tsconfig.json': withPaths },
      { '/p/tsconfig.json': extending, '/p/tsconfig.base.json': base },
      { '/p/tsconfig.json': extending, '/p/tsconfig.base.json': withOtherPaths },
      {},
      { '/p/tsconfig.json': withPaths },
    ];
    const fresh = states.map((files) => answers(aliasesOf(files)));
    // What each state's config says, whatever was parsed before it.
    expect(fresh[0]).toEqual([
      ['@libs/db', ['/p/libs/db', '/p/@libs/db'], false],
      ['@libs/util/x', ['/p/libs/util/x', '/p/@libs/util/x'], false],
      ['lodash', ['/p/lodash'], true],
      ['@shared/log', ['/p/@shared/log'], true],
    ]);
    expect(fresh[1]).toEqual([
      ['@libs/db', [], true],
      ['@libs/util/x', [], true],
      ['lodash', [], true],
      ['@shared/log', ['/p/shared/log'], false],
    ]);
    expect(fresh[2]).toEqual(fresh[0]);
    expect(fresh[3]![0]).toEqual(['@libs/db', ['/p/base-libs/db'], false]);
    expect(fresh[4]![0]).toEqual(['@libs/db', [], true]);
    expect(fresh[4]![3]).toEqual(['@shared/log', ['/p/shared/log'], false]);
    expect(fresh[5]).toEqual(asked.map((spec) => [spec, [], true]));
    expect(fresh[6]).toEqual(fresh[0]);
    // The same states again, in another order: the same answers.
    for (const i of [6, 3, 1, 4, 0, 5, 2]) expect(answers(aliasesOf(states[i]!))).toEqual(fresh[i]);
  });

  it('a config text is parsed once while it is the text of its path, and parsed again once it changed', () => {
    const first = parsedConfig('/q/tsconfig.json', withPaths);
    expect(first).toEqual(ts.parseConfigFileTextToJson('/q/tsconfig.json', withPaths).config);
    expect(parsedConfig('/q/tsconfig.json', withPaths)).toBe(first);
    // Another path with the same text, and the path with another text: their own parses.
    expect(parsedConfig('/q/jsconfig.json', withPaths)).not.toBe(first);
    const other = parsedConfig('/q/tsconfig.json', withOtherPaths);
    expect(other).toEqual(ts.parseConfigFileTextToJson('/q/tsconfig.json', withOtherPaths).config);
    const again = parsedConfig('/q/tsconfig.json', withPaths);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
    // A text that is not JSON: what TypeScript's parse gives, every time.
    expect(parsedConfig('/q/tsconfig.json', '{ "compilerOptions": ')).toEqual(ts.parseConfigFileTextToJson('/q/tsconfig.json', '{ "compilerOptions": ').config);
  });
});
