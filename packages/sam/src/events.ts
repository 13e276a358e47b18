import { bool, get, isMap, num, str, type Trigger, type TriggerType, type Value } from '@lambda-lint/core';
import { numberProp, referencedIds, stringProp, textOf, triggerTypeFromArn, type ValueContext } from '@lambda-lint/cloudformation';

/** Every event source type of `AWS::Serverless::Function` `Events`, and the trigger type it is. */
export const SAM_EVENT_TYPES: Record<string, TriggerType> = {
  Api: 'http',
  HttpApi: 'httpApi',
  S3: 's3',
  SNS: 'sns',
  SQS: 'sqs',
  Kinesis: 'kinesis',
  DynamoDB: 'dynamodbStream',
  EventBridgeRule: 'eventbridge',
  CloudWatchEvent: 'eventbridge',
  Schedule: 'schedule',
  ScheduleV2: 'schedule',
  CloudWatchLogs: 'cloudwatchLogs',
  IoTRule: 'iot',
  AlexaSkill: 'alexa',
  Cognito: 'cognito',
  MSK: 'kafka',
  SelfManagedKafka: 'kafka',
  MQ: 'mq',
  DocumentDB: 'documentdb',
};

/** The property naming the event's source resource, by SAM event type. */
const SOURCE_PROPERTY: Record<string, string> = {
  S3: 'Bucket',
  SNS: 'Topic',
  SQS: 'Queue',
  Kinesis: 'Stream',
  DynamoDB: 'Stream',
  MSK: 'Stream',
  MQ: 'Broker',
  DocumentDB: 'Cluster',
  Cognito: 'UserPool',
  CloudWatchLogs: 'LogGroupName',
  EventBridgeRule: 'EventBusName',
};

/** Event sources that read a queue or stream through an event source mapping, with its `DestinationConfig`. */
const MAPPED = new Set(['Kinesis', 'DynamoDB', 'MSK', 'SelfManagedKafka', 'MQ', 'DocumentDB', 'SQS']);

/**
 * SAM `Events` of a function, one trigger per event, located at the event's key. With a template context,
 * values are resolved (parameter defaults, `Fn::If` alternatives).
 */
export function samEvents(events: Value | undefined, ctx?: ValueContext, disabled?: Trigger[]): Trigger[] {
  const out: Trigger[] = [];
  if (!isMap(events)) return out;
  const text = (v: Value | undefined) => (v ? (ctx ? stringProp(v, ctx) : { value: str(v), loc: v.loc, node: v }) : undefined);
  for (const e of events.entries) {
    const typeName = str(get(e.value, 'Type')) ?? '';
    const type: TriggerType = SAM_EVENT_TYPES[typeName] ?? 'other';
    const props = get(e.value, 'Properties');
    const trigger: Trigger = { type, loc: e.keyLoc, node: e.value };
    // `Enabled: false` (Schedule, SQS, streams...) or `State: DISABLED` (Schedule, ScheduleV2): the event invokes nothing.
    const sink = bool(get(props, 'Enabled')) === false || str(get(props, 'State')) === 'DISABLED' ? disabled : out;
    if (type === 'http' || type === 'httpApi') {
      const path = text(get(props, 'Path'));
      const method = text(get(props, 'Method'));
      if (path) trigger.path = path;
      if (method) trigger.method = method;
    }
    const source = get(props, SOURCE_PROPERTY[typeName] ?? '');
    const [sourceId] = referencedIds(source);
    if (sourceId) trigger.sourceLogicalId = sourceId;
    if (typeName === 'SNS') {
      // `SqsSubscription` puts a queue between the topic and the function: SAM polls that queue.
      const subscription = get(props, 'SqsSubscription');
      if (subscription && (isMap(subscription) || bool(subscription) === true)) {
        trigger.type = 'sqs';
        const [queueId] = referencedIds(get(subscription, 'QueueArn'));
        if (queueId) trigger.sourceLogicalId = queueId;
        else delete trigger.sourceLogicalId;
      }
    }
    if (type === 'kinesis') {
      // A `Kinesis` event on a DynamoDB stream ARN is a DynamoDB stream.
      const inferred = triggerTypeFromArn(textOf(source));
      if (inferred === 'dynamodbStream') trigger.type = inferred;
    }
    if (MAPPED.has(typeName)) {
      const onFailure = get(props, 'DestinationConfig', 'OnFailure', 'Destination') ?? get(props, 'DestinationConfig', 'OnFailure');
      if (onFailure) trigger.onFailure = onFailure.loc;
    }
    if (typeName === 'EventBridgeRule' || typeName === 'Schedule' || typeName === 'ScheduleV2') {
      const dlq = get(props, 'DeadLetterConfig');
      if (dlq && (get(dlq, 'Arn') || get(dlq, 'Type'))) trigger.targetDeadLetter = dlq.loc;
    }
    const maximumConcurrency = trigger.type === 'sqs' ? get(props, 'ScalingConfig', 'MaximumConcurrency') : undefined;
    if (maximumConcurrency) {
      trigger.maximumConcurrency = ctx
        ? numberProp(maximumConcurrency, ctx)!
        : { value: num(maximumConcurrency), loc: maximumConcurrency.loc, node: maximumConcurrency };
    }
    sink?.push(trigger);
  }
  return out;
}

/** The SAM event type of a trigger read by {@link samEvents} (`Api`, `HttpApi`, `SQS`...). */
export function samEventType(trigger: Trigger): string | undefined {
  return str(get(trigger.node, 'Type'));
}
