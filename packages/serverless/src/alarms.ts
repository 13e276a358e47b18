import { bool, get, isMap, items, str, type Alarm, type AppModel, type Loc, type MapValue, type Prop, type Value } from '@lambda-lint/core';
import { BASIC_STATISTICS } from '@lambda-lint/cloudformation';

/**
 * The default definitions of serverless-plugin-aws-alerts (`src/defaults/definitions.js`): every one in
 * `AWS/Lambda`; `functionDuration` uses `p50` (older releases `Average`/`Maximum`), never p99.
 */
const DEFAULT_DEFINITIONS: Record<string, { metric: string; statistic: string }> = {
  functionInvocations: { metric: 'Invocations', statistic: 'Sum' },
  functionErrors: { metric: 'Errors', statistic: 'Sum' },
  functionDuration: { metric: 'Duration', statistic: 'p50' },
  functionThrottles: { metric: 'Throttles', statistic: 'Sum' },
};

interface Field {
  value: string | undefined;
  loc?: Loc;
  node?: Value;
}

interface Definition {
  metric?: Field;
  namespace?: Field;
  statistic?: Field;
  /** `pattern`: a log metric filter in the stack's own namespace, not a Lambda metric. */
  pattern?: boolean;
  enabled?: boolean;
  omitDefaultDimension?: boolean;
}

/**
 * Reads the serverless-plugin-aws-alerts configuration into `model.alarms`, as the plugin compiles it:
 * `custom.alerts.definitions` merged over the default definitions, the alarms of `custom.alerts.alarms`
 * (and the older `global` / `function` lists) on every function, plus each function's own `alarms`
 * (a definition name or an object merged over the definition of its `name`; `enabled: false` removes
 * the alarm of that name). Nothing is deployed when `custom.alerts.stages` does not list the stage.
 * A statistic outside `SampleCount|Average|Sum|Minimum|Maximum` becomes an `ExtendedStatistic`.
 */
export function readAlertsPlugin(root: MapValue, model: AppModel, file: string, stage: string): void {
  const config = get(root, 'custom', 'alerts');
  if (!isMap(config)) return;
  const stages = get(config, 'stages');
  if (stages?.kind === 'seq') {
    if (!stages.items.some((s) => str(s) === stage)) return;
  }
  const definitions = new Map<string, Definition>();
  for (const [name, d] of Object.entries(DEFAULT_DEFINITIONS)) {
    definitions.set(name, { metric: { value: d.metric }, namespace: { value: 'AWS/Lambda' }, statistic: { value: d.statistic } });
  }
  const defs = get(config, 'definitions');
  if (isMap(defs)) for (const e of defs.entries) definitions.set(e.key, mergeDefinition(definitions.get(e.key), e.value));
  const global = [...items(get(config, 'alarms')), ...items(get(config, 'global')), ...items(get(config, 'function'))];
  const functions = model.functions.filter((f) => f.file === file && f.platform === 'serverless');
  for (const fn of functions) {
    const byName = new Map<string, { def: Definition; loc: Loc }>();
    for (const item of [...global, ...items(get(fn.node, 'alarms'))]) {
      const name = str(item) ?? str(get(item, 'name'));
      if (name === undefined) continue;
      const def = item.kind === 'scalar' ? definitions.get(name) : mergeDefinition(definitions.get(name), item);
      if (!def || def.enabled === false) {
        byName.delete(name);
        continue;
      }
      byName.set(name, { def, loc: item.loc });
    }
    for (const { def, loc } of byName.values()) {
      if (def.pattern) continue;
      const alarm: Alarm = { functionIds: def.omitDefaultDimension ? [] : [fn.id], loc, source: 'aws-alerts' };
      if (def.metric) alarm.metricName = prop(def.metric, loc);
      if (def.namespace) alarm.namespace = prop(def.namespace, loc);
      const s = def.statistic;
      if (s) {
        if (s.value !== undefined && !BASIC_STATISTICS.has(s.value)) alarm.extendedStatistic = prop(s, loc);
        else alarm.statistic = prop(s, loc);
      }
      model.alarms.push(alarm);
    }
  }
}

function mergeDefinition(base: Definition | undefined, v: Value): Definition {
  const out: Definition = { ...(base ?? {}) };
  if (!isMap(v)) return out;
  const field = (key: string): Field | undefined => {
    const node = get(v, key);
    return node ? { value: str(node), loc: node.loc, node } : undefined;
  };
  const metric = field('metric');
  if (metric) out.metric = metric;
  const namespace = field('namespace');
  if (namespace) out.namespace = namespace;
  const statistic = field('statistic');
  if (statistic) out.statistic = statistic;
  if (get(v, 'pattern') !== undefined) out.pattern = true;
  const enabled = bool(get(v, 'enabled'));
  if (enabled !== undefined) out.enabled = enabled;
  const omit = bool(get(v, 'omitDefaultDimension'));
  if (omit !== undefined) out.omitDefaultDimension = omit;
  return out;
}

function prop(f: Field, fallback: Loc): Prop<string> {
  const loc = f.loc ?? fallback;
  const node: Value = f.node ?? { kind: 'scalar', value: f.value ?? null, loc } as Value;
  return { value: f.value, loc, node };
}
