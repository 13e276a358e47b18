/**
 * Inline suppressions: comment directives in YAML and TypeScript/JavaScript and CloudFormation
 * `Metadata.lambda-lint.ignore` entries. The readers find the comments and metadata; this module
 * parses directive text, decides which findings each suppression silences and what is wrong with
 * the suppressions themselves. A suppression applies to findings whose primary location starts on
 * the lines it covers: related locations never count.
 */
import { didYouMean } from './config.js';
import type { Loc } from './loc.js';

/** `enable` is not a suppression: it ends the `rest-of-file` suppressions of its ids above it. */
export type SuppressionKind = 'line' | 'next-line' | 'rest-of-file' | 'resource' | 'enable';

/** One rule id named by a suppression, with the exact range of the id in the comment or metadata. */
export interface SuppressionTarget {
  ruleId: string;
  loc: Loc;
}

export interface Suppression {
  kind: SuppressionKind;
  /** The whole comment, or the metadata `ignore` entry. */
  loc: Loc;
  /** Empty when the directive names no rule: it silences nothing and is reported. */
  targets: SuppressionTarget[];
  /** Trimmed text after `--` (or the metadata `reason`); undefined when absent or empty. */
  reason?: string;
  /** Findings whose primary location starts in [fromLine, toLine] of `loc.file` are covered. */
  fromLine: number;
  toLine: number;
  /** For metadata suppressions: the logical id of the resource. */
  resource?: string;
  /**
   * `eslint`: an `eslint-disable... lambda-lint/<id>` comment in code, honoured so that code annotated
   * for the ESLint plugin lints the same in the CLI. ESLint judges those comments itself (unused
   * directives, descriptions), so the suppression rules do not.
   */
  origin?: 'eslint';
}

/** What became of each rule id of each suppression after the run. */
export type SuppressionState =
  /** It silenced at least one finding. */
  | 'used'
  /** The rule ran on the covered lines and reported nothing there. */
  | 'unused'
  /** No rule has this id. */
  | 'unknown-rule'
  /** An id of a `lambda-lint-enable` directive: not judged. */
  | 'enable'
  /** The rule is `mandatory` in the configuration: the suppression does not apply. */
  | 'mandatory'
  /** The rule is off for this file: nothing can be said about the suppression. */
  | 'not-run';

export interface SuppressionStatus {
  suppression: Suppression;
  target: SuppressionTarget;
  state: SuppressionState;
  /** How many findings it silenced. */
  count: number;
  /** The last line it covers: the suppression's, or the line before a later `lambda-lint-enable` of the rule. */
  toLine: number;
  /** For an unknown rule id: the closest known one. */
  suggestion?: string;
}

export interface ParsedDirective {
  kind: 'line' | 'next-line' | 'rest-of-file' | 'enable';
  /** Rule ids with their offsets in the comment text. */
  ids: { ruleId: string; start: number; end: number }[];
  reason?: string;
  origin?: 'eslint';
}

const ESLINT_DIRECTIVE = /^(\s*)eslint-(disable-next-line|disable-line|disable|enable)(?=\s|$)/;
const ESLINT_PREFIX = 'lambda-lint/';

const DIRECTIVE = /^(\s*)lambda-lint-(disable-next-line|disable-line|disable|enable)(?=\s|$)/;

/**
 * Parses the text of one comment, without its markers (`#`, `//`, `/*`): `lambda-lint-disable-next-line`,
 * `lambda-lint-disable-line` (the comment's own line) or `lambda-lint-disable` (rest of the file), e.g.
 * ` lambda-lint-disable-next-line memory-size, explicit-timeout -- sized by load test`.
 * Returns undefined when the comment is not a directive.
 */
export function parseDirective(body: string): ParsedDirective | undefined {
  const eslint = ESLINT_DIRECTIVE.exec(body);
  if (eslint) return eslintDirective(body, eslint);
  const m = DIRECTIVE.exec(body);
  if (!m) return undefined;
  const idsStart = m[0].length;
  const sep = body.search(/(^|\s)--(\s|$)/);
  const sepAt = sep < idsStart ? -1 : body.indexOf('--', sep);
  const idsText = body.slice(idsStart, sepAt < 0 ? body.length : sepAt);
  const reason = sepAt < 0 ? undefined : body.slice(sepAt + 2).trim() || undefined;
  const ids: ParsedDirective['ids'] = [];
  const idPattern = /[^\s,]+/g;
  for (let id = idPattern.exec(idsText); id; id = idPattern.exec(idsText)) {
    ids.push({ ruleId: id[0], start: idsStart + id.index, end: idsStart + id.index + id[0].length });
  }
  return { kind: kindOf(m[2]!), ids, ...(reason ? { reason } : {}) };
}

function kindOf(word: string): ParsedDirective['kind'] {
  return word === 'disable' ? 'rest-of-file' : word === 'disable-line' ? 'line' : word === 'enable' ? 'enable' : 'next-line';
}

/**
 * `eslint-disable-next-line lambda-lint/memory-size, no-console -- why`: the `lambda-lint/` ids only.
 * A comment without one (a bare `eslint-disable`, other plugins' rules) is not a lambda-lint directive.
 */
function eslintDirective(body: string, m: RegExpExecArray): ParsedDirective | undefined {
  const rest = parseDirective(body.slice(0, m[1]!.length) + 'lambda-lint-' + body.slice(m[1]!.length + 'eslint-'.length));
  if (!rest) return undefined;
  const shift = 'lambda-lint-'.length - 'eslint-'.length;
  const ids = rest.ids
    .filter((id) => id.ruleId.startsWith(ESLINT_PREFIX) && id.ruleId.length > ESLINT_PREFIX.length)
    .map((id) => ({ ruleId: id.ruleId.slice(ESLINT_PREFIX.length), start: id.start - shift + ESLINT_PREFIX.length, end: id.end - shift }));
  if (ids.length === 0) return undefined;
  return { kind: rest.kind, ids, ...(rest.reason ? { reason: rest.reason } : {}), origin: 'eslint' };
}

/** What the suppression rules see: every suppression of the run, and the state of each rule id in them. */
export interface SuppressionOutcome {
  suppressions: readonly Suppression[];
  statuses: readonly SuppressionStatus[];
}

/**
 * A suppression from a comment. `bodyLoc` is where `body` starts (after the comment marker) and
 * must be on a single line for the id ranges to be exact; `commentLoc` is the whole comment.
 */
export function suppressionFromComment(body: string, bodyStart: { line: number; column: number }, commentLoc: Loc, lastLine: number): Suppression | undefined {
  const d = parseDirective(body);
  if (!d) return undefined;
  // Ids are on the first line of the comment: a directive's ids do not continue on the next line.
  const targets = d.ids.map((id) => ({
    ruleId: id.ruleId,
    loc: { file: commentLoc.file, line: bodyStart.line, column: bodyStart.column + id.start, endLine: bodyStart.line, endColumn: bodyStart.column + id.end },
  }));
  const next = commentLoc.endLine + 1;
  return {
    kind: d.kind,
    loc: commentLoc,
    targets,
    ...(d.reason ? { reason: d.reason } : {}),
    ...(d.origin ? { origin: d.origin } : {}),
    // `disable-line` covers the line the comment starts on (a trailing comment).
    fromLine: d.kind === 'next-line' ? next : d.kind === 'line' || d.kind === 'enable' ? commentLoc.line : commentLoc.endLine,
    toLine: d.kind === 'next-line' ? next : d.kind === 'line' || d.kind === 'enable' ? commentLoc.line : Math.max(lastLine, commentLoc.endLine),
  };
}

export interface FindingPlace {
  ruleId: string;
  loc: Loc;
}

export interface ApplyOptions {
  knownRuleIds: ReadonlySet<string>;
  mandatory: ReadonlySet<string>;
  /** Whether the rule is enabled for the file (not off there). */
  ruleRan(ruleId: string, file: string): boolean;
}

/**
 * Splits findings into kept and suppressed and reports the state of every suppression target.
 * A finding is silenced by every suppression that covers it (so two overlapping suppressions are
 * both used), unless its rule is mandatory.
 */
export function applySuppressions<F extends FindingPlace>(
  findings: readonly F[],
  suppressions: readonly Suppression[],
  options: ApplyOptions,
): { kept: F[]; suppressed: F[]; statuses: SuppressionStatus[] } {
  const statuses: SuppressionStatus[] = [];
  const byFile = new Map<string, SuppressionStatus[]>();
  for (const suppression of suppressions) {
    for (const target of suppression.targets) {
      const state = initialState(suppression, target.ruleId, options);
      const suggestion = state === 'unknown-rule' ? didYouMean(target.ruleId, options.knownRuleIds) : undefined;
      const toLine = suppression.kind === 'rest-of-file' ? enabledAt(suppressions, suppression, target.ruleId) - 1 : suppression.toLine;
      const status: SuppressionStatus = { suppression, target, state, count: 0, toLine, ...(suggestion ? { suggestion } : {}) };
      statuses.push(status);
      if (state !== 'unused') continue;
      const list = byFile.get(suppression.loc.file) ?? [];
      list.push(status);
      byFile.set(suppression.loc.file, list);
    }
  }
  const kept: F[] = [];
  const suppressed: F[] = [];
  for (const f of findings) {
    let silenced = false;
    for (const s of byFile.get(f.loc.file) ?? []) {
      if (s.target.ruleId !== f.ruleId || f.loc.line < s.suppression.fromLine || f.loc.line > s.toLine) continue;
      s.count++;
      silenced = true;
    }
    (silenced ? suppressed : kept).push(f);
  }
  for (const s of statuses) if (s.state === 'unused' && s.count > 0) s.state = 'used';
  return { kept, suppressed, statuses };
}

/** The line of the first `lambda-lint-enable` of `ruleId` at or below a `rest-of-file` suppression (past the end when none). */
function enabledAt(all: readonly Suppression[], disable: Suppression, ruleId: string): number {
  let line = disable.toLine + 1;
  for (const s of all) {
    if (s.kind !== 'enable' || s.loc.file !== disable.loc.file || s.loc.line < disable.loc.endLine || s.loc.line >= line) continue;
    // A bare `lambda-lint-enable` ends every rule's suppression.
    if (s.targets.length === 0 || s.targets.some((t) => t.ruleId === ruleId)) line = s.loc.line;
  }
  return line;
}

function initialState(suppression: Suppression, ruleId: string, options: ApplyOptions): SuppressionState {
  if (!options.knownRuleIds.has(ruleId)) return 'unknown-rule';
  if (suppression.kind === 'enable') return 'enable';
  if (options.mandatory.has(ruleId)) return 'mandatory';
  return options.ruleRan(ruleId, suppression.loc.file) ? 'unused' : 'not-run';
}
