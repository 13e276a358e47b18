import {
  joinPath,
  bool,
  entry,
  get,
  intrinsic,
  isFrameworkInternalPath,
  isMap,
  items,
  num,
  str,
  type AppModel,
  type DistributionBehavior,
  type EnvVar,
  type HandlerRef,
  type LambdaFunction,
  type Loc,
  type Platform,
  type Prop,
  type Resource,
  type Role,
  type Trigger,
  type TriggerType,
  type Value,
} from '@lambda-lint/core';
import { linkAlarms } from './alarms.js';
import { linkApiStages } from './apis.js';
import { linkAliases, qualifierOf } from './deployment.js';
import type { SourceText } from './embedded.js';
import { statementsOfDocument } from './iam.js';
import { stateMachineFromResource, type FileAccess } from './state-machines.js';
import { linkLogGroups } from './logs.js';
import { referencedIds, textOf } from './refs.js';
import { createContext, numberProp, prop, resourcesFrom, stringProp, type TemplateContext } from './template.js';
import { propFrom, resolveAll, type ValueContext } from './values.js';

export interface ReadResourcesOptions {
  file: string;
  platform: Platform;
  /** Template root, for `Parameters` defaults. */
  root?: Value;
  /** The template's text, to locate what is inside strings (`DefinitionString`). */
  source?: SourceText;
  /** Reads files the template points to (`DefinitionS3Location`), inside the project root only. */
  files?: FileAccess;
}

/**
 * Reads a `Resources` map into the model: resources, roles and policies, Lambda functions.
 * Call {@link linkTemplate} once after every reader of the file has run, to connect triggers,
 * destinations and roles to functions.
 */
export function readResources(resourcesMap: Value | undefined, model: AppModel, options: ReadResourcesOptions): Resource[] {
  const ctx = createContext(options.file, options.platform, options.root);
  const resources = resourcesFrom(resourcesMap, ctx);
  model.resources.push(...resources);
  for (const r of resources) if (r.type === 'AWS::IAM::Role') model.roles.push(roleFromResource(r, ctx));
  for (const r of resources) if (r.type === 'AWS::Lambda::Function') model.functions.push(functionFromResource(r, ctx));
  for (const r of resources) {
    if (r.type === 'AWS::StepFunctions::StateMachine') {
      model.stateMachines.push(stateMachineFromResource(r, r.properties, model, ctx, { source: options.source, files: options.files }));
    }
  }
  return resources;
}

export function roleId(file: string, logicalId: string): string {
  return `${file}#${logicalId}`;
}

function roleFromResource(r: Resource, ctx: TemplateContext): Role {
  const statements = items(prop(r, 'Policies')).flatMap((p) => statementsOfDocument(get(p, 'PolicyDocument'), ctx));
  const managedPolicies = items(prop(r, 'ManagedPolicyArns')).map((node) => ({ value: str(node), loc: node.loc, node }));
  return { id: roleId(r.file, r.logicalId), loc: r.loc, statements, managedPolicies, resource: r };
}

function functionFromResource(r: Resource, ctx: TemplateContext): LambdaFunction {
  const fn: LambdaFunction = {
    id: `${r.file}#${r.logicalId}`,
    name: r.constructPath ?? r.logicalId,
    logicalId: r.logicalId,
    platform: r.platform,
    file: r.file,
    loc: r.loc,
    node: r.node,
    resource: r,
    events: [],
    asyncFailureTargets: [],
    environment: environmentOf(prop(r, 'Environment', 'Variables'), undefined, ctx),
  };
  if (r.constructPath) {
    fn.constructPath = r.constructPath;
    // A synthesized CDK template linted on its own: the CDK's helper functions are no more the user's than in cdk.out.
    if (isFrameworkInternalPath(r.constructPath)) fn.frameworkInternal = true;
  }
  const runtime = stringProp(prop(r, 'Runtime'), ctx);
  if (runtime) fn.runtime = runtime;
  const memory = numberProp(prop(r, 'MemorySize'), ctx);
  if (memory) fn.memorySize = memory;
  const timeout = numberProp(prop(r, 'Timeout'), ctx);
  if (timeout) fn.timeout = timeout;
  const logGroupName = stringProp(get(prop(r, 'LoggingConfig'), 'LogGroup'), ctx);
  if (logGroupName) fn.logGroupName = logGroupName;
  const logFormat = stringProp(get(prop(r, 'LoggingConfig'), 'LogFormat'), ctx);
  if (logFormat) fn.logFormat = logFormat;
  const reserved = numberProp(prop(r, 'ReservedConcurrentExecutions'), ctx);
  if (reserved) fn.reservedConcurrency = reserved;
  const tracingConfig = prop(r, 'TracingConfig');
  const tracing = tracingModeProp(isMap(tracingConfig) && !intrinsic(tracingConfig) ? get(tracingConfig, 'Mode') : tracingConfig, ctx);
  if (tracing) fn.tracing = tracing;
  const vpc = prop(r, 'VpcConfig');
  if (vpc) fn.vpc = { value: vpc, loc: vpc.loc, node: vpc };
  const dlq = get(prop(r, 'DeadLetterConfig'), 'TargetArn');
  if (dlq) fn.asyncFailureTargets.push({ kind: 'dead-letter-queue', loc: dlq.loc });
  const handler = handlerRefOf(r, ctx);
  if (handler) fn.handler = handler;
  return fn;
}

/** `Active` / `PassThrough` as AWS spells them, whatever the case written; other values as written. */
export function tracingMode(v: Value): string | undefined {
  const s = v.kind === 'scalar' ? str(v) : undefined;
  if (s === undefined) return undefined;
  const lower = s.toLowerCase();
  return lower === 'active' ? 'Active' : lower === 'passthrough' ? 'PassThrough' : s;
}

/** A Lambda tracing mode (`TracingConfig.Mode`, SAM `Tracing`), resolved and normalized (see {@link tracingMode}). */
export function tracingModeProp(v: Value | undefined, ctx: ValueContext): Prop<string> | undefined {
  return v === undefined ? undefined : propFrom(v, ctx, tracingMode);
}

/**
 * Environment variables. With a template context, values are resolved (see `EnvVar.value`): the value
 * as written is kept in `source`, and a value that depends on a condition lists its `alternatives`.
 */
export function environmentOf(vars: Value | undefined, inheritedFrom?: 'provider' | 'globals', ctx?: ValueContext): EnvVar[] {
  if (!isMap(vars)) return [];
  return vars.entries.map((e) => {
    const v: EnvVar = { name: e.key, nameLoc: e.keyLoc, value: e.value, ...(inheritedFrom ? { inheritedFrom } : {}) };
    if (!ctx) return v;
    const all = resolveAll(e.value, ctx);
    if (all.length === 1) {
      if (all[0]!.value !== e.value) {
        v.value = all[0]!.value;
        v.source = e.value;
      }
    } else {
      v.alternatives = all.map((r) => r.value);
    }
    return v;
  });
}

/** `Handler: src/app.handler` with a local `Code` path (as `aws cloudformation package` takes it). */
function handlerRefOf(r: Resource, ctx: TemplateContext): HandlerRef | undefined {
  const handlerNode = prop(r, 'Handler');
  const handler = str(handlerNode);
  if (!handler || !handlerNode) return undefined;
  const code = prop(r, 'Code');
  if (get(code, 'ZipFile')) return undefined;
  const codeDir = str(code);
  if (codeDir !== undefined && !isSourceDirectory(codeDir)) return undefined;
  const esbuild = esbuildEntryPoint(r);
  const base = codeDir !== undefined ? joinPath(ctx.dir, codeDir) : ctx.dir;
  const ref = handlerRef(base, handler, handlerNode.loc, esbuild);
  // With code in S3 the source may not be in this repository; only a local `Code` path promises it.
  if (ref && codeDir === undefined) ref.optional = true;
  return ref;
}

/**
 * A local code path whose files are the handler's source: not an S3 URI, and not a built archive
 * (`build/app.zip`, `target/app.jar`), whose contents are not in the repository to analyse.
 */
export function isSourceDirectory(codePath: string): boolean {
  return !/^s3:\/\//i.test(codePath) && !/\.(?:zip|jar|war)$/i.test(codePath);
}

export function esbuildEntryPoint(r: Resource): string | undefined {
  const entryPoints = get(r.metadata, 'BuildProperties', 'EntryPoints');
  return str(items(entryPoints)[0]);
}

/**
 * `dir/module.export` -> module path and export name. An esbuild entry point, when given, names
 * the source file (with its extension) while the handler names the bundle.
 */
export function handlerRef(baseDir: string, handler: string, loc: Loc, entryPoint?: string): HandlerRef | undefined {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) return undefined;
  const exportName = handler.slice(dot + 1);
  let modulePath = joinPath(baseDir, handler.slice(0, dot));
  let extension: string | undefined;
  if (entryPoint) {
    const m = /^(.*?)(\.(?:ts|mts|cts|js|mjs|cjs))?$/.exec(entryPoint)!;
    modulePath = joinPath(baseDir, m[1]!);
    extension = m[2];
  }
  const ref: HandlerRef = { modulePath, exportName, loc };
  if (extension) ref.extension = extension;
  return ref;
}

export { joinPath };

// ---------------------------------------------------------------------------------------------
// Linking: triggers, destinations, roles and distributions that other resources attach to functions.

const PRINCIPAL_TRIGGERS: Record<string, TriggerType> = {
  's3.amazonaws.com': 's3',
  'sns.amazonaws.com': 'sns',
  'events.amazonaws.com': 'eventbridge',
  'scheduler.amazonaws.com': 'schedule',
  'iot.amazonaws.com': 'iot',
  'ses.amazonaws.com': 'ses',
  'codecommit.amazonaws.com': 'codecommit',
  'config.amazonaws.com': 'config',
  'apigateway.amazonaws.com': 'http',
  'elasticloadbalancing.amazonaws.com': 'alb',
  'cognito-idp.amazonaws.com': 'cognito',
  'alexa-appkit.amazon.com': 'alexa',
  'alexa-connectedhome.amazon.com': 'alexa',
};

/** Connects everything in one file's resources to that file's functions. Run once per file, after all readers. */
export function linkTemplate(model: AppModel, file: string): void {
  const resources = new Map<string, Resource>();
  for (const r of model.resources) if (r.file === file) resources.set(r.logicalId, r);
  const functions = new Map<string, LambdaFunction>();
  for (const f of model.functions) if (f.file === file) functions.set(f.logicalId, f);
  // Versions and aliases stand for their function wherever a trigger names them.
  for (const r of resources.values()) {
    if (r.type !== 'AWS::Lambda::Alias' && r.type !== 'AWS::Lambda::Version') continue;
    const target = firstFunction(prop(r, 'FunctionName'), functions, resources);
    if (target) functions.set(r.logicalId, target);
  }
  // SAM `AutoPublishAlias`: the alias SAM generates (`<Function>Alias<name>`) stands for its function too.
  for (const f of model.functions) {
    if (f.file === file && f.platform === 'sam' && f.alias && !f.alias.resource && f.alias.name.value) functions.set(`${f.logicalId}Alias${f.alias.name.value.replace(/[^A-Za-z0-9]/g, '')}`, f);
  }
  const roles = new Map<string, Role>();
  for (const role of model.roles) roles.set(role.id, role);

  const ctx = templateContextOf(model, file, resources);
  for (const r of resources.values()) linkResource(r, { model, file, resources, functions, roles, ctx });
  linkApiStages(model, resources, ctx);
  linkAliases(resources, functions, ctx);
  // Triggers that name an alias or version (or `${Fn.Arn}:live`) invoke it rather than $LATEST.
  for (const f of new Set(functions.values())) {
    for (const t of f.events) {
      if (t.qualifier || !t.resource || t.resource.file !== file) continue;
      const q = qualifierOf(t.node, f, functions, resources) ?? qualifierOf(t.resource.node, f, functions, resources);
      if (q) t.qualifier = q;
    }
  }
  linkLogGroups(model, file, resources, functions.values());
  linkAlarms(model, file, resources, functions, ctx);
  for (const f of functions.values()) {
    if (f.role || !f.resource) continue;
    const roleNode = prop(f.resource, 'Role');
    for (const id of referencedIds(roleNode)) {
      const role = roles.get(roleId(file, id));
      if (role) f.role = role;
    }
  }
}

interface LinkContext {
  model: AppModel;
  file: string;
  resources: Map<string, Resource>;
  functions: Map<string, LambdaFunction>;
  roles: Map<string, Role>;
  ctx: TemplateContext;
}

/** Parameters and mappings of the file's template (a serverless.yml's `resources` block). */
function templateContextOf(model: AppModel, file: string, resources: Map<string, Resource>): TemplateContext {
  const doc = model.documents.find((d) => d.file === file);
  const root = doc?.platform === 'serverless' ? get(doc.root, 'resources') : doc?.root;
  const ctx = createContext(file, doc?.platform ?? 'cloudformation', root);
  for (const [id, r] of resources) ctx.resources.set(id, r);
  return ctx;
}

function firstFunction(v: Value | undefined, functions: Map<string, LambdaFunction>, resources?: Map<string, Resource>): LambdaFunction | undefined {
  for (const id of referencedIds(v)) {
    const f = functions.get(id);
    if (f) return f;
  }
  // A literal function name, e.g. `FunctionName: brand-api-prod-ingest`.
  const name = str(v);
  if (name && resources) {
    for (const f of functions.values()) if (f.resource && str(prop(f.resource, 'FunctionName')) === name) return f;
  }
  return undefined;
}

function addTrigger(fn: LambdaFunction, trigger: Trigger): void {
  if (trigger.resource && isDisabledTrigger(trigger.resource)) (fn.disabledEvents ??= []).push(trigger);
  else fn.events.push(trigger);
}

/** A rule or schedule with `State: DISABLED`, an event source mapping with `Enabled: false`: it invokes nothing. */
function isDisabledTrigger(r: Resource): boolean {
  return str(prop(r, 'State')) === 'DISABLED' || (r.type === 'AWS::Lambda::EventSourceMapping' && bool(prop(r, 'Enabled')) === false);
}

function linkResource(r: Resource, c: LinkContext): void {
  switch (r.type) {
    case 'AWS::Lambda::EventSourceMapping':
      return linkEventSourceMapping(r, c);
    case 'AWS::Lambda::Permission': {
      const fn = firstFunction(prop(r, 'FunctionName'), c.functions, c.resources);
      const principal = str(prop(r, 'Principal'));
      const type = principal ? PRINCIPAL_TRIGGERS[principal] : undefined;
      // API Gateway permissions are covered by the Method/Route that names the integration.
      if (fn && type && type !== 'http') addTrigger(fn, { type, loc: r.loc, node: r.node, resource: r });
      return;
    }
    case 'AWS::Lambda::EventInvokeConfig': {
      const fn = firstFunction(prop(r, 'FunctionName'), c.functions, c.resources);
      const onFailure = get(prop(r, 'DestinationConfig'), 'OnFailure', 'Destination');
      if (fn && onFailure) fn.asyncFailureTargets.push({ kind: 'event-invoke-config', loc: onFailure.loc });
      return;
    }
    case 'AWS::Lambda::Url': {
      const fn = firstFunction(prop(r, 'TargetFunctionArn'), c.functions, c.resources);
      if (!fn) return;
      const trigger: Trigger = { type: 'functionUrl', loc: r.loc, node: r.node, resource: r };
      const authType = urlAuthType(stringProp(prop(r, 'AuthType'), c.ctx));
      if (authType) trigger.authType = authType;
      addTrigger(fn, trigger);
      return;
    }
    case 'AWS::Events::Rule': {
      const scheduled = prop(r, 'ScheduleExpression') !== undefined;
      for (const target of items(prop(r, 'Targets'))) {
        const fn = firstFunction(get(target, 'Arn'), c.functions);
        if (fn) addTrigger(fn, { type: scheduled ? 'schedule' : 'eventbridge', loc: r.loc, node: r.node, resource: r });
      }
      return;
    }
    case 'AWS::Scheduler::Schedule': {
      const fn = firstFunction(get(prop(r, 'Target'), 'Arn'), c.functions);
      if (fn) addTrigger(fn, { type: 'schedule', loc: r.loc, node: r.node, resource: r });
      return;
    }
    case 'AWS::SNS::Subscription': {
      if (str(prop(r, 'Protocol')) !== 'lambda') return;
      const fn = firstFunction(prop(r, 'Endpoint'), c.functions);
      if (fn) addTrigger(fn, { type: 'sns', loc: r.loc, node: r.node, resource: r });
      return;
    }
    case 'AWS::SNS::Topic':
      for (const sub of items(prop(r, 'Subscription'))) {
        if (str(get(sub, 'Protocol')) !== 'lambda') continue;
        const fn = firstFunction(get(sub, 'Endpoint'), c.functions);
        if (fn) addTrigger(fn, { type: 'sns', loc: sub.loc, node: sub, resource: r });
      }
      return;
    case 'AWS::S3::Bucket':
      for (const cfg of items(get(prop(r, 'NotificationConfiguration'), 'LambdaConfigurations'))) {
        const fn = firstFunction(get(cfg, 'Function'), c.functions);
        if (fn) addTrigger(fn, { type: 's3', loc: cfg.loc, node: cfg, resource: r });
      }
      return;
    case 'AWS::Logs::SubscriptionFilter': {
      const fn = firstFunction(prop(r, 'DestinationArn'), c.functions);
      if (fn) addTrigger(fn, { type: 'cloudwatchLogs', loc: r.loc, node: r.node, resource: r });
      return;
    }
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
    case 'AWS::IAM::RolePolicy':
      return linkPolicy(r, c);
    case 'AWS::ApiGateway::Method':
      return linkRestMethod(r, c);
    case 'AWS::ApiGatewayV2::Route':
      return linkV2Route(r, c);
    case 'AWS::CloudFront::Distribution':
      return linkDistribution(r, c);
    default:
      return;
  }
}

/** Standalone policies add their statements to the roles they attach to (directly or by ARN). */
function linkPolicy(r: Resource, c: LinkContext): void {
  const statements = statementsOfDocument(prop(r, 'PolicyDocument'), c.ctx);
  const attached: Role[] = [];
  // `Roles` of a policy; `RoleName` of an `AWS::IAM::RolePolicy` (an inline policy of one role).
  for (const id of referencedIds(prop(r, r.type === 'AWS::IAM::RolePolicy' ? 'RoleName' : 'Roles'))) {
    const role = c.roles.get(roleId(c.file, id));
    if (role) attached.push(role);
  }
  if (r.type === 'AWS::IAM::ManagedPolicy') {
    for (const role of c.roles.values()) {
      if (role.resource?.file !== c.file || attached.includes(role)) continue;
      if (referencedIds(prop(role.resource, 'ManagedPolicyArns')).has(r.logicalId)) attached.push(role);
    }
  }
  for (const role of attached) role.statements.push(...statements);
  if (attached.length === 0) c.model.otherStatements.push(...statements);
}

function linkEventSourceMapping(r: Resource, c: LinkContext): void {
  const fn = firstFunction(prop(r, 'FunctionName'), c.functions, c.resources);
  if (!fn) return;
  const source = prop(r, 'EventSourceArn');
  let type: TriggerType = 'other';
  let sourceLogicalId: string | undefined;
  for (const id of referencedIds(source)) {
    const target = c.resources.get(id);
    if (!target) continue;
    sourceLogicalId = id;
    if (target.type === 'AWS::SQS::Queue') type = 'sqs';
    else if (target.type === 'AWS::Kinesis::Stream' || target.type === 'AWS::Kinesis::StreamConsumer') type = 'kinesis';
    else if (target.type === 'AWS::DynamoDB::Table' || target.type === 'AWS::DynamoDB::GlobalTable') type = 'dynamodbStream';
    else if (target.type === 'AWS::MSK::Cluster') type = 'kafka';
    else if (target.type === 'AWS::AmazonMQ::Broker') type = 'mq';
    else if (target.type === 'AWS::DocDB::DBCluster') type = 'documentdb';
  }
  if (type === 'other') type = triggerTypeFromArn(textOf(source)) ?? (prop(r, 'SelfManagedEventSource') ? 'kafka' : prop(r, 'Queues') ? 'mq' : 'other');
  const trigger: Trigger = { type, loc: r.loc, node: r.node, resource: r };
  if (sourceLogicalId) trigger.sourceLogicalId = sourceLogicalId;
  const onFailure = get(prop(r, 'DestinationConfig'), 'OnFailure', 'Destination');
  if (onFailure) trigger.onFailure = onFailure.loc;
  const maximumConcurrency = get(prop(r, 'ScalingConfig'), 'MaximumConcurrency');
  if (maximumConcurrency) trigger.maximumConcurrency = { value: num(maximumConcurrency), loc: maximumConcurrency.loc, node: maximumConcurrency };
  addTrigger(fn, trigger);
}

export function triggerTypeFromArn(arn: string): TriggerType | undefined {
  if (/arn:aws[\w-]*:sqs:/.test(arn)) return 'sqs';
  if (/arn:aws[\w-]*:kinesis:/.test(arn)) return 'kinesis';
  if (/arn:aws[\w-]*:dynamodb:.*\/stream\//.test(arn)) return 'dynamodbStream';
  if (/arn:aws[\w-]*:kafka:/.test(arn)) return 'kafka';
  if (/arn:aws[\w-]*:mq:/.test(arn)) return 'mq';
  if (/arn:aws[\w-]*:rds:.*:cluster:/.test(arn)) return 'documentdb';
  return undefined;
}

/** `AWS::ApiGateway::Method` whose integration invokes a function; the path comes from the resource chain. */
function linkRestMethod(r: Resource, c: LinkContext): void {
  const fn = firstFunction(get(prop(r, 'Integration'), 'Uri'), c.functions);
  if (!fn) return;
  const segments: string[] = [];
  let resourceNode = prop(r, 'ResourceId');
  for (let depth = 0; depth < 50; depth++) {
    const [id] = referencedIds(resourceNode);
    const res = id ? c.resources.get(id) : undefined;
    if (!res || res.type !== 'AWS::ApiGateway::Resource') break;
    segments.unshift(str(prop(res, 'PathPart')) ?? '?');
    resourceNode = prop(res, 'ParentId');
  }
  const method = prop(r, 'HttpMethod');
  const path = '/' + segments.join('/');
  // A non-proxy integration can invoke the function asynchronously (serverless `http: { async: true }`).
  const invocationType = str(get(prop(r, 'Integration'), 'RequestParameters', 'integration.request.header.X-Amz-Invocation-Type'));
  addTrigger(fn, {
    type: 'http',
    ...(invocationType === "'Event'" ? { invocation: 'async' as const } : {}),
    loc: r.loc,
    node: r.node,
    resource: r,
    path: { value: path, loc: r.loc, node: r.node },
    ...(method ? { method: { value: str(method), loc: method.loc, node: method } } : {}),
  });
}

function linkV2Route(r: Resource, c: LinkContext): void {
  const target = str(prop(r, 'Target')) ?? textOf(prop(r, 'Target'));
  const integrationIds = referencedIds(prop(r, 'Target'));
  const m = /integrations\/(\w+)/.exec(target);
  if (m) integrationIds.add(m[1]!);
  for (const id of integrationIds) {
    const integration = c.resources.get(id);
    if (!integration || integration.type !== 'AWS::ApiGatewayV2::Integration') continue;
    const fn = firstFunction(prop(integration, 'IntegrationUri'), c.functions);
    if (!fn) continue;
    const api = c.resources.get([...referencedIds(prop(r, 'ApiId'))][0] ?? '');
    const websocket = str(api ? prop(api, 'ProtocolType') : undefined) === 'WEBSOCKET';
    const routeKeyNode = prop(r, 'RouteKey');
    const routeKey = str(routeKeyNode) ?? '';
    const [method, path] = websocket ? [undefined, routeKey] : routeKey.includes(' ') ? routeKey.split(/\s+/, 2) : [undefined, routeKey];
    const trigger: Trigger = { type: websocket ? 'websocket' : 'httpApi', loc: r.loc, node: r.node, resource: r };
    if (routeKeyNode) trigger.path = { value: path, loc: routeKeyNode.loc, node: routeKeyNode };
    if (routeKeyNode && method) trigger.method = { value: method, loc: routeKeyNode.loc, node: routeKeyNode };
    // The integration, not the route, names what is invoked: the function, or an alias or version of it.
    const qualifier = qualifierOf(integration.node, fn, c.functions, c.resources);
    if (qualifier) trigger.qualifier = qualifier;
    addTrigger(fn, trigger);
  }
}

function linkDistribution(r: Resource, c: LinkContext): void {
  const config = prop(r, 'DistributionConfig');
  const origins = new Map<string, DistributionBehavior['target']>();
  for (const o of items(get(config, 'Origins'))) {
    const id = str(get(o, 'Id'));
    if (id) origins.set(id, originTarget(o, c));
  }
  const behaviors: DistributionBehavior[] = [];
  const def = get(config, 'DefaultCacheBehavior');
  for (const behavior of [def, ...items(get(config, 'CacheBehaviors'))]) linkEdgeFunctions(behavior, c);
  if (def) {
    const originId = str(get(def, 'TargetOriginId'));
    behaviors.push({ target: originId ? (origins.get(originId) ?? 'unknown') : 'unknown', loc: def.loc, isDefault: true });
  }
  for (const b of items(get(config, 'CacheBehaviors'))) {
    const originId = str(get(b, 'TargetOriginId'));
    const pattern = get(b, 'PathPattern');
    behaviors.push({
      target: originId ? (origins.get(originId) ?? 'unknown') : 'unknown',
      loc: b.loc,
      isDefault: false,
      ...(pattern ? { pathPattern: { value: str(pattern), loc: pattern.loc, node: pattern } } : {}),
    });
  }
  c.model.distributions.push({ resource: r, behaviors });
}

/** Lambda@Edge: each function a cache behaviour associates (usually through a version: `!Ref FnVersion`, `${Fn.Arn}:1`) gets a `cloudfront` trigger. */
function linkEdgeFunctions(behavior: Value | undefined, c: LinkContext): void {
  for (const association of items(get(behavior, 'LambdaFunctionAssociations'))) {
    const arn = get(association, 'LambdaFunctionARN');
    // SAM: `!Ref Fn.Version` names the version AutoPublishAlias publishes.
    const fn = firstFunction(arn, c.functions) ?? [...referencedIds(arn)].map((id) => c.functions.get(id.replace(/\.(?:Version|Alias)$/, ''))).find((f) => f !== undefined);
    if (fn) addTrigger(fn, { type: 'cloudfront', loc: association.loc, node: association });
  }
}

/** The APIs the Serverless Framework generates from `http`, `httpApi` and `websocket` events: no template declares them. */
const SERVERLESS_GENERATED_APIS = new Set(['ApiGatewayRestApi', 'HttpApi', 'WebsocketsApi']);

function originTarget(origin: Value, c: LinkContext): DistributionBehavior['target'] {
  const domain = get(origin, 'DomainName');
  const serverless = c.model.documents.find((d) => d.file === c.file)?.platform === 'serverless';
  for (const id of referencedIds(domain)) {
    if (serverless && !c.resources.has(id) && SERVERLESS_GENERATED_APIS.has(id)) return 'api-gateway';
    const t = c.resources.get(id)?.type;
    if (t === 'AWS::ApiGateway::RestApi' || t === 'AWS::ApiGatewayV2::Api' || t === 'AWS::Serverless::Api' || t === 'AWS::Serverless::HttpApi') return 'api-gateway';
    if (t === 'AWS::Lambda::Url') return 'function-url';
    if (t === 'AWS::S3::Bucket') return 's3';
  }
  const text = textOf(domain);
  if (/execute-api/.test(text)) return 'api-gateway';
  if (/lambda-url/.test(text)) return 'function-url';
  if (/\.s3[.-]/.test(text) || get(origin, 'S3OriginConfig')) return 's3';
  if (domain && (domain.kind === 'scalar' || text.length > 0)) return 'other';
  return 'unknown';
}


/** `AuthType` of a function URL, upper-cased so readers of every format agree. */
export function urlAuthType(p: Prop<string> | undefined): Prop<string> | undefined {
  return p ? { ...p, value: p.value?.toUpperCase() } : undefined;
}

/**
 * Installs `model.valuesOf`: the template value resolver (parameters, conditions, mappings) for rules
 * that read raw resource properties, so no rule re-implements parameter lookup. Contexts are built
 * once per file, on first use.
 */
export function installValueResolver(model: AppModel): void {
  const contexts = new Map<string, TemplateContext>();
  model.valuesOf = (file, value) => {
    let ctx = contexts.get(file);
    if (!ctx) {
      const resources = new Map<string, Resource>();
      for (const r of model.resources) if (r.file === file) resources.set(r.logicalId, r);
      ctx = templateContextOf(model, file, resources);
      contexts.set(file, ctx);
    }
    return resolveAll(value, ctx).map((r) => r.value);
  };
}
