import type { Loc } from './loc.js';
import type { MapValue, Value } from './value.js';

export type Platform = 'serverless' | 'cloudformation' | 'sam' | 'cdk';

/** A configuration value with where it was written. `value` is undefined when it cannot be known offline. */
export interface Prop<T> {
  value: T | undefined;
  loc: Loc;
  node: Value;
  /** Set when the value comes from a shared default (`provider`, SAM `Globals`) rather than the function itself. */
  inheritedFrom?: 'provider' | 'globals';
}

export interface SourceDocument {
  file: string;
  platform: Platform;
  root: Value;
}

export interface Resource {
  logicalId: string;
  type: string;
  /** The resource's key in the template (`MyQueue:`). */
  loc: Loc;
  properties: MapValue | undefined;
  metadata: MapValue | undefined;
  node: MapValue;
  file: string;
  platform: Platform;
  /** CDK construct path from `aws:cdk:path`, when known. */
  constructPath?: string;
}

export type TriggerType =
  | 'http'
  | 'httpApi'
  | 'websocket'
  | 'alb'
  | 'functionUrl'
  | 's3'
  | 'sns'
  | 'eventbridge'
  | 'schedule'
  | 'cloudwatchLogs'
  | 'iot'
  | 'ses'
  | 'codecommit'
  | 'config'
  | 'sqs'
  | 'kinesis'
  | 'dynamodbStream'
  | 'kafka'
  | 'mq'
  | 'cognito'
  | 'alexa'
  | 'other';

/** How the trigger invokes the function, which decides where failures go. */
export type InvocationMode = 'sync' | 'async' | 'poll';

const ASYNC: ReadonlySet<TriggerType> = new Set([
  's3', 'sns', 'eventbridge', 'schedule', 'cloudwatchLogs', 'iot', 'ses', 'codecommit', 'config',
]);
const POLL: ReadonlySet<TriggerType> = new Set(['sqs', 'kinesis', 'dynamodbStream', 'kafka', 'mq']);

export function invocationModeOf(type: TriggerType): InvocationMode {
  if (ASYNC.has(type)) return 'async';
  if (POLL.has(type)) return 'poll';
  return 'sync';
}

export interface Trigger {
  type: TriggerType;
  /** The event's definition (the `- http:` item, the SAM event key, the event source mapping resource). */
  loc: Loc;
  node: Value;
  /** HTTP path or WebSocket route key. */
  path?: Prop<string>;
  method?: Prop<string>;
  /** For queues and streams: the logical id of the source resource when it is in the application. */
  sourceLogicalId?: string;
  /** For streams: the configured on-failure destination, if any. */
  onFailure?: Loc;
  /** The CloudFormation resource that implements the trigger, when there is one (event source mapping, permission). */
  resource?: Resource;
}

export interface IamStatement {
  effect: Prop<string>;
  actions: Prop<string>[];
  notActions: Prop<string>[];
  resources: Prop<string>[];
  notResources: Prop<string>[];
  /** The statement itself. */
  loc: Loc;
  node: Value;
}

/** An execution role: explicit (`AWS::IAM::Role`) or generated (serverless provider role, SAM `Policies`). */
export interface Role {
  id: string;
  loc: Loc;
  statements: IamStatement[];
  /** Managed policy ARNs or SAM managed policy names attached to the role. */
  managedPolicies: Prop<string>[];
  resource?: Resource;
}

export interface EnvVar {
  name: string;
  nameLoc: Loc;
  value: Value;
  inheritedFrom?: 'provider' | 'globals';
}

/** Where a function's failed asynchronous invocations go. */
export interface AsyncFailureTarget {
  kind: 'dead-letter-queue' | 'on-failure-destination' | 'event-invoke-config';
  loc: Loc;
}

export interface HandlerRef {
  /** Absolute path of the handler module without extension (`/app/src/brand/handler`). */
  modulePath: string;
  exportName: string;
  /** Where the handler is configured. */
  loc: Loc;
  /** Extension given in the configuration (esbuild entry points name one), if any. */
  extension?: string;
  /** The code may live outside the repository (e.g. CloudFormation `Code` in S3): a missing file is not reported. */
  optional?: boolean;
}

export interface LambdaFunction {
  /** Unique within a run: the defining file and name. */
  id: string;
  /** The function's name as the user wrote it: serverless function key or logical id. */
  name: string;
  /** The CloudFormation logical id (generated for serverless: `brand-api` -> `BrandDashapiLambdaFunction`). */
  logicalId: string;
  platform: Platform;
  file: string;
  /** The function's key: where findings about missing settings point. */
  loc: Loc;
  node: Value;
  resource?: Resource;
  constructPath?: string;
  runtime?: Prop<string>;
  memorySize?: Prop<number>;
  timeout?: Prop<number>;
  handler?: HandlerRef;
  /** Set when a handler is configured but cannot be turned into a module path (e.g. an unresolved variable). */
  handlerUnknown?: Loc;
  events: Trigger[];
  asyncFailureTargets: AsyncFailureTarget[];
  role?: Role;
  environment: EnvVar[];
  vpc?: Prop<unknown>;
}

export interface DistributionBehavior {
  pathPattern?: Prop<string>;
  /** What the behaviour's origin is. */
  target: 'api-gateway' | 'function-url' | 's3' | 'other' | 'unknown';
  loc: Loc;
  isDefault: boolean;
}

export interface Distribution {
  resource: Resource;
  behaviors: DistributionBehavior[];
}

/** A problem with the input itself (rules `parse-error`, `unresolved-handler`, ...), raised while reading. */
export interface InputDiagnostic {
  ruleId: string;
  message: string;
  loc: Loc;
  function?: string;
  resource?: string;
}

export interface AppModel {
  /** Absolute project root: nothing outside it is read. */
  root: string;
  documents: SourceDocument[];
  resources: Resource[];
  functions: LambdaFunction[];
  roles: Role[];
  /** IAM statements of policies that are not part of a function role (standalone policies, managed policies). */
  otherStatements: IamStatement[];
  distributions: Distribution[];
  diagnostics: InputDiagnostic[];
  /** Number of files read (configuration and code). */
  fileCount: number;
}

export function emptyModel(root: string): AppModel {
  return {
    root,
    documents: [],
    resources: [],
    functions: [],
    roles: [],
    otherStatements: [],
    distributions: [],
    diagnostics: [],
    fileCount: 0,
  };
}
