/**
 * A large run split over worker threads. The main thread and each worker read the same
 * configuration files (the model is cheap next to the code analysis, and parsed trees cannot be
 * shared between threads), plan the same parts of the functions, and each analyses the code of its
 * part and runs the code rules on it. The main thread then merges what the parts found and runs the
 * configuration rules and the suppressions once, so the findings are those of a run in one thread.
 *
 * Functions are split by configuration file and role: the rules that judge a role or an application
 * as a whole (iam-unused-permission, shared-iam-role, no-custom-metrics) see all of its functions in
 * one part. A finding in code that functions of several parts reach is merged by the engine (`concerns`).
 *
 * The worker plumbing itself (worker_threads) lives with the command line (packages/cli/src/workers.ts);
 * the linter only needs {@link ParallelLint}.
 */
import type { AppModel, CheckedFinding, InputDiagnostic, Suppression } from '@lambda-lint/core';
import type { DiscoveredFile } from './discover.js';

/** Worker threads that can take parts of a run. */
export interface ParallelLint {
  /**
   * Starts the workers as soon as the files to read are known, so that they load while the main
   * thread reads the configuration; returns how many there are (0: the run stays in one thread).
   */
  start(files: readonly DiscoveredFile[]): number;
  /** The results of parts 1 .. parts-1, waiting for them; `undefined` for a part whose worker failed. */
  collect(parts: number): (PartResult | undefined)[];
  /** The run turned out too small to split: the workers stop. */
  cancel(): void;
  /** How small a run or a part may be (tests split small projects); the workers must be given the same. */
  sizes?: PartSizes;
}

export interface PartSizes {
  /** Below this many functions with code to analyse, the run is not split. */
  minFunctions: number;
  /** Each part gets at least this many functions. */
  minPerPart: number;
}

/** What a worker sends back: plain data (structured clone), functions as indexes in `model.functions`. */
export interface PartResult {
  findings: CheckedFinding[];
  /** `unresolved-handler` and code `parse-error` diagnostics of the part. */
  diagnostics: InputDiagnostic[];
  /** Code files read. */
  filePaths: string[];
  /** Suppression comments in the code files of the part. */
  suppressions: Suppression[];
  handlers: { fn: number; file: string; exportName: string }[];
  internalErrors: { ruleId: string; message: string }[];
  /** When the part was done (epoch milliseconds): `LAMBDA_LINT_DEBUG` shows how well the parts were balanced. */
  doneAt: number;
  /** {@link planKey} of the plan the worker followed: a worker that read other files (edited meanwhile) planned other parts. */
  plan: string;
}

/** Identifies a plan by the functions of each part, so that threads can tell whether they planned alike. */
export function planKey(model: AppModel, parts: readonly (readonly number[])[]): string {
  return JSON.stringify(parts.map((p) => p.map((i) => `${model.functions[i]!.file}#${model.functions[i]!.name}`)));
}

/** Below 40 functions with code to analyse, a worker costs more than it saves. */
export const DEFAULT_PART_SIZES: PartSizes = { minFunctions: 40, minPerPart: 20 };
/**
 * The main thread's share against a worker's: it starts analysing while the workers still load
 * their modules, and it runs the configuration rules and the merge at the end.
 */
const MAIN_THREAD_WEIGHT = 1.15;

/**
 * Splits `analysable` (indexes in `model.functions`) into at most `maxParts` parts; part 0 is the
 * main thread's. One part when the run is small. The same model and arguments give the same plan
 * in every thread.
 */
export function planParts(model: AppModel, analysable: readonly number[], maxParts: number, sizes: PartSizes = DEFAULT_PART_SIZES): number[][] {
  const count = Math.min(maxParts, Math.floor(analysable.length / sizes.minPerPart));
  if (analysable.length < sizes.minFunctions || count < 2) return [[...analysable]];
  const units = unitsOf(model, analysable);
  if (units.length < 2) return [[...analysable]];
  // Largest units first, each to the part that is least loaded for its weight.
  const order = units.map((u, i) => ({ u, i })).sort((a, b) => b.u.length - a.u.length || a.i - b.i);
  const parts: number[][] = Array.from({ length: Math.min(count, units.length) }, () => []);
  const weight = (p: number) => (p === 0 ? MAIN_THREAD_WEIGHT : 1);
  for (const { u } of order) {
    let best = 0;
    for (let p = 1; p < parts.length; p++) if (parts[p]!.length / weight(p) < parts[best]!.length / weight(best)) best = p;
    parts[best]!.push(...u);
  }
  return parts.map((p) => p.sort((a, b) => a - b));
}

/** Functions that must be analysed together: those of one configuration file, and those sharing a role. */
function unitsOf(model: AppModel, analysable: readonly number[]): number[][] {
  const parent = new Map<number, number>(analysable.map((i) => [i, i]));
  const find = (i: number): number => {
    let r = i;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(i, r);
    return r;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  };
  const firstBy = new Map<unknown, number>();
  const join = (key: unknown, i: number) => {
    if (key === undefined) return;
    const first = firstBy.get(key);
    if (first === undefined) firstBy.set(key, i);
    else union(first, i);
  };
  for (const i of analysable) {
    const fn = model.functions[i]!;
    join(`file:${fn.file}`, i);
    join(fn.role, i);
  }
  const units = new Map<number, number[]>();
  for (const i of analysable) {
    const r = find(i);
    const unit = units.get(r);
    if (unit) unit.push(i);
    else units.set(r, [i]);
  }
  return [...units.values()];
}
