import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules, ruleFolders } from '@lambda-lint/rules';
import { read, repoRoot, rulesDir } from './support.js';
// @ts-expect-error -- plain ESM script without types
import { renderIndex, ruleFolders as scanFolders } from '../scripts/generate-rule-index.mjs';

/** Rule ids fixed by the catalog (RULES.md); a rule outside this list is a typo or an invention. */
const CATALOG_IDS = new Set([
  'static-assets-via-lambda', 'heavy-dependency-in-shared-function', 'mixed-concerns', 'function-per-endpoint',
  'global-mutable-state', 'fixed-tmp-path', 'tmp-file-not-cleaned', 'client-in-handler',
  'memory-size', 'explicit-timeout', 'api-timeout-exceeds-gateway', 'reserved-concurrency',
  'async-without-dlq', 'step-functions-task-retry', 'missing-alarms', 'not-idempotent', 'floating-promise',
  'websocket-gone-not-handled', 'scan-in-request-path',
  'iam-wildcard-action', 'iam-wildcard-resource', 'secret-in-env', 'vpc-without-need',
  'structured-logging', 'tracing-disabled', 'api-access-logging', 'api-throttling', 'no-custom-metrics',
  'no-alias', 'no-gradual-deployment', 'base64-upload-size', 'presigned-url-unrestricted',
  'sqs-visibility-timeout', 'deprecated-runtime', 'log-retention', 'function-url-no-auth', 'iam-passrole-wildcard',
  'parse-error', 'unresolved-handler', 'resource-schema', 'unresolved-variable',
  'iam-missing-permission', 'iam-unused-permission', 'shared-iam-role', 'iam-broadened', 'resource-replaced',
  'suppression-without-reason', 'unused-suppression',
]);

describe('rule catalog meta', () => {
  it('the generated rule index is current', () => {
    expect(read(join(rulesDir, 'index.ts'))).toBe(renderIndex(scanFolders()));
  });

  it('has unique ids from the catalog', () => {
    const ids = allRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(CATALOG_IDS.has(id), id).toBe(true);
  });

  for (const rule of allRules) {
    describe(rule.id, () => {
      const folder = join(rulesDir, ruleFolders[rule.id]!);

      it('lives in rules/<category>/<id> with id = folder name and category = parent folder', () => {
        expect(folder.endsWith(`/${rule.category}/${rule.id}`)).toBe(true);
      });

      it('has a documentation page with a title, an invalid and a valid example, and equivalents', () => {
        const doc = read(join(folder, 'README.md'));
        expect(doc.startsWith(`# ${rule.id}\n`)).toBe(true);
        expect(doc).toContain('<!-- invalid -->');
        expect(doc).toContain('<!-- valid -->');
        expect(doc).toMatch(/## Equivalent checks in other tools/);
        expect(doc).toContain(`| Default severity | ${rule.severity} |`);
      });

      it('has tests and valid and invalid fixtures', () => {
        expect(existsSync(join(folder, 'rule.test.ts'))).toBe(true);
        for (const kind of ['valid', 'invalid']) {
          const dir = join(folder, 'fixtures', kind);
          const cases = existsSync(dir) ? readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()) : [];
          expect(cases.length, `${kind} fixtures`).toBeGreaterThan(0);
        }
      });

      it('uses every message id it declares and writes messages that say what to do', () => {
        const source = read(join(folder, 'rule.ts')) + (rule.scope === 'input' ? read(join(rulesDir, 'support', 'diagnostic-rule.ts')) : '');
        for (const id of Object.keys(rule.messages)) {
          expect(source.includes(`'${id}'`) || source.includes(`messageId: problem`), `message id ${id}`).toBe(true);
        }
        expect(rule.description.length).toBeGreaterThan(20);
      });
    });
  }

  it('the README rule table lists every rule with its severity', () => {
    const readme = read(join(repoRoot, 'README.md'));
    for (const rule of allRules) {
      expect(readme).toContain(`| [\`${rule.id}\`](rules/${ruleFolders[rule.id]}/README.md) | ${rule.severity} |`);
    }
  });
});
