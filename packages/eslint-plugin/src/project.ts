import type { AnyRule, Finding, LintConfig } from '@lambda-lint/core';
import { isInside, kindOfPath, lint, nodeHost, SourceCache, type Host } from '@lambda-lint/linter';
import { changedReads, DiskCache, overlayHost, recordingHost, stillValid, withDiskSignatures, type FingerprintHost, type ReadSet } from './host.js';
import { importClosure, importsUnchanged, isCodeFile, type ImportClosure } from './imports.js';
import { KeptConfiguration } from './kept-configuration.js';
import type { ParsedTree } from './parsed-tree.js';

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
  /** The tree ESLint's parser (typescript-eslint) made of `text`: taken instead of a parse of the buffer when it is the one lambda-lint's parse would make. */
  parsed?: ParsedTree;
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

/**
 * How many code files are kept parsed (paths, and versions: disk and editor buffer), how many parses
 * they saved, and how many parses ESLint's parser's tree saved (tests).
 */
export function sourceCacheStats(): { files: number; versions: number; hits: number; adopted: number } {
  return { files: sources.size, versions: sources.versionCount, hits: sources.hits, adopted: sources.adopted };
}

/**
 * Walks up from the file to the project root and lints the nearest configuration directory whose
 * functions reach the file (as a handler or a module a handler imports); the file's findings are
 * those of that run. No configuration reaching the file: no findings.
 */
export function analyseFile(request: FileRequest): FileResult {
  const { file, root } = request;
  if (!isInside(root, file) || file === root) return { findings: [], internalErrors: [] };
  const onDisk = request.host ?? withDiskSignatures(nodeHost(), disk, root);
  const bytes = utf8.encode(request.text);
  const host = overlayHost(onDisk, { path: file, bytes });
  let same: boolean | undefined;
  const question: Question = { ...request, bufferIsDisk: () => (same ??= sameBytes(bytes, onDisk.readFile(file))) };
  for (const dir of ancestors(file, root)) {
    const configs = configPathsIn(dir, host);
    if (configs.length === 0) continue;
    const run = projectRun(dir, configs, host, question);
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

/** A request, and whether its text is the file's text on disk (asked only when a run is made). */
interface Question extends FileRequest {
  bufferIsDisk: () => boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (!b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
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

/** What the rules and configuration of a request add to its runs' key, by the (frozen: the plugin's shared) objects, serialised once. */
const settingsKeys = new WeakMap<LintConfig, { rules: readonly AnyRule[]; key: string }>();

function settingsKey(rules: readonly AnyRule[], config: LintConfig): string {
  const known = settingsKeys.get(config);
  if (known?.rules === rules) return known.key;
  const key = JSON.stringify([rules.map((r) => r.id), config]);
  if (Object.isFrozen(config) && Object.isFrozen(config.rules ?? {}) && Object.isFrozen(rules)) settingsKeys.set(config, { rules, key });
  return key;
}

function projectRun(dir: string, configs: string[], host: FingerprintHost, request: Question): ProjectRun {
  const key = JSON.stringify([request.root, dir, configs, request.options ?? {}]) + settingsKey(request.rules, request.config);
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

function lintWith(host: Host, configs: string[], request: Question, extra: Pick<Parameters<typeof lint>[0], 'analyseFunction' | 'keepProject' | 'findingsIn'> = {}) {
  // The linted file is read from the editor buffer, every other file from disk: the cache keeps a version of each (one when they are the same).
  sources.bufferPath = request.bufferIsDisk() ? undefined : request.file;
  // The tree ESLint's parser made of the buffer, for its parse (which skips a byte order mark, as ESLint does).
  if (request.parsed) sources.offerParsed(request.file, request.text.replace(/^\uFEFF/, ''), request.parsed.tree, request.parsed.typescript);
  try {
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
  } finally {
    sources.withdrawParsed();
  }
}

/**
 * The editor case: the linted file differs from the last whole-project run, and maybe some code files
 * saved since. The file's findings can only come from functions whose code reaches it, so only those
 * are analysed again: the handler modules whose (textual, over-approximated) import closure contains
 * the file or may be incomplete (a tsconfig alias), plus every function whose handler module lies in
 * the closures analysed (whose code is read anyway).
 *
 * A saved code file changes which functions reach the file only through what it imports, and only
 * for the handler modules whose closure holds it: those closures are computed again when its import
 * specifiers changed (the others read nothing that changed; the edited file is such a file too).
 * Anything else changed (a configuration file, a file read while reading the configuration, a
 * tsconfig.json or package.json, a file or folder added or removed) may change the
 * functions, their settings or module resolution: then, or when the file is new, this is undefined and
 * the whole project runs. A file no function reached, and none reaches after the saves, gets a run that
 * analysed nothing (and did not read it). The application model is the one the whole-project run read,
 * unless the configuration reading read the file (a `serverless.ts`, a CDK app).
 */
function functionsRun(base: ProjectRun, configs: string[], host: FingerprintHost, request: Question): ProjectRun | undefined {
  const { file } = request;
  const before = base.reads.get(`f:${file}`);
  // A file the analysis looked for and did not find is new: what specifiers resolve to may change.
  if (before === '-' || !base.handlers) return undefined;
  const saved = savedCodeFiles(base, host, file);
  if (!saved) return undefined;
  const changed = [file, ...saved];
  const recorder = recordingHost(host);
  const closures = new Map<string, ImportClosure>();
  const changedBytes = changed.map((f) => [f, host.readFile(f)] as const);
  for (const { file: handlerFile } of base.handlers) {
    if (closures.has(handlerFile)) continue;
    const before = base.closures?.get(handlerFile);
    // Every other file and folder the closure read is unchanged (checked above): it is what it was
    // unless a changed file it holds imports something else now.
    const same = before !== undefined && changedBytes.every(([f, bytes]) => importsUnchanged(before, f, bytes));
    closures.set(handlerFile, same ? before : importClosure(handlerFile, recorder.host, request.root));
  }
  const needed = new Set<string>();
  for (const closure of closures.values()) if (closure.files.has(file)) for (const f of closure.files) needed.add(f);
  // A module whose imports a tsconfig alias may take anywhere may reach the file too.
  const reaches = (handlerFile: string) => needed.has(handlerFile) || closures.get(handlerFile)!.open;
  if (needed.size === 0 && !base.handlers.some((h) => reaches(h.file))) {
    // No function reached the file before, and no saved file makes one reach it now: nothing to analyse.
    if (before === undefined) return { reads: readsAfter(base.reads, file, recorder, saved), findings: [], internalErrors: [], onlyFor: file };
    return undefined;
  }
  const selected = new Set(base.handlers.filter((h) => reaches(h.file)).map((h) => h.fnId));
  const analyseFunction = (fn: { id: string }) => selected.has(fn.id);
  const kept = base.configuration && !base.configuration.configurationFiles.has(file) ? base.configuration : undefined;
  // Only the file's findings are kept: the rules' reports elsewhere and the other files' suppressions are skipped.
  const result = kept
    ? lintWith(kept.host, configs, withoutConfigurationRules(request), { analyseFunction, findingsIn: file, keepProject: kept.reuse(recorder.host) })
    : lintWith(recorder.host, configs, request, { analyseFunction, findingsIn: file });
  const reads = readsAfter(base.reads, file, recorder, saved);
  return { reads, findings: result.findings.filter((f) => f.loc.file === file), internalErrors: result.internalErrors, onlyFor: file, model: kept ? 'kept' : 'read' };
}

/**
 * Rules whose every finding is placed on the configuration (a function's settings, an IAM statement
 * of its role), never on code: a run for a code file the configuration reading did not read (unlike
 * a `serverless.ts` or a CDK app's source) cannot get one of their findings in that file, so the runs
 * after an edit leave them out. (A whole-project run keeps them: leaving them out there saved
 * nothing measurable, their lazily computed facts being what the other rules ask for next.) Their
 * findings on the examples and their fixtures are checked to lie in configuration files
 * (configuration-rules.test.ts), and the edit path against the CLI on every fixture
 * (test/eslint-integration.test.ts).
 */
export const CONFIGURATION_FINDINGS_ONLY: ReadonlySet<string> = new Set([
  'vpc-without-need',
  'shared-iam-role',
  'iam-unused-permission',
  'no-custom-metrics',
  'reserved-concurrency',
]);

/** The request without the rules whose findings are all on the configuration (see {@link CONFIGURATION_FINDINGS_ONLY}). */
function withoutConfigurationRules(request: Question): Question {
  const known = withoutConfigurationRulesOf.get(request.config);
  if (known?.from === request.rules) return { ...request, ...known.settings };
  if (!request.rules.some((r) => CONFIGURATION_FINDINGS_ONLY.has(r.id))) return request;
  const keep = (id: string) => !CONFIGURATION_FINDINGS_ONLY.has(id);
  const pick = <T>(rules: Record<string, T>) => Object.fromEntries(Object.entries(rules).filter(([id]) => keep(id)));
  const { config } = request;
  const settings = {
    rules: request.rules.filter((r) => keep(r.id)),
    config: {
      ...config,
      ...(config.rules ? { rules: pick(config.rules) } : {}),
      ...(config.overrides ? { overrides: config.overrides.map((o) => ({ ...o, rules: pick(o.rules) })) } : {}),
      ...(config.mandatory ? { mandatory: config.mandatory.filter(keep) } : {}),
    },
  };
  // The plugin's shared (frozen) settings are reduced once; so are the reduced ones' run keys.
  if (Object.isFrozen(config) && Object.isFrozen(config.rules ?? {}) && Object.isFrozen(request.rules)) {
    Object.freeze(settings.rules);
    Object.freeze(settings.config.rules);
    // Frozen through (the rest is the frozen shared configuration's), so the engine keeps what it derives from it.
    Object.freeze(settings.config);
    withoutConfigurationRulesOf.set(config, { from: request.rules, settings: Object.freeze(settings) });
  }
  return { ...request, ...settings };
}

/** {@link withoutConfigurationRules} of the plugin's shared settings, by configuration. */
const withoutConfigurationRulesOf = new WeakMap<LintConfig, { from: readonly AnyRule[]; settings: Pick<Question, 'rules' | 'config'> }>();

/**
 * What a partial run for `file` depends on: the whole-project run's reads (the kept configuration and
 * closures) but the file's, with the files changed since as they read now.
 */
function readsAfter(baseReads: ReadSet, file: string, recorder: ReturnType<typeof recordingHost>, saved: readonly string[]): ReadSet {
  for (const path of saved) if (!recorder.reads.has(`f:${path}`)) recorder.host.readFile(path);
  const reads = new Map(baseReads);
  reads.delete(`f:${file}`);
  reads.delete(`s:${file}`);
  for (const [key, answer] of recorder.reads) reads.set(key, answer);
  return reads;
}

/** Code files saved since a whole-project run that a partial run can follow; more than this, and the whole project runs again (its closures then describe the project again). */
const MAX_SAVED_FILES = 32;

/**
 * The code files other than `file` whose content changed since the whole-project run `base`, when
 * nothing else it read changed: no folder listing or kind (a file added, removed or renamed), no
 * non-code file (configuration, tsconfig.json, package.json), no file the configuration reading read.
 * Undefined otherwise.
 */
function savedCodeFiles(base: ProjectRun, host: FingerprintHost, file: string): string[] | undefined {
  const configurationFiles = base.configuration?.configurationFiles;
  let count = 0;
  const changed = changedReads(base.reads, host, (key, before, now) => {
    const path = key.slice(2);
    if (key === `f:${file}`) return true;
    // A file that appeared or disappeared may change what a specifier resolves to.
    if (!key.startsWith('f:') || before === '-' || now === '-' || !isCodeFile(path)) return false;
    if (!configurationFiles || configurationFiles.has(path)) return false;
    return ++count <= MAX_SAVED_FILES;
  });
  return changed?.map((key) => key.slice(2)).filter((path) => path !== file);
}
