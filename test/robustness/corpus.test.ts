// A tiny version of the corpus stress run (bench/corpus, `pnpm bench:corpus` runs 1000 projects):
// 20 generated projects through the whole linter, and the generator's determinism.
import { describe, expect, it } from 'vitest';
import { generateCorpus, generateProject } from '../../bench/corpus/generate.mjs';
import { describeFiles, lintAndCheck, SCALE, seeds, under } from './support.js';

describe('synthetic corpus', () => {
  it('is deterministic: the same seed gives the same projects, byte for byte', () => {
    const a = [...generateCorpus(seeds, { count: 20, seed: 1, scale: SCALE })];
    const b = [...generateCorpus(seeds, { count: 20, seed: 1, scale: SCALE })];
    expect(b).toEqual(a);
    expect(generateProject(seeds, 2, 0, { scale: SCALE })).not.toEqual(a[0]);
    // Varied: seeds and every synthesized kind, mutated and not.
    const names = new Set(a.map((p) => (p.name.startsWith('synthesized-') ? p.name : 'seed')));
    expect(names.size).toBeGreaterThanOrEqual(4);
    expect(a.some((p) => p.mutations.length > 0)).toBe(true);
  });

  it('lints 20 generated projects: no crash, valid ranges, a parse-error for every unreadable file', async () => {
    for (const p of generateCorpus(seeds, { count: 20, seed: 1, scale: SCALE })) {
      try {
        await lintAndCheck(under('app', p.files));
      } catch (e) {
        throw new Error(`project #${p.id} ${p.name} ${JSON.stringify(p.mutations)}: ${(e as Error).message}\n${describeFiles(p.files)}`);
      }
    }
  });
});
