import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { get, type Loc, type Value } from '@lambda-lint/core';
import { evaluateConfigModule } from './config.js';

const FILE = '/project/serverless.ts';

function pos(loc: Loc | undefined): string {
  return loc ? `${loc.line}:${loc.column}-${loc.endLine}:${loc.endColumn}` : 'none';
}

function plain(v: Value | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'unknown':
      return `<${v.reason}: ${v.text}>`;
    case 'seq':
      return v.items.map(plain);
    case 'map':
      return Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)]));
  }
}

describe('evaluateConfigModule', () => {
  const src = `import type { AWS } from '@serverless/typescript';
import hello from '@functions/hello';
const stage = 'dev';
const base = { runtime: 'nodejs20.x', memorySize: 512 } as const;
const config: AWS = {
  service: 'brand',
  provider: { name: 'aws', ...base, timeout: 10, stage: \`\${stage}\`, environment: { TOKEN: process.env.TOKEN } },
  functions: {
    hello,
    api: {
      handler: "src/api.handler",
      events: [{ http: { method: 'get', path: '/x', async: true } }],
    },
  },
  custom: { n: -5, t: \`plain\`, f: makeIt(), u: undefined, 'quoted-key': null, [\`computed\`]: true, list: [1, ...[2, 3]] },
};
module.exports = config;
`;

  it('evaluates the exported object literal with positions into the file', () => {
    const r = evaluateConfigModule(FILE, src);
    // What code decides is reported where the code is: an import (not followed) and a call.
    expect(r.diagnostics.map((d) => `${d.ruleId} ${pos(d.loc)} ${d.message.slice(0, d.message.indexOf(','))}`)).toEqual([
      "unresolved-variable 9:5-9:10 `hello` is imported from '@functions/hello'",
      'unresolved-variable 15:35-15:43 `makeIt()` is computed by code',
    ]);
    expect(plain(r.root)).toEqual({
      service: 'brand',
      provider: { name: 'aws', runtime: 'nodejs20.x', memorySize: 512, timeout: 10, stage: 'dev', environment: { TOKEN: '<deploy-time: process.env.TOKEN>' } },
      functions: {
        hello: '<code: hello>',
        api: { handler: 'src/api.handler', events: [{ http: { method: 'get', path: '/x', async: true } }] },
      },
      custom: { n: -5, t: 'plain', f: '<code: makeIt()>', 'quoted-key': null, computed: true, list: [1, 2, 3] },
    });
    const root = r.root!;
    // The object itself and a key at their place in serverless.ts.
    expect(pos(root.loc)).toBe('5:21-16:2');
    expect(root.kind === 'map' && pos(root.entries[0]!.keyLoc)).toBe('6:3-6:10');
    // A value written in a local const is located where the const writes it.
    expect(pos(get(root, 'provider', 'runtime')?.loc)).toBe('4:25-4:37');
    expect(pos(get(root, 'provider', 'timeout')?.loc)).toBe('7:46-7:48');
    expect(pos(get(root, 'provider', 'stage')?.loc)).toBe('7:57-7:67');
    expect(pos(get(root, 'functions', 'api', 'handler')?.loc)).toBe('11:16-11:33');
    expect(pos(get(root, 'functions', 'hello')?.loc)).toBe('9:5-9:10');
    expect(pos(get(root, 'custom', 'n')?.loc)).toBe('15:16-15:18');
  });

  it('reads export default, export =, `satisfies` and shorthand consts', () => {
    const a = evaluateConfigModule(FILE, `const functions = { a: { handler: 'a.h' } };\nexport default { service: 's', functions } satisfies object;\n`);
    expect(plain(a.root)).toEqual({ service: 's', functions: { a: { handler: 'a.h' } } });
    expect(pos(get(a.root, 'functions', 'a', 'handler')?.loc)).toBe('1:35-1:40');
    const b = evaluateConfigModule(FILE, `const c = { service: 's' };\nexport = c;\n`);
    expect(plain(b.root)).toEqual({ service: 's' });
    const js = evaluateConfigModule('/project/serverless.js', `'use strict';\nmodule.exports = {\n  service: 's',\n  provider: { name: 'aws' },\n};\n`);
    expect(plain(js.root)).toEqual({ service: 's', provider: { name: 'aws' } });
    expect(pos(get(js.root, 'provider', 'name')?.loc)).toBe('4:21-4:26');
  });

  it('follows property access into local consts, never into imports or requires', () => {
    const r = evaluateConfigModule(
      FILE,
      `import shared from './shared';\nconst base = require('./base');\nconst settings = { prod: { timeout: 30 } };\nexport default { a: settings.prod.timeout, b: settings['prod'], c: shared.timeout, d: base.x, e: settings.dev };\n`,
    );
    expect(plain(r.root)).toEqual({ a: 30, b: { timeout: 30 }, c: '<code: shared.timeout>', d: '<code: base.x>' });
  });

  it('marks an object that spreads a value it cannot see as open', () => {
    const r = evaluateConfigModule(FILE, `import common from './common';\nexport default { provider: { ...common, name: 'aws' }, custom: { ...{ a: 1 } } };\n`);
    const provider = get(r.root, 'provider');
    expect(provider?.kind === 'map' && provider.open).toBe(true);
    expect(plain(provider)).toEqual({ name: 'aws' });
    const custom = get(r.root, 'custom');
    expect(custom?.kind === 'map' && custom.open).toBeFalsy();
  });

  it('template literals: known when every part is known', () => {
    const r = evaluateConfigModule(FILE, `const s = 'prod';\nexport default { a: \`api-\${s}\`, b: \`\${process.env.STAGE}-x\`, c: \`\${fn()}\` };\n`);
    expect(plain(r.root)).toEqual({ a: 'api-prod', b: '<deploy-time: `${process.env.STAGE}-x`>', c: '<code: `${fn()}`>' });
  });

  it('reports a configuration computed by code, and a module without an export', () => {
    const fn = evaluateConfigModule(FILE, `export default async () => ({ service: 's' });\n`);
    expect(fn.root).toBeUndefined();
    expect(fn.diagnostics).toEqual([
      {
        ruleId: 'unresolved-variable',
        message: 'The configuration is computed by code (`async () => ({ service: \'s\' })`), which lambda-lint does not run: export an object literal, or run `sls package` so that its output in .serverless/ is linted.',
        loc: { file: FILE, line: 1, column: 16, endLine: 1, endColumn: 46 },
      },
    ]);
    const none = evaluateConfigModule(FILE, `const x = 1;\n`);
    expect(none.root).toBeUndefined();
    expect(none.diagnostics[0]).toMatchObject({ ruleId: 'unresolved-variable', loc: { line: 1, column: 1 } });
  });

  it('reports the first syntax error at its position and reads nothing', () => {
    const r = evaluateConfigModule(FILE, `export default {\n  service: 's',\n  provider: { name: 'aws' ,, },\n};\n`);
    expect(r.root).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { ruleId: 'parse-error', message: 'TypeScript syntax error: Property assignment expected.', loc: { file: FILE, line: 3, column: 28, endLine: 3, endColumn: 29 } },
    ]);
  });

  it('follows relative imports (default, named, .js written for .ts) with positions in their file; not cycles, aliases or broken modules', () => {
    const files: Record<string, string> = {
      '/project/fns/index.ts': "import { shared } from '../shared.js';\nexport default { a: { handler: 'a.h', ...shared } };\n",
      '/project/shared.ts': "export const shared = { timeout: 10 };\n",
      '/project/loop.ts': "import config from './serverless';\nexport default config;\n",
      '/project/broken.ts': 'export default {\n',
    };
    const read = (abs: string) => files[abs];
    const r = evaluateConfigModule(
      FILE,
      "import fns from './fns';\nimport loop from './loop';\nimport broken from './broken';\nimport alias from '@lib/x';\nexport default { functions: fns, loop, broken, alias };\n",
      read,
    );
    expect(plain(r.root)).toEqual({
      functions: { a: { handler: 'a.h', timeout: 10 } },
      loop: '<code: config>',
      broken: '<code: broken>',
      alias: '<code: alias>',
    });
    expect(get(r.root, 'functions', 'a', 'timeout')!.loc.file).toBe('/project/shared.ts');
    expect(pos(get(r.root, 'functions', 'a', 'timeout')!.loc)).toBe('1:34-1:36');
    expect(r.diagnostics.map((d) => `${d.loc.file.slice('/project/'.length)} ${pos(d.loc)}`)).toEqual([
      'serverless.ts 5:40-5:46',
      'serverless.ts 5:48-5:53',
      'loop.ts 2:16-2:22',
    ]);
    // Without a reader nothing is followed.
    expect(plain(evaluateConfigModule(FILE, "import fns from './fns';\nexport default { functions: fns };\n").root)).toEqual({ functions: '<code: fns>' });
  });

  it('never throws on cycles and deep nesting', () => {
    const cyc = evaluateConfigModule(FILE, `const a = { b: a };\nexport default { a };\n`);
    expect(plain(cyc.root)).toEqual({ a: { b: '<code: a>' } });
    const deep = evaluateConfigModule(FILE, `export default ${'{ a: '.repeat(3000)}1${' }'.repeat(3000)};\n`);
    expect(deep.diagnostics.length + (deep.root ? 1 : 0)).toBeGreaterThan(0);
  });
});

describe('robustness', () => {
  const pieces = ['{', '}', '[', ']', '(', ')', ',', ':', '...', 'a', 'b', "'s'", '`t${a}`', '1', '-', 'true', 'null', 'undefined', 'process.env.X', 'f()', 'as const', '=>', ';', '\n'];
  const fragment = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((a) => a.join(' '));

  it('never throws and gives valid ranges inside the file', () => {
    fc.assert(
      fc.property(fragment, fragment, (a, b) => {
        const text = `const a = ${a};\nconst b = { a, ${b} };\nexport default { x: a, y: b, ${b} };\n`;
        const r = evaluateConfigModule(FILE, text);
        const lines = text.split('\n').length;
        const check = (loc: Loc) => {
          expect(loc.line >= 1 && loc.line <= lines && loc.endLine <= lines).toBe(true);
          expect(loc.endLine > loc.line || (loc.endLine === loc.line && loc.endColumn >= loc.column)).toBe(true);
        };
        for (const d of r.diagnostics) check(d.loc);
        const walk = (v: Value | undefined): void => {
          if (!v) return;
          check(v.loc);
          if (v.kind === 'map') for (const e of v.entries) (check(e.keyLoc), walk(e.value));
          if (v.kind === 'seq') v.items.forEach(walk);
        };
        walk(r.root);
      }),
      { numRuns: 300 },
    );
  });
});
