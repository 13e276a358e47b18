import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');

/** Runs the built CLI as users do (`pnpm test` builds it first). */
function cli(args: string[], cwd = repoRoot, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-cli-'));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

const broken = {
  'serverless.yml':
    'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\n  memorySize: 256\n  logRetentionInDays: 30\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    timeout: 10\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n',
  'src/ingest.ts':
    "import { writeFileSync } from 'node:fs';\n\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/output.json', event.body);\n  return { ok: true };\n};\n",
};

describe('lambda-lint CLI', () => {
  it('reports nothing on the example platform and exits 0 (json)', () => {
    const r = cli(['examples/brand-platform', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.findings).toEqual([]);
    expect(out.summary).toMatchObject({ errors: 0, warnings: 0, infos: 0 });
    expect(out.summary.functions).toBeGreaterThanOrEqual(2);
    expect(out.summary.files).toBeGreaterThanOrEqual(3);
  });

  it('prints findings as the documented JSON and exits 1 on errors', () => {
    const dir = project(broken);
    const r = cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toEqual([
      {
        ruleId: 'fixed-tmp-path',
        severity: 'error',
        message: expect.stringContaining('/tmp/output.json'),
        file: 'src/ingest.ts',
        line: 4,
        column: 17,
        endLine: 4,
        endColumn: 35,
        function: 'ingest',
        resource: 'IngestLambdaFunction',
      },
    ]);
    expect(out.summary).toEqual({ errors: 1, warnings: 0, infos: 0, files: 2, functions: 1 });
  });

  it('prints stylish output with a code frame and a summary', () => {
    const dir = project(broken);
    const r = cli([dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('4:17  error  ');
    expect(r.stdout).toContain("writeFileSync('/tmp/output.json', event.body);");
    expect(r.stdout).toMatch(/\|\s+\^{18}/);
    expect(r.stdout).toContain('✖ 1 problem (1 error, 0 warnings, 0 infos) in 1 function in 2 files.');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('colours stylish output when forced, and not under NO_COLOR', () => {
    const dir = project(broken);
    expect(cli([dir], repoRoot, { FORCE_COLOR: '1', NO_COLOR: '' }).stdout).toMatch(/\x1b\[/);
    expect(cli([dir], repoRoot, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(/\x1b\[/);
  });

  it('exits 0 with warnings, and 1 when they exceed --max-warnings', () => {
    const dir = project({
      'serverless.yml': 'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\nfunctions:\n  a:\n    handler: a.handler\n',
      'a.js': 'exports.handler = async () => ({});\n',
    });
    expect(cli([dir]).code).toBe(0);
    expect(cli([dir, '--max-warnings', '0']).code).toBe(1);
    expect(cli([dir, '--quiet', '--format', 'json']).stdout).toContain('"findings": []');
  });

  it('lints a single file given on the command line', () => {
    const dir = project(broken);
    const r = cli([join(dir, 'serverless.yml'), '--format', 'json'], dir);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['fixed-tmp-path']);
  });

  it('keeps going past a broken file: parse-error with position, exit 1, no stack trace', () => {
    const dir = project({ ...broken, 'other/template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: !Nope y\n" });
    const r = cli(['--format', 'json', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const ids = JSON.parse(r.stdout).findings.map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`);
    expect(ids).toEqual(['parse-error other/template.yaml:3', 'fixed-tmp-path src/ingest.ts:4']);
  });

  it('exits 2 with a one-line message on usage errors', () => {
    const bad = cli(['--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const missing = cli(['does-not-exist']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lambda-lint: no such file or directory: .*does-not-exist\n$/);
    expect(cli(['--max-warnings', 'many']).code).toBe(2);
  });

  it('prints help and version', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(cli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('lambda-lint CLI options', () => {
  it('lists the rule catalog as a table and as JSON', () => {
    const table = cli(['rules']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^rule +severity +category +reads +platforms +docs$/);
    expect(lines.find((l) => l.startsWith('fixed-tmp-path '))).toMatch(
      /^fixed-tmp-path +error +stateless +handler +serverless,cloudformation,sam,cdk +https:\/\/\S+\/rules\/stateless\/fixed-tmp-path\/README\.md$/,
    );
    const json = cli(['rules', '--format', 'json']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as { id: string; severity: string; category: string; platforms: string[]; docs: string }[];
    expect(list.find((r) => r.id === 'memory-size')).toEqual({
      id: 'memory-size',
      severity: 'warning',
      category: 'cost',
      reads: 'infra',
      platforms: expect.arrayContaining(['serverless', 'cloudformation', 'sam']),
      experimental: false,
      description: expect.stringContaining('Memory'),
      docs: expect.stringMatching(/\/rules\/cost\/memory-size\/README\.md$/),
    });
    expect(new Set(list.map((r) => r.id)).size).toBe(list.length);
    expect(cli(['rules', '--format', 'xml']).code).toBe(2);
  });

  it('runs only the rules named by --rule, and rejects an unknown one', () => {
    const dir = project({
      ...broken,
      'serverless.yml': broken['serverless.yml'].replace('    timeout: 10\n', ''),
    });
    const all = JSON.parse(cli(['--format', 'json', '.'], dir).stdout).findings.map((f: { ruleId: string }) => f.ruleId);
    expect(all).toEqual(expect.arrayContaining(['explicit-timeout', 'fixed-tmp-path']));
    const only = cli(['--format', 'json', '--rule', 'explicit-timeout', '.'], dir);
    expect(only.code).toBe(0);
    expect(JSON.parse(only.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['explicit-timeout']);
    const two = JSON.parse(cli(['-f', 'json', '--rule', 'explicit-timeout', '--rule', 'fixed-tmp-path', '.'], dir).stdout);
    expect(two.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['explicit-timeout', 'fixed-tmp-path']);
    const unknown = cli(['--rule', 'no-such-rule', '.'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('lambda-lint: unknown rule "no-such-rule" in --rule; `lambda-lint rules` lists them\n');
  });

  it('skips files matching --ignore-pattern (configuration and code)', () => {
    const dir = project({ ...broken, 'legacy/template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: !Nope y\n" });
    const ids = (args: string[]) => JSON.parse(cli(['--format', 'json', ...args, '.'], dir).stdout).findings.map((f: { ruleId: string; file: string }) => `${f.ruleId} ${f.file}`);
    expect(ids([])).toEqual(['parse-error legacy/template.yaml', 'fixed-tmp-path src/ingest.ts']);
    expect(ids(['--ignore-pattern', 'legacy/**'])).toEqual(['fixed-tmp-path src/ingest.ts']);
    expect(ids(['--ignore-pattern', 'legacy', '--ignore-pattern', '*.ts'])).toEqual([]);
    expect(ids(['--ignore-pattern', 'src/ingest.{js,ts}'])).toEqual(['parse-error legacy/template.yaml']);
  });

  it('writes the report to --output-file (creating folders) and nothing to stdout', () => {
    const dir = project(broken);
    const r = cli(['--format', 'sarif', '--output-file', 'reports/out/lambda-lint.sarif', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(readFileSync(join(dir, 'reports/out/lambda-lint.sarif'), 'utf8'));
    expect(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(['fixed-tmp-path']);
    const stylish = cli(['-o', 'out.txt', '.'], dir, { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(stylish.stdout).toBe('');
    // A file gets no colour codes even when colour is forced for the terminal.
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).not.toMatch(/\x1b\[/);
    writeFileSync(join(dir, 'blocker'), 'a file where a folder should be');
    const bad = cli(['-o', 'blocker/out.txt', '.'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^lambda-lint: cannot write the report to .*blocker\/out\.txt: (ENOTDIR|EEXIST)\n$/);
  });

  it('prints the github, junit and summary formats from the command line', () => {
    const dir = project(broken);
    expect(cli(['-f', 'github', '.'], dir).stdout).toMatch(/^::error file=src\/ingest\.ts,line=4,col=17,endLine=4,endColumn=35,title=fixed-tmp-path::handler: writeFileSync\(\) uses the fixed path "\/tmp\/output.json"\. [^\n]*\n$/);
    expect(cli(['-f', 'junit', '.'], dir).stdout).toContain('<testcase name="fixed-tmp-path src/ingest.ts:4:17"');
    expect(cli(['-f', 'summary', '.'], dir).stdout).toMatch(/\| ingest +\| ✔ +\| ✖ 1 error +\|/);
  });

  it('in GitHub Actions, locates annotations and SARIF from the checkout even when run in a subdirectory', () => {
    const dir = project(Object.fromEntries(Object.entries(broken).map(([k, v]) => [`svc/${k}`, v])));
    const sub = join(dir, 'svc');
    const ci = { GITHUB_WORKSPACE: dir };
    expect(cli(['-f', 'github'], sub, ci).stdout).toMatch(/^::error file=svc\/src\/ingest\.ts,line=4,/);
    expect(cli(['-f', 'github'], sub).stdout).toMatch(/^::error file=src\/ingest\.ts,line=4,/);
    const sarif = JSON.parse(cli(['-f', 'sarif'], sub, ci).stdout);
    expect(sarif.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${dir}/`);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('svc/src/ingest.ts');
    // People read paths from where they are.
    expect(JSON.parse(cli(['-f', 'json'], sub, ci).stdout).findings[0].file).toBe('src/ingest.ts');
    // A workspace that does not contain the run is not a base for its paths.
    expect(cli(['-f', 'github'], sub, { GITHUB_WORKSPACE: join(dir, 'elsewhere') }).stdout).toMatch(/^::error file=src\/ingest\.ts,line=4,/);
  });

  it('documents the options with examples in --help', () => {
    const help = cli(['--help']).stdout;
    for (const option of ['--output-file', '--rule <id>', '--ignore-pattern <glob>', '--max-warnings', '--quiet', '--version', 'sarif', 'github', 'junit', 'summary']) {
      expect(help).toContain(option);
    }
    expect(help).toContain('$ lambda-lint rules');
    expect(cli(['rules', '--help']).stdout).toContain('--format <format>');
  });
});

describe('lambda-lint with changed files (pre-commit)', () => {
  const app = {
    ...broken,
    'serverless.yml': broken['serverless.yml'].replace(
      'custom:',
      '  report:\n    handler: src/report.handler\n    timeout: 10\n    tracing: Active\ncustom:',
    ),
    'src/ingest.ts': "import { writeFileSync } from 'node:fs';\nimport { PREFIX } from './lib/names.js';\n\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/output.json', PREFIX + event.body);\n  return { ok: true };\n};\n",
    'src/lib/names.ts': "export const PREFIX = 'in-';\n",
    'src/report.ts': "export const handler = async () => ({ ok: true });\n",
    'scripts/tool.ts': "import { writeFileSync } from 'node:fs';\nwriteFileSync('/tmp/x', 'y');\n",
    'README.md': '# app\n',
    'lambda-lint.config.json': '{ "rules": { "memory-size": "error" } }\n',
    '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
  };
  const run = (files: string[]) => {
    const r = cli(['--format', 'json', ...files], project(app));
    const out = JSON.parse(r.stdout);
    return { code: r.code, ids: out.findings.map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`), functions: out.summary.functions };
  };

  it('a changed handler lints the functions that run it', () => {
    expect(run(['src/ingest.ts'])).toEqual({ code: 1, ids: ['fixed-tmp-path src/ingest.ts:5'], functions: 1 });
  });

  it('a changed module the handler imports lints that function too', () => {
    expect(run(['src/lib/names.ts'])).toEqual({ code: 1, ids: ['fixed-tmp-path src/ingest.ts:5'], functions: 1 });
  });

  it('a handler of a clean function, and files no function uses, give nothing and exit 0', () => {
    expect(run(['src/report.ts'])).toEqual({ code: 0, ids: [], functions: 1 });
    expect(run(['scripts/tool.ts', 'README.md', '.github/workflows/ci.yml'])).toEqual({ code: 0, ids: [], functions: 0 });
  });

  it('a changed lambda-lint configuration lints everything below it', () => {
    expect(run(['lambda-lint.config.json'])).toEqual({ code: 1, ids: ['fixed-tmp-path src/ingest.ts:5'], functions: 2 });
  });

  it('a changed configuration lints its project, mixed with other files', () => {
    expect(run(['serverless.yml', 'README.md'])).toEqual({ code: 1, ids: ['fixed-tmp-path src/ingest.ts:5'], functions: 2 });
    expect(run(['README.md', 'src/report.ts', 'serverless.yml'])).toEqual({ code: 1, ids: ['fixed-tmp-path src/ingest.ts:5'], functions: 2 });
  });
});
