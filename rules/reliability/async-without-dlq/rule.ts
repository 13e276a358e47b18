import {
  bool,
  defineRule,
  get,
  num,
  referencedLogicalId,
  templateText,
  triggerInvocationMode,
  type LambdaFunction,
  type Resource,
  type RuleContext,
  type Trigger,
  type Value,
} from '@lambda-lint/core';

const SOURCE_NAMES: Record<string, string> = {
  http: 'API Gateway (asynchronous integration)',
  s3: 'S3',
  sns: 'SNS',
  eventbridge: 'EventBridge',
  schedule: 'a schedule',
  cloudwatchLogs: 'CloudWatch Logs',
  iot: 'IoT',
  ses: 'SES',
  codecommit: 'CodeCommit',
  config: 'AWS Config',
};

function queueOf(trigger: Trigger, fn: LambdaFunction, resources: readonly Resource[]): Resource | undefined {
  if (!trigger.sourceLogicalId) return undefined;
  return resources.find((r) => r.file === fn.file && r.logicalId === trigger.sourceLogicalId && r.type === 'AWS::SQS::Queue');
}

export default defineRule({
  id: 'async-without-dlq',
  category: 'reliability',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'An asynchronously invoked function without a dead-letter queue or on-failure destination; an SQS trigger queue without a redrive policy; a stream mapping without an on-failure destination.',
  messages: {
    async:
      '{{name}} is invoked asynchronously by {{sources}}: after two failed retries the event is dropped and nobody finds out. Configure an on-failure destination or dead-letter queue ({{how}}).',
    queueWithoutRedrive:
      'Queue {{queue}} triggers {{name}} but has no RedrivePolicy: a message that keeps failing is received again and again until it expires, blocking the batch and billing every attempt. Add a RedrivePolicy with a dead-letter queue and a maxReceiveCount (e.g. 5).',
    streamWithoutOnFailure:
      '{{name}} reads a {{stream}} stream without an on-failure destination: a record that keeps failing blocks its shard until it expires, and then it is lost. Set an on-failure destination (with maximumRetryAttempts and bisectBatchOnFunctionError).',
    streamWithoutRetriedOnFailure:
      '{{name}} reads a {{stream}} stream without an on-failure destination: after {{retries}} retries ({{setting}}) the record is skipped and lost without a trace. Set an on-failure destination so skipped records are kept for inspection and replay.',
  },
  defaultOptions: {},
  check(ctx) {
    // A queue consumed by several functions is one problem: report it once, naming every consumer.
    const queues = new Map<Resource, { names: string[]; fn: LambdaFunction; consumers: { trigger: Trigger; name: string }[] }>();
    for (const fn of ctx.model.functions) {
      const asyncTriggers = fn.events.filter((t) => triggerInvocationMode(t) === 'async');
      if (asyncTriggers.length > 0 && fn.asyncFailureTargets.length === 0) {
        const sources = [...new Set(asyncTriggers.map((t) => SOURCE_NAMES[t.type] ?? t.type))];
        ctx.report({
          messageId: 'async',
          data: { name: fn.name, sources: sources.join(', '), how: howToFix(fn) },
          loc: fn.loc,
          fn,
          related: asyncTriggers.slice(0, 3).map((t) => ({ loc: t.loc, message: `asynchronous trigger (${SOURCE_NAMES[t.type] ?? t.type})` })),
        });
      }
      for (const trigger of fn.events) {
        if (trigger.type === 'sqs') {
          const queue = queueOf(trigger, fn, ctx.model.resources);
          if (!queue || get(queue.properties, 'RedrivePolicy')) continue;
          const seen = queues.get(queue) ?? { names: [], fn, consumers: [] };
          if (!seen.names.includes(fn.name)) seen.names.push(fn.name);
          seen.consumers.push({ trigger, name: fn.name });
          queues.set(queue, seen);
        } else if ((trigger.type === 'kinesis' || trigger.type === 'dynamodbStream') && !trigger.onFailure) {
          const stream = trigger.type === 'kinesis' ? 'Kinesis' : 'DynamoDB';
          const retries = retryLimitOf(trigger);
          ctx.report({
            ...(retries ? { messageId: 'streamWithoutRetriedOnFailure', data: { name: fn.name, stream, ...retries } } : { messageId: 'streamWithoutOnFailure', data: { name: fn.name, stream } }),
            loc: trigger.loc,
            fn,
          });
        }
      }
    }
    reportUnlinkedStreamMappings(ctx);
    for (const [queue, { names, fn, consumers }] of queues) {
      ctx.report({
        messageId: 'queueWithoutRedrive',
        data: { queue: queue.constructPath ?? queue.logicalId, name: names.join(', ') },
        loc: queue.loc,
        ...(names.length === 1 ? { fn } : {}),
        resource: queue.constructPath ?? queue.logicalId,
        related: consumers.slice(0, 3).map((c) => ({ loc: c.trigger.loc, message: `${c.name} consumes the queue here` })),
      });
    }
  },
});

/**
 * A stream mapping for a function defined outside the application (`FunctionName: some-name`) is not
 * linked to any model function, but the missing on-failure destination is a property of the mapping.
 */
function reportUnlinkedStreamMappings(ctx: RuleContext<Record<string, never>>): void {
  const linked = new Set(ctx.model.functions.flatMap((f) => f.events.map((t) => t.resource)));
  const byId = new Map(ctx.model.resources.map((r) => [`${r.file}#${r.logicalId}`, r]));
  for (const r of ctx.model.resources) {
    if (r.type !== 'AWS::Lambda::EventSourceMapping' || linked.has(r) || bool(get(r.properties, 'Enabled')) === false) continue;
    if (get(r.properties, 'DestinationConfig', 'OnFailure')) continue;
    const stream = streamKind(get(r.properties, 'EventSourceArn'), (id) => byId.get(`${r.file}#${id}`));
    if (!stream) continue;
    const name = templateText(get(r.properties, 'FunctionName')) ?? r.logicalId;
    const retries = retryLimit(get(r.properties, 'MaximumRetryAttempts'), 'MaximumRetryAttempts');
    ctx.report({
      ...(retries ? { messageId: 'streamWithoutRetriedOnFailure', data: { name, stream, ...retries } } : { messageId: 'streamWithoutOnFailure', data: { name, stream } }),
      loc: r.loc,
      resource: r.constructPath ?? r.logicalId,
    });
  }
}

/**
 * The retry limit of a stream trigger (serverless `maximumRetryAttempts`, SAM event or event source
 * mapping `MaximumRetryAttempts`). Unset or -1 means retry until the record expires.
 */
function retryLimitOf(trigger: Trigger): { retries: string; setting: string } | undefined {
  if (trigger.resource) return retryLimit(get(trigger.resource.properties, 'MaximumRetryAttempts'), 'MaximumRetryAttempts');
  return retryLimit(get(trigger.node, 'maximumRetryAttempts'), 'maximumRetryAttempts') ?? retryLimit(get(trigger.node, 'Properties', 'MaximumRetryAttempts'), 'MaximumRetryAttempts');
}

function retryLimit(value: Value | undefined, setting: string): { retries: string; setting: string } | undefined {
  const retries = value === undefined ? undefined : num(value);
  return retries !== undefined && retries >= 0 ? { retries: String(retries), setting } : undefined;
}

function streamKind(arn: Value | undefined, resourceOf: (logicalId: string) => Resource | undefined): 'Kinesis' | 'DynamoDB' | undefined {
  const text = templateText(arn) ?? '';
  if (/:kinesis:/.test(text)) return 'Kinesis';
  if (/:dynamodb:.*\/stream\//.test(text)) return 'DynamoDB';
  const id = referencedLogicalId(arn);
  const target = id ? resourceOf(id) : undefined;
  if (target?.type === 'AWS::Kinesis::Stream') return 'Kinesis';
  if (target?.type === 'AWS::DynamoDB::Table') return 'DynamoDB';
  return undefined;
}

function howToFix(fn: LambdaFunction): string {
  switch (fn.platform) {
    case 'serverless':
      return '`destinations.onFailure` or `onError` on the function';
    case 'sam':
      return '`DeadLetterQueue` or `EventInvokeConfig.DestinationConfig.OnFailure`';
    case 'cdk':
      return '`onFailure` or `deadLetterQueue` on the function';
    default:
      return '`DeadLetterConfig` or an `AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`';
  }
}
