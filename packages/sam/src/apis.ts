import { get, str, type ApiStage, type Loc, type MapValue, type Prop, type Resource, type Trigger, type Value } from '@lambda-lint/core';
import {
  accessLogOf,
  booleanProp,
  methodSettingsThrottles,
  routeSettingsThrottles,
  stringProp,
  usagePlanThrottle,
  type TemplateContext,
} from '@lambda-lint/cloudformation';
import { samEventType } from './events.js';
import { mergeGlobals } from './globals.js';

/** Marks a property that came from `Globals`. */
export function inherited<T>(p: Prop<T> | undefined, fromGlobals: Set<Value>): Prop<T> | undefined {
  if (p && fromGlobals.has(p.node)) p.inheritedFrom = 'globals';
  return p;
}

interface StageIdentity {
  id: string;
  name: string;
  file: string;
  loc: Loc;
  resource?: Resource;
  implicit?: boolean;
}

/**
 * A SAM REST API (`AWS::Serverless::Api`, or the implicit `ServerlessRestApi`) with `Globals.Api`
 * merged: stage name, `TracingEnabled`, `AccessLogSetting`, `MethodSettings` throttling and the
 * `Auth.UsagePlan` throttle.
 */
export function samRestApi(who: StageIdentity, props: MapValue | undefined, fromGlobals: Set<Value>, ctx: TemplateContext): ApiStage {
  const stage = base('rest', who);
  const p = (key: string) => get(props, key);
  const name = inherited(stringProp(p('StageName'), ctx), fromGlobals);
  if (name) stage.stageName = name;
  const tracing = inherited(booleanProp(p('TracingEnabled'), ctx), fromGlobals);
  if (tracing) stage.tracing = tracing;
  const log = accessLogOf(p('AccessLogSetting'), ctx);
  if (log) {
    inherited(log.destination, fromGlobals);
    inherited(log.format, fromGlobals);
    stage.accessLog = log;
  }
  stage.throttling.push(...methodSettingsThrottles(p('MethodSettings'), ctx));
  const usagePlan = get(p('Auth'), 'UsagePlan');
  if (str(get(usagePlan, 'CreateUsagePlan')) !== 'NONE') {
    const t = usagePlanThrottle(get(usagePlan, 'Throttle'), ctx);
    if (t) stage.throttling.push(t);
  }
  return stage;
}

/**
 * A SAM HTTP API (`AWS::Serverless::HttpApi`, or the implicit `ServerlessHttpApi`) with `Globals.HttpApi`
 * merged: stage name, `AccessLogSettings`, `DefaultRouteSettings` / `RouteSettings` throttling.
 */
export function samHttpApi(who: StageIdentity, props: MapValue | undefined, fromGlobals: Set<Value>, ctx: TemplateContext): ApiStage {
  const stage = base('http', who);
  const p = (key: string) => get(props, key);
  const name = inherited(stringProp(p('StageName'), ctx), fromGlobals);
  if (name) stage.stageName = name;
  const log = accessLogOf(p('AccessLogSettings'), ctx);
  if (log) {
    inherited(log.destination, fromGlobals);
    inherited(log.format, fromGlobals);
    stage.accessLog = log;
  }
  stage.throttling.push(...routeSettingsThrottles(p('DefaultRouteSettings'), p('RouteSettings'), ctx));
  return stage;
}

function base(kind: ApiStage['kind'], who: StageIdentity): ApiStage {
  const stage: ApiStage = { kind, id: who.id, name: who.name, platform: 'sam', file: who.file, loc: who.loc, throttling: [] };
  if (who.resource) {
    stage.resource = who.resource;
    stage.apiLogicalId = who.resource.logicalId;
  }
  if (who.implicit) stage.implicit = true;
  return stage;
}

/**
 * The APIs SAM creates from function events that name no API of their own: `ServerlessRestApi` for `Api`
 * events without `RestApiId`, `ServerlessHttpApi` for `HttpApi` events without `ApiId`, located at the first
 * such event, with `Globals.Api` / `Globals.HttpApi` applied.
 */
export function implicitApis(file: string, triggers: Trigger[], globals: Value | undefined, ctx: TemplateContext): ApiStage[] {
  const out: ApiStage[] = [];
  const firstRest = triggers.find((t) => samEventType(t) === 'Api' && get(t.node, 'Properties', 'RestApiId') === undefined);
  if (firstRest) {
    const fromGlobals = new Set<Value>();
    const props = mergeGlobals(get(globals, 'Api'), undefined, fromGlobals);
    out.push(samRestApi({ id: `${file}#ServerlessRestApi`, name: 'ServerlessRestApi', file, loc: firstRest.loc, implicit: true }, props, fromGlobals, ctx));
  }
  const firstHttp = triggers.find((t) => samEventType(t) === 'HttpApi' && get(t.node, 'Properties', 'ApiId') === undefined);
  if (firstHttp) {
    const fromGlobals = new Set<Value>();
    const props = mergeGlobals(get(globals, 'HttpApi'), undefined, fromGlobals);
    out.push(samHttpApi({ id: `${file}#ServerlessHttpApi`, name: 'ServerlessHttpApi', file, loc: firstHttp.loc, implicit: true }, props, fromGlobals, ctx));
  }
  return out;
}
