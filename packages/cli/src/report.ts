import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, type Finding, type LambdaFunction } from '@lambda-lint/core';
import { toPosix, type Host, type LintResult } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { formatters, summarize, type FormatInput, type FunctionInfo } from './formatters/index.js';
import type { CliIO } from './main.js';
import type { SharedLintOptions } from './lint-options.js';

/** The command-line paths, absolute; undefined (with the message written) when one does not exist. */
export function existingPaths(paths: readonly string[], io: CliIO, host: Host): string[] | undefined {
  const absolute = paths.map((p) => toPosix(resolve(io.cwd, p)));
  const missing = absolute.find((p) => !host.kindOf(p));
  if (missing === undefined) return absolute;
  io.stderr(`lambda-lint: no such file or directory: ${missing}\n`);
  return undefined;
}

/** The deepest directory holding all the paths (a file counts as its directory). */
export function commonDir(paths: readonly string[], host: Host): string {
  const dirs = paths.map((p) => (host.kindOf(p) === 'dir' ? p : p.slice(0, p.lastIndexOf('/')) || '/'));
  let common = dirs[0]!.split('/');
  for (const d of dirs.slice(1)) {
    const parts = d.split('/');
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join('/') || '/';
}

export function functionInfo(fn: LambdaFunction): FunctionInfo {
  return { name: fn.name, resource: fn.constructPath ?? fn.logicalId, file: fn.file };
}

/** What a lint run (or a review) reports: its findings, already scoped and filtered by the ignore patterns. */
export interface RunReport {
  findings: Finding[];
  fileCount: number;
  functions: readonly LambdaFunction[];
  internalErrors: LintResult['internalErrors'];
  /** Where the source lines of the report come from. */
  host: Host;
  cwd: string;
  toolVersion: string;
  /** The SARIF / annotation root when it is not `cwd` (a CI checkout). */
  sourceRoot?: string;
  /** How `--max-warnings` calls what it counts: "warnings", "new warnings". */
  warningsCounted: string;
}

/** Formats the findings, prints or writes the report, and returns the exit code (0 clean, 1 errors or too many warnings, 2 internal errors). */
export function reportAndExit(run: RunReport, opts: SharedLintOptions, io: CliIO): number {
  const findings = opts.quiet ? run.findings.filter((f) => f.severity === 'error') : run.findings;
  const summary = summarize(findings, run.fileCount, run.functions.length);
  const color =
    !opts.outputFile && opts.color !== false && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && (io.isTTY || Boolean(io.env.FORCE_COLOR));
  const input: FormatInput = {
    findings,
    summary,
    cwd: run.cwd,
    color,
    rules: allRules,
    functions: run.functions.map(functionInfo),
    toolVersion: run.toolVersion,
    ...(run.sourceRoot !== undefined ? { sourceRoot: run.sourceRoot } : {}),
    sourceText: (file) => {
      const bytes = run.host.readFile(file);
      return bytes ? new TextDecoder().decode(bytes) : undefined;
    },
  };
  // The GitHub Action writes SARIF, annotations and the scorecard from this one run.
  io.onReport?.(input);
  const report = formatters[opts.format]!(input);
  if (opts.outputFile) writeReport(resolve(io.cwd, opts.outputFile), report);
  else io.stdout(report);

  for (const e of run.internalErrors) io.stderr(`lambda-lint: internal error in rule ${e.ruleId}: ${e.message}\n`);
  if (run.internalErrors.length > 0) return 2;
  if (summary.errors > 0) return 1;
  if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
    io.stderr(`lambda-lint: ${summary.warnings} ${run.warningsCounted} exceed --max-warnings ${opts.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function writeReport(path: string, report: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, report);
  } catch (e) {
    throw new ConfigError(`cannot write the report to ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
