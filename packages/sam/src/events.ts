import { get, isMap, str, type Trigger, type TriggerType, type Value } from '@lambda-lint/core';
import { referencedIds, textOf, triggerTypeFromArn } from '@lambda-lint/cloudformation';

const SAM_EVENT_TYPES: Record<string, TriggerType> = {
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
  DocumentDB: 'other',
};

/** SAM `Events` of a function, one trigger per event, located at the event's key. */
export function samEvents(events: Value | undefined): Trigger[] {
  const out: Trigger[] = [];
  if (!isMap(events)) return out;
  for (const e of events.entries) {
    const typeName = str(get(e.value, 'Type'));
    const type: TriggerType = (typeName && SAM_EVENT_TYPES[typeName]) || 'other';
    const props = get(e.value, 'Properties');
    const trigger: Trigger = { type, loc: e.keyLoc, node: e.value };
    if (type === 'http' || type === 'httpApi') {
      const path = get(props, 'Path');
      const method = get(props, 'Method');
      if (path) trigger.path = { value: str(path), loc: path.loc, node: path };
      if (method) trigger.method = { value: str(method), loc: method.loc, node: method };
    }
    const source = get(props, type === 'sqs' ? 'Queue' : 'Stream');
    if (type === 'sqs' || type === 'kinesis' || type === 'dynamodbStream') {
      const [id] = referencedIds(source);
      if (id) trigger.sourceLogicalId = id;
      const inferred = triggerTypeFromArn(textOf(source));
      if (type === 'kinesis' && inferred === 'dynamodbStream') trigger.type = inferred;
      const onFailure = get(props, 'DestinationConfig', 'OnFailure', 'Destination') ?? get(props, 'DestinationConfig', 'OnFailure');
      if (onFailure) trigger.onFailure = onFailure.loc;
    }
    out.push(trigger);
  }
  return out;
}


