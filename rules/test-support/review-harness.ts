import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { codeFrame, type Finding } from '@lambda-lint/core';
import { lintFiles } from '@lambda-lint/linter';
import { readTree, reviewFiles, type TestReviewOptions } from '@lambda-lint/review';
import { allRules } from '../index.js';

export { reviewFiles };

/** Reviews an in-memory change with every rule: `base` and `head` are the two revisions of `/project`. */
export function reviewChange(base: Record<string, string>, head: Record<string, string>, options: Partial<TestReviewOptions> = {}) {
  return reviewFiles(base, head, { rules: allRules, ...options });
}

function caseDirs(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => statSync(join(dir, n)).isDirectory())
      .sort();
  } catch {
    return [];
  }
}

/** Findings with a code frame from the head files (`/project/...`), for snapshots. */
export function renderReview(findings: Finding[], head: Record<string, string>): string {
  return findings
    .map((f) => {
      const rel = f.loc.file.replace(/^\/project\//, '');
      const text = head[rel];
      const line = `${rel}:${f.loc.line}:${f.loc.column} ${f.severity} ${f.ruleId}: ${f.message}`;
      const related = (f.related ?? []).map((r) => `\n  related ${r.loc.file.replace(/^\/project\//, '')}:${r.loc.line}:${r.loc.column} ${r.message}`).join('');
      return (text ? `${line}\n${codeFrame(text, f.loc)}` : line) + related;
    })
    .join('\n\n');
}

/**
 * The fixture tests of a review rule: each case is `<case>/base` and `<case>/head`, two revisions of one
 * project. A valid case gives no new finding of any rule and its head lints clean; an invalid case gives
 * at least one finding of the rule, snapshotted with a code frame.
 */
export function reviewFixtureTests(ruleDir: string, ruleId: string): void {
  const valid = caseDirs(join(ruleDir, 'fixtures', 'valid'));
  const invalid = caseDirs(join(ruleDir, 'fixtures', 'invalid'));
  it('has valid and invalid fixtures', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });
  for (const name of valid) {
    it(`fixtures/valid/${name}: the change brings no finding of any rule and the head lints clean`, async () => {
      const dir = join(ruleDir, 'fixtures', 'valid', name);
      const head = readTree(join(dir, 'head'));
      const result = reviewChange(readTree(join(dir, 'base')), head);
      expect(renderReview(result.findings, head)).toBe('');
      const plain = await lintFiles(head);
      expect(renderReview(plain.findings, head)).toBe('');
      expect(plain.functionCount).toBeGreaterThan(0);
    });
  }
  for (const name of invalid) {
    it(`fixtures/invalid/${name} gives ${ruleId}`, () => {
      const dir = join(ruleDir, 'fixtures', 'invalid', name);
      const head = readTree(join(dir, 'head'));
      const own = reviewChange(readTree(join(dir, 'base')), head).findings.filter((f) => f.ruleId === ruleId);
      expect(own.length).toBeGreaterThan(0);
      expect(renderReview(own, head)).toMatchSnapshot();
    });
  }
}
