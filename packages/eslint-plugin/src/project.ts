import type { AnyRule, Finding, LintConfig } from '@lambda-lint/core';
import { isInside, kindOfPath, lint, nodeHost, SourceCache, type Host } from '@lambda-lint/linter';
import { DiskCache, overlayHost, recordingHost, stillValid, withDiskSignatures, type FingerprintHost, type ReadSet } from './host.js';
import { importClosure, type ImportClosure } from './imports.js';
import { KeptConfiguration } from './kept-configuration.js';

/** One question the plugin asks: the findings of these rules for this file, as the editor holds it. */
export interface FileRequest {
  /** Absolute path with `/` separators. */
  file: string;
  /** The text to analyse for `file` (the editor buffer, byte order mark included when the file has one). */
  text: string;
  /** ESLint's cwd: the project root, nothing outside it is read. */
  root: string;
  rules: readonly AnyRule[];
  config: LintConfig;
  /** Serverless `${opt:...}` values (`stage`). */
  options?: Record<string, string>;
  host?: Host;
}

export interface FileResult {
  findings: Finding[];
  internalErrors: { ruleId: string; message: string }[];
  /** The configuration directory whose functions reach the file, when one does. */
  configDir?: string;
  /** How the findings were obtained: a whole-project run (or its cache), or a run of only the functions that reach the edited file. */
  run?: 'project' | 'functions-reaching-file';
  /** Runs of the functions reaching the file: whether the application model was the whole-project run's (`kept`) or read again. */
  model?: 'kept' | 'read';
}

interface ProjectRun {
  reads: ReadSet;
  findings: Finding[];
  internalErrors: FileResult['internalErrors'];
  /** Whole-project runs: each analysed function's id and handler file, the map for later partial runs. */
  handlers?: { fnId: string; file: string }[];
  /** Whole-project runs: the import closure of each handler module (their reads are part of `reads`). */
  closures?: Map<string, ImportClosure>;
  /** Partial runs: the one file whose findings they hold. */
  onlyFor?: string;
  /** Partial runs: whether they took the whole-project run's application model. */
  model?: FileResult['model'];
  /** Whole-project runs: the configuration as read, for the partial runs while it is unchanged. */
  configuration?: KeptConfiguration;
}

interface ProjectRuns {
  /** Whole-project runs, newest first. */
  full: ProjectRun[];
  /** Runs for one edited file each, newest first. */
  partial: ProjectRun[];
}

const utf8 = new TextEncoder();

/** Recent runs per configuration directory and settings: an editor alternates between a few states of a project. */
const runs = new Map<string, ProjectRuns>();
const FULL_RUNS_KEPT = 2;
const PARTIAL_RUNS_KEPT = 4;

/** Code files parsed by earlier runs, reused while their text is unchanged: a run after an edit parses only the edited file. */
let sources = new SourceCache();
/** Configuration files (YAML, JSON) parsed by earlier runs, reused while their text is unchanged. */
let parsedConfigs: NonNullable<Parameters<typeof lint>[0]['parsedConfigs']> = new Map();
/** Files and folder listings read from disk, reused while their disk signature is the same. */
const disk = new DiskCache();

/** Drops every cached run and parsed file (tests and benchmarks that want a cold start). */
export function clearCache(): void {
  runs.clear();
  sources = new SourceCache();
  parsedConfigs = new Map();
  disk.clear();
}

/** How many code files are kept parsed, and how many parses they saved (tests). */
export function sourceCacheStats(): { files: number; hits: number } {
  return { files: sources.size, hits: sources.hits };
}

/**
 * Walks up from the file to the project root and lints the nearest configuration directory whose
 * functions reach the file (as a handler or a module a handler imports); the file's findings are
 * those of that run. No configuration reaching the file: no findings.
 */
export function analyseFile(request: FileRequest): FileResult {
  const { file, root } = request;
  if (!isInside(root, file) || file === root) return { findings: [], internalErrors: [] };
  const host = overlayHost(request.host ?? withDiskSignatures(nodeHost(), disk), { path: file, bytes: utf8.encode(request.text) });
  for (const dir of ancestors(file, root)) {
    const configs = configPathsIn(dir, host);
    if (configs.length === 0) continue;
    const run = projectRun(dir, configs, host, request);
    // The analysis read the file with content: some function's code reaches it.
    const read = run.reads.get(`f:${file}`);
    if (read === undefined || read === '-') continue;
    return {
      findings: run.findings.filter((f) => f.loc.file === file),
      internalErrors: run.internalErrors,
      configDir: dir,
      run: run.onlyFor ? 'functions-reaching-file' : 'project',
      ...(run.model ? { model: run.model } : {}),
    };
  }
  return { findings: [], internalErrors: [] };
}

/** The file's directory, then each parent up to and including the root. */
function ancestors(file: string, root: string): string[] {
  const dirs: string[] = [];
  let dir = file.slice(0, file.lastIndexOf('/')) || '/';
  while (isInside(root, dir)) {
    dirs.push(dir);
    if (dir === root || dir === '/') break;
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
  }
  return dirs;
}

/** Configuration files by folder listing (the disk cache hands out the same listing while the folder is unchanged). */
const configPathsByListing = new WeakMap<object, string[]>();

/** The configuration files directly in `dir`, plus its `cdk.out` assembly and `sls package` output: what lambda-lint would read for that folder alone. */
function configPathsIn(dir: string, host: Host): string[] {
  const entries = host.readDir(dir) ?? [];
  const known = configPathsByListing.get(entries);
  if (known) return known;
  const paths: string[] = [];
  // What is inside cdk.out/ and .serverless/ is not in this listing: only the others are kept.
  const keep = !entries.some((e) => e.kind === 'dir' && (e.name === 'cdk.out' || e.name === '.serverless'));
  for (const entry of entries) {
    const path = dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`;
    if (entry.kind === 'file' && kindOfPath(path)) paths.push(path);
    else if (entry.kind === 'dir' && entry.name === 'cdk.out' && host.kindOf(`${path}/manifest.json`) === 'file') paths.push(path);
    else if (entry.kind === 'dir' && entry.name === '.serverless') {
      const output = `${path}/cloudformation-template-update-stack.json`;
      if (host.kindOf(output) === 'file') paths.push(output);
    }
  }
  paths.sort();
  if (keep) configPathsByListing.set(entries, paths);
  return paths;
}

function projectRun(dir: string, configs: string[], host: FingerprintHost, request: FileRequest): ProjectRun {
  const key = JSON.stringify([request.root, dir, configs, request.rules.map((r) => r.id), request.config, request.options ?? {}]);
  let kept = runs.get(key);
  if (!kept) runs.set(key, (kept = { full: [], partial: [] }));
  // The edited file is checked first: while typing, it is what differs from every kept run.
  const reusable =
    kept.partial.find((run) => run.onlyFor === request.file && stillValid(run.reads, host, request.file)) ??
    kept.full.find((run) => stillValid(run.reads, host, request.file));
  if (reusable) return reusable;
  const partial = kept.full[0] && functionsRun(kept.full[0], configs, host, request);
  if (partial) {
    kept.partial = [partial, ...kept.partial].slice(0, PARTIAL_RUNS_KEPT);
    return partial;
  }
  const recorder = recordingHost(host);
  const configuration = new KeptConfiguration(recorder.host);
  const result = lintWith(configuration.host, configs, request, { keepProject: configuration.read });
  const handlers = result.handlers.map((h) => ({ fnId: h.fn.id, file: h.file }));
  const closures = new Map<string, ImportClosure>();
  for (const { file: handlerFile } of handlers) {
    if (!closures.has(handlerFile)) closures.set(handlerFile, importClosure(handlerFile, recorder.host, request.root));
  }
  const run: ProjectRun = { reads: recorder.reads, findings: result.findings, internalErrors: result.internalErrors, handlers, closures, configuration };
  kept.full = [run, ...kept.full].slice(0, FULL_RUNS_KEPT);
  return run;
}

function lintWith(host: Host, configs: string[], request: FileRequest, extra: Pick<Parameters<typeof lint>[0], 'analyseFunction' | 'keepProject'> = {}) {
  return lint({
    ...extra,
    host,
    paths: configs,
    root: request.root,
    rules: request.rules,
    config: request.config,
    sources,
    parsedConfigs,
    ...(request.options ? { options: request.options } : {}),
  });
}

/**
 * The editor case: only the linted file differs from the last whole-project run. Its findings can
 * only come from functions whose code reaches it, so only those are analysed again: the handler
 * modules whose (textual, over-approximated) import closure contains the file or may be incomplete (a
 * tsconfig alias), plus every function whose handler module lies in the closures analysed (whose code
 * is read anyway). The application
 * model is the one the whole-project run read, unless the configuration reading read the file (a
 * `serverless.ts`, a CDK app). Undefined when anything else changed, or the file is new: then the
 * whole project runs.
 */
function functionsRun(base: ProjectRun, configs: string[], host: FingerprintHost, request: FileRequest): ProjectRun | undefined {
  const { file } = request;
  const before = base.reads.get(`f:${file}`);
  if (before === undefined || before === '-' || !base.handlers) return undefined;
  const others = new Map(base.reads);
  others.delete(`f:${file}`);
  others.delete(`s:${file}`);
  if (!stillValid(others, host)) return undefined;
  const recorder = recordingHost(host);
  const closures = new Map<string, ImportClosure>();
  for (const { file: handlerFile } of base.handlers) {
    if (closures.has(handlerFile)) continue;
    const before = base.closures?.get(handlerFile);
    // A closure without the file is what it was: every file and folder it read is unchanged (checked above).
    closures.set(handlerFile, before && !before.files.has(file) ? before : importClosure(handlerFile, recorder.host, request.root));
  }
  const needed = new Set<string>();
  for (const closure of closures.values()) if (closure.files.has(file)) for (const f of closure.files) needed.add(f);
  // A module whose imports a tsconfig alias may take anywhere may reach the file too.
  const reaches = (handlerFile: string) => needed.has(handlerFile) || closures.get(handlerFile)!.open;
  if (needed.size === 0 && !base.handlers.some((h) => reaches(h.file))) return undefined;
  const selected = new Set(base.handlers.filter((h) => reaches(h.file)).map((h) => h.fnId));
  const analyseFunction = (fn: { id: string }) => selected.has(fn.id);
  const kept = base.configuration && !base.configuration.configurationFiles.has(file) ? base.configuration : undefined;
  const result = kept
    ? lintWith(kept.host, configs, request, { analyseFunction, keepProject: kept.reuse(recorder.host) })
    : lintWith(recorder.host, configs, request, { analyseFunction });
  // The kept configuration and import closures were read by the whole-project run: its reads, but the file's, are part of what this run depends on.
  const reads = new Map([...others, ...recorder.reads]);
  return { reads, findings: result.findings.filter((f) => f.loc.file === file), internalErrors: result.internalErrors, onlyFor: file, model: kept ? 'kept' : 'read' };
}
