import {
  bool,
  entry,
  get,
  intrinsic,
  isMap,
  items,
  num,
  referencedLogicalId,
  str,
  type AppModel,
  type IamStatement,
  type LambdaFunction,
  type Loc,
  type MapEntry,
  type MapValue,
  type Prop,
  type Resource,
  type Role,
  type Trigger,
  type TriggerType,
  type Value,
} from '@lambda-lint/core';
import type { ParsedSource } from '@lambda-lint/source';
import { environmentOf, handlerRef, parseStatements, readResources, roleId } from '@lambda-lint/cloudformation';
import type { SourceTexts } from './locate.js';
import { bucketLogicalId, perFunctionRoleLogicalId, PROVIDER_ROLE_LOGICAL_ID, serverlessLogicalId, topicLogicalId } from './naming.js';
import { VariableResolver } from './variables.js';
import { applyExtensions } from './extensions.js';
import { readAlertsPlugin } from './alarms.js';
import { readServerlessApis } from './apis.js';
import { readTracing } from './tracing.js';
import { readLogging } from './logging.js';
import { applyDeploymentPlugins } from './deployment.js';
import { readStepFunctions } from './step-functions.js';

export interface ServerlessReadOptions {
  /** Absolute project root: nothing outside it is read. */
  root: string;
  /** Reads a file of the project; undefined when it does not exist. */
  readFile(absPath: string): string | undefined;
  /** `--stage`; defaults to `options.stage`, then `provider.stage`, then `dev`. */
  stage?: string;
  /** `--region`; defaults to `options.region`, then `provider.region`, then `us-east-1`. */
  region?: string;
  /** For `${env:X}`. */
  env: Record<string, string | undefined>;
  /** Command-line options for `${opt:x}`; `param:<name>` entries stand for `--param="<name>=<value>"`. */
  options?: Record<string, string>;
}

/** Serverless event keys and the trigger type each one is. */
const EVENT_TYPES: Record<string, TriggerType> = {
  http: 'http',
  httpApi: 'httpApi',
  websocket: 'websocket',
  alb: 'alb',
  s3: 's3',
  sns: 'sns',
  sqs: 'sqs',
  stream: 'kinesis',
  eventBridge: 'eventbridge',
  cloudwatchEvent: 'eventbridge',
  schedule: 'schedule',
  cloudwatchLog: 'cloudwatchLogs',
  iot: 'iot',
  alexaSkill: 'alexa',
  alexaSmartHome: 'alexa',
  cloudFront: 'cloudfront',
  cognitoUserPool: 'cognito',
  msk: 'kafka',
  kafka: 'kafka',
  activemq: 'mq',
  rabbitmq: 'mq',
};

/** Which role a function runs with, settled once `resources` (which may define roles) have been read. */
type RoleIntent =
  | { kind: 'provider' }
  | { kind: 'own'; role: Role }
  | { kind: 'logical-id'; logicalId: string }
  | { kind: 'external' };

interface ProviderIam {
  statements: IamStatement[];
  managedPolicies: Prop<string>[];
  loc: Loc;
  /** `provider.iam.role: MyRole` / legacy `provider.role`: every function uses that role. */
  customRole?: Value;
}

interface StreamLink {
  trigger: Trigger;
  explicitType: boolean;
  arn: Value | undefined;
}

/**
 * Reads a parsed `serverless.yml` into the model: the resolved document, functions with their
 * provider defaults, triggers, roles, and the raw CloudFormation in `resources`.
 */
export function readServerless(parsed: ParsedSource, model: AppModel, opts: ServerlessReadOptions): void {
  if (!parsed.root) return;
  const file = parsed.file;
  const serviceDir = file.slice(0, file.lastIndexOf('/')) || '/';
  const stage = opts.stage ?? opts.options?.['stage'];
  const region = opts.region ?? opts.options?.['region'];
  const resolver = new VariableResolver(parsed.root, model, {
    root: opts.root,
    serviceDir,
    readFile: opts.readFile,
    env: opts.env,
    ...(stage !== undefined ? { stage } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(opts.options ? { options: opts.options } : {}),
  });
  resolver.texts.add(file, parsed.text, parsed.lineStarts, /\.[cm]?[jt]s$/.test(file));
  const root = resolver.resolveAll();
  model.documents.push({ file, platform: 'serverless', root });
  if (!isMap(root)) return;
  new ServerlessReader(file, serviceDir, root, model, opts.root, resolver.texts).read();
  readAlertsPlugin(root, model, file, resolver.stage());
  applyDeploymentPlugins(root, model, file, resolver.stage());
}

class ServerlessReader {
  private readonly provider: Value | undefined;
  private readonly iam: ProviderIam;
  private readonly intents: { fn: LambdaFunction; intent: RoleIntent }[] = [];
  private readonly streams: StreamLink[] = [];
  private readonly queues: { trigger: Trigger; arn: Value | undefined }[] = [];
  /** `sns`/`s3` events that name an existing topic or bucket by ARN or name, found in `resources` afterwards. */
  private readonly existingSources: { trigger: Trigger; kind: 'sns' | 's3'; ref: Value }[] = [];

  constructor(
    private readonly file: string,
    private readonly serviceDir: string,
    private readonly root: MapValue,
    private readonly model: AppModel,
    private readonly projectRoot: string,
    private readonly texts: SourceTexts,
  ) {
    this.provider = get(root, 'provider');
    this.iam = this.providerIam();
  }

  read(): void {
    for (const e of functionEntries(get(this.root, 'functions'))) {
      // A string, list or empty entry is no function (often a setting indented one level too far left:
      // `handler:` beside the function's name); resource-schema reports it. A variable may be one.
      if (isMap(e.value) || e.value.kind === 'unknown') this.model.functions.push(this.readFunction(e));
    }
    // The framework merges `resources.Resources` into the compiled template by logical id: an entry named
    // like a generated function (`ALambdaFunction`), `Type` or not, overrides that function.
    const generated = new Set(this.model.functions.filter((f) => f.file === this.file).map((f) => f.logicalId));
    const { resources: written, parameters } = mergedResources(get(this.root, 'resources'));
    const resources = written && { ...written, entries: written.entries.filter((e) => !generated.has(e.key)) };
    const fileResources = resources
      ? readResources(resources, this.model, {
          file: this.file,
          platform: 'serverless',
          ...(parameters ? { root: { kind: 'map', entries: [{ key: 'Parameters', keyLoc: parameters.loc, value: parameters }], loc: parameters.loc } } : {}),
        })
      : [];
    const byId = new Map(fileResources.map((r) => [r.logicalId, r]));
    this.linkRoles();
    this.linkSources(byId);
    applyExtensions(get(this.root, 'resources'), this.model, this.file, byId, generated);
    readServerlessApis(this.root, this.model, this.file);
    readStepFunctions(this.root, this.model, this.file);
    readTracing(this.root, this.model, this.file);
    readLogging(this.root, this.model, this.file);
  }

  // -------------------------------------------------------------------------------------------
  // Functions

  private readFunction(e: MapEntry): LambdaFunction {
    const name = e.key;
    const def = e.value;
    const fn: LambdaFunction = {
      id: `${this.file}#${name}`,
      name,
      logicalId: serverlessLogicalId(name),
      platform: 'serverless',
      file: this.file,
      loc: e.keyLoc,
      node: def,
      events: [],
      asyncFailureTargets: [],
      environment: [],
    };
    if (!isMap(def)) {
      // e.g. `${file(./fn.js)}`: the definition is unknown, and so are its handler and settings.
      if (def.kind === 'unknown') {
        fn.handlerUnknown = def.loc;
        fn.runtime = { value: undefined, loc: def.loc, node: def };
        fn.memorySize = { value: undefined, loc: def.loc, node: def };
        fn.timeout = { value: undefined, loc: def.loc, node: def };
      }
      return fn;
    }
    const runtime = this.setting(def, 'runtime', str);
    if (runtime) fn.runtime = runtime;
    const memorySize = this.setting(def, 'memorySize', num);
    if (memorySize) fn.memorySize = memorySize;
    const timeout = this.setting(def, 'timeout', num);
    if (timeout) fn.timeout = timeout;
    const logRetention = this.setting(def, 'logRetentionInDays', num) ?? this.logGroupExtension(fn.logicalId) ?? this.logRetentionPlugin();
    if (logRetention) fn.logRetention = logRetention;
    const reserved = entry(def, 'reservedConcurrency');
    if (reserved && !isNull(reserved.value)) fn.reservedConcurrency = { value: num(reserved.value), loc: reserved.value.loc, node: reserved.value };
    this.readHandler(fn, def);
    fn.environment = this.environment(def);
    const vpc = this.vpc(def);
    if (vpc) fn.vpc = vpc;
    for (const item of items(get(def, 'events'))) {
      if (!isMap(item)) continue;
      const first = item.entries[0];
      if (!first) continue;
      // `enabled: false` (schedule, stream, sqs, eventBridge...) deploys the trigger disabled: it invokes nothing.
      if (isMap(first.value) && bool(get(first.value, 'enabled')) === false) (fn.disabledEvents ??= []).push(this.readEvent(first.key, first.keyLoc, first.value));
      else fn.events.push(this.readEvent(first.key, first.keyLoc, first.value));
    }
    const url = entry(def, 'url');
    if (url && (isMap(url.value) || bool(url.value) === true)) fn.events.push(functionUrlTrigger(url.keyLoc, url.value));
    const onError = entry(def, 'onError');
    if (onError && !isNull(onError.value)) fn.asyncFailureTargets.push({ kind: 'dead-letter-queue', loc: onError.value.loc });
    const onFailure = entry(get(def, 'destinations'), 'onFailure');
    if (onFailure && !isNull(onFailure.value)) fn.asyncFailureTargets.push({ kind: 'on-failure-destination', loc: onFailure.value.loc });
    this.intents.push({ fn, intent: this.roleIntent(name, def) });
    return fn;
  }

  /** A function setting, or the provider's when the function has none. */
  private setting<T>(def: MapValue, key: string, convert: (v: Value) => T | undefined): Prop<T> | undefined {
    const own = entry(def, key);
    if (own && !isNull(own.value)) return { value: convert(own.value), loc: own.value.loc, node: own.value };
    // A definition that may hold keys that cannot be seen (a spread in serverless.ts): unknown, not unset.
    if (def.open) return { value: undefined, loc: def.loc, node: def };
    const inherited = entry(this.provider, key);
    if (inherited && !isNull(inherited.value)) {
      return { value: convert(inherited.value), loc: inherited.value.loc, node: inherited.value, inheritedFrom: 'provider' };
    }
    const provider = this.provider;
    if (provider && (provider.kind === 'unknown' || (isMap(provider) && provider.open))) {
      return { value: undefined, loc: provider.loc, node: provider, inheritedFrom: 'provider' };
    }
    return undefined;
  }

  /** `resources.extensions.<Fn>LogGroup.Properties.RetentionInDays`: the generated log group's retention. */
  private logGroupExtension(functionLogicalId: string): Prop<number> | undefined {
    const logGroupId = functionLogicalId.replace(/LambdaFunction$/, 'LogGroup');
    const v = get(this.root, 'resources', 'extensions', logGroupId, 'Properties', 'RetentionInDays');
    return v && !isNull(v) ? { value: num(v), loc: v.loc, node: v } : undefined;
  }

  /** serverless-plugin-log-retention: `custom.logRetentionInDays` is the retention of every function's log group. */
  private logRetentionPlugin(): Prop<number> | undefined {
    const plugins = get(this.root, 'plugins');
    const names = [...items(plugins), ...items(get(plugins, 'modules'))].map((p) => str(p));
    if (!names.includes('serverless-plugin-log-retention')) return undefined;
    const v = get(this.root, 'custom', 'logRetentionInDays');
    return v && !isNull(v) ? { value: num(v), loc: v.loc, node: v } : undefined;
  }

  private readHandler(fn: LambdaFunction, def: MapValue): void {
    const handler = entry(def, 'handler');
    if (!handler || entry(def, 'image')) return;
    // A prebuilt artifact's code is not in the project.
    if (get(def, 'package', 'artifact') ?? get(this.root, 'package', 'artifact')) return;
    // The code rules read JavaScript and TypeScript only.
    const runtime = fn.runtime?.value;
    if (runtime !== undefined && !/^nodejs/i.test(runtime)) return;
    const v = handler.value;
    const text = v.kind === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
    const ref = text !== undefined ? handlerRef(this.serviceDir, text, v.loc) : undefined;
    // A handler outside the project root is kept: the linter reports it without reading it.
    if (ref) fn.handler = ref;
    else fn.handlerUnknown = v.loc;
  }

  /** provider.environment merged with the function's; the function's value of a name wins. */
  private environment(def: MapValue) {
    const own = environmentOf(get(def, 'environment'));
    const names = new Set(own.map((v) => v.name));
    const inherited = environmentOf(get(this.provider, 'environment'), 'provider').filter((v) => !names.has(v.name));
    return [...inherited, ...own];
  }

  /**
   * The function's `vpc`, else the provider's. `vpc: ~` on a function, or empty
   * `securityGroupIds` and `subnetIds`, opts the function out of the provider's VPC.
   */
  private vpc(def: MapValue): Prop<unknown> | undefined {
    const own = entry(def, 'vpc');
    if (own) return isNull(own.value) || isEmptyVpc(own.value) ? undefined : vpcProp(own.value);
    const inherited = entry(this.provider, 'vpc');
    if (!inherited || isNull(inherited.value) || isEmptyVpc(inherited.value)) return undefined;
    return { ...vpcProp(inherited.value), inheritedFrom: 'provider' };
  }

  // -------------------------------------------------------------------------------------------
  // Events

  private readEvent(key: string, keyLoc: Loc, cfg: Value): Trigger {
    const trigger: Trigger = { type: EVENT_TYPES[key] ?? 'other', loc: keyLoc, node: cfg };
    switch (key) {
      case 'http':
      case 'httpApi':
        this.route(trigger, cfg, key === 'httpApi');
        // `async: true`: API Gateway invokes the function with `InvocationType: Event` and answers at once.
        if (key === 'http' && isMap(cfg) && bool(get(cfg, 'async')) === true) trigger.invocation = 'async';
        break;
      case 'sns':
      case 's3':
        this.eventSource(trigger, key, cfg);
        break;
      case 'websocket': {
        const route = isMap(cfg) ? get(cfg, 'route') : cfg;
        if (route && !isMap(route)) trigger.path = stringProp(route);
        break;
      }
      case 'alb': {
        const path = items(get(cfg, 'conditions', 'path'))[0];
        const method = items(get(cfg, 'conditions', 'method'))[0];
        if (path) trigger.path = stringProp(path);
        if (method) trigger.method = stringProp(method);
        break;
      }
      case 'sqs': {
        const arn = isMap(cfg) && !intrinsic(cfg) ? get(cfg, 'arn') : cfg;
        const id = referencedLogicalId(arn);
        if (id) trigger.sourceLogicalId = id;
        const maximumConcurrency = isMap(cfg) && !intrinsic(cfg) ? get(cfg, 'maximumConcurrency') : undefined;
        if (maximumConcurrency && !isNull(maximumConcurrency)) {
          trigger.maximumConcurrency = { value: num(maximumConcurrency), loc: maximumConcurrency.loc, node: maximumConcurrency };
        }
        this.queues.push({ trigger, arn });
        break;
      }
      case 'stream': {
        const arn = isMap(cfg) && !intrinsic(cfg) ? get(cfg, 'arn') : cfg;
        const declared = str(get(cfg, 'type'));
        const type = declared === 'dynamodb' ? 'dynamodbStream' : declared === 'kinesis' ? 'kinesis' : streamTypeOfArn(arn);
        if (type) trigger.type = type;
        const id = referencedLogicalId(arn);
        if (id) trigger.sourceLogicalId = id;
        const onFailure = get(cfg, 'destinations', 'onFailure');
        if (onFailure && !isNull(onFailure)) trigger.onFailure = onFailure.loc;
        this.streams.push({ trigger, explicitType: declared === 'dynamodb' || declared === 'kinesis', arn });
        break;
      }
      default:
        break;
    }
    return trigger;
  }

  /**
   * The topic or bucket of an `sns`/`s3` event. A name the framework creates the resource for gets its
   * generated logical id (`sns: brand-events` -> `SNSTopicBrandevents`, `s3: uploads` -> `S3BucketUploads`),
   * which a same-named entry of `resources` configures; a `Ref`/`GetAtt` names the resource; an ARN or an
   * `existing: true` bucket is looked up in `resources` by name.
   */
  private eventSource(trigger: Trigger, kind: 'sns' | 's3', cfg: Value): void {
    const object = isMap(cfg) && !intrinsic(cfg);
    const ref = object ? (kind === 'sns' ? get(cfg, 'arn') : get(cfg, 'bucket')) : cfg;
    const id = referencedLogicalId(ref);
    if (id) {
      trigger.sourceLogicalId = id;
      return;
    }
    const name = str(ref);
    if (kind === 'sns') {
      if (name !== undefined && name.startsWith('arn:')) this.existingSources.push({ trigger, kind, ref: ref! });
      else {
        const topicName = name ?? (object ? str(get(cfg, 'topicName')) : undefined);
        if (topicName && !topicName.includes('${')) trigger.sourceLogicalId = topicLogicalId(topicName);
      }
      return;
    }
    if (name === undefined || name.includes('${')) return;
    if (object && bool(get(cfg, 'existing')) === true) this.existingSources.push({ trigger, kind, ref: ref! });
    else trigger.sourceLogicalId = bucketLogicalId(name);
  }

  /** `http: GET /brands`, `httpApi: 'GET /x'`, `httpApi: '*'`, or `{ method, path }`. */
  private route(trigger: Trigger, cfg: Value, httpApi: boolean): void {
    if (cfg.kind === 'scalar' && typeof cfg.value === 'string') {
      const s = cfg.value;
      if (httpApi && s.trim() === '*') {
        trigger.method = { value: '*', loc: cfg.loc, node: cfg };
        trigger.path = { value: '*', loc: cfg.loc, node: cfg };
        return;
      }
      const m = /^(\s*)(\S+)(\s+)(\S(?:.*\S)?)\s*$/.exec(s);
      if (!m) {
        trigger.path = { value: s, loc: cfg.loc, node: cfg };
        return;
      }
      const methodStart = m[1]!.length;
      const pathStart = methodStart + m[2]!.length + m[3]!.length;
      trigger.method = { value: m[2]!, loc: this.texts.subLoc(cfg, methodStart, methodStart + m[2]!.length), node: cfg };
      trigger.path = { value: m[4]!, loc: this.texts.subLoc(cfg, pathStart, pathStart + m[4]!.length), node: cfg };
      return;
    }
    const path = get(cfg, 'path');
    const method = get(cfg, 'method');
    if (path) trigger.path = stringProp(path);
    if (method) trigger.method = stringProp(method);
  }

  // -------------------------------------------------------------------------------------------
  // IAM

  private providerIam(): ProviderIam {
    const provider = this.provider;
    const iam = get(provider, 'iam');
    const roleEntry = entry(iam, 'role');
    const roleV = roleEntry?.value;
    let config: Value | undefined;
    let customRole: Value | undefined;
    if (roleV && !isNull(roleV)) {
      if (isMap(roleV) && !intrinsic(roleV)) config = roleV;
      else customRole = roleV;
    }
    const legacyRole = get(provider, 'role');
    if (!customRole && legacyRole && !isNull(legacyRole)) customRole = legacyRole;
    const statements = [...parseStatements(get(config, 'statements')), ...parseStatements(get(provider, 'iamRoleStatements'))];
    const managedPolicies = [...items(get(config, 'managedPolicies')), ...items(get(provider, 'iamManagedPolicies'))].map(managedPolicyProp);
    const loc =
      roleEntry?.keyLoc ??
      entry(provider, 'iamRoleStatements')?.keyLoc ??
      entry(provider, 'iamManagedPolicies')?.keyLoc ??
      entry(this.root, 'provider')?.keyLoc ??
      { file: this.file, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { statements, managedPolicies, loc, ...(customRole ? { customRole } : {}) };
  }

  private roleIntent(name: string, def: MapValue): RoleIntent {
    const own = entry(def, 'role');
    if (own && !isNull(own.value)) return roleReference(own.value);
    const statements = entry(def, 'iamRoleStatements');
    if (statements && items(statements.value).length > 0) {
      // serverless-iam-roles-per-function: the function's own role, optionally with the provider's statements.
      const inherit =
        bool(get(def, 'iamRoleStatementsInherit')) ??
        bool(get(this.root, 'custom', 'serverless-iam-roles-per-function', 'defaultInherit')) ??
        false;
      const role: Role = {
        id: roleId(this.file, perFunctionRoleLogicalId(name)),
        loc: statements.keyLoc,
        statements: [...(inherit ? this.iam.statements : []), ...parseStatements(statements.value)],
        // The plugin copies the provider role, managed policies included.
        managedPolicies: [...this.iam.managedPolicies],
      };
      this.model.roles.push(role);
      return { kind: 'own', role };
    }
    if (this.iam.customRole) return roleReference(this.iam.customRole);
    return { kind: 'provider' };
  }

  private linkRoles(): void {
    let providerRole: Role | undefined;
    const sharedRole = (): Role => {
      if (providerRole) return providerRole;
      const id = roleId(this.file, PROVIDER_ROLE_LOGICAL_ID);
      // A role of that logical id in `resources` replaces the generated one.
      providerRole = this.model.roles.find((r) => r.id === id);
      if (!providerRole) {
        providerRole = { id, loc: this.iam.loc, statements: this.iam.statements, managedPolicies: this.iam.managedPolicies };
        this.model.roles.push(providerRole);
      }
      return providerRole;
    };
    for (const { fn, intent } of this.intents) {
      if (intent.kind === 'provider') fn.role = sharedRole();
      else if (intent.kind === 'own') fn.role = intent.role;
      else if (intent.kind === 'logical-id') {
        if (intent.logicalId === PROVIDER_ROLE_LOGICAL_ID) fn.role = sharedRole();
        else {
          const id = roleId(this.file, intent.logicalId);
          const role = this.model.roles.find((r) => r.id === id);
          if (role) fn.role = role;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Queue and stream sources in `resources`

  private linkSources(byId: Map<string, Resource>): void {
    for (const { trigger, explicitType, arn } of this.streams) {
      if (!trigger.sourceLogicalId) {
        const found = findByArnName(arn, byId, [
          ['AWS::Kinesis::Stream', 'Name', /:stream\/([^/]+)$/],
          ['AWS::DynamoDB::Table', 'TableName', /:table\/([^/]+)\/stream\//],
        ]);
        if (found) trigger.sourceLogicalId = found.logicalId;
      }
      const source = trigger.sourceLogicalId ? byId.get(trigger.sourceLogicalId) : undefined;
      if (source && !explicitType) {
        if (source.type === 'AWS::Kinesis::Stream' || source.type === 'AWS::Kinesis::StreamConsumer') trigger.type = 'kinesis';
        else if (source.type === 'AWS::DynamoDB::Table' || source.type === 'AWS::DynamoDB::GlobalTable') trigger.type = 'dynamodbStream';
      }
    }
    for (const { trigger, arn } of this.queues) {
      if (trigger.sourceLogicalId) continue;
      const found = findByArnName(arn, byId, [['AWS::SQS::Queue', 'QueueName', /:([^:/]+)$/]]);
      if (found) trigger.sourceLogicalId = found.logicalId;
    }
    for (const { trigger, kind, ref } of this.existingSources) {
      const found =
        kind === 'sns'
          ? findByArnName(ref, byId, [['AWS::SNS::Topic', 'TopicName', /:([^:/]+)$/]])
          : [...byId.values()].find((r) => r.type === 'AWS::S3::Bucket' && str(get(r.properties, 'BucketName')) === str(ref));
      if (found) trigger.sourceLogicalId = found.logicalId;
    }
  }
}

// ---------------------------------------------------------------------------------------------

function isNull(v: Value): boolean {
  return v.kind === 'scalar' && v.value === null;
}

function stringProp(v: Value): Prop<string> {
  return { value: str(v), loc: v.loc, node: v };
}

function vpcProp(v: Value): Prop<unknown> {
  return { value: v.kind === 'unknown' ? undefined : v, loc: v.loc, node: v };
}

function isEmptyVpc(v: Value): boolean {
  if (!isMap(v)) return false;
  const sg = get(v, 'securityGroupIds');
  const subnets = get(v, 'subnetIds');
  return sg?.kind === 'seq' && sg.items.length === 0 && subnets?.kind === 'seq' && subnets.items.length === 0;
}

/** `functions` is a map, or (v3) a list of maps that are merged. */
/** The entries of `functions`: a map, or a list of maps (often `${file(...)}` each) merged in order. */
function functionEntries(v: Value | undefined): MapEntry[] {
  const out: MapEntry[] = [];
  for (const part of v?.kind === 'seq' ? v.items : v ? [v] : []) {
    if (!isMap(part)) continue;
    for (const e of part.entries) {
      const i = out.findIndex((x) => x.key === e.key);
      if (i >= 0) out.splice(i, 1);
      out.push(e);
    }
  }
  return out;
}

/** `resources` is a map with `Resources`, or a list of such maps (often `${file(...)}` each), merged in order. */
function mergedResources(v: Value | undefined): { resources?: MapValue; parameters?: MapValue } {
  const merge = (key: string): MapValue | undefined => {
    const entries: MapEntry[] = [];
    let loc: Loc | undefined;
    for (const part of v?.kind === 'seq' ? v.items : v ? [v] : []) {
      const section = get(part, key);
      if (!isMap(section)) continue;
      loc ??= section.loc;
      for (const e of section.entries) {
        const i = entries.findIndex((x) => x.key === e.key);
        if (i >= 0) entries.splice(i, 1);
        entries.push(e);
      }
    }
    return loc ? { kind: 'map', entries, loc } : undefined;
  };
  const resources = merge('Resources');
  const parameters = merge('Parameters');
  return { ...(resources ? { resources } : {}), ...(parameters ? { parameters } : {}) };
}

/** `role: MyRole` (a logical id in `resources`), `!GetAtt MyRole.Arn`, or an ARN / import of a role elsewhere. */
function roleReference(v: Value): RoleIntent {
  const fn = intrinsic(v);
  if (fn) {
    const id = fn.fn === 'Fn::GetAtt' || fn.fn === 'Ref' ? referencedLogicalId(v) : undefined;
    return id ? { kind: 'logical-id', logicalId: id } : { kind: 'external' };
  }
  const s = str(v);
  if (s === undefined || s.includes(':') || s.includes('/')) return { kind: 'external' };
  return { kind: 'logical-id', logicalId: s };
}

function managedPolicyProp(node: Value): Prop<string> {
  return { value: str(node) ?? arnText(node), loc: node.loc, node };
}

/** The text of an ARN built with `Fn::Join` / `Fn::Sub` from literals and `AWS::Partition`. */
function arnText(v: Value): string | undefined {
  const fn = intrinsic(v);
  if (!fn) return undefined;
  if (fn.fn === 'Fn::Sub') {
    const s = str(fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg);
    if (s === undefined) return undefined;
    const out = s.replace(/\$\{AWS::Partition\}/g, 'aws');
    return out.includes('${') ? undefined : out;
  }
  if (fn.fn === 'Fn::Join' && fn.arg.kind === 'seq') {
    const sep = str(fn.arg.items[0]);
    const parts = fn.arg.items[1];
    if (sep === undefined || parts?.kind !== 'seq') return undefined;
    const texts: string[] = [];
    for (const p of parts.items) {
      const ref = intrinsic(p);
      const t = ref?.fn === 'Ref' && str(ref.arg) === 'AWS::Partition' ? 'aws' : (str(p) ?? arnText(p));
      if (t === undefined) return undefined;
      texts.push(t);
    }
    return texts.join(sep);
  }
  return undefined;
}

function streamTypeOfArn(arn: Value | undefined): TriggerType | undefined {
  const fn = intrinsic(arn);
  if (fn?.fn === 'Fn::GetAtt') {
    const attr = fn.arg.kind === 'seq' ? str(fn.arg.items[1]) : str(fn.arg)?.split('.').slice(1).join('.');
    if (attr === 'StreamArn') return 'dynamodbStream';
    return undefined;
  }
  const text = str(arn) ?? subText(arn);
  if (!text) return undefined;
  if (/^arn:[\w-]+:kinesis:/.test(text)) return 'kinesis';
  if (/^arn:[\w-]+:dynamodb:/.test(text)) return 'dynamodbStream';
  return undefined;
}

function subText(v: Value | undefined): string | undefined {
  const fn = intrinsic(v);
  if (fn?.fn !== 'Fn::Sub') return undefined;
  return str(fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg);
}

/** The resource whose name property is the name at the end of a literal (or `Fn::Sub`) ARN. */
function findByArnName(
  arn: Value | undefined,
  byId: Map<string, Resource>,
  kinds: [type: string, nameProperty: string, pattern: RegExp][],
): Resource | undefined {
  const text = str(arn) ?? subText(arn);
  if (!text) return undefined;
  for (const [type, nameProperty, pattern] of kinds) {
    const name = pattern.exec(text)?.[1];
    if (!name || name.includes('${')) continue;
    for (const r of byId.values()) {
      if (r.type === type && str(get(r.properties, nameProperty)) === name) return r;
    }
  }
  return undefined;
}


/** `url: true` is public; `url: { authorizer: aws_iam }` requires signed requests (the framework's two auth types). */
function functionUrlTrigger(keyLoc: Loc, node: Value): Trigger {
  const authorizer = get(node, 'authorizer');
  const text = authorizer ? str(authorizer) : undefined;
  const authType: Prop<string> = authorizer
    ? { value: text === undefined ? undefined : text.toLowerCase() === 'aws_iam' ? 'AWS_IAM' : 'NONE', loc: authorizer.loc, node: authorizer }
    : { value: 'NONE', loc: keyLoc, node };
  return { type: 'functionUrl', loc: keyLoc, node, authType };
}
