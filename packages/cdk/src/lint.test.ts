/** End to end: a CDK app with its synth output, linted in memory as the CLI lints a directory. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lint, lintFiles, memoryHost, type LintResult } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';

function fixture(name: string): Record<string, string> {
  const base = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)).replace(/\/$/, '');
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(base);
  return out;
}

const app = fixture('app');

/** Findings of the given rules as `file:line:col-endLine:endCol rule resource`. */
function where(result: LintResult, ...ruleIds: string[]): string[] {
  return result.findings
    .filter((f) => ruleIds.includes(f.ruleId))
    .map((f) => `${f.loc.file.slice('/project/'.length)}:${f.loc.line}:${f.loc.column}-${f.loc.endLine}:${f.loc.endColumn} ${f.ruleId} ${f.resource ?? '-'}`);
}

describe('CDK synth output and app, linted together', () => {
  it('reports infrastructure findings in the template JSON, named by construct path', async () => {
    const result = await lintFiles(app);
    expect(result.functionCount).toBe(3);
    const timeout = result.findings.filter((f) => f.ruleId === 'explicit-timeout');
    expect(timeout).toEqual([
      expect.objectContaining({
        ruleId: 'explicit-timeout',
        messageId: 'missing',
        function: 'MyStack/Api/Handler',
        resource: 'MyStack/Api/Handler',
        loc: { file: '/project/cdk.out/MyStack.template.json', line: 37, column: 3, endLine: 37, endColumn: 23 },
      }),
    ]);
    expect(timeout[0]!.message).toMatch(/^MyStack\/Api\/Handler: no timeout is set, so the Lambda default of 3 s applies\./);
  });

  it('runs the handler rules on the source files the app names, not on the bundled asset', async () => {
    const result = await lintFiles(app);
    expect(where(result, 'fixed-tmp-path', 'global-mutable-state', 'unresolved-handler', 'parse-error')).toEqual([
      'lambda/index.js:4:3-4:21 global-mutable-state MyStack/Workers/Worker',
      'lib/stage.Ingest.ts:4:3-4:14 global-mutable-state Prod/Ingest/Ingest',
      'src/handler.ts:4:17-4:35 fixed-tmp-path MyStack/Api/Handler',
    ]);
    expect(result.findings.filter((f) => f.loc.file.includes('/cdk.out/asset.'))).toEqual([]);
    expect(result.handlers.map((h) => [h.fn.name, h.file, h.exportName])).toEqual([
      ['MyStack/Api/Handler', '/project/src/handler.ts', 'main'],
      ['MyStack/Workers/Worker', '/project/lambda/index.js', 'handler'],
      ['Prod/Ingest/Ingest', '/project/lib/stage.Ingest.ts', 'handler'],
    ]);
  });

  it('reads each template once: stack, nested stack and stage, never the assembly as loose files', async () => {
    const result = await lintFiles(app);
    expect(result.model.documents.map((d) => [d.file.slice('/project/'.length), d.platform])).toEqual([
      ['cdk.out/MyStack.template.json', 'cdk'],
      ['cdk.out/MyStackWorkers3F4A1B2C.nested.template.json', 'cdk'],
      ['cdk.out/assembly-Prod/ProdIngest0F9A2B3C.template.json', 'cdk'],
    ]);
    // manifests (2), templates (3), cdk.json and the app's modules (3), handler sources (3)
    expect(result.fileCount).toBe(12);
  });

  it('reads the same when given the cdk.out folder or its manifest.json, mapping handlers from the app next to it', () => {
    const host = memoryHost(app, '/project');
    for (const path of ['/project/cdk.out', '/project/cdk.out/manifest.json']) {
      const result = lint({ host, paths: [path], root: '/project', rules: allRules, today: new Date('2026-06-01T00:00:00Z') });
      expect(result.model.functions.map((f) => f.name)).toEqual(['MyStack/Api/Handler', 'MyStack/Workers/Worker', 'Prod/Ingest/Ingest']);
      expect(where(result, 'fixed-tmp-path')).toEqual(['src/handler.ts:4:17-4:35 fixed-tmp-path MyStack/Api/Handler']);
    }
    const both = lint({ host, paths: ['/project', '/project/cdk.out', '/project/cdk.out/assembly-Prod'], root: '/project', rules: allRules, today: new Date('2026-06-01T00:00:00Z') });
    expect(both.functionCount).toBe(3);
    expect(where(both, 'explicit-timeout')).toEqual(['cdk.out/MyStack.template.json:37:3-37:23 explicit-timeout MyStack/Api/Handler']);
  });

  it('reports a handler export the source does not have at the app line that names it', async () => {
    const stack = app['lib/stack.ts']!.replace("handler: 'main'", "handler: 'mian'");
    const result = await lintFiles({ ...app, 'lib/stack.ts': stack });
    expect(where(result, 'unresolved-handler')).toEqual(['lib/stack.ts:15:7-15:22 unresolved-handler MyStack/Api/Handler']);
    expect(result.findings.find((f) => f.ruleId === 'unresolved-handler')!.message).toMatch(/^MyStack\/Api\/Handler: handler file src\/handler\.ts has no export "mian"/);
  });

  it('without the app, lints the templates and stays silent about code it cannot map', async () => {
    const files = { ...app };
    delete files['cdk.json'];
    const result = await lintFiles(files);
    expect(result.functionCount).toBe(3);
    expect(where(result, 'fixed-tmp-path', 'global-mutable-state', 'unresolved-handler', 'parse-error')).toEqual([]);
    expect(where(result, 'explicit-timeout')).toEqual(['cdk.out/MyStack.template.json:37:3-37:23 explicit-timeout MyStack/Api/Handler']);
  });

  it('reports a broken manifest as a parse error at its position and lints the rest', async () => {
    const result = await lintFiles({ ...app, 'cdk.out/manifest.json': '{\n "version": "36.0.0",\n "artifacts": {\n  "MyStack": { "type": 7 },\n' });
    expect(where(result, 'parse-error')).toEqual(['cdk.out/manifest.json:5:1-5:1 parse-error -']);
    expect(result.functionCount).toBe(0);
  });

  it('skips a cdk.out without a manifest and other build output', async () => {
    const result = await lintFiles({
      'cdk.out/MyStack.template.json': app['cdk.out/MyStack.template.json']!,
      'dist/cdk.out/manifest.json': app['cdk.out/manifest.json']!,
      'dist/cdk.out/MyStack.template.json': app['cdk.out/MyStack.template.json']!,
    });
    expect(result.functionCount).toBe(0);
    expect(result.findings).toEqual([]);
  });
});
