import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { Project } from '@lambda-lint/handler/ts-morph';

const require = createRequire(import.meta.url);
const common = createRequire(require.resolve('ts-morph'))('@ts-morph/common') as {
  LocaleStringComparer: { instance: { compareTo(a: string, b: string): number } };
};

const PATHS = [
  '/p/src/b.ts', '/p/src/B.ts', '/p/src/a.ts', '/p/src/A.ts', '/p/src/ä.ts', '/p/src/z.ts', '/p/src/_x.ts', '/p/src/10.ts',
  '/p/src/9.ts', '/p/src/a-b.ts', '/p/src/a.b.ts', '/p/src/ab.ts', '/p/Src/a.ts', '/p/src', '/p/src/', '/p/src/é.ts', '/p/src/e.ts',
];

describe("ts-morph's folder sorting (sped up in ts-morph/index.js)", () => {
  it('compares as the locale comparison it replaces, for every pair', () => {
    // ts-morph is loaded, and ours installed, on the first use of one of its values.
    new Project({ useInMemoryFileSystem: true });
    const comparer = common.LocaleStringComparer.instance;
    // Proof that ours is installed: ts-morph's own is a class method on the prototype.
    expect(Object.hasOwn(comparer, 'compareTo')).toBe(true);
    for (const a of PATHS) for (const b of PATHS) expect([a, b, comparer.compareTo(a, b)]).toEqual([a, b, Math.sign(a.localeCompare(b, 'en-us-u-kf-upper'))]);
  });

  it("keeps a folder's files in ts-morph's order", () => {
    const project = new Project({ useInMemoryFileSystem: true });
    for (const p of PATHS.filter((x) => x.endsWith('.ts'))) project.createSourceFile(p, '');
    const files = project.getDirectoryOrThrow('/p/src').getSourceFiles().map((f) => f.getBaseName());
    expect(files).toEqual([...files].sort((a, b) => a.localeCompare(b, 'en-us-u-kf-upper')));
    expect(files.length).toBe(14);
  });
});
