import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import allRules from '@lambda-lint/rules';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
const demoDir = join(repoRoot, 'examples/brand-platform-demo');

/** Runs the built CLI as users do (`pnpm test` builds it first), without colour. */
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ExpectedFinding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  function?: string;
}

const expected = (JSON.parse(readFileSync(join(demoDir, 'expected-findings.json'), 'utf8')) as { findings: ExpectedFinding[] })
  .findings;

/** The demo linted from its own folder, so that `file` is relative to it as in expected-findings.json; run once. */
let demoRun: (ReturnType<typeof cli> & { findings: ExpectedFinding[] }) | undefined;
function lintDemo() {
  if (!demoRun) {
    const r = cli(['.', '--format', 'json'], demoDir);
    demoRun = { ...r, findings: (JSON.parse(r.stdout) as { findings: ExpectedFinding[] }).findings };
  }
  return demoRun;
}

/**
 * Rules the demo cannot show, told apart by their metadata: the input diagnostics (category `input`:
 * a broken or unresolvable input would stop the demo from being a deployable application) and the
 * review-mode rules (scope `review`), which only `lambda-lint diff` runs, against a base revision.
 */
const demonstrableRuleIds = allRules.filter((r) => r.category !== 'input' && r.scope !== 'review').map((r) => r.id);

describe('examples/brand-platform-demo', () => {
  it('exits 1 and reports exactly the findings of expected-findings.json, in order', () => {
    const r = lintDemo();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const actual: ExpectedFinding[] = r.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      file: f.file,
      line: f.line,
      column: f.column,
      ...(f.function ? { function: f.function } : {}),
    }));
    expect(actual).toEqual(expected);
  });

  it('has at least one finding of every catalog rule except the input diagnostics', () => {
    const reported = new Set(lintDemo().findings.map((f) => f.ruleId));
    const missing = demonstrableRuleIds.filter((id) => !reported.has(id));
    expect(missing).toEqual([]);
    // The ids come from the generated rule index, so a new rule fails here until the demo shows it;
    // this guards against an empty index making the check above vacuous.
    expect(demonstrableRuleIds.length).toBeGreaterThanOrEqual(42);
  });

  it('keeps expected-findings.json in the CLI order (file, then line, then column)', () => {
    const key = (f: ExpectedFinding) => [f.file, f.line, f.column] as const;
    for (let i = 1; i < expected.length; i++) {
      const [fa, la, ca] = key(expected[i - 1]!);
      const [fb, lb, cb] = key(expected[i]!);
      const inOrder = fa < fb || (fa === fb && (la < lb || (la === lb && ca <= cb)));
      expect(inOrder, `entry ${i} (${fb}:${lb}:${cb}) comes after ${fa}:${la}:${ca}`).toBe(true);
    }
  });

  it("documents every reported rule in the demo README's pitfall table", () => {
    const readme = readFileSync(join(demoDir, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## The pitfalls'));
    const undocumented = [...new Set(expected.map((f) => f.ruleId))].filter((id) => !table.includes(`\`${id}\``));
    expect(undocumented).toEqual([]);
  });

  it('reports no input diagnostic: every file parses and every handler resolves', () => {
    const inputRuleIds = new Set(allRules.filter((r) => r.category === 'input').map((r) => r.id));
    expect(lintDemo().findings.filter((f) => inputRuleIds.has(f.ruleId))).toEqual([]);
  });

  it('prints stylish output (no colour) as in the snapshot', async () => {
    const r = cli(['examples/brand-platform-demo'], repoRoot);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\x1b\[/);
    await expect(r.stdout).toMatchFileSnapshot('__snapshots__/examples-demo.stylish.txt');
  });

  it('prints JSON output as in the snapshot', async () => {
    const r = cli(['examples/brand-platform-demo', '--format', 'json'], repoRoot);
    expect(r.code).toBe(1);
    await expect(JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n').toMatchFileSnapshot('__snapshots__/examples-demo.json');
  });
});
