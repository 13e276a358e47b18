// The built CLI on broken input: exit 1 with parse errors, never exit 2 (reserved for usage errors
// and internal failures), never a stack trace. Spawned as users run it (`pnpm test` builds it first).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALIAS_BOMB } from '../../bench/corpus/mutate.mjs';
import { generateCorpus } from '../../bench/corpus/generate.mjs';
import { repoRoot } from '../support.js';
import { SCALE, seeds, type Files } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function write(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-robust-'));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

/** Stack frames as Node prints them (`    at fn (file.js:1:2)`), and V8's fatal error banner. */
const STACK = /^\s+at .+(:\d+:\d+\)?|<anonymous>\)?)$|FATAL ERROR|Native stack trace/m;

const handler = 'export const handler = async () => ({ statusCode: 200 });\n';

/** One broken file of every kind, and one good service whose finding must still be reported. */
const BROKEN: Files = {
  'yaml/serverless.yml': 'service: s\nprovider:\n  name: aws\n runtime: nodejs22.x\n',
  'json/template.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {,}\n}\n',
  'tag/template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Nope x\n",
  'dup/template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n  Q:\n    Type: AWS::SQS::Queue\n",
  'bomb/serverless.yml': `service: s\nprovider:\n  name: aws\n${ALIAS_BOMB.replace('bomb:', 'custom:')}`,
  'binary/template.yaml': Buffer.from([0x41, 0x57, 0x53, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x0a, 0xff, 0xfe]),
  'empty/serverless.yml': '',
  'deep/template.json': `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
  'deepyaml/template.yaml': `Resources:\n  X: ${'{a: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`,
  'list/serverless.yml': '- a\n- b\n',
  'crlf/template.yaml': "\uFEFFAWSTemplateFormatVersion: '2010-09-09'\r\nResources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n   Properties: {}\r\n",
  'code/serverless.yml': 'service: c\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  a:\n    handler: src/a.handler\n  b:\n    handler: src/b.handler\n  c:\n    handler: src/missing.handler\n',
  'code/src/a.ts': 'export const handler = async () => {\n  return { ok: true ;\n};\n',
  'code/src/b.ts': `export const handler = () => ${'('.repeat(30_000)}1${')'.repeat(30_000)};\n`,
  'good/serverless.yml': 'service: good\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\nfunctions:\n  api:\n    handler: src/api.handler\n',
  'good/src/api.ts': handler,
};

describe('CLI on broken input', () => {
  it('exits 1 with a parse-error at a position for every unreadable file, lints the rest, prints no stack trace', () => {
    const dir = write(BROKEN);
    const r = cli(['--format', 'json', '.'], dir);
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(`${r.stdout}\n${r.stderr}`).not.toMatch(STACK);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number }[] };
    const parseErrors = out.findings.filter((f) => f.ruleId === 'parse-error').map((f) => `${f.file}:${f.line}:${f.column}`);
    expect(parseErrors).toEqual([
      'binary/template.yaml:1:1',
      'bomb/serverless.yml:10:10',
      'code/src/a.ts:2:21',
      'code/src/b.ts:1:1',
      'crlf/template.yaml:5:1',
      'deep/template.json:1:256',
      'deepyaml/template.yaml:2:798',
      'dup/template.yaml:5:3',
      'empty/serverless.yml:1:1',
      'json/template.json:3:17',
      'list/serverless.yml:1:1',
      'tag/template.yaml:6:18',
      'yaml/serverless.yml:4:1',
    ]);
    const others = out.findings.filter((f) => f.ruleId !== 'parse-error').map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`);
    expect(others).toContain('explicit-timeout good/serverless.yml:7:3');
    expect(others).toContain('unresolved-handler code/serverless.yml:11:14');
  });

  it('prints stylish output for the same files without stack traces or raw control characters', () => {
    const dir = write(BROKEN);
    const r = cli(['.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(STACK);
    // Binary content in a code frame must not reach the terminal (escape sequences, NUL bytes).
    expect(r.stdout).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(r.stdout).toContain('binary/template.yaml');
  });

  it('--max-file-size turns larger files into parse errors, still exit 1, not 2', () => {
    const dir = write({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nDescription: ${'x'.repeat(3000)}\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n`,
      'good/serverless.yml': BROKEN['good/serverless.yml']!,
      'good/src/api.ts': handler,
    });
    const r = cli(['--format', 'json', '--max-file-size', '2kb', '.'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number; column: number; message: string }[] }).findings;
    expect(findings.filter((f) => f.ruleId === 'parse-error').map((f) => [f.file, f.line, f.column])).toEqual([['template.yaml', 1, 1]]);
    expect(findings.find((f) => f.ruleId === 'parse-error')!.message).toContain('2 KB limit');
    expect(findings.map((f) => f.ruleId)).toContain('explicit-timeout');
    // The same file under the default limit is read.
    expect(cli(['--format', 'json', 'template.yaml'], dir).stdout).not.toContain('parse-error');
  });

  it('--max-file-size names both sizes of a handler file over it, in KB below a megabyte', () => {
    const dir = write({
      'serverless.yml': BROKEN['good/serverless.yml']!,
      'src/api.ts': `// ${'x'.repeat(3000)}\n${handler}`,
    });
    const r = cli(['--format', 'json', '--max-file-size', '2kb', '.'], dir);
    expect(r.code).toBe(1);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; message: string }[] }).findings;
    const tooLarge = findings.filter((f) => f.ruleId === 'parse-error');
    expect(tooLarge.map((f) => [f.file, f.message.slice(0, 'File is larger than the 2 KB limit (3 KB) and was not analysed'.length)])).toEqual([
      ['src/api.ts', 'File is larger than the 2 KB limit (3 KB) and was not analysed'],
    ]);
  });

  it('exits 2 only for usage errors, with one line and no stack trace', () => {
    const dir = write({ 'serverless.yml': 'service: s\n' });
    for (const args of [['--format', 'xml'], ['--max-file-size', 'huge'], ['--max-warnings', '-1'], ['--no-such-option'], ['missing-dir']]) {
      const r = cli(args, dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('never exits 2 on a directory of 20 generated projects, broken or not', () => {
    const files: Files = {};
    for (const p of generateCorpus(seeds, { count: 20, seed: 7, scale: SCALE })) {
      for (const [rel, content] of Object.entries(p.files)) files[`p${p.id}/${rel}`] = content;
    }
    const dir = write(files);
    const r = cli(['--format', 'json', '.'], dir);
    expect(r.stderr).toBe('');
    expect([0, 1]).toContain(r.code);
    expect(r.stdout).not.toMatch(STACK);
    expect(JSON.parse(r.stdout)).toMatchObject({ version: 1 });
  });
});
