/**
 * `--concurrency`: the worker threads of a split run (see packages/linter/src/parallel.ts for how
 * the work is split and merged). The main thread stays synchronous: it analyses its own part while
 * the workers run, then waits for each on a shared flag and takes its result from a message port
 * with `receiveMessageOnPort`, so `lint()` keeps returning its result directly.
 *
 * The bin starts the workers before it loads the command line's modules ({@link startEarlyWorkers}):
 * each worker runs the same command line in "part" mode ({@link partRole}), so it loads its modules,
 * reads the configuration and plans the parts while the main thread does the same, instead of after
 * it. A run that turns out small or not to want them stops them. Keep this module light: the bin
 * imports it before anything else.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { LintConfig } from '@lambda-lint/core';
import type { DiscoveredFile, ParallelLint, PartResult } from '@lambda-lint/linter';
import type { RecordedInputs } from '@lambda-lint/linter/cache';

/** What a worker started during a run needs to lint its part as the main thread would (plain data). */
export interface WorkerRequest {
  root: string;
  ruleIds: string[];
  config?: LintConfig;
  /** ISO date. */
  today?: string;
  maxFileBytes?: number;
  options?: Record<string, string>;
  inlineConfig?: boolean;
  eslintDirectives?: boolean;
  env: Record<string, string | undefined>;
  /** Record the host's answers for `--cache` (see packages/linter/src/cache.ts). */
  record: boolean;
}

/** A worker's task: the run's settings and discovered files, or (started by the bin) the command line itself. */
export type WorkerTask = { kind: 'request'; request: WorkerRequest; files: readonly DiscoveredFile[] } | { kind: 'argv'; argv: readonly string[]; cwd: string; env: Record<string, string | undefined> };

export interface WorkerData {
  task: WorkerTask;
  part: number;
  maxParts: number;
  port: MessagePort;
  /** Int32Array over a SharedArrayBuffer: set to 1 once the result is posted. */
  done: Int32Array;
}

export type WorkerMessage = { result?: PartResult; inputs?: RecordedInputs } | { error: string };

/** `--concurrency` as given: a number of threads (1: no workers), `auto`, or `off`. */
export type Concurrency = number | 'auto' | 'off';

/** Worker threads at most, however many cores: each reads the whole configuration again. */
const MAX_WORKERS = 3;
/**
 * `auto` keeps the workers when the run reads at least this many configuration files, or two or
 * more of this many bytes: the functions of one configuration file are analysed in one part, so a
 * project of one file is never split.
 */
const AUTO_MIN_FILES = 4;
const AUTO_MIN_BYTES = 256 * 1024;
/**
 * A worker that dies without a word (out of memory) cannot be noticed while the main thread waits
 * synchronously: after this long, or five times as long as the main thread took for the same share,
 * the main thread does the worker's part itself.
 */
const MIN_WORKER_TIMEOUT_MS = 60 * 1000;
const WORKER_SCRIPT = new URL('./lint-worker.js', import.meta.url);
/** Commands that lint nothing, or lint in their own way: no early workers. */
const SUBCOMMANDS = new Set(['rules', 'diff', 'init', 'iam', 'help']);
/** Options whose run lints nothing (or one thread only). */
const NO_WORKER_OPTIONS = new Set(['--print-config', '-h', '--help', '-v', '--version']);
// core's CODE_FILE: this module imports no workspace package (the bin loads it before the CLI, which may come from the module pack).
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

interface RunningWorker {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
}

interface Pool {
  workers: RunningWorker[];
  startedAt: number;
}

// On the global object, not in a module variable: the bin and the command line may load this module
// through different loaders (import, require, a module pack) and get two copies of it.
const EARLY = Symbol.for('lambda-lint.early-workers');
const ROLE = Symbol.for('lambda-lint.part-role');
const shared = globalThis as { [EARLY]?: Pool; [ROLE]?: PartRole };

/**
 * Called by the bin before it loads the command line: starts the worker threads of a run that may
 * be split (the main command, `--concurrency` not off or 1, more than one core, not a changed-files
 * run). They wait for nothing: each reads the configuration on its own.
 */
export function startEarlyWorkers(argv: readonly string[], cwd: string, env: Record<string, string | undefined>): void {
  const concurrency = concurrencyArg(argv);
  const count = workerCount(concurrency);
  if (count === 0 || !existsSync(fileURLToPath(WORKER_SCRIPT))) return;
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.some((a) => NO_WORKER_OPTIONS.has(a.split('=')[0]!))) return;
  const positional = positionals(argv);
  if (SUBCOMMANDS.has(positional[0] ?? '') || positional.some((p) => CODE_FILE.test(p))) return;
  shared[EARLY] = start(count, (part, maxParts) => ({ task: { kind: 'argv', argv, cwd, env }, part, maxParts }));
}

/** `--concurrency` of a command line as the CLI reads it ('auto' when absent or unreadable). */
function concurrencyArg(argv: readonly string[]): Concurrency {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--concurrency') value = argv[i + 1];
    else if (a.startsWith('--concurrency=')) value = a.slice('--concurrency='.length);
  }
  if (value === 'off' || value === undefined || value === 'auto') return value ?? 'auto';
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? n : 'off';
}

/** The main command's options that take a value (test/cli-concurrency.test.ts checks them against the CLI's help). */
export const VALUED_OPTIONS: ReadonlySet<string> = new Set(['-f', '--format', '-o', '--output-file', '--rule', '--ignore-pattern', '--max-warnings', '--stage', '--max-file-size', '-c', '--config', '--baseline', '--cache-location', '--concurrency']);

/** The arguments that are not options or option values (a good guess: only paths matter here). */
function positionals(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('-')) {
      if (VALUED_OPTIONS.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * `auto`: no workers below four cores. A run in one thread already keeps about a core and a half
 * busy (V8 collects garbage and compiles on other threads), and each worker pays start-up and
 * warm-up again (about 0.7 s of CPU: module loading, the configuration, the TypeScript parser's
 * first, unoptimised runs); measured on two cores, the generated monorepo took as long or longer
 * split in two (README "Performance").
 */
function workerCount(concurrency: Concurrency): number {
  if (concurrency === 'off') return 0;
  if (concurrency === 'auto') {
    const cores = availableParallelism();
    return cores < 4 ? 0 : Math.min(Math.floor(cores / 2), MAX_WORKERS);
  }
  return concurrency - 1;
}

function start(count: number, data: (part: number, maxParts: number) => Omit<WorkerData, 'port' | 'done'>): Pool {
  const pool: Pool = { workers: [], startedAt: Date.now() };
  try {
    for (let i = 0; i < count; i++) pool.workers.push(spawn(data(i + 1, count + 1)));
  } catch {
    // No threads to be had (a resource limit): the run stays in this thread.
    stop(pool);
  }
  return pool;
}

function spawn(data: Omit<WorkerData, 'port' | 'done'>): RunningWorker {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const workerData: WorkerData = { ...data, port: port2, done };
  // The process's Node.js options, but not those a worker refuses (it would fail before its first line).
  const execArgv = process.execArgv.filter((a) => !/^--(input-type|eval|print)\b|^-[ep]$/.test(a));
  const worker = new Worker(WORKER_SCRIPT, { workerData, execArgv, transferList: [port2], stdout: true, stderr: true });
  // A worker never keeps the process alive: the main thread waits for it explicitly.
  worker.unref();
  return { worker, port: port1, done };
}

/**
 * The worker threads of a run: those the bin started, or new ones. Undefined when the run stays in
 * one thread. `fileSize` gives a configuration file's size (`auto` decides on the files found).
 */
export function workerThreads(
  concurrency: Concurrency,
  request: WorkerRequest,
  fileSize: (path: string) => number,
  onInputs?: (inputs: RecordedInputs) => void,
): ParallelLint | undefined {
  let pool = shared[EARLY];
  shared[EARLY] = undefined;
  const count = workerCount(concurrency);
  if (count === 0 || (!pool && !existsSync(fileURLToPath(WORKER_SCRIPT)))) {
    if (pool) stop(pool);
    return undefined;
  }
  return {
    start(files) {
      const large = files.length >= AUTO_MIN_FILES || (files.length >= 2 && files.reduce((n, f) => n + fileSize(f.path), 0) >= AUTO_MIN_BYTES);
      if (concurrency === 'auto' && !large) {
        if (pool) stop(pool);
        pool = undefined;
        return 0;
      }
      pool ??= start(count, (part, maxParts) => ({ task: { kind: 'request', request, files }, part, maxParts }));
      return pool.workers.length;
    },
    collect(parts) {
      if (!pool) return [];
      const timeout = Math.max(MIN_WORKER_TIMEOUT_MS, 5 * (Date.now() - pool.startedAt));
      const results: (PartResult | undefined)[] = [];
      for (const [i, w] of pool.workers.entries()) {
        if (i + 1 >= parts) break;
        results.push(resultOf(w, timeout, onInputs));
      }
      stop(pool);
      return results;
    },
    cancel() {
      if (pool) stop(pool);
    },
  };
}

/** The early workers of a run that will not use them (a changed-files run) stop. */
export function stopEarlyWorkers(): void {
  const pool = shared[EARLY];
  if (pool) stop(pool);
  shared[EARLY] = undefined;
}

/** The worker's result, waiting for it; undefined when it failed or took too long (the main thread then does its part). */
function resultOf(w: RunningWorker, timeout: number, onInputs?: (inputs: RecordedInputs) => void): PartResult | undefined {
  if (Atomics.wait(w.done, 0, 0, timeout) === 'timed-out') return undefined;
  const message = receiveMessageOnPort(w.port)?.message as WorkerMessage | undefined;
  if (!message || 'error' in message) return undefined;
  if (message.inputs) onInputs?.(message.inputs);
  return message.result;
}

function stop(pool: Pool): void {
  for (const { worker, port } of pool.workers) {
    port.close();
    void worker.terminate();
  }
  pool.workers = [];
}

/** In a worker thread started by the bin: the part of the run it analyses, and where its result goes. */
export interface PartRole {
  part: number;
  maxParts: number;
  report(result: PartResult | undefined): void;
}

/** Set by the worker script before it runs the command line. */
export function setPartRole(role: PartRole): void {
  shared[ROLE] = role;
}

export function partRole(): PartRole | undefined {
  return shared[ROLE];
}
