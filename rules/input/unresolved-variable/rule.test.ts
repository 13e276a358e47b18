import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

describe('unresolved-variable', () => {
  it('reports a missing self reference at the variable and treats the value as unknown', async () => {
    const r = await lintFiles({
      'serverless.yml':
        'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: ${self:custom.timeout}\nfunctions:\n  api:\n    handler: src/api.handler\n    logRetentionInDays: 30\n',
      'src/api.ts': handler,
    });
    expect(positions(r, 'unresolved-variable')).toEqual([at('unresolved-variable', 'diagnostic', 6, 12, 6, 34)]);
    // Unknown is not "missing": explicit-timeout stays silent.
    expect(positions(r, 'explicit-timeout')).toEqual([]);
  });

  it('does not report deploy-time values', async () => {
    const r = await lintFiles({
      'serverless.yml':
        'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: ${ssm:/s/timeout}\nfunctions:\n  api:\n    handler: src/api.handler\n    logRetentionInDays: 30\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n',
      'src/api.ts': handler,
    });
    expect(r.findings).toEqual([]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), 'unresolved-variable');
});
