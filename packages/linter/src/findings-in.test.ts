// lint({ findingsIn }): the run of the ESLint plugin for one edited file. It must give exactly the
// findings of a whole run that are located in that file, suppressions (used and unused) included.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { allRules } from '@lambda-lint/rules';
import { lint, memoryHost, nodeHost, type LintOptions } from './index.js';

const demo = fileURLToPath(new URL('../../../examples/brand-platform-demo', import.meta.url));

function findingsIn(options: LintOptions, file: string) {
  return published(lint({ ...options, findingsIn: file }).findings);
}

/** The findings of a run: the engine's merge bookkeeping (`concerns`) is never on them. */
function published(findings: readonly Finding[]): Finding[] {
  for (const f of findings) expect(Object.hasOwn(f, 'concerns')).toBe(false);
  return [...findings];
}

describe('lint() with findingsIn', () => {
  it('gives the findings of the whole run located in the file, for every file of the demo with findings', () => {
    const options: LintOptions = { host: nodeHost(), paths: [demo], root: demo, rules: allRules };
    const whole = published(lint(options).findings);
    const files = [...new Set(whole.map((f) => f.loc.file))];
    // Code files with suppression comments and serverless.yml with its own are among them.
    expect(files).toEqual(expect.arrayContaining([`${demo}/serverless.yml`, `${demo}/src/realtime/handler.ts`]));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(findingsIn(options, file)).toEqual(whole.filter((f) => f.loc.file === file));
  });

  it('applies the file’s own suppressions and reports its unused ones; another file’s suppressions change nothing in it', () => {
    const files = {
      'serverless.yml': `service: s
provider:
  name: aws
  runtime: nodejs22.x
functions:
  a:
    handler: a.handler # lambda-lint-disable-line global-mutable-state -- not this file's
`,
      'a.mjs': `const seen = [];
export const handler = async (event) => {
  // lambda-lint-disable-next-line global-mutable-state -- kept on purpose
  seen.push(event.id);
  seen.push(event.name);
  // lambda-lint-disable-next-line fixed-tmp-path -- nothing to silence here
  return seen.length;
};
`,
    };
    const root = '/project';
    const options: LintOptions = { host: memoryHost(files, root, {}), paths: [root], root, rules: allRules, today: new Date('2026-06-01T00:00:00Z') };
    const whole = published(lint(options).findings);
    const inCode = whole.filter((f) => f.loc.file === `${root}/a.mjs`);
    expect(inCode.map((f) => `${f.ruleId} ${f.loc.line}`)).toEqual(['global-mutable-state 5', 'unused-suppression 6']);
    expect(findingsIn(options, `${root}/a.mjs`)).toEqual(inCode);
    expect(findingsIn(options, `${root}/serverless.yml`)).toEqual(whole.filter((f) => f.loc.file === `${root}/serverless.yml`));
  });
});
