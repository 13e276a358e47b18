// `pnpm bench`: lambda-lint against the tools users already run, in one run, whole processes.
//
// Every measurement is a child process (`node ...`) timed from spawn to exit, with its peak
// memory (maxRSS) from /usr/bin/time when it exists. The cases of a comparison alternate inside
// each repetition (A B C, B C A, C A B, ...) so that load on the machine hits them alike; the
// figures are medians. Ratios are what to read: absolute times depend on the machine.
//
//   pnpm bench                 # full run (needs `pnpm build`, which `pnpm bench` does first)
//   pnpm bench -- --quick      # small sizes, fewer repetitions, for development
//   node bench/run.mjs --reps 9 --seed 2 --keep   # more repetitions, another tree, keep it
//
// Cases (see README "Performance"):
//   lambda-lint   the CLI with every rule on the generated monorepo (--format json, to /dev/null)
//   eslint        ESLint 10 + typescript-eslint's parser + one trivial rule (no-debugger) on the
//                 same handler files: the pass users already pay for
//   parse floor   TypeScript createSourceFile on the same handler files + yaml parseDocument on
//                 the same templates, in one Node process (bench/parse-floor.mjs)
//   scaling       lambda-lint at 250/500/1000/2000 handler files (a fifth as many functions)
//   cache         `--cache` first run (empty cache) and second run (unchanged tree)
//   pre-commit    one handler of examples/brand-platform: lambda-lint <file> vs ESLint <file>

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeMonorepo } from './monorepo/generate.mjs';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(repo, 'packages/cli/bin/lambda-lint.js');
const ESLINT = join(repo, 'node_modules/eslint/bin/eslint.js');
const FLOOR = join(repo, 'bench/parse-floor.mjs');
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

function parseArgs(argv) {
  const args = { quick: false, reps: undefined, seed: 1, keep: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--quick') args.quick = true;
    else if (a === '--reps') args.reps = Number(argv[++i]);
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else if (a === '--out') args.out = argv[++i];
    else throw new Error(`unknown argument ${a} (known: --quick, --reps n, --seed n, --keep, --out dir)`);
  }
  args.reps ??= args.quick ? 3 : 7;
  return args;
}

/**
 * Runs `node <args>` in `cwd`; returns wall milliseconds and peak RSS in MB (undefined without
 * /usr/bin/time). `json`: stdout must be JSON (a crashed lambda-lint exits 1 too, like findings).
 */
function measure(args, cwd, { json = false } = {}) {
  const memFile = join(tmpdir(), `lambda-lint-bench-${process.pid}.mem`);
  const [cmd, argv] = TIME ? [TIME, ['-f', '%M', '-o', memFile, process.execPath, ...args]] : [process.execPath, args];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, stdio: ['ignore', json ? 'pipe' : 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  let mb;
  if (TIME) {
    const kb = Number(readFileSync(memFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb)) mb = kb / 1024;
  }
  // lambda-lint exits 1 on error findings (the corpus has some); 2 is a failure, as for ESLint.
  let bad = r.status === null || r.status >= 2;
  if (json && !bad) {
    try {
      JSON.parse(r.stdout.toString());
    } catch {
      bad = true;
    }
  }
  if (bad) throw new Error(`${args.join(' ')} (in ${cwd}) failed with ${r.status ?? r.signal}: ${r.stderr?.toString().slice(0, 2000)}`);
  return { ms, mb };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Runs the named cases `reps` times, rotating their order each time; returns median ms and MB per case. */
function alternate(cases, reps, label) {
  const names = Object.keys(cases);
  const samples = Object.fromEntries(names.map((n) => [n, { ms: [], mb: [] }]));
  for (let rep = 0; rep < reps; rep++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(rep + k) % names.length];
      const s = cases[name]();
      samples[name].ms.push(s.ms);
      if (s.mb !== undefined) samples[name].mb.push(s.mb);
    }
    process.stderr.write(`  ${label}: repetition ${rep + 1}/${reps}\r`);
  }
  process.stderr.write('\n');
  return Object.fromEntries(names.map((n) => [n, { ms: median(samples[n].ms), mb: samples[n].mb.length ? Math.max(...samples[n].mb) : undefined, samples: samples[n].ms }]));
}

function eslintConfig(dir) {
  const tseslint = pathToFileURL(join(repo, 'node_modules/typescript-eslint/dist/index.js')).href;
  const file = join(dir, 'eslint.bench.config.mjs');
  writeFileSync(
    file,
    `import tseslint from '${tseslint}';\n` +
      `// The pass users already pay for: the typescript-eslint parser and one trivial rule.\n` +
      `export default [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-debugger': 'error' } }];\n`,
  );
  return file;
}

function cliSupports(option) {
  const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  return r.stdout.includes(option);
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (mb) => (mb === undefined ? 'n/a' : `${mb.toFixed(0)} MB`);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const verdict = (ok) => (ok ? 'met' : '**not met**');

function machine() {
  const cpu = cpus()[0]?.model?.trim() ?? 'unknown CPU';
  const nproc = spawnSync('nproc', { encoding: 'utf8' }).stdout?.trim() || String(cpus().length);
  return `${nproc} cores (${cpu}), Node ${process.version}, ${process.platform}`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const base = args.out ?? join(tmpdir(), `lambda-lint-bench-${args.seed}`);
  const sizes = args.quick ? [50, 100, 200, 400] : [250, 500, 1000, 2000];
  const mainSize = args.quick ? 200 : 1000;
  mkdirSync(base, { recursive: true });
  const tree = (n) => join(base, `mono-${n}`);
  process.stderr.write(`generating ${sizes.join('/')} handler-file monorepos in ${base} (seed ${args.seed})\n`);
  for (const n of sizes) writeMonorepo(tree(n), { handlers: n, functions: Math.round(n / 5), seed: args.seed });
  const config = eslintConfig(base);
  const dir = tree(mainSize);
  const lambda = () => measure([CLI, '--format', 'json', '.'], dir, { json: true });
  const eslint = () => measure([ESLINT, '-c', config, '.'], dir);
  const floor = () => measure([FLOOR, '.'], dir);
  const rows = [];
  const out = [];

  process.stderr.write(`main comparison on ${mainSize} handler files, ${mainSize / 5} functions\n`);
  const cmp = alternate({ 'lambda-lint': lambda, eslint, 'parse floor': floor }, args.reps, 'lambda-lint / eslint / floor');
  const L = cmp['lambda-lint'];
  const E = cmp.eslint;
  const F = cmp['parse floor'];

  process.stderr.write('scaling\n');
  const scale = alternate(Object.fromEntries(sizes.map((n) => [String(n), () => measure([CLI, '--format', 'json', '.'], tree(n), { json: true })])), args.reps, 'scaling');

  let cache;
  if (cliSupports('--cache')) {
    process.stderr.write('cache\n');
    const cacheDir = join(base, 'cache');
    const first = [];
    const second = [];
    for (let rep = 0; rep < args.reps; rep++) {
      rmSync(cacheDir, { recursive: true, force: true });
      first.push(measure([CLI, '--format', 'json', '--cache', '--cache-location', cacheDir, '.'], dir, { json: true }).ms);
      second.push(measure([CLI, '--format', 'json', '--cache', '--cache-location', cacheDir, '.'], dir, { json: true }).ms);
      process.stderr.write(`  cache: repetition ${rep + 1}/${args.reps}\r`);
    }
    process.stderr.write('\n');
    cache = { first: median(first), second: median(second) };
  }

  process.stderr.write('pre-commit\n');
  const example = join(repo, 'examples/brand-platform');
  const changed = 'src/brand-api/handler.ts';
  const pre = alternate(
    {
      'lambda-lint': () => measure([CLI, '--format', 'json', changed], example, { json: true }),
      eslint: () => measure([ESLINT, '-c', config, changed], example),
    },
    args.reps,
    'pre-commit',
  );

  // ---- report: a markdown table ready for the README
  const targets = [
    [`lambda-lint / ESLint (${mainSize} files)`, L.ms / E.ms, 0.4],
    ['lambda-lint / parse floor', L.ms / F.ms, 2.5],
    [`time ${sizes[3]} / ${sizes[2]} files`, scale[String(sizes[3])].ms / scale[String(sizes[2])].ms, 2.2],
  ];
  if (cache) targets.push(['`--cache` second run / first run', cache.second / cache.first, 0.15]);
  targets.push(['pre-commit: lambda-lint / ESLint on one file', pre['lambda-lint'].ms / pre.eslint.ms, 1.2]);

  out.push(`Machine: ${machine()}. ${args.reps} repetitions, medians, whole processes${args.quick ? ' (quick mode: small sizes)' : ''}.`);
  out.push('');
  out.push(`| ${mainSize} handler files, ${mainSize / 5} functions | time | peak memory | vs lambda-lint |`);
  out.push('| --- | --- | --- | --- |');
  out.push(`| lambda-lint, every rule | ${fmt(L.ms)} | ${fmtMb(L.mb)} | 1.00x |`);
  out.push(`| ESLint 10 + typescript-eslint parser, one trivial rule | ${fmt(E.ms)} | ${fmtMb(E.mb)} | ${ratio(E.ms, L.ms)} |`);
  out.push(`| parse floor (TypeScript createSourceFile + yaml parseDocument) | ${fmt(F.ms)} | ${fmtMb(F.mb)} | ${ratio(F.ms, L.ms)} |`);
  out.push('');
  out.push(`| handler files | ${sizes.join(' | ')} |`);
  out.push(`| --- | ${sizes.map(() => '---').join(' | ')} |`);
  out.push(`| lambda-lint | ${sizes.map((n) => fmt(scale[String(n)].ms)).join(' | ')} |`);
  out.push(`| peak memory | ${sizes.map((n) => fmtMb(scale[String(n)].mb)).join(' | ')} |`);
  out.push('');
  if (cache) out.push(`\`--cache\`: first run ${fmt(cache.first)}, second run on the unchanged tree ${fmt(cache.second)}.`);
  out.push(`Pre-commit (one changed handler of examples/brand-platform): lambda-lint ${fmt(pre['lambda-lint'].ms)}, ESLint ${fmt(pre.eslint.ms)}.`);
  out.push('');
  out.push('| target | measured | limit | |');
  out.push('| --- | --- | --- | --- |');
  for (const [name, value, limit] of targets) out.push(`| ${name} | ${value.toFixed(2)}x | <= ${limit}x | ${verdict(value <= limit)} |`);
  if (L.mb !== undefined && E.mb !== undefined) out.push(`| peak memory lambda-lint / ESLint | ${(L.mb / E.mb).toFixed(2)}x | <= 1x | ${verdict(L.mb <= E.mb)} |`);
  rows.push(...out);
  process.stdout.write(rows.join('\n') + '\n');

  // The ESLint plugin's own overhead benchmark (issue 7), when it exists.
  const plugin = join(repo, 'bench/eslint-plugin.mjs');
  if (existsSync(plugin)) {
    process.stdout.write('\nESLint plugin (bench/eslint-plugin.mjs):\n');
    // Its arguments: [project dir] [iterations].
    const r = spawnSync(process.execPath, [plugin, ...(args.quick ? [join(repo, 'examples/brand-platform-demo'), '3'] : [])], { stdio: 'inherit', cwd: repo });
    if (r.status !== 0) process.stdout.write(`bench/eslint-plugin.mjs exited with ${r.status}\n`);
  }
  if (!args.keep && !args.out) rmSync(base, { recursive: true, force: true });
}

main();
