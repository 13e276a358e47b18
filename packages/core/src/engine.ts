import { compareLoc, type Loc } from './loc.js';
import type { AppModel, LambdaFunction } from './model.js';
import type { ReviewContext } from './review.js';
import { effectiveRules, isIgnored, optionVariants, stableKey, type ConfigOverride, type EffectiveRule } from './config.js';
import { relativeTo } from './config-glob.js';
import { applySuppressions, type Suppression, type SuppressionOutcome } from './suppressions.js';
import {
  formatMessage,
  type AnyRule,
  type HandlerBinding,
  type RelatedLocation,
  type Report,
  type Severity,
  type SeveritySetting,
} from './rule.js';

export interface Finding {
  ruleId: string;
  messageId: string;
  severity: Severity;
  message: string;
  loc: Loc;
  function?: string;
  resource?: string;
  related?: RelatedLocation[];
}

export type RuleSetting = SeveritySetting | [SeveritySetting] | [SeveritySetting, Record<string, unknown>];

export interface LintConfig {
  rules?: Record<string, RuleSetting>;
  /** Per-path settings, applied in order on top of `rules` for findings whose file matches. */
  overrides?: ConfigOverride[];
  /** Globs of files whose findings are dropped (discovery skips them too). */
  ignore?: string[];
  /** Rules whose findings no suppression can silence. */
  mandatory?: string[];
  /** Absolute directory the globs are relative to (the configuration file's); default: the project root. */
  baseDir?: string;
}

export interface RunInput {
  model: AppModel;
  rules: readonly AnyRule[];
  handlers?: readonly HandlerBinding[];
  config?: LintConfig;
  today?: Date;
  /** Review mode: what the change does to the stack, for the rules of scope `review`. */
  review?: ReviewContext;
  /** Inline suppressions found in the files of the run (comments and resource metadata). */
  suppressions?: readonly Suppression[];
  /** Receives a rule that threw: the run goes on with the other rules, and the caller decides the exit code. */
  onRuleError?: (ruleId: string, error: unknown) => void;
  /**
   * A part of a split run: the functions whose code this part analysed. A report about another
   * function is dropped (its own part, which has its code, reports it); reports about no function are kept.
   */
  reportsAbout?: ReadonlySet<LambdaFunction>;
  /**
   * Only the findings located in this file (absolute path) are wanted, e.g. the ESLint plugin
   * re-linting one edited file: a report elsewhere is dropped before it is made into a finding.
   */
  findingsIn?: string;
}

export class ConfigError extends Error {}

interface ResolvedRule {
  rule: AnyRule;
  severity: Severity;
  options: object;
}

export function resolveRules(rules: readonly AnyRule[], config: LintConfig = {}): ResolvedRule[] {
  return settledOf(rules, config)?.enabled ?? resolveRulesNow(rules, config);
}

function resolveRulesNow(rules: readonly AnyRule[], config: LintConfig): ResolvedRule[] {
  const known = new Set(rules.map((r) => r.id));
  const named = [...Object.keys(config.rules ?? {}), ...(config.overrides ?? []).flatMap((o) => Object.keys(o.rules)), ...(config.mandatory ?? [])];
  for (const id of named) {
    if (!known.has(id)) throw new ConfigError(`unknown rule "${id}" in configuration`);
  }
  // A rule that is off by default but on for some files must run; its findings elsewhere are dropped.
  const onInOverride = new Set(
    (config.overrides ?? []).flatMap((o) => Object.entries(o.rules).filter(([, s]) => (Array.isArray(s) ? s[0] : s) !== 'off').map(([id]) => id)),
  );
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const setting = config.rules?.[rule.id];
    const [level, options] = Array.isArray(setting) ? setting : [setting, undefined];
    const severity: SeveritySetting | undefined = level ?? (rule.experimental ? 'off' : rule.severity);
    if (!['error', 'warning', 'info', 'off'].includes(severity)) {
      throw new ConfigError(`rule "${rule.id}": severity must be error, warning, info or off, not "${String(severity)}"`);
    }
    if (severity === 'off' && !onInOverride.has(rule.id)) continue;
    // Off by default but on through an override: the per-file severity decides each finding's level.
    resolved.push({ rule, severity: severity === 'off' ? rule.severity : severity, options: { ...rule.defaultOptions, ...(options ?? {}) } });
  }
  return resolved;
}

/** Runs the enabled rules over the model and returns findings sorted by file, line, column, without duplicates. */
export function runRules(input: RunInput): Finding[] {
  return finishRun(input, checkRules(input, (rule) => !isSuppressionRule(rule)));
}

/**
 * A finding as a rule run left it, before {@link finishRun}: a finding that concerns several
 * functions keeps what it takes to merge it with the same finding from another part of a split run.
 */
export interface CheckedFinding extends Finding {
  concerns?: {
    /** Indexes of the functions in `model.functions`. */
    fns: number[];
    codeFunction?: string;
    data: Record<string, string | number>;
    resource?: string;
  };
}

/** Suppression rules judge the suppressions, so they run after every other rule (in {@link finishRun}). */
export function isSuppressionRule(rule: AnyRule): boolean {
  return rule.category === 'suppressions';
}

/**
 * Runs the enabled rules that `include` selects (never the suppression rules) and returns their
 * findings unsorted. A run split over threads calls it once per part, then {@link finishRun} on all.
 */
export function checkRules(input: RunInput, include: (rule: AnyRule) => boolean): CheckedFinding[] {
  const run = ruleRunner(input);
  const findings: CheckedFinding[] = [];
  for (const { rule } of run.enabled) {
    if (isSuppressionRule(rule) || !include(rule)) continue;
    for (const variant of run.variantsOf(rule)) run.runRule(rule, variant, findings);
  }
  return findings;
}

/** A rule's option sets (one per distinct set the configuration gives some files), each with its key. */
interface OptionsVariant {
  options: Record<string, unknown>;
  key: string;
}

function variantsNow(rule: AnyRule, config: LintConfig): OptionsVariant[] {
  return optionVariants(rule, config).map((options) => ({ options, key: stableKey(options) }));
}

/** A file's rule settings (severity and options of every rule) and whether the configuration ignores it. */
interface FileSettings {
  rules: Map<string, EffectiveRule>;
  ignored: boolean;
}

/**
 * What the engine derives from a rule list and a configuration that cannot change (both deeply
 * frozen: the ESLint plugin's shared settings), derived once: the plugin runs the engine again on
 * every edit with the same objects, and resolving the rules, their option variants and each file's
 * settings (serialising options to compare them) was redone each time.
 */
interface SettledSettings {
  enabled: ResolvedRule[];
  variants: Map<AnyRule, OptionsVariant[]>;
  /** By base directory and file. */
  files: Map<string, FileSettings>;
}

const settled = new WeakMap<LintConfig, WeakMap<readonly AnyRule[], SettledSettings>>();

/** The kept derivations of `rules` and `config` when neither can change, else undefined (derived per run). */
function settledOf(rules: readonly AnyRule[], config: LintConfig): SettledSettings | undefined {
  if (!Object.isFrozen(rules) || !deeplyFrozen(config)) return undefined;
  let byRules = settled.get(config);
  if (!byRules) settled.set(config, (byRules = new WeakMap()));
  let out = byRules.get(rules);
  if (!out) {
    // Resolved first: a configuration error is thrown again on every run, never kept.
    out = { enabled: resolveRulesNow(rules, config), variants: new Map(), files: new Map() };
    byRules.set(rules, out);
  }
  return out;
}

/** Objects known to be frozen with everything they hold (which stays so). */
const frozenThrough = new WeakSet<object>();

function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function';
  if (frozenThrough.has(value)) return true;
  if (!Object.isFrozen(value) || !Object.values(value).every(deeplyFrozen)) return false;
  frozenThrough.add(value);
  return true;
}

/** The key of a file's options for a rule, compared with the variant's on every report: serialised once per options object. */
const optionKeys = new WeakMap<object, string>();

function optionsKeyOf(options: object): string {
  let key = optionKeys.get(options);
  if (key === undefined) optionKeys.set(options, (key = stableKey(options)));
  return key;
}

/**
 * Merges the findings that concern several functions found in several parts of a run, sorts and
 * de-duplicates, applies the suppressions, and runs the suppression rules on what became of them.
 */
export function finishRun(input: RunInput, checked: CheckedFinding[]): Finding[] {
  const run = ruleRunner(input);
  const sorted = sortAndDedupe(mergeConcerns(checked, input));
  // The merge bookkeeping (`concerns`) is the engine's own: never on a finding it returns.
  if (!input.suppressions?.length) return sorted.map(withoutConcerns);
  const { config, enabled, settingsOf } = run;
  const { kept, statuses } = applySuppressions(sorted, input.suppressions, {
    knownRuleIds: new Set(input.rules.map((r) => r.id)),
    mandatory: new Set(config.mandatory ?? []),
    // A review rule runs only with a review context (`lambda-lint diff`).
    ruleRan: (ruleId, file) =>
      !settingsOf(file).ignored &&
      settingsOf(file).rules.get(ruleId)?.severity !== 'off' &&
      enabled.some((e) => e.rule.id === ruleId && (e.rule.scope !== 'review' || input.review !== undefined)),
  });
  // A review rule judges one change, and its suppression stays in the file once the change is merged:
  // a later review that does not see that change must not call it unused.
  for (const s of statuses) if (s.state === 'unused' && enabled.some((e) => e.rule.id === s.target.ruleId && e.rule.scope === 'review')) s.state = 'not-run';
  const outcome: SuppressionOutcome = { suppressions: input.suppressions, statuses };
  const judged: CheckedFinding[] = [...kept];
  for (const { rule } of enabled) {
    if (!isSuppressionRule(rule)) continue;
    for (const variant of run.variantsOf(rule)) run.runRule(rule, variant, judged, outcome);
  }
  return sortAndDedupe(judged.map(withoutConcerns));
}

interface RuleRunner {
  config: LintConfig;
  enabled: ResolvedRule[];
  settingsOf(file: string): FileSettings;
  variantsOf(rule: AnyRule): OptionsVariant[];
  runRule(rule: AnyRule, variant: OptionsVariant, into: CheckedFinding[], suppressions?: SuppressionOutcome): void;
}

function ruleRunner(input: RunInput): RuleRunner {
  const config = input.config ?? {};
  const baseDir = config.baseDir ?? input.model.root;
  const kept = settledOf(input.rules, config);
  const perFile = kept?.files ?? new Map<string, FileSettings>();
  // Severity and options come from the finding's file: `overrides` are per path.
  const settingsOf = (file: string) => {
    const key = `${baseDir}\0${file}`;
    let s = perFile.get(key);
    if (!s) {
      s = { rules: effectiveRules(input.rules, config, relativeTo(baseDir, file)), ignored: isIgnored(config, file, baseDir) };
      perFile.set(key, s);
    }
    return s;
  };
  const variants = kept?.variants ?? new Map<AnyRule, OptionsVariant[]>();
  const variantsOf = (rule: AnyRule): OptionsVariant[] => {
    let out = variants.get(rule);
    if (!out) variants.set(rule, (out = variantsNow(rule, config)));
    return out;
  };
  const enabled = kept?.enabled ?? resolveRulesNow(input.rules, config);
  // Functions the framework adds on its own are not the user's to fix: no rule sees them.
  const model = input.model.functions.some((f) => f.frameworkInternal) ? { ...input.model, functions: input.model.functions.filter((f) => !f.frameworkInternal) } : input.model;
  const handlers = (input.handlers ?? []).filter((h) => !h.fn.frameworkInternal);
  let indexOf: Map<LambdaFunction, number> | undefined;
  const functionIndex = (fn: LambdaFunction): number => {
    indexOf ??= new Map(input.model.functions.map((f, i) => [f, i]));
    return indexOf.get(fn) ?? -1;
  };
  const runRule = (rule: AnyRule, { options, key: variant }: OptionsVariant, into: CheckedFinding[], suppressions?: SuppressionOutcome): void => {
    const report = (r: Report): void => {
      if (input.findingsIn !== undefined && r.loc.file !== input.findingsIn) return;
      const here = settingsOf(r.loc.file);
      const setting = here.rules.get(rule.id)!;
      // Each options variant runs once over the whole model and keeps the findings of the files it applies to.
      if (setting.severity === 'off' || here.ignored || optionsKeyOf(setting.options) !== variant) return;
      const severity = setting.severity;
      const template = rule.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id "${r.messageId}"`);
      let data = r.data;
      let fn = r.fn;
      let concerns: CheckedFinding['concerns'];
      const about = input.reportsAbout;
      if (about && fn && !about.has(fn)) return;
      if (r.concerns) {
        const fns = [...new Set(r.concerns.fns)].filter((f) => !about || about.has(f)).sort((a, b) => functionIndex(a) - functionIndex(b));
        if (fns.length === 0) return;
        if (fns.length === 1) fn = fns[0];
        data = { ...r.data, function: subjectOf(fns.map((f) => f.name), r.concerns.codeFunction) };
        concerns = {
          fns: fns.map(functionIndex),
          data: { ...r.data },
          ...(r.concerns.codeFunction !== undefined ? { codeFunction: r.concerns.codeFunction } : {}),
          ...(r.resource !== undefined ? { resource: r.resource } : {}),
        };
      }
      const finding: CheckedFinding = {
        ruleId: rule.id,
        messageId: r.messageId,
        // A per-finding level can lower or keep the configured one; a user's override to a lower level wins.
        severity: r.severity && rankOf(r.severity) < rankOf(severity) ? r.severity : severity,
        message: formatMessage(template, data),
        loc: r.loc,
      };
      if (fn) finding.function = fn.name;
      const resource = r.resource ?? fn?.constructPath ?? fn?.logicalId;
      if (resource) finding.resource = resource;
      if (r.related?.length) finding.related = r.related;
      if (concerns) finding.concerns = concerns;
      into.push(finding);
    };
    try {
      rule.check({
        model,
        handlers,
        options,
        today: input.today ?? new Date(),
        ...(input.review ? { review: input.review } : {}),
        ...(suppressions ? { suppressions } : {}),
        ...(input.findingsIn !== undefined ? { findingsIn: input.findingsIn } : {}),
        report,
      });
    } catch (error) {
      if (!input.onRuleError) throw error;
      input.onRuleError(rule.id, error);
    }
  };
  return { config, enabled, settingsOf, variantsOf, runRule };
}

/** `handler` for one function, `register, forgot-password (in mailerSettings)` for several. */
function subjectOf(names: readonly string[], codeFunction: string | undefined): string {
  if (names.length === 1) return codeFunction ?? names[0]!;
  return codeFunction === undefined ? names.join(', ') : `${names.join(', ')} (in ${codeFunction})`;
}

/**
 * One finding per rule, message, place and data for the findings that concern several functions:
 * the parts of a split run each saw some of the functions; the merged finding names them all.
 */
function mergeConcerns(findings: CheckedFinding[], input: RunInput): CheckedFinding[] {
  if (!findings.some((f) => f.concerns)) return findings;
  const groups = new Map<string, CheckedFinding[]>();
  const out: CheckedFinding[] = [];
  for (const f of findings) {
    if (!f.concerns) {
      out.push(f);
      continue;
    }
    const key = concernKey(f);
    const group = groups.get(key);
    if (group) group.push(f);
    else {
      groups.set(key, [f]);
      out.push(f);
    }
  }
  const rules = new Map(input.rules.map((r) => [r.id, r]));
  return out.map((f) => {
    const group = f.concerns ? groups.get(concernKey(f))! : [f];
    if (group.length === 1) return f;
    const c = f.concerns!;
    const fns = [...new Set(group.flatMap((g) => g.concerns!.fns))].sort((a, b) => a - b);
    const functions = fns.map((i) => input.model.functions[i]!);
    const data = { ...c.data, function: subjectOf(functions.map((fn) => fn.name), c.codeFunction) };
    const { function: _function, resource: _resource, ...merged } = f;
    const one = functions.length === 1 ? functions[0] : undefined;
    const resource = c.resource ?? one?.constructPath ?? one?.logicalId;
    return {
      ...merged,
      message: formatMessage(rules.get(f.ruleId)!.messages[f.messageId]!, data),
      ...(one ? { function: one.name } : {}),
      ...(resource ? { resource } : {}),
      concerns: { ...c, fns },
    };
  });
}

/** What makes two findings with concerned functions the same finding: everything but the functions. */
function concernKey(f: CheckedFinding): string {
  const { fns: _fns, ...rest } = f.concerns!;
  const l = f.loc;
  return JSON.stringify([f.ruleId, f.messageId, f.severity, l.file, l.line, l.column, l.endLine, l.endColumn, rest, f.related ?? []]);
}

function withoutConcerns(f: CheckedFinding): Finding {
  if (!f.concerns) return f;
  const { concerns: _concerns, ...finding } = f;
  return finding;
}

function rankOf(s: Severity): number {
  return s === 'error' ? 2 : s === 'warning' ? 1 : 0;
}

export function sortAndDedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique: Finding[] = [];
  for (const f of findings) {
    const l = f.loc;
    const key = `${f.ruleId}\0${l.file}\0${l.line}:${l.column}:${l.endLine}:${l.endColumn}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(f);
  }
  return unique.sort((a, b) => compareLoc(a.loc, b.loc) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}
