// The plugin's entry (index.ts, as compiled) in the process ESLint starts: it loads the plugin from
// the module pack when there is a current one, compiles ts-morph from V8's code cache, and gives the
// same findings as the plugin loaded by Node.js. It patches Node.js's loader, so it is tried in child
// processes (each with its own temporary directory, where the caches live), never in the test runner.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects } from '@lambda-lint/linter';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../../..');
const demo = join(repo, 'examples/brand-platform-demo');
const url = (path: string) => JSON.stringify(pathToFileURL(path).href);
const entry = join(here, '../dist/index.js');
const implementation = join(here, '../dist/plugin.js');

/**
 * Lints the demo with the real ESLint API and prints its findings, whether the plugin came from a
 * pack, and which large files have a compiled-code entry. The plugin is imported before
 * typescript-eslint, so that ESLint's own TypeScript loads after the plugin's entry has run.
 */
const LINT_SCRIPT = [
  `import { createRequire } from 'node:module';`,
  `import { existsSync, realpathSync } from 'node:fs';`,
  `import { relative } from 'node:path';`,
  `import plugin from ${url(entry)};`,
  `import { compileCacheDir, compiledCodeEntry } from ${url(join(repo, 'packages/linter/dist/start-up/index.js'))};`,
  `const { ESLint } = await import(${url(join(repo, 'node_modules/eslint/lib/api.js'))});`,
  `const { default: tseslint } = await import(${url(join(repo, 'node_modules/typescript-eslint/dist/index.js'))});`,
  `const eslint = new ESLint({ cwd: ${JSON.stringify(demo)}, overrideConfigFile: true, overrideConfig: [`,
  `  { files: ['**/*.{js,mjs,cjs}'], ...plugin.configs.all },`,
  `  { files: ['**/*.{ts,mts,cts}'], ...plugin.configs.all, languageOptions: { parser: tseslint.parser } },`,
  `] });`,
  `const results = await eslint.lintFiles(['.']);`,
  `const rows = results.flatMap((r) => r.messages.map((m) => relative(${JSON.stringify(demo)}, r.filePath) + ':' + m.line + ':' + m.column + '-' + m.endLine + ':' + m.endColumn + ' ' + m.ruleId + ' ' + m.message));`,
  `const require = createRequire(import.meta.url);`,
  `const loaded = Object.keys(require.cache);`,
  `const cached = (path) => { const e = compiledCodeEntry(path); return e !== undefined && existsSync(e); };`,
  `const tsMorph = loaded.find((f) => /[\\\\/]@ts-morph[\\\\/]common[\\\\/]dist[\\\\/]typescript\\.js$/.test(f));`,
  `const estree = createRequire(realpathSync(${JSON.stringify(join(repo, 'node_modules/typescript-eslint/dist/index.js'))})).resolve('@typescript-eslint/typescript-estree');`,
  `const eslintTypescript = realpathSync(createRequire(estree).resolve('typescript'));`,
  `console.log(JSON.stringify({`,
  `  rows: rows.sort(),`,
  `  packed: loaded.some((f) => f.startsWith(compileCacheDir()) && f.endsWith('.cjs')),`,
  `  tsMorphLoaded: tsMorph !== undefined,`,
  `  tsMorphCached: tsMorph !== undefined && cached(tsMorph),`,
  `  eslintTypescriptLoaded: loaded.includes(eslintTypescript),`,
  `  eslintTypescriptCached: cached(eslintTypescript),`,
  `}));`,
].join('\n');

interface LintRun {
  rows: string[];
  packed: boolean;
  tsMorphLoaded: boolean;
  tsMorphCached: boolean;
  eslintTypescriptLoaded: boolean;
  eslintTypescriptCached: boolean;
}

const disk = diskProjects('ll-plugin-entry-');
afterAll(() => disk.removeAll());
const root = disk.project({ 'lint.mjs': LINT_SCRIPT, 'not-a-directory': '' });

/** One `eslint`-like process; `tmp` is its temporary directory (the caches' home). */
function lint(tmp: string, env: Record<string, string> = {}): LintRun {
  const r = spawnSync(process.execPath, [join(root, 'lint.mjs')], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMPDIR: tmp, ...env } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as LintRun;
}

/** The pack manifest (in `tmp`'s cache directory) of the plugin's modules. */
function pluginManifest(tmp: string): string {
  const cacheRoot = join(tmp, 'lambda-lint-compile-cache');
  const dir = join(cacheRoot, readdirSync(cacheRoot)[0]!);
  const manifests = readdirSync(dir).filter((f) => f.startsWith('pack-') && f.endsWith('.json'));
  const found = manifests.map((f) => join(dir, f)).find((f) => readFileSync(f, 'utf8').includes(JSON.stringify(implementation)));
  if (!found) throw new Error(`no pack manifest of ${implementation} in ${dir}`);
  return found;
}

describe("the plugin's entry in a new process (index.ts)", () => {
  const tmp = join(root, 'tmp');
  let plain: LintRun;

  it('gives from the pack the findings the plugin gives loaded by Node.js, with ts-morph compiled from the cache and ESLint left alone', () => {
    disk.write(root, { 'tmp/.keep': '' });
    plain = lint(tmp, { LAMBDA_LINT_NO_COMPILE_CACHE: '1' });
    expect(plain.rows.length).toBeGreaterThan(0);
    expect(plain.packed).toBe(false);
    // The first run has no pack: it loads the modules and writes the pack and the compiled code at exit.
    const first = lint(tmp);
    expect(first.packed).toBe(false);
    expect(first.rows).toEqual(plain.rows);
    const second = lint(tmp);
    expect(second.packed).toBe(true);
    expect(second.rows).toEqual(plain.rows);
    expect(second.tsMorphLoaded && second.tsMorphCached).toBe(true);
    // ESLint's own TypeScript (typescript-eslint's), loaded after the plugin's entry, is not the plugin's to cache.
    expect(second.eslintTypescriptLoaded).toBe(true);
    expect(second.eslintTypescriptCached).toBe(false);
  }, 180_000);

  it('does not use a pack once a packed file differs from what was packed, and packs again', () => {
    const manifest = pluginManifest(tmp);
    const data = JSON.parse(readFileSync(manifest, 'utf8')) as { files: [string, number, number][] };
    const packed = data.files.find(([file]) => file === implementation)!;
    // As after a rebuild of the plugin (another modification time); the real file is left alone.
    packed[2] -= 1000;
    writeFileSync(manifest, JSON.stringify(data));
    const stale = lint(tmp);
    expect(stale.packed).toBe(false);
    expect(stale.rows).toEqual(plain.rows);
    const again = lint(tmp);
    expect(again.packed).toBe(true);
    expect(again.rows).toEqual(plain.rows);
  }, 180_000);

  it('writes no pack in CI (a fresh machine never reads it)', () => {
    disk.write(root, { 'ci-tmp/.keep': '' });
    const ciTmp = join(root, 'ci-tmp');
    for (const run of [lint(ciTmp, { CI: 'true' }), lint(ciTmp, { CI: 'true' })]) {
      expect(run.packed).toBe(false);
      expect(run.rows).toEqual(plain.rows);
    }
  }, 180_000);

  it('lints the same when the cache directory cannot be made (the temporary directory is a file)', () => {
    const run = lint(join(root, 'not-a-directory'));
    expect(run.packed).toBe(false);
    expect(run.rows).toEqual(plain.rows);
  }, 180_000);
});
