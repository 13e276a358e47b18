import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { codeFrame, type Finding } from '@lambda-lint/core';
import { lintDirectory, lintFiles, type LintResult, type TestLintOptions } from '@lambda-lint/linter';

export { lintFiles, lintDirectory };

export interface Position {
  ruleId: string;
  messageId: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** The findings of one rule (or all) reduced to what tests assert: id, message id and exact range. */
export function positions(result: LintResult, ruleId?: string): Position[] {
  return result.findings
    .filter((f) => ruleId === undefined || f.ruleId === ruleId)
    .map((f) => ({ ruleId: f.ruleId, messageId: f.messageId, line: f.loc.line, column: f.loc.column, endLine: f.loc.endLine, endColumn: f.loc.endColumn }));
}

export function at(ruleId: string, messageId: string, line: number, column: number, endLine: number, endColumn: number): Position {
  return { ruleId, messageId, line, column, endLine, endColumn };
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

/** Human-readable rendering of findings for snapshots: location, rule, message and a code frame. */
export function renderFindings(findings: Finding[], base: string): string {
  return findings
    .map((f) => {
      const rel = f.loc.file.startsWith(base) ? f.loc.file.slice(base.length + 1) : f.loc.file;
      let text = '';
      try {
        text = readFileSync(f.loc.file, 'utf8');
      } catch {
        // the frame is optional
      }
      const head = `${rel}:${f.loc.line}:${f.loc.column} ${f.severity} ${f.ruleId}: ${f.message}`;
      return text ? `${head}\n${codeFrame(text, f.loc)}` : head;
    })
    .join('\n\n');
}

/**
 * Registers the fixture tests of a rule: every app under `fixtures/valid` gives no finding of any
 * rule; every app under `fixtures/invalid` gives at least one finding of this rule, snapshotted.
 */
export function fixtureTests(ruleDir: string, ruleId: string, options: TestLintOptions = {}): void {
  const valid = caseDirs(join(ruleDir, 'fixtures', 'valid'));
  const invalid = caseDirs(join(ruleDir, 'fixtures', 'invalid'));
  it('has valid and invalid fixtures', () => {
    expect(valid.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });
  for (const name of valid) {
    it(`fixtures/valid/${name} gives no finding of any rule`, async () => {
      const dir = join(ruleDir, 'fixtures', 'valid', name);
      const result = await lintDirectory(dir, options);
      expect(renderFindings(result.findings, dir)).toBe('');
      expect(result.functionCount).toBeGreaterThan(0);
    });
  }
  for (const name of invalid) {
    it(`fixtures/invalid/${name} gives ${ruleId}`, async () => {
      const dir = join(ruleDir, 'fixtures', 'invalid', name);
      const result = await lintDirectory(dir, options);
      const own = result.findings.filter((f) => f.ruleId === ruleId);
      expect(own.length).toBeGreaterThan(0);
      expect(renderFindings(own, dir)).toMatchSnapshot();
    });
  }
}
