import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const serverless = (h: string) =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  api:\n    handler: ${h}\n    logRetentionInDays: 30\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n`;

describe('unresolved-handler', () => {
  it('reports a missing handler file at the handler setting', async () => {
    const r = await lintFiles({ 'serverless.yml': serverless('src/missing.handler'), 'src/api.ts': handler });
    expect(positions(r, 'unresolved-handler')).toEqual([at('unresolved-handler', 'diagnostic', 9, 14, 9, 33)]);
    expect(r.findings.filter((f) => f.ruleId === 'unresolved-handler')[0]!.function).toBe('api');
  });

  it('reports a missing export', async () => {
    const r = await lintFiles({ 'serverless.yml': serverless('src/api.main'), 'src/api.ts': handler });
    expect(positions(r, 'unresolved-handler')).toEqual([at('unresolved-handler', 'diagnostic', 9, 14, 9, 26)]);
    expect(r.findings.filter((f) => f.ruleId === 'unresolved-handler')[0]!.message).toContain('main');
  });

  it('finds .js, .mjs and CommonJS handlers', async () => {
    for (const [file, code] of [
      ['src/api.js', 'exports.handler = async () => ({});\n'],
      ['src/api.mjs', 'export async function handler() { return {}; }\n'],
      ['src/api.cjs', 'module.exports.handler = async () => ({});\n'],
    ] as const) {
      const r = await lintFiles({ 'serverless.yml': serverless('src/api.handler'), [file]: code });
      expect(positions(r, 'unresolved-handler')).toEqual([]);
    }
  });

  it('resolves SAM CodeUri + Handler', async () => {
    const sam = (codeUri: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      MemorySize: 256\n      Timeout: 10\n      CodeUri: ${codeUri}\n      Handler: app.handler\n`,
      'functions/api/app.ts': handler,
    });
    expect(positions(await lintFiles(sam('functions/api/')), 'unresolved-handler')).toEqual([]);
    expect(positions(await lintFiles(sam('functions/other/')), 'unresolved-handler')).toEqual([
      at('unresolved-handler', 'diagnostic', 10, 16, 10, 27),
    ]);
  });

  it('leaves functions on other runtimes alone: their handler is Python, Java or a binary, not a module to find', async () => {
    const sam = `Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\nResources:\n  Py:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: py/\n      Handler: app.lambda_handler\n  Java:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: java21\n      CodeUri: java/\n      Handler: com.example.App::handleRequest\n`;
    const cfn = `Resources:\n  Go:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: provided.al2023\n      Handler: bootstrap.main\n      Code: go/\n      Role: arn:aws:iam::123456789012:role/r\n`;
    expect(positions(await lintFiles({ 'template.yaml': sam }), 'unresolved-handler')).toEqual([]);
    expect(positions(await lintFiles({ 'template.yaml': cfn }), 'unresolved-handler')).toEqual([]);
    // The same SAM function on Node.js is still resolved and reported when its module is missing.
    expect(positions(await lintFiles({ 'template.yaml': sam.replace('python3.12', 'nodejs22.x') }), 'unresolved-handler')).toEqual([
      at('unresolved-handler', 'diagnostic', 10, 16, 10, 34),
    ]);
  });

  it('does not look for the source of code in S3 or in a built archive', async () => {
    const sam = (codeUri: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: ${codeUri}\n      Handler: index.handler\n`,
    });
    for (const codeUri of ['{ Bucket: artifacts, Key: api.zip }', 's3://artifacts/api.zip', 'build/api.zip', '../dist/api.jar']) {
      expect(positions(await lintFiles(sam(codeUri)), 'unresolved-handler')).toEqual([]);
    }
    const cfn = `Resources:\n  Api:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Code: build/api.zip\n      Role: arn:aws:iam::123456789012:role/r\n`;
    expect(positions(await lintFiles({ 'template.yaml': cfn }), 'unresolved-handler')).toEqual([]);
    // A source directory is still looked into.
    expect(positions(await lintFiles(sam('build/api')), 'unresolved-handler')).toEqual([at('unresolved-handler', 'diagnostic', 8, 16, 8, 29)]);
  });

  it('never reads a handler outside the project root', async () => {
    const r = await lintFiles({ 'serverless.yml': serverless('../outside/api.handler') });
    expect(positions(r, 'unresolved-handler')).toEqual([at('unresolved-handler', 'diagnostic', 9, 14, 9, 36)]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), 'unresolved-handler');
});
