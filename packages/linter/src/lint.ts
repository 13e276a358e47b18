import {
  isInside,
  isIgnored,
  emptyModel,
  resolveRules,
  checkRules,
  finishRun,
  type AnyRule,
  type CheckedFinding,
  type InputDiagnostic,
  type Suppression,
  type AppModel,
  type Finding,
  type HandlerBinding,
  type LintConfig,
  type ReviewContext,
  type RunInput,
} from '@lambda-lint/core';
import { checkBytes, DEFAULT_MAX_FILE_BYTES, parseSource, type ParsedSource } from '@lambda-lint/source';
import { installValueResolver, isCloudFormationTemplate, isSamTemplate, linkTemplate, readCloudFormation } from '@lambda-lint/cloudformation';
import { readSam } from '@lambda-lint/sam';
import { readServerless } from '@lambda-lint/serverless';
import { HandlerAnalyzer, SourceCache } from '@lambda-lint/handler';
import { readCdkAssemblies } from '@lambda-lint/cdk';
import { discover, looksLikeTemplate, type DiscoveredFile } from './discover.js';
import { planKey, planParts, type ParallelLint, type PartResult, type PartSizes } from './parallel.js';
import { isCodeConfig, parseServerlessConfig, readServerlessPackages } from './serverless.js';
import { codeSuppressions, collectSuppressions } from './suppressions.js';
import type { Host } from './host.js';

export interface LintOptions {
  host: Host;
  /** Absolute paths of files or directories to lint. */
  paths: readonly string[];
  /** Absolute project root: nothing outside it is read. */
  root: string;
  rules: readonly AnyRule[];
  config?: LintConfig;
  today?: Date;
  maxFileBytes?: number;
  /**
   * Review mode (`lambda-lint diff`): what the change does to the stack, computed from the model just
   * read; given to the rules of scope `review` (which are silent without it).
   */
  review?: (model: AppModel) => ReviewContext | undefined;
  /** Serverless `--stage` and other `${opt:...}` values. */
  options?: Record<string, string>;
  /** Files (absolute paths) not to read as configuration, e.g. the CLI's `--ignore-pattern`. */
  ignore?: (absPath: string) => boolean;
  /** False: comment and metadata suppressions are not read (`--no-inline-config`). */
  inlineConfig?: boolean;
  /**
   * Also honour `eslint-disable... lambda-lint/<id>` comments in code (the CLI does). Off by default:
   * under ESLint, ESLint applies them itself and would call them unused if they were applied here too.
   */
  eslintDirectives?: boolean;
  /** Told what the run is doing, for a progress indicator; called often, so keep it cheap. */
  onProgress?: (step: string) => void;
  /**
   * Analyse the code of these functions only (the ESLint plugin re-linting one edited file); the
   * others are still read from the configuration, but their handlers are not.
   */
  analyseFunction?: (fn: AppModel['functions'][number]) => boolean;
  /** Parsed code files kept between runs of one process (the ESLint plugin): unchanged files are not parsed again. */
  sources?: SourceCache;
  /**
   * Parsed YAML/JSON configuration files kept between runs of one process (the ESLint plugin), by
   * path: an entry is reused while the file's text is the same. Parsed trees are read-only to the readers.
   */
  parsedConfigs?: Map<string, { text: string; parsed: ParsedSource }>;
  /**
   * Splits the code analysis of a large run over worker threads (see parallel.ts). Each worker reads
   * the same files and analyses its part of the functions; the findings are those of a run without it.
   */
  parallel?: ParallelLint;
  /** The configuration files to read, already discovered under `paths` (a worker thread gets the main thread's list). */
  files?: readonly DiscoveredFile[];
  /**
   * Reads the configuration through this hook (the ESLint plugin): it may return, instead of calling
   * `read`, a copy of what an earlier run read from the same unchanged files (see eslint-plugin's kept-configuration.ts).
   */
  keepProject?: <P extends { model: AppModel }>(read: () => P) => P;
  /**
   * Only the findings located in this file (absolute path) are wanted (the ESLint plugin re-linting
   * one edited file): reports elsewhere are dropped as the rules make them, and only this file's
   * suppressions are read (no other file's can silence a finding in it).
   */
  findingsIn?: string;
}

export interface LintResult {
  findings: Finding[];
  model: AppModel;
  handlers: HandlerBinding[];
  /** Rules that failed with an exception (a bug in lambda-lint, not in the linted code). */
  internalErrors: { ruleId: string; message: string }[];
  /** Configuration and code files read. */
  fileCount: number;
  /** The application's functions, not those the framework adds on its own (`frameworkInternal`). */
  functionCount: number;
  /** In how many parts the code analysis ran: 1, or the main thread's and the worker threads' of a split run. */
  parts: number;
  /** Parts a worker thread failed to deliver (or planned differently), analysed by the main thread instead. */
  partsRedone: number;
  /** When each part of a split run was done (epoch milliseconds; the main thread's first). */
  partsDoneAt?: number[];
}

/** UTF-8 text with its byte order mark kept: the parsers remove exactly one (a second one is content). */
function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

/** The configuration files under `paths` that the run reads. */
export function discoverFiles(options: LintOptions): DiscoveredFile[] {
  const { host, root } = options;
  return discover(host, options.paths).filter(
    (f) => isInside(root, f.path) && !options.ignore?.(f.path) && !(options.config && isIgnored(options.config, f.path, root)),
  );
}

/** The application as the configuration files describe it, before any code is read. */
interface Project {
  model: AppModel;
  /** YAML files, for their suppression comments (JSON has no comments). */
  yamlSources: ParsedSource[];
  /** Whether a rule that reads code is enabled. */
  needsCode: boolean;
  readCode: (abs: string) => string | undefined;
  maxBytes: number;
}

/** Reads every configuration file under `paths`, analyses the handlers they point to, and runs the rules. */
export function lint(options: LintOptions): LintResult {
  const files = options.files ?? discoverFiles(options);
  // Started before the configuration is read: the workers load their modules meanwhile.
  const helpers = options.parallel?.start(files) ?? 0;
  const project = options.keepProject ? options.keepProject(() => readProject(options, files)) : readProject(options, files);
  const { model } = project;
  const parts = helpers > 0 && project.needsCode ? planParts(model, analysable(model), helpers + 1, options.parallel?.sizes) : [];
  // Too small to split after all: the workers stop.
  if (helpers > 0 && parts.length <= 1) options.parallel!.cancel();

  const internalErrors: LintResult['internalErrors'] = [];
  const onRuleError = (ruleId: string, error: unknown) => internalErrors.push({ ruleId, message: error instanceof Error ? error.message : String(error) });
  const input = (handlers: HandlerBinding[], suppressions?: Suppression[]): RunInput => ({
    onRuleError,
    model,
    rules: options.rules,
    handlers,
    ...(suppressions ? { suppressions } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.today ? { today: options.today } : {}),
    ...(options.findingsIn !== undefined ? { findingsIn: options.findingsIn } : {}),
  });
  const progress = options.onProgress ?? (() => {});

  if (parts.length <= 1) {
    const analysed = options.analyseFunction ? model.functions.filter(options.analyseFunction) : model.functions;
    const code = project.needsCode ? analyseHandlers(analysed, project, options, progress) : emptyAnalysis();
    model.diagnostics.push(...code.diagnostics);
    model.fileCount += code.filePaths.length;
    progress('running rules');
    const review = options.review?.(model);
    const suppressions = options.inlineConfig === false ? undefined : suppressionsOf(project, code.handlers, options);
    const run = { ...input(code.handlers, suppressions), ...(review ? { review } : {}) };
    const findings = finishRun(run, checkRules(run, () => true));
    return { findings, model, handlers: code.handlers, internalErrors, fileCount: model.fileCount, functionCount: appFunctionCount(model), parts: 1, partsRedone: 0 };
  }

  return lintInParts(project, options, parts, input, internalErrors, progress);
}

/**
 * A split run: this thread analyses the first part and runs the code rules on it while the workers
 * do the others; the configuration rules and the suppressions see everything once all are back.
 */
function lintInParts(
  project: Project,
  options: LintOptions,
  parts: number[][],
  input: (handlers: HandlerBinding[], suppressions?: Suppression[]) => RunInput,
  internalErrors: LintResult['internalErrors'],
  progress: (step: string) => void,
): LintResult {
  const { model } = project;
  const ownFunctions = parts[0]!.map((i) => model.functions[i]!);
  const own = analyseHandlers(ownFunctions, project, options, progress);
  // The functions with no code to analyse (no handler, another runtime) are this thread's to report on.
  const inParts = new Set(parts.flat());
  const ownReports = new Set([...ownFunctions, ...model.functions.filter((_, i) => !inParts.has(i))]);
  const checked: CheckedFinding[] = checkRules({ ...input(own.handlers), reportsAbout: ownReports }, isCodeRule);
  const partsDoneAt = [Date.now()];
  progress('waiting for the worker threads');
  const others = options.parallel!.collect(parts.length);
  const codeFiles = new Set(own.filePaths);
  const diagnostics = [...own.diagnostics];
  const workerSuppressions: Suppression[] = [];
  const handlers = [...own.handlers];
  const plan = planKey(model, parts);
  let partsRedone = 0;
  for (const [k, part] of parts.slice(1).entries()) {
    // A worker that failed, or read files that changed meanwhile: its part is analysed here.
    const other = others[k];
    const delivered = other !== undefined && other.plan === plan;
    if (!delivered) partsRedone++;
    const result = delivered ? other : analysePart(part, project, options, plan);
    partsDoneAt.push(result.doneAt);
    checked.push(...result.findings);
    diagnostics.push(...result.diagnostics);
    for (const f of result.filePaths) codeFiles.add(f);
    workerSuppressions.push(...result.suppressions);
    for (const h of result.handlers) handlers.push({ fn: model.functions[h.fn]!, file: h.file, exportName: h.exportName, code: undefined });
    internalErrors.push(...result.internalErrors);
  }
  model.diagnostics.push(...uniqueDiagnostics(diagnostics));
  model.fileCount += codeFiles.size;
  progress('running rules');
  const suppressions =
    options.inlineConfig === false ? undefined : collectSuppressions(model, project.yamlSources, own.handlers, options.eslintDirectives === true, workerSuppressions);
  const run = input(own.handlers, suppressions);
  checked.push(...checkRules(run, (rule) => !isCodeRule(rule)));
  const findings = finishRun(run, checked);
  return { findings, model, handlers, internalErrors, fileCount: model.fileCount, functionCount: appFunctionCount(model), parts: parts.length, partsRedone, partsDoneAt };
}

/** The suppressions of a run that is not split; with `findingsIn`, those of that file only. */
function suppressionsOf(project: Project, handlers: HandlerBinding[], options: LintOptions): Suppression[] {
  const only = options.findingsIn;
  const yamlSources = only === undefined ? project.yamlSources : project.yamlSources.filter((source) => source.file === only);
  const all = collectSuppressions(project.model, yamlSources, handlers, options.eslintDirectives === true, [], only);
  return only === undefined ? all : all.filter((s) => s.loc.file === only);
}

/** Rules that read handler code: a split run runs them in each part, on that part's functions. */
function isCodeRule(rule: AnyRule): boolean {
  return rule.scope === 'handler' || rule.scope === 'cross';
}

function appFunctionCount(model: AppModel): number {
  return model.functions.filter((f) => !f.frameworkInternal).length;
}

/** The indexes (in `model.functions`) of the functions whose code is analysed. */
function analysable(model: AppModel): number[] {
  return model.functions.flatMap((fn, i) => (fn.handler && runsJavaScript(fn) ? [i] : []));
}

/**
 * A worker thread's share of a split run (see parallel.ts): reads the same files as the main
 * thread, plans the same parts, and analyses part `part` of `parts`; nothing when the plan has fewer.
 */
export function lintPart(options: LintOptions & { files: readonly DiscoveredFile[] }, part: number, maxParts: number, sizes?: PartSizes): PartResult | undefined {
  const project = readProject(options, options.files);
  if (!project.needsCode) return undefined;
  const parts = planParts(project.model, analysable(project.model), maxParts, sizes);
  const mine = parts[part];
  return mine && parts.length > 1 ? analysePart(mine, project, options, planKey(project.model, parts)) : undefined;
}

function analysePart(part: readonly number[], project: Project, options: LintOptions, plan: string): PartResult {
  const { model } = project;
  const functions = part.map((i) => model.functions[i]!);
  const code = analyseHandlers(functions, project, options, () => {});
  const internalErrors: PartResult['internalErrors'] = [];
  const findings = checkRules(
    {
      model,
      rules: options.rules,
      handlers: code.handlers,
      onRuleError: (ruleId, error) => internalErrors.push({ ruleId, message: error instanceof Error ? error.message : String(error) }),
      reportsAbout: new Set(functions),
      ...(options.config ? { config: options.config } : {}),
      ...(options.today ? { today: options.today } : {}),
    },
    isCodeRule,
  );
  const index = new Map(model.functions.map((fn, i) => [fn, i]));
  return {
    findings,
    diagnostics: code.diagnostics,
    filePaths: code.filePaths,
    suppressions: options.inlineConfig === false ? [] : codeSuppressions(code.handlers).filter((s) => options.eslintDirectives === true || s.origin !== 'eslint'),
    handlers: code.handlers.map((h) => ({ fn: index.get(h.fn)!, file: h.file, exportName: h.exportName })),
    internalErrors,
    plan,
    doneAt: Date.now(),
  };
}

/** Diagnostics of a file several parts read, once. */
function uniqueDiagnostics(diagnostics: InputDiagnostic[]): InputDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const l = d.loc;
    const key = `${d.ruleId}\0${l.file}\0${l.line}:${l.column}:${l.endLine}:${l.endColumn}\0${d.function ?? ''}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function readProject(options: LintOptions, files: readonly DiscoveredFile[]): Project {
  const { host, root } = options;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const model = emptyModel(root);
  const progress = options.onProgress ?? (() => {});
  const readText = (abs: string): string | undefined => {
    if (!isInside(root, abs)) return undefined;
    const bytes = host.readFile(abs);
    if (!bytes || checkBytes(abs, bytes, maxBytes)) return undefined;
    return decode(bytes);
  };

  const configFiles: string[] = [];
  const packageOutputs: ParsedSource[] = [];
  const yamlSources: ParsedSource[] = [];
  const cdkManifests: string[] = [];
  for (const [i, file] of files.entries()) {
    progress(`reading ${file.path} (${i + 1}/${files.length})`);
    if (file.kind === 'cdk-assembly') {
      cdkManifests.push(file.path);
      continue;
    }
    const parsed = readConfig(file, host, maxBytes, model, readText, options.parsedConfigs);
    if (!parsed) continue;
    configFiles.push(file.path);
    model.fileCount++;
    if (!parsed.root) continue;
    if (!/\.(json|[cm]?[jt]s)$/i.test(file.path)) yamlSources.push(parsed);
    if (file.kind === 'serverless-package') {
      // Read once every serverless.yml is: how depends on whether its service's configuration is in the run.
      packageOutputs.push(parsed);
    } else if (file.kind === 'serverless') {
      readServerless(parsed, model, { root, readFile: readText, env: host.env, ...(options.options ? { options: options.options } : {}) });
    } else if (isSamTemplate(parsed.root)) {
      readSam(parsed, model, { readFile: readText, root });
    } else {
      readCloudFormation(parsed, model, 'cloudformation', { readFile: readText, root });
    }
  }
  readServerlessPackages(packageOutputs, model, {
    root,
    configs: files.filter((f) => f.kind === 'serverless').map((f) => f.path),
    readText,
    env: host.env,
    ...(options.options ? { options: options.options } : {}),
  });
  // CDK synth output: every stack, stage and nested stack template, with handlers mapped from the app's source.
  const cdk = readCdkAssemblies(cdkManifests, model, { root, readFile: (abs) => (isInside(root, abs) ? host.readFile(abs) : undefined), maxFileBytes: maxBytes });
  configFiles.push(...cdk.templates);
  for (const file of configFiles) linkTemplate(model, file);
  installValueResolver(model);

  const enabled = resolveRules(options.rules, options.config);
  const needsCode = enabled.some(({ rule }) => rule.scope === 'handler' || rule.scope === 'cross' || rule.id === 'unresolved-handler');
  // Code files go to the analyzer as they are: it reports binary and oversized ones as parse errors itself.
  const readCode = (abs: string): string | undefined => {
    if (!isInside(root, abs)) return undefined;
    const bytes = host.readFile(abs);
    return bytes ? decode(bytes) : undefined;
  };
  return { model, yamlSources, needsCode, readCode, maxBytes };
}

function readConfig(
  file: DiscoveredFile,
  host: Host,
  maxBytes: number,
  model: AppModel,
  readText: (abs: string) => string | undefined,
  parsedConfigs?: LintOptions['parsedConfigs'],
): ParsedSource | undefined {
  const bytes = host.readFile(file.path);
  if (!bytes) return undefined;
  const problem = checkBytes(file.path, bytes, maxBytes);
  if (problem) {
    // A file of any name could be a template only if we can read it; unknown ones are skipped.
    if (file.kind !== 'maybe-template') model.diagnostics.push(problem);
    return undefined;
  }
  const text = decode(bytes);
  if (file.kind === 'maybe-template' && !looksLikeTemplate(text)) return undefined;
  const format = file.path.endsWith('.json') ? 'json' : 'yaml';
  const parse = (): ParsedSource => (file.kind === 'serverless' ? parseServerlessConfig(file.path, text, readText) : parseSource(file.path, text, { format }));
  // A serverless.ts/.js is evaluated with the modules it imports: its text alone does not key it.
  const keyed = parsedConfigs && !(file.kind === 'serverless' && isCodeConfig(file.path));
  const kept = keyed ? parsedConfigs.get(`${file.kind}:${file.path}`) : undefined;
  const parsed = kept?.text === text ? kept.parsed : parse();
  if (keyed && kept?.parsed !== parsed) parsedConfigs.set(`${file.kind}:${file.path}`, { text, parsed });
  if (file.kind === 'maybe-template') {
    // Another tool's file that merely mentions AWS types is not ours to judge.
    if (!parsed.root) {
      if (/AWSTemplateFormatVersion/.test(text)) model.diagnostics.push(...parsed.diagnostics);
      else return undefined;
    } else if (!isCloudFormationTemplate(parsed.root)) return undefined;
  } else {
    model.diagnostics.push(...parsed.diagnostics);
    // A configuration or a template is a mapping: a list or a lone scalar cannot be read as one.
    const top = parsed.root;
    if (top && (top.kind === 'scalar' || top.kind === 'seq')) {
      const l = top.loc;
      model.diagnostics.push({
        ruleId: 'parse-error',
        message: `Expected ${format === 'json' ? 'a JSON object' : 'a YAML mapping'} at the top level, found ${top.kind === 'seq' ? 'a list' : 'a single value'}; the file was not read.`,
        // Where the value starts (a list can span the whole file).
        loc: l.endLine === l.line ? l : { ...l, endLine: l.line, endColumn: l.column },
      });
      return { ...parsed, root: undefined };
    }
  }
  return parsed;
}

interface CodeAnalysis {
  handlers: HandlerBinding[];
  /** `unresolved-handler` and the code files' `parse-error` diagnostics. */
  diagnostics: InputDiagnostic[];
  /** Code files read. */
  filePaths: string[];
}

function emptyAnalysis(): CodeAnalysis {
  return { handlers: [], diagnostics: [], filePaths: [] };
}

function analyseHandlers(functions: readonly AppModel['functions'][number][], project: Project, options: LintOptions, progress: (step: string) => void): CodeAnalysis {
  const { root } = options;
  const analyzer = new HandlerAnalyzer({ readFile: project.readCode }, root, { maxFileBytes: project.maxBytes, ...(options.sources ? { sources: options.sources } : {}) });
  const handlers: HandlerBinding[] = [];
  const diagnostics: InputDiagnostic[] = [];
  for (const [i, fn] of functions.entries()) {
    progress(`analysing the handler of ${fn.name} (${i + 1}/${functions.length})`);
    const ref = fn.handler;
    if (!ref || !runsJavaScript(fn)) continue;
    if (!isInside(root, ref.modulePath)) {
      diagnostics.push({
        ruleId: 'unresolved-handler',
        message: `${fn.name}: handler module ${ref.modulePath} is outside the project root ${root}; it was not read, so the code rules did not run on it.`,
        loc: ref.loc,
        function: fn.name,
      });
      continue;
    }
    const result = analyzer.resolve(ref);
    if (result.ok) {
      handlers.push({ fn, file: result.file, exportName: result.exportName, code: result.code });
    } else if (!ref.optional) {
      diagnostics.push({ ruleId: 'unresolved-handler', message: `${fn.name}: ${result.message}`, loc: ref.loc, function: fn.name, ...(fn.constructPath ? { resource: fn.constructPath } : {}) });
    }
  }
  diagnostics.push(...analyzer.diagnostics());
  return { handlers, diagnostics, filePaths: analyzer.filePaths };
}

/**
 * The code rules read JavaScript and TypeScript only: a function on another runtime (`python3.12`,
 * `java21`, `provided.al2023`) has its handler in another language, so it is neither analysed nor
 * reported as unresolved. An unknown runtime (a parameter, a variable) may be Node.js and is analysed.
 */
function runsJavaScript(fn: AppModel['functions'][number]): boolean {
  const runtimes = fn.runtime?.alternatives?.map((a) => a.value) ?? [fn.runtime?.value];
  return runtimes.some((r) => typeof r !== 'string' || /^nodejs/i.test(r));
}

export { isInside, SourceCache };
