/**
 * Baselines: the findings a team accepts today, so that a run reports only new ones. Entries are
 * keyed by {@link fingerprint} (no line numbers), so edits elsewhere in a file keep them matching.
 * The file is sorted, one entry per line of JSON, with a count for identical findings, so that it
 * diffs well in review.
 */
import type { Finding } from './engine.js';
import { fingerprint, lineOf } from './fingerprint.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** Relative to the project root, `/` separators. */
  file: string;
  /** For the human reading the file; matching uses the fingerprint only. */
  message: string;
  /** How many identical findings the entry stands for, when more than one. */
  count?: number;
}

export interface Baseline {
  version: number;
  entries: BaselineEntry[];
}

/** Finds the text of a line of a file (absolute path, 1-based line); '' when unknown. */
export type LineText = (file: string, line: number) => string;

/** A {@link LineText} over files read with `readFile` (a linter host, a git revision), each file read and decoded once. */
export function cachedLineText(readFile: (file: string) => Uint8Array | undefined): LineText {
  const texts = new Map<string, string>();
  return (file, line) => {
    let text = texts.get(file);
    if (text === undefined) {
      const bytes = readFile(file);
      text = bytes ? new TextDecoder().decode(bytes) : '';
      texts.set(file, text);
    }
    return lineOf(text, line);
  };
}

/** The fingerprint of a finding of a run rooted at `root`. */
export function findingFingerprint(f: Finding, root: string, lineText: LineText): string {
  return fingerprint({
    ruleId: f.ruleId,
    file: relativeFile(root, f.loc.file),
    ...(f.function ? { function: f.function } : {}),
    ...(f.resource ? { resource: f.resource } : {}),
    message: f.message,
    lineText: lineText(f.loc.file, f.loc.line),
  });
}

function relativeFile(root: string, file: string): string {
  const base = root.endsWith('/') ? root : `${root}/`;
  return file.startsWith(base) ? file.slice(base.length) : file;
}

export function createBaseline(findings: readonly Finding[], root: string, lineText: LineText): Baseline {
  const byKey = new Map<string, BaselineEntry>();
  for (const f of findings) {
    const fp = findingFingerprint(f, root, lineText);
    const entry = byKey.get(fp);
    if (entry) entry.count = (entry.count ?? 1) + 1;
    else byKey.set(fp, { fingerprint: fp, ruleId: f.ruleId, file: relativeFile(root, f.loc.file), message: f.message });
  }
  const entries = [...byKey.values()].sort(
    (a, b) => cmp(a.file, b.file) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message) || cmp(a.fingerprint, b.fingerprint),
  );
  return { version: BASELINE_VERSION, entries };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The baseline as a file: stable key order, one entry per line, trailing newline. */
export function serializeBaseline(baseline: Baseline): string {
  const lines = baseline.entries.map((e) => {
    const ordered: BaselineEntry = { fingerprint: e.fingerprint, ruleId: e.ruleId, file: e.file, message: e.message };
    if (e.count !== undefined && e.count > 1) ordered.count = e.count;
    return `    ${JSON.stringify(ordered)}`;
  });
  return `{\n  "version": ${baseline.version},\n  "entries": [${lines.length ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
}

export class BaselineError extends Error {}

/** Parses a baseline file; throws {@link BaselineError} with a reason when it is not one. */
export function parseBaseline(text: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`not valid JSON (${(e as Error).message})`);
  }
  const obj = raw as Partial<Baseline> | null;
  if (!obj || typeof obj !== 'object' || !Array.isArray(obj.entries)) throw new BaselineError('expected an object with "version" and "entries"');
  if (obj.version !== BASELINE_VERSION) throw new BaselineError(`unsupported version ${JSON.stringify(obj.version)} (this lambda-lint writes version ${BASELINE_VERSION}); regenerate it with --update-baseline`);
  obj.entries.forEach((e, i) => {
    if (!e || typeof e.fingerprint !== 'string' || typeof e.ruleId !== 'string') throw new BaselineError(`entry ${i + 1} has no "fingerprint" or "ruleId"`);
    if (e.count !== undefined && (!Number.isInteger(e.count) || e.count < 1)) throw new BaselineError(`entry ${i + 1}: "count" must be a whole number of 1 or more`);
  });
  return { version: obj.version, entries: obj.entries };
}

/**
 * Drops the findings the baseline accounts for. An entry with a count hides at most that many
 * identical findings: a further copy of a baselined finding is new. Also counts the baselined
 * findings that are gone, so that users know when to prune the file.
 */
export function applyBaseline<F extends Finding>(
  findings: readonly F[],
  baseline: Baseline,
  root: string,
  lineText: LineText,
): { kept: F[]; baselined: number; /** Baselined findings that are gone (fixed, or changed beyond recognition). */ stale: number } {
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) remaining.set(e.fingerprint, (remaining.get(e.fingerprint) ?? 0) + (e.count ?? 1));
  const kept: F[] = [];
  let baselined = 0;
  for (const f of findings) {
    const fp = findingFingerprint(f, root, lineText);
    const left = remaining.get(fp) ?? 0;
    if (left > 0) {
      remaining.set(fp, left - 1);
      baselined++;
    } else kept.push(f);
  }
  let stale = 0;
  for (const left of remaining.values()) stale += left;
  return { kept, baselined, stale };
}
