import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '@lambda-lint/core';
import type { Host } from '@lambda-lint/linter';
import type { FormatInput } from './formatters/index.js';
import { addLintOptions, concurrencyOf } from './lint-options.js';
import { runLint, type LintCommandOptions } from './run.js';
import { defaultCacheIO, runAndStore, type CacheIO } from './cache.js';
import { registerRulesCommand } from './commands/rules.js';
import { registerInitCommand } from './init.js';
import { DEFAULT_BASELINE } from './baseline.js';
import { registerDiffCommand } from './commands/diff.js';
import { registerIamCommand } from './commands/iam.js';

export interface CliIO extends CacheIO {
  /** Milliseconds clock, injectable so that tests can make a run look long. */
  now?: () => number;
  /** Receives each lint run's findings and facts before they are formatted (the GitHub Action writes several reports from one run). */
  onReport?: (input: FormatInput) => void;
  /** Files and directories as the linter sees them (default: the disk); `--cache` records what a run read through it. */
  host?: Host;
}

const defaultIO = (): CliIO => ({ ...defaultCacheIO(), now: () => performance.now() });

/** What a subcommand gets: where to write, and how to set the process's exit code. */
export interface CommandContext {
  io: CliIO;
  setExitCode(code: number): void;
}

/**
 * Subcommands (`lambda-lint rules`, ...). Each adds itself to the program; keeping them in their own
 * files keeps this one small. A directory with a subcommand's name is linted as `./<name>`.
 */
const SUBCOMMANDS: ((program: Command, ctx: CommandContext) => void)[] = [registerRulesCommand, registerDiffCommand, registerInitCommand, registerIamCommand];

/** The names of the subcommands this build has (the Action uses `diff` when it exists). */
export function subcommandNames(): string[] {
  const probe = new Command();
  const ctx: CommandContext = { io: defaultIO(), setExitCode: () => {} };
  for (const register of SUBCOMMANDS) register(probe, ctx);
  return probe.commands.map((c) => c.name());
}

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

const EXAMPLES = `
Examples:
  $ lambda-lint                                  lint the current directory
  $ lambda-lint services/brand-api               lint one service
  $ lambda-lint -f sarif -o lambda-lint.sarif    SARIF for GitHub code scanning
  $ lambda-lint -f github                        annotations in a GitHub Actions log
  $ lambda-lint -f summary                       production-readiness scorecard per function
  $ lambda-lint --rule fixed-tmp-path --rule global-mutable-state src/ingest.ts
                                                 two rules, on the functions that use src/ingest.ts
  $ lambda-lint --ignore-pattern 'legacy/**' --max-warnings 0
  $ lambda-lint rules                            the rule catalog (--format json too)

Changed files (pre-commit): a code file lints the functions whose handler runs it, a configuration
file lints its project, any other file is ignored.

Exit codes: 0 no errors, 1 error findings (or more warnings than --max-warnings), 2 usage error or internal failure.`;

/** Runs the CLI and returns the exit code: 0 clean, 1 error findings, 2 usage error or internal failure. */
export async function main(argv: readonly string[], io: CliIO = defaultIO()): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = { io, setExitCode: (code) => (exitCode = code) };
  const program = new Command()
    .name('lambda-lint')
    .description('Production-readiness linter for AWS Lambda applications: configuration and handler code, checked together.')
    .version(version(), '-v, --version')
    .argument('[paths...]', 'files or directories to lint', ['.']);
  addLintOptions(program, {
    maxWarnings: 'exit 1 when there are more warnings than this',
    config:
      'configuration file (default: the first of lambda-lint.config.json/.yaml/.yml, .lambda-lintrc, package.json "lambda-lint", from the current directory up to the project root)',
  })
    .option('--print-config [file]', 'print the effective configuration as JSON (for a file: with its overrides) and exit')
    .option('--no-inline-config', 'ignore suppression comments and Metadata ignore entries')
    .option('--baseline <file>', 'report only the findings that are not in this baseline file')
    .option('--update-baseline', `write the current findings to the --baseline file (default ${DEFAULT_BASELINE}) and exit`)
    .option('--cache', 'reuse the last report when no input changed (stored in node_modules/.cache/lambda-lint)')
    .option('--cache-location <path>', 'directory (or .json file) for --cache')
    .option('--concurrency <n>', 'threads for a large run: a number, auto (default: workers when the run is large) or off', concurrencyOf)
    .addHelpText('after', EXAMPLES)
    // Program options go before a subcommand, so that `rules --format json` is the subcommand's.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action((paths: string[], opts: LintCommandOptions) => {
      exitCode = guarded(io, () =>
        opts.cache ? runAndStore(argv, io, opts.outputFile, (recording) => runLint(paths, opts, recording, version())) : runLint(paths, opts, io, version()),
      );
    });
  for (const register of SUBCOMMANDS) register(program, ctx);
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    io.stderr(`lambda-lint: ${(e as Error).message}\n`);
    return 2;
  }
  return exitCode;
}

/** Runs a command body: a configuration problem or a bug is a one-line message and exit 2, never a stack trace. */
export function guarded(io: CliIO, body: () => number): number {
  try {
    return body();
  } catch (e) {
    const message = e instanceof ConfigError ? e.message : `internal error: ${(e as Error).message ?? String(e)}`;
    io.stderr(`lambda-lint: ${message}\n`);
    if (io.env.LAMBDA_LINT_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
    return 2;
  }
}
