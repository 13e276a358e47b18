// What eslint-plugin-lambda-lint adds to an ESLint pass. Compares, in the same process and alternating
// the order, ESLint with a typical TypeScript config (typescript-eslint's `recommended`) against the
// same config plus `lambda-lint.configs.recommended` (or `all`, the last argument), and prints
// medians and ratios for:
//   - a full pass over the demo's code files with a cold plugin cache (`npx eslint .` in a new process),
//   - a full pass with a warm cache (a second run in an editor server: nothing changed on disk),
//   - every file re-linted once after an edit (the editor case: the buffer differs from the disk, so the
//     functions whose code reaches the file are analysed again),
//   - the same after another code file of the same folder was saved just before each edit (run on a copy
//     of the project in the temporary directory: the bench writes files).
// Needs a build first (`pnpm build`).
// Usage: node bench/eslint-plugin.mjs [project dir] [iterations] [files edited: all] [scenarios: cold,warm,edit,save] [rule set: recommended|all]
// e.g. node bench/eslint-plugin.mjs /tmp/mono1000 5 16 edit,save (16 files spread over the project);
// node bench/eslint-plugin.mjs examples/brand-platform-demo 7 all edit all (every file, every rule).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const scenarios = new Set((process.argv[5] ?? 'cold,warm,edit,save').split(','));
const ruleSet = process.argv[6] ?? 'recommended';
if (!(ruleSet in plugin.configs)) throw new Error(`rule set ${ruleSet}: one of ${Object.keys(plugin.configs).join(', ')}`);
const patterns = ['**/*.{ts,mts,js,mjs,cjs}'];

const typescript = { files: ['**/*.{ts,mts,cts}'], languageOptions: { parser: tseslint.parser } };
const baseConfig = [...tseslint.configs.recommended, typescript];
const pluginConfig = [...baseConfig, { files: ['**/*.{ts,mts,cts,js,mjs,cjs}'], ...plugin.configs[ruleSet] }];

const eslintWith = (config, cwd = project) => new ESLint({ cwd, overrideConfigFile: true, overrideConfig: config, ignorePatterns: ['**/scripts/**', '**/public/**'] });
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

const rows = [];
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
