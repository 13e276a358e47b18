import { describe, expect, it } from 'vitest';
import { lint, memoryHost } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { generateMonorepo as generate } from '../bench/monorepo/generate.mjs';

describe('benchmark monorepo generator (bench/monorepo/generate.mjs)', () => {
  it('is deterministic and has exactly the asked number of handler files', () => {
    const a = generate({ handlers: 60, functions: 10, seed: 7 });
    expect(generate({ handlers: 60, functions: 10, seed: 7 })).toEqual(a);
    expect(generate({ handlers: 60, functions: 10, seed: 8 })).not.toEqual(a);
    expect(Object.keys(a).filter((f) => f.endsWith('.ts'))).toHaveLength(60);
    const configs = Object.keys(a).filter((f) => /(serverless\.yml|template\.yaml)$/.test(f));
    expect(configs).toHaveLength(1);
    expect(Object.keys(generate({ handlers: 250, functions: 50, seed: 1 })).filter((f) => /(serverless\.yml|template\.yaml)$/.test(f)).map((f) => f.split('/').pop())).toEqual([
      'serverless.yml',
      'template.yaml',
      'serverless.yml',
      'template.yaml',
      'serverless.yml',
    ]);
  });

  it('is a tree lambda-lint reads completely: every handler resolves, every code file is reached, no parse error', () => {
    const files = generate({ handlers: 100, functions: 20, seed: 1 });
    const root = '/bench';
    const result = lint({ host: memoryHost(files, root), paths: [root], root, rules: allRules, today: new Date('2026-06-01T00:00:00Z') });
    const ids = new Set(result.findings.map((f) => f.ruleId));
    expect(ids.has('parse-error')).toBe(false);
    expect(ids.has('unresolved-handler')).toBe(false);
    expect(result.functionCount).toBe(20);
    // 100 code files and 2 configuration files, all read.
    expect(result.fileCount).toBe(102);
    // Some functions have a problem a code rule finds.
    expect(result.findings.some((f) => allRules.find((r) => r.id === f.ruleId)?.scope === 'handler')).toBe(true);
  });
});
