import {
  bool,
  entry,
  get,
  isMap,
  items,
  num,
  str,
  type ApiAccessLog,
  type ApiStage,
  type ApiThrottle,
  type AppModel,
  type Loc,
  type MapEntry,
  type MapValue,
  type Trigger,
  type Value,
} from '@lambda-lint/core';
import { accessLogOf, createContext, routeSettingsThrottles, type TemplateContext } from '@lambda-lint/cloudformation';

/**
 * The access log formats the framework writes when `provider.logs.<api>` is `true` (or sets no
 * `format`), as in serverless v3/v4 `lib/plugins/aws/package/compile/events`: REST (`api-gateway/lib/
 * hack/update-stage.js`) and WebSocket (`websockets/lib/stage.js`) use a plain-text line, the HTTP API
 * (`http-api.js`) a JSON object.
 */
export const FRAMEWORK_ACCESS_LOG_FORMATS = {
  rest: [
    'requestId: $context.requestId',
    'ip: $context.identity.sourceIp',
    'caller: $context.identity.caller',
    'user: $context.identity.user',
    'requestTime: $context.requestTime',
    'httpMethod: $context.httpMethod',
    'resourcePath: $context.resourcePath',
    'status: $context.status',
    'protocol: $context.protocol',
    'responseLength: $context.responseLength',
  ].join(', '),
  http: JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    httpMethod: '$context.httpMethod',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
  }),
  websocket: [
    '$context.identity.sourceIp',
    '$context.identity.caller',
    '$context.identity.user',
    '[$context.requestTime]',
    '"$context.eventType $context.routeKey $context.connectionId"',
    '$context.requestId',
  ].join(' '),
} as const;

type Kind = ApiStage['kind'];

/** Per kind: the event key, the `provider.logs` key, the generated API and stage logical ids. */
const KINDS: { kind: Kind; event: Trigger['type']; logs: string; api: string; stage?: string }[] = [
  { kind: 'rest', event: 'http', logs: 'restApi', api: 'ApiGatewayRestApi' },
  { kind: 'http', event: 'httpApi', logs: 'httpApi', api: 'HttpApi', stage: 'HttpApiStage' },
  { kind: 'websocket', event: 'websocket', logs: 'websocket', api: 'WebsocketsApi', stage: 'WebsocketsDeploymentStage' },
];

/**
 * The API Gateway stages the framework creates from function events: a REST API for `http` events
 * (unless `provider.apiGateway.restApiId` names an existing one), an HTTP API for `httpApi` events
 * (unless `provider.httpApi.id`), a WebSocket API for `websocket` events (unless
 * `provider.apiGateway.websocketApiId`). Each is `implicit`, located at `provider.logs.<api>` when set,
 * else at the first event that creates it.
 *
 * - Access logs: `provider.logs.restApi` / `httpApi` / `websocket` (`true`, or a map with `format`;
 *   `accessLogging: false` turns REST and WebSocket access logs off); without `format` the framework's
 *   default applies (`FRAMEWORK_ACCESS_LOG_FORMATS`, marked `defaultFormat`).
 * - Throttling: REST `provider.apiGateway.usagePlan` (a map, or a list of named plans) and the legacy
 *   `provider.usagePlan` `throttle`; for REST and HTTP APIs, the serverless-api-gateway-throttling
 *   plugin's `custom.apiGatewayThrottling`.
 * - HTTP and WebSocket stages are CloudFormation resources (`HttpApiStage`, `WebsocketsDeploymentStage`):
 *   `resources.extensions.<stage>` and a `Type`-less `resources.Resources.<stage>` replace their
 *   properties key by key, so `AccessLogSettings`, `DefaultRouteSettings` and `RouteSettings` written
 *   there are the stage's.
 */
export function readServerlessApis(root: MapValue, model: AppModel, file: string): void {
  const provider = get(root, 'provider');
  const triggers = model.functions.filter((f) => f.file === file && f.platform === 'serverless').flatMap((f) => f.events);
  const ctx = createContext(file, 'serverless', undefined);
  for (const k of KINDS) {
    const first = triggers.find((t) => t.type === k.event);
    if (!first || isExternal(provider, k.kind)) continue;
    const logs = entry(get(provider, 'logs'), k.logs);
    const loc: Loc = logs?.keyLoc ?? first.loc;
    const stage: ApiStage = {
      kind: k.kind,
      id: `${file}#${k.api}`,
      name: k.api,
      platform: 'serverless',
      file,
      loc,
      apiLogicalId: k.api,
      implicit: true,
      throttling: [],
    };
    const log = logs ? frameworkAccessLog(k.kind, logs) : undefined;
    if (log) stage.accessLog = log;
    if (k.kind === 'rest') stage.throttling.push(...usagePlanThrottles(provider));
    if (k.kind !== 'websocket') stage.throttling.push(...pluginThrottles(root));
    if (k.stage) {
      const props = stageOverrides(get(root, 'resources'), k.stage);
      if (props) applyStageProperties(stage, props, ctx);
    }
    model.apis.push(stage);
  }
}

function isExternal(provider: Value | undefined, kind: Kind): boolean {
  const set = (v: Value | undefined) => v !== undefined && !(v.kind === 'scalar' && v.value === null);
  if (kind === 'rest') return set(get(provider, 'apiGateway', 'restApiId'));
  if (kind === 'http') return set(get(provider, 'httpApi', 'id'));
  return set(get(provider, 'apiGateway', 'websocketApiId'));
}

/** `provider.logs.<api>`: `true`, or `{ format, accessLogging }`; undefined when it turns access logs off. */
function frameworkAccessLog(kind: Kind, logs: MapEntry): ApiAccessLog | undefined {
  const v = logs.value;
  if (v.kind === 'scalar' && (v.value === null || v.value === false)) return undefined;
  if (v.kind === 'scalar' && v.value !== true) return undefined;
  // A deploy-time value: logs may be on, in a format that cannot be known offline.
  if (v.kind === 'unknown') return { loc: v.loc, format: { value: undefined, loc: v.loc, node: v } };
  if (isMap(v) && bool(get(v, 'accessLogging')) === false && kind !== 'http') return undefined;
  const log: ApiAccessLog = { loc: v.loc };
  const format = isMap(v) ? get(v, 'format') : undefined;
  if (format && !(format.kind === 'scalar' && format.value === null)) {
    log.format = { value: str(format), loc: format.loc, node: format };
  } else {
    log.format = { value: FRAMEWORK_ACCESS_LOG_FORMATS[kind], loc: v.loc, node: v };
    log.defaultFormat = true;
  }
  return log;
}

/** Usage plan throttles of the REST API. */
function usagePlanThrottles(provider: Value | undefined): ApiThrottle[] {
  const out: ApiThrottle[] = [];
  for (const plan of [get(provider, 'apiGateway', 'usagePlan'), get(provider, 'usagePlan')]) {
    if (!plan) continue;
    // One plan `{ quota, throttle }`, or a list of named plans `[{ free: { throttle } }, ...]`.
    const plans = plan.kind === 'seq' ? items(plan).flatMap((p) => (isMap(p) ? p.entries.map((e) => e.value) : [])) : [plan];
    for (const p of plans) {
      const t = lowerCaseThrottle(get(p, 'throttle'));
      if (t) out.push(t);
    }
  }
  return out;
}

/** The serverless-api-gateway-throttling plugin (REST and HTTP APIs): stage-wide `maxRequestsPerSecond` / `maxConcurrentRequests`. */
function pluginThrottles(root: MapValue): ApiThrottle[] {
  const out: ApiThrottle[] = [];
  const plugins = get(root, 'plugins');
  const plugin = [...items(plugins), ...items(get(plugins, 'modules'))].some((p) => str(p) === 'serverless-api-gateway-throttling');
  const custom = get(root, 'custom', 'apiGatewayThrottling');
  if (plugin && isMap(custom)) {
    const rate = get(custom, 'maxRequestsPerSecond');
    const burst = get(custom, 'maxConcurrentRequests');
    if (rate || burst) {
      const t: ApiThrottle = { scope: 'stage', loc: custom.loc };
      if (rate) t.rateLimit = { value: num(rate), loc: rate.loc, node: rate };
      if (burst) t.burstLimit = { value: num(burst), loc: burst.loc, node: burst };
      out.push(t);
    }
  }
  return out;
}

/** The framework's `throttle: { burstLimit, rateLimit }`. */
function lowerCaseThrottle(block: Value | undefined): ApiThrottle | undefined {
  if (!isMap(block)) return undefined;
  const burst = get(block, 'burstLimit');
  const rate = get(block, 'rateLimit');
  if (!burst && !rate) return undefined;
  const t: ApiThrottle = { scope: 'usage-plan', loc: block.loc };
  if (burst) t.burstLimit = { value: num(burst), loc: burst.loc, node: burst };
  if (rate) t.rateLimit = { value: num(rate), loc: rate.loc, node: rate };
  return t;
}

/**
 * The properties that `resources.extensions.<stage>` and a `Type`-less `resources.Resources.<stage>`
 * merge into the generated stage, key by key (later parts of a `resources` list win).
 */
function stageOverrides(resources: Value | undefined, logicalId: string): MapValue | undefined {
  const entries: MapEntry[] = [];
  let loc: Loc | undefined;
  for (const part of resources?.kind === 'seq' ? resources.items : resources ? [resources] : []) {
    for (const section of ['Resources', 'extensions']) {
      const def = get(part, section, logicalId);
      if (!isMap(def) || (section === 'Resources' && get(def, 'Type') !== undefined)) continue;
      const props = get(def, 'Properties');
      if (!isMap(props)) continue;
      loc ??= props.loc;
      for (const e of props.entries) {
        const i = entries.findIndex((x) => x.key === e.key);
        if (i >= 0) entries.splice(i, 1);
        entries.push(e);
      }
    }
  }
  return loc ? { kind: 'map', entries, loc } : undefined;
}

function applyStageProperties(stage: ApiStage, props: MapValue, ctx: TemplateContext): void {
  const access = entry(props, 'AccessLogSettings');
  if (access) {
    const log = accessLogOf(access.value, ctx);
    if (log) stage.accessLog = log;
    else delete stage.accessLog;
  }
  const defaults = get(props, 'DefaultRouteSettings');
  const routes = get(props, 'RouteSettings');
  if (defaults || routes) stage.throttling.push(...routeSettingsThrottles(defaults, routes, ctx));
}
