import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const entry = join(repoRoot, 'packages/cli/bin/lambda-lint-action.js');

const app = {
  'serverless.yml':
    'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\n  memorySize: 256\n  logRetentionInDays: 30\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    timeout: 10\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n',
  'src/ingest.ts':
    "import { writeFileSync } from 'node:fs';\n\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/output.json', event.body);\n  return { ok: true };\n};\n",
};

/** A runner's view of a job: a workspace with the checkout, and the files the runner collects afterwards. */
function runner(files: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'lambda-lint-action-'));
  const workspace = join(home, 'work', 'repo', 'repo');
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(workspace, rel, '..'), { recursive: true });
    writeFileSync(join(workspace, rel), content);
  }
  const files_ = join(home, '_runner_file_commands');
  mkdirSync(files_, { recursive: true });
  const output = join(files_, 'set_output_1');
  const summary = join(files_, 'step_summary_1');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  return { workspace, output, summary };
}

/** Runs the entry point as a runner runs a step: in the workspace, with GITHUB_* and INPUT_* variables. */
function runAction(files: Record<string, string>, inputs: Record<string, string>) {
  const r = runner(files);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: r.workspace,
    GITHUB_OUTPUT: r.output,
    GITHUB_STEP_SUMMARY: r.summary,
    GITHUB_EVENT_NAME: 'pull_request',
    ...inputs,
  };
  const p = spawnSync(process.execPath, [entry], { cwd: r.workspace, env, encoding: 'utf8' });
  return {
    code: p.status,
    stdout: p.stdout,
    stderr: p.stderr,
    outputs: readFileSync(r.output, 'utf8'),
    summary: readFileSync(r.summary, 'utf8'),
    workspace: r.workspace,
  };
}

describe('GitHub Action entry point', () => {
  it('annotates, writes SARIF, the job summary and the outputs, and fails on an error', () => {
    const r = runAction(app, { INPUT_PATHS: '.', INPUT_FORMAT: 'github', 'INPUT_FAIL-ON': 'error', 'INPUT_SARIF-FILE': 'reports/lambda-lint.sarif' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=src\/ingest\.ts,line=4,col=17,endLine=4,endColumn=35,title=fixed-tmp-path::handler: writeFileSync\(\) [^\n]+\n$/);
    const sarifPath = join(r.workspace, 'reports/lambda-lint.sarif');
    expect(r.outputs).toBe(`errors=1\nwarnings=0\ninfos=0\ntotal=1\nsarif-file=${sarifPath}\n`);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: 'fixed-tmp-path',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/ingest.ts', uriBaseId: '%SRCROOT%' }, region: { startLine: 4, startColumn: 17, endLine: 4, endColumn: 35 } } }],
    });
    expect(sarif.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${r.workspace}/`);
    expect(r.summary).toContain('## lambda-lint production-readiness scorecard');
    expect(r.summary).toMatch(/\n\| ingest +\| ✔ +\| ✖ 1 error +\|/);
  });

  it('passes with fail-on never, and on warnings only with fail-on warning (inputs as composite steps map them too)', () => {
    expect(runAction(app, { 'INPUT_FAIL-ON': 'never' }).code).toBe(0);
    const warnings = { ...app, 'src/ingest.ts': 'export const handler = async () => ({ ok: true });\n', 'serverless.yml': app['serverless.yml'].replace('    timeout: 10\n', '') };
    const lenient = runAction(warnings, { INPUT_FAIL_ON: 'error' });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/^::warning file=serverless\.yml,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=explicit-timeout::/);
    expect(lenient.outputs).toMatch(/^errors=0\nwarnings=1\ninfos=0\ntotal=1\nsarif-file=.*\/lambda-lint\.sarif\n$/);
    expect(runAction(warnings, { INPUT_FAIL_ON: 'warning' }).code).toBe(1);
  });

  it('lints the given paths only, and prints another format when asked', () => {
    const r = runAction({ ...app, 'other/serverless.yml': 'service: o\nprovider:\n  name: aws\n  runtime: nodejs24.x\nfunctions: {}\n' }, { INPUT_PATHS: 'other\n', INPUT_FORMAT: 'stylish' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No problems found');
    expect(r.outputs).toMatch(/^errors=0\nwarnings=0\ninfos=0\ntotal=0\n/);
  });

  it('reads the configuration file named by the config input', () => {
    const r = runAction({ ...app, 'ci/lambda-lint.json': '{ "rules": { "fixed-tmp-path": "warning" } }\n' }, { INPUT_CONFIG: 'ci/lambda-lint.json' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::warning file=src\/ingest\.ts,line=4,col=17,endLine=4,endColumn=35,title=fixed-tmp-path::/);
    expect(r.outputs).toMatch(/^errors=0\nwarnings=1\ninfos=0\ntotal=1\n/);
    const missing = runAction(app, { INPUT_CONFIG: 'ci/none.json' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^::error title=lambda-lint::lambda-lint --format github --config ci\/none\.json \. failed \(exit 2\)\n$/);
  });

  it('rejects a bad input with an error annotation and exit 2', () => {
    const bad = runAction(app, { 'INPUT_FAIL-ON': 'sometimes' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('::error title=lambda-lint::input fail-on must be one of error, warning, info, never, not "sometimes"\n');
    const missing = runAction(app, { INPUT_PATHS: 'nope' });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(/^::error title=lambda-lint::lambda-lint --format github nope failed \(exit 2\)\n$/);
    expect(missing.stderr).toMatch(/no such file or directory: .*\/nope\n/);
  });

  it('with base, reports only the findings the change brings (lambda-lint diff --base)', () => {
    const before = { ...app, 'src/ingest.ts': "import { writeFileSync } from 'node:fs';\n\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/old.json', event.body);\n  return { ok: true };\n};\n" };
    const r = runner(before);
    const git = (...args: string[]) =>
      spawnSync('git', args, { cwd: r.workspace, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: r.workspace, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    expect(git('commit', '-q', '-m', 'base').status).toBe(0);
    // The pull request keeps the old finding and adds a second fixed path in the same handler.
    writeFileSync(join(r.workspace, 'src/ingest.ts'), before['src/ingest.ts'].replace("  return { ok: true };", "  writeFileSync('/tmp/new.json', event.body);\n  return { ok: true };"));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', GITHUB_WORKSPACE: r.workspace, GITHUB_OUTPUT: r.output, GITHUB_STEP_SUMMARY: r.summary, INPUT_BASE: 'main', CI: 'true' };
    const p = spawnSync(process.execPath, [entry], { cwd: r.workspace, env, encoding: 'utf8' });
    expect(p.stderr).toBe('');
    expect(p.status).toBe(1);
    expect(p.stdout).toMatch(/^::error file=src\/ingest\.ts,line=5,col=17,endLine=5,endColumn=32,title=fixed-tmp-path::handler: writeFileSync\(\) uses the fixed path "\/tmp\/new\.json"[^\n]*\n$/);
    expect(readFileSync(r.output, 'utf8')).toBe(`errors=1\nwarnings=0\ninfos=0\ntotal=1\nsarif-file=${join(r.workspace, 'lambda-lint.sarif')}\n`);
    const sarif = JSON.parse(readFileSync(join(r.workspace, 'lambda-lint.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { message: { text: string } }) => x.message.text)).toEqual([expect.stringContaining('/tmp/new.json')]);
    expect(readFileSync(r.summary, 'utf8')).toMatch(/\n\| ingest +\| ✔ +\| ✖ 1 error +\|/);
  });

  it('action.yml maps every input to the INPUT_* variable the entry point reads, and every output to a value it writes', () => {
    const yml = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    const section = (name: string) => yml.slice(yml.indexOf(`\n${name}:\n`) + 1).split(/\n(?=\S)/)[0]!;
    const inputs = [...section('inputs').matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]!);
    expect(inputs).toEqual(['paths', 'format', 'fail-on', 'sarif-file', 'config', 'base']);
    for (const name of inputs) {
      expect(yml).toContain(`INPUT_${name.toUpperCase().replace(/-/g, '_')}: \${{ inputs.${name} }}`);
    }
    const outputs = [...section('outputs').matchAll(/^ {2}([a-z-]+):\n.*\n {4}value: \$\{\{ steps\.lint\.outputs\.([a-z-]+) \}\}$/gm)].map((m) => [m[1], m[2]]);
    expect(outputs).toEqual([
      ['errors', 'errors'],
      ['warnings', 'warnings'],
      ['infos', 'infos'],
      ['total', 'total'],
      ['sarif-file', 'sarif-file'],
    ]);
    expect(yml).toContain('run: node "$GITHUB_ACTION_PATH/packages/cli/bin/lambda-lint-action.js"');
    expect(yml).toMatch(/\n {6}id: lint\n/);
  });
});
