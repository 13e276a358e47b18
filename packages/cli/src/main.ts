import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '@lambda-lint/core';
import { isInside, lint, nodeHost, toPosix } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { formatters, summarize } from './formatters/index.js';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour by default). */
  isTTY: boolean;
}

const defaultIO = (): CliIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
});

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
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

interface CliOptions {
  format: string;
  maxWarnings?: number;
  quiet?: boolean;
  color?: boolean;
  stage?: string;
  maxFileSize?: number;
}

/** Runs the CLI and returns the exit code: 0 clean, 1 error findings, 2 usage error or internal failure. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  const program = new Command()
    .name('lambda-lint')
    .description('Production-readiness linter for AWS Lambda applications: configuration and handler code, checked together.')
    .version(version(), '-v, --version')
    .argument('[paths...]', 'files or directories to lint', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(formatters)).default('stylish'))
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', nonNegativeInt)
    .option('-q, --quiet', 'report errors only')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .option('--stage <stage>', 'Serverless Framework stage for ${opt:stage} / ${sls:stage}')
    .option('--max-file-size <size>', 'files larger than this are not read (default 5mb)', sizeInBytes)
    .addHelpText(
      'after',
      '\nExamples:\n  $ lambda-lint                         lint the current directory\n  $ lambda-lint services/brand-api      lint one service\n  $ lambda-lint --format json . > out.json\n  $ lambda-lint --max-warnings 0 serverless.yml\n\nExit codes: 0 no errors, 1 error findings (or too many warnings), 2 usage error or internal failure.',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.stderr(`lambda-lint: ${(e as Error).message}\n`);
    return 2;
  }
  const paths = program.processedArgs[0] as string[];
  const opts = program.opts<CliOptions>();
  try {
    return run(paths, opts, io);
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
    io.stderr(`lambda-lint: ${message}\n`);
    if (io.env.LAMBDA_LINT_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
    return 2;
  }
}

function run(paths: string[], opts: CliOptions, io: CliIO): number {
  const cwd = toPosix(resolve(io.cwd));
  const host = nodeHost(io.env);
  const absolute = paths.map((p) => toPosix(resolve(io.cwd, p)));
  for (const p of absolute) {
    if (!host.kindOf(p)) {
      io.stderr(`lambda-lint: no such file or directory: ${p}\n`);
      return 2;
    }
  }
  // ESLint's convention: the working directory is the project root when the paths are inside it.
  const root = absolute.every((p) => isInside(cwd, p)) ? cwd : commonDir(absolute, host);
  const result = lint({
    host,
    paths: absolute,
    root,
    rules: allRules,
    ...(opts.maxFileSize !== undefined ? { maxFileBytes: opts.maxFileSize } : {}),
    ...(opts.stage ? { options: { stage: opts.stage } } : {}),
  });
  const findings = opts.quiet ? result.findings.filter((f) => f.severity === 'error') : result.findings;
  const summary = summarize(findings, result.fileCount, result.functionCount);
  const color = opts.color !== false && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && (io.isTTY || Boolean(io.env.FORCE_COLOR));
  const format = formatters[opts.format]!;
  io.stdout(
    format({
      findings,
      summary,
      cwd,
      color,
      sourceText: (file) => {
        const bytes = host.readFile(file);
        return bytes ? new TextDecoder().decode(bytes) : undefined;
      },
    }),
  );
  for (const e of result.internalErrors) io.stderr(`lambda-lint: internal error in rule ${e.ruleId}: ${e.message}\n`);
  if (result.internalErrors.length > 0) return 2;
  if (summary.errors > 0) return 1;
  if (opts.maxWarnings !== undefined && summary.warnings > opts.maxWarnings) {
    io.stderr(`lambda-lint: ${summary.warnings} warnings exceed --max-warnings ${opts.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function commonDir(paths: string[], host: ReturnType<typeof nodeHost>): string {
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
