import {
  entry,
  get,
  intrinsic,
  isMap,
  items,
  str,
  type AppModel,
  type LambdaFunction,
  type MapValue,
  type Prop,
  type Resource,
  type Role,
  type Value,
} from '@lambda-lint/core';
import {
  createContext,
  environmentOf,
  esbuildEntryPoint,
  handlerRef,
  joinPath,
  numberProp,
  parseStatements,
  readResources,
  roleId,
  stringProp,
  type TemplateContext,
} from '@lambda-lint/cloudformation';
import type { ParsedSource } from '@lambda-lint/source';
import { samEvents } from './events.js';
import { mergeGlobals } from './globals.js';

export { mergeGlobals } from './globals.js';
export { samEvents } from './events.js';

/** Reads an AWS SAM template: plain resources as CloudFormation, `AWS::Serverless::Function` with `Globals` merged. */
export function readSam(parsed: ParsedSource, model: AppModel): void {
  if (!parsed.root) return;
  const file = parsed.file;
  model.documents.push({ file, platform: 'sam', root: parsed.root });
  const resources = readResources(get(parsed.root, 'Resources'), model, { file, platform: 'sam', root: parsed.root });
  const ctx = createContext(file, 'sam', parsed.root);
  for (const r of resources) ctx.resources.set(r.logicalId, r);
  const globals = get(parsed.root, 'Globals', 'Function');
  for (const r of resources) {
    if (r.type !== 'AWS::Serverless::Function') continue;
    const fromGlobals = new Set<Value>();
    const props = mergeGlobals(globals, r.properties, fromGlobals);
    const { fn, role } = samFunction(r, props, fromGlobals, ctx);
    model.functions.push(fn);
    if (role) {
      // The generated role is the function's execution role.
      fn.role = role;
      model.roles.push(role);
    }
  }
}

function inherited<T>(p: Prop<T> | undefined, fromGlobals: Set<Value>): Prop<T> | undefined {
  if (p && fromGlobals.has(p.node)) p.inheritedFrom = 'globals';
  return p;
}

function samFunction(r: Resource, props: MapValue | undefined, fromGlobals: Set<Value>, ctx: TemplateContext): { fn: LambdaFunction; role?: Role } {
  const p = (key: string) => get(props, key);
  const fn: LambdaFunction = {
    id: `${r.file}#${r.logicalId}`,
    name: r.constructPath ?? r.logicalId,
    logicalId: r.logicalId,
    platform: 'sam',
    file: r.file,
    loc: r.loc,
    node: r.node,
    resource: r,
    events: samEvents(p('Events')),
    asyncFailureTargets: [],
    environment: [],
  };
  const runtime = inherited(stringProp(p('Runtime'), ctx), fromGlobals);
  if (runtime) fn.runtime = runtime;
  const memory = inherited(numberProp(p('MemorySize'), ctx), fromGlobals);
  if (memory) fn.memorySize = memory;
  const timeout = inherited(numberProp(p('Timeout'), ctx), fromGlobals);
  if (timeout) fn.timeout = timeout;
  const vars = get(p('Environment'), 'Variables');
  if (isMap(vars)) {
    for (const v of vars.entries) {
      fn.environment.push(...environmentOf({ kind: 'map', entries: [v], loc: vars.loc }, fromGlobals.has(v.value) || fromGlobals.has(vars) ? 'globals' : undefined));
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
  if (urlConfig) fn.events.push({ type: 'functionUrl', loc: urlConfig.keyLoc, node: urlConfig.value });

  const handlerNode = p('Handler');
  const handler = str(handlerNode);
  const codeUri = str(p('CodeUri'));
  if (handler && handlerNode && (codeUri !== undefined || p('InlineCode') === undefined)) {
    const ref = handlerRef(joinPath(ctx.dir, codeUri ?? '.'), handler, handlerNode.loc, esbuildEntryPoint(r));
    if (ref) fn.handler = ref;
  }
  if (p('Role') !== undefined) return { fn };
  return { fn, role: samPoliciesRole(r, p('Policies')) };
}

/** The role SAM generates from `Policies`: inline statements, managed policy names/ARNs and policy templates. */
function samPoliciesRole(r: Resource, policies: Value | undefined): Role {
  const role: Role = { id: roleId(r.file, `${r.logicalId}Role`), loc: policies?.loc ?? r.loc, statements: [], managedPolicies: [], resource: r };
  for (const policy of items(policies)) {
    const name = str(policy);
    if (name !== undefined) {
      role.managedPolicies.push({ value: name, loc: policy.loc, node: policy });
      continue;
    }
    if (!isMap(policy)) continue;
    // `!Sub arn:${AWS::Partition}:iam::aws:policy/X`, `!Ref CustomerPolicy`: an ARN only known as an expression.
    if (intrinsic(policy)) {
      role.managedPolicies.push({ value: undefined, loc: policy.loc, node: policy });
      continue;
    }
    if (entry(policy, 'Statement')) {
      role.statements.push(...parseStatements(get(policy, 'Statement')));
      continue;
    }
    // A policy template (`DynamoDBCrudPolicy: {TableName: ...}`) is recorded by name: it is scoped by design.
    const only = policy.entries.length === 1 ? policy.entries[0] : undefined;
    if (only) role.managedPolicies.push({ value: `template:${only.key}`, loc: only.keyLoc, node: only.value });
  }
  return role;
}
