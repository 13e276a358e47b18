// Shared setup of the robustness suite: run budget, seeds, the control projects and the invariants.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { lintFiles, type LintResult } from '@lambda-lint/linter';
import { checkRun, type Content } from '../../bench/corpus/check.mjs';
import { loadSeeds, type Seed } from '../../bench/corpus/generate.mjs';
import { repoRoot } from '../support.js';

/**
 * Run budget. The defaults keep the whole robustness suite under 30 s on 2 cores with a fixed
 * seed, so a failure reproduces. To search harder:
 *
 *   LAMBDA_LINT_FUZZ_RUNS=20 npx vitest run test/robustness        # 20x the runs of every property
 *   LAMBDA_LINT_FUZZ_SEED=123 npx vitest run test/robustness       # another fixed seed
 *   LAMBDA_LINT_FUZZ_SEED=random npx vitest run test/robustness    # a new seed per run (printed on failure)
 */
export const RUNS_FACTOR = Math.max(0.01, Number(process.env.LAMBDA_LINT_FUZZ_RUNS ?? 1) || 1);
const seedEnv = process.env.LAMBDA_LINT_FUZZ_SEED;
export const FUZZ_SEED = seedEnv === 'random' ? Date.now() % 2 ** 31 : Number(seedEnv ?? 20260601) || 20260601;

/** fast-check parameters for a property with `runs` runs at the default budget. */
export function budget(runs: number): fc.Parameters<unknown> {
  return { numRuns: Math.max(1, Math.round(runs * RUNS_FACTOR)), seed: FUZZ_SEED };
}

/** Huge inputs (`huge-scalar`, `deep-nesting`) at a tenth of the stress run's size: the suite stays fast. */
export const SCALE = 0.1;

export const seeds: Seed[] = loadSeeds(repoRoot);

/** An independent judge of YAML syntax: the `yaml` package itself, with its default options. */
const requireFromSource = createRequire(join(repoRoot, 'packages/source/package.json'));
const yaml = requireFromSource('yaml') as { parseDocument(text: string): { errors: unknown[] } };
export const yamlErrors = (text: string): number => yaml.parseDocument(text).errors.length;

export type Files = Record<string, Content>;

/** Files of `files` placed under `dir/`. */
export function under(dir: string, files: Files): Files {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`${dir}/${k}`, v]));
}

/**
 * Known-good companions of every fuzzed project: one Serverless service with a handler finding,
 * one SAM application with an infrastructure finding. Whatever the fuzzed files hold, these must
 * still be linted, with the same findings as when they are linted alone.
 */
const CONTROL_DIRS = {
  'control-serverless': 'rules/stateless/fixed-tmp-path/fixtures/invalid/serverless-ts',
  'control-sam': 'rules/security/iam-wildcard-action/fixtures/invalid/sam-policies',
};

/** Rules whose findings are about the application as a whole: other files can change them. */
const APPLICATION_WIDE = new Set(['no-custom-metrics', 'function-per-endpoint']);

export const controlFiles: Files = Object.assign(
  {},
  ...Object.entries(CONTROL_DIRS).map(([dir, path]) => {
    const seed = seeds.find((s) => s.name === path);
    if (!seed) throw new Error(`control project ${path} is missing`);
    return under(dir, seed.files);
  }),
);

function key(f: Finding): string {
  const l = f.loc;
  return `${f.ruleId} ${l.file}:${l.line}:${l.column}-${l.endLine}:${l.endColumn} ${f.message}`;
}

let baseline: string[] | undefined;

/** What the control projects give when linted alone. */
export async function controlBaseline(): Promise<string[]> {
  if (!baseline) {
    const r = await lintFiles(controlFiles);
    baseline = r.findings.filter((f) => !APPLICATION_WIDE.has(f.ruleId)).map(key);
    // The control must prove something: a code finding and an infrastructure finding.
    expect(r.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['fixed-tmp-path', 'iam-wildcard-action']));
    expect(r.internalErrors).toEqual([]);
  }
  return baseline;
}

/**
 * Lints `files` next to the control projects and asserts the invariants: nothing throws, no rule
 * fails, every finding has a valid range in an existing file, every unreadable configuration file
 * has a `parse-error`, and the control projects are linted as if alone.
 */
export async function lintAndCheck(files: Files): Promise<LintResult> {
  const expected = await controlBaseline();
  const all = { ...files, ...controlFiles };
  let result: LintResult;
  try {
    result = await lintFiles(all);
  } catch (e) {
    throw new Error(`lint threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  expect(checkRun(all, result, { yamlErrors })).toEqual([]);
  const got = new Set(result.findings.map(key));
  expect(expected.filter((k) => !got.has(k)), 'control findings lost').toEqual([]);
  return result;
}

/** Makes a failing case readable: file names and the first characters of each mutated file. */
export function describeFiles(files: Files): string {
  return Object.entries(files)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? JSON.stringify(v.length > 300 ? `${v.slice(0, 300)}...(${v.length})` : v) : `<${v.length} bytes>`}`)
    .join('\n');
}
