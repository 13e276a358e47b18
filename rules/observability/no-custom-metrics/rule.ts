import { defineRule, type HandlerBinding, type LambdaFunction } from '@lambda-lint/core';
import { codeOf, descendantsOfKind, sdkFactsOf, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, ts, type SourceFile } from '@lambda-lint/handler/ts-morph';

/** Packages whose use emits custom metrics: Powertools Metrics, EMF, StatsD and Datadog clients. */
export const METRIC_MODULES: ReadonlySet<string> = new Set([
  '@aws-lambda-powertools/metrics',
  'aws-embedded-metrics',
  'hot-shots',
  'node-statsd',
  'statsd-client',
  'lynx',
  'datadog-lambda-js',
  'datadog-metrics',
  '@opentelemetry/api-metrics',
]);

export interface Options {
  /** The rule only speaks for a configuration file with at least this many functions whose handler code was read. */
  minFunctions: number;
}

function moduleName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Imports or requires a metrics package. */
function importsMetrics(file: SourceFile): boolean {
  for (const d of file.getImportDeclarations()) {
    // Not getModuleSpecifierValue(): it throws on broken code (`import x from 5`).
    const spec = d.compilerNode.moduleSpecifier;
    if (ts.isStringLiteral(spec) && METRIC_MODULES.has(moduleName(spec.text))) return true;
  }
  for (const call of descendantsOfKind(file, SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!(Node.isIdentifier(callee) && callee.getText() === 'require') && callee.getKind() !== SyntaxKind.ImportKeyword) continue;
    const a = call.getArguments()[0];
    if (a && (Node.isStringLiteral(a) || Node.isNoSubstitutionTemplateLiteral(a)) && METRIC_MODULES.has(moduleName(a.getLiteralValue()))) return true;
  }
  return false;
}

/** An Embedded Metric Format document: an object with `_aws: { CloudWatchMetrics: [...] }`. */
function writesEmf(file: SourceFile): boolean {
  for (const p of descendantsOfKind(file, SyntaxKind.PropertyAssignment)) {
    if (p.getName().replace(/['"]/g, '') !== '_aws') continue;
    const init = p.getInitializer();
    if (init && Node.isObjectLiteralExpression(init) && init.getProperty('CloudWatchMetrics')) return true;
  }
  return false;
}

/**
 * A part of every metrics package's name (not `metrics` alone: a project's own metrics module is no
 * package), and the `_aws` key of an EMF document: a file whose text has
 * none of them (and no backslash, which an escaped specifier or key would need) cannot import a metrics
 * package or write EMF. A test holds each package of {@link METRIC_MODULES} to match.
 */
const METRIC_WORD = /powertools\/metrics|embedded-metrics|api-metrics|statsd|hot-shots|lynx|datadog|_aws/;

export function mayEmitMetrics(text: string): boolean {
  return text.includes('\\') || METRIC_WORD.test(text);
}

/**
 * Whether a file imports or requires a metrics package or writes EMF: most files' text tells they
 * do not, without walking their calls and properties (nor wrapping the file: `wrap` is asked only
 * for a file that may).
 */
export function fileEmitsMetrics(file: ts.SourceFile, wrap: (file: ts.SourceFile) => SourceFile): boolean {
  return mayEmitMetrics(file.text) && fileEmitsMetricsByWalk(wrap(file));
}

/** {@link fileEmitsMetrics} without the test of the text. */
export function fileEmitsMetricsByWalk(file: SourceFile): boolean {
  return importsMetrics(file) || writesEmf(file);
}

function emitsMetrics(code: HandlerCode, checked: Map<ts.SourceFile, boolean>): boolean {
  if (sdkFactsOf(code).operations.some((op) => op.operation === 'PutMetricData')) return true;
  for (const file of code.fileNodes) {
    let found = checked.get(file);
    if (found === undefined) {
      found = fileEmitsMetrics(file, (f) => code.wrap<SourceFile>(f));
      checked.set(file, found);
    }
    if (found) return true;
  }
  return false;
}

export default defineRule({
  id: 'no-custom-metrics',
  category: 'observability',
  severity: 'info',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'An application (a configuration file with several functions whose code was read) that emits no business-level metric anywhere: no Powertools Metrics, Embedded Metric Format, PutMetricData, StatsD or Datadog client.',
  messages: {
    noMetrics:
      '{{application}}: none of the {{count}} functions whose code was read emits a custom metric (no Powertools Metrics, Embedded Metric Format, PutMetricData, StatsD or Datadog client). The platform metrics (Invocations, Errors, Duration) say the functions run, not that the business works: orders placed, payments failed or messages dropped go unnoticed until a customer reports them. Emit the few business metrics that matter with Powertools Metrics or EMF (no extra API call), and alarm on them.',
  },
  defaultOptions: { minFunctions: 3 } as Options,
  check(ctx) {
    const byFile = new Map<string, HandlerBinding[]>();
    for (const b of ctx.handlers) {
      const list = byFile.get(b.fn.file) ?? [];
      if (!list.some((x) => x.fn === b.fn)) list.push(b);
      byFile.set(b.fn.file, list);
    }
    const checked = new Map<ts.SourceFile, boolean>();
    for (const [file, bindings] of byFile) {
      if (bindings.length < ctx.options.minFunctions) continue;
      if (bindings.some((b) => emitsMetrics(codeOf(b), checked))) continue;
      const first: LambdaFunction = ctx.model.functions.find((f) => f.file === file) ?? bindings[0]!.fn;
      ctx.report({ messageId: 'noMetrics', data: { application: baseName(file), count: bindings.length }, loc: first.loc, fn: first });
    }
  },
});

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

