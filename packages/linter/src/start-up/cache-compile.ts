/**
 * V8 code cache for lambda-lint's own large dependencies (TypeScript's compiler, ts-morph): about a
 * third of a small run is spent compiling them again on every start. Node.js 22.1+ has this built
 * in (`module.enableCompileCache()`), and is used when present; on Node.js 20 the CommonJS
 * loader is given the cached code of the few large files with `vm.Script`'s `cachedData`, as the
 * v8-compile-cache package does. The cache holds compiled code only (never results), lives in the
 * temporary directory, is keyed by file path, size and modification time and by the Node.js
 * version, and is written after the run so that it includes the functions the run compiled. Any
 * failure falls back to the normal loader. `LAMBDA_LINT_NO_COMPILE_CACHE=1` turns it off.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { isMainThread } from 'node:worker_threads';

/** A run that used this much CPU (not wall time: the machine may be busy) has compiled what a lint run uses (see the `.full` marker). */
const FULL_RUN_CPU_SECONDS = 0.8;

/** Files below this size compile fast enough; only the large bundles are worth a cache entry. */
const MIN_BYTES = 256 * 1024;

interface CjsModule {
  exports: unknown;
  _compile(content: string, filename: string, format?: string): unknown;
}

type JsLoader = (this: unknown, module: CjsModule, filename: string) => unknown;

/** The `type` of the package a file belongs to (its nearest package.json), as the CommonJS loader reads it. */
function packageType(filename: string): string | undefined {
  for (let dir = dirname(filename); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // no package.json here: look further up
    }
    if (text !== undefined) return (JSON.parse(text) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The source of a large CommonJS dependency read as Latin-1 when it is pure ASCII (TypeScript's
 * 9 MB compiler is): the same string, built without UTF-8 decoding, which takes Node.js 20 about
 * 25 ms for that file on every start. Undefined for anything else, which the normal loader reads.
 */
function largeAsciiSource(filename: string): string | undefined {
  if (!filename.endsWith('.js') && !filename.endsWith('.cjs')) return undefined;
  try {
    if (statSync(filename).size < MIN_BYTES || packageType(filename) !== 'commonjs') return undefined;
    const bytes = readFileSync(filename);
    return isAscii(bytes) ? bytes.toString('latin1') : undefined;
  } catch {
    return undefined;
  }
}

/** Where compiled code (and the module pack, module-pack.ts) is kept: per Node.js version, in the temporary directory. */
export function compileCacheDir(): string {
  return join(tmpdir(), 'lambda-lint-compile-cache', `${process.version}-${process.arch}`);
}

/**
 * The cache directory, created if needed; undefined when it or its parent belongs to another user
 * (a shared temporary directory where someone else made it): code read from it is run.
 */
export function privateCacheDir(): string | undefined {
  const dir = compileCacheDir();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const uid = process.getuid?.();
    // Windows: the temporary directory is the user's own.
    if (uid === undefined) return dir;
    for (const d of [dirname(dir), dir]) {
      const s = lstatSync(d);
      if (!s.isDirectory() || s.uid !== uid) return undefined;
      // Ours but group- or world-writable (made under a permissive umask): made private.
      if ((s.mode & 0o022) !== 0) chmodSync(d, s.mode & 0o755);
    }
    return dir;
  } catch {
    return undefined;
  }
}

/** The compiled-code entry of a file as it is now (undefined when it cannot be read). */
export function compiledCodeEntry(filename: string): string | undefined {
  try {
    return cacheEntryFile(compileCacheDir(), filename, statSync(filename));
  } catch {
    return undefined;
  }
}

function cacheEntryFile(dir: string, filename: string, s: { size: number; mtimeMs: number }): string {
  return join(dir, createHash('sha256').update(`${filename}\0${s.size}\0${s.mtimeMs}`).digest('hex').slice(0, 40));
}

export interface CompileCacheOptions {
  /**
   * Which large files of node_modules are compiled from the cache (default: all of them). The
   * ESLint plugin keeps to its own dependencies: the process is ESLint's, and what ESLint loads is
   * left as ESLint loads it.
   */
  dependencies?: (filename: string) => boolean;
}

export function enableCompileCache(env: Record<string, string | undefined> = process.env, options: CompileCacheOptions = {}): void {
  if (env.LAMBDA_LINT_NO_COMPILE_CACHE) return;
  const native = (Module as unknown as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  const dir = privateCacheDir();
  if (!dir) return;
  if (native) {
    try {
      native(dir);
    } catch {
      // not available here: plain loading
    }
    return;
  }
  const dependency = (filename: string) => filename.includes('node_modules') && (options.dependencies?.(filename) ?? true);
  const extensions = (Module as unknown as { _extensions: Record<string, JsLoader> })._extensions;
  const loadJs = extensions['.js']!;
  extensions['.js'] = function (this: unknown, module: CjsModule, filename: string): unknown {
    const source = dependency(filename) ? largeAsciiSource(filename) : undefined;
    return source === undefined ? loadJs.call(this, module, filename) : module._compile(source, filename, 'commonjs');
  };
  const proto = (Module as unknown as { prototype: CjsModule }).prototype;
  const original = proto._compile;
  const pending: { script: Script; file: string; upgrade: boolean }[] = [];
  proto._compile = function (this: CjsModule, content: string, filename: string, format?: string): unknown {
    // An ES module loaded with require() (Node.js 20.19+) arrives here too, with its format.
    // Large dependencies, and the module pack (module-pack.ts), which lives in the cache directory.
    const eligible = dependency(filename) || filename.startsWith(dir);
    if (content.length < MIN_BYTES || !eligible || (format !== undefined && format !== 'commonjs'))
      return original.call(this, content, filename, format);
    let file: string;
    let cached: Buffer | undefined;
    try {
      const s = statSync(filename);
      file = cacheEntryFile(dir, filename, s);
      try {
        cached = readFileSync(file);
      } catch {
        cached = undefined;
      }
    } catch {
      return original.call(this, content, filename, format);
    }
    const wrapper = (Module as unknown as { wrap(code: string): string }).wrap(content);
    const script = new Script(wrapper, { filename, ...(cached ? { cachedData: cached } : {}) });
    if (!cached || script.cachedDataRejected) pending.push({ script, file, upgrade: false });
    // A cache written by a short run (`--help`, a cache hit) lacks the parser and analysis code a
    // lint run compiles lazily: the first long run writes it again, once.
    else if (!existsSync(`${file}.full`)) pending.push({ script, file, upgrade: true });
    const fn = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return fn.call(this.exports, this.exports, createRequire(filename), this, filename, dirname(filename));
  };
  // Worker threads of a split run read the cache but leave writing it to the main thread: they
  // share its process id, and the main thread compiled the same code.
  if (!isMainThread) return;
  process.once('exit', () => {
    const long = process.cpuUsage().user / 1e6 >= FULL_RUN_CPU_SECONDS;
    for (const { script, file, upgrade } of pending) {
      if (upgrade && !long) continue;
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, file);
        if (long) writeFileSync(`${file}.full`, '');
      } catch {
        // a cache that cannot be written is only slower
      }
    }
  });
}
