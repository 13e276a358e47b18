/**
 * `--cache`: a run whose command line, working directory, lambda-lint build and inputs are those
 * of a stored run prints the stored report instead of analysing again (see
 * packages/linter/src/cache.ts for what counts as an input). The entry holds the report, the
 * messages on stderr and the exit code, so a hit is exactly the output of the run it replays.
 *
 * The bin checks for a hit with this module before it loads main.js: a hit never loads the
 * parsers, ts-morph or the rules. Keep the imports here light.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheKey, DEFAULT_CACHE_DIR, nodeHost, readCacheEntry, recordingHost, refreshDirs, toPosix, writeCacheEntry, type Host } from '@lambda-lint/linter/cache';

/** What a run printed and returned. */
export interface StoredRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  /** `--output-file`: the report written there. */
  outputFile?: { path: string; content: string };
}

/** The part of the CLI's I/O the cache needs (CliIO extends it; defined here to keep main.js out of a hit). */
export interface CacheIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether stdout is a terminal (colour by default). */
  isTTY: boolean;
  /** Whether stderr is a terminal: the progress indicator is drawn only there. */
  stderrIsTTY?: boolean;
}

/** The value of an option given as `--name value` or `--name=value` (the last one wins, as in commander). */
function optionValue(argv: readonly string[], name: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === name) value = argv[i + 1];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
  }
  return value;
}

/** Options whose run does more than print a report (writes a file other than the report): never replayed. */
const SIDE_EFFECT_OPTIONS = ['--update-baseline'];

/** Whether the command line asks for the cache: `--cache` before any `--`, and no option with side effects. */
export function wantsCache(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.includes('--cache') && !options.some((a) => SIDE_EFFECT_OPTIONS.includes(a.split('=')[0]!));
}

/** The cache location (absolute, `/` separators) the command line asks for. */
export function cacheLocation(argv: readonly string[], cwd: string): string {
  return toPosix(resolve(cwd, optionValue(argv, '--cache-location') ?? DEFAULT_CACHE_DIR));
}

/**
 * Identifies the installed lambda-lint code: the size and modification time of every compiled
 * module of the workspace packages and rules. A rebuilt or upgraded lambda-lint never reuses the
 * results of another build.
 */
let fingerprint: string | undefined;
function buildFingerprint(): string {
  if (fingerprint) return fingerprint;
  const here = dirname(fileURLToPath(import.meta.url));
  const packagesDir = resolve(here, '../..');
  const parts: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory() && e.name !== 'node_modules' && depth < 12) walk(p, depth + 1);
      else if (e.isFile() && e.name.endsWith('.js')) {
        const s = statSync(p);
        parts.push(`${p}:${s.size}:${s.mtimeMs}`);
      }
    }
  };
  // The folder holding this package holds its siblings: packages/* in the workspace, node_modules
  // (with the @lambda-lint scope) when installed. Only lambda-lint's own packages count.
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const candidates = [resolve(packagesDir, '../rules')];
  // In node_modules, only the scope and the CLI: not every installed package's manifest.
  const workspace = isLambdaLintPackage(`${packagesDir}/cli`);
  for (const name of list(packagesDir)) {
    if (name === '@lambda-lint') for (const sub of list(`${packagesDir}/${name}`)) candidates.push(`${packagesDir}/${name}/${sub}`);
    else if (workspace || name === 'lambda-lint' || name === 'eslint-plugin-lambda-lint') candidates.push(`${packagesDir}/${name}`);
  }
  for (const dir of candidates) if (isLambdaLintPackage(dir)) walk(`${dir}/dist`, 0);
  let version = '';
  try {
    version = (JSON.parse(readFileSync(resolve(here, '../package.json'), 'utf8')) as { version?: string }).version ?? '';
  } catch {
    // no package.json next to dist: the compiled files alone identify the build
  }
  fingerprint = cacheKey({ version, files: parts.sort() });
  return fingerprint;
}

function isLambdaLintPackage(dir: string): boolean {
  try {
    const name = (JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as { name?: string }).name ?? '';
    return name === 'lambda-lint' || name === 'eslint-plugin-lambda-lint' || name.startsWith('@lambda-lint/');
  } catch {
    return false;
  }
}

/** The key of a run: everything besides the host's answers that its output depends on. */
export function runKey(argv: readonly string[], io: CacheIO): string {
  return cacheKey({
    argv,
    cwd: toPosix(resolve(io.cwd)),
    build: buildFingerprint(),
    // Rules that compare dates (runtime deprecation) give another answer on another day.
    day: new Date().toISOString().slice(0, 10),
    // Colour and the progress line depend on these, not on the inputs.
    isTTY: io.isTTY,
    stderrIsTTY: Boolean(io.stderrIsTTY),
    NO_COLOR: io.env.NO_COLOR,
    FORCE_COLOR: io.env.FORCE_COLOR,
    CI: io.env.CI,
  });
}

/** The process's streams, working directory and environment. */
export const defaultCacheIO = (): CacheIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
});

/** A cache hit: prints the stored report and returns its exit code. Undefined when the run must be analysed. */
export function replayCached(argv: readonly string[], io: CacheIO = defaultCacheIO()): number | undefined {
  if (!wantsCache(argv)) return undefined;
  const stored = readCacheEntry<StoredRun>(cacheLocation(argv, io.cwd), runKey(argv, io), nodeHost(io.env));
  if (!stored) return undefined;
  if (stored.outputFile) {
    try {
      mkdirSync(dirname(stored.outputFile.path), { recursive: true });
      writeFileSync(stored.outputFile.path, stored.outputFile.content);
    } catch {
      return undefined;
    }
  }
  if (stored.stdout) io.stdout(stored.stdout);
  if (stored.stderr) io.stderr(stored.stderr);
  return stored.exitCode;
}

/**
 * A cache miss: runs `run` with a host that records every input and an I/O that keeps what is
 * printed, then stores the result. Runs that end with exit code 2 (usage or internal error) are not stored.
 */
export function runAndStore<IO extends CacheIO>(
  argv: readonly string[],
  io: IO,
  outputFile: string | undefined,
  run: (io: IO & { host: Host }) => number,
): number {
  // One host per run: it may remember directory listings.
  if (!wantsCache(argv)) return run({ ...io, host: nodeHost(io.env, { rememberListings: true }) });
  const recorder = recordingHost(nodeHost(io.env, { rememberListings: true }));
  let stdout = '';
  let stderr = '';
  const exitCode = run({
    ...io,
    host: recorder.host,
    stdout: (t: string) => {
      stdout += t;
      io.stdout(t);
    },
    stderr: (t: string) => {
      // The progress line redraws itself with \r and erase-line codes: not part of the result.
      if (!t.startsWith('\r\x1b[2K')) stderr += t;
      io.stderr(t);
    },
  });
  if (exitCode === 2) return exitCode;
  const stored: StoredRun = { stdout, stderr, exitCode };
  const inputs = recorder.inputs();
  if (outputFile) {
    const path = toPosix(resolve(io.cwd, outputFile));
    try {
      stored.outputFile = { path, content: readFileSync(path, 'utf8') };
    } catch {
      return exitCode;
    }
    // The report inside the linted tree is there again on a replay: its folders are listed with it.
    refreshDirs(inputs, nodeHost(io.env), (dir) => path.startsWith(`${dir}/`));
  }
  writeCacheEntry(cacheLocation(argv, io.cwd), runKey(argv, io), inputs, stored);
  return exitCode;
}
