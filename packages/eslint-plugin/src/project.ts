import type { AnyRule, Finding, LintConfig } from '@lambda-lint/core';
import { isInside, kindOfPath, lint, nodeHost, type Host } from '@lambda-lint/linter';
import { overlayHost, recordingHost, stillValid, type ReadSet } from './host.js';

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
}

interface ProjectRun {
  reads: ReadSet;
  findings: Finding[];
  internalErrors: FileResult['internalErrors'];
}

/** Recent runs per configuration directory and settings: an editor alternates between a few states of a project. */
const runs = new Map<string, ProjectRun[]>();
const RUNS_KEPT = 4;

/** Drops every cached run (tests and benchmarks that want a cold start). */
export function clearCache(): void {
  runs.clear();
}

/**
 * Walks up from the file to the project root and lints the nearest configuration directory whose
 * functions reach the file (as a handler or a module a handler imports); the file's findings are
 * those of that run. No configuration reaching the file: no findings.
 */
export function analyseFile(request: FileRequest): FileResult {
  const { file, root } = request;
  if (!isInside(root, file) || file === root) return { findings: [], internalErrors: [] };
  const host = overlayHost(request.host ?? nodeHost(), { path: file, bytes: new TextEncoder().encode(request.text) });
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

/** The configuration files directly in `dir`, plus its `cdk.out` assembly and `sls package` output: what lambda-lint would read for that folder alone. */
function configPathsIn(dir: string, host: Host): string[] {
  const paths: string[] = [];
  for (const entry of host.readDir(dir) ?? []) {
    const path = dir === '/' ? `/${entry.name}` : `${dir}/${entry.name}`;
    if (entry.kind === 'file' && kindOfPath(path)) paths.push(path);
    else if (entry.kind === 'dir' && entry.name === 'cdk.out' && host.kindOf(`${path}/manifest.json`) === 'file') paths.push(path);
    else if (entry.kind === 'dir' && entry.name === '.serverless') {
      const output = `${path}/cloudformation-template-update-stack.json`;
      if (host.kindOf(output) === 'file') paths.push(output);
    }
  }
  return paths.sort();
}

function projectRun(dir: string, configs: string[], host: Host, request: FileRequest): ProjectRun {
  const key = JSON.stringify([request.root, dir, configs, request.rules.map((r) => r.id), request.config, request.options ?? {}]);
  const kept = runs.get(key) ?? [];
  const reusable = kept.find((run) => stillValid(run.reads, host));
  if (reusable) return reusable;
  const recorder = recordingHost(host);
  const result = lint({
    host: recorder.host,
    paths: configs,
    root: request.root,
    rules: request.rules,
    config: request.config,
    ...(request.options ? { options: request.options } : {}),
  });
  const run: ProjectRun = { reads: recorder.reads, findings: result.findings, internalErrors: result.internalErrors };
  runs.set(key, [run, ...kept].slice(0, RUNS_KEPT));
  return run;
}
