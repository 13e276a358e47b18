import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatters } from './formatters/index.js';
import type { LintOptions } from '@lambda-lint/linter';
import type { ConfigCliOptions } from './config.js';

/** The options every command that lints and reports findings takes (`lambda-lint` and `lambda-lint diff`). */
export interface SharedLintOptions extends ConfigCliOptions {
  format: string;
  outputFile?: string;
  rule?: string[];
  ignorePattern?: string[];
  maxWarnings?: number;
  quiet?: boolean;
  color?: boolean;
  stage?: string;
  maxFileSize?: number;
}

/** The help texts that differ between the commands. */
export interface LintOptionHelp {
  maxWarnings: string;
  config: string;
}

/** Registers the shared lint options on `command`, in the order the help lists them (`--config` last). */
export function addLintOptions(command: Command, help: LintOptionHelp): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(formatters)).default('stylish'))
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .option('--rule <id>', 'run only this rule (repeatable)', collect)
    .option('--ignore-pattern <glob>', 'skip files matching this glob, relative to the current directory (repeatable)', collect)
    .option('--max-warnings <n>', help.maxWarnings, nonNegativeInt)
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--stage <stage>', 'Serverless Framework stage for ${opt:stage} / ${sls:stage}')
    .option('--max-file-size <size>', 'files larger than this are not read (default 5mb)', sizeInBytes)
    .option('-c, --config <path>', help.config);
}

/** A repeatable option's values, in the order given. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of 0 or more');
  return n;
}

function sizeInBytes(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb)?$/i.exec(value.trim());
  if (!m) throw new InvalidArgumentError('expected a size such as 5mb, 512kb or 1048576');
  const unit = (m[2] ?? 'b').toLowerCase();
  return Math.round(Number(m[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1));
}

/** The linter options the shared lint options set: suppression comments, file size limit, stage. */
export function linterOptionsOf(opts: SharedLintOptions): Pick<LintOptions, 'inlineConfig' | 'eslintDirectives' | 'maxFileBytes' | 'options'> {
  return {
    // The CLI honours `eslint-disable... lambda-lint/<id>` too, so that code annotated for the editor lints the same.
    ...(opts.inlineConfig === false ? { inlineConfig: false } : { eslintDirectives: true }),
    ...(opts.maxFileSize !== undefined ? { maxFileBytes: opts.maxFileSize } : {}),
    ...(opts.stage ? { options: { stage: opts.stage } } : {}),
  };
}

/** `--concurrency`: a number of threads (1 or more), `auto` or `off` (as ESLint's option of that name). */
export function concurrencyOf(value: string): number | 'auto' | 'off' {
  if (value === 'auto' || value === 'off') return value;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a number of threads (1 or more), auto or off');
  return n;
}
