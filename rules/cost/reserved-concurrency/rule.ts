import { defineRule, get, intrinsic, type HandlerBinding, type LambdaFunction, type Platform, type RelatedLocation, type Trigger, type TriggerType } from '@lambda-lint/core';
import { codeOf, locOfNode, sdkFactsOf } from '@lambda-lint/handler';

/**
 * Why a function's unbounded scaling hurts something. One detector per cause; the first cause
 * found picks the message, every cause adds its locations to `related`.
 */
interface Reason {
  kind: 'queue' | 'stream' | 'vpc' | 'connections';
  /** Human-readable list of what drives the scaling (`SQS queue JobsQueue`). */
  sources: string;
  related: RelatedLocation[];
  /** The cause can also be capped without reserving capacity (SQS `maximumConcurrency`). */
  sqs?: boolean;
}

/** `handlers`: the resolved handler code of this function (empty when it was not found). */
type Detector = (fn: LambdaFunction, handlers: readonly HandlerBinding[]) => Reason | undefined;

const QUEUES: ReadonlySet<TriggerType> = new Set(['sqs', 'mq']);
const STREAMS: ReadonlySet<TriggerType> = new Set(['kinesis', 'dynamodbStream', 'kafka']);

function sourceName(t: Trigger): string {
  const id = t.sourceLogicalId;
  switch (t.type) {
    case 'sqs':
      return id ? `SQS queue ${id}` : 'an SQS queue';
    case 'mq':
      return 'an Amazon MQ broker';
    case 'kinesis':
      return id ? `Kinesis stream ${id}` : 'a Kinesis stream';
    case 'dynamodbStream':
      return id ? `the DynamoDB stream of ${id}` : 'a DynamoDB stream';
    default:
      return 'a Kafka topic';
  }
}

/** An SQS trigger whose event source mapping caps its concurrency is already bounded. */
function bounded(t: Trigger): boolean {
  return t.type === 'sqs' && t.maximumConcurrency !== undefined;
}

function pollReason(kind: 'queue' | 'stream', types: ReadonlySet<TriggerType>): Detector {
  return (fn) => {
    const triggers = fn.events.filter((t) => types.has(t.type) && !bounded(t));
    if (triggers.length === 0) return undefined;
    return {
      kind,
      sources: [...new Set(triggers.map(sourceName))].join(', '),
      related: triggers.slice(0, 3).map((t) => ({ loc: t.loc, message: `triggered by ${sourceName(t)} here` })),
      ...(triggers.some((t) => t.type === 'sqs') ? { sqs: true } : {}),
    };
  };
}

/**
 * In a VPC for sure: a literal configuration with subnets. A configuration only known at deploy
 * time (`${ssm:...}`, `!If [InVpc, {...}, !Ref AWS::NoValue]`) may be empty, and an empty
 * `SubnetIds` list detaches the function: stay silent on both.
 */
function inVpc(fn: LambdaFunction): boolean {
  if (!fn.vpc || fn.vpc.value === undefined || intrinsic(fn.vpc.node)) return false;
  const subnets = get(fn.vpc.node, 'SubnetIds') ?? get(fn.vpc.node, 'subnetIds');
  return !(subnets?.kind === 'seq' && subnets.items.length === 0);
}

const vpcReason: Detector = (fn) => {
  if (!fn.vpc || !inVpc(fn)) return undefined;
  // Every trigger is an SQS mapping with maximumConcurrency: the function cannot scale beyond those caps.
  if (fn.events.length > 0 && fn.events.every(bounded)) return undefined;
  return { kind: 'vpc', sources: 'a VPC', related: [{ loc: fn.vpc.loc, message: 'VPC configuration' }] };
};

/**
 * A handler that opens connections to a connection-limited database (`pg`, `mysql2`, `redis`,
 * `ioredis`, `mongodb`, `mongoose`, `postgres`: the SDK facts' `database` clients), at module scope
 * or in reachable code: each concurrent execution environment holds its own connections.
 */
const connectionsReason: Detector = (fn, handlers) => {
  const clients = handlers.flatMap((b) => sdkFactsOf(codeOf(b)).clients.filter((c) => c.category === 'database' && c.scope !== 'other'));
  if (clients.length === 0) return undefined;
  // Every trigger is an SQS mapping with maximumConcurrency: the function cannot scale beyond those caps.
  if (fn.events.length > 0 && fn.events.every(bounded)) return undefined;
  const services = [...new Set(clients.map((c) => c.service))];
  return {
    kind: 'connections',
    sources: services.join(', '),
    related: clients.slice(0, 3).map((c) => ({ loc: locOfNode(c.node), message: `opens a ${c.service} connection here` })),
  };
};

/** Causes, in message priority: the first one found picks the message, every one adds related locations. */
const DETECTORS: readonly Detector[] = [pollReason('queue', QUEUES), pollReason('stream', STREAMS), vpcReason, connectionsReason];

const KEYS: Record<Platform, { reserved: string; maximum: string }> = {
  serverless: { reserved: '`reservedConcurrency` on the function', maximum: '`maximumConcurrency` on the sqs event' },
  sam: { reserved: '`ReservedConcurrentExecutions`', maximum: '`ScalingConfig: { MaximumConcurrency: n }` on the SQS event' },
  cloudformation: { reserved: '`ReservedConcurrentExecutions`', maximum: '`ScalingConfig.MaximumConcurrency` on the event source mapping' },
  cdk: { reserved: '`reservedConcurrentExecutions`', maximum: '`maxConcurrency` on the SqsEventSource' },
};

export default defineRule({
  id: 'reserved-concurrency',
  category: 'cost',
  severity: 'info',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'No reserved concurrency (or SQS maximumConcurrency) on a function that is triggered by a queue or stream, runs in a VPC, or whose handler opens connections to a connection-limited database (pg, mysql2, redis, mongodb).',
  messages: {
    queue:
      '{{name}} is triggered by {{sources}} and nothing caps its concurrency: a burst of queue messages scales it up to the account concurrency limit, throttling every other function in the account (APIs included) and exhausting database connections downstream. {{fix}}',
    stream:
      '{{name}} reads {{sources}} and has no reserved concurrency: its concurrency grows with the number of shards or partitions (up to 10 batches per shard with ParallelizationFactor), taking concurrency from other functions and opening connections downstream. Set {{reserved}} to what the downstream can take.',
    vpc:
      '{{name}} runs in a VPC, usually to reach a connection-limited resource (RDS, ElastiCache), and has no reserved concurrency: a traffic burst scales it up to the account concurrency limit, exhausting database connections and starving other functions. Set {{reserved}} to what the database can take (and consider RDS Proxy).',
    connections:
      '{{name}}: its handler opens {{sources}} connections and nothing caps its concurrency: every concurrent execution environment holds its own connections, so a traffic burst exhausts the database\'s connection limit and fails this function and everything else that uses the database. Set {{reserved}} to what the database can take (and consider RDS Proxy or a connection pooler).',
  },
  defaultOptions: {},
  check(ctx) {
    const handlersOf = new Map<string, HandlerBinding[]>();
    for (const b of ctx.handlers) handlersOf.set(b.fn.id, [...(handlersOf.get(b.fn.id) ?? []), b]);
    for (const fn of ctx.model.functions) {
      // Any reserved concurrency counts, even one only known at deploy time.
      if (fn.reservedConcurrency) continue;
      const reasons = DETECTORS.map((d) => d(fn, handlersOf.get(fn.id) ?? [])).filter((r): r is Reason => r !== undefined);
      const first = reasons[0];
      if (!first) continue;
      const keys = KEYS[fn.platform];
      const fix = first.sqs
        ? `Set ${keys.maximum} to what the downstream can take (2 or more); unlike ${keys.reserved}, it does not throttle messages back to the queue and towards its dead-letter queue.`
        : `Set ${keys.reserved} to what the downstream can take.`;
      ctx.report({
        messageId: first.kind,
        data: { name: fn.name, sources: first.sources, reserved: keys.reserved, fix },
        loc: fn.loc,
        fn,
        related: reasons.flatMap((r) => r.related),
      });
    }
  },
});
