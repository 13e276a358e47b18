// The real ESLint API (the class editors and `npx eslint` use) with the plugin's `all` config, run on
// the examples and on every rule fixture that has handler-code findings, must give exactly the rule
// ids, messages and ranges that lambda-lint's own run gives for the code files.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { lint, nodeHost, toPosix } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import plugin, { codeRules } from 'eslint-plugin-lambda-lint';

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

/** What ESLint reports for the same code files, with nothing but the plugin configured. */
async function eslintRows(dir: string, files: string[]): Promise<Row[]> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.{js,mjs,cjs}'], ...plugin.configs.all },
      { files: ['**/*.{ts,mts,cts}'], ...plugin.configs.all, languageOptions: { parser: tseslint.parser } },
    ],
  });
  const results = await eslint.lintFiles(files);
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

describe('ESLint API and lambda-lint agree on handler code', () => {
  const demo = `${repo}/examples/brand-platform-demo`;
  it('examples/brand-platform-demo (a violation of every rule)', async () => {
    const rows = await compare(demo);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('examples/brand-platform (the production-ready example: no findings in either)', async () => {
    const rows = await compare(`${repo}/examples/brand-platform`);
    expect(rows).toEqual([]);
  });

  it('every invalid fixture of the exposed rules', async () => {
    let compared = 0;
    for (const dir of ruleFixtures()) {
      const rows = await compare(dir);
      if (rows.length > 0) compared++;
    }
    // Guard against a vacuous pass: most fixtures of code rules have code findings.
    expect(compared).toBeGreaterThan(30);
  });
});
