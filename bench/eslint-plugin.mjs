// What eslint-plugin-lambda-lint adds to an ESLint pass. Compares, in the same process and alternating
// the order, ESLint with a typical TypeScript config (typescript-eslint's `recommended`) against the
// same config plus `lambda-lint.configs.recommended` (or `all`, the last argument), and prints
// medians and ratios for:
//   - `eslint .` as a whole new process (CI, a pre-commit hook), start-up included: the same configs in a
//     temporary eslint.config.mjs (`--config`), CPU time of the spawned process (Linux) and wall-clock time;
//     also with the plugin's start-up caches off (LAMBDA_LINT_NO_COMPILE_CACHE=1: no compiled-code cache for
//     ts-morph, no module pack), which is how a process runs the first time after a build or an upgrade,
//   - a full pass over the demo's code files with a cold plugin cache (in this process),
//   - a full pass with a warm cache (a second run in an editor server: nothing changed on disk),
//   - every file re-linted once after an edit (the editor case: the buffer differs from the disk, so the
//     functions whose code reaches the file are analysed again),
//   - the same after another code file of the same folder was saved just before each edit (run on a copy
//     of the project in the temporary directory: the bench writes files).
// Needs a build first (`pnpm build`).
// Usage: node bench/eslint-plugin.mjs [project dir] [iterations] [files edited: all] [scenarios: process,cold,warm,edit,save] [rule set: recommended|all]
// e.g. node bench/eslint-plugin.mjs /tmp/mono1000 5 16 edit,save (16 files spread over the project);
// node bench/eslint-plugin.mjs examples/brand-platform-demo 7 all edit all (every file, every rule).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin, { clearCache } from '../packages/eslint-plugin/dist/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const project = resolve(process.argv[2] ?? `${repo}examples/brand-platform-demo`);
const iterations = Number(process.argv[3] ?? 7);
const editedCount = process.argv[4] && process.argv[4] !== 'all' ? Number(process.argv[4]) : Infinity;
const scenarios = new Set((process.argv[5] ?? 'process,cold,warm,edit,save').split(','));
const ruleSet = process.argv[6] ?? 'recommended';
if (!(ruleSet in plugin.configs)) throw new Error(`rule set ${ruleSet}: one of ${Object.keys(plugin.configs).join(', ')}`);
const patterns = ['**/*.{ts,mts,js,mjs,cjs}'];

const typescript = { files: ['**/*.{ts,mts,cts}'], languageOptions: { parser: tseslint.parser } };
const baseConfig = [...tseslint.configs.recommended, typescript];
const pluginConfig = [...baseConfig, { files: ['**/*.{ts,mts,cts,js,mjs,cjs}'], ...plugin.configs[ruleSet] }];

const ignores = ['**/scripts/**', '**/public/**'];
const eslintWith = (config, cwd = project) => new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, ignorePatterns: ignores });
const base = eslintWith(baseConfig);
const withPlugin = eslintWith(pluginConfig);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Wall-clock and CPU milliseconds of one run (CPU: this process's user + system time, steadier than wall time on a busy machine). */
async function time(fn) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

/** Runs both variants `iterations` times, alternating which goes first, and returns the medians in ms. */
async function compare(name, baseline, candidate) {
  await baseline();
  await candidate();
  const a = [];
  const b = [];
  for (let i = 0; i < iterations; i++) {
    if (i % 2 === 0) {
      a.push(await time(baseline));
      b.push(await time(candidate));
    } else {
      b.push(await time(candidate));
      a.push(await time(baseline));
    }
  }
  return row(name, a, b);
}

/** A table row: the medians of two variants' timings and their ratios. */
function row(name, a, b) {
  const [wallA, wallB, cpuA, cpuB] = [a.map((t) => t.wall), b.map((t) => t.wall), a.map((t) => t.cpu), b.map((t) => t.cpu)].map(median);
  return {
    scenario: name,
    'eslint (ms)': wallA.toFixed(1),
    '+ lambda-lint (ms)': wallB.toFixed(1),
    ratio: (wallB / wallA).toFixed(2),
    'eslint cpu (ms)': cpuA.toFixed(0),
    '+ lambda-lint cpu (ms)': cpuB.toFixed(0),
    'cpu ratio': (cpuB / cpuA).toFixed(2),
  };
}

const results = await base.lintFiles(patterns);
const allFiles = results.map((r) => r.filePath);
/** The files edited: all, or `editedCount` spread evenly over the project. */
const files = editedCount >= allFiles.length ? allFiles : Array.from({ length: editedCount }, (_, i) => allFiles[Math.floor((i * allFiles.length) / editedCount)]);
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
let edit = 0;
/** Every file edited once (a comment appended: the buffer differs from the disk), as a user moving through the project. */
const editEach = (eslint) => async () => {
  for (const [file, text] of texts) await eslint.lintText(`${text}\n// edit ${++edit}\n`, { filePath: file });
};

/** A code file in the same folder as `file` (the nearest other one in lint order when the folder has none): what was saved just before. */
function neighbourOf(file) {
  const i = allFiles.indexOf(file);
  const sameFolder = allFiles.find((f) => f !== file && dirname(f) === dirname(file));
  return sameFolder ?? allFiles[i + 1] ?? allFiles[i - 1];
}

/** The save scenario on a copy of the project (it writes files): before each edit, another code file of the same folder is saved with a new comment. */
async function saveScenario() {
  const copy = mkdtempSync(join(tmpdir(), 'lambda-lint-bench-'));
  try {
    cpSync(project, copy, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.includes('/node_modules/') && !src.endsWith('/node_modules') });
    const inCopy = (f) => join(copy, f.slice(project.length));
    const baseCopy = eslintWith(baseConfig, copy);
    const pluginCopy = eslintWith(pluginConfig, copy);
    const saves = files.map((f) => {
      const saved = inCopy(neighbourOf(f));
      return { edited: inCopy(f), text: texts.get(f), saved, savedText: readFileSync(saved, 'utf8') };
    });
    let save = 0;
    const saveThenEdit = (eslint) => async () => {
      for (const { edited, text, saved, savedText } of saves) {
        writeFileSync(saved, `${savedText}\n// saved ${++save}\n`);
        await eslint.lintText(`${text}\n// edit ${++edit}\n`, { filePath: edited });
      }
    };
    // The whole-project runs the edits start from (an editor that linted the project once).
    await pluginCopy.lintFiles(patterns);
    return await compare(`each of the ${files.length} files re-linted after an edit, another file of its folder saved just before`, saveThenEdit(baseCopy), saveThenEdit(pluginCopy));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** CPU time (user + system, ms) of this process's waited-for children, from /proc (Linux); undefined elsewhere. */
function childrenCpu() {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after the command name (which may hold spaces, in parentheses): cutime and cstime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = (() => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout) > 0 ? Number(r.stdout) : 100;
})();

/**
 * `eslint .` in a new process per run, with the typescript-eslint config alone, with the plugin added, and
 * with the plugin's start-up caches off; the three alternate (their order rotates). The configs are written
 * to a temporary eslint.config.mjs each that imports typescript-eslint and the plugin by absolute URL.
 */
function processScenario() {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-bench-config-'));
  try {
    const eslintBin = join(dirname(fileURLToPath(import.meta.resolve('eslint'))), '../bin/eslint.js');
    const configFile = (name, withPlugin) => {
      const file = join(dir, `${name}.mjs`);
      const lines = [
        `import tseslint from ${JSON.stringify(import.meta.resolve('typescript-eslint'))};`,
        withPlugin ? `import plugin from ${JSON.stringify(new URL('../packages/eslint-plugin/dist/index.js', import.meta.url).href)};` : '',
        `export default [{ ignores: ${JSON.stringify(ignores)} }, ...tseslint.configs.recommended, { files: ${JSON.stringify(typescript.files)}, languageOptions: { parser: tseslint.parser } }${
          withPlugin ? `, { files: ['**/*.{ts,mts,cts,js,mjs,cjs}'], ...plugin.configs[${JSON.stringify(ruleSet)}] }` : ''
        }];`,
      ];
      writeFileSync(file, lines.join('\n'));
      return file;
    };
    const variants = [
      { config: configFile('eslint', false), env: {} },
      { config: configFile('plugin', true), env: {} },
      { config: configFile('plugin', true), env: { LAMBDA_LINT_NO_COMPILE_CACHE: '1' } },
    ];
    const run = ({ config, env }) => {
      const cpu = childrenCpu();
      const start = performance.now();
      const r = spawnSync(process.execPath, [eslintBin, '--config', config, '--format', 'json', '.'], { cwd: project, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
      const wall = performance.now() - start;
      if (r.status !== 0 && r.status !== 1) throw new Error(`eslint exited with ${r.status}: ${r.stderr}`);
      const after = childrenCpu();
      return { wall, cpu: cpu === undefined ? NaN : after - cpu, files: JSON.parse(r.stdout).length };
    };
    // The first run with the caches on writes them when there are none yet (after a build).
    for (const v of variants) run(v);
    const timings = variants.map(() => []);
    for (let i = 0; i < iterations; i++) for (let k = 0; k < variants.length; k++) {
      const v = (i + k) % variants.length;
      timings[v].push(run(variants[v]));
    }
    const count = timings[0][0].files;
    return [
      row(`eslint . in a new process, ${count} files (CI, pre-commit)`, timings[0], timings[1]),
      row(`eslint . in a new process, ${count} files, the plugin's start-up caches off (as after a build)`, timings[0], timings[2]),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [];
if (scenarios.has('process')) rows.push(...processScenario());
if (scenarios.has('cold')) {
  rows.push(
    await compare(
      `full pass, ${allFiles.length} files, cold cache`,
      () => base.lintFiles(patterns),
      () => {
        clearCache();
        return withPlugin.lintFiles(patterns);
      },
    ),
  );
}
if (scenarios.has('warm')) rows.push(await compare(`full pass, ${allFiles.length} files, warm cache`, () => base.lintFiles(patterns), () => withPlugin.lintFiles(patterns)));
if (scenarios.has('edit')) rows.push(await compare(`each of the ${files.length} files re-linted after an edit (editor)`, editEach(base), editEach(withPlugin)));
if (scenarios.has('save')) rows.push(await saveScenario());

console.log(`eslint-plugin-lambda-lint (${ruleSet}) on ${project} (${iterations} alternating runs, medians of wall-clock time; cpu ratio: of CPU time)`);
console.table(rows);
