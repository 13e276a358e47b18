import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isInside } from '@lambda-lint/core';
import { nodeHost, toPosix } from '@lambda-lint/linter';
import type * as Review from '@lambda-lint/review';
import { allRules } from '@lambda-lint/rules';
import type { CliIO, CommandContext } from '../main.js';
import { guarded, version } from '../main.js';
import { selectRules, sourceRootOf } from '../run.js';
import { ignoreMatcher } from '../ignore.js';
import { configForRun, loadRunConfig } from '../config.js';
import { addLintOptions, linterOptionsOf, type SharedLintOptions } from '../lint-options.js';
import { existingPaths, reportAndExit } from '../report.js';

interface DiffOptions extends SharedLintOptions {
  base: string;
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
  const command = program
    .command('diff')
    .description('lint the working tree against a git revision and report only what the change brings')
    .argument('[paths...]', 'files or directories to lint', ['.'])
    .requiredOption('--base <ref>', 'git revision to compare with (branch, tag, commit, HEAD~1)');
  addLintOptions(command, {
    maxWarnings: 'exit 1 when there are more new warnings than this',
    config: 'configuration file (default: found from the current directory up to the project root, as for a lint run)',
  })
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
  const absolute = existingPaths(paths, io, head);
  if (!absolute) return 2;
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
    ...linterOptionsOf(opts),
  });
  return reportAndExit(
    {
      findings: result.findings.filter((f) => !ignored(f.loc.file)),
      fileCount: result.fileCount,
      functions: result.model.functions,
      internalErrors: result.internalErrors,
      host: head,
      cwd,
      toolVersion: version(),
      // Annotations and SARIF locate files from the checkout, as a lint run's (`working-directory` jobs).
      ...sourceRootOf(io, cwd),
      warningsCounted: 'new warnings',
    },
    opts,
    io,
  );
}
