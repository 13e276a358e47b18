import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import allRules from '@lambda-lint/rules';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
const demoDir = join(repoRoot, 'examples/brand-platform-demo');
const productionDir = join(repoRoot, 'examples/brand-platform');

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

/** A finding of the CLI's JSON output, with the fields the tests read beyond the pinned ones. */
interface ReportedFinding extends ExpectedFinding {
  message: string;
}

const readExpected = (name: string) => (JSON.parse(readFileSync(join(demoDir, name), 'utf8')) as { findings: ExpectedFinding[] }).findings;
const expected = readExpected('expected-findings.json');
const expectedReview = readExpected('expected-review-findings.json');

const pinned = (f: ExpectedFinding): ExpectedFinding => ({
  ruleId: f.ruleId,
  severity: f.severity,
  file: f.file,
  line: f.line,
  column: f.column,
  ...(f.function ? { function: f.function } : {}),
});

/** The demo linted from its own folder, so that `file` is relative to it as in expected-findings.json; run once. */
let demoRun: (ReturnType<typeof cli> & { findings: ReportedFinding[] }) | undefined;
function lintDemo() {
  if (!demoRun) {
    const r = cli(['.', '--format', 'json'], demoDir);
    demoRun = { ...r, findings: (JSON.parse(r.stdout) as { findings: ReportedFinding[] }).findings };
  }
  return demoRun;
}

/** What is not part of the deployable platform in either example folder. */
const notPlatform = new Set(['node_modules', 'README.md', 'scripts', 'expected-findings.json', 'expected-review-findings.json']);

/**
 * The demo as a change to the production platform: a git repository whose first commit holds
 * examples/brand-platform in platform/ and whose second commit replaces that folder's content with
 * examples/brand-platform-demo. Same steps as scripts/update-expected-findings.mjs.
 */
function reviewRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'brand-platform-review-'));
  const git = (...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  const copy = (from: string) => cpSync(from, join(repo, 'platform'), { recursive: true, filter: (src) => !notPlatform.has(basename(src)) });
  git('init', '-q');
  copy(productionDir);
  git('add', 'platform');
  git('commit', '-q', '-m', 'production platform');
  rmSync(join(repo, 'platform'), { recursive: true });
  copy(demoDir);
  git('add', '-A', 'platform');
  git('commit', '-q', '-m', 'the demo');
  return repo;
}

/** `lambda-lint diff --base HEAD~1 platform` in the review repository; run once. */
let reviewRun: (ReturnType<typeof cli> & { findings: ReportedFinding[] }) | undefined;
function reviewDemo() {
  if (!reviewRun) {
    const repo = reviewRepo();
    try {
      const r = cli(['diff', '--base', 'HEAD~1', 'platform', '--format', 'json'], repo);
      // A usage error prints no JSON: leave the findings empty so that the exit code assertion tells it.
      reviewRun = { ...r, findings: r.code === 2 ? [] : (JSON.parse(r.stdout) as { findings: ReportedFinding[] }).findings };
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }
  return reviewRun;
}

/**
 * Rules the demo shows, told apart by their metadata: all but the input diagnostics (category `input`:
 * a broken or unresolvable input would stop the demo from being a deployable application). The lint
 * run shows those of every scope but `review`; the review-mode rules only `lambda-lint diff` runs,
 * against a base revision: the review of the demo as a change to the production platform shows them.
 */
const demonstrableRuleIds = allRules.filter((r) => r.category !== 'input').map((r) => r.id);
const reviewRuleIds = allRules.filter((r) => r.scope === 'review').map((r) => r.id);

describe('examples/brand-platform-demo', () => {
  it('exits 1 and reports exactly the findings of expected-findings.json, in order', () => {
    const r = lintDemo();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.findings.map(pinned)).toEqual(expected);
  });

  it('has, in the lint run and the review run together, at least one finding of every catalog rule except the input diagnostics', () => {
    const reported = new Set([...lintDemo().findings, ...reviewDemo().findings].map((f) => f.ruleId));
    const missing = demonstrableRuleIds.filter((id) => !reported.has(id));
    expect(missing).toEqual([]);
    // The ids come from the generated rule index, so a new rule fails here until the demo shows it;
    // this guards against an empty index making the check above vacuous.
    expect(demonstrableRuleIds.length).toBeGreaterThanOrEqual(44);
    expect(reviewRuleIds.length).toBeGreaterThanOrEqual(2);
  });

  it('reviewed as a change to the production platform, exits 1 with exactly expected-review-findings.json', () => {
    const r = reviewDemo();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.findings.map(pinned)).toEqual(expectedReview);
    const reported = new Set(r.findings.map((f) => f.ruleId));
    expect(reviewRuleIds.filter((id) => !reported.has(id))).toEqual([]);
  });

  it('reviewed, tells the production → demo change: broader IAM, data stores replaced or removed', () => {
    const messages = (ruleId: string) => reviewDemo().findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
    expect(messages('iam-broadened')).toEqual(expect.arrayContaining([expect.stringMatching(/^IamRoleLambdaExecution: this change grants new action dynamodb:\*, /)]));
    expect(messages('resource-replaced')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^BrandsTable \(AWS::DynamoDB::Table\): changing TableName replaces this table/),
        expect.stringMatching(/^UploadsBucket \(AWS::S3::Bucket\): this change removes the bucket/),
      ]),
    );
    // The lint run of the demo alone has none of them: they come from the comparison with the base.
    expect(lintDemo().findings.filter((f) => reviewRuleIds.includes(f.ruleId))).toEqual([]);
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
