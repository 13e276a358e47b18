import { compareLoc, type Loc } from './loc.js';
import type { AppModel } from './model.js';
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
}

export interface RunInput {
  model: AppModel;
  rules: readonly AnyRule[];
  handlers?: readonly HandlerBinding[];
  config?: LintConfig;
  today?: Date;
  /** Receives a rule that threw: the run goes on with the other rules, and the caller decides the exit code. */
  onRuleError?: (ruleId: string, error: unknown) => void;
}

export class ConfigError extends Error {}

interface ResolvedRule {
  rule: AnyRule;
  severity: Severity;
  options: object;
}

export function resolveRules(rules: readonly AnyRule[], config: LintConfig = {}): ResolvedRule[] {
  const known = new Set(rules.map((r) => r.id));
  for (const id of Object.keys(config.rules ?? {})) {
    if (!known.has(id)) throw new ConfigError(`unknown rule "${id}" in configuration`);
  }
  const resolved: ResolvedRule[] = [];
  for (const rule of rules) {
    const setting = config.rules?.[rule.id];
    const [level, options] = Array.isArray(setting) ? setting : [setting, undefined];
    const severity: SeveritySetting | undefined = level ?? (rule.experimental ? 'off' : rule.severity);
    if (severity === 'off') continue;
    if (!['error', 'warning', 'info'].includes(severity)) {
      throw new ConfigError(`rule "${rule.id}": severity must be error, warning, info or off, not "${String(severity)}"`);
    }
    resolved.push({ rule, severity, options: { ...rule.defaultOptions, ...(options ?? {}) } });
  }
  return resolved;
}

/** Runs the enabled rules over the model and returns findings sorted by file, line, column, without duplicates. */
export function runRules(input: RunInput): Finding[] {
  const findings: Finding[] = [];
  for (const { rule, severity, options } of resolveRules(input.rules, input.config)) {
    const report = (r: Report): void => {
      const template = rule.messages[r.messageId];
      if (template === undefined) throw new Error(`rule ${rule.id} reported unknown message id "${r.messageId}"`);
      const finding: Finding = {
        ruleId: rule.id,
        messageId: r.messageId,
        // A per-finding level can lower or keep the configured one; a user's override to a lower level wins.
        severity: r.severity && rankOf(r.severity) < rankOf(severity) ? r.severity : severity,
        message: formatMessage(template, r.data),
        loc: r.loc,
      };
      if (r.fn) finding.function = r.fn.name;
      if (r.resource ?? r.fn?.constructPath ?? r.fn?.logicalId) finding.resource = r.resource ?? r.fn?.constructPath ?? r.fn?.logicalId;
      if (r.related?.length) finding.related = r.related;
      findings.push(finding);
    };
    try {
      rule.check({ model: input.model, handlers: input.handlers ?? [], options, today: input.today ?? new Date(), report });
    } catch (error) {
      if (!input.onRuleError) throw error;
      input.onRuleError(rule.id, error);
    }
  }
  return sortAndDedupe(findings);
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
