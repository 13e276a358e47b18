/**
 * The module pack: lambda-lint's own ES modules (about 190 files of the workspace packages and
 * rules) as one script, so that a start loads one file instead of resolving, reading and linking
 * each module. Node.js 20's ES module loader spends about 100 ms of CPU on that graph on every
 * start (in every worker thread too); the pack is compiled from the V8 code cache like
 * TypeScript's compiler (cache-compile.ts).
 *
 * The pack is derived, never shipped: the first run after a build or an upgrade loads the modules
 * normally and writes the pack when it exits (0.3-1 s of CPU, once, not in CI; next to the compiled-code
 * cache, in the temporary directory); a run uses it only when every file in it still has the size
 * and modification time it had when it was packed. A run under a profiler or debugger does not
 * use it (a profile then charges time to the modules' own files and lines).
 *
 * Each module keeps its code; only its import and export declarations change. Its exports become
 * getters on an exports object, defined before its body runs (so a function is callable early and
 * a `const` read too early throws, as in an ES module), and its imports constants read from its
 * dependencies' exports objects, which have run before it, in the order of its import
 * declarations. That is an ES module's behaviour except for live bindings, which only a cycle or
 * an exported `let` can observe: the pack is not written when an import inside a cycle names
 * anything but a function declaration, or a module exports a `let`/`var`. Dependencies from
 * node_modules are seen as an ES module sees a required module (`default` is `module.exports`).
 * The small CommonJS files of the dependencies that every run loads (yaml, commander, picocolors:
 * 80 files, 20 ms of resolving, reading and compiling them one by one) are packed too, with
 * Node.js's module wrapper, when every require in their package is a string literal resolved here
 * (collectCommonJs); they run as the CommonJS loader runs them, registered in its cache. The small
 * dependencies of ts-morph's bundles (tinyglobby, minimatch...: 20 files) are served from the pack
 * when those bundles require them (serveOutsideRequires). Node.js built-ins, JSON, large files and
 * packages that cannot be packed stay outside, loaded with `require`. Anything else the pack cannot
 * express (top-level await, a computed import specifier, a package export it cannot resolve) means
 * no pack. `LAMBDA_LINT_NO_COMPILE_CACHE=1` turns it off with the compiled-code cache.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { types } from 'node:util';
import { compileFunction, Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';
import type * as TS from 'typescript';
import { compiledCodeEntry, privateCacheDir } from './cache-compile.js';

/** How a packed module is run: its exports object and the pack's implementations of its imports. */
type ModuleBody = (
  exports: object,
  load: (specifier: string) => object,
  dynamicImport: (specifier: string) => Promise<object>,
  importMeta: object,
  exportStar: (into: object, from: object) => void,
) => void;

/** How a packed CommonJS dependency is run: Node.js's own module wrapper, with a `require` that knows the pack. */
type CommonJsBody = (exports: unknown, require: (specifier: string) => unknown, module: CjsModule, __filename: string, __dirname: string) => void;

/**
 * What the pack's script exports: each module's body and where its import (or require) specifiers
 * lead (null: outside the pack); `commonjs` marks a dependency from node_modules.
 */
type PackedModules = Record<string, [body: ModuleBody, links: Record<string, string | null>] | [body: CommonJsBody, links: Record<string, string | null>, format: 'commonjs']>;

/**
 * The pack's script's exports: the modules, and for the large CommonJS files left outside (ts-morph,
 * @ts-morph/common) the packed files their requires lead to, served from the pack when they require.
 */
interface PackScript {
  modules: PackedModules;
  outside: Record<string, Record<string, string>>;
}

/** Node.js's CommonJS module, as far as the pack uses it. */
interface CjsModule {
  exports: unknown;
  filename: string | null;
  paths: string[];
  loaded: boolean;
  require(specifier: string): unknown;
}

/** The CommonJS loader's class and tables (node:module's default export). */
const CjsLoader = Module as unknown as {
  new (id: string, parent?: CjsModule): CjsModule;
  _cache: Record<string, CjsModule | undefined>;
  _nodeModulePaths(dir: string): string[];
  _load(request: string, parent: CjsModule | undefined, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: unknown): string;
};

/**
 * The manifest beside a pack: the files it was made from, as they were. `pack` null: those files
 * cannot be packed, and no run tries again until one of them changes.
 */
interface Manifest {
  version: 5;
  pack: string | null;
  files: [path: string, size: number, mtimeMs: number][];
  /**
   * The node_modules entries that packed dependencies were found through, and the folders they led
   * to: a package manager upgrades a dependency by pointing its link elsewhere, leaving the old files.
   */
  links: [path: string, real: string][];
}

const MANIFEST_VERSION = 5;

/** A build that holds the lock longer than this has died: another run may build. */
const STALE_LOCK_MS = 2 * 60 * 1000;

/** Text that may be an `import(...)` call (a module without it needs no walk of its whole tree). */
const DYNAMIC_IMPORT = /\bimport\s*\(/;

/** The names the pack's code gives each module; a module that mentions one is not packed. */
const PREFIX = '__llpack_';

/** A current pack, opened: each module it holds runs once, on first load. */
export interface OpenPack {
  /** The exports of a packed module (absolute path, as realpath gives it), or undefined when the pack does not hold it. */
  load(file: string): Record<string, unknown> | undefined;
}

export interface PackOptions {
  /**
   * Which of the large CommonJS bundles the writing run has loaded may have their requires served
   * from the pack (default: all of them). The ESLint plugin keeps to its own (ts-morph's): the
   * others in its process are ESLint's.
   */
  bundles?: (filename: string) => boolean;
}

/**
 * The pack of `entryPath` (one of lambda-lint's ES modules) when there is a current one; else
 * undefined, the caller imports the modules normally, and the pack is written when this process
 * exits (main thread only). A worker thread can load its modules from the pack of the CLI's entry.
 */
export function openPack(entryPath: string, env: Record<string, string | undefined> = process.env, options: PackOptions = {}): OpenPack | undefined {
  if (env.LAMBDA_LINT_NO_COMPILE_CACHE || !(process.features as { require_module?: boolean }).require_module || profiled(env)) return undefined;
  let entry: string;
  try {
    entry = realpathSync(entryPath);
  } catch {
    return undefined;
  }
  const dir = privateCacheDir();
  if (!dir) return undefined;
  // One pack per entry module (and Node.js version: the directory is per version).
  const base = join(dir, `pack-${createHash('sha256').update(entry).digest('hex').slice(0, 24)}`);
  const packFile = currentPack(base);
  // A CI job starts on a fresh machine: the pack it would write is never read, so it is not written.
  if (packFile === undefined && isMainThread && !env.CI) process.once('exit', () => writePack(entry, base, options));
  if (!packFile) return undefined;
  let script: PackScript;
  try {
    script = createRequire(packFile)(packFile) as PackScript;
  } catch {
    // removed by a newer build, or unreadable (nothing of it has run): the modules are imported normally
    return undefined;
  }
  // A pack of another layout (written by another build of this file) is not used.
  const { modules, outside } = script ?? {};
  if (!modules || !outside || !Object.hasOwn(modules, entry)) return undefined;
  const loader = new PackLoader(modules);
  serveOutsideRequires(loader, outside);
  return { load: (file) => (modules[file] ? (loader.load(file) as Record<string, unknown>) : undefined) };
}

/**
 * Requires made by the large files left outside the pack (ts-morph's bundles) that lead to packed
 * dependencies are answered from the pack: the loader is asked first only for those parents and
 * specifiers, resolved when the pack was written, as Node.js resolves them (the manifest holds both
 * files and the links they went through). Anything else goes to Node.js's loader unchanged.
 */
function serveOutsideRequires(loader: PackLoader, outside: Record<string, Record<string, string>>): void {
  if (Object.keys(outside).length === 0) return;
  const load = CjsLoader._load;
  CjsLoader._load = function (request: string, parent: CjsModule | undefined, isMain: boolean): unknown {
    const links = parent?.filename && Object.hasOwn(outside, parent.filename) ? outside[parent.filename]! : undefined;
    const target = links && Object.hasOwn(links, request) ? links[request] : undefined;
    return target === undefined ? load.call(this, request, parent, isMain) : loader.require(target, parent);
  };
}

/**
 * Whether a profiler or debugger watches this process: it is shown the modules' own files (a
 * profile charges time to files and lines), not the pack.
 */
function profiled(env: Record<string, string | undefined>): boolean {
  const flags = [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)];
  // --preserve-symlinks: the loader would know dependencies by other paths than the pack's, and load them twice.
  return flags.some((f) => /^--(cpu-prof|heap-prof|prof|inspect|preserve-symlinks)/.test(f));
}

/** The pack file whose manifest matches the files on disk (null: they cannot be packed). */
function currentPack(base: string): string | null | undefined {
  const manifest = readManifest(base);
  if (!manifest) return undefined;
  try {
    for (const [path, size, mtimeMs] of manifest.files) {
      const s = statSync(path);
      if (s.size !== size || s.mtimeMs !== mtimeMs) return undefined;
    }
    for (const [path, real] of manifest.links) if (realpathSync.native(path) !== real) return undefined;
  } catch {
    return undefined;
  }
  return manifest.pack === null ? null : join(dirname(base), manifest.pack);
}

function readManifest(base: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as Manifest;
    return manifest.version === MANIFEST_VERSION && Array.isArray(manifest.files) && Array.isArray(manifest.links) ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the packed modules, each once, dependencies first. */
class PackLoader {
  private readonly loaded = new Map<string, object>();
  private readonly namespaces = new WeakMap<object, object>();

  constructor(private readonly modules: PackedModules) {}

  load(file: string): object {
    const done = this.loaded.get(file);
    if (done) return done;
    const [body, links] = this.modules[file] as [ModuleBody, Record<string, string | null>];
    const exports = {};
    this.loaded.set(file, exports);
    const outside = createRequire(file);
    const load = (specifier: string): object => {
      const target = links[specifier];
      if (!target) return this.namespaceOf(outside(specifier));
      return this.modules[target]![2] === 'commonjs' ? this.namespaceOf(this.require(target)) : this.load(target);
    };
    const dynamicImport = (specifier: string): Promise<object> => Promise.resolve().then(() => load(specifier));
    body(exports, load, dynamicImport, { url: pathToFileURL(file).href, filename: file, dirname: dirname(file) }, exportStar);
    return exports;
  }

  /**
   * A packed CommonJS dependency's `module.exports`, as Node.js's loader gives it: one module object
   * per file in the loader's own cache (whoever requires the file later, in or outside the pack, gets
   * the same exports), registered before its body runs (a cycle sees the exports so far), removed
   * again if the body throws. Its requires of files outside the pack go to the real `require`.
   */
  require(file: string, parent?: CjsModule): unknown {
    const known = CjsLoader._cache[file];
    if (known) return known.exports;
    const [body, links] = this.modules[file] as [CommonJsBody, Record<string, string | null>, 'commonjs'];
    const module = new CjsLoader(file, parent);
    module.filename = file;
    module.paths = CjsLoader._nodeModulePaths(dirname(file));
    CjsLoader._cache[file] = module;
    const require = (specifier: string): unknown => {
      const target = Object.hasOwn(links, specifier) ? links[specifier] : null;
      return target ? this.require(target, module) : module.require(specifier);
    };
    // Answered by Node.js's resolver, as the module's own `require.resolve` would be.
    require.resolve = (request: string, options?: unknown): string => CjsLoader._resolveFilename(request, module, false, options);
    try {
      body.call(module.exports, module.exports, require, module, file, dirname(file));
    } catch (e) {
      delete CjsLoader._cache[file];
      throw e;
    }
    module.loaded = true;
    return module.exports;
  }

  /**
   * A dependency as an ES module sees it: a CommonJS module's `module.exports` is its default export
   * and its properties the named ones; an ES module (require(esm)) is its namespace.
   */
  private namespaceOf(value: unknown): object {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return { default: value };
    const known = this.namespaces.get(value);
    if (known) return known;
    if (types.isModuleNamespaceObject(value)) return value;
    const ns: Record<string, unknown> = {};
    const source = value as Record<string, unknown>;
    for (const key of Object.keys(source)) if (key !== 'default') Object.defineProperty(ns, key, { enumerable: true, get: () => source[key] });
    Object.defineProperty(ns, 'default', { enumerable: true, value });
    this.namespaces.set(value, ns);
    return ns;
  }
}

/** `export * from`: the names the module does not export itself, except `default`, read through. */
function exportStar(into: object, from: object): void {
  for (const key of Object.keys(from)) {
    if (key === 'default' || Object.prototype.hasOwnProperty.call(into, key)) continue;
    Object.defineProperty(into, key, { enumerable: true, get: () => (from as Record<string, unknown>)[key] });
  }
}

// ---------------------------------------------------------------------------------------------
// Writing a pack (once per build, when a run without one exits)

type Ts = typeof TS;

/** Writes the pack of `entry`'s module graph; any problem leaves things as they were. */
function writePack(entry: string, base: string, options: PackOptions): void {
  const lock = `${base}.lock`;
  if (!takeLock(lock)) return;
  try {
    const ts = loadedTypescript();
    if (!ts) return;
    const packed = packSource(ts, entry, loadedBundles().filter((file) => options.bundles?.(file) ?? true));
    // This file decides what a pack holds and how it is laid out: a new build of it packs again.
    const packer = fileURLToPath(import.meta.url);
    const packerStat = statSync(packer);
    packed.files.push([packer, packerStat.size, packerStat.mtimeMs]);
    let source = packed.source;
    try {
      // A syntax the packed form cannot have (top-level await) fails here, not in a later run.
      if (source !== undefined) new Script(source, { filename: `${base}.cjs` });
    } catch {
      source = undefined;
    }
    for (const [file, size, mtimeMs] of packed.files) {
      const s = statSync(file, { throwIfNoEntry: false });
      // Rebuilt while this run read it: the next run packs the new build.
      if (s?.size !== size || s.mtimeMs !== mtimeMs) return;
    }
    const packName = source === undefined ? null : `${base.slice(dirname(base).length + 1)}-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.cjs`;
    const previous = readManifest(base)?.pack;
    if (source !== undefined && packName) writeAtomically(join(dirname(base), packName), source);
    const manifest: Manifest = { version: MANIFEST_VERSION, pack: packName, files: packed.files, links: packed.links };
    writeAtomically(`${base}.json`, JSON.stringify(manifest));
    if (previous && previous !== packName) {
      // The previous pack and its compiled code, which no run uses any more.
      const entry = compiledCodeEntry(join(dirname(base), previous));
      if (entry) for (const file of [entry, `${entry}.full`]) unlinkQuietly(file);
      unlinkQuietly(join(dirname(base), previous));
    }
  } catch {
    // no pack: the next run imports the modules and tries again
  } finally {
    unlinkQuietly(lock);
  }
}

function takeLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
      unlinkSync(lock);
      closeSync(openSync(lock, 'wx'));
      return true;
    } catch {
      return false;
    }
  }
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * A TypeScript compiler this process has loaded (a lint run loads ts-morph's), for its parser: the
 * pack is written by a run that has one, and no run loads TypeScript only for the pack.
 */
function loadedTypescript(): Ts | undefined {
  const cache = createRequire(import.meta.url).cache;
  for (const [path, module] of Object.entries(cache)) {
    if (/[\\/]ts-morph[\\/]dist[\\/]ts-morph\.js$/.test(path)) return (module?.exports as { ts?: Ts } | undefined)?.ts;
    if (/[\\/]typescript[\\/]lib[\\/]typescript\.js$/.test(path)) return module?.exports as Ts | undefined;
  }
  return undefined;
}

/**
 * The large CommonJS files of node_modules this process has loaded (TypeScript's and ts-morph's
 * bundles): left outside the pack, their requires of small dependencies are served from it.
 */
function loadedBundles(): string[] {
  const cache = createRequire(import.meta.url).cache;
  const large = (file: string) => (statSync(file, { throwIfNoEntry: false })?.size ?? 0) >= MAX_PACKED_DEPENDENCY_BYTES;
  return Object.keys(cache).filter((file) => file.includes(`${sep}node_modules${sep}`) && /\.c?js$/.test(file) && large(file));
}

/** One module of the graph, parsed. */
interface GraphModule {
  text: string;
  size: number;
  mtimeMs: number;
  sf: TS.SourceFile;
  /** Import specifier -> packed file, or null for a dependency loaded with require. */
  links: Record<string, string | null>;
}

/** The pack's script and the files it holds, or undefined when the graph cannot be packed faithfully. */
export function packSource(ts: Ts, entry: string, bundles: string[] = []): { source?: string; files: Manifest['files']; links: Manifest['links'] } {
  // The modules read, and the package.json files that decided a resolution or a module format: a
  // change to one is a new pack (or a new attempt, after files that could not be packed).
  const files: Manifest['files'] = [];
  const packageFiles = new Set<string>();
  const withPackageFiles = () => {
    for (const file of packageFiles) {
      const s = statSync(file);
      files.push([file, s.size, s.mtimeMs]);
    }
    return files;
  };
  const graph = collectGraph(ts, entry, packageFiles, files);
  if (!graph || !cyclesAreSafe(ts, graph)) return { files: withPackageFiles(), links: [] };
  const dependencies = collectCommonJs(ts, graph, staticallyImported(ts, graph, entry), bundles);
  // Not strict as a whole: a CommonJS dependency runs in the mode it chose; each ES module is strict.
  const parts: string[] = ['module.exports = { modules: {\n'];
  for (const [file, module] of graph) {
    const body = packedBody(ts, module);
    if (body === undefined) return { files: withPackageFiles(), links: [] };
    const params = ['exports', 'load', 'dynamicImport', 'importMeta', 'exportStar'].map((p) => PREFIX + p).join(', ');
    const links = { ...module.links, ...dependencies.entries.get(file) };
    parts.push(`${JSON.stringify(file)}: [function (${params}) {'use strict';\n${body}\n}, ${JSON.stringify(links)}],\n`);
  }
  for (const [file, module] of dependencies.modules) {
    parts.push(`${JSON.stringify(file)}: [function (${COMMONJS_PARAMS.join(', ')}) {${module.text}\n}, ${JSON.stringify(module.links)}, "commonjs"],\n`);
    files.push([file, module.size, module.mtimeMs]);
  }
  parts.push(`}, outside: ${JSON.stringify(Object.fromEntries(dependencies.outside))} };\n`);
  for (const file of dependencies.outside.keys()) {
    const s = statSync(file);
    files.push([file, s.size, s.mtimeMs]);
  }
  return { source: parts.join(''), files: [...withPackageFiles(), ...dependencies.packageFiles], links: dependencies.links };
}

// ---------------------------------------------------------------------------------------------
// CommonJS dependencies: the small files of node_modules that the packed ES modules require

/** Node.js's CommonJS module wrapper's parameters. */
const COMMONJS_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

/** Files this large are compiled from their own code cache entry (cache-compile.ts), not packed. */
const MAX_PACKED_DEPENDENCY_BYTES = 256 * 1024;

/** A CommonJS file of a dependency, read and analysed. */
interface CommonJsFile {
  text: string;
  size: number;
  mtimeMs: number;
  /** Require specifier -> packed file, or null: the real `require`. */
  links: Record<string, string | null>;
}

interface CommonJsDependencies {
  modules: Map<string, CommonJsFile>;
  /** For each packed ES module, its specifiers that lead to a packed CommonJS file. */
  entries: Map<string, Record<string, string>>;
  /** The same for the bundles left outside. */
  outside: Map<string, Record<string, string>>;
  /** The package.json files that decided a packed file's package root or format. */
  packageFiles: Manifest['files'];
  links: Manifest['links'];
}

/**
 * The modules of `graph` that `entry` imports with import declarations, directly or not: those
 * every run loads. What is only reached through `import()` (`lambda-lint diff`'s review package)
 * keeps its dependencies outside the pack, which every run reads.
 */
function staticallyImported(ts: Ts, graph: Map<string, GraphModule>, entry: string): Set<string> {
  const reached = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    const { sf, links } = graph.get(file)!;
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
      const target = links[st.moduleSpecifier.text];
      if (target) queue.push(target);
    }
  }
  return reached;
}

/**
 * The CommonJS files of node_modules that the ES modules `roots` of `graph` and the `bundles`
 * require, and theirs, that can be packed: a package is packed only when every file of it that is
 * reached is CommonJS, smaller than MAX_PACKED_DEPENDENCY_BYTES, compiles as a function body, and
 * requires nothing but string literals (no `require` used as a value, no `module.require`, no
 * `import()`), resolved here as Node.js resolves them (its resolver, from the requiring file).
 * Anything else (a built-in, JSON, an addon, an ES module, a package that cannot be packed) is
 * required at run time, as before.
 */
function collectCommonJs(ts: Ts, graph: Map<string, GraphModule>, roots: Set<string>, bundles: string[]): CommonJsDependencies {
  const read = new Map<string, CommonJsFile>();
  const declined = new Set<string>();
  const unpackable = new Set<string>();
  const packageFiles = new Map<string, Manifest['files'][number]>();
  const linkOf = new Map<string, [string, string] | null>();
  const queue: string[] = [];
  /** Where `specifier` leads from `parent` when that is a candidate for the pack. */
  const candidate = (specifier: string, parent: string): string | undefined => {
    if (isBuiltin(specifier)) return undefined;
    let target: string;
    try {
      target = createRequire(parent).resolve(specifier);
    } catch {
      return undefined;
    }
    if (unpackable.has(target)) return undefined;
    if (!read.has(target) && !commonJsCandidate(target, packageFiles)) {
      unpackable.add(target);
      return undefined;
    }
    const bare = !specifier.startsWith('./') && !specifier.startsWith('../') && !specifier.startsWith('/');
    if (bare && !nodeModulesLink(specifier, parent, target, linkOf)) return undefined;
    queue.push(target);
    return target;
  };
  const entries = new Map<string, Record<string, string>>();
  for (const [file, module] of graph) {
    if (!roots.has(file)) continue;
    for (const [specifier, target] of Object.entries(module.links)) {
      if (target !== null) continue;
      const found = candidate(specifier, file);
      if (found) entries.set(file, { ...entries.get(file), [specifier]: found });
    }
  }
  const outside = new Map<string, Record<string, string>>();
  for (const bundle of bundles) {
    // Text that looks like a require is enough: the pair (bundle, specifier) is resolved as Node.js
    // would, and one that the bundle never requires is never asked for.
    for (const [, , specifier] of readFileSync(bundle, 'utf8').matchAll(/\brequire\(\s*(["'])([^"'\\]+)\1\s*\)/g)) {
      const found = candidate(specifier!, bundle);
      if (found) outside.set(bundle, { ...outside.get(bundle), [specifier!]: found });
    }
  }
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (read.has(file) || declined.has(packageRoot(file))) continue;
    const analysed = analyseCommonJs(ts, file);
    if (!analysed) {
      declined.add(packageRoot(file));
      continue;
    }
    const links: Record<string, string | null> = {};
    for (const specifier of analysed.requires) links[specifier] = candidate(specifier, file) ?? null;
    read.set(file, { ...analysed, links });
  }
  // A declined package's files leave the pack, and links to them go to the real require.
  const modules = new Map([...read].filter(([file]) => !declined.has(packageRoot(file))));
  const packed = (target: string | null) => (target !== null && modules.has(target) ? target : null);
  for (const module of modules.values()) for (const specifier of Object.keys(module.links)) module.links[specifier] = packed(module.links[specifier]!);
  for (const map of [entries, outside]) {
    for (const [file, links] of map) {
      const kept = Object.entries(links).filter(([, target]) => packed(target));
      if (kept.length > 0) map.set(file, Object.fromEntries(kept));
      else map.delete(file);
    }
  }
  const packages = new Set([...modules.keys()].map(packageRoot));
  const links = [...new Set([...linkOf.values()].filter((l): l is [string, string] => l !== null && packages.has(l[1])).map((l) => JSON.stringify(l)))].map((l) => JSON.parse(l) as [string, string]);
  return { modules, entries, outside, packageFiles: [...packageFiles.values()].filter(([f]) => [...packages].some((r) => f.startsWith(r + sep))), links };
}

/** The folder of the package (node_modules/name or node_modules/@scope/name) a file of node_modules belongs to. */
function packageRoot(file: string): string {
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker) + marker.length;
  const parts = file.slice(at).split(sep);
  return file.slice(0, at) + parts.slice(0, parts[0]!.startsWith('@') ? 2 : 1).join(sep);
}

/**
 * Whether a resolved file may be a packed CommonJS dependency: a small `.js`/`.cjs` file of
 * node_modules that Node.js loads as CommonJS (the nearest package.json says so).
 */
function commonJsCandidate(file: string, packageFiles: Map<string, Manifest['files'][number]>): boolean {
  if (!file.includes(`${sep}node_modules${sep}`) || !(file.endsWith('.js') || file.endsWith('.cjs'))) return false;
  if (statSync(file).size >= MAX_PACKED_DEPENDENCY_BYTES) return false;
  if (file.endsWith('.cjs')) return true;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkgFile = join(dir, 'package.json');
    if (existsSync(pkgFile)) {
      const s = statSync(pkgFile);
      packageFiles.set(pkgFile, [pkgFile, s.size, s.mtimeMs]);
      return (JSON.parse(readFileSync(pkgFile, 'utf8')) as PackageJson).type !== 'module';
    }
    if (dirname(dir) === dir) return false;
  }
}

/**
 * Records the node_modules entry through which Node.js finds the package of a bare `specifier`
 * from `parent` (the nearest folder holding it), and the real folder it leads to; false when that
 * is not where `target` is (a self-reference, an unusual layout): the pack leaves it to `require`.
 */
function nodeModulesLink(specifier: string, parent: string, target: string, linkOf: Map<string, [string, string] | null>): boolean {
  const parts = specifier.split('/');
  const name = parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
  const key = `${dirname(parent)}\0${name}`;
  if (!linkOf.has(key)) {
    let found: [string, string] | null = null;
    for (let dir = dirname(parent); ; dir = dirname(dir)) {
      const path = join(dir, 'node_modules', name);
      if (basename(dir) !== 'node_modules' && existsSync(path)) {
        found = [path, realpathSync(path)];
        break;
      }
      if (dirname(dir) === dir) break;
    }
    linkOf.set(key, found);
  }
  const link = linkOf.get(key);
  return !!link && target.startsWith(link[1] + sep);
}

/**
 * A CommonJS file's text and the specifiers it requires, or undefined when it cannot be packed
 * faithfully: a `require` that is not a call with one string literal (or `require.resolve(...)`),
 * `module.require`, `import()`, `import.meta`, or text that is not a function body (Node.js compiles it as one).
 */
function analyseCommonJs(ts: Ts, file: string): { text: string; size: number; mtimeMs: number; requires: string[] } | undefined {
  const s = statSync(file);
  let text = readFileSync(file, 'utf8');
  // Node.js accepts a first line `#!...` in a module; a function body does not.
  if (text.startsWith('#!')) text = `//${text.slice(2)}`;
  if (text.includes(PREFIX)) return undefined;
  try {
    compileFunction(text, COMMONJS_PARAMS, { filename: file });
  } catch {
    return undefined;
  }
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const requires = new Set<string>();
  let opaque = false;
  const visit = (node: TS.Node): void => {
    if (opaque) return;
    if (ts.isIdentifier(node) && node.text === 'require') {
      const parent = node.parent;
      if (ts.isCallExpression(parent) && parent.expression === node) {
        const arg = parent.arguments[0];
        if (parent.arguments.length === 1 && arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) requires.add(arg.text);
        else opaque = true;
      } else if (!isMemberName(ts, node) && !isResolveCall(ts, node)) opaque = true;
    } else if ((ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) || ts.isMetaProperty(node)) opaque = true;
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return opaque ? undefined : { text, size: s.size, mtimeMs: s.mtimeMs, requires: [...requires] };
}

/** `require.resolve(...)`: answered at run time by Node.js's resolver (fdir tests for an optional dependency so). */
function isResolveCall(ts: Ts, node: TS.Identifier): boolean {
  const access = node.parent;
  return ts.isPropertyAccessExpression(access) && access.expression === node && access.name.text === 'resolve' && ts.isCallExpression(access.parent) && access.parent.expression === access;
}

/** `x.require` (but not `module.require`), `{ require: ... }`, `require() {}`: a name, not the module's require. */
function isMemberName(ts: Ts, node: TS.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.name === node && !(ts.isIdentifier(parent.expression) && parent.expression.text === 'module');
  return (ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node;
}

/** Every workspace ES module `entry` imports, statically or with `import('literal')`. */
function collectGraph(ts: Ts, entry: string, packageFiles: Set<string>, read: Manifest['files']): Map<string, GraphModule> | undefined {
  const graph = new Map<string, GraphModule>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (graph.has(file)) continue;
    const s = statSync(file);
    const text = readFileSync(file, 'utf8');
    read.push([file, s.size, s.mtimeMs]);
    if (text.includes(PREFIX)) return undefined;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
    const specifiers = importSpecifiers(ts, sf, DYNAMIC_IMPORT.test(text));
    if (!specifiers) return undefined;
    const links: Record<string, string | null> = {};
    for (const specifier of specifiers) {
      const target = resolveImport(specifier, file, packageFiles);
      if (target === undefined) return undefined;
      links[specifier] = target;
      if (target) queue.push(target);
    }
    graph.set(file, { text, size: s.size, mtimeMs: s.mtimeMs, sf, links });
  }
  return graph;
}

/** The module specifiers of a file, or undefined when one is computed or carries import attributes. */
function importSpecifiers(ts: Ts, sf: TS.SourceFile, dynamicImports: boolean): string[] | undefined {
  const out = new Set<string>();
  let opaque = false;
  const visit = (node: TS.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier) && !node.attributes) out.add(node.moduleSpecifier.text);
      else opaque = true;
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg) && node.arguments.length === 1) out.add(arg.text);
      else opaque = true;
    }
    // Declarations are top-level statements; only an `import(` in the text needs the whole tree.
    if (dynamicImports || node === sf) ts.forEachChild(node, visit);
  };
  visit(sf);
  return opaque ? undefined : [...out];
}

/**
 * Where an import specifier leads, as Node.js resolves it for an ES module (conditions `import`,
 * `node`, `default`): a workspace ES module (packed), null for a built-in or a file of node_modules
 * (required at run time), undefined when it cannot tell.
 */
function resolveImport(specifier: string, parent: string, packageFiles: Set<string>): string | null | undefined {
  if (isBuiltin(specifier)) return null;
  const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/');
  const path = relative ? resolve(dirname(parent), specifier) : resolvePackage(specifier, parent, packageFiles);
  if (path === undefined || !existsSync(path)) return undefined;
  const real = realpathSync(path);
  if (real.split(sep).includes('node_modules')) {
    // Required at run time, with the CommonJS conditions: a dual package gives its CommonJS build
    // (commander's ES entry only re-exports it), which must exist.
    try {
      createRequire(parent).resolve(specifier);
      return null;
    } catch {
      return undefined;
    }
  }
  return isEsModule(real, packageFiles) ? real : undefined;
}

function resolvePackage(specifier: string, parent: string, packageFiles: Set<string>): string | undefined {
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = ['.', ...parts.slice(nameLength)].join('/');
  // A package importing itself by name, through its own exports.
  const scope = packageScope(parent, packageFiles);
  if (scope && scope.pkg.name === name && scope.pkg.exports !== undefined) {
    const target = exportTarget(scope.pkg.exports, subpath);
    return target === undefined ? undefined : join(scope.dir, target);
  }
  for (let dir = dirname(parent); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const pkgFile = join(pkgDir, 'package.json');
    if (existsSync(pkgFile)) {
      const pkg = readPackageJson(pkgFile, packageFiles);
      const target = pkg.exports !== undefined ? exportTarget(pkg.exports, subpath) : subpath === '.' ? (pkg.main ?? 'index.js') : subpath;
      return target === undefined ? undefined : join(pkgDir, target);
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const CONDITIONS = new Set(['import', 'node', 'default']);

function exportTarget(exports: unknown, subpath: string): string | undefined {
  const isSubpathMap = typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  const entry = isSubpathMap ? (exports as Record<string, unknown>)[subpath] : subpath === '.' ? exports : undefined;
  return conditionalTarget(entry);
}

function conditionalTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value.includes('*') ? undefined : value;
  if (Array.isArray(value)) return value.length > 0 ? conditionalTarget(value[0]) : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [condition, target] of Object.entries(value)) if (CONDITIONS.has(condition)) return conditionalTarget(target);
  return undefined;
}

interface PackageJson {
  name?: string;
  type?: string;
  main?: string;
  exports?: unknown;
}

/** The nearest package.json above a file, and its folder. */
function packageScope(file: string, packageFiles: Set<string>): { dir: string; pkg: PackageJson } | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkgFile = join(dir, 'package.json');
    if (existsSync(pkgFile)) return { dir, pkg: readPackageJson(pkgFile, packageFiles) };
    if (dirname(dir) === dir) return undefined;
  }
}

function isEsModule(file: string, packageFiles: Set<string>): boolean {
  if (file.endsWith('.mjs')) return true;
  return file.endsWith('.js') && packageScope(file, packageFiles)?.pkg.type === 'module';
}

function readPackageJson(path: string, packageFiles: Set<string>): PackageJson {
  const real = realpathSync(path);
  // Dependencies' own package.json files are left out: they are required at run time, as they are.
  if (!real.split(sep).includes('node_modules')) packageFiles.add(real);
  return JSON.parse(readFileSync(real, 'utf8')) as PackageJson;
}

/** The names a module exports that are function declarations: callable before the module has run. */
function hoistedExports(ts: Ts, sf: TS.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const st of sf.statements) {
    if (!ts.isFunctionDeclaration(st) || !hasExportModifier(ts, st)) continue;
    if (hasDefaultModifier(ts, st)) out.add('default');
    else if (st.name) out.add(st.name.text);
  }
  return out;
}

/**
 * Whether every import between modules of one cycle names only function declarations: the one
 * case where reading the binding when the importing module starts gives what an ES module's live
 * binding would give when it is used.
 */
function cyclesAreSafe(ts: Ts, graph: Map<string, GraphModule>): boolean {
  for (const component of stronglyConnected(graph)) {
    if (component.length < 2 && !Object.values(graph.get(component[0]!)!.links).includes(component[0]!)) continue;
    const members = new Set(component);
    for (const file of component) {
      const { sf, links } = graph.get(file)!;
      for (const st of sf.statements) {
        const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
        const target = spec === undefined ? undefined : links[spec];
        if (!target || !members.has(target)) continue;
        if (!ts.isImportDeclaration(st)) return false;
        const hoisted = hoistedExports(ts, graph.get(target)!.sf);
        const clause = st.importClause;
        if (!clause || clause.isTypeOnly) continue;
        if (clause.name && !hoisted.has('default')) return false;
        const bindings = clause.namedBindings;
        if (bindings && ts.isNamespaceImport(bindings)) continue;
        for (const el of bindings?.elements ?? []) if (!hoisted.has((el.propertyName ?? el.name).text)) return false;
      }
    }
  }
  return true;
}

/** Tarjan's strongly connected components of the packed graph (iterative: no recursion limit). */
function stronglyConnected(graph: Map<string, GraphModule>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let counter = 0;
  const edges = (v: string) => Object.values(graph.get(v)!.links).filter((t): t is string => !!t);
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: [string, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, i] = frame;
      if (i === 0) {
        index.set(v, counter);
        low.set(v, counter++);
        stack.push(v);
        onStack.add(v);
      }
      const next = edges(v);
      if (i < next.length) {
        frame[1]++;
        const w = next[i]!;
        if (!index.has(w)) work.push([w, 0]);
        else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]![0];
        low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        out.push(component);
      }
    }
  }
  return out;
}

function hasExportModifier(ts: Ts, node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function hasDefaultModifier(ts: Ts, node: TS.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
}

/** The names a declaration binds (`const { a, b: [c] } = ...` binds a and c). */
function bindingNames(ts: Ts, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((el) => (ts.isBindingElement(el) ? bindingNames(ts, el.name) : []));
}

/** A text edit: replace [start, end) of the module's text. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * A module's body in the pack: its import and export declarations taken out (replaced by as many
 * line breaks, so that lines keep their numbers) and a first line that defines its exports and
 * reads its imports, in the order of its declarations; `import.meta` and `import()` go to the
 * pack's. Undefined for a module the pack cannot express faithfully.
 */
function packedBody(ts: Ts, module: GraphModule): string | undefined {
  const { sf, text } = module;
  const edits: Edit[] = [];
  const getters: string[] = [];
  const imports: string[] = [];
  const v = (name: string) => PREFIX + name;
  const load = (spec: string) => `${v('load')}(${JSON.stringify(spec)})`;
  const remove = (node: TS.Node) => edits.push({ start: node.getStart(sf), end: node.getEnd(), text: text.slice(node.getStart(sf), node.getEnd()).replace(/[^\n]/g, '') });
  let faithful = true;
  let defaultCounter = 0;
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st)) {
      remove(st);
      const spec = (st.moduleSpecifier as TS.StringLiteral).text;
      const clause = st.importClause;
      if (!clause) {
        imports.push(`${load(spec)};`);
        continue;
      }
      if (clause.isTypeOnly) continue;
      const ns = v(`ns${imports.length}`);
      imports.push(`const ${ns} = ${load(spec)};`);
      if (clause.name) imports.push(`const ${clause.name.text} = ${ns}.default;`);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) imports.push(`const ${bindings.name.text} = ${ns};`);
      else if (bindings) {
        const names = bindings.elements.filter((el) => !el.isTypeOnly).map((el) => `${JSON.stringify((el.propertyName ?? el.name).text)}: ${el.name.text}`);
        if (names.length > 0) imports.push(`const { ${names.join(', ')} } = ${ns};`);
      }
    } else if (ts.isExportDeclaration(st)) {
      remove(st);
      if (st.isTypeOnly) continue;
      const clause = st.exportClause;
      if (st.moduleSpecifier) {
        const spec = (st.moduleSpecifier as TS.StringLiteral).text;
        const ns = v(`ns${imports.length}`);
        imports.push(`const ${ns} = ${load(spec)};`);
        if (!clause) imports.push(`${v('exportStar')}(${v('exports')}, ${ns});`);
        else if (ts.isNamespaceExport(clause)) getters.push(`${JSON.stringify(clause.name.text)}: () => ${ns}`);
        else for (const el of clause.elements) if (!el.isTypeOnly) getters.push(`${JSON.stringify(el.name.text)}: () => ${ns}[${JSON.stringify((el.propertyName ?? el.name).text)}]`);
      } else if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) if (!el.isTypeOnly) getters.push(`${JSON.stringify(el.name.text)}: () => ${(el.propertyName ?? el.name).text}`);
      } else faithful = false;
    } else if (ts.isExportAssignment(st)) {
      if (st.isExportEquals) return undefined;
      // `export default <expression>`: evaluated where it stands, into a constant.
      const name = v(`default${defaultCounter++}`);
      const exprStart = st.expression.getStart(sf);
      edits.push({ start: st.getStart(sf), end: exprStart, text: `const ${name} = ` });
      getters.push(`"default": () => ${name}`);
    } else if (hasExportModifier(ts, st)) {
      const modifiers = ts.getModifiers(st as TS.HasModifiers) ?? [];
      for (const m of modifiers) if (m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword) edits.push({ start: m.getStart(sf), end: m.getEnd(), text: '' });
      const isDefault = hasDefaultModifier(ts, st);
      if (ts.isVariableStatement(st)) {
        // A `let` or `var` export may be reassigned: only a live binding shows that.
        if (!(st.declarationList.flags & ts.NodeFlags.Const)) return undefined;
        for (const d of st.declarationList.declarations) for (const name of bindingNames(ts, d.name)) getters.push(`${JSON.stringify(name)}: () => ${name}`);
      } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
        getters.push(`${JSON.stringify(isDefault ? 'default' : st.name.text)}: () => ${st.name.text}`);
      } else return undefined;
    }
  }
  const rewriteMeta = (node: TS.Node): void => {
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      edits.push({ start: node.getStart(sf), end: node.getEnd(), text: v('importMeta') });
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      edits.push({ start: node.expression.getStart(sf), end: node.expression.getEnd(), text: v('dynamicImport') });
    }
    ts.forEachChild(node, rewriteMeta);
  };
  if (/\bimport\s*\./.test(text) || DYNAMIC_IMPORT.test(text)) rewriteMeta(sf);
  if (!faithful) return undefined;
  edits.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of edits) {
    if (e.start < at) return undefined;
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  out += text.slice(at);
  const define = getters.length > 0 ? `${v('defineExports')}(${v('exports')}, { ${getters.join(', ')} });` : '';
  return `${DEFINE_EXPORTS}${define} ${imports.join(' ')}\n${out}`;
}

/** Defined in each module body (a function declaration: one line, no shared scope needed). */
const DEFINE_EXPORTS = `function ${PREFIX}defineExports(e, g) { for (const k of Object.keys(g)) Object.defineProperty(e, k, { enumerable: true, get: g[k] }); } `;
