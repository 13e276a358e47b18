import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../packages/cli/src/main.js';
import { runAction } from '../packages/cli/src/action.js';

// `lambda-lint diff --base <ref>`: the review mode of a pull request, run as users run it, in real git repositories.

const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_CONFIG_NOSYSTEM: '1' };

/** The CLI in this process, as `lambda-lint <args>` run in `cwd`. */
async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    cwd,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: cwd, ...gitEnv } });
}

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    writeFileSync(path, content);
  }
}

/** A git repository with one commit per entry (each a set of files written over the previous ones). */
function repository(...commits: Record<string, string>[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-review-'));
  git(dir, 'init', '-q', '-b', 'main');
  commits.forEach((files, i) => {
    write(dir, files);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', `commit ${i + 1}`);
  });
  return dir;
}

interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  file: string;
}

function findings(stdout: string): JsonFinding[] {
  return (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
}

const where = (f: JsonFinding) => `${f.file}:${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.ruleId}`;

// The base: already has problems (a dynamodb:* wildcard, a fixed /tmp path) that a review must not repeat.
const serverless = (statements: string, resources = '') => `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
  logRetentionInDays: 30
  tracing:
    lambda: true
  iam:
    role:
      statements:
${statements}functions:
  ingest:
    handler: src/ingest.handler
custom:
  alerts:
    definitions:
      functionDuration:
        statistic: p99
    alarms:
      - functionErrors
      - functionThrottles
      - functionDuration
resources:
  Resources:
    Brands:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - AttributeName: id
            AttributeType: S
        KeySchema:
          - AttributeName: id
            KeyType: HASH
${resources}`;
const baseStatements = `        - Effect: Allow
          Action: dynamodb:*
          Resource: !GetAtt Brands.Arn
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: arn:aws:sqs:eu-west-1:123456789012:ingest-dlq
`;
const handler = `import { writeFileSync } from 'node:fs';

export const handler = async (event: { body: string }) => {
  writeFileSync('/tmp/output.json', event.body);
  return { ok: true };
};
`;
// The change: a comment above shifts every line; a new s3:* statement; the SQS statement broadened to every queue.
const headStatements = `        # What the ingest function may do.
        - Effect: Allow
          Action: dynamodb:*
          Resource: !GetAtt Brands.Arn
        - Effect: Allow
          Action: sqs:SendMessage
          Resource:
            - arn:aws:sqs:eu-west-1:123456789012:ingest-dlq
            - arn:aws:sqs:eu-west-1:123456789012:*
        - Effect: Allow
          Action: s3:*
          Resource: arn:aws:s3:::brand-assets/*
`;

/**
 * The rules these tests pin exactly. Others (e.g. the permissions-from-code rules, which read what the
 * handler calls) may add findings of their own to these apps; "nothing old repeated" is checked over all.
 */
const PINNED = new Set(['iam-broadened', 'iam-wildcard-action', 'iam-wildcard-resource', 'fixed-tmp-path', 'resource-replaced']);
const pinned = (list: JsonFinding[]) => list.filter((f) => PINNED.has(f.ruleId)).map(where);

/** The findings of a plain run on a revision, checked out in a second work tree and removed again. */
async function lintRevision(dir: string, ref: string): Promise<JsonFinding[]> {
  const tree = mkdtempSync(join(tmpdir(), 'lambda-lint-review-base-'));
  git(dir, 'worktree', 'add', '-q', '--detach', tree, ref);
  try {
    return findings((await cli(['--format', 'json'], tree)).stdout);
  } finally {
    git(dir, 'worktree', 'remove', '--force', tree);
  }
}

describe('lambda-lint diff --base', () => {
  const dir = repository({ 'serverless.yml': serverless(baseStatements), 'src/ingest.ts': handler }, { 'serverless.yml': serverless(headStatements) });
  const head = git(dir, 'rev-parse', 'HEAD');

  it('reports the new wildcard and the broadened permissions of the last commit, and none of the findings that existed before it', async () => {
    // The base has findings of its own, which the head keeps (moved one line down by the comment).
    const base = await lintRevision(dir, 'HEAD~1');
    expect(pinned(base)).toEqual(['serverless.yml:14:19-14:29 iam-wildcard-action', 'src/ingest.ts:4:17-4:35 fixed-tmp-path']);
    const plain = findings((await cli(['--format', 'json'], dir)).stdout);
    expect(pinned(plain)).toContain('serverless.yml:15:19-15:29 iam-wildcard-action');

    const r = await cli(['diff', '--base', 'HEAD~1', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = findings(r.stdout);
    expect(pinned(out)).toEqual([
      'serverless.yml:21:15-21:51 iam-broadened',
      'serverless.yml:23:19-23:23 iam-broadened',
      'serverless.yml:23:19-23:23 iam-wildcard-action',
    ]);
    const broadened = out.filter((f) => f.ruleId === 'iam-broadened');
    expect(broadened[0]!.message).toBe(
      'IamRoleLambdaExecution: this change grants sqs:SendMessage on new resource arn:aws:sqs:eu-west-1:123456789012:*, which the base revision (HEAD~1) did not allow. Every permission is what an attacker gets through a compromised dependency or an injected input: check that the code needs it, and grant only the actions it calls on the resources it uses.',
    );
    expect(broadened[1]!.message).toContain('this change grants new action s3:*');
    // No finding of the base comes back, whatever its rule, though every line of serverless.yml moved.
    const text = (f: JsonFinding, tree: string) => readFileSync(join(tree, f.file), 'utf8').split('\n')[f.line - 1]?.trim();
    const baseKeys = new Set(base.map((f) => `${f.ruleId} ${f.message} ${f.file}`));
    expect(out.filter((f) => baseKeys.has(`${f.ruleId} ${f.message} ${f.file}`) && text(f, dir) !== undefined).map(where)).toEqual([]);
    // And what the review leaves out is exactly what the base had.
    const dropped = plain.filter((f) => !out.some((o) => o.ruleId === f.ruleId && o.message === f.message && o.line === f.line));
    expect(dropped.every((f) => baseKeys.has(`${f.ruleId} ${f.message} ${f.file}`))).toBe(true);
    expect(pinned(dropped)).toEqual(['serverless.yml:15:19-15:29 iam-wildcard-action', 'src/ingest.ts:4:17-4:35 fixed-tmp-path']);
  });

  it('checks nothing out and changes nothing in the repository', async () => {
    await cli(['diff', '--base', 'HEAD~1'], dir);
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
  });

  it('writes every output format', async () => {
    for (const format of ['stylish', 'json', 'sarif', 'github', 'junit', 'summary']) {
      const r = await cli(['diff', '--base', 'HEAD~1', '--format', format], dir);
      expect(r.stderr, format).toBe('');
      expect(r.code, format).toBe(1);
      expect(r.stdout.length, format).toBeGreaterThan(0);
      if (format !== 'summary') expect(r.stdout, format).toContain('iam-broadened');
    }
    const sarif = JSON.parse((await cli(['diff', '--base', 'HEAD~1', '--format', 'sarif'], dir)).stdout) as { runs: { results: { ruleId: string }[] }[] };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId).filter((id) => PINNED.has(id))).toEqual(['iam-broadened', 'iam-broadened', 'iam-wildcard-action']);
  });

  it('hands its findings to the GitHub Action, which reviews a pull request with input base', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lambda-lint-review-action-'));
    let stdout = '';
    const code = await runAction({
      env: { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: dir, INPUT_BASE: 'HEAD~1', 'INPUT_SARIF-FILE': join(out, 'review.sarif'), GITHUB_OUTPUT: join(out, 'outputs') },
      stdout: (t) => void (stdout += t),
      stderr: () => {},
    });
    expect(code).toBe(1);
    const results = (JSON.parse(readFileSync(join(out, 'review.sarif'), 'utf8')) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results;
    expect(results.map((r) => r.ruleId).filter((id) => PINNED.has(id))).toEqual(['iam-broadened', 'iam-broadened', 'iam-wildcard-action']);
    expect(stdout).toContain('::warning file=serverless.yml,line=21');
    expect(stdout).not.toContain('fixed-tmp-path');
    // One review, handed over before formatting: no second run for the SARIF file.
    const reports: string[][] = [];
    await main(['diff', '--base', 'HEAD~1', '--format', 'github'], { stdout: () => {}, stderr: () => {}, cwd: dir, env: {}, isTTY: false, onReport: (r) => reports.push(r.findings.map((f) => f.ruleId)) });
    expect(reports.map((ids) => ids.filter((id) => PINNED.has(id)))).toEqual([['iam-broadened', 'iam-broadened', 'iam-wildcard-action']]);
  });

  it('takes the options of a lint run: --rule, --quiet, --ignore-pattern, --max-warnings', async () => {
    const only = await cli(['diff', '--base', 'HEAD~1', '--format', 'json', '--rule', 'iam-broadened'], dir);
    expect(findings(only.stdout).map(where)).toEqual(['serverless.yml:21:15-21:51 iam-broadened', 'serverless.yml:23:19-23:23 iam-broadened']);
    expect(only.code).toBe(0);
    expect(await cli(['diff', '--base', 'HEAD~1', '--rule', 'iam-broadened', '--max-warnings', '1'], dir)).toMatchObject({ code: 1, stderr: expect.stringContaining('2 new warnings exceed --max-warnings 1') });
    const quiet = findings((await cli(['diff', '--base', 'HEAD~1', '--format', 'json', '--quiet'], dir)).stdout);
    expect(quiet.every((f) => f.severity === 'error')).toBe(true);
    expect(pinned(quiet)).toEqual(['serverless.yml:23:19-23:23 iam-wildcard-action']);
    const ignored = await cli(['diff', '--base', 'HEAD~1', '--format', 'json', '--ignore-pattern', 'serverless.yml'], dir);
    expect(findings(ignored.stdout)).toEqual([]);
    expect(ignored.code).toBe(0);
  });

  it('honours suppression comments as a lint run does, eslint-disable ones in code included', async () => {
    const work = repository({ 'serverless.yml': serverless(baseStatements), 'src/ingest.ts': handler.replace("'/tmp/output.json'", "'/tmp/ok.json'") });
    // The change brings a fixed /tmp path back, with a suppression in ESLint's spelling.
    write(work, { 'src/ingest.ts': handler.replace('  writeFileSync(', '  // eslint-disable-next-line lambda-lint/fixed-tmp-path -- single-use container in tests\n  writeFileSync(') });
    expect(pinned(findings((await cli(['--format', 'json'], work)).stdout))).not.toContain('src/ingest.ts:5:17-5:35 fixed-tmp-path');
    expect(pinned(findings((await cli(['diff', '--base', 'HEAD', '--format', 'json'], work)).stdout))).toEqual([]);
    write(work, { 'src/ingest.ts': handler });
    expect(pinned(findings((await cli(['diff', '--base', 'HEAD', '--format', 'json'], work)).stdout))).toEqual(['src/ingest.ts:4:17-4:35 fixed-tmp-path']);
  });

  it('in GitHub Actions, locates annotations and SARIF from the checkout even when run in a subdirectory', async () => {
    const work = repository({ 'svc/serverless.yml': serverless(baseStatements), 'svc/src/ingest.ts': handler });
    write(work, { 'svc/serverless.yml': serverless(baseStatements.replace('Action: sqs:SendMessage', 'Action: [sqs:SendMessage, sqs:DeleteMessage]')) });
    const sub = join(work, 'svc');
    const run = async (args: string[], env: Record<string, string>) => {
      let stdout = '';
      await main(['diff', '--base', 'HEAD', ...args], { stdout: (t) => void (stdout += t), stderr: () => {}, cwd: sub, env: { PATH: process.env.PATH ?? '', ...env }, isTTY: false });
      return stdout;
    };
    const ci = { GITHUB_WORKSPACE: work };
    expect(await run(['--format', 'github'], ci)).toMatch(/^::warning file=svc\/serverless\.yml,line=17,col=37,[^\n]*iam-broadened/m);
    expect(await run(['--format', 'github'], {})).toMatch(/^::warning file=serverless\.yml,line=17,col=37,[^\n]*iam-broadened/m);
    const sarif = JSON.parse(await run(['--format', 'sarif'], ci)) as {
      runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    expect(sarif.runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${work}/`);
    const broadened = sarif.runs[0]!.results.find((r) => r.ruleId === 'iam-broadened');
    expect(broadened?.locations[0]!.physicalLocation.artifactLocation.uri).toBe('svc/serverless.yml');
    // A workspace that does not contain the run is not a base for its paths.
    expect(await run(['--format', 'github'], { GITHUB_WORKSPACE: join(work, 'elsewhere') })).toMatch(/^::warning file=serverless\.yml,line=17,/m);
  });

  it('compares the working tree, uncommitted changes included; warnings alone exit 0', async () => {
    const work = repository({ 'serverless.yml': serverless(baseStatements), 'src/ingest.ts': handler });
    const same = await cli(['diff', '--base', 'HEAD', '--format', 'json'], work);
    expect(same.code).toBe(0);
    expect(findings(same.stdout)).toEqual([]);
    write(work, { 'serverless.yml': serverless(baseStatements.replace('Action: sqs:SendMessage', 'Action: [sqs:SendMessage, sqs:DeleteMessage]')) });
    const r = await cli(['diff', '--base', 'HEAD', '--format', 'json'], work);
    expect(pinned(findings(r.stdout))).toEqual(['serverless.yml:17:37-17:54 iam-broadened']);
    expect(findings(r.stdout).every((f) => f.ruleId === 'iam-broadened' || f.ruleId.startsWith('iam-unused'))).toBe(true);
    expect(r.code).toBe(0);
  });

  it('reports a replaced table and a removed queue of the last commit', async () => {
    const queue = '    Jobs:\n      Type: AWS::SQS::Queue\n';
    const repo = repository(
      { 'serverless.yml': serverless(baseStatements, queue), 'src/ingest.ts': handler },
      { 'serverless.yml': serverless(baseStatements).replace(/AttributeName: id/g, 'AttributeName: pk') },
    );
    const r = await cli(['diff', '--base', 'HEAD~1', '--format', 'json'], repo);
    const out = findings(r.stdout);
    expect(pinned(out)).toEqual(['serverless.yml:32:3-32:12 resource-replaced', 'serverless.yml:33:5-33:11 resource-replaced']);
    const replaced = out.filter((f) => f.ruleId === 'resource-replaced');
    expect(replaced[0]!.message).toContain('Jobs (AWS::SQS::Queue): this change removes the queue from the template');
    expect(replaced[1]!.message).toContain('Brands (AWS::DynamoDB::Table): changing KeySchema replaces this table');
    expect(r.code).toBe(0);
  });

  it('runs from a subdirectory of the repository on that project', async () => {
    const repo = repository(
      { 'services/ingest/serverless.yml': serverless(baseStatements), 'services/ingest/src/ingest.ts': handler },
      { 'services/ingest/serverless.yml': serverless(headStatements) },
    );
    const r = await cli(['diff', '--base', 'HEAD~1', '--format', 'json'], join(repo, 'services/ingest'));
    expect(pinned(findings(r.stdout))).toEqual([
      'serverless.yml:21:15-21:51 iam-broadened',
      'serverless.yml:23:19-23:23 iam-broadened',
      'serverless.yml:23:19-23:23 iam-wildcard-action',
    ]);
  });

  it('an unknown revision is a usage error (exit 2) naming it', async () => {
    const r = await cli(['diff', '--base', 'no-such-branch'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^lambda-lint: unknown git revision "no-such-branch": no commit, branch or tag of that name in .*\n$/);
    // A ref that looks like an option is a revision name, never an option of git.
    const option = await cli(['diff', '--base=--output=x', '.'], dir);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('unknown git revision "--output=x"');
  });

  it('outside a git repository is a usage error (exit 2)', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'lambda-lint-review-nogit-'));
    write(plain, { 'serverless.yml': serverless(baseStatements) });
    const r = await cli(['diff', '--base', 'main'], plain);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^lambda-lint: .* is not inside a git repository \(.*\); lambda-lint diff compares the working tree with a revision of its repository\n$/);
  });

  it('--base is required', async () => {
    const r = await cli(['diff'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--base <ref>' not specified");
  });

  it('documents itself in --help', async () => {
    expect((await cli(['diff', '--help'], dir)).stdout).toContain('lambda-lint diff --base origin/main');
  });
});
