// The rules a run after an edit leaves out (CONFIGURATION_FINDINGS_ONLY) must place every finding on
// the configuration: in a file the configuration reading read, never in other code.
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lint, nodeHost } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import { KeptConfiguration } from './kept-configuration.js';
import { CONFIGURATION_FINDINGS_ONLY } from './project.js';
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
