// What eslint-plugin-lambda-lint adds to an ESLint pass. Compares, in the same process and alternating
// the order, ESLint with a typical TypeScript config (typescript-eslint's `recommended`) against the
// same config plus `lambda-lint.configs.recommended`, and prints medians and ratios for:
//   - a full pass over the demo's code files with a cold plugin cache (`npx eslint .` in a new process),
//   - a full pass with a warm cache (a second run in an editor server: nothing changed on disk),
//   - every file re-linted once after an edit (the editor case: the buffer differs from the disk, so the
//     functions whose code reaches the file are analysed again).
// Needs a build first (`pnpm build`). Usage: node bench/eslint-plugin.mjs [project dir] [iterations]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin, { clearCache } from '../packages/eslint-plugin/dist/index.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const project = resolve(process.argv[2] ?? `${repo}examples/brand-platform-demo`);
const iterations = Number(process.argv[3] ?? 7);
const patterns = ['**/*.{ts,mts,js,mjs,cjs}'];

const typescript = { files: ['**/*.{ts,mts,cts}'], languageOptions: { parser: tseslint.parser } };
const baseConfig = [...tseslint.configs.recommended, typescript];
const pluginConfig = [...baseConfig, { files: ['**/*.{ts,mts,cts,js,mjs,cjs}'], ...plugin.configs.recommended }];

const eslintWith = (config) => new ESLint({ cwd: project, overrideConfigFile: true, overrideConfig: config, ignorePatterns: ['**/scripts/**', '**/public/**'] });
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
    'cpu ratio': (cpuB / cpuA).toFixed(2),
  };
}

const results = await base.lintFiles(patterns);
const files = results.map((r) => r.filePath);
const texts = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]));
let edit = 0;
/** Every file edited once (a comment appended: the buffer differs from the disk), as a user moving through the project. */
const editEach = (eslint) => async () => {
  for (const [file, text] of texts) await eslint.lintText(`${text}\n// edit ${++edit}\n`, { filePath: file });
};

const rows = [
  await compare(
    `full pass, ${files.length} files, cold cache`,
    () => base.lintFiles(patterns),
    () => {
      clearCache();
      return withPlugin.lintFiles(patterns);
    },
  ),
  await compare(`full pass, ${files.length} files, warm cache`, () => base.lintFiles(patterns), () => withPlugin.lintFiles(patterns)),
  await compare(`each of the ${files.length} files re-linted after an edit (editor)`, editEach(base), editEach(withPlugin)),
];

console.log(`eslint-plugin-lambda-lint on ${project} (${iterations} alternating runs, medians of wall-clock time; cpu ratio: of CPU time)`);
console.table(rows);
