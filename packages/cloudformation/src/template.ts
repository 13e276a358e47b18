import {
  entry,
  get,
  isMap,
  str,
  type AppModel,
  type MapValue,
  type Platform,
  type Prop,
  type Resource,
  type Value,
} from '@lambda-lint/core';
import { asBoolean, asNumber, asString, propFrom, resolveOne, type ValueContext } from './values.js';

/** What a reader knows about the template a resource came from. */
export interface TemplateContext {
  file: string;
  platform: Platform;
  /** Directory of the template: relative code paths start here. */
  dir: string;
  /** Parameter defaults by name; `undefined` for a parameter without a default (unknown at lint time). */
  parameters: Map<string, Value | undefined>;
  /** Parameter `Type` by name: list types resolve to lists, SSM parameter types to deploy-time unknowns. */
  parameterTypes: Map<string, string>;
  /** The template's `Mappings`, for `Fn::FindInMap`. */
  mappings: Value | undefined;
  resources: Map<string, Resource>;
}

export function createContext(file: string, platform: Platform, root: Value | undefined): TemplateContext {
  const parameters = new Map<string, Value | undefined>();
  const parameterTypes = new Map<string, string>();
  const params = get(root, 'Parameters');
  if (isMap(params)) {
    for (const p of params.entries) {
      parameters.set(p.key, get(p.value, 'Default'));
      const type = str(get(p.value, 'Type'));
      if (type !== undefined) parameterTypes.set(p.key, type);
    }
  }
  return {
    file,
    platform,
    dir: file.slice(0, file.lastIndexOf('/')) || '/',
    parameters,
    parameterTypes,
    mappings: get(root, 'Mappings'),
    resources: new Map(),
  };
}

/**
 * Resolves what can be known offline (see {@link resolveAll}): a literal, a parameter default, a
 * computed `Fn::Sub`/`Fn::Join`/`Fn::FindInMap`...; an `unknown` value when it is only known at deploy
 * time or depends on a condition.
 */
export function resolveValue(v: Value | undefined, ctx: ValueContext): Value | undefined {
  return v === undefined ? undefined : resolveOne(v, ctx);
}

/** A number property; its `alternatives` when it depends on a condition (see `Prop.alternatives`). */
export function numberProp(v: Value | undefined, ctx: ValueContext): Prop<number> | undefined {
  return v === undefined ? undefined : propFrom(v, ctx, asNumber);
}

export function stringProp(v: Value | undefined, ctx: ValueContext): Prop<string> | undefined {
  return v === undefined ? undefined : propFrom(v, ctx, asString);
}

export function booleanProp(v: Value | undefined, ctx: ValueContext): Prop<boolean> | undefined {
  return v === undefined ? undefined : propFrom(v, ctx, asBoolean);
}

/** Reads the `Resources` map into Resource objects (without interpreting them). */
export function resourcesFrom(resourcesMap: Value | undefined, ctx: TemplateContext): Resource[] {
  const out: Resource[] = [];
  if (!isMap(resourcesMap)) return out;
  for (const e of resourcesMap.entries) {
    if (!isMap(e.value)) continue;
    const type = str(get(e.value, 'Type'));
    if (!type) continue;
    const properties = get(e.value, 'Properties');
    const metadata = get(e.value, 'Metadata');
    const resource: Resource = {
      logicalId: e.key,
      type,
      loc: e.keyLoc,
      properties: isMap(properties) ? properties : undefined,
      metadata: isMap(metadata) ? metadata : undefined,
      node: e.value,
      file: ctx.file,
      platform: ctx.platform,
    };
    const cdkPath = str(get(metadata, 'aws:cdk:path'));
    if (cdkPath) resource.constructPath = cdkPath;
    out.push(resource);
    ctx.resources.set(e.key, resource);
  }
  return out;
}

export function prop(resource: Resource, ...path: string[]): Value | undefined {
  return get(resource.properties, ...path);
}

export function propEntry(resource: Resource, key: string) {
  return entry(resource.properties, key);
}

export function isCloudFormationTemplate(root: Value | undefined): root is MapValue {
  if (!isMap(root)) return false;
  if (entry(root, 'AWSTemplateFormatVersion')) return true;
  const resources = get(root, 'Resources');
  if (!isMap(resources)) return false;
  return resources.entries.some((e) => /^(AWS|Alexa|Custom)::/.test(str(get(e.value, 'Type')) ?? ''));
}

export function isSamTemplate(root: Value | undefined): boolean {
  const t = get(root, 'Transform');
  const names = t?.kind === 'seq' ? t.items.map(str) : [str(t)];
  return names.some((n) => n === 'AWS::Serverless-2016-10-31');
}

export function addResources(model: AppModel, resources: Resource[]): void {
  for (const r of resources) model.resources.push(r);
}
