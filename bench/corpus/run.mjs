#!/usr/bin/env node
// Corpus stress run: generates N varied projects (bench/corpus/generate.mjs, seeded) and lints each
// one with the built linter in-process (packages/linter/dist, every rule), checking the same
// invariants as the robustness tests (bench/corpus/check.mjs). Prints projects, files, parse
// errors, crashes (must be 0), invariant violations (must be 0), and time per project.
//
//   pnpm bench:corpus                                # 1000 projects, seed 1
//   node bench/corpus/run.mjs --count 5000 --seed 42
//   node bench/corpus/run.mjs --seed 42 --only 1234  # one project again, with its details
//   node bench/corpus/run.mjs --count 50 --write /tmp/corpus   # also write the projects to disk
//                                                    # (then: node packages/cli/bin/lambda-lint.js /tmp/corpus)
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkRun } from './check.mjs';
import { generateProject, loadSeeds } from './generate.mjs';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const { values: args } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    only: { type: 'string' },
    write: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});
const count = Number(args.count);
const seed = Number(args.seed);
const scale = Number(args.scale);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed) || !(scale > 0 && scale <= 1)) {
  console.error('usage: run.mjs [--count N] [--seed S] [--scale 0..1] [--only INDEX] [--write DIR] [--quiet]');
  process.exit(2);
}

let linter;
let rules;
try {
  linter = await import(join(repoRoot, 'packages/linter/dist/index.js'));
  rules = await import(join(repoRoot, 'rules/dist/index.js'));
} catch (e) {
  console.error(`bench:corpus needs the build (pnpm build): ${e.message}`);
  process.exit(2);
}
const { lint, memoryHost } = linter;
const { allRules } = rules;
const { parseDocument } = createRequire(join(repoRoot, 'packages/source/package.json'))('yaml');
const yamlErrors = (text) => parseDocument(text).errors.length;

const seeds = loadSeeds(repoRoot);
const ROOT = '/corpus';
const indexes = args.only !== undefined ? [Number(args.only)] : Array.from({ length: count }, (_, i) => i);

const stats = { projects: 0, files: 0, bytes: 0, functions: 0, findings: 0, parseErrors: 0, projectsWithParseErrors: 0, crashes: 0, violations: 0 };
const byKind = new Map();
const times = [];
const failures = [];
const started = performance.now();

for (const index of indexes) {
  const project = generateProject(seeds, seed, index, { scale });
  const files = project.files;
  if (args.write) {
    for (const [rel, content] of Object.entries(files)) {
      const path = join(args.write, `p${index}`, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
  stats.projects++;
  stats.files += Object.keys(files).length;
  for (const c of Object.values(files)) stats.bytes += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
  const kind = project.name.startsWith('synthesized-') ? project.name : project.name.split('/')[0];
  const t0 = performance.now();
  let result;
  let problems;
  try {
    result = lint({ host: memoryHost(files, ROOT), paths: [ROOT], root: ROOT, rules: allRules, today: new Date('2026-06-01T00:00:00Z') });
    problems = checkRun(files, result, { root: ROOT, yamlErrors });
  } catch (e) {
    stats.crashes++;
    problems = [`crash: ${e?.stack ?? e}`];
  }
  const ms = performance.now() - t0;
  times.push({ ms, index });
  const k = byKind.get(kind) ?? { projects: 0, ms: 0 };
  k.projects++;
  k.ms += ms;
  byKind.set(kind, k);
  if (result) {
    const parseErrors = result.findings.filter((f) => f.ruleId === 'parse-error').length;
    stats.parseErrors += parseErrors;
    if (parseErrors > 0) stats.projectsWithParseErrors++;
    stats.findings += result.findings.length;
    stats.functions += result.functionCount;
    if (result.internalErrors.length > 0) stats.crashes++;
  }
  const violations = problems.filter((p) => !p.startsWith('crash:') && !p.startsWith('internal error'));
  stats.violations += violations.length;
  if (problems.length > 0) failures.push({ index, name: project.name, mutations: project.mutations, problems });
  if (args.only !== undefined) {
    console.log(`project ${index}: ${project.name}\nmutations: ${JSON.stringify(project.mutations)}\nfiles: ${Object.keys(files).join(', ')}`);
    for (const f of result?.findings ?? []) console.log(`  ${f.loc.file.slice(ROOT.length + 1)}:${f.loc.line}:${f.loc.column} ${f.ruleId} ${f.message.slice(0, 160)}`);
  } else if (!args.quiet && stats.projects % 100 === 0) {
    process.stderr.write(`  ${stats.projects}/${indexes.length} projects...\n`);
  }
}

const total = performance.now() - started;
const sorted = [...times].sort((a, b) => a.ms - b.ms);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].ms;
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

console.log(`lambda-lint corpus stress run (seed ${seed}, scale ${scale})`);
console.log(`  projects         ${stats.projects}`);
console.log(`  files            ${stats.files} (${(stats.bytes / 1048576).toFixed(1)} MB), ${stats.functions} functions, ${stats.findings} findings`);
console.log(`  parse-errors     ${stats.parseErrors} in ${stats.projectsWithParseErrors} projects`);
console.log(`  crashes          ${stats.crashes}   (exceptions and rule failures; must be 0)`);
console.log(`  violations       ${stats.violations}   (invalid ranges, unreadable files without parse-error; must be 0)`);
console.log(`  time             total ${fmt(total)}; per project mean ${fmt(total / stats.projects)}, p50 ${fmt(pct(0.5))}, p95 ${fmt(pct(0.95))}, max ${fmt(sorted[sorted.length - 1].ms)} (#${sorted[sorted.length - 1].index})`);
console.log('  by source        ' + [...byKind].sort().map(([k, v]) => `${k} ${v.projects} (${fmt(v.ms / v.projects)})`).join(', '));
for (const f of failures.slice(0, 20)) {
  console.log(`\nFAILED #${f.index} ${f.name} (reproduce: node bench/corpus/run.mjs --seed ${seed} --scale ${scale} --only ${f.index})`);
  console.log(`  mutations: ${JSON.stringify(f.mutations)}`);
  for (const p of f.problems.slice(0, 5)) console.log(`  ${p.split('\n').slice(0, 8).join('\n    ')}`);
}
process.exitCode = stats.crashes > 0 || stats.violations > 0 ? 1 : 0;
