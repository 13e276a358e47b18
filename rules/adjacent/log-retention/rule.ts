import { bool, defineRule, get, type LambdaFunction, type Resource } from '@lambda-lint/core';

function fixFor(fn: LambdaFunction): string {
  switch (fn.platform) {
    case 'serverless':
      return 'Set `provider.logRetentionInDays` (or `logRetentionInDays` on the function), e.g. 30';
    case 'cdk':
      return 'Give the function a `logGroup: new LogGroup(this, ..., { retention: RetentionDays.ONE_MONTH })` (or `logRetention`)';
    default:
      return `Add an \`AWS::Logs::LogGroup\` with \`LogGroupName: !Sub /aws/lambda/\${${fn.logicalId}}\` and \`RetentionInDays\` (e.g. 30), or point \`LoggingConfig.LogGroup\` at a log group that has one`;
  }
}

export default defineRule({
  id: 'log-retention',
  category: 'adjacent',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function whose log group has no retention (no `logRetentionInDays`, no log group with `RetentionInDays` for `/aws/lambda/<name>` or `LoggingConfig.LogGroup`): logs kept and billed forever.',
  messages: {
    missing:
      '{{name}}: no log retention is set, so Lambda writes to a log group that CloudWatch Logs keeps forever: storage is billed every month for every line ever logged, and personal data logged by mistake never ages out. {{fix}}.',
    groupWithoutRetention:
      'Log group {{group}} receives the logs of {{names}} but has no RetentionInDays, so CloudWatch Logs keeps them forever: storage is billed every month for every line ever logged, and personal data logged by mistake never ages out. Set `RetentionInDays`, e.g. 30.',
  },
  defaultOptions: {},
  check(ctx) {
    const groups = new Map<Resource, LambdaFunction[]>();
    for (const fn of ctx.model.functions) {
      if (fn.logRetention) continue;
      // A definition that cannot be read offline (`${file(...)}`) may set a retention.
      if (fn.node.kind === 'unknown') continue;
      // serverless `disableLogs: true`: the framework creates no log group and grants no permission to write one.
      if (fn.platform === 'serverless' && bool(get(fn.node, 'disableLogs')) === true) continue;
      if (fn.logGroup) {
        const list = groups.get(fn.logGroup) ?? [];
        list.push(fn);
        groups.set(fn.logGroup, list);
        continue;
      }
      ctx.report({ messageId: 'missing', data: { name: fn.name, fix: fixFor(fn) }, loc: fn.loc, fn });
    }
    for (const [group, fns] of groups) {
      ctx.report({
        messageId: 'groupWithoutRetention',
        data: { group: group.constructPath ?? group.logicalId, names: fns.map((f) => f.name).join(', ') },
        loc: group.loc,
        ...(fns.length === 1 ? { fn: fns[0]! } : {}),
        resource: group.constructPath ?? group.logicalId,
      });
    }
  },
});
