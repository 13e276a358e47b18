/**
 * `--concurrency`: the worker threads of a split run (see packages/linter/src/parallel.ts for how
 * the work is split and merged). The main thread stays synchronous: it analyses its own part while
 * the workers run, then waits for each on a shared flag and takes its result from a message port
 * with `receiveMessageOnPort`, so `lint()` keeps returning its result directly.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { LintConfig } from '@lambda-lint/core';
import type { DiscoveredFile, ParallelLint, PartResult } from '@lambda-lint/linter';
import type { RecordedInputs } from '@lambda-lint/linter/cache';

/** What a worker needs to lint its part as the main thread would (plain data: it crosses threads). */
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

export interface WorkerData {
  request: WorkerRequest;
  files: readonly DiscoveredFile[];
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
 * `auto` starts workers when the run reads at least this many configuration files, or two or more
 * of this many bytes: the functions of one configuration file are analysed in one part, so a
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

/**
 * Worker threads for a run, or undefined when the machine has one core or the run does not want them.
 * `fileSize` gives a configuration file's size (`auto` decides on the files found).
 */
export function workerThreads(
  concurrency: Concurrency,
  request: WorkerRequest,
  fileSize: (path: string) => number,
  onInputs?: (inputs: RecordedInputs) => void,
): ParallelLint | undefined {
  if (concurrency === 'off') return undefined;
  const cores = availableParallelism();
  if (concurrency !== 'auto' && concurrency <= 1) return undefined;
  if (concurrency === 'auto' && cores < 2) return undefined;
  // Run from the sources (tests of the CLI in-process), there is no compiled worker script: one thread.
  if (!existsSync(fileURLToPath(WORKER_SCRIPT))) return undefined;
  let workers: { worker: Worker; port: MessagePort; done: Int32Array }[] = [];
  let startedAt = 0;
  return {
    start(files) {
      let count: number;
      if (concurrency === 'auto') {
        const large = files.length >= AUTO_MIN_FILES || (files.length >= 2 && files.reduce((n, f) => n + fileSize(f.path), 0) >= AUTO_MIN_BYTES);
        count = large ? Math.min(cores - 1, MAX_WORKERS) : 0;
      } else count = concurrency - 1;
      startedAt = Date.now();
      try {
        for (let i = 0; i < count; i++) workers.push(spawn(request, files, i + 1, count + 1));
      } catch {
        // No threads to be had (a resource limit): the run stays in this thread.
        stop(workers);
        workers = [];
      }
      return workers.length;
    },
    collect(parts) {
      const timeout = Math.max(MIN_WORKER_TIMEOUT_MS, 5 * (Date.now() - startedAt));
      const results: (PartResult | undefined)[] = [];
      for (const [i, w] of workers.entries()) {
        if (i + 1 >= parts) break;
        results.push(resultOf(w, timeout, onInputs));
      }
      stop(workers);
      return results;
    },
    cancel() {
      stop(workers);
    },
  };
}

function spawn(request: WorkerRequest, files: readonly DiscoveredFile[], part: number, maxParts: number) {
  const { port1, port2 } = new MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const workerData: WorkerData = { request, files, part, maxParts, port: port2, done };
  const worker = new Worker(WORKER_SCRIPT, { workerData, transferList: [port2], stdout: true, stderr: true });
  // A worker never keeps the process alive: the main thread waits for it explicitly.
  worker.unref();
  return { worker, port: port1, done };
}

/** The worker's result, waiting for it; undefined when it failed or took too long (the main thread then does its part). */
function resultOf(w: { port: MessagePort; done: Int32Array }, timeout: number, onInputs?: (inputs: RecordedInputs) => void): PartResult | undefined {
  if (Atomics.wait(w.done, 0, 0, timeout) === 'timed-out') return undefined;
  const message = receiveMessageOnPort(w.port)?.message as WorkerMessage | undefined;
  if (!message || 'error' in message) return undefined;
  if (message.inputs) onInputs?.(message.inputs);
  return message.result;
}

function stop(workers: { worker: Worker; port: MessagePort }[]): void {
  for (const { worker, port } of workers) {
    port.close();
    void worker.terminate();
  }
}
