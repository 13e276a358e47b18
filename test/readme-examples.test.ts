import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules, ruleFolders } from '@lambda-lint/rules';
import { lintFiles } from '@lambda-lint/linter';
import { reviewFiles } from '@lambda-lint/review';
import { read, readmeExamples, rulesDir } from './support.js';

const CODE_FILE = /\.(ts|mts|js|mjs|cjs)$/;

function reviewExample(files: Record<string, string>) {
  const base: Record<string, string> = {};
  const head: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) {
    if (name.startsWith('base/')) base[name.slice('base/'.length)] = text;
    else head[name] = text;
  }
  return reviewFiles(base, head, { rules: allRules });
}

describe('rule documentation examples are executed', () => {
  for (const rule of allRules) {
    const apps = readmeExamples(read(join(rulesDir, ruleFolders[rule.id]!, 'README.md')));
    describe(rule.id, () => {
      it('has at least one invalid and one valid example', () => {
        expect(apps.some((a) => a.kind === 'invalid')).toBe(true);
        expect(apps.some((a) => a.kind === 'valid')).toBe(true);
      });
      for (const app of apps) {
        it(`${app.kind} example at README line ${app.line}`, async () => {
          expect(Object.keys(app.files).length).toBeGreaterThan(0);
          // A review rule's example is a change: files under `base/` are the base revision, the others the head.
          const result = rule.scope === 'review' ? reviewExample(app.files) : await lintFiles(app.files);
          // An example without code cannot resolve its handler; that diagnostic is not the point of it.
          const hasCode = Object.keys(app.files).some((f) => CODE_FILE.test(f));
          const relevant = result.findings.filter((f) => hasCode || f.ruleId !== 'unresolved-handler' || rule.id === 'unresolved-handler');
          const ids = relevant.map((f) => f.ruleId);
          if (app.kind === 'invalid') {
            expect(ids.length).toBeGreaterThan(0);
            expect(new Set(ids)).toEqual(new Set([rule.id]));
          } else {
            expect(relevant.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
          }
        });
      }
    });
  }
});
