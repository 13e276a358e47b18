import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRules } from '@lambda-lint/rules';
import { lint } from './lint.js';
import { memoryHost } from './host.js';

const run = (files: Record<string, string>) =>
  lint({ host: memoryHost(files), paths: ['/project'], root: '/project', rules: allRules, today: new Date('2026-06-01T00:00:00Z') });

const directive = fc.constantFrom(
  '# lambda-lint-disable-next-line memory-size -- r',
  '# lambda-lint-disable memory-size',
  '#lambda-lint-disable-line',
  '"# lambda-lint-disable memory-size"',
  '// lambda-lint-disable-next-line fixed-tmp-path -- r',
  '/* lambda-lint-disable-next-line fixed-tmp-path',
  '`// lambda-lint-disable x`',
  'lambda-lint-disable',
);

/** Inserts `piece` into `text` at a position chosen by `at` (0..1). */
const insert = (text: string, piece: string, at: number) => {
  const i = Math.floor(at * (text.length + 1));
  return text.slice(0, i) + piece + text.slice(i);
};

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 3008\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - httpApi: GET /\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n      Metadata:\n        lambda-lint:\n          ignore:\n            - { id: sqs-visibility-timeout, reason: r }\n';
const HANDLER = "import { writeFileSync } from 'node:fs';\nexport const handler = async (e: { body: string }) => {\n  writeFileSync('/tmp/x.json', e.body);\n  return { statusCode: 200, body: `ok` };\n};\n";

describe('suppression collection never crashes', () => {
  it('directives inserted anywhere in YAML and TypeScript give findings with valid ranges', () => {
    fc.assert(
      fc.property(directive, fc.double({ min: 0, max: 1, noNaN: true }), directive, fc.double({ min: 0, max: 1, noNaN: true }), (d1, a1, d2, a2) => {
        const result = run({ 'serverless.yml': insert(SERVERLESS, d1, a1), 'src/api.ts': insert(HANDLER, d2, a2) });
        expect(result.internalErrors).toEqual([]);
        for (const f of result.findings) {
          expect(f.loc.line).toBeGreaterThanOrEqual(1);
          expect(f.loc.column).toBeGreaterThanOrEqual(1);
          expect(f.loc.endLine > f.loc.line || (f.loc.endLine === f.loc.line && f.loc.endColumn >= f.loc.column)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
