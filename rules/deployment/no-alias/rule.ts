import { defineRule, type LambdaFunction, type Platform, type Report, type Trigger, type TriggerType } from '@lambda-lint/core';

const TRIGGER_NAMES: Partial<Record<TriggerType, string>> = {
  http: 'API Gateway REST',
  httpApi: 'API Gateway HTTP API',
  websocket: 'API Gateway WebSocket',
  alb: 'load balancer',
  functionUrl: 'function URL',
  s3: 'S3',
  sns: 'SNS',
  eventbridge: 'EventBridge',
  schedule: 'schedule',
  cloudwatchLogs: 'CloudWatch Logs',
  iot: 'IoT',
  ses: 'SES',
  codecommit: 'CodeCommit',
  config: 'AWS Config',
  sqs: 'SQS',
  kinesis: 'Kinesis',
  dynamodbStream: 'DynamoDB stream',
  kafka: 'Kafka',
  mq: 'Amazon MQ',
  documentdb: 'DocumentDB stream',
  cognito: 'Cognito',
  alexa: 'Alexa',
};

/** How to publish an alias and point the triggers at it, in the function's own format. */
const FIX: Record<Platform, string> = {
  serverless:
    'Add serverless-plugin-canary-deployments to `plugins` and give the function `deploymentSettings` (`alias: Live`, a Canary/Linear `type`, `alarms`): its events then invoke the alias',
  sam: 'Set `AutoPublishAlias: live` (SAM then points every event at the alias), with a `DeploymentPreference`',
  cloudformation:
    'Publish an `AWS::Lambda::Version`, add an `AWS::Lambda::Alias` for it and make the triggers (integration URI, event source mapping, permission, subscription) name the alias',
  cdk: 'Create a `lambda.Alias` for `fn.currentVersion` and attach the triggers to the alias instead of the function',
};

/**
 * A trigger whose target cannot be known (an unknown serverless event key) is left alone, and so is
 * Lambda@Edge: CloudFront only accepts a numbered version, never $LATEST or an alias.
 */
function counts(t: Trigger): boolean {
  if (t.type === 'cloudfront') return false;
  return t.type !== 'other' || t.resource !== undefined;
}

function triggerName(t: Trigger): string {
  return TRIGGER_NAMES[t.type] ?? 'event source';
}

export default defineRule({
  id: 'no-alias',
  category: 'deployment',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function whose triggers invoke `$LATEST` (the unqualified ARN) instead of a published alias: no AutoPublishAlias, no `AWS::Lambda::Alias` the triggers use, no serverless canary/alias plugin.',
  messages: {
    missing:
      '{{name}}: its {{trigger}} trigger invokes the unqualified function ($LATEST), so every deploy switches all traffic to the new code at once, with no previous version to roll back to and no way to shift traffic gradually. {{fix}}.',
    bypassesAlias:
      '{{name}}: this {{trigger}} trigger invokes $LATEST although the function publishes alias `{{alias}}`: it gets every deploy at once, outside the alias\'s traffic shifting and rollback. Point it at the alias (its qualified ARN) instead of the function.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      const triggers = fn.events.filter(counts);
      const unqualified = triggers.filter((t) => !t.qualifier);
      if (unqualified.length === 0) continue;
      if (!fn.alias) {
        const first = unqualified[0]!;
        ctx.report({
          messageId: 'missing',
          data: { name: fn.name, trigger: triggerName(first), fix: FIX[fn.platform] },
          loc: fn.loc,
          fn,
          related: [{ loc: first.loc, message: `${triggerName(first)} trigger invoking $LATEST` }],
        });
        continue;
      }
      reportBypasses(fn, unqualified, (r) => ctx.report(r));
    }
  },
});

function reportBypasses(fn: LambdaFunction, unqualified: Trigger[], report: (r: Report) => void): void {
  const alias = fn.alias!;
  const seen = new Set<string>();
  for (const t of unqualified) {
    const key = `${t.loc.file}:${t.loc.line}:${t.loc.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    report({
      messageId: 'bypassesAlias',
      data: { name: fn.name, trigger: triggerName(t), alias: alias.name.value ?? '(unresolved)' },
      loc: t.loc,
      fn,
      related: [{ loc: alias.loc, message: `alias ${alias.name.value ?? ''}`.trim() }],
    });
  }
}
