import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const goodHandler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const goodServerless =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  api:\n    handler: src/api.handler\n    logRetentionInDays: 30\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n';

describe('parse-error', () => {
  it('reports invalid YAML at the offending token and still lints the other files', async () => {
    const r = await lintFiles({
      'broken/serverless.yml': 'service: s\nprovider:\n  name: aws\n  timeout: [10\n',
      'good/serverless.yml': goodServerless.replace('  timeout: 10\n', ''),
      'good/src/api.ts': goodHandler,
    });
    // The unclosed flow sequence is detected where its `]` was due: the end of the file.
    expect(positions(r, 'parse-error')).toEqual([at('parse-error', 'diagnostic', 5, 1, 5, 1)]);
    expect(r.findings.find((f) => f.ruleId === 'parse-error')?.loc.file).toBe('/project/broken/serverless.yml');
    // The good service is still read: its missing timeout is found.
    expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'missing', 7, 3, 7, 6)]);
  });

  it('reports an unknown YAML tag at the tag', async () => {
    const r = await lintFiles({
      'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: !GetAttr R.Arn\n",
    });
    expect(positions(r, 'parse-error')).toEqual([at('parse-error', 'diagnostic', 6, 13, 6, 21)]);
    expect(r.findings[0]!.message).toContain('!GetAttr');
  });

  it('reports duplicate keys at the second key', async () => {
    const r = await lintFiles({ 'serverless.yml': 'service: s\nprovider:\n  name: aws\nservice: t\n' });
    expect(positions(r, 'parse-error')).toEqual([at('parse-error', 'diagnostic', 4, 1, 4, 8)]);
  });

  it('reports invalid JSON in a template', async () => {
    const r = await lintFiles({ 'template.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {,}\n}\n' });
    const found = positions(r, 'parse-error');
    expect(found).toEqual([at('parse-error', 'diagnostic', 3, 17, 3, 18)]);
    expect(r.findings[0]!.message).toBe("Invalid JSON: Expected property name or '}'");
  });

  it('reports binary, empty and oversized files that claim to be configuration', async () => {
    const r = await lintFiles({
      'a/serverless.yml': new Uint8Array([0x73, 0x00, 0x01, 0x02]),
      'b/serverless.yml': '',
      'c/template.yaml': 'x'.repeat(6 * 1024 * 1024),
    });
    expect(r.findings.map((f) => [f.loc.file, f.ruleId, f.loc.line, f.loc.column])).toEqual([
      ['/project/a/serverless.yml', 'parse-error', 1, 1],
      ['/project/b/serverless.yml', 'parse-error', 1, 1],
      ['/project/c/template.yaml', 'parse-error', 1, 1],
    ]);
    expect(r.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('binary'),
      expect.stringContaining('empty'),
      expect.stringContaining('limit'),
    ]);
  });

  it('rejects JSON that only YAML would accept (trailing comma)', async () => {
    const r = await lintFiles({ 'template.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {},\n}\n' });
    expect(positions(r, 'parse-error')).toEqual([at('parse-error', 'diagnostic', 4, 1, 4, 2)]);
  });

  it('ignores unrelated YAML and JSON files that are not templates', async () => {
    const r = await lintFiles({
      'config/app.yaml': 'a: [broken\n',
      'data/items.json': '{"a": 1,}',
      'serverless.yml': goodServerless,
      'src/api.ts': goodHandler,
    });
    expect(r.findings).toEqual([]);
  });

  it('reports a TypeScript syntax error in a handler at its position', async () => {
    const r = await lintFiles({
      'serverless.yml': goodServerless,
      'src/api.ts': 'export const handler = async () => {\n  return { statusCode: 200 ;\n};\n',
    });
    // Only the first syntax error of a file: the ones after it are the parser's recovery, not the user's.
    expect(positions(r, 'parse-error')).toEqual([at('parse-error', 'diagnostic', 2, 28, 2, 29)]);
    expect(r.findings.find((f) => f.ruleId === 'parse-error')?.loc.file).toBe('/project/src/api.ts');
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), 'parse-error');
});
