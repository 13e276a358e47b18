import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { applyBaseline, BaselineError, cachedLineText, ConfigError, createBaseline, parseBaseline, serializeBaseline, type Finding } from '@lambda-lint/core';
import { toPosix, type Host } from '@lambda-lint/linter';

export const DEFAULT_BASELINE = 'lambda-lint-baseline.json';

const findingsCount = (n: number) => `${n} finding${n === 1 ? '' : 's'}`;

/** What `--update-baseline` tells on stderr. */
export function baselineWrittenMessage(written: number, path: string): string {
  return `lambda-lint: wrote ${findingsCount(written)} to the baseline ${path}\n`;
}

/** What `--baseline` tells on stderr: how many it hid, and how many are new. */
export function baselineAppliedMessage(hidden: number, shown: number, path: string, stale = 0): string {
  const gone = stale > 0 ? `; ${findingsCount(stale)} of it no longer reported (remove with --update-baseline)` : '';
  return `lambda-lint: ${findingsCount(hidden)} hidden by the baseline ${path}, ${shown} not in it${gone}\n`;
}

/**
 * `--baseline <file>`: the findings not in the baseline, and how many it hid. Findings of
 * `mandatory` rules are never hidden: a baseline is a suppression too.
 */
export function filterByBaseline(
  host: Host,
  cwd: string,
  path: string,
  findings: Finding[],
  root: string,
  mandatory: ReadonlySet<string> = new Set(),
): { findings: Finding[]; baselined: number; stale: number } {
  const abs = toPosix(resolve(cwd, path));
  const bytes = host.readFile(abs);
  if (!bytes) throw new ConfigError(`baseline file not found: ${path} (create it with --update-baseline)`);
  let baseline;
  try {
    baseline = parseBaseline(new TextDecoder().decode(bytes));
  } catch (e) {
    if (e instanceof BaselineError) throw new ConfigError(`${path} is not a lambda-lint baseline: ${e.message}`);
    throw e;
  }
  const { kept, baselined, stale } = applyBaseline(
    findings.filter((f) => !mandatory.has(f.ruleId)),
    { ...baseline, entries: baseline.entries.filter((e) => !mandatory.has(e.ruleId)) },
    root,
    cachedLineText((file) => host.readFile(file)),
  );
  // Back in the run's order (file, line, column), mandatory findings included.
  const keptSet = new Set<Finding>(kept);
  return { findings: findings.filter((f) => mandatory.has(f.ruleId) || keptSet.has(f)), baselined, stale };
}

/** `--update-baseline`: writes the current findings (not those of `mandatory` rules) to the baseline file; returns how many. */
export function writeBaseline(host: Host, cwd: string, path: string, findings: Finding[], root: string, mandatory: ReadonlySet<string> = new Set()): number {
  const abs = resolve(cwd, path);
  const baseline = createBaseline(
    findings.filter((f) => !mandatory.has(f.ruleId)),
    root,
    cachedLineText((file) => host.readFile(file)),
  );
  try {
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, serializeBaseline(baseline));
  } catch (e) {
    throw new ConfigError(`cannot write the baseline to ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return baseline.entries.reduce((n, e) => n + (e.count ?? 1), 0);
}
