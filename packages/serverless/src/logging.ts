import { entry, get, isMap, str, type AppModel, type MapValue, type Prop, type Value } from '@lambda-lint/core';

/**
 * The log format of the functions of a serverless.yml (already variable-resolved, positions kept), as
 * the framework (v4) compiles it into `LoggingConfig.LogFormat`: the function's `logs.logFormat`, else
 * `provider.logs.lambda.logFormat`. An unknown block (a variable that cannot be resolved offline) makes
 * the format unknown. Functions defined in `resources` are CloudFormation and read by that reader.
 *
 * Run after the functions of the file are in the model.
 */
export function readLogging(root: MapValue, model: AppModel, file: string): void {
  const provider = get(root, 'provider');
  const logs = get(provider, 'logs');
  const lambda = get(logs, 'lambda');
  const providerFormat = entry(lambda, 'logFormat');
  const providerUnknown = provider?.kind === 'unknown' || logs?.kind === 'unknown' || lambda?.kind === 'unknown';
  for (const fn of model.functions) {
    if (fn.file !== file || fn.platform !== 'serverless' || fn.resource) continue;
    const def = fn.node;
    if (!isMap(def)) {
      if (def.kind === 'unknown') fn.logFormat = { value: undefined, loc: def.loc, node: def };
      continue;
    }
    const own = get(def, 'logs');
    const ownFormat = entry(own, 'logFormat');
    if (ownFormat && isSet(ownFormat.value)) fn.logFormat = formatProp(ownFormat.value);
    else if (own?.kind === 'unknown' || def.open === true) fn.logFormat = { value: undefined, loc: (own ?? def).loc, node: own ?? def };
    else if (providerFormat && isSet(providerFormat.value)) fn.logFormat = { ...formatProp(providerFormat.value), inheritedFrom: 'provider' };
    else if (providerUnknown) {
      const node = (lambda?.kind === 'unknown' ? lambda : logs?.kind === 'unknown' ? logs : provider)!;
      fn.logFormat = { value: undefined, loc: node.loc, node, inheritedFrom: 'provider' };
    }
  }
}

function isSet(v: Value): boolean {
  return !(v.kind === 'scalar' && v.value === null);
}

/** `json` / `JSON` -> `JSON`, `text` -> `Text`; other values as written; unknown values undefined. */
function formatProp(v: Value): Prop<string> {
  const s = v.kind === 'scalar' ? str(v) : undefined;
  const lower = s?.toLowerCase();
  return { value: lower === 'json' ? 'JSON' : lower === 'text' ? 'Text' : s, loc: v.loc, node: v };
}
