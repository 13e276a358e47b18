import {
  get,
  isMap,
  items,
  str,
  type ApiAccessLog,
  type ApiStage,
  type ApiThrottle,
  type AppModel,
  type Resource,
  type Value,
} from '@lambda-lint/core';
import { referencedIds } from './refs.js';
import { booleanProp, numberProp, prop, stringProp, type TemplateContext } from './template.js';

/** `AccessLogSetting` (REST) / `AccessLogSettings` (HTTP, WebSocket): destination and format. */
export function accessLogOf(block: Value | undefined, ctx: TemplateContext): ApiAccessLog | undefined {
  if (!isMap(block)) return undefined;
  const log: ApiAccessLog = { loc: block.loc };
  const destination = stringProp(get(block, 'DestinationArn'), ctx);
  if (destination) log.destination = destination;
  const format = stringProp(get(block, 'Format'), ctx);
  if (format) log.format = format;
  return log;
}

/** One throttle from a block with `<prefix>BurstLimit` / `<prefix>RateLimit` keys, when either is set. */
export function throttleOf(block: Value | undefined, scope: ApiThrottle['scope'], ctx: TemplateContext, prefix = 'Throttling'): ApiThrottle | undefined {
  if (!isMap(block)) return undefined;
  const burstLimit = numberProp(get(block, `${prefix}BurstLimit`), ctx);
  const rateLimit = numberProp(get(block, `${prefix}RateLimit`), ctx);
  if (!burstLimit && !rateLimit) return undefined;
  const t: ApiThrottle = { scope, loc: block.loc };
  if (burstLimit) t.burstLimit = burstLimit;
  if (rateLimit) t.rateLimit = rateLimit;
  return t;
}

/** REST `MethodSettings`: the `/*` + `*` entry throttles the whole stage, others one method. */
export function methodSettingsThrottles(settings: Value | undefined, ctx: TemplateContext): ApiThrottle[] {
  const out: ApiThrottle[] = [];
  for (const s of items(settings)) {
    const path = str(get(s, 'ResourcePath'));
    const method = str(get(s, 'HttpMethod'));
    const stageWide = path === '/*' && method === '*';
    const t = throttleOf(s, stageWide ? 'stage' : 'route', ctx);
    if (t && !stageWide) t.route = `${method ?? '(unknown method)'} ${path ?? '(unknown path)'}`;
    if (t) out.push(t);
  }
  return out;
}

/** HTTP / WebSocket `DefaultRouteSettings` (stage) and `RouteSettings` (per route key). */
export function routeSettingsThrottles(defaults: Value | undefined, routes: Value | undefined, ctx: TemplateContext): ApiThrottle[] {
  const out: ApiThrottle[] = [];
  const stage = throttleOf(defaults, 'stage', ctx);
  if (stage) out.push(stage);
  if (isMap(routes)) for (const e of routes.entries) {
    const t = throttleOf(e.value, 'route', ctx);
    if (t) out.push({ ...t, route: e.key });
  }
  return out;
}

/** A usage plan's `Throttle` (`BurstLimit`, `RateLimit`). */
export function usagePlanThrottle(throttle: Value | undefined, ctx: TemplateContext): ApiThrottle | undefined {
  return throttleOf(throttle, 'usage-plan', ctx, '');
}

function stageBase(r: Resource, kind: ApiStage['kind']): ApiStage {
  return {
    kind,
    id: `${r.file}#${r.logicalId}`,
    name: r.constructPath ?? r.logicalId,
    platform: r.platform,
    file: r.file,
    loc: r.loc,
    resource: r,
    throttling: [],
  };
}

/**
 * API Gateway stages declared as CloudFormation: `AWS::ApiGateway::Stage`, an `AWS::ApiGateway::Deployment`
 * with `StageName` (its `StageDescription`), `AWS::ApiGatewayV2::Stage` (HTTP or WebSocket by the API's
 * `ProtocolType`), and the usage plans that throttle them.
 */
export function linkApiStages(model: AppModel, resources: Map<string, Resource>, ctx: TemplateContext): void {
  const stages: ApiStage[] = [];
  for (const r of resources.values()) {
    if (r.type === 'AWS::ApiGateway::Stage') {
      const stage = stageBase(r, 'rest');
      const [api] = referencedIds(prop(r, 'RestApiId'));
      if (api) stage.apiLogicalId = api;
      const name = stringProp(prop(r, 'StageName'), ctx);
      if (name) stage.stageName = name;
      const tracing = booleanProp(prop(r, 'TracingEnabled'), ctx);
      if (tracing) stage.tracing = tracing;
      const log = accessLogOf(prop(r, 'AccessLogSetting'), ctx);
      if (log) stage.accessLog = log;
      stage.throttling.push(...methodSettingsThrottles(prop(r, 'MethodSettings'), ctx));
      stages.push(stage);
    } else if (r.type === 'AWS::ApiGateway::Deployment' && prop(r, 'StageName') !== undefined) {
      const stage = stageBase(r, 'rest');
      const [api] = referencedIds(prop(r, 'RestApiId'));
      if (api) stage.apiLogicalId = api;
      const name = stringProp(prop(r, 'StageName'), ctx);
      if (name) stage.stageName = name;
      const description = prop(r, 'StageDescription');
      const tracing = booleanProp(get(description, 'TracingEnabled'), ctx);
      if (tracing) stage.tracing = tracing;
      const log = accessLogOf(get(description, 'AccessLogSetting'), ctx);
      if (log) stage.accessLog = log;
      const stageWide = throttleOf(description, 'stage', ctx);
      if (stageWide) stage.throttling.push(stageWide);
      stage.throttling.push(...methodSettingsThrottles(get(description, 'MethodSettings'), ctx));
      stages.push(stage);
    } else if (r.type === 'AWS::ApiGatewayV2::Stage') {
      const [apiId] = referencedIds(prop(r, 'ApiId'));
      const api = apiId ? resources.get(apiId) : undefined;
      const protocol = api ? str(prop(api, 'ProtocolType')) : undefined;
      const stage = stageBase(r, protocol === 'WEBSOCKET' ? 'websocket' : 'http');
      if (apiId) stage.apiLogicalId = apiId;
      const name = stringProp(prop(r, 'StageName'), ctx);
      if (name) stage.stageName = name;
      const log = accessLogOf(prop(r, 'AccessLogSettings'), ctx);
      if (log) stage.accessLog = log;
      stage.throttling.push(...routeSettingsThrottles(prop(r, 'DefaultRouteSettings'), prop(r, 'RouteSettings'), ctx));
      stages.push(stage);
    }
  }
  // A REST deployment that names a stage also declared as a Stage resource is the same stage.
  const declared = stages.filter((s) => s.resource?.type === 'AWS::ApiGateway::Stage');
  const unique = stages.filter(
    (s) =>
      s.resource?.type !== 'AWS::ApiGateway::Deployment' ||
      !declared.some((d) => d.apiLogicalId === s.apiLogicalId && d.stageName?.value !== undefined && d.stageName.value === s.stageName?.value),
  );
  for (const r of resources.values()) {
    if (r.type !== 'AWS::ApiGateway::UsagePlan') continue;
    const throttle = usagePlanThrottle(prop(r, 'Throttle'), ctx);
    for (const apiStage of items(prop(r, 'ApiStages'))) {
      const own = usagePlanThrottle(get(apiStage, 'Throttle'), ctx) ?? perMethodThrottle(get(apiStage, 'Throttle'), ctx);
      const t = throttle ?? own;
      if (!t) continue;
      for (const stage of matchStages(unique, apiStage, ctx)) stage.throttling.push(t);
    }
  }
  model.apis.push(...unique);
}

/** `ApiStages[].Throttle` of a usage plan is a map of `/path/METHOD` to throttle settings. */
function perMethodThrottle(throttle: Value | undefined, ctx: TemplateContext): ApiThrottle | undefined {
  if (!isMap(throttle)) return undefined;
  for (const e of throttle.entries) {
    const t = usagePlanThrottle(e.value, ctx);
    if (t) return t;
  }
  return undefined;
}

function matchStages(stages: ApiStage[], apiStage: Value, ctx: TemplateContext): ApiStage[] {
  const [apiId] = referencedIds(get(apiStage, 'ApiId'));
  const stageNode = get(apiStage, 'Stage');
  const stageIds = referencedIds(stageNode);
  const stageName = stringProp(stageNode, ctx)?.value;
  return stages.filter((s) => {
    if (s.kind !== 'rest') return false;
    if (s.resource && stageIds.has(s.resource.logicalId)) return true;
    return apiId !== undefined && s.apiLogicalId === apiId && stageName !== undefined && s.stageName?.value === stageName;
  });
}
