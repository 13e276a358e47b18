import { bool, entry, get, isMap, str, type AppModel, type MapValue, type Prop, type Value } from '@lambda-lint/core';

/**
 * X-Ray tracing of a serverless.yml (already variable-resolved, positions kept), as the framework
 * compiles it:
 *
 * - functions: the function's `tracing` when it is truthy, else `provider.tracing.lambda`
 *   (`true` is `Active`; `'Active'` / `'PassThrough'` as written). The framework writes no
 *   `TracingConfig` for `false`, so Lambda uses `PassThrough`: `false` is read as `PassThrough` at
 *   the `false` value (a function's own `false` only when the provider does not enable tracing).
 * - REST API stages the framework generates from `http` events: `provider.tracing.apiGateway`, applied
 *   to the serverless REST stages of this file in `model.apis` that do not say otherwise.
 *
 * Run after the functions and API stages of the file are in the model.
 */
export function readTracing(root: MapValue, model: AppModel, file: string): void {
  const provider = get(root, 'provider');
  const providerTracing = get(provider, 'tracing');
  const lambda = entry(providerTracing, 'lambda');
  const providerOpen = provider?.kind === 'unknown' || (isMap(provider) && provider.open === true) || providerTracing?.kind === 'unknown';
  for (const fn of model.functions) {
    // Framework functions only: `resources` functions are CloudFormation and carry their own TracingConfig,
    // and a `TracingConfig` merged into the generated function (an override in `resources`) wins.
    if (fn.file !== file || fn.platform !== 'serverless' || fn.resource?.node === fn.node || fn.tracing) continue;
    const def = fn.node;
    if (!isMap(def)) {
      if (def.kind === 'unknown') fn.tracing = { value: undefined, loc: def.loc, node: def };
      continue;
    }
    const own = entry(def, 'tracing');
    if (own && isSet(own.value) && bool(own.value) !== false) {
      fn.tracing = modeProp(own.value);
      continue;
    }
    if (def.open) {
      fn.tracing = { value: undefined, loc: def.loc, node: def };
      continue;
    }
    if (lambda && isSet(lambda.value) && bool(lambda.value) !== false) {
      fn.tracing = { ...modeProp(lambda.value), inheritedFrom: 'provider' };
      continue;
    }
    if (providerOpen) {
      const node = providerTracing?.kind === 'unknown' ? providerTracing : provider!;
      fn.tracing = { value: undefined, loc: node.loc, node, inheritedFrom: 'provider' };
      continue;
    }
    if (own && isSet(own.value)) fn.tracing = modeProp(own.value);
    else if (lambda && isSet(lambda.value)) fn.tracing = { ...modeProp(lambda.value), inheritedFrom: 'provider' };
  }

  const apiGateway = entry(providerTracing, 'apiGateway');
  for (const stage of model.apis) {
    if (stage.file !== file || stage.platform !== 'serverless' || stage.kind !== 'rest' || stage.tracing) continue;
    if (apiGateway && isSet(apiGateway.value)) {
      stage.tracing = { value: bool(apiGateway.value), loc: apiGateway.value.loc, node: apiGateway.value, inheritedFrom: 'provider' };
    } else if (providerOpen) {
      const node = providerTracing?.kind === 'unknown' ? providerTracing : provider!;
      stage.tracing = { value: undefined, loc: node.loc, node, inheritedFrom: 'provider' };
    }
  }
}

function isSet(v: Value): boolean {
  return !(v.kind === 'scalar' && v.value === null);
}

/** `true` -> `Active`, `false` -> `PassThrough`, strings normalized to AWS spelling; unknown values undefined. */
function modeProp(v: Value): Prop<string> {
  const b = bool(v);
  let value: string | undefined;
  if (b !== undefined) value = b ? 'Active' : 'PassThrough';
  else {
    const s = v.kind === 'scalar' ? str(v) : undefined;
    const lower = s?.toLowerCase();
    value = lower === 'active' ? 'Active' : lower === 'passthrough' ? 'PassThrough' : s;
  }
  return { value, loc: v.loc, node: v };
}
