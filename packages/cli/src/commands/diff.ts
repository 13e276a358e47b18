import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ConfigError, isInside } from '@lambda-lint/core';
import { nodeHost, toPosix } from '@lambda-lint/linter';
import type * as Review from '@lambda-lint/review';
import { allRules } from '@lambda-lint/rules';
import { formatters, summarize, type FormatInput } from '../formatters/index.js';
import type { CliIO, CommandContext } from '../main.js';
import { guarded, version } from '../main.js';
import { selectRules } from '../run.js';
import { ignoreMatcher } from '../ignore.js';
import { configForRun, loadRunConfig, type ConfigCliOptions } from '../config.js';

interface DiffOptions extends ConfigCliOptions {
  base: string;
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

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

const EXAMPLES = `
Examples:
  $ lambda-lint diff --base origin/main            what this branch adds, in the current directory
  $ lambda-lint diff --base HEAD~1 -f sarif -o review.sarif services/brand-api

The base revision is read through git (git ls-tree / git cat-file): nothing is checked out and the
working tree is not touched. Reported: findings the base does not have (matched by fingerprint, so
moved lines are not new), and what the change does to the deployed stack, from the two CloudFormation
views compared with @aws-cdk/cloudformation-diff: iam-broadened, resource-replaced.

Exit codes: 0 no new errors, 1 new error findings (or more new warnings than --max-warnings),
2 usage error (not a git repository, unknown revision) or internal failure.`;

/** `lambda-lint diff --base <ref> [paths...]`: the review mode of a pull request. */
export function registerDiffCommand(program: Command, ctx: CommandContext): void {
  program
    .command('diff')
    .description('lint the working tree against a git revision and report only what the change brings')
    .argument('[paths...]', 'files or directories to lint', ['.'])
    .requiredOption('--base <ref>', 'git revision to compare with (branch, tag, commit, HEAD~1)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(formatters)).default('stylish'))
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .option('--rule <id>', 'run only this rule (repeatable)', collect)
    .option('--ignore-pattern <glob>', 'skip files matching this glob, relative to the current directory (repeatable)', collect)
    .option('--max-warnings <n>', 'exit 1 when there are more new warnings than this', nonNegativeInt)
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--stage <stage>', 'Serverless Framework stage for ${opt:stage} / ${sls:stage}')
    .option('--max-file-size <size>', 'files larger than this are not read (default 5mb)', sizeInBytes)
    .option('-c, --config <path>', 'configuration file (default: found from the current directory up to the project root, as for a lint run)')
    .option('--no-inline-config', 'ignore suppression comments and Metadata ignore entries')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], opts: DiffOptions) => {
      // Loaded for `diff` only: @aws-cdk/cloudformation-diff would add a third of a second to every lint run.
      const reviewModule = await import('@lambda-lint/review');
      ctx.setExitCode(guarded(ctx.io, () => runDiff(paths, opts, ctx.io, reviewModule)));
    });
}

export function runDiff(paths: string[], opts: DiffOptions, io: CliIO, { GitError, gitHost, gitTopLevel, review }: typeof Review): number {
  const cwd = toPosix(resolve(io.cwd));
  const head = io.host ?? nodeHost(io.env);
  const absolute = paths.map((p) => toPosix(resolve(io.cwd, p)));
  for (const p of absolute) {
    if (!head.kindOf(p)) {
      io.stderr(`lambda-lint: no such file or directory: ${p}\n`);
      return 2;
    }
  }
  let base;
  let topLevel: string;
  try {
    topLevel = gitTopLevel(cwd);
    base = gitHost(topLevel, opts.base, io.env);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    io.stderr(`lambda-lint: ${e.message}\n`);
    return 2;
  }
  const outside = absolute.find((p) => !isInside(topLevel, p));
  if (outside) {
    io.stderr(`lambda-lint: ${outside} is outside the git repository ${topLevel}; lambda-lint diff only compares files of the repository\n`);
    return 2;
  }
  const selection = selectRules(opts.rule);
  const ignored = ignoreMatcher(opts.ignorePattern ?? [], cwd);
  const root = absolute.every((p) => isInside(cwd, p)) ? cwd : topLevel;
  // The working tree's configuration judges both revisions: a change to it is not what is reviewed.
  const config = configForRun(loadRunConfig(head, cwd, root, opts, allRules)?.config, selection.rules, selection.config, allRules);
  const result = review({
    head,
    base,
    baseRef: opts.base,
    paths: absolute,
    root,
    rules: selection.rules,
    ignore: ignored,
    ...(config ? { config } : {}),
    // As a lint run: `eslint-disable ... lambda-lint/<id>` comments in code count too.
    ...(opts.inlineConfig === false ? { inlineConfig: false } : { eslintDirectives: true }),
    ...(opts.maxFileSize !== undefined ? { maxFileBytes: opts.maxFileSize } : {}),
    ...(opts.stage ? { options: { stage: opts.stage } } : {}),
  });
  const shown = result.findings.filter((f) => !ignored(f.loc.file));
  const findings = opts.quiet ? shown.filter((f) => f.severity === 'error') : shown;
  const summary = summarize(findings, result.fileCount, result.functionCount);
  const color =
    !opts.outputFile && opts.color !== false && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && (io.isTTY || Boolean(io.env.FORCE_COLOR));
  const input: FormatInput = {
    findings,
    summary,
    cwd,
    color,
    rules: allRules,
    functions: result.model.functions.map((fn) => ({ name: fn.name, resource: fn.constructPath ?? fn.logicalId, file: fn.file })),
    toolVersion: version(),
    sourceText: (file) => {
      const bytes = head.readFile(file);
      return bytes ? new TextDecoder().decode(bytes) : undefined;
    },
  };
  // The GitHub Action writes SARIF, annotations and the scorecard from this one review.
  io.onReport?.(input);
  const report = formatters[opts.format]!(input);
  if (opts.outputFile) writeReport(resolve(io.cwd, opts.outputFile), report);
  else io.stdout(report);

  for (const e of result.internalErrors) io.stderr(`lambda-lint: internal error in rule ${e.ruleId}: ${e.message}\n`);
  if (result.internalErrors.length > 0) return 2;
  if (summary.errors > 0) return 1;
  if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
    io.stderr(`lambda-lint: ${summary.warnings} new warnings exceed --max-warnings ${opts.maxWarnings}\n`);
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
