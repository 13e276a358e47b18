import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
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
