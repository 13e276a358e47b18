import { get, isFrameworkInternalPath, isMap, str, type AppModel, type LambdaFunction, type Loc, type Value } from '@lambda-lint/core';
import { checkBytes, DEFAULT_MAX_FILE_BYTES, parseSource } from '@lambda-lint/source';
import { readCloudFormation } from '@lambda-lint/cloudformation';
import { analyzeCdkApp, type CdkApp } from './app.js';
import { mapHandlers } from './match.js';
import { basename, dirname, isInside, resolvePath } from './paths.js';

/** What the CDK reader needs from the outside world. */
export interface CdkIo {
  /** Absolute project root: nothing outside it is read. */
  root: string;
  /** The bytes of a file, or undefined when it does not exist or cannot be read. */
  readFile(absPath: string): Uint8Array | undefined;
  maxFileBytes?: number;
}

export interface CdkReadResult {
  /** Every template read into the model (stacks, stage stacks, nested stacks), for `linkTemplate`. */
  templates: string[];
  /** The CDK app source files read to map handlers. */
  appFiles: string[];
}

/** Nested stacks deeper than this are not followed (CloudFormation itself allows far fewer levels). */
const MAX_NESTING = 16;

interface ReadState {
  model: AppModel;
  io: CdkIo;
  visited: Set<string>;
  templates: string[];
  /** Functions read from the current top-level assembly. */
  functions: LambdaFunction[];
}

/**
 * Reads CDK cloud assemblies (`cdk.out/manifest.json`): every stack template, the stacks of
 * Stages (nested cloud assemblies) and nested stacks, into the model with platform `cdk`.
 * Resources and functions are named by their construct path (`MyStack/Api/Handler`). When the CDK
 * app's own code is next to the assembly (`cdk.json`), it is read statically, never run, to point
 * each function at its handler source. Never throws on bad input: problems are `parse-error`s.
 */
export function readCdkAssemblies(manifests: readonly string[], model: AppModel, io: CdkIo): CdkReadResult {
  const state: ReadState = { model, io, visited: new Set(), templates: [], functions: [] };
  const appFiles: string[] = [];
  const apps = new Map<string, CdkApp | undefined>();
  for (const manifest of manifests) {
    if (state.visited.has(manifest)) continue;
    state.functions = [];
    readManifest(manifest, undefined, state);
    const appDir = findAppDir(dirname(manifest), io);
    if (appDir === undefined || state.functions.length === 0) continue;
    if (!apps.has(appDir)) {
      let app: CdkApp | undefined;
      try {
        app = analyzeCdkApp(appDir, io, model);
        for (const f of app.files) if (!appFiles.includes(f)) appFiles.push(f);
      } catch {
        // Reading the app is best effort: without it the functions simply have no handler source.
        app = undefined;
      }
      apps.set(appDir, app);
    }
    const app = apps.get(appDir);
    if (app) mapHandlers(state.functions, app.functions);
  }
  return { templates: state.templates, appFiles };
}

/** The directory of the CDK app (`cdk.json`) that an assembly directory belongs to. */
function findAppDir(assemblyDir: string, io: CdkIo): string | undefined {
  let dir = dirname(assemblyDir);
  for (let i = 0; i < 4 && isInside(io.root, dir); i++) {
    if (io.readFile(`${dir === '/' ? '' : dir}/cdk.json`) !== undefined) return dir;
    if (dir === '/' || dir === io.root) break;
    dir = dirname(dir);
  }
  return undefined;
}

function parseError(model: AppModel, message: string, loc: Loc): void {
  model.diagnostics.push({ ruleId: 'parse-error', message, loc });
}

function fileStart(file: string): Loc {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Reads a file inside the root as text; size and binary problems are reported at `file`. */
function readText(file: string, state: ReadState): string | 'missing' | 'unreadable' {
  if (!isInside(state.io.root, file)) return 'missing';
  const bytes = state.io.readFile(file);
  if (!bytes) return 'missing';
  const problem = checkBytes(file, bytes, state.io.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
  if (problem) {
    state.model.diagnostics.push(problem);
    return 'unreadable';
  }
  return new TextDecoder('utf-8').decode(bytes);
}

function readManifest(file: string, ref: { loc: Loc; what: string } | undefined, state: ReadState): void {
  if (state.visited.has(file)) return;
  state.visited.add(file);
  const { model } = state;
  const text = readText(file, state);
  if (text === 'missing') {
    if (ref) parseError(model, `${ref.what} names the cloud assembly ${basename(dirname(file))}/manifest.json, which does not exist: the synth output is incomplete; run \`cdk synth\` again.`, ref.loc);
    return;
  }
  if (text === 'unreadable') return;
  model.fileCount++;
  const parsed = parseSource(file, text, { format: 'json' });
  model.diagnostics.push(...parsed.diagnostics);
  const root = parsed.root;
  if (!root) return;
  if (!isMap(root)) {
    parseError(model, 'Not a CDK cloud assembly manifest: expected a JSON object with `version` and `artifacts`.', root.loc);
    return;
  }
  const artifacts = get(root, 'artifacts');
  if (artifacts === undefined) return;
  if (!isMap(artifacts)) {
    parseError(model, 'Invalid CDK cloud assembly manifest: `artifacts` must be an object of artifacts by id.', artifacts.loc);
    return;
  }
  const dir = dirname(file);
  for (const artifact of artifacts.entries) {
    const type = str(get(artifact.value, 'type'));
    if (type === 'aws:cloudformation:stack') {
      const templateFile = get(artifact.value, 'properties', 'templateFile');
      const name = stringValue(templateFile);
      if (!name) {
        parseError(model, `Invalid CDK cloud assembly manifest: stack artifact "${artifact.key}" has no \`properties.templateFile\`.`, templateFile?.loc ?? artifact.keyLoc);
        continue;
      }
      const metadata = get(artifact.value, 'metadata');
      readTemplate(resolvePath(dir, name), { loc: templateFile!.loc, what: 'manifest.json' }, logicalIdPaths(metadata), state, 0);
    } else if (type === 'cdk:cloud-assembly') {
      const directory = get(artifact.value, 'properties', 'directoryName');
      const name = stringValue(directory);
      if (!name) {
        parseError(model, `Invalid CDK cloud assembly manifest: nested assembly "${artifact.key}" has no \`properties.directoryName\`.`, directory?.loc ?? artifact.keyLoc);
        continue;
      }
      readManifest(resolvePath(dir, name, 'manifest.json'), { loc: directory!.loc, what: 'manifest.json' }, state);
    }
  }
}

/** Construct paths by logical id from a stack artifact's `metadata` (`aws:cdk:logicalId` entries). */
function logicalIdPaths(metadata: Value | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!isMap(metadata)) return out;
  for (const e of metadata.entries) {
    if (e.value.kind !== 'seq') continue;
    for (const item of e.value.items) {
      if (str(get(item, 'type')) !== 'aws:cdk:logicalId') continue;
      const id = str(get(item, 'data'));
      if (id && !out.has(id)) out.set(id, e.key.replace(/^\//, ''));
    }
  }
  return out;
}

/** A non-empty string scalar (a number is not a file name). */
function stringValue(v: Value | undefined): string | undefined {
  return v?.kind === 'scalar' && typeof v.value === 'string' && v.value !== '' ? v.value : undefined;
}

/** Kept exported from here for the cdk package's users; it lives in core, which the CloudFormation reader shares. */
export { isFrameworkInternalPath };

/** `MyStack/Api/Handler/Resource` -> `MyStack/Api/Handler`: the L2 construct users wrote. */
export function constructPathOf(cdkPath: string): string {
  return cdkPath.endsWith('/Resource') ? cdkPath.slice(0, -'/Resource'.length) : cdkPath;
}

function readTemplate(file: string, ref: { loc: Loc; what: string }, paths: Map<string, string>, state: ReadState, depth: number): void {
  if (state.visited.has(file)) return;
  state.visited.add(file);
  const { model } = state;
  const text = readText(file, state);
  if (text === 'missing') {
    parseError(model, `${ref.what} names the template ${basename(file)}, which does not exist: the synth output is incomplete; run \`cdk synth\` again.`, ref.loc);
    return;
  }
  if (text === 'unreadable') return;
  model.fileCount++;
  const parsed = parseSource(file, text, { format: 'json' });
  model.diagnostics.push(...parsed.diagnostics);
  if (!parsed.root) return;
  if (!isMap(parsed.root)) {
    parseError(model, 'Not a CloudFormation template: expected a JSON object with `Resources`.', parsed.root.loc);
    return;
  }
  const firstResource = model.resources.length;
  const firstFunction = model.functions.length;
  readCloudFormation(parsed, model, 'cdk', {
    root: state.io.root,
    readFile: (abs) => {
      const t = readText(abs, state);
      return t === 'missing' || t === 'unreadable' ? undefined : t;
    },
  });
  state.templates.push(file);
  const resources = model.resources.slice(firstResource);
  for (const r of resources) {
    const path = r.constructPath ?? paths.get(r.logicalId);
    if (path) r.constructPath = constructPathOf(path);
  }
  for (const fn of model.functions.slice(firstFunction)) {
    // The code is a synthesized asset (a bundle in cdk.out or S3): the source comes from the app, if at all.
    delete fn.handler;
    const path = fn.resource?.constructPath;
    if (path) {
      fn.constructPath = path;
      fn.name = path;
      if (isFrameworkInternalPath(path)) fn.frameworkInternal = true;
    }
    state.functions.push(fn);
  }
  if (depth >= MAX_NESTING) return;
  for (const r of resources) {
    if (r.type !== 'AWS::CloudFormation::Stack') continue;
    const assetPath = get(r.metadata, 'aws:asset:path');
    const name = stringValue(assetPath);
    if (!name || !assetPath || !/\.json$/.test(name)) continue;
    // Older CDK versions wrote absolute paths of the synth machine: the file is in this assembly.
    let nested = resolvePath(dirname(file), name);
    if (!isInside(state.io.root, nested) || state.io.readFile(nested) === undefined) nested = resolvePath(dirname(file), basename(name));
    readTemplate(nested, { loc: assetPath.loc, what: `Nested stack ${r.constructPath ?? r.logicalId}` }, new Map(), state, depth + 1);
  }
}
