import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatSarif, formatSummary, type FormatInput } from './formatters/index.js';
import { main, subcommandNames, type CliIO } from './main.js';

/** What the runner gives the action: its environment and where to write. */
export interface ActionIO {
  env: Record<string, string | undefined>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

/**
 * The GitHub Action's entry point (action.yml runs it in the workspace): one lint run whose findings
 * become annotations in the log (workflow commands), a SARIF file for
 * `github/codeql-action/upload-sarif`, the scorecard in the job summary, and the counts as step
 * outputs. Returns the exit code that fails the step: 1 when a finding reaches `fail-on`, 2 when
 * the inputs or the run are broken.
 */
export async function runAction(io: ActionIO): Promise<number> {
  const input = (name: string) => inputOf(io.env, name);
  const workspace = io.env.GITHUB_WORKSPACE || process.cwd();
  const failOn = (input('fail-on') || 'error') as FailOn;
  if (!FAIL_ON.includes(failOn)) return fail(io, `input fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
  const sarifFile = input('sarif-file') || 'lambda-lint.sarif';
  const paths = (input('paths') || '.').split(/\s+/).filter(Boolean);
  const config = input('config');
  const base = input('base');
  const format = input('format') || 'github';

  const args: string[] = [];
  if (base) {
    if (subcommandNames().includes('diff')) args.push('diff', '--base', base);
    else io.stdout(`::notice title=lambda-lint::input base is ignored: this lambda-lint has no diff subcommand, so every finding is reported\n`);
  }
  args.push('--format', format, ...(config ? ['--config', config] : []), ...paths);

  let report: FormatInput | undefined;
  const cli: CliIO = {
    stdout: io.stdout,
    stderr: io.stderr,
    cwd: workspace,
    env: io.env,
    isTTY: false,
    stderrIsTTY: false,
    onReport: (r) => (report = r),
  };
  const code = await main(args, cli);
  // Every command the action runs (lint, diff) hands its findings over before formatting them.
  if (code === 2 || !report) return fail(io, `lambda-lint ${args.join(' ')} failed (exit ${code})`);
  const sarifPath = resolve(workspace, sarifFile);
  mkdirSync(dirname(sarifPath), { recursive: true });
  writeFileSync(sarifPath, formatSarif(report));
  if (io.env.GITHUB_STEP_SUMMARY) appendFileSync(io.env.GITHUB_STEP_SUMMARY, formatSummary(report) + '\n');
  const s = report.summary;
  setOutputs(io, { errors: s.errors, warnings: s.warnings, infos: s.infos, total: s.errors + s.warnings + s.infos, 'sarif-file': sarifPath });
  return reaches(failOn, s) ? 1 : 0;
}

/** Whether a finding at or above `failOn` exists. */
function reaches(failOn: FailOn, s: { errors: number; warnings: number; infos: number }): boolean {
  if (failOn === 'never') return false;
  if (failOn === 'error') return s.errors > 0;
  if (failOn === 'warning') return s.errors + s.warnings > 0;
  return s.errors + s.warnings + s.infos > 0;
}

/** An input as the runner passes it: `INPUT_<NAME>` upper-cased, spaces as `_` (hyphens kept; `_` accepted too, for composite steps). */
export function inputOf(env: Record<string, string | undefined>, name: string): string {
  const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
  return (env[key] ?? env[key.replace(/-/g, '_')] ?? '').trim();
}

/** Step outputs go to the file named by GITHUB_OUTPUT, one `name=value` line each (values here are one line). */
function setOutputs(io: ActionIO, outputs: Record<string, string | number>): void {
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${String(v).replace(/[\r\n]/g, ' ')}\n`);
  if (io.env.GITHUB_OUTPUT) appendFileSync(io.env.GITHUB_OUTPUT, lines.join(''));
  else io.stdout(lines.join(''));
}

function fail(io: ActionIO, message: string): number {
  io.stdout(`::error title=lambda-lint::${message.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`);
  return 2;
}

