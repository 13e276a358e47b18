// The real ESLint API (the class editors and `npx eslint` use) with the plugin's `all` config, run on
// the examples and on every rule fixture that has handler-code findings, must give exactly the rule
// ids, messages and ranges that lambda-lint's own run gives for the code files.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { lint, nodeHost, toPosix } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import plugin, { analyseFile, clearCache, codeRules } from 'eslint-plugin-lambda-lint';

const repo = toPosix(fileURLToPath(new URL('..', import.meta.url))).replace(/\/$/, '');
const CODE_FILE = /\.(?:[cm]?[jt]s)$/;
const pluginIds = new Set(codeRules.map((r) => r.id));

interface Row {
  file: string;
  at: string;
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
}

const sortRows = (rows: Row[]): Row[] =>
  rows.sort((a, b) => (a.file + a.at + a.ruleId + a.message < b.file + b.at + b.ruleId + b.message ? -1 : 1));

/** What `lambda-lint <dir>` reports in code files for the rules the plugin exposes. */
function cliRows(dir: string): { rows: Row[]; handlerFiles: string[] } {
  const result = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules });
  const rows = result.findings
    .filter((f) => pluginIds.has(f.ruleId) && CODE_FILE.test(f.loc.file))
    .map((f) => ({
      file: f.loc.file.slice(dir.length + 1),
      at: `${f.loc.line}:${f.loc.column}-${f.loc.endLine}:${f.loc.endColumn}`,
      ruleId: f.ruleId,
      severity: f.severity === 'error' ? ('error' as const) : ('warn' as const),
      message: f.message,
    }));
  return { rows: sortRows(rows), handlerFiles: [...new Set(result.handlers.map((h) => h.file))] };
}

function eslintFor(dir: string): ESLint {
  return new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.{js,mjs,cjs}'], ...plugin.configs.all },
      { files: ['**/*.{ts,mts,cts}'], ...plugin.configs.all, languageOptions: { parser: tseslint.parser } },
    ],
  });
}

/** What ESLint reports for the same code files, with nothing but the plugin configured. */
async function eslintRows(dir: string, files: string[]): Promise<Row[]> {
  return toRows(dir, await eslintFor(dir).lintFiles(files));
}

function toRows(dir: string, results: ESLint.LintResult[]): Row[] {
  const rows: Row[] = [];
  for (const result of results) {
    for (const m of result.messages) {
      if (m.fatal) throw new Error(`${result.filePath}:${m.line}:${m.column}: ESLint could not parse the file: ${m.message}`);
      rows.push({
        file: toPosix(result.filePath).slice(dir.length + 1),
        at: `${m.line}:${m.column}-${m.endLine}:${m.endColumn}`,
        ruleId: (m.ruleId ?? '').replace(/^lambda-lint\//, ''),
        severity: m.severity === 2 ? 'error' : 'warn',
        message: m.message,
      });
    }
  }
  return sortRows(rows);
}

/** Every rule fixture of a handler or cross-layer rule whose CLI run has findings in code. */
function ruleFixtures(): string[] {
  const dirs: string[] = [];
  for (const rule of codeRules) {
    const base = `${repo}/rules/${rule.category}/${rule.id}/fixtures/invalid`;
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) if (entry.isDirectory()) dirs.push(`${base}/${entry.name}`);
  }
  return dirs;
}

async function compare(dir: string): Promise<Row[]> {
  const cli = cliRows(dir);
  // The handler files and every file with a finding: ESLint must agree on both the findings and the silence.
  const files = [...new Set([...cli.handlerFiles, ...cli.rows.map((r) => `${dir}/${r.file}`)])].filter((f) => CODE_FILE.test(f));
  const eslint = files.length > 0 ? await eslintRows(dir, files) : [];
  expect(eslint).toEqual(cli.rows);
  return cli.rows;
}

/**
 * The editor path: every code file edited in the buffer (a comment appended, so no position moves)
 * after a whole-project run; only the functions reaching it are analysed again, and ESLint must
 * still report exactly what the CLI reports for that file.
 */
async function compareEdits(dir: string): Promise<number> {
  const cli = cliRows(dir);
  const files = [...new Set([...cli.handlerFiles, ...cli.rows.map((r) => `${dir}/${r.file}`)])].filter((f) => CODE_FILE.test(f)).sort();
  if (files.length === 0) return 0;
  const eslint = eslintFor(dir);
  clearCache();
  await eslint.lintFiles(files);
  for (const file of files) {
    await expectEditLikeCli(eslint, dir, cli.rows, file);
  }
  return files.length;
}

/**
 * A file edited in the editor (its buffer differs from the disk): ESLint reports what the CLI reports
 * in it, and the plugin re-analysed only the functions that reach it.
 */
async function expectEditLikeCli(eslint: ReturnType<typeof eslintFor>, dir: string, rows: ReturnType<typeof cliRows>['rows'], file: string): Promise<void> {
  const edited = `${readFileSync(file, 'utf8')}\n// edited in the editor\n`;
  expect(toRows(dir, await eslint.lintText(edited, { filePath: file })), file).toEqual(rows.filter((r) => `${dir}/${r.file}` === file));
  const direct = analyseFile({ file, text: edited, root: dir, rules: codeRules, config: { rules: Object.fromEntries(codeRules.map((r) => [r.id, r.severity])) } });
  expect(direct.run, file).toBe('functions-reaching-file');
}

/**
 * The editor path after saves, on a copy of `source`: before each code file is edited, another code
 * file (of its folder when there is one) is saved with a comment appended. Saved code files do not
 * make the whole project run again, and ESLint must still report exactly what the CLI reports.
 */
async function compareEditsAfterSaves(source: string): Promise<number> {
  const dir = toPosix(mkdtempSync(join(tmpdir(), 'lambda-lint-saves-')));
  try {
    cpSync(source, dir, { recursive: true, filter: (path) => !/[/\\]node_modules([/\\]|$)/.test(path) });
    const cli = cliRows(dir);
    const files = [...new Set([...cli.handlerFiles, ...cli.rows.map((r) => `${dir}/${r.file}`)])].filter((f) => CODE_FILE.test(f)).sort();
    const eslint = eslintFor(dir);
    clearCache();
    await eslint.lintFiles(files);
    for (const [i, file] of files.entries()) {
      const saved = files.find((f) => f !== file && dirname(f) === dirname(file)) ?? files[(i + 1) % files.length]!;
      writeFileSync(saved, `${readFileSync(saved, 'utf8')}\n// saved ${i}\n`);
      await expectEditLikeCli(eslint, dir, cli.rows, file);
    }
    return files.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Each case runs the linter and ESLint many times; under a loaded CI machine that takes a while.
const SLOW = 180_000;

describe('ESLint API and lambda-lint agree on handler code', () => {
  const demo = `${repo}/examples/brand-platform-demo`;
  it('examples/brand-platform-demo (a violation of every rule)', async () => {
    const rows = await compare(demo);
    expect(rows.length).toBeGreaterThan(0);
  }, SLOW);

  it('examples/brand-platform-demo, each code file edited in the editor (only the functions reaching it re-analysed)', async () => {
    expect(await compareEdits(demo)).toBeGreaterThan(10);
  }, SLOW);

  it('examples/brand-platform-demo, each code file edited after another code file was saved (no whole-project run)', async () => {
    expect(await compareEditsAfterSaves(demo)).toBeGreaterThan(10);
  }, SLOW);

  it('examples/brand-platform (the production-ready example), whole runs and edits', async () => {
    await compare(`${repo}/examples/brand-platform`);
    expect(await compareEdits(`${repo}/examples/brand-platform`)).toBeGreaterThan(5);
  }, SLOW);

  it('a CDK app (cdk.out found walking up from the sources, handlers mapped through cdk.json)', async () => {
    const app = `${repo}/packages/cdk/fixtures/app`;
    expect((await compare(app)).length).toBeGreaterThan(0);
    await compareEdits(app);
  }, SLOW);

  it('every invalid fixture of the exposed rules', async () => {
    let compared = 0;
    for (const dir of ruleFixtures()) {
      const rows = await compare(dir);
      if (rows.length > 0) compared++;
      await compareEdits(dir);
    }
    // Guard against a vacuous pass: most fixtures of code rules have code findings.
    expect(compared).toBeGreaterThan(30);
  }, SLOW);
});
