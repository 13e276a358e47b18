// The rules a run after an edit leaves out (CONFIGURATION_FINDINGS_ONLY) must place every finding on
// the configuration: in a file the configuration reading read, never in other code.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects, lint, nodeHost } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import { KeptConfiguration } from './kept-configuration.js';
import { analyseFile, clearCache, CONFIGURATION_FINDINGS_ONLY } from './project.js';
import { codeRules } from './rules.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** The findings of the listed rules in `dir`, and the files the configuration reading read. */
function findingsOf(dir: string) {
  const configuration = new KeptConfiguration(nodeHost());
  const { findings } = lint({ host: configuration.host, paths: [dir], root: dir, rules: allRules, keepProject: configuration.read });
  return { findings: findings.filter((f) => CONFIGURATION_FINDINGS_ONLY.has(f.ruleId)), configurationFiles: configuration.configurationFiles };
}

const fixtureDirs = (kind: 'valid' | 'invalid') =>
  codeRules
    .filter((rule) => CONFIGURATION_FINDINGS_ONLY.has(rule.id))
    .flatMap((rule) => {
      const base = `${repo}rules/${rule.category}/${rule.id}/fixtures/${kind}`;
      return existsSync(base) ? readdirSync(base).map((name) => `${base}/${name}`) : [];
    });

describe('rules whose findings are all on the configuration', () => {
  it('are rules the plugin exposes', () => {
    expect([...CONFIGURATION_FINDINGS_ONLY].filter((id) => !codeRules.some((r) => r.id === id))).toEqual([]);
  });

  it('place every finding in a file the configuration reading read, on their fixtures and the examples', () => {
    const dirs = [...fixtureDirs('invalid'), ...fixtureDirs('valid'), ...['brand-platform', 'brand-platform-demo', 'brand-platform-sam'].map((e) => `${repo}examples/${e}`)];
    const seen = new Set<string>();
    for (const dir of dirs) {
      const { findings, configurationFiles } = findingsOf(dir.replace(/\/$/, ''));
      for (const f of findings) {
        seen.add(f.ruleId);
        expect(configurationFiles.has(f.loc.file), `${f.ruleId} at ${f.loc.file}:${f.loc.line}`).toBe(true);
      }
    }
    // Not vacuous: each rule found something somewhere.
    expect([...seen].sort()).toEqual([...CONFIGURATION_FINDINGS_ONLY].sort());
  });
});

describe('a configuration that is code (serverless.ts)', () => {
  const { project, removeAll } = diskProjects('lambda-lint-config-rules-');
  afterAll(removeAll);

  const SERVERLESS_TS = `export default {
  service: 'brands',
  provider: { name: 'aws', runtime: 'nodejs22.x' },
  functions: {
    list: {
      handler: 'src/list.handler',
      vpc: { securityGroupIds: ['sg-0123456789abcdef0'], subnetIds: ['subnet-0123456789abcdef0'] },
      events: [{ httpApi: 'GET /brands' }],
    },
  },
};
`;

  it('gets their findings in the editor, from the whole-project run and after an edit of it', () => {
    clearCache();
    const dir = project({ 'serverless.ts': SERVERLESS_TS, 'src/list.mjs': "export const handler = async () => ({ statusCode: 200, body: '[]' });\n" });
    const rules = codeRules;
    const config = { rules: Object.fromEntries(rules.map((r) => [r.id, r.severity])) };
    const inConfig = (text: string) => analyseFile({ file: `${dir}/serverless.ts`, text, root: dir, rules, config });
    const cli = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules })
      .findings.filter((f) => f.loc.file === `${dir}/serverless.ts` && CONFIGURATION_FINDINGS_ONLY.has(f.ruleId))
      .map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);
    expect(cli).toEqual(['reserved-concurrency 5:5', 'vpc-without-need 7:12']);
    const ids = (result: ReturnType<typeof analyseFile>) => result.findings.filter((f) => CONFIGURATION_FINDINGS_ONLY.has(f.ruleId)).map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);
    const whole = inConfig(SERVERLESS_TS);
    expect(whole.run).toBe('project');
    expect(ids(whole)).toEqual(cli);
    expect(ids(inConfig(`${SERVERLESS_TS}// typing\n`))).toEqual(cli);
    // The handler file has none of them, with or without an edit.
    const handler = (text: string) => analyseFile({ file: `${dir}/src/list.mjs`, text, root: dir, rules, config });
    expect(ids(handler("export const handler = async () => ({ statusCode: 200, body: '[]' });\n"))).toEqual([]);
    expect(ids(handler("export const handler = async () => ({ statusCode: 200, body: '[1]' });\n"))).toEqual([]);
  });
});
