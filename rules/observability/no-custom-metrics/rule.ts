import { defineRule, type HandlerBinding, type LambdaFunction } from '@lambda-lint/core';
import { codeOf, descendantsByKind, propertyNameText, sdkFactsOf, skipOuterExpressions, type HandlerCode } from '@lambda-lint/handler';
import { wrapperText } from '../../support/code-facts.js';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';

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

/*
 * Read on compiler nodes: the rule reports at the configuration, never in code, and a ts-morph
 * wrapper of a file costs more than the look. A name is read as the wrappers' `getText()` gives it
 * (an identifier's escapes resolved).
 */

/** Imports or requires a metrics package. */
function importsMetrics(file: ts.SourceFile): boolean {
  for (const d of file.statements) {
    if (d.kind !== SyntaxKind.ImportDeclaration) continue;
    const spec = (d as ts.ImportDeclaration).moduleSpecifier;
    if (spec.kind === SyntaxKind.StringLiteral && METRIC_MODULES.has(moduleName((spec as ts.StringLiteral).text))) return true;
  }
  for (const node of descendantsByKind(file, SyntaxKind.CallExpression)) {
    const call = node as ts.CallExpression;
    const callee = call.expression;
    if (!(callee.kind === SyntaxKind.Identifier && wrapperText(callee) === 'require') && callee.kind !== SyntaxKind.ImportKeyword) continue;
    const a = call.arguments[0];
    if (a && (a.kind === SyntaxKind.StringLiteral || a.kind === SyntaxKind.NoSubstitutionTemplateLiteral) && METRIC_MODULES.has(moduleName((a as ts.StringLiteralLike).text))) return true;
  }
  return false;
}

/**
 * An Embedded Metric Format document: an object with `_aws: { CloudWatchMetrics: [...] }`. Keys are
 * read as static names, however written: the document is often pasted from its JSON specification
 * (`"_aws": { "CloudWatchMetrics": [...] }`), or built with computed or escaped keys.
 */
function writesEmf(file: ts.SourceFile): boolean {
  for (const node of descendantsByKind(file, SyntaxKind.PropertyAssignment)) {
    const p = node as ts.PropertyAssignment;
    if (propertyNameText(p.name) !== '_aws') continue;
    const init = skipOuterExpressions(p.initializer);
    if (init.kind === SyntaxKind.ObjectLiteralExpression && (init as ts.ObjectLiteralExpression).properties.some((q) => q.name !== undefined && propertyNameText(q.name) === 'CloudWatchMetrics')) return true;
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
 * do not, without walking their calls and properties (`walk` is asked only for a file that may).
 */
export function fileEmitsMetrics(file: ts.SourceFile, walk: (file: ts.SourceFile) => boolean = fileEmitsMetricsByWalk): boolean {
  return mayEmitMetrics(file.text) && walk(file);
}

/** {@link fileEmitsMetrics} without the test of the text. */
export function fileEmitsMetricsByWalk(file: ts.SourceFile): boolean {
  return importsMetrics(file) || writesEmf(file);
}

function emitsMetrics(code: HandlerCode, checked: Map<ts.SourceFile, boolean>): boolean {
  if (sdkFactsOf(code).operations.some((op) => op.operation === 'PutMetricData')) return true;
  for (const file of code.fileNodes) {
    let found = checked.get(file);
    if (found === undefined) {
      found = fileEmitsMetrics(file);
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

