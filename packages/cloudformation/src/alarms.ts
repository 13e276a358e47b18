import { get, isMap, items, str, templateText, type Alarm, type AppModel, type LambdaFunction, type Resource, type Value } from '@lambda-lint/core';
import { referencedIds } from './refs.js';
import { prop, stringProp, type TemplateContext } from './template.js';

/** CloudWatch statistics that go to `Statistic`; anything else (`p99`, `tm90`...) is an `ExtendedStatistic`. */
export const BASIC_STATISTICS: ReadonlySet<string> = new Set(['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum']);

/**
 * Reads the file's `AWS::CloudWatch::Alarm` resources into `model.alarms`: one entry per metric the alarm
 * reads (`MetricName` + `Dimensions`, or each `MetricStat` of a `Metrics` math array), with the functions
 * its `FunctionName` / `Resource` dimension names: `!Ref Fn`, `!GetAtt`, a `!Sub`/`!Join` alias
 * (`${Fn}:live`), an `AWS::Lambda::Alias`/`Version` logical id, or a literal function name (the
 * function's `FunctionName`, or for serverless.yml its `name` / `<service>-<stage>-<key>`).
 * `functions` holds the file's functions by logical id (aliases and versions included).
 */
export function linkAlarms(model: AppModel, file: string, resources: Map<string, Resource>, functions: Map<string, LambdaFunction>, ctx: TemplateContext): void {
  const names = functionNames(model, file, functions);
  for (const r of resources.values()) {
    if (r.type !== 'AWS::CloudWatch::Alarm') continue;
    const metrics = items(prop(r, 'Metrics'));
    if (metrics.length === 0) {
      const alarm: Alarm = {
        functionIds: functionIdsOf(prop(r, 'Dimensions'), functions, names),
        loc: r.loc,
        resource: r,
        source: 'cloudformation',
      };
      const metricName = stringProp(prop(r, 'MetricName'), ctx);
      if (metricName) alarm.metricName = metricName;
      const namespace = stringProp(prop(r, 'Namespace'), ctx);
      if (namespace) alarm.namespace = namespace;
      const statistic = stringProp(prop(r, 'Statistic'), ctx);
      if (statistic) alarm.statistic = statistic;
      const extended = stringProp(prop(r, 'ExtendedStatistic'), ctx);
      if (extended) alarm.extendedStatistic = extended;
      model.alarms.push(alarm);
      continue;
    }
    for (const query of metrics) {
      const stat = get(query, 'MetricStat');
      if (!isMap(stat)) continue;
      const metric = get(stat, 'Metric');
      const alarm: Alarm = {
        functionIds: functionIdsOf(get(metric, 'Dimensions'), functions, names),
        loc: r.loc,
        resource: r,
        source: 'cloudformation',
      };
      const metricName = stringProp(get(metric, 'MetricName'), ctx);
      if (metricName) alarm.metricName = metricName;
      const namespace = stringProp(get(metric, 'Namespace'), ctx);
      if (namespace) alarm.namespace = namespace;
      const s = stringProp(get(stat, 'Stat'), ctx);
      if (s) {
        if (s.value !== undefined && !BASIC_STATISTICS.has(s.value)) alarm.extendedStatistic = s;
        else alarm.statistic = s;
      }
      model.alarms.push(alarm);
    }
  }
}

/** Every name a function can be deployed under, for literal `FunctionName` dimensions. */
function functionNames(model: AppModel, file: string, functions: Map<string, LambdaFunction>): Map<string, LambdaFunction> {
  const out = new Map<string, LambdaFunction>();
  const doc = model.documents.find((d) => d.file === file);
  const service = doc?.platform === 'serverless' ? (str(get(doc.root, 'service')) ?? str(get(doc.root, 'service', 'name'))) : undefined;
  const stage = doc?.platform === 'serverless' ? (str(get(doc.root, 'provider', 'stage')) ?? 'dev') : undefined;
  for (const fn of new Set(functions.values())) {
    if (fn.platform === 'serverless') {
      const name = str(get(fn.node, 'name'));
      if (name !== undefined) out.set(name, fn);
      else if (service !== undefined) out.set(`${service}-${stage}-${fn.name}`, fn);
    } else if (fn.resource) {
      const name = templateText(prop(fn.resource, 'FunctionName'));
      if (name !== undefined && !name.includes('${')) out.set(name, fn);
    }
  }
  return out;
}

/** The functions named by the `FunctionName` or `Resource` (`name:alias`) dimensions. */
function functionIdsOf(dimensions: Value | undefined, functions: Map<string, LambdaFunction>, names: Map<string, LambdaFunction>): string[] {
  const ids = new Set<string>();
  for (const d of items(dimensions)) {
    const name = str(get(d, 'Name'));
    if (name !== 'FunctionName' && name !== 'Resource') continue;
    const value = get(d, 'Value');
    for (const id of referencedIds(value)) {
      const fn = functions.get(id);
      if (fn) ids.add(fn.id);
    }
    const literal = str(value);
    if (literal !== undefined) {
      const fn = names.get(name === 'Resource' ? literal.replace(/:[^:]+$/, '') : literal) ?? names.get(literal);
      if (fn) ids.add(fn.id);
    }
  }
  return [...ids];
}
