import {
  entry,
  get,
  isMap,
  str,
  type AppModel,
  type LambdaFunction,
  type MapValue,
  type Resource,
  type Role,
  type Trigger,
  type Value,
} from '@lambda-lint/core';
import {
  booleanProp,
  createContext,
  deploymentStrategy,
  environmentOf,
  esbuildEntryPoint,
  handlerRef,
  isSourceDirectory,
  joinPath,
  numberProp,
  readResources,
  stateMachineFromResource,
  stringProp,
  urlAuthType,
  tracingModeProp,
  type FileAccess,
  type TemplateContext,
} from '@lambda-lint/cloudformation';
import type { ParsedSource } from '@lambda-lint/source';
import { implicitApis, inherited, samHttpApi, samRestApi } from './apis.js';
import { samEvents } from './events.js';
import { mergeGlobals } from './globals.js';
import { samPoliciesRole } from './policies.js';

export { mergeGlobals } from './globals.js';
export { SAM_EVENT_TYPES, samEvents, samEventType } from './events.js';
export { expandPolicyTemplate, samPoliciesRole } from './policies.js';
export { POLICY_TEMPLATES, type PolicyTemplate, type PolicyTemplateStatement } from './data/policy-templates.js';

export interface ReadSamOptions {
  /** Text of a file the template points to (`DefinitionUri`); undefined when it cannot be read. */
  readFile(absPath: string): string | undefined;
  /** Absolute project root: nothing outside it is read. */
  root: string;
}

/**
 * Reads an AWS SAM template: plain resources as CloudFormation; `AWS::Serverless::Function`,
 * `Api`, `HttpApi` and `StateMachine` with their `Globals` merged; the APIs SAM creates from events.
 * `options` lets it read local `DefinitionUri` files (inside the project root only).
 */
export function readSam(parsed: ParsedSource, model: AppModel, options?: ReadSamOptions): void {
  if (!parsed.root) return;
  const file = parsed.file;
  const source = { text: parsed.text, lineStarts: parsed.lineStarts };
  const files: FileAccess | undefined = options ? { readFile: (p) => options.readFile(p), root: options.root } : undefined;
  model.documents.push({ file, platform: 'sam', root: parsed.root });
  const resources = readResources(get(parsed.root, 'Resources'), model, {
    file,
    platform: 'sam',
    root: parsed.root,
    source,
    ...(files ? { files } : {}),
  });
  const ctx = createContext(file, 'sam', parsed.root);
  for (const r of resources) ctx.resources.set(r.logicalId, r);
  const globals = get(parsed.root, 'Globals');
  const merged = (r: Resource, section: string, fromGlobals: Set<Value>) => mergeGlobals(get(globals, section), r.properties, fromGlobals);
  const apiEvents: Trigger[] = [];
  for (const r of resources) {
    const fromGlobals = new Set<Value>();
    switch (r.type) {
      case 'AWS::Serverless::Function': {
        const { fn, role } = samFunction(r, merged(r, 'Function', fromGlobals), fromGlobals, ctx);
        model.functions.push(fn);
        apiEvents.push(...fn.events);
        if (role) {
          // The generated role is the function's execution role.
          fn.role = role;
          model.roles.push(role);
        }
        break;
      }
      case 'AWS::Serverless::Api':
        model.apis.push(samRestApi(identity(r), merged(r, 'Api', fromGlobals), fromGlobals, ctx));
        break;
      case 'AWS::Serverless::HttpApi':
        model.apis.push(samHttpApi(identity(r), merged(r, 'HttpApi', fromGlobals), fromGlobals, ctx));
        break;
      case 'AWS::Serverless::StateMachine': {
        const sm = stateMachineFromResource(r, merged(r, 'StateMachine', fromGlobals), model, ctx, { source, files });
        inherited(sm.tracing, fromGlobals);
        inherited(sm.type, fromGlobals);
        model.stateMachines.push(sm);
        break;
      }
      default:
        break;
    }
  }
  model.apis.push(...implicitApis(file, apiEvents, globals, ctx));
}

function identity(r: Resource) {
  return { id: `${r.file}#${r.logicalId}`, name: r.constructPath ?? r.logicalId, file: r.file, loc: r.loc, resource: r };
}

function samFunction(r: Resource, props: MapValue | undefined, fromGlobals: Set<Value>, ctx: TemplateContext): { fn: LambdaFunction; role?: Role } {
  const p = (key: string) => get(props, key);
  const disabled: Trigger[] = [];
  const fn: LambdaFunction = {
    id: `${r.file}#${r.logicalId}`,
    name: r.constructPath ?? r.logicalId,
    logicalId: r.logicalId,
    platform: 'sam',
    file: r.file,
    loc: r.loc,
    node: r.node,
    resource: r,
    events: samEvents(p('Events'), ctx, disabled),
    asyncFailureTargets: [],
    environment: [],
  };
  if (disabled.length > 0) fn.disabledEvents = disabled;
  const runtime = inherited(stringProp(p('Runtime'), ctx), fromGlobals);
  if (runtime) fn.runtime = runtime;
  const memory = inherited(numberProp(p('MemorySize'), ctx), fromGlobals);
  if (memory) fn.memorySize = memory;
  const timeout = inherited(numberProp(p('Timeout'), ctx), fromGlobals);
  if (timeout) fn.timeout = timeout;
  const logGroupName = inherited(stringProp(get(p('LoggingConfig'), 'LogGroup'), ctx), fromGlobals);
  if (logGroupName) fn.logGroupName = logGroupName;
  const logFormat = inherited(stringProp(get(p('LoggingConfig'), 'LogFormat'), ctx), fromGlobals);
  if (logFormat) fn.logFormat = logFormat;
  const reserved = inherited(numberProp(p('ReservedConcurrentExecutions'), ctx), fromGlobals);
  if (reserved) fn.reservedConcurrency = reserved;
  const tracing = inherited(tracingModeProp(p('Tracing'), ctx), fromGlobals);
  if (tracing) fn.tracing = tracing;
  const vars = get(p('Environment'), 'Variables');
  if (isMap(vars)) {
    for (const v of vars.entries) {
      fn.environment.push(...environmentOf({ kind: 'map', entries: [v], loc: vars.loc }, fromGlobals.has(v.value) || fromGlobals.has(vars) ? 'globals' : undefined, ctx));
    }
  }
  const vpc = p('VpcConfig');
  if (vpc) fn.vpc = { value: vpc, loc: vpc.loc, node: vpc };
  const dlq = p('DeadLetterQueue');
  if (dlq && get(dlq, 'TargetArn')) fn.asyncFailureTargets.push({ kind: 'dead-letter-queue', loc: dlq.loc });
  const onFailure = get(p('EventInvokeConfig'), 'DestinationConfig', 'OnFailure');
  if (onFailure && (get(onFailure, 'Destination') || str(get(onFailure, 'Type')) === 'SQS' || str(get(onFailure, 'Type')) === 'SNS')) {
    fn.asyncFailureTargets.push({ kind: 'event-invoke-config', loc: onFailure.loc });
  }
  const urlConfig = entry(props, 'FunctionUrlConfig');
  if (urlConfig) {
    const trigger: Trigger = { type: 'functionUrl', loc: urlConfig.keyLoc, node: urlConfig.value };
    const authType = urlAuthType(stringProp(get(urlConfig.value, 'AuthType'), ctx));
    if (authType) trigger.authType = authType;
    fn.events.push(trigger);
  }
  readDeployment(fn, props, fromGlobals, ctx);

  const handlerNode = p('Handler');
  const handler = str(handlerNode);
  const codeUriNode = p('CodeUri');
  const codeUri = str(codeUriNode);
  // Code in S3 (`{ Bucket, Key }`, `s3://...`), a built archive or a computed location: no source here to read.
  const sourceHere = codeUri !== undefined ? isSourceDirectory(codeUri) : codeUriNode === undefined;
  if (handler && handlerNode && sourceHere && (codeUri !== undefined || p('InlineCode') === undefined)) {
    const ref = handlerRef(joinPath(ctx.dir, codeUri ?? '.'), handler, handlerNode.loc, esbuildEntryPoint(r));
    if (ref) fn.handler = ref;
  }
  if (p('Role') !== undefined) return { fn };
  return { fn, role: samPoliciesRole(r, p('Policies'), ctx) };
}

/**
 * `AutoPublishAlias` (SAM publishes a version on every change and points the alias and every event
 * source at it) and `DeploymentPreference` (CodeDeploy shifts traffic to the new version).
 */
function readDeployment(fn: LambdaFunction, props: MapValue | undefined, fromGlobals: Set<Value>, ctx: TemplateContext): void {
  const aliasEntry = entry(props, 'AutoPublishAlias');
  const aliasName = aliasEntry ? inherited(stringProp(aliasEntry.value, ctx), fromGlobals) : undefined;
  if (aliasEntry && aliasName) {
    fn.alias = { name: aliasName, loc: aliasEntry.keyLoc };
    const qualifier: Trigger['qualifier'] =
      aliasName.value !== undefined ? { kind: 'alias', logicalId: `${fn.logicalId}Alias${aliasName.value.replace(/[^A-Za-z0-9]/g, '')}` } : { kind: 'alias' };
    for (const t of fn.events) t.qualifier = qualifier;
  }
  const preference = entry(props, 'DeploymentPreference');
  if (!preference || !isMap(preference.value)) return;
  const d = preference.value;
  const deployment: NonNullable<LambdaFunction['deployment']> = { alarms: [], loc: preference.keyLoc };
  const type = inherited(stringProp(get(d, 'Type'), ctx), fromGlobals);
  if (type) {
    deployment.type = type;
    const strategy = deploymentStrategy(type.value);
    if (strategy) deployment.strategy = strategy;
  }
  const alarms = get(d, 'Alarms');
  if (alarms?.kind === 'seq') {
    for (const a of alarms.items) deployment.alarms.push(inherited(stringProp(a, ctx), fromGlobals)!);
  } else if (alarms) {
    deployment.alarms.push(inherited(stringProp(alarms, ctx), fromGlobals)!);
  }
  const enabled = inherited(booleanProp(get(d, 'Enabled'), ctx), fromGlobals);
  if (enabled) deployment.enabled = enabled;
  fn.deployment = deployment;
}
