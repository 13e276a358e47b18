import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstModuleCandidate, importBase, moduleCandidates, normalizeAbs } from './modules.js';

describe('module paths', () => {
  it('joins a directory and a relative specifier as path.join and normalisation do', () => {
    const dirs = ['/project/src/functions/a', '/project', '/', '/a/b/../c', '/a//b', '/a/b/', '/a/./b', '/a/b/..', 'src/lib', '.', 'C:\\project\\src'];
    const specs = ['./x.js', '../x', '../../../../../packages/shared/src/logger.js', './a/./b/../c.js', '.', '..', './', './/x', '../'.repeat(9) + 'x', './x\\y', '..\\..\\z', './a/', './a/.', './a/..', '././x', '.././x', './...', '../..', '../../', './a//b', 'x', 'a/b/', '..x', '.x/y'];
    for (const dir of dirs) for (const spec of specs) expect([dir, spec, importBase(dir, spec)]).toEqual([dir, spec, normalizeAbs(posix.join(dir, spec))]);
  });

  it('tries the candidates of a module in order and stops at the first that exists', () => {
    for (const base of ['/p/src/x.js', '/p/src/x', '/p/src/x.mjs', '/p/src/x.tsx', '/p/src/x.json']) {
      const all = moduleCandidates(base);
      const tried: string[] = [];
      expect(firstModuleCandidate(base, (c) => void tried.push(c))).toBeUndefined();
      expect(tried).toEqual(all);
      for (const hit of [0, 3, all.length - 1]) {
        const probed: string[] = [];
        expect(firstModuleCandidate(base, (c) => (probed.push(c), probed.length === hit + 1 ? `found ${c}` : undefined))).toBe(`found ${all[hit]}`);
        expect(probed).toEqual(all.slice(0, hit + 1));
      }
    }
  });
});

describe('module resolution', () => {
  it('resolves a specifier by the directory of the importing file: shared within a folder, not across folders', async () => {
    const { Program } = await import('./program.js');
    const files: Record<string, string> = {
      '/p/a/one.ts': '',
      '/p/a/two.ts': '',
      '/p/a/util.ts': 'export const where = "a";',
      '/p/b/one.ts': '',
      '/p/b/util.js': 'exports.where = "b";',
      '/p/top.ts': '',
      '/p/util/index.ts': 'export const where = "top";',
      '/p/c/deep/x.ts': '',
      '/p/c/lib.mts': '',
    };
    const reads: string[] = [];
    const program = new Program({ readFile: (p) => (reads.push(p), files[p]) }, '/p');
    const path = (from: string, spec: string): string | undefined => program.resolveModule(from, spec)?.path;
    expect(path('/p/a/one.ts', './util.js')).toBe('/p/a/util.ts');
    expect(path('/p/a/two.ts', './util.js')).toBe('/p/a/util.ts');
    expect(path('/p/b/one.ts', './util.js')).toBe('/p/b/util.js');
    expect(path('/p/top.ts', './util')).toBe('/p/util/index.ts');
    expect(path('/p/c/deep/x.ts', '../lib.mjs')).toBe('/p/c/lib.mts');
    expect(path('/p/c/deep/x.ts', '../../a/util')).toBe('/p/a/util.ts');
    expect(path('/p/c/deep/x.ts', '/p/a/util.js')).toBe('/p/a/util.ts');
    expect(path('/p/a/one.ts', './missing.js')).toBeUndefined();
    expect(path('/p/a/one.ts', '../../../outside.js')).toBeUndefined();
    // The second file of a folder asks the host nothing new.
    const before = reads.length;
    expect(path('/p/a/two.ts', './missing.js')).toBeUndefined();
    expect(reads.length).toBe(before);
  });

  it('finds the index module of the file system root (a candidate path that is not in normal form)', async () => {
    const { Program } = await import('./program.js');
    const files: Record<string, string> = { '/index.ts': 'export const x = 1;', '/a/b.ts': '' };
    const program = new Program({ readFile: (p) => files[p] }, '/');
    expect(program.resolveModule('/a/b.ts', '..')?.path).toBe('/index.ts');
    expect(program.resolveModule('/a/b.ts', '../index.js')?.path).toBe('/index.ts');
  });
});
