/**
 * `sls package` output: `.serverless/cloudformation-template-update-stack.json`, the
 * CloudFormation the framework compiled from `serverless.yml` (and its plugins).
 *
 * Two ways to read it (the README explains the choice):
 * - {@link mergeServerlessPackage}: the service's `serverless.yml` is part of the run. The
 *   configuration is the model; the package output only fills in what cannot be known offline.
 * - {@link readServerlessPackage}: the package output is linted on its own, as CloudFormation.
 *   When the service's configuration can be read, its positions replace the JSON's wherever the
 *   framework generated something from it.
 */
import {
  emptyModel,
  entry,
  get,
  intrinsic,
  isMap,
  items,
  str,
  type AppModel,
  type LambdaFunction,
  type Loc,
  type MapEntry,
  type MapValue,
  type Prop,
  type Resource,
  type Role,
  type Trigger,
  type Value,
} from '@lambda-lint/core';
import type { ParsedSource } from '@lambda-lint/source';
import { createContext, handlerRef, numberProp, readResources, referencedIds, resourcesFrom, stringProp, type TemplateContext } from '@lambda-lint/cloudformation';
import {
  apiGatewayMethodLogicalId,
  httpApiRouteLogicalId,
  isFrameworkHelperFunction,
  normalizeNameToLogicalId,
  scheduleRuleLogicalId,
} from './naming.js';
import { readServerless, type ServerlessReadOptions } from './read.js';

/** The file `sls package` writes into `.serverless/`: the only one of that folder that is read. */
export const PACKAGE_OUTPUT_FILE = 'cloudformation-template-update-stack.json';

/** Configuration file names of a service, in the order the framework looks for them. */
export const SERVERLESS_CONFIG_NAMES = [
  'serverless.yml',
  'serverless.yaml',
  'serverless.json',
  'serverless.js',
  'serverless.mjs',
  'serverless.cjs',
  'serverless.ts',
  'serverless.mts',
  'serverless.cts',
] as const;

export function isPackageOutput(file: string): boolean {
  return file.endsWith(`/.serverless/${PACKAGE_OUTPUT_FILE}`) || file === `.serverless/${PACKAGE_OUTPUT_FILE}`;
}

/** The service directory of a package output: the folder holding `.serverless/`. */
export function serviceDirOfPackage(file: string): string {
  const dotServerless = file.slice(0, file.lastIndexOf('/'));
  return dotServerless.slice(0, dotServerless.lastIndexOf('/')) || '/';
}

// ---------------------------------------------------------------------------------------------
// serverless.yml in the run: the configuration is the model, the package output fills gaps.

/**
 * Fills what the configuration in `configFile` (already read into `model`) cannot tell offline from
 * the package output: a function setting that is a deploy-time value (`timeout: ${ssm:...}`, a
 * definition from `${file(./fn.js)}`) takes the value `sls package` resolved, still located in
 * serverless.yml; the runtime the framework defaulted to when none is configured; a handler that is
 * a variable. Secrets (environment values) are never copied: deploy-time they stay. Nothing of the
 * package output is added to the model otherwise, so nothing is reported twice.
 */
export function mergeServerlessPackage(parsed: ParsedSource, model: AppModel, configFile: string): void {
  if (!isMap(parsed.root)) return;
  const ctx = createContext(parsed.file, 'cloudformation', parsed.root);
  const byId = new Map(resourcesFrom(get(parsed.root, 'Resources'), ctx).map((r) => [r.logicalId, r]));
  const serviceDir = configFile.slice(0, configFile.lastIndexOf('/')) || '/';
  for (const fn of model.functions) {
    if (fn.file !== configFile || fn.platform !== 'serverless') continue;
    const r = byId.get(fn.logicalId);
    if (!r || r.type !== 'AWS::Lambda::Function') continue;
    fillNumber(fn.timeout, r, 'Timeout', ctx);
    fillNumber(fn.memorySize, r, 'MemorySize', ctx);
    fillNumber(fn.reservedConcurrency, r, 'ReservedConcurrentExecutions', ctx);
    const runtime = stringProp(get(r.properties, 'Runtime'), ctx)?.value;
    if (fn.runtime && fn.runtime.value === undefined && runtime !== undefined) fn.runtime.value = runtime;
    else if (!fn.runtime && runtime !== undefined) {
      // The framework's default runtime depends on its version; the package output knows which it was.
      fn.runtime = { value: runtime, loc: fn.loc, node: fn.node };
    }
    if (fn.runtime?.value !== undefined && !/^nodejs/i.test(fn.runtime.value)) {
      // The code rules read JavaScript and TypeScript only.
      delete fn.handler;
      delete fn.handlerUnknown;
    } else if (fn.handlerUnknown && !fn.handler) {
      const handler = str(get(r.properties, 'Handler'));
      const ref = handler !== undefined ? handlerRef(serviceDir, handler, fn.handlerUnknown) : undefined;
      if (ref) {
        fn.handler = ref;
        delete fn.handlerUnknown;
      }
    }
    const vpc = get(r.properties, 'VpcConfig');
    if (fn.vpc && fn.vpc.value === undefined && isMap(vpc)) fn.vpc.value = vpc;
  }
}

function fillNumber(p: Prop<number> | undefined, r: Resource, key: string, ctx: TemplateContext): void {
  if (!p || p.value !== undefined) return;
  const packaged = numberProp(get(r.properties, key), ctx)?.value;
  if (packaged !== undefined) p.value = packaged;
}

// ---------------------------------------------------------------------------------------------
// The package output on its own.

export interface PackageReadOptions extends ServerlessReadOptions {
  /** The service's configuration (`serverless.yml`, `.ts`, ...) parsed, when it can be read: its positions are used. */
  config?: ParsedSource;
}

/**
 * Reads a package output as CloudFormation. With the service's configuration, what the framework
 * generated from it is located there: a function (`XLambdaFunction`) at its key, its settings at the
 * setting (the function's or the provider's), its events' mappings, rules and API methods at the
 * event, its role's statements at the statement, resources copied from `resources` (and their
 * `extensions`) at their place in serverless.yml. Such a function is a serverless function again
 * (the framework's 6 s / 1024 MB defaults, written into the JSON, count as unset). Anything else
 * stays in the JSON. The framework's own helper functions (custom resources) are not linted.
 */
export function readServerlessPackage(parsed: ParsedSource, model: AppModel, opts: PackageReadOptions): void {
  if (!parsed.root) return;
  const serviceDir = serviceDirOfPackage(parsed.file);
  let source: ConfigIndex | undefined;
  let scratch: AppModel | undefined;
  if (opts.config?.root) {
    scratch = emptyModel(opts.root);
    readServerless(opts.config, scratch, opts);
    source = indexConfig(scratch, opts.config.file);
  }
  const root = source ? relocateTemplate(parsed.root, source) : parsed.root;
  const before = new Set(model.functions);
  model.documents.push({ file: parsed.file, platform: 'cloudformation', root });
  readResources(get(root, 'Resources'), model, {
    file: parsed.file,
    platform: 'cloudformation',
    root,
    // The JSON text locates what is inside strings (`DefinitionString`), unless positions were moved out of it.
    ...(source ? {} : { source: { text: parsed.text, lineStarts: parsed.lineStarts } }),
    files: { readFile: opts.readFile, root: opts.root },
  });
  if (scratch) restStageSettingsFromConfig(model, parsed.file, scratch);
  const added = model.functions.filter((f) => !before.has(f));
  model.functions = model.functions.filter((f) => before.has(f) || !isFrameworkHelperFunction(f.logicalId));
  for (const fn of added) {
    if (isFrameworkHelperFunction(fn.logicalId)) continue;
    const origin = source?.functions.get(fn.logicalId);
    rebaseHandler(fn, serviceDir, origin === undefined);
    if (origin) asServerlessFunction(fn, origin);
  }
}

/**
 * The framework applies the REST stage's `provider.logs.restApi` with API calls after deploying, not in
 * the template: the packaged `ApiGatewayDeployment...` (which names the stage) gets the access log
 * setting the configuration asks for, as `StageDescription.AccessLogSetting` located in the configuration.
 */
function restStageSettingsFromConfig(model: AppModel, file: string, config: AppModel): void {
  const log = config.apis.find((a) => a.implicit && a.kind === 'rest')?.accessLog;
  if (!log?.format) return;
  const format: Value = log.format.value !== undefined ? { kind: 'scalar', value: log.format.value, loc: log.format.loc } : log.format.node;
  for (const r of model.resources) {
    const props = r.properties;
    if (r.file !== file || r.type !== 'AWS::ApiGateway::Deployment' || !props || get(props, 'StageName') === undefined) continue;
    if (!referencedIds(get(props, 'RestApiId')).has('ApiGatewayRestApi') || get(props, 'StageDescription', 'AccessLogSetting')) continue;
    const description = get(props, 'StageDescription');
    const setting: MapValue = { kind: 'map', loc: log.loc, entries: [{ key: 'Format', keyLoc: log.format.loc, value: format }] };
    const entries = [...(isMap(description) ? description.entries : []), { key: 'AccessLogSetting', keyLoc: log.loc, value: setting }];
    r.properties = {
      ...props,
      entries: [...props.entries.filter((e) => e.key !== 'StageDescription'), { key: 'StageDescription', keyLoc: log.loc, value: { kind: 'map', loc: log.loc, entries } }],
    };
  }
}

/** The handler of a packaged function names a file of the service, not of `.serverless/`. */
function rebaseHandler(fn: LambdaFunction, serviceDir: string, optional: boolean): void {
  const node = fn.resource ? get(fn.resource.properties, 'Handler') : undefined;
  const handler = str(node);
  if (!fn.handler || handler === undefined || !node) return;
  const ref = handlerRef(serviceDir, handler, node.loc);
  if (!ref) return;
  if (optional) ref.optional = true;
  fn.handler = ref;
}

function asServerlessFunction(fn: LambdaFunction, origin: LambdaFunction): void {
  fn.platform = 'serverless';
  fn.name = origin.name;
  fn.node = origin.node;
  // The framework always writes Timeout and MemorySize; unless configured, they are its defaults.
  if (origin.timeout) {
    if (fn.timeout && origin.timeout.inheritedFrom) fn.timeout.inheritedFrom = origin.timeout.inheritedFrom;
  } else delete fn.timeout;
  if (origin.memorySize) {
    if (fn.memorySize && origin.memorySize.inheritedFrom) fn.memorySize.inheritedFrom = origin.memorySize.inheritedFrom;
  } else delete fn.memorySize;
  if (origin.runtime?.inheritedFrom && fn.runtime) fn.runtime.inheritedFrom = origin.runtime.inheritedFrom;
  const inherited = new Map(origin.environment.map((v) => [v.name, v.inheritedFrom]));
  for (const v of fn.environment) {
    const from = inherited.get(v.name);
    if (from) v.inheritedFrom = from;
  }
}

// ---------------------------------------------------------------------------------------------
// Where generated resources came from

interface ConfigIndex {
  file: string;
  /** By generated logical id. */
  functions: Map<string, LambdaFunction>;
  /** Resources of `resources.Resources`, by logical id. */
  resources: Map<string, Resource>;
  /** Generated roles (provider, per function), by logical id. */
  roles: Map<string, Role>;
  /** `resources.extensions` and `Type`-less `resources.Resources` entries, by logical id. */
  extensions: Map<string, MapEntry>;
  /** Generated ids of event resources (`ApiGatewayMethodBrandsGet`, `WorkerEventsRuleSchedule1`) -> the event. */
  events: Map<string, Trigger>;
  /** Normalized function names, longest first, for resources named after their function. */
  prefixes: { prefix: string; fn: LambdaFunction }[];
}

function indexConfig(scratch: AppModel, file: string): ConfigIndex {
  const functions = new Map<string, LambdaFunction>();
  const events = new Map<string, Trigger>();
  for (const fn of scratch.functions) {
    if (fn.file !== file) continue;
    functions.set(fn.logicalId, fn);
    let schedules = 0;
    for (const t of fn.events) {
      const path = t.path?.value;
      const method = t.method?.value;
      if (t.type === 'http' && path !== undefined && method !== undefined) {
        events.set(apiGatewayMethodLogicalId(path, method === '*' ? 'any' : method), t);
      } else if (t.type === 'httpApi' && path !== undefined && method !== undefined) {
        const routeKey = method === '*' && path === '*' ? '*' : `${method === '*' ? 'ANY' : method.toUpperCase()} ${path}`;
        events.set(httpApiRouteLogicalId(routeKey), t);
      } else if (t.type === 'schedule') {
        events.set(scheduleRuleLogicalId(fn.name, ++schedules), t);
      }
    }
  }
  const resources = new Map<string, Resource>();
  for (const r of scratch.resources) if (r.file === file) resources.set(r.logicalId, r);
  const roles = new Map<string, Role>();
  for (const role of scratch.roles) {
    if (role.resource || !role.id.startsWith(`${file}#`)) continue;
    roles.set(role.id.slice(file.length + 1), role);
  }
  const extensions = new Map<string, MapEntry>();
  const doc = scratch.documents.find((d) => d.file === file)?.root;
  const res = get(doc, 'resources');
  for (const part of res?.kind === 'seq' ? res.items : res ? [res] : []) {
    for (const e of entriesOf(get(part, 'Resources'))) if (isMap(e.value) && get(e.value, 'Type') === undefined) extensions.set(e.key, e);
    for (const e of entriesOf(get(part, 'extensions'))) extensions.set(e.key, e);
  }
  const prefixes = [...functions.values()]
    .map((fn) => ({ prefix: normalizeNameToLogicalId(fn.name), fn }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return { file, functions, resources, roles, extensions, events, prefixes };
}

function entriesOf(v: Value | undefined): MapEntry[] {
  return isMap(v) ? v.entries : [];
}

/** The package output's tree with positions moved to serverless.yml wherever the framework generated from it. */
function relocateTemplate(root: Value, source: ConfigIndex): Value {
  if (!isMap(root)) return root;
  const resourcesEntry = entry(root, 'Resources');
  if (!resourcesEntry || !isMap(resourcesEntry.value)) return root;
  const mappings = mappingOrigins(resourcesEntry.value, source);
  const relocated: MapValue = {
    ...resourcesEntry.value,
    entries: resourcesEntry.value.entries.map((e) => relocateResource(e, source, mappings.get(e.key))),
  };
  return { ...root, entries: root.entries.map((e) => (e === resourcesEntry ? { ...e, value: relocated } : e)) };
}

/** Event source mappings of a function, in the order its events list them (the framework compiles them in that order). */
function mappingOrigins(resources: MapValue, source: ConfigIndex): Map<string, Trigger> {
  const out = new Map<string, Trigger>();
  const queues = new Map<LambdaFunction, Trigger[]>();
  for (const fn of source.functions.values()) {
    queues.set(fn, fn.events.filter((t) => t.type === 'sqs' || t.type === 'kinesis' || t.type === 'dynamodbStream' || t.type === 'kafka' || t.type === 'mq'));
  }
  for (const e of resources.entries) {
    if (str(get(e.value, 'Type')) !== 'AWS::Lambda::EventSourceMapping') continue;
    const owner = ownerOf(e.key, source);
    const pending = owner ? queues.get(owner) : undefined;
    const next = pending?.shift();
    if (next) out.set(e.key, next);
  }
  return out;
}

function ownerOf(logicalId: string, source: ConfigIndex): LambdaFunction | undefined {
  return source.prefixes.find((p) => logicalId.startsWith(p.prefix) && logicalId.length > p.prefix.length)?.fn;
}

function relocateResource(e: MapEntry, source: ConfigIndex, mapping: Trigger | undefined): MapEntry {
  const id = e.key;
  const fn = source.functions.get(id);
  if (fn && isMap(e.value)) return { key: id, keyLoc: fn.loc, value: relocateFunction(e.value, fn) };
  const resource = source.resources.get(id);
  if (resource) return { key: id, keyLoc: resource.loc, value: relocate(e.value, resource.node, resource.loc) };
  const role = source.roles.get(id);
  if (role && isMap(e.value)) return { key: id, keyLoc: role.loc, value: relocateRole(e.value, role) };
  const event = mapping ?? source.events.get(id);
  if (event) return { key: id, keyLoc: event.loc, value: relocateAll(e.value, event.loc) };
  const extension = source.extensions.get(id);
  if (extension && isMap(e.value)) return { key: id, keyLoc: extension.keyLoc, value: relocateProperties(e.value, extension) };
  const owner = ownerOf(id, source);
  // Other resources named after a function (log group, version, permissions, rules): the function.
  if (owner && isMap(e.value)) return { key: id, keyLoc: owner.loc, value: relocateAll(e.value, owner.loc) };
  return e;
}

/** A generated function: each property at the setting it came from, everything else at the function key. */
function relocateFunction(resource: MapValue, fn: LambdaFunction): MapValue {
  const props = get(resource, 'Properties');
  const extension = fn.resource?.properties;
  const settings: Record<string, Value | undefined> = {
    Timeout: fn.timeout?.node,
    MemorySize: fn.memorySize?.node,
    Runtime: fn.runtime?.node,
    Handler: get(fn.node, 'handler'),
    ReservedConcurrentExecutions: fn.reservedConcurrency?.node,
    VpcConfig: fn.vpc?.node,
  };
  const envNames = new Map(fn.environment.map((v) => [v.name, v]));
  const relocatedProps: Value | undefined = isMap(props)
    ? {
        kind: 'map',
        loc: fn.loc,
        entries: props.entries.map((p) => {
          const fromExtension = entry(extension, p.key);
          if (fromExtension) return { key: p.key, keyLoc: fromExtension.keyLoc, value: relocate(p.value, fromExtension.value, fromExtension.keyLoc) };
          if (p.key === 'Environment' && isMap(p.value)) {
            return { key: p.key, keyLoc: fn.loc, value: relocateEnvironment(p.value, envNames, fn.loc) };
          }
          const setting = settings[p.key];
          if (setting) return { key: p.key, keyLoc: setting.loc, value: relocate(p.value, setting, setting.loc) };
          return { key: p.key, keyLoc: fn.loc, value: relocateAll(p.value, fn.loc) };
        }),
      }
    : undefined;
  return {
    kind: 'map',
    loc: fn.loc,
    entries: resource.entries.map((e) =>
      e.key === 'Properties' && relocatedProps ? { key: e.key, keyLoc: fn.loc, value: relocatedProps } : { key: e.key, keyLoc: fn.loc, value: relocateAll(e.value, fn.loc) },
    ),
  };
}

function relocateEnvironment(env: MapValue, vars: Map<string, { nameLoc: Loc; value: Value }>, owner: Loc): MapValue {
  return relocateChildMap(env, 'Variables', owner, (v) => {
    const yml = vars.get(v.key);
    // The configured value, as the configuration says it (a deploy-time secret stays deploy-time).
    if (yml) return { key: v.key, keyLoc: yml.nameLoc, value: yml.value.kind === 'unknown' ? yml.value : relocate(v.value, yml.value, yml.nameLoc) };
    return undefined;
  });
}

/**
 * `map` with every position at `owner`, except the entries of its child map `key`, which
 * `relocateEntry` places (or leaves at `owner` when it returns undefined).
 */
function relocateChildMap(map: MapValue, key: string, owner: Loc, relocateEntry: (e: MapEntry) => MapEntry | undefined): MapValue {
  return {
    kind: 'map',
    loc: owner,
    entries: map.entries.map((e) => {
      if (e.key !== key || !isMap(e.value)) return { key: e.key, keyLoc: owner, value: relocateAll(e.value, owner) };
      const entries = e.value.entries.map((c) => relocateEntry(c) ?? { key: c.key, keyLoc: owner, value: relocateAll(c.value, owner) });
      return { key: e.key, keyLoc: owner, value: { kind: 'map', loc: owner, entries } };
    }),
  };
}

/** A generated role: statements written in the configuration at their place there, the framework's own at the role. */
function relocateRole(resource: MapValue, role: Role): MapValue {
  const candidates = role.statements.map((s) => ({ key: canonical(s.node), node: s.node }));
  const relocateStatement = (s: Value): Value => {
    const key = canonical(s);
    const i = candidates.findIndex((c) => c.key === key);
    if (i < 0) return relocateAll(s, role.loc);
    const [match] = candidates.splice(i, 1);
    return relocate(s, match!.node, match!.node.loc);
  };
  const walk = (v: Value, path: string[]): Value => {
    const last = path[path.length - 1];
    if (last === 'Statement') {
      if (v.kind === 'seq') return { kind: 'seq', loc: role.loc, items: v.items.map(relocateStatement) };
      if (isMap(v)) return relocateStatement(v);
    }
    if (isMap(v) && !intrinsic(v)) return { kind: 'map', loc: role.loc, entries: v.entries.map((e) => ({ key: e.key, keyLoc: role.loc, value: walk(e.value, [...path, e.key]) })) };
    if (v.kind === 'seq') return { kind: 'seq', loc: role.loc, items: v.items.map((i) => walk(i, path)) };
    return relocateAll(v, role.loc);
  };
  return walk(resource, []) as MapValue;
}

/** A generated resource that `resources.extensions` changed: the extended properties at the extension, the rest at its key. */
function relocateProperties(resource: MapValue, extension: MapEntry): MapValue {
  const ext = get(extension.value, 'Properties');
  return relocateChildMap(resource, 'Properties', extension.keyLoc, (p) => {
    const from = entry(ext, p.key);
    return from ? { key: p.key, keyLoc: from.keyLoc, value: relocate(p.value, from.value, from.keyLoc) } : undefined;
  });
}

/**
 * `json` (the value the framework wrote) with the positions of `yml` (where it was configured),
 * walking both trees together. Where they differ in shape (a short-form `!GetAtt A.Arn` against
 * the JSON's list, keys the framework added), the JSON part takes the nearest configured position.
 */
export function relocate(json: Value, yml: Value | undefined, owner: Loc): Value {
  if (!yml) return relocateAll(json, owner);
  if (json.kind === 'map' && yml.kind === 'map') {
    return {
      kind: 'map',
      loc: yml.loc,
      entries: json.entries.map((e) => {
        const y = entry(yml, e.key) ?? entryCaseless(yml, e.key);
        return y ? { key: e.key, keyLoc: y.keyLoc, value: relocate(e.value, y.value, y.keyLoc) } : { key: e.key, keyLoc: owner, value: relocateAll(e.value, owner) };
      }),
    };
  }
  if (json.kind === 'seq' && yml.kind === 'seq') {
    return { kind: 'seq', loc: yml.loc, items: json.items.map((item, i) => relocate(item, yml.items[i], yml.items[i]?.loc ?? owner)) };
  }
  return relocateAll(json, yml.loc);
}

function entryCaseless(v: MapValue, key: string): MapEntry | undefined {
  const k = key.toLowerCase();
  return v.entries.find((e) => e.key.toLowerCase() === k);
}

/** `v` with every position set to `loc`. */
export function relocateAll(v: Value, loc: Loc): Value {
  switch (v.kind) {
    case 'map':
      return { kind: 'map', loc, entries: v.entries.map((e) => ({ key: e.key, keyLoc: loc, value: relocateAll(e.value, loc) })) };
    case 'seq':
      return { kind: 'seq', loc, items: v.items.map((i) => relocateAll(i, loc)) };
    default:
      return { ...v, loc };
  }
}

/** A comparable form of an IAM statement: keys in lower case, lists for single values, `Fn::GetAtt` as a list. */
function canonical(v: Value | undefined): string {
  const walk = (x: Value | undefined, key?: string): unknown => {
    if (!x) return null;
    if (x.kind === 'scalar') return x.value;
    if (x.kind === 'unknown') return `?${x.text}`;
    if (x.kind === 'seq') return x.items.map((i) => walk(i));
    const fn = intrinsic(x);
    if (fn?.fn === 'Fn::GetAtt') {
      const parts = fn.arg.kind === 'seq' ? fn.arg.items.map((i) => str(i)) : (str(fn.arg)?.split(/\.(.*)/s, 2) ?? []);
      return { 'fn::getatt': parts };
    }
    const out: Record<string, unknown> = {};
    for (const e of x.entries) {
      const k = e.key.toLowerCase();
      const listy = key === undefined && ['action', 'notaction', 'resource', 'notresource'].includes(k);
      out[k] = listy ? items(e.value).map((i) => walk(i)) : walk(e.value, k);
    }
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  return JSON.stringify(walk(v));
}
