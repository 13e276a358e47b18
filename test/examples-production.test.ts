/**
 * Issue 6: the production-ready example platform, as a Serverless Framework service and as a SAM
 * application sharing its handler sources, gives no finding at all from the real (built) CLI.
 * Negative controls show the clean result is earned: the same apps with one production gap each
 * are reported, at the place the gap is (`pnpm test` builds the CLI first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');

interface JsonReport {
  findings: { ruleId: string; file: string; line: number }[];
  summary: { errors: number; warnings: number; infos: number; files: number; functions: number };
}

function cli(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lintJson(path: string, cwd = repoRoot): { code: number | null; report: JsonReport; stderr: string } {
  const r = cli([path, '--format', 'json'], cwd);
  return { code: r.code, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

/** Both examples copied side by side (the SAM template's CodeUri is ../brand-platform), without node_modules. */
function copyOfExamples(): string {
  const root = mkdtempSync(join(tmpdir(), 'lambda-lint-examples-'));
  for (const name of ['brand-platform', 'brand-platform-sam']) {
    cpSync(join(repoRoot, 'examples', name), join(root, name), { recursive: true, filter: (src) => !src.includes('node_modules') });
  }
  return root;
}

function edit(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

describe('production-ready example platform', () => {
  for (const example of ['examples/brand-platform', 'examples/brand-platform-sam']) {
    it(`${example}: exit 0, no findings, all nine functions and their handler code read`, () => {
      const { code, report, stderr } = lintJson(example);
      expect(stderr).toBe('');
      expect(report.findings).toEqual([]);
      expect(code).toBe(0);
      expect(report.summary).toMatchObject({ errors: 0, warnings: 0, infos: 0, functions: 9 });
      // The configuration plus the handler modules of the shared src/ tree.
      expect(report.summary.files).toBeGreaterThanOrEqual(20);
    });

    it(`${example}: stylish output says so`, () => {
      const r = cli([example]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/No problems found \(9 functions in \d+ files\)/);
    });
  }

  it('the SAM application reads the shared handler sources: a permission removed from its template is reported at the call in ../brand-platform', () => {
    const root = copyOfExamples();
    edit(
      join(root, 'brand-platform-sam/template.yaml'),
      '                - dynamodb:GetItem\n                - dynamodb:PutItem\n                - dynamodb:DeleteItem\n',
      '                - dynamodb:GetItem\n                - dynamodb:PutItem\n',
    );
    const { code, report } = lintJson('brand-platform-sam', root);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.ruleId, f.file])).toEqual([['iam-missing-permission', 'brand-platform/src/auth/handler.ts']]);
  });

  it('the Serverless service is clean for a reason: each production gap put back is reported', () => {
    const root = copyOfExamples();
    const sls = join(root, 'brand-platform/serverless.yml');
    edit(sls, '    destinations:\n      onFailure:\n        type: sqs\n        arn: !GetAtt ProcessUploadFailuresQueue.Arn\n', '');
    edit(sls, '      tracingConfig:\n        enabled: true\n', '');
    edit(sls, '    reservedConcurrency: 10\n', '');
    edit(join(root, 'brand-platform/src/websocket/broadcast.ts'), 'if (!(err instanceof GoneException)) throw err;', 'throw err;');
    const { code, report } = lintJson('brand-platform', root);
    expect(code).toBe(1);
    const rules = new Set(report.findings.map((f) => f.ruleId));
    for (const id of ['async-without-dlq', 'tracing-disabled', 'reserved-concurrency', 'websocket-gone-not-handled', 'iam-unused-permission']) {
      expect(rules, id).toContain(id);
    }
  });
});
