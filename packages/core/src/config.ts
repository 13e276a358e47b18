/**
 * Configuration files: the user-facing shape (`lambda-lint.config.json` and friends), its
 * validation with paths that point at the offending key, presets, and the effective rule settings
 * for one file. Pure: the linter reads the files, this module judges their content.
 */
import { globToRegExp, matchesAny, relativeTo } from './config-glob.js';
import type { LintConfig, RuleSetting } from './engine.js';
import type { AnyRule, Severity, SeveritySetting } from './rule.js';

export const PRESETS = ['recommended', 'strict', 'all'] as const;
export type PresetName = (typeof PRESETS)[number];

export const SEVERITY_SETTINGS: readonly SeveritySetting[] = ['off', 'info', 'warning', 'error'];

export interface ConfigOverride {
  /** Globs matched against the finding's file, relative to the configuration's directory. */
  files: string[];
  rules: Record<string, RuleSetting>;
}

/** A configuration file as users write it. */
export interface UserConfig {
  $schema?: string;
  extends?: PresetName | PresetName[];
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  overrides?: ConfigOverride[];
  mandatory?: string[];
}

/** A problem in a configuration, with the path of the key it is about (`["rules", "memory-size", 1]`). */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

/** A minimal JSON Schema: the subset rule options and the config schema use. */
export interface OptionsSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  description?: string;
  properties?: Record<string, OptionsSchema>;
  additionalProperties?: boolean;
  items?: OptionsSchema;
  enum?: readonly (string | number)[];
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/**
 * The JSON Schema of a rule's options: the one the rule declares, else one derived from its
 * default options (each key typed by its default value, no other keys allowed).
 */
export function optionsSchemaOf(rule: AnyRule): OptionsSchema {
  if (rule.optionsSchema) return rule.optionsSchema as OptionsSchema;
  const properties: Record<string, OptionsSchema> = {};
  for (const [key, value] of Object.entries(rule.defaultOptions as Record<string, unknown>)) {
    properties[key] = { ...schemaOfValue(value), default: value };
  }
  return { type: 'object', properties, additionalProperties: false };
}

function schemaOfValue(value: unknown): OptionsSchema {
  if (Array.isArray(value)) {
    const first = value[0];
    // An empty default list says nothing about its items: the rules that have one list strings.
    return { type: 'array', items: first === undefined ? { type: 'string' } : schemaOfValue(first) };
  }
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'string') return { type: 'string' };
  return { type: 'object' };
}

/** Checks `value` against `schema`; problems are reported under `path`. */
export function validateAgainstSchema(value: unknown, schema: OptionsSchema, path: (string | number)[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const fail = (message: string) => problems.push({ path, message });
  switch (schema.type) {
    case 'object': {
      if (!isPlainObject(value)) return [{ path, message: `expected an object, found ${describe(value)}` }];
      const props = schema.properties ?? {};
      for (const [key, v] of Object.entries(value)) {
        const sub = props[key];
        if (sub) problems.push(...validateAgainstSchema(v, sub, [...path, key]));
        else if (schema.additionalProperties === false) {
          const known = Object.keys(props);
          const hint = didYouMean(key, known);
          problems.push({
            path: [...path, key],
            message: `unknown option "${key}"${hint ? `; did you mean "${hint}"?` : known.length ? ` (options: ${known.join(', ')})` : ' (this rule has no options)'}`,
          });
        }
      }
      return problems;
    }
    case 'array':
      if (!Array.isArray(value)) return [{ path, message: `expected a list, found ${describe(value)}` }];
      if (schema.items) value.forEach((item, i) => problems.push(...validateAgainstSchema(item, schema.items!, [...path, i])));
      return problems;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (schema.type === 'integer' && !Number.isInteger(value))) {
        fail(`expected ${schema.type === 'integer' ? 'a whole number' : 'a number'}, found ${describe(value)}`);
      } else if (schema.minimum !== undefined && value < schema.minimum) fail(`expected at least ${schema.minimum}, found ${value}`);
      else if (schema.maximum !== undefined && value > schema.maximum) fail(`expected at most ${schema.maximum}, found ${value}`);
      break;
    case 'string':
      if (typeof value !== 'string') fail(`expected a string, found ${describe(value)}`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, found ${describe(value)}`);
      break;
  }
  if (problems.length === 0 && schema.enum && !schema.enum.includes(value as string | number)) {
    fail(`expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, found ${describe(value)}`);
  }
  return problems;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** The candidate closest to `name` when it is close enough to be a typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const max = Math.min(4, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const c of candidates) {
    const n = name.toLowerCase();
    const k = c.toLowerCase();
    // A shortened word (`warn` for `warning`) is as likely a slip as a typo.
    const d = n.length >= 3 && k.startsWith(n) ? 1 : editDistance(n, k);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(s: string, t: string): number {
  let prev = Array.from({ length: t.length + 1 }, (_, i) => i);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) {
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

const TOP_LEVEL_KEYS = ['$schema', 'extends', 'rules', 'ignore', 'overrides', 'mandatory'];

/** Validates a parsed configuration; returns every problem found, each with the path of its key. */
export function validateConfig(raw: unknown, rules: readonly AnyRule[]): ConfigProblem[] {
  if (!isPlainObject(raw)) return [{ path: [], message: `a configuration must be an object, found ${describe(raw)}` }];
  const problems: ConfigProblem[] = [];
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const key of Object.keys(raw)) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    const hint = didYouMean(key, TOP_LEVEL_KEYS);
    problems.push({ path: [key], message: `unknown key "${key}"${hint ? `; did you mean "${hint}"?` : ` (keys: ${TOP_LEVEL_KEYS.join(', ')})`}` });
  }
  if (raw.$schema !== undefined && typeof raw.$schema !== 'string') problems.push({ path: ['$schema'], message: 'expected a string' });
  if (raw.extends !== undefined) {
    const list = Array.isArray(raw.extends) ? raw.extends : [raw.extends];
    list.forEach((name, i) => {
      const at = Array.isArray(raw.extends) ? ['extends', i] : ['extends'];
      if (typeof name === 'string' && (PRESETS as readonly string[]).includes(name)) return;
      const hint = typeof name === 'string' ? didYouMean(name, PRESETS) : undefined;
      problems.push({ path: at, message: `unknown preset ${describe(name)}${hint ? `; did you mean "${hint}"?` : ''} (presets: ${PRESETS.join(', ')})` });
    });
  }
  if (raw.rules !== undefined) problems.push(...validateRuleSettings(raw.rules, ['rules'], byId));
  for (const key of ['ignore', 'mandatory'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) {
      problems.push({ path: [key], message: `expected a list of ${key === 'ignore' ? 'glob patterns' : 'rule ids'}, found ${describe(v)}` });
      continue;
    }
    v.forEach((item, i) => {
      if (typeof item !== 'string') problems.push({ path: [key, i], message: `expected a string, found ${describe(item)}` });
      else if (key === 'mandatory' && !byId.has(item)) problems.push({ path: [key, i], message: unknownRuleMessage(item, byId.keys()) });
      else if (key === 'ignore') problems.push(...globProblems(item, [key, i]));
    });
  }
  if (raw.overrides !== undefined) {
    if (!Array.isArray(raw.overrides)) problems.push({ path: ['overrides'], message: `expected a list of { files, rules }, found ${describe(raw.overrides)}` });
    else raw.overrides.forEach((o, i) => problems.push(...validateOverride(o, ['overrides', i], byId)));
  }
  return problems;
}

function validateOverride(o: unknown, path: (string | number)[], byId: Map<string, AnyRule>): ConfigProblem[] {
  if (!isPlainObject(o)) return [{ path, message: `expected { files: [...], rules: {...} }, found ${describe(o)}` }];
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(o)) {
    if (key !== 'files' && key !== 'rules') problems.push({ path: [...path, key], message: `unknown key "${key}" in an override (keys: files, rules)` });
  }
  const files = o.files;
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string')) {
    problems.push({ path: [...path, 'files'], message: 'an override needs "files": a non-empty list of glob patterns' });
  } else files.forEach((f, i) => problems.push(...globProblems(f as string, [...path, 'files', i])));
  if (o.rules === undefined) problems.push({ path, message: 'an override needs "rules"' });
  else problems.push(...validateRuleSettings(o.rules, [...path, 'rules'], byId));
  return problems;
}

function globProblems(pattern: string, path: (string | number)[]): ConfigProblem[] {
  if (pattern.trim() === '') return [{ path, message: 'an empty glob pattern matches nothing' }];
  try {
    globToRegExp(pattern);
    return [];
  } catch {
    return [{ path, message: `invalid glob pattern "${pattern}"` }];
  }
}

export function unknownRuleMessage(id: string, known: Iterable<string>): string {
  const hint = didYouMean(id, known);
  return `unknown rule "${id}"${hint ? `; did you mean "${hint}"?` : ' (`lambda-lint rules` lists them)'}`;
}

function validateRuleSettings(value: unknown, path: (string | number)[], byId: Map<string, AnyRule>): ConfigProblem[] {
  if (!isPlainObject(value)) return [{ path, message: `expected an object of rule id to setting, found ${describe(value)}` }];
  const problems: ConfigProblem[] = [];
  for (const [id, setting] of Object.entries(value)) {
    const at = [...path, id];
    const rule = byId.get(id);
    if (!rule) {
      problems.push({ path: at, message: unknownRuleMessage(id, byId.keys()) });
      continue;
    }
    const [level, options, ...rest] = Array.isArray(setting) ? setting : [setting];
    const levelPath = Array.isArray(setting) ? [...at, 0] : at;
    if (typeof level !== 'string' || !(SEVERITY_SETTINGS as readonly string[]).includes(level)) {
      const hint = typeof level === 'string' ? didYouMean(level, SEVERITY_SETTINGS) : undefined;
      problems.push({
        path: levelPath,
        message: `rule "${id}": severity must be "off", "info", "warning" or "error" (or [severity, options]), found ${describe(level)}${hint ? `; did you mean "${hint}"?` : ''}`,
      });
    }
    if (options !== undefined) {
      problems.push(...validateAgainstSchema(options, optionsSchemaOf(rule), [...at, 1]).map((p) => ({ ...p, message: `rule "${id}": ${p.message}` })));
    }
    if (rest.length > 0) problems.push({ path: [...at, 2], message: `rule "${id}": expected [severity, options], found ${setting instanceof Array ? setting.length : 0} items` });
  }
  return problems;
}

const STRICTER: Record<Severity, Severity> = { info: 'warning', warning: 'error', error: 'error' };

/**
 * The rule settings a preset stands for. `recommended`: every rule at its default severity,
 * experimental rules off. `strict`: the same rules one level stricter (info becomes warning,
 * warning becomes error). `all`: every rule, experimental ones included, at its default severity.
 */
export function presetRules(preset: PresetName, rules: readonly AnyRule[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const rule of rules) {
    if (preset === 'all') out[rule.id] = rule.severity;
    else if (rule.experimental) out[rule.id] = 'off';
    else out[rule.id] = preset === 'strict' ? STRICTER[rule.severity] : rule.severity;
  }
  return out;
}

/**
 * Turns a validated user configuration into what the engine runs: presets expanded in order,
 * then the file's own `rules` on top (a severity alone keeps options set by an earlier layer).
 */
export function toLintConfig(user: UserConfig, rules: readonly AnyRule[], baseDir: string): LintConfig {
  const presets = user.extends === undefined ? [] : Array.isArray(user.extends) ? user.extends : [user.extends];
  let merged: Record<string, RuleSetting> = {};
  for (const p of presets) merged = mergeRuleSettings(merged, presetRules(p, rules));
  merged = mergeRuleSettings(merged, user.rules ?? {});
  return {
    rules: merged,
    ...(user.ignore?.length ? { ignore: [...user.ignore] } : {}),
    ...(user.overrides?.length ? { overrides: user.overrides.map((o) => ({ files: [...o.files], rules: { ...o.rules } })) } : {}),
    ...(user.mandatory?.length ? { mandatory: [...user.mandatory] } : {}),
    baseDir,
  };
}

export function mergeRuleSettings(base: Record<string, RuleSetting>, top: Record<string, RuleSetting>): Record<string, RuleSetting> {
  const out = { ...base };
  for (const [id, setting] of Object.entries(top)) {
    const [level, options] = Array.isArray(setting) ? setting : [setting, undefined];
    const prev = out[id];
    const prevOptions = Array.isArray(prev) ? prev[1] : undefined;
    const opts = options ?? prevOptions;
    out[id] = opts === undefined ? level : [level, opts];
  }
  return out;
}

export interface EffectiveRule {
  severity: SeveritySetting;
  options: Record<string, unknown>;
}

/**
 * The severity and options of every rule for one file: defaults, then `rules`, then each override
 * whose `files` match, in order. `relativeFile` is relative to the configuration's base directory;
 * undefined (a file outside it) gets no overrides.
 */
export function effectiveRules(rules: readonly AnyRule[], config: LintConfig, relativeFile: string | undefined): Map<string, EffectiveRule> {
  let settings = config.rules ?? {};
  if (relativeFile !== undefined) {
    for (const o of config.overrides ?? []) if (matchesAny(relativeFile, o.files)) settings = mergeRuleSettings(settings, o.rules);
  }
  const out = new Map<string, EffectiveRule>();
  for (const rule of rules) {
    const setting = settings[rule.id];
    const [level, options] = Array.isArray(setting) ? setting : [setting, undefined];
    out.set(rule.id, {
      severity: level ?? (rule.experimental ? 'off' : rule.severity),
      options: { ...(rule.defaultOptions as Record<string, unknown>), ...(options ?? {}) },
    });
  }
  return out;
}

/** Whether `file` (absolute) is excluded by the configuration's `ignore` globs. */
export function isIgnored(config: LintConfig, file: string, fallbackBase: string): boolean {
  if (!config.ignore?.length) return false;
  const rel = relativeTo(config.baseDir ?? fallbackBase, file);
  return rel !== undefined && rel !== '' && matchesAny(rel, config.ignore);
}

/** The effective configuration for one file, as `--print-config` shows it. */
export function printableConfig(rules: readonly AnyRule[], config: LintConfig, relativeFile: string | undefined, ignored: boolean): object {
  const effective = effectiveRules(rules, config, relativeFile);
  const ruleSettings: Record<string, RuleSetting> = {};
  for (const rule of [...rules].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const e = effective.get(rule.id)!;
    ruleSettings[rule.id] = Object.keys(e.options).length ? [e.severity, e.options] : e.severity;
  }
  return {
    ...(relativeFile !== undefined ? { file: relativeFile } : {}),
    ignored,
    mandatory: [...(config.mandatory ?? [])].sort(),
    ignore: [...(config.ignore ?? [])],
    rules: ruleSettings,
  };
}

/**
 * The distinct option sets a rule runs with: the base one and those of the overrides that set its
 * options. The engine runs the rule once per set and keeps each finding from the run whose options
 * apply to the finding's file.
 */
export function optionVariants(rule: AnyRule, config: LintConfig): Record<string, unknown>[] {
  const base = effectiveRules([rule], config, undefined).get(rule.id)!;
  const variants = new Map([[stableKey(base.options), base.options]]);
  for (const o of config.overrides ?? []) {
    const setting = o.rules[rule.id];
    // Options given in a layer replace the earlier ones whole, so a file's options are the base
    // ones or those of the last matching override that sets them.
    if (!Array.isArray(setting) || setting[1] === undefined) continue;
    const options = effectiveRules([rule], { rules: { [rule.id]: setting } }, undefined).get(rule.id)!.options;
    variants.set(stableKey(options), options);
  }
  return [...variants.values()];
}

/** JSON with object keys sorted: equal option sets give equal keys whatever order they were written in. */
export function stableKey(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
