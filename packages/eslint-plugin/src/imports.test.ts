// The textual import closures of the partial runs, and the check that lets a run after an edit keep
// a closure instead of computing it again: it must agree with the closure computed from scratch.
import { symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects, memoryHost, nodeHost, type Host } from '@lambda-lint/linter';
import { importClosure, importsUnchanged } from './imports.js';

const root = '/project';
const utf8 = new TextEncoder();

const project = {
  'src/handler.ts': `import { save } from './lib/db';\nimport { z } from 'zod';\nexport const handler = async (e: unknown) => save(z.string().parse(e));\n`,
  'src/lib/db.ts': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst client = new DynamoDBClient({});\nexport const save = async (x: string) => client;\n`,
  'src/lib/log.ts': `export const log = (x: string) => console.log(x);\n`,
  'tsconfig.json': '{ "compilerOptions": { "strict": true } }',
};

const closureOf = (files: Record<string, string>) => importClosure(`${root}/src/handler.ts`, memoryHost(files, root, {}), root);
const sorted = (c: ReturnType<typeof importClosure>) => ({ files: [...c.files].sort(), open: c.open });

describe('importsUnchanged', () => {
  const before = closureOf(project);

  it('a closure lists the files a module may load, following relative specifiers', () => {
    expect(sorted(before)).toEqual({ files: [`${root}/src/handler.ts`, `${root}/src/lib/db.ts`], open: false });
  });

  // [what, file, new text, kept]: kept only when computing the closure again would give the same one.
  const edits: [string, string, string, boolean][] = [
    ['a comment appended', 'src/lib/db.ts', `${project['src/lib/db.ts']}// typing\n`, true],
    ['the body changed, the same imports', 'src/handler.ts', project['src/handler.ts'].replace('save(', 'void save('), true],
    ['another package imported where one already was', 'src/lib/db.ts', `import pino from 'pino';\n${project['src/lib/db.ts']}`, true],
    ['a relative import added', 'src/lib/db.ts', `import { log } from './log';\n${project['src/lib/db.ts']}`, false],
    ['a relative import removed', 'src/handler.ts', project['src/handler.ts'].replace(`import { save } from './lib/db';\n`, ''), false],
    ['an import in a comment (the text is read as it is)', 'src/handler.ts', `// see require('./lib/log')\n${project['src/handler.ts']}`, false],
    // No package import left in the file: the same closure here, but whether a tsconfig alias may apply changed.
    ['the only package import removed', 'src/lib/db.ts', project['src/lib/db.ts'].replace(/^import .*\n/, ''), false],
  ];

  for (const [what, file, text, expected] of edits) {
    it(`${expected ? 'keeps' : 'computes again'} the closure: ${what}`, () => {
      const kept = importsUnchanged(before, `${root}/${file}`, utf8.encode(text));
      expect(kept).toBe(expected);
      // The check may only be wrong in the safe direction: a kept closure is the one computed from scratch.
      if (kept) expect(sorted(closureOf({ ...project, [file]: text }))).toEqual(sorted(before));
    });
  }

  it('keeps a closure that does not hold the file, and not one whose file can no longer be read', () => {
    expect(importsUnchanged(before, `${root}/src/lib/log.ts`, utf8.encode('import "./db";\n'))).toBe(true);
    expect(importsUnchanged(before, `${root}/src/lib/db.ts`, undefined)).toBe(false);
  });
});

describe('importClosure', () => {
  const { project: onDisk, removeAll } = diskProjects('lambda-lint-imports-');
  afterAll(removeAll);

  it('lists only folders that exist: `./x/index.ts` candidates of a folder `x` that is not there are answered by its parent', () => {
    const listed: string[] = [];
    const base = memoryHost({ ...project, 'src/util/index.ts': 'export const u = 1;\n', 'src/handler.ts': `import './util';\n${project['src/handler.ts']}` }, root, {});
    const host: Host = { ...base, readDir: (p) => (listed.push(p), base.readDir(p)) };
    const closure = importClosure(`${root}/src/handler.ts`, host, root);
    expect([...closure.files].sort()).toEqual([`${root}/src/handler.ts`, `${root}/src/lib/db.ts`, `${root}/src/util/index.ts`]);
    expect(listed.filter((dir) => base.readDir(dir) === undefined)).toEqual([]);
  });

  it('follows a module that is a symbolic link', () => {
    const dir = onDisk({ 'src/handler.ts': "import { save } from './db';\nexport const handler = save;\n", 'shared/db.ts': 'export const save = 1;\n' });
    symlinkSync(`${dir}/shared/db.ts`, `${dir}/src/db.ts`);
    expect([...importClosure(`${dir}/src/handler.ts`, nodeHost(), dir).files].sort()).toEqual([`${dir}/src/db.ts`, `${dir}/src/handler.ts`]);
  });
});
