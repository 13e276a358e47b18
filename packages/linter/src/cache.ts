/**
 * The result cache behind `--cache`. A lint result is a function of the run's settings and of
 * what the {@link Host} answered: every file read, every directory listed, every path whose kind
 * was asked, every environment variable looked up. A run through {@link recordingHost} records
 * those answers (content hashes, not contents); a later run whose settings key is the same and
 * whose host gives the same answers to every recorded question would compute the same result, so
 * the stored one is used instead. A changed handler, template, imported module, `${file()}`
 * reference or configuration file, a new file in a listed directory or a changed variable makes
 * the answers differ and the run is analysed again.
 *
 * This module must stay light: the CLI loads it before anything else, and a cache hit never
 * loads the parsers, ts-morph or the rules.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { Host } from './host.js';

// What the CLI needs for a cache hit, without loading the linter's index (and with it ts-morph).
export { nodeHost, toPosix, type Host } from './host.js';

/** Where `--cache` keeps its entries by default, relative to the working directory (as ESLint and Babel do). */
export const DEFAULT_CACHE_DIR = 'node_modules/.cache/lambda-lint';

/** Entries kept per cache directory: one per distinct command line; the least recently written go first. */
const MAX_ENTRIES = 32;

/** The host's answers a run depended on: path or name -> digest (null: absent). */
export interface RecordedInputs {
  files: Record<string, string | null>;
  dirs: Record<string, string | null>;
  kinds: Record<string, string | null>;
  env: Record<string, string | null>;
}

export interface CacheEntry<T> {
  /** Format of the entry file. */
  format: 1;
  key: string;
  inputs: RecordedInputs;
  value: T;
}

export function digest(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('base64url');
}

/**
 * A listing's digest leaves out `node_modules`: discovery and module resolution never look into
 * it, and the cache itself lives there by default (its appearance after a first run must not
 * invalidate that run).
 */
function dirDigest(entries: ReturnType<Host['readDir']>): string | null {
  if (!entries) return null;
  return digest(
    entries
      .filter((e) => e.name !== 'node_modules')
      .map((e) => `${e.name}\0${e.kind}`)
      .sort()
      .join('\n'),
  );
}

/** A host that answers as `inner` does and records every answer, for {@link CacheEntry.inputs}. */
export function recordingHost(inner: Host): { host: Host; inputs(): RecordedInputs } {
  const inputs: RecordedInputs = { files: {}, dirs: {}, kinds: {}, env: {} };
  const env = new Proxy(inner.env, {
    get(target, key) {
      const value = target[key as string];
      if (typeof key === 'string') inputs.env[key] = value ?? null;
      return value;
    },
    has(target, key) {
      if (typeof key === 'string') inputs.env[key] = target[key] ?? null;
      return key in target;
    },
    ownKeys(target) {
      // Enumerating the environment makes every variable an input.
      for (const k of Object.keys(target)) inputs.env[k] = target[k] ?? null;
      return Reflect.ownKeys(target);
    },
  });
  const host: Host = {
    env,
    readFile(p) {
      const bytes = inner.readFile(p);
      inputs.files[p] = bytes ? digest(bytes) : null;
      return bytes;
    },
    readDir(p) {
      const entries = inner.readDir(p);
      inputs.dirs[p] = dirDigest(entries);
      return entries;
    },
    kindOf(p) {
      const kind = inner.kindOf(p);
      inputs.kinds[p] = kind ?? null;
      return kind;
    },
  };
  recorders.set(host, inputs);
  return { host, inputs: () => structuredClone(inputs) };
}

const recorders = new WeakMap<Host, RecordedInputs>();

/** Whether `host` records its answers for `--cache` (a worker thread of the run must record its own). */
export function isRecording(host: Host): boolean {
  return recorders.has(host);
}

/** Adds what a worker thread's host answered to the recording of `host` (a recording host). */
export function addRecordedInputs(host: Host, more: RecordedInputs): void {
  const inputs = recorders.get(host);
  if (!inputs) return;
  for (const part of ['files', 'dirs', 'kinds', 'env'] as const) Object.assign(inputs[part], more[part]);
}

/**
 * Records the listings of some directories again, after the run: the run itself added a file there
 * (its `--output-file` report), which a replay writes again, so the listing with it is the one to expect.
 */
export function refreshDirs(inputs: RecordedInputs, host: Host, which: (dir: string) => boolean): void {
  for (const dir of Object.keys(inputs.dirs)) if (which(dir)) inputs.dirs[dir] = dirDigest(host.readDir(dir));
}

/** Whether `host` gives today the answers recorded then. Stops at the first difference. */
export function inputsUnchanged(inputs: RecordedInputs, host: Host): boolean {
  for (const [p, d] of Object.entries(inputs.kinds)) if ((host.kindOf(p) ?? null) !== d) return false;
  for (const [p, d] of Object.entries(inputs.dirs)) if (dirDigest(host.readDir(p)) !== d) return false;
  for (const [k, v] of Object.entries(inputs.env)) if ((host.env[k] ?? null) !== v) return false;
  for (const [p, d] of Object.entries(inputs.files)) {
    const bytes = host.readFile(p);
    if ((bytes ? digest(bytes) : null) !== d) return false;
  }
  return true;
}

/** A stable key for the settings of a run (any JSON value; object key order does not matter). */
export function cacheKey(settings: unknown): string {
  return digest(stableJson(settings));
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * The file of the entry for `key`: `location` is a directory (one entry per key, e.g. per command
 * line), or, when it names a `.json` file, that single file (the last run's entry).
 */
export function entryPath(location: string, key: string): string {
  if (location.endsWith('.json')) return location;
  return `${location.replace(/\/+$/, '')}/run-${key.slice(0, 32)}.json`;
}

/** The stored value for `key` when its recorded inputs are unchanged; undefined on a miss or an unreadable entry. */
export function readCacheEntry<T>(location: string, key: string, host: Host): T | undefined {
  let entry: CacheEntry<T>;
  try {
    entry = JSON.parse(readFileSync(entryPath(location, key), 'utf8')) as CacheEntry<T>;
  } catch {
    return undefined;
  }
  if (entry?.format !== 1 || entry.key !== key || !entry.inputs) return undefined;
  return inputsUnchanged(entry.inputs, host) ? entry.value : undefined;
}

/** Stores an entry (written to a temporary file and renamed: a concurrent run never reads half of one). Errors are ignored: a cache that cannot be written is only slower. */
export function writeCacheEntry<T>(location: string, key: string, inputs: RecordedInputs, value: T): boolean {
  const file = entryPath(location, key);
  const dir = file.slice(0, file.lastIndexOf('/')) || '/';
  const entry: CacheEntry<T> = { format: 1, key, inputs, value };
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
    if (!location.endsWith('.json')) prune(dir);
    return true;
  } catch {
    return false;
  }
}

function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((n) => /^run-[\w-]+\.json$/.test(n))
    .map((n) => ({ path: `${dir}/${n}`, time: statSync(`${dir}/${n}`).mtimeMs }))
    .sort((a, b) => b.time - a.time);
  for (const e of entries.slice(MAX_ENTRIES)) {
    try {
      unlinkSync(e.path);
    } catch {
      // another run removed it
    }
  }
}
