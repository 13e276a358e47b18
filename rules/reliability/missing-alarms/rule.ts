import { defineRule, type Alarm } from '@lambda-lint/core';

const LAMBDA_NAMESPACE = 'AWS/Lambda';

/** `p99` -> 99, `p99.9` -> 99.9; undefined for anything that is not a percentile. */
function percentile(stat: string): number | undefined {
  const m = /^p(\d{1,2}(?:\.\d+)?|100)$/i.exec(stat);
  return m ? Number(m[1]) : undefined;
}

/**
 * Whether an alarm's statistic watches the tail the option asks for: the same statistic, a higher
 * percentile, or `Maximum` (which every tail breach also breaches). An unknown statistic counts.
 */
function statisticMeets(alarm: Alarm, wanted: string): boolean {
  const prop = alarm.extendedStatistic ?? alarm.statistic;
  if (!prop) return false;
  const stat = prop.value;
  if (stat === undefined) return true;
  if (stat.toLowerCase() === wanted.toLowerCase()) return true;
  const want = percentile(wanted);
  if (want === undefined) return false;
  if (stat === 'Maximum') return true;
  const have = percentile(stat);
  return have !== undefined && have >= want;
}


function joinList(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export default defineRule({
  id: 'missing-alarms',
  category: 'reliability',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function without a CloudWatch alarm on each of its Errors, Throttles and Duration (p99) metrics, counting `AWS::CloudWatch::Alarm` resources that reference it and the serverless-plugin-aws-alerts config.',
  messages: {
    missing:
      '{{name}}: no CloudWatch alarm on {{missing}}. Without alarms, errors and throttles go unnoticed until users complain, and a slowing p99 only shows once calls time out. Add {{how}}.',
  },
  defaultOptions: { metrics: ['Errors', 'Throttles', 'Duration'] as string[], durationStatistic: 'p99' },
  check(ctx) {
    const byFunction = new Map<string, Alarm[]>();
    for (const alarm of ctx.model.alarms) {
      // An alarm in another namespace is not about the function's Lambda metrics; an unknown one may be.
      if (alarm.namespace && alarm.namespace.value !== undefined && alarm.namespace.value !== LAMBDA_NAMESPACE) continue;
      for (const id of alarm.functionIds) {
        const list = byFunction.get(id) ?? [];
        list.push(alarm);
        byFunction.set(id, list);
      }
    }
    const wantedStat = ctx.options.durationStatistic;
    for (const fn of ctx.model.functions) {
      // A definition only code or a file could tell (`${file(fn.js)}`, an import in serverless.ts) may hold its own alarms.
      if (fn.node.kind === 'unknown') continue;
      const alarms = byFunction.get(fn.id) ?? [];
      const missing: string[] = [];
      for (const metric of ctx.options.metrics) {
        const covered = alarms.some((a) => {
          const name = a.metricName?.value;
          if (a.metricName && name === undefined) return true;
          if (name !== metric) return false;
          return metric !== 'Duration' || statisticMeets(a, wantedStat);
        });
        if (!covered) missing.push(metric === 'Duration' ? `Duration (${wantedStat})` : metric);
      }
      if (missing.length === 0) continue;
      const how =
        fn.platform === 'serverless'
          ? 'serverless-plugin-aws-alerts alarms (`custom.alerts.alarms: [functionErrors, functionThrottles, functionDuration]` with `definitions.functionDuration.statistic: ' +
            wantedStat +
            '`) or `AWS::CloudWatch::Alarm` resources with a `FunctionName` dimension'
          : fn.platform === 'cdk'
            ? '`fn.metricErrors().createAlarm(...)`, `fn.metricThrottles()` and `fn.metricDuration({ statistic: \'' + wantedStat + '\' })` alarms'
            : '`AWS::CloudWatch::Alarm` resources in `AWS/Lambda` with a `FunctionName` dimension `!Ref ' + fn.logicalId + '`' + ' (Duration with `ExtendedStatistic: ' + wantedStat + '`)';
      ctx.report({ messageId: 'missing', data: { name: fn.name, missing: joinList(missing), how }, loc: fn.loc, fn });
    }
  },
});
