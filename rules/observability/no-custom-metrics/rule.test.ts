import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, descendantsOfKind, unwrapExpression } from '@lambda-lint/handler';
import { Node, SyntaxKind, type SourceFile } from '@lambda-lint/handler/ts-morph';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import rule, { fileEmitsMetrics, fileEmitsMetricsByWalk, mayEmitMetrics, METRIC_MODULES } from './rule.js';

const ID = 'no-custom-metrics';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  create:\n    handler: src/create.handler\n  get:\n    handler: src/get.handler\n  cancel:\n    handler: src/cancel.handler\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

const PLAIN = lines('export const handler = async (e: { id: string }) => ({ id: e.id });');

/** Three functions; `create` gets the code under test. */
function app(create: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'serverless.yml': SERVERLESS, 'src/create.ts': create, 'src/get.ts': PLAIN, 'src/cancel.ts': PLAIN, ...extra };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const FINDING = at(ID, 'noMetrics', 9, 3, 9, 9);

describe(ID, () => {
  it('reports one finding for a configuration file whose functions emit no metric, at its first function', async () => {
    const r = await lintFiles(app(PLAIN));
    expect(positions(r, ID)).toEqual([FINDING]);
    const own = r.findings.filter((f) => f.ruleId === ID);
    expect(own[0]!.message).toBe(
      'serverless.yml: none of the 3 functions whose code was read emits a custom metric (no Powertools Metrics, Embedded Metric Format, PutMetricData, StatsD or Datadog client). The platform metrics (Invocations, Errors, Duration) say the functions run, not that the business works: orders placed, payments failed or messages dropped go unnoticed until a customer reports them. Emit the few business metrics that matter with Powertools Metrics or EMF (no extra API call), and alarm on them.',
    );
    expect(own[0]).toMatchObject({ severity: 'info', function: 'create' });
  });

  it('reports one finding per configuration file (service or stack)', async () => {
    const other = SERVERLESS.replace('service: s', 'service: t').replace(/src\//g, 'other/');
    const r = await lintFiles({ ...app(PLAIN), 'other/serverless.yml': other.replace(/other\//g, 'src/'), 'other/src/create.ts': PLAIN, 'other/src/get.ts': PLAIN, 'other/src/cancel.ts': PLAIN });
    expect(r.findings.filter((f) => f.ruleId === ID).map((f) => f.loc.file)).toEqual(['/project/other/serverless.yml', '/project/serverless.yml']);
  });

  describe('not a finding', () => {
    const cases: [string, string[], Record<string, string>?][] = [
      ['Powertools Metrics', ["import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';", 'const metrics = new Metrics();', "export const handler = async () => { metrics.addMetric('Created', MetricUnit.Count, 1); metrics.publishStoredMetrics(); };"]],
      ['aws-embedded-metrics', ["import { createMetricsLogger } from 'aws-embedded-metrics';", "export const handler = async () => { const m = createMetricsLogger(); m.putMetric('Created', 1); await m.flush(); };"]],
      ['an EMF document with quoted keys, as its JSON specification writes it', ['export const handler = async () => { console.log(JSON.stringify({ "_aws": { "Timestamp": Date.now(), "CloudWatchMetrics": [{ "Namespace": "n", "Dimensions": [[]], "Metrics": [{ "Name": "Created" }] }] }, "Created": 1 })); };']],
      ['an EMF document with computed and escaped keys, its metadata asserted', ["const CWM = 'CloudWatchMetrics';", "export const handler = async () => { console.log(JSON.stringify({ '\\x5faws': ({ ['CloudWatchMetrics']: [] } as const), [CWM]: 1 })); };"]],
      ['an EMF document written to stdout', ["export const handler = async () => { console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'n', Dimensions: [[]], Metrics: [{ Name: 'Created' }] }] }, Created: 1 })); };"]],
      ['PutMetricDataCommand', ["import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';", 'const cw = new CloudWatchClient({});', "export const handler = async () => { await cw.send(new PutMetricDataCommand({ Namespace: 'n', MetricData: [{ MetricName: 'Created', Value: 1 }] })); };"]],
      ['a StatsD client (hot-shots), required', ["const StatsD = require('hot-shots');", 'const stats = new StatsD();', "export const handler = async () => { stats.increment('created'); };"]],
      ['datadog-lambda-js', ["import { sendDistributionMetric } from 'datadog-lambda-js';", "export const handler = async () => { sendDistributionMetric('created', 1); };"]],
      ['metrics in a local module the handler calls', ["import { created } from './metrics.js';", 'export const handler = async () => { created(); };']],
    ];
    const metricsModule = { 'src/metrics.ts': lines("import { Metrics } from '@aws-lambda-powertools/metrics';", 'const metrics = new Metrics();', "export function created() { metrics.addMetric('Created', 'Count', 1); metrics.publishStoredMetrics(); }") };
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(app(lines(...code), metricsModule))).toEqual([]);
      });
    }

    it('fewer functions with resolved code than minFunctions (default 3)', async () => {
      // A handler whose export cannot be found does not count.
      expect(await found({ ...app(PLAIN), 'src/cancel.ts': '' })).toEqual([]);
      const two = { 'serverless.yml': SERVERLESS, 'src/create.ts': PLAIN, 'src/get.ts': PLAIN };
      expect(await found(two)).toEqual([]);
      expect(positions(await lintFiles(two, { config: { rules: { [ID]: ['info', { minFunctions: 2 }] } } }), ID)).toEqual([FINDING]);
    });

    it('no handler code at all', async () => {
      expect(await found({ 'serverless.yml': SERVERLESS })).toEqual([]);
    });
  });

  it('tells from the text of a file whether it can emit metrics: every package, an EMF key, escapes', () => {
    expect([...METRIC_MODULES].filter((m) => !mayEmitMetrics(`import x from '${m}';`))).toEqual([]);
    expect(["const doc = { _aws: { CloudWatchMetrics: [] } };", "const doc = { '\\x5faws': {} };", "require('hot-shots')"].map(mayEmitMetrics)).toEqual([true, true, true]);
    expect(["import { S3Client } from '@aws-sdk/client-s3';", 'export const handler = async () => ({ statusCode: 200 });'].map(mayEmitMetrics)).toEqual([false, false]);
  });

  /**
   * The rule's former look, on ts-morph wrappers: the rule now reads compiler nodes (no wrapper of the
   * file is made) and must give the same answers; the keys of an EMF document are now read as static
   * names however written (quoted, computed, escaped: `staticName`), where the former look missed all
   * but the outer key's quoted form.
   */
  function staticName(name: Node): string | undefined {
    if (Node.isIdentifier(name)) return name.getText();
    if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name) || Node.isNumericLiteral(name)) return String(name.getLiteralValue());
    if (Node.isComputedPropertyName(name)) {
      const e = unwrapExpression(name.getExpression());
      return Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e) ? e.getLiteralValue() : undefined;
    }
    return undefined;
  }

  function emitsMetricsByWrappers(file: SourceFile): boolean {
    const moduleName = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    for (const d of file.getImportDeclarations()) {
      const spec = d.getModuleSpecifier();
      if (Node.isStringLiteral(spec) && METRIC_MODULES.has(moduleName(spec.getLiteralValue()))) return true;
    }
    for (const call of descendantsOfKind(file, SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (!(Node.isIdentifier(callee) && callee.getText() === 'require') && callee.getKind() !== SyntaxKind.ImportKeyword) continue;
      const a = call.getArguments()[0];
      if (a && (Node.isStringLiteral(a) || Node.isNoSubstitutionTemplateLiteral(a)) && METRIC_MODULES.has(moduleName(a.getLiteralValue()))) return true;
    }
    for (const p of descendantsOfKind(file, SyntaxKind.PropertyAssignment)) {
      if (staticName(p.getNameNode()) !== '_aws') continue;
      const init = unwrapExpression(p.getInitializerOrThrow());
      if (Node.isObjectLiteralExpression(init) && init.getProperties().some((q) => !Node.isSpreadAssignment(q) && staticName(q.getNameNode()) === 'CloudWatchMetrics')) return true;
    }
    return false;
  }

  it('finds, with the test of the text and on compiler nodes, the files the walk of wrappers finds, in the fixtures, the demo and files of every form', async () => {
    const forms = {
      'src/get.ts': lines("import { Metrics } from '@aws-lambda-powertools/metrics';", 'const m = new Metrics();', 'export const handler = async () => m.addMetric("x", "Count", 1);'),
      'src/cancel.ts': lines("const StatsD = require('hot-shots');", 'const s = new StatsD();', 'export const handler = async () => s.increment("x");'),
      'src/emf.ts': lines("export const emit = () => console.log(JSON.stringify({ _aws: { CloudWatchMetrics: [] } }));"),
      // Names written with escapes, quoted keys, computed and shorthand keys, a spread, import(), templates.
      'src/quoted.ts': lines("export const f = () => ({ '_aws': { 'CloudWatchMetrics': [] } });"),
      'src/quotedinner.ts': lines("export const f = () => ({ _aws: { 'CloudWatchMetrics': [] } });"),
      'src/shorthand.ts': lines('const CloudWatchMetrics: string[] = [];', 'export const f = () => ({ "_aws": { ...{}, CloudWatchMetrics } });'),
      'src/spread.ts': lines('export const f = () => ({ _aws: { ...{ CloudWatchMetrics: [] } } });'),
      'src/computed.ts': lines("export const f = () => ({ ['_aws']: { ['CloudWatchMetrics']: [] }, _aws2: { CloudWatchMetrics: [] } });"),
      'src/method.ts': lines('export const f = () => ({ _aws: { CloudWatchMetrics() { return []; } } });'),
      'src/escapedkey.ts': lines('export const f = () => ({ \\u005faws: { CloudWatch\\u004detrics: [] } });'),
      'src/escapedrequire.ts': lines("export const f = () => \\u0072equire('hot-shots');"),
      'src/dynamic.ts': lines('export const f = () => import(`datadog-metrics`);'),
      'src/nested.ts': lines('export function f() {', "  const m = require('@aws-lambda-powertools/metrics/lib');", '  return m;', '}'),
      'src/other.ts': lines("import { S3Client } from '@aws-sdk/client-s3';", "export const f = () => ({ aws: { CloudWatchMetrics: [] }, s3: new S3Client({}), req: require('./emf.js') });"),
    };
    const uses = Object.keys(forms)
      .filter((f) => !['src/get.ts', 'src/cancel.ts', 'src/emf.ts'].includes(f))
      .map((f) => `import { f } from './${f.slice(4, -3)}.js';`);
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => fileURLToPath(new URL(`fixtures/${v}/${c}/`, import.meta.url))));
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url))),
      await lintFiles(app(lines("import { emit } from './emf.js';", 'export const handler = async () => emit();'), forms)),
      // Each form on its own, reached from a handler.
      ...(await Promise.all(
        uses.map((use) => lintFiles(app(lines(use, 'export const handler = async () => f();'), forms))),
      )),
    ];
    let files = 0;
    let emitting = 0;
    const formAnswers = new Map<string, boolean>();
    for (const r of results) {
      for (const binding of r.handlers) {
        for (const file of codeOf(binding).files) {
          const expected = emitsMetricsByWrappers(file);
          if (file.getFilePath().startsWith('/project/src/')) formAnswers.set(file.getFilePath().slice('/project/src/'.length), expected);
          expect(fileEmitsMetricsByWalk(file.compilerNode), file.getFilePath()).toBe(expected);
          let walked = false;
          const answer = fileEmitsMetrics(file.compilerNode, (f) => ((walked = true), fileEmitsMetricsByWalk(f)));
          expect(answer, file.getFilePath()).toBe(expected);
          // The walk is made only when the text may emit metrics.
          expect(walked, file.getFilePath()).toBe(mayEmitMetrics(file.getFullText()));
          files++;
          if (expected) emitting++;
        }
      }
    }
    expect(Object.fromEntries([...formAnswers].filter(([f]) => f !== 'create.ts').sort())).toEqual({
      'cancel.ts': true,
      'computed.ts': true,
      'dynamic.ts': true,
      'emf.ts': true,
      'escapedkey.ts': true,
      'escapedrequire.ts': true,
      'get.ts': true,
      'method.ts': true,
      'nested.ts': true,
      'other.ts': false,
      'quoted.ts': true,
      'quotedinner.ts': true,
      'shorthand.ts': true,
      'spread.ts': false,
    });
    expect(files).toBeGreaterThan(20);
    expect(emitting).toBeGreaterThan(3);
  });

  it('looks at the files that may emit metrics without a ts-morph wrapper of any file', async () => {
    const only = { rules: [rule] };
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const runs = await Promise.all(['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => lintDirectory(here(`fixtures/${v}/${c}/`), only))));
    runs.push(await lintFiles(app(lines("import { emit } from './emf.js';", 'export const handler = async () => emit();'), { 'src/emf.ts': 'export const emit = () => console.log(JSON.stringify({ _aws: { CloudWatchMetrics: [] } }));\n' }), only));
    let looked = 0;
    for (const run of runs) {
      for (const binding of run.handlers) {
        const code = codeOf(binding);
        looked += code.fileNodes.filter((f) => mayEmitMetrics(f.text)).length;
        expect(code.wrappedFiles()).toEqual([]);
      }
    }
    // Files whose text may emit metrics were looked at (their walk once wrapped them), and findings made.
    expect(looked).toBeGreaterThan(3);
    expect(runs.filter((run) => run.findings.some((f) => f.ruleId === ID)).length).toBe(4);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
