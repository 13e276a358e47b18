import { dirname, resolve } from 'node:path';
import { ConfigError, isInside, type AnyRule, type Finding, type LambdaFunction, type LintConfig } from '@lambda-lint/core';
import { CODE_FILE, CONFIG_FILE_NAMES, discoverFiles, functionsUsing, kindOfPath, lint, lintPart, looksLikeTemplate, nodeHost, toPosix, type Host, type LintOptions, type LintResult } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { ignoreMatcher } from './ignore.js';
import type { CliIO } from './main.js';
import { progressOn } from './progress.js';
import { configForRun, loadRunConfig, printConfig } from './config.js';
import { baselineAppliedMessage, baselineWrittenMessage, DEFAULT_BASELINE, filterByBaseline, writeBaseline } from './baseline.js';
import { linterOptionsOf, type SharedLintOptions } from './lint-options.js';
import { commonDir, existingPaths, reportAndExit } from './report.js';
import { addRecordedInputs, isRecording } from '@lambda-lint/linter/cache';
import { partRole, stopEarlyWorkers, workerThreads, type Concurrency } from './workers.js';

export interface LintCommandOptions extends SharedLintOptions {
  /** `--cache` / `--cache-location`: handled around the run (cache.ts). */
  cache?: boolean;
  cacheLocation?: string;
  /** `--baseline <file>` / `--update-baseline` (baseline.ts). */
  baseline?: string;
  updateBaseline?: boolean;
  /** `--concurrency`: worker threads for a large run (workers.ts). */
  concurrency?: Concurrency;
}

/** The command-line paths sorted by what they are. */
interface Targets {
  dirs: string[];
  /** Configuration files and templates. */
  configs: string[];
  /** Handler code (and any module it may import): linted through the functions that use it. */
  code: string[];
}

/** `lambda-lint [paths...]`: lints, prints or writes the report, and returns the exit code. */
export function runLint(paths: string[], opts: LintCommandOptions, io: CliIO, toolVersion: string): number {
  const cwd = toPosix(resolve(io.cwd));
  const host = io.host ?? nodeHost(io.env, { rememberListings: true });
  const absolute = existingPaths(paths, io, host);
  if (!absolute) return 2;
  const selection = selectRules(opts.rule);
  const ignored = ignoreMatcher(opts.ignorePattern ?? [], cwd);
  const targets = classify(absolute.filter((p) => !ignored(p)), host);
  // ESLint's convention: the working directory is the project root when the paths are inside it.
  const root = absolute.every((p) => isInside(cwd, p)) ? cwd : commonDir(absolute, host);
  const loaded = loadRunConfig(host, cwd, root, opts, allRules);
  if (opts.printConfig !== undefined) {
    io.stdout(printConfig(loaded, allRules, cwd, root, typeof opts.printConfig === 'string' ? opts.printConfig : undefined));
    return 0;
  }
  const config = configForRun(loaded?.config, selection.rules, selection.config, allRules);
  const progress = progressOn(io);
  const linterOptions = linterOptionsOf(opts);
  const options: LintOptions = {
    host,
    // A changed code file is found through the configuration of the functions that use it: read the whole project.
    paths: targets.code.length > 0 ? [root, ...targets.configs] : [...targets.dirs, ...targets.configs],
    root,
    rules: selection.rules,
    ignore: ignored,
    onProgress: progress.step,
    ...(config ? { config } : {}),
    ...linterOptions,
  };
  const role = partRole();
  if (role) {
    // A worker thread the bin started: its part of the run goes to the main thread, nothing is printed.
    role.report(targets.code.length > 0 ? undefined : lintPart({ ...options, files: discoverFiles(options) }, role.part, role.maxParts));
    return 0;
  }
  // A changed-files run (pre-commit) maps files to functions through every handler's code: one thread.
  if (targets.code.length > 0) stopEarlyWorkers();
  const parallel =
    targets.code.length > 0
      ? undefined
      : workerThreads(
          opts.concurrency ?? 'auto',
          { root, ruleIds: selection.rules.map((r) => r.id), ...(config ? { config } : {}), ...linterOptions, env: io.env, record: isRecording(host) },
          (path) => host.readFile(path)?.byteLength ?? 0,
          (inputs) => addRecordedInputs(host, inputs),
        );
  const result = lint({ ...options, ...(parallel ? { parallel } : {}) });
  progress.done();
  if (io.env.LAMBDA_LINT_DEBUG) io.stderr(`lambda-lint: ${partsMessage(result)}\n`);

  // The functions the framework adds on its own (`frameworkInternal`) are not the application's: not counted.
  const appFunctions = result.model.functions.filter((fn) => !fn.frameworkInternal);
  const scope = targets.code.length > 0 ? changedScope(result, targets, host, root) : { findings: result.findings, functions: appFunctions };
  const unignored = scope.findings.filter((f) => !ignored(f.loc.file));
  if (opts.updateBaseline) {
    const path = opts.baseline ?? DEFAULT_BASELINE;
    io.stderr(baselineWrittenMessage(writeBaseline(host, cwd, path, unignored, root, new Set(config?.mandatory)), path));
    return result.internalErrors.length > 0 ? 2 : 0;
  }
  const current = opts.baseline ? filterByBaseline(host, cwd, opts.baseline, unignored, root, new Set(config?.mandatory)) : undefined;
  if (current) io.stderr(baselineAppliedMessage(current.baselined, current.findings.length, opts.baseline!, current.stale));
  return reportAndExit(
    {
      findings: current ? current.findings : unignored,
      fileCount: result.fileCount,
      functions: scope.functions,
      internalErrors: result.internalErrors,
      host,
      cwd,
      toolVersion,
      ...sourceRootOf(io, cwd),
      warningsCounted: 'warnings',
    },
    opts,
    io,
  );
}

/** `--rule <id>...`: only these rules, experimental ones included when named. */
export function selectRules(ids: readonly string[] | undefined): { rules: readonly AnyRule[]; config?: LintConfig } {
  if (!ids?.length) return { rules: allRules };
  const byId = new Map(allRules.map((r) => [r.id, r]));
  const unknown = ids.find((id) => !byId.has(id));
  if (unknown !== undefined) throw new ConfigError(`unknown rule "${unknown}" in --rule; \`lambda-lint rules\` lists them`);
  const rules = [...new Set(ids)].map((id) => byId.get(id)!);
  const experimental = rules.filter((r) => r.experimental);
  return {
    rules,
    ...(experimental.length > 0 ? { config: { rules: Object.fromEntries(experimental.map((r) => [r.id, r.severity])) } } : {}),
  };
}

/**
 * Directories and configuration files are linted as given; code files are mapped to functions;
 * anything else (a README, an image, another tool's YAML) is ignored unless it is a template.
 */
const LINTER_CONFIG_NAMES: ReadonlySet<string> = new Set(CONFIG_FILE_NAMES.filter((n) => n !== 'package.json'));

function classify(paths: readonly string[], host: Host): Targets {
  const targets: Targets = { dirs: [], configs: [], code: [] };
  for (const p of paths) {
    if (host.kindOf(p) === 'dir') targets.dirs.push(p);
    // A changed lambda-lint configuration can change any finding below it (package.json changes too often to count).
    else if (LINTER_CONFIG_NAMES.has(p.slice(p.lastIndexOf('/') + 1))) targets.dirs.push(dirname(p));
    else if (kindOfPath(p) !== undefined) targets.configs.push(p);
    else if (CODE_FILE.test(p)) targets.code.push(p);
    else if (looksLikeTemplate(new TextDecoder().decode(host.readFile(p) ?? new Uint8Array()))) targets.configs.push(p);
  }
  return targets;
}

/**
 * A run given changed files: the findings of the functions whose code includes a changed code file,
 * of the functions declared in a changed configuration (or under a given directory), and the
 * findings located in those files.
 */
function changedScope(result: LintResult, targets: Targets, host: Host, root: string): { findings: Finding[]; functions: LambdaFunction[] } {
  const code = new Set(targets.code);
  const configs = new Set(targets.configs);
  const inScope = (file: string) => code.has(file) || configs.has(file) || targets.dirs.some((d) => isInside(d, file));
  const affected = functionsUsing(result.handlers, code, host, root);
  for (const fn of result.model.functions) if (inScope(fn.file)) affected.add(fn);
  const byIdentity = new Map(result.model.functions.map((fn) => [identity(fn.name, resourceOf(fn)), fn]));
  const isAffected = (f: Finding): boolean => {
    if (f.function === undefined) return false;
    const fn = byIdentity.get(identity(f.function, f.resource));
    return fn ? affected.has(fn) : [...affected].some((a) => a.name === f.function);
  };
  return {
    findings: result.findings.filter((f) => inScope(f.loc.file) || isAffected(f)),
    functions: result.model.functions.filter((fn) => affected.has(fn)),
  };
}

/** In GitHub Actions, the checkout, when the run is inside it (a job step with a `working-directory`). */
export function sourceRootOf(io: CliIO, cwd: string): { sourceRoot?: string } {
  const workspace = io.env.GITHUB_WORKSPACE ? toPosix(resolve(io.env.GITHUB_WORKSPACE)) : undefined;
  return workspace && isInside(workspace, cwd) ? { sourceRoot: workspace } : {};
}

function identity(name: string, resource: string | undefined): string {
  return `${name}\u0000${resource ?? ''}`;
}

function resourceOf(fn: LambdaFunction): string {
  return fn.constructPath ?? fn.logicalId;
}

/** `LAMBDA_LINT_DEBUG`: how the run was split. */
function partsMessage({ parts, partsRedone, partsDoneAt }: LintResult): string {
  if (parts === 1) return 'code analysed in 1 part (one thread)';
  const workers = parts - 1;
  const redone = partsRedone > 0 ? `; ${partsRedone} part${partsRedone === 1 ? '' : 's'} redone in the main thread (worker failed or planned otherwise)` : '';
  const done = partsDoneAt ? `\nlambda-lint: parts done at ${partsDoneAt.map((t) => `${Math.round(t - performance.timeOrigin)} ms`).join(', ')} after start` : '';
  return `code analysed in ${parts} parts (main thread and ${workers} worker thread${workers === 1 ? '' : 's'}${redone})${done}`;
}
