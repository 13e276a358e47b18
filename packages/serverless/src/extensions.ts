import {
  get,
  isMap,
  items,
  num,
  str,
  type AppModel,
  type LambdaFunction,
  type Loc,
  type MapEntry,
  type MapValue,
  type Resource,
  type Role,
  type Value,
} from '@lambda-lint/core';
import { environmentOf, roleId, statementsOfDocument, tracingMode } from '@lambda-lint/cloudformation';

/**
 * Applies what the framework merges into generated resources after compiling them:
 * `resources.extensions` (`Properties` and `Metadata` merged key by key, as
 * `mergeCustomProviderResources` does) and entries of `resources.Resources` without a `Type`
 * (deep-merged into the generated resource of that logical id; applied key by key here), or
 * with a `Type` when the logical id is a generated function's (`generatedFunctions`).
 *
 * - A function (`BrandDashapiLambdaFunction`): the properties the model knows (`Timeout`,
 *   `MemorySize`, `Runtime`, `ReservedConcurrentExecutions`, `VpcConfig`, `Environment`,
 *   `DeadLetterConfig`, `TracingConfig.Mode`) replace the function's, located in the extension; and `fn.resource`
 *   becomes the extension itself (type `AWS::Lambda::Function`, `properties` = the merged-in
 *   properties), so rules can read what else it sets (`TracingConfig`, `LoggingConfig`, ...).
 * - A generated role (`IamRoleLambdaExecution`, per-function roles): `Policies` and
 *   `ManagedPolicyArns` replace its statements and managed policies.
 * - A resource of `resources.Resources`: its `properties`/`metadata` are merged.
 * - Any other generated resource (log groups, APIs): not in the model; the extension stays
 *   readable in the resolved document.
 */
export function applyExtensions(
  resources: Value | undefined,
  model: AppModel,
  file: string,
  byId: Map<string, Resource>,
  generatedFunctions: ReadonlySet<string> = new Set(),
): void {
  const overrides = mergeSection(resources, 'Resources').filter((e) => isMap(e.value) && (get(e.value, 'Type') === undefined || generatedFunctions.has(e.key)));
  for (const e of [...overrides, ...mergeSection(resources, 'extensions')]) {
    if (!isMap(e.value)) continue;
    const props = get(e.value, 'Properties');
    const metadata = get(e.value, 'Metadata');
    const resource = byId.get(e.key);
    if (resource) {
      const merged = mergeMaps(resource.properties, props);
      if (merged) resource.properties = merged;
      const meta = mergeMaps(resource.metadata, metadata);
      if (meta) resource.metadata = meta;
    }
    const fn = model.functions.find((f) => f.file === file && f.logicalId === e.key);
    if (fn) applyToFunction(fn, e, props, metadata, file);
    const role = model.roles.find((r) => r.id === roleId(file, e.key));
    if (role && isMap(props)) applyToRole(role, props);
  }
}

function applyToFunction(fn: LambdaFunction, e: MapEntry, props: Value | undefined, metadata: Value | undefined, file: string): void {
  if (!fn.resource) {
    fn.resource = {
      logicalId: e.key,
      type: 'AWS::Lambda::Function',
      loc: e.keyLoc,
      properties: isMap(props) ? props : undefined,
      metadata: isMap(metadata) ? metadata : undefined,
      node: e.value as MapValue,
      file,
      platform: 'serverless',
    };
  } else if (fn.resource.platform === 'serverless' && fn.resource.file === file && fn.resource.logicalId === e.key && fn.resource.node !== e.value) {
    // A second extension of the same function (an override in `Resources` and an extension).
    const merged = mergeMaps(fn.resource.properties, props);
    if (merged) fn.resource.properties = merged;
  }
  if (!isMap(props)) return;
  for (const p of props.entries) {
    const v = p.value;
    switch (p.key) {
      case 'Timeout':
        fn.timeout = { value: num(v), loc: v.loc, node: v };
        break;
      case 'MemorySize':
        fn.memorySize = { value: num(v), loc: v.loc, node: v };
        break;
      case 'Runtime':
        fn.runtime = { value: str(v), loc: v.loc, node: v };
        break;
      case 'ReservedConcurrentExecutions':
        fn.reservedConcurrency = { value: num(v), loc: v.loc, node: v };
        break;
      case 'TracingConfig': {
        const mode = get(v, 'Mode');
        if (mode) fn.tracing = { value: tracingMode(mode), loc: mode.loc, node: mode };
        break;
      }
      case 'VpcConfig':
        fn.vpc = { value: v.kind === 'unknown' ? undefined : v, loc: v.loc, node: v };
        break;
      case 'Environment':
        fn.environment = environmentOf(get(v, 'Variables'));
        break;
      case 'DeadLetterConfig': {
        // The framework compiles `onError` into this property: the extension replaces it.
        fn.asyncFailureTargets = fn.asyncFailureTargets.filter((t) => t.kind !== 'dead-letter-queue');
        const target = get(v, 'TargetArn');
        if (target) fn.asyncFailureTargets.push({ kind: 'dead-letter-queue', loc: target.loc });
        break;
      }
      default:
        break;
    }
  }
}

function applyToRole(role: Role, props: MapValue): void {
  const policies = get(props, 'Policies');
  if (policies) role.statements = items(policies).flatMap((p) => statementsOfDocument(get(p, 'PolicyDocument')));
  const managed = get(props, 'ManagedPolicyArns');
  if (managed) role.managedPolicies = items(managed).map((node) => ({ value: str(node), loc: node.loc, node }));
}

/** The entries of `key` across the parts of `resources` (one map or a list of maps), later parts winning. */
function mergeSection(resources: Value | undefined, key: string): MapEntry[] {
  const entries: MapEntry[] = [];
  for (const part of resources?.kind === 'seq' ? resources.items : resources ? [resources] : []) {
    const section = get(part, key);
    if (!isMap(section)) continue;
    for (const e of section.entries) {
      const i = entries.findIndex((x) => x.key === e.key);
      if (i >= 0) entries.splice(i, 1);
      entries.push(e);
    }
  }
  return entries;
}

/** `base` with the entries of `ext` replacing the same keys (a shallow merge, as `Object.assign`). */
function mergeMaps(base: MapValue | undefined, ext: Value | undefined): MapValue | undefined {
  if (!isMap(ext)) return undefined;
  if (!base) return ext;
  const keys = new Set(ext.entries.map((e) => e.key));
  const loc: Loc = base.loc;
  return { kind: 'map', entries: [...base.entries.filter((e) => !keys.has(e.key)), ...ext.entries], loc };
}
