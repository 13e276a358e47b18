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
  /**
   * Set when the value depends on a condition (CloudFormation `Fn::If`, a `Fn::FindInMap` whose key is
   * only known at deploy time): one entry per possible value, each located where that value is written,
   * each possibly unknown. `value` is then defined only when every alternative has the same value.
   * Rules check each alternative (`propAlternatives(p)`) and stay silent on the unknown ones.
   */
  alternatives?: Prop<T>[];
}

/** The possible values of a property: its alternatives when it depends on a condition, else the property itself. */
export function propAlternatives<T>(p: Prop<T>): Prop<T>[] {
  return p.alternatives ?? [p];
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
  /** DocumentDB change streams (poll-based, like the other event source mappings). */
  | 'documentdb'
  | 'cognito'
  | 'alexa'
  /** Lambda@Edge: a CloudFront distribution's cache behaviour runs the function (serverless `cloudFront`, CloudFormation `LambdaFunctionAssociations`). */
  | 'cloudfront'
  | 'other';

/** How the trigger invokes the function, which decides where failures go. */
export type InvocationMode = 'sync' | 'async' | 'poll';

const ASYNC: ReadonlySet<TriggerType> = new Set([
  's3', 'sns', 'eventbridge', 'schedule', 'cloudwatchLogs', 'iot', 'ses', 'codecommit', 'config',
]);
const POLL: ReadonlySet<TriggerType> = new Set(['sqs', 'kinesis', 'dynamodbStream', 'kafka', 'mq', 'documentdb']);

export function invocationModeOf(type: TriggerType): InvocationMode {
  if (ASYNC.has(type)) return 'async';
  if (POLL.has(type)) return 'poll';
  return 'sync';
}

/** How this trigger invokes the function: its own `invocation` when set (an API Gateway integration with `InvocationType: Event`), else its type's. */
export function triggerInvocationMode(trigger: Trigger): InvocationMode {
  return trigger.invocation ?? invocationModeOf(trigger.type);
}

export interface Trigger {
  type: TriggerType;
  /** The event's definition (the `- http:` item, the SAM event key, the event source mapping resource). */
  loc: Loc;
  node: Value;
  /**
   * Set when the trigger invokes differently from what its type says: a serverless `http` event with
   * `async: true`, an API Gateway integration sending `X-Amz-Invocation-Type: Event` (asynchronous).
   */
  invocation?: InvocationMode;
  /** HTTP path or WebSocket route key. */
  path?: Prop<string>;
  method?: Prop<string>;
  /** For queues and streams: the logical id of the source resource when it is in the application. */
  sourceLogicalId?: string;
  /** For streams: the configured on-failure destination, if any. */
  onFailure?: Loc;
  /** Function URLs: the auth type, normalized to `NONE` or `AWS_IAM`; `value` is undefined when it cannot be known offline. */
  authType?: Prop<string>;
  /**
   * The event source's own dead-letter queue for events it could not deliver to the function (EventBridge
   * rule / schedule target `DeadLetterConfig`). It catches delivery failures, not function errors: it does
   * not replace the function's on-failure destination.
   */
  targetDeadLetter?: Loc;
  /**
   * Set when the trigger invokes a published alias or version rather than `$LATEST`: SAM events of a
   * function with `AutoPublishAlias`, or a CloudFormation trigger that names an `AWS::Lambda::Alias` /
   * `AWS::Lambda::Version` (logical id given when there is one).
   */
  qualifier?: { kind: 'alias' | 'version'; logicalId?: string };
  /** The CloudFormation resource that implements the trigger, when there is one (event source mapping, permission). */
  resource?: Resource;
  /** For SQS: the event source mapping's cap on concurrent invocations (`maximumConcurrency`, `ScalingConfig.MaximumConcurrency`). */
  maximumConcurrency?: Prop<number>;
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
  /**
   * Who wrote the statement: the user (`inline`, also when undefined), a SAM policy template expanded
   * from the project's data table (`policy-template`, see `policyTemplate`), an AWS managed policy
   * (`managed`), or the platform itself (`platform`). Template and managed statements are coarse by design.
   */
  origin?: 'inline' | 'policy-template' | 'managed' | 'platform';
  /** For `origin: 'policy-template'`: the template's name, e.g. `DynamoDBCrudPolicy`. */
  policyTemplate?: string;
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
  /**
   * The value, resolved where it can be known offline (CloudFormation parameter defaults, `Fn::Sub`,
   * `Fn::Join`...: then a scalar at the value's position); deploy-time values (`{{resolve:...}}`,
   * `${ssm:...}`, `Ref AWS::Region`) are an `unknown` value whose `text` is the source text.
   */
  value: Value;
  inheritedFrom?: 'provider' | 'globals';
  /** The value as written, when `value` was computed from it (e.g. a `Ref` to a parameter default). */
  source?: Value;
  /** When the value depends on a condition (`Fn::If`): each possible value, resolved as `value` is. */
  alternatives?: Value[];
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
  /**
   * A function the framework adds on its own (the CDK's log retention, AwsCustomResource, bucket
   * notification and bucket deployment singletons, custom resource provider functions): the user
   * neither writes nor can change its settings. The engine runs no rule on it.
   */
  frameworkInternal?: boolean;
  runtime?: Prop<string>;
  memorySize?: Prop<number>;
  timeout?: Prop<number>;
  handler?: HandlerRef;
  /** Set when a handler is configured but cannot be turned into a module path (e.g. an unresolved variable). */
  handlerUnknown?: Loc;
  events: Trigger[];
  /**
   * Triggers deployed disabled (serverless `enabled: false`, `State: DISABLED`, `Enabled: false`): they invoke
   * nothing, so they are not in `events`, but Lambda still checks the role of an event source mapping when it
   * creates one, so the permissions for polling them are in use.
   */
  disabledEvents?: Trigger[];
  asyncFailureTargets: AsyncFailureTarget[];
  role?: Role;
  environment: EnvVar[];
  vpc?: Prop<unknown>;
  /**
   * How long the function's logs are kept: serverless `logRetentionInDays` (function or provider), or
   * `RetentionInDays` of the log group it writes to (`/aws/lambda/<name>`, or `LoggingConfig.LogGroup`).
   * Absent when nothing sets a retention (CloudWatch keeps the logs forever); `value` undefined when it
   * cannot be known offline or the log group is defined outside the application.
   */
  logRetention?: Prop<number>;
  /** The application's log group resource that receives the function's logs, when there is one. */
  logGroup?: Resource;
  /** `LoggingConfig.LogGroup` (SAM: with `Globals`): the log group the function writes to instead of `/aws/lambda/<name>`. */
  logGroupName?: Prop<string>;
  /**
   * The format of the function's log lines: `Text` or `JSON` (CloudFormation/SAM `LoggingConfig.LogFormat`, SAM with
   * `Globals`; serverless function `logs.logFormat` / `provider.logs.lambda.logFormat`). Absent when nothing sets it
   * (Lambda then writes `Text`); `value` undefined when it cannot be known offline.
   */
  logFormat?: Prop<string>;
  /** Reserved concurrency (`reservedConcurrency`, `ReservedConcurrentExecutions`). */
  reservedConcurrency?: Prop<number>;
  /** A published alias that triggers can invoke instead of `$LATEST` (SAM `AutoPublishAlias`, `AWS::Lambda::Alias`). */
  alias?: FunctionAlias;
  /** Gradual (canary / linear) deployment of new versions (SAM `DeploymentPreference`, a CodeDeploy deployment group). */
  deployment?: GradualDeployment;
  /**
   * X-Ray tracing mode, normalized to `Active` or `PassThrough` (CloudFormation `TracingConfig.Mode`, SAM
   * `Tracing` incl. `Globals`, serverless function `tracing` / `provider.tracing.lambda`, where `true` is
   * `Active`); undefined when nothing sets it (Lambda then uses `PassThrough`). `value` undefined when unknown.
   */
  tracing?: Prop<string>;
}

export interface FunctionAlias {
  /** The alias name (`AutoPublishAlias: live`, `AWS::Lambda::Alias` `Name`). */
  name: Prop<string>;
  /** The `AutoPublishAlias` key, or the alias resource's key. */
  loc: Loc;
  /** The `AWS::Lambda::Alias` resource, when the template declares one. */
  resource?: Resource;
}

export interface GradualDeployment {
  /**
   * As written: SAM `Type` (`Canary10Percent5Minutes`, `Linear10PercentEvery1Minute`, `AllAtOnce`) or the
   * CodeDeploy `DeploymentConfigName` (`CodeDeployDefault.LambdaCanary10Percent5Minutes`).
   */
  type?: Prop<string>;
  /** From `type`; undefined when it is unknown or a custom deployment configuration. */
  strategy?: 'canary' | 'linear' | 'all-at-once';
  /** CloudWatch alarms that stop and roll back the deployment (`Alarms`, `AlarmConfiguration.Alarms[].Name`). */
  alarms: Prop<string>[];
  /** SAM `DeploymentPreference.Enabled` (default true). */
  enabled?: Prop<boolean>;
  /** The `DeploymentPreference` key, or the deployment group resource's key. */
  loc: Loc;
  /** The `AWS::CodeDeploy::DeploymentGroup`, when the template declares one. */
  resource?: Resource;
}

/** An API Gateway stage: where access logs, tracing and throttling are configured. */
export interface ApiStage {
  kind: 'rest' | 'http' | 'websocket';
  /** Unique within a run: the defining file and the stage's (or SAM API's) logical id. */
  id: string;
  /** For messages: the stage or API resource's logical id (construct path for CDK), `ServerlessRestApi` / `ServerlessHttpApi` for SAM's implicit APIs. */
  name: string;
  platform: Platform;
  file: string;
  /** Where findings about missing settings point: the stage resource's key, the SAM API resource's key, or the first event that creates an implicit API. */
  loc: Loc;
  /** The stage resource (`AWS::ApiGateway::Stage`, `AWS::ApiGatewayV2::Stage`, `AWS::ApiGateway::Deployment` with `StageName`) or the SAM API resource. */
  resource?: Resource;
  /** Logical id of the API the stage belongs to, when known. */
  apiLogicalId?: string;
  stageName?: Prop<string>;
  /** Set for an API that the platform creates from function events (SAM implicit API, Serverless `http`/`httpApi`/`websocket` events). */
  implicit?: boolean;
  /** X-Ray tracing of a REST stage (`TracingEnabled`); undefined when not set. HTTP and WebSocket APIs cannot trace. */
  tracing?: Prop<boolean>;
  /** Access logging; undefined when not configured. */
  accessLog?: ApiAccessLog;
  /** Every throttling setting that applies to the stage; empty when there is none. */
  throttling: ApiThrottle[];
}

export interface ApiAccessLog {
  /** The log group ARN (`DestinationArn`). */
  destination?: Prop<string>;
  /** The log line format (`Format`): JSON, CLF, XML or CSV. */
  format?: Prop<string>;
  /** Set when `format` is the platform's default rather than written by the user (Serverless `provider.logs.restApi: true`). */
  defaultFormat?: boolean;
  /** The `AccessLogSetting(s)` block. */
  loc: Loc;
}

export interface ApiThrottle {
  /** `stage`: the stage default (`MethodSettings` for `/*` `*`, `DefaultRouteSettings`, stage-wide limits); `route`: one method or route; `usage-plan`: a usage plan covering the stage. */
  scope: 'stage' | 'route' | 'usage-plan';
  /** For a `route` throttle: the method and resource path (`GET /~1brands`) or the route key, as written. */
  route?: string;
  burstLimit?: Prop<number>;
  rateLimit?: Prop<number>;
  loc: Loc;
}

/** A Step Functions state machine. */
export interface StateMachine {
  /** Unique within a run: the defining file and name. */
  id: string;
  /** For messages: the logical id (construct path for CDK) or the serverless-step-functions name. */
  name: string;
  logicalId?: string;
  platform: Platform;
  file: string;
  /** The state machine's key: where findings about missing settings point. */
  loc: Loc;
  node: Value;
  resource?: Resource;
  constructPath?: string;
  /**
   * The Amazon States Language definition as a position-preserving tree: inline `Definition`, the
   * JSON inside `DefinitionString` (also `Fn::Sub` / `Fn::Join`, positions mapped into the template,
   * `${...}` placeholders outside strings as unknown values), or a local `DefinitionUri` file
   * (positions in that file). Undefined when it cannot be read offline (S3, unreadable).
   */
  definition?: Value;
  /** `STANDARD` or `EXPRESS` (`Type`, `StateMachineType`). */
  type?: Prop<string>;
  /** X-Ray tracing (`TracingConfiguration.Enabled`, SAM `Tracing.Enabled`); undefined when not set. */
  tracing?: Prop<boolean>;
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

/**
 * A CloudWatch alarm on a function's metric: an `AWS::CloudWatch::Alarm` (one entry per metric it reads:
 * its own `MetricName`, or each `MetricStat` of a `Metrics` math array), or an alarm that
 * serverless-plugin-aws-alerts generates from `custom.alerts` / a function's `alarms`.
 */
export interface Alarm {
  metricName?: Prop<string>;
  namespace?: Prop<string>;
  /** Ids (`LambdaFunction.id`) of the functions the alarm watches (`FunctionName` / `Resource` dimension). */
  functionIds: string[];
  /** `Statistic` (`Sum`, `Average`, `Maximum`...). */
  statistic?: Prop<string>;
  /** `ExtendedStatistic` (a percentile such as `p99`). */
  extendedStatistic?: Prop<string>;
  /** The alarm resource's key, or the aws-alerts entry (alarm name in the list) that creates it. */
  loc: Loc;
  resource?: Resource;
  source: 'cloudformation' | 'aws-alerts';
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
  /** API Gateway stages, explicit and implicit. */
  apis: ApiStage[];
  stateMachines: StateMachine[];
  /** CloudWatch alarms on function metrics (CloudFormation resources and serverless-plugin-aws-alerts). */
  alarms: Alarm[];
  diagnostics: InputDiagnostic[];
  /** Number of files read (configuration and code). */
  fileCount: number;
  /**
   * Every value an expression written in `file` can take offline (parameter defaults, `Fn::If`
   * branches, `Fn::Sub`/`Join`/`FindInMap`...), for rules that read raw resource properties. The
   * CloudFormation reader installs it; by default a value is only itself.
   */
  valuesOf(file: string, value: Value): Value[];
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
    apis: [],
    stateMachines: [],
    alarms: [],
    diagnostics: [],
    fileCount: 0,
    valuesOf: (_file, value) => [value],
  };
}
