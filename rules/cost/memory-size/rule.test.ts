import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

/** A CDK cloud assembly with one stack (`cdk.out`), its template printed as `cdk synth` does (JSON, one-space indent). */
const cdk = (resources: Record<string, unknown>) => ({
  'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
  'cdk.out/Shop.template.json': JSON.stringify({ Resources: resources }, undefined, 1),
});
const cdkFunction = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { S3Bucket: 'assets', S3Key: 'handler.zip' },
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/shop',
    Runtime: 'nodejs22.x',
    MemorySize: 256,
    Timeout: 10,
    ...props,
  },
  Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/Resource' },
});

const RULE = 'memory-size';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE).map((f) => f.message);

describe('memory-size', () => {
  describe('serverless.yml', () => {
    const app = (fn: string, provider = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  logRetentionInDays: 30\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n    timeout: 10\n${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without memorySize at its key, naming the 1024 MB default', async () => {
      const r = await lintFiles(app(''));
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 7, 3, 7, 9)]);
      expect(messageOf(r)[0]).toContain('Serverless Framework default of 1024 MB');
      expect(messageOf(r)[0]).toContain('Power Tuning');
      expect(messageOf(r)[0]).toContain('"Max Memory Used"');
    });

    it('reports 3008 and 10240 MB at the value', async () => {
      expect(positions(await lintFiles(app('    memorySize: 3008\n')), RULE)).toEqual([at(RULE, 'suspicious', 10, 17, 10, 21)]);
      const r = await lintFiles(app('    memorySize: 10240\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'suspicious', 10, 17, 10, 22)]);
      expect(messageOf(r)[0]).toMatch(/^ingest: memory 10240 MB is the platform maximum/);
    });

    it('accepts a measured size on the function or the provider', async () => {
      expect(positions(await lintFiles(app('    memorySize: 512\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('', '  memorySize: 256\n')), RULE)).toEqual([]);
    });

    it('reports a provider value shared by several functions once, at the provider value', async () => {
      const r = await lintFiles({
        ...app('  report:\n    handler: src/ingest.handler\n    timeout: 10\n', '  memorySize: 3008\n'),
      });
      expect(positions(r, RULE)).toEqual([at(RULE, 'suspicious', 6, 15, 6, 19)]);
      expect(messageOf(r)[0]).toMatch(/^ingest, report: memory 3008 MB \(from provider\.memorySize\) is the former platform maximum/);
    });

    it('lets a function override a suspicious provider value', async () => {
      expect(positions(await lintFiles(app('    memorySize: 512\n', '  memorySize: 10240\n')), RULE)).toEqual([]);
    });

    it('stays silent on a value that cannot be resolved offline', async () => {
      expect(positions(await lintFiles(app('    memorySize: ${ssm:/brand/memory}\n')), RULE)).toEqual([]);
    });

    it('takes the suspicious sizes from options', async () => {
      const config = { rules: { [RULE]: ['warning', { suspiciousValues: [2048] }] as ['warning', Record<string, unknown>] } };
      expect(positions(await lintFiles(app('    memorySize: 2048\n'), { config }), RULE)).toEqual([at(RULE, 'suspicious', 10, 17, 10, 21)]);
      expect(positions(await lintFiles(app('    memorySize: 3008\n'), { config }), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (props: string, head = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\n${head}Resources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n      Timeout: 10\n${props}`,
    });

    it('reports a function without MemorySize at its key, naming the 128 MB default', async () => {
      const r = await lintFiles(template(''));
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 9)]);
      expect(messageOf(r)[0]).toContain('Lambda default of 128 MB');
      expect(messageOf(r)[0]).toContain('`MemorySize`');
    });

    it('reports MemorySize 10240 and accepts 512', async () => {
      expect(positions(await lintFiles(template('      MemorySize: 10240\n')), RULE)).toEqual([at(RULE, 'suspicious', 12, 19, 12, 24)]);
      expect(positions(await lintFiles(template('      MemorySize: 512\n')), RULE)).toEqual([]);
    });

    it('resolves a parameter default and stays silent on a parameter without one', async () => {
      const params = (def: string) => `Parameters:\n  Memory:\n    Type: Number\n${def}`;
      expect(positions(await lintFiles(template('      MemorySize: !Ref Memory\n', params('    Default: 3008\n'))), RULE)).toEqual([
        at(RULE, 'suspicious', 16, 19, 16, 30),
      ]);
      expect(positions(await lintFiles(template('      MemorySize: !Ref Memory\n', params(''))), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    const template = (memory: string) => ({
      'template.json': `{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Ingest": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/ingest",
        "Code": { "ZipFile": "exports.handler = async () => {}" },
${memory}        "Timeout": 10
      }
    }
  }
}
`,
    });

    it('reports a missing MemorySize at the resource key and 3008 at the value', async () => {
      expect(positions(await lintFiles(template('')), RULE)).toEqual([at(RULE, 'missing', 4, 5, 4, 13)]);
      expect(positions(await lintFiles(template('        "MemorySize": 3008,\n')), RULE)).toEqual([at(RULE, 'suspicious', 11, 23, 11, 27)]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string, more = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n      Timeout: 10\n${props}${more}`,
      'src/ingest.ts': handler,
    });
    const report = '  Report:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n      Timeout: 10\n';

    it('reports a missing MemorySize and accepts one from Globals', async () => {
      expect(positions(await lintFiles(sam('', '')), RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 9)]);
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    MemorySize: 512\n', '')), RULE)).toEqual([]);
    });

    it('reports a Globals value shared by two functions once, at Globals', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    MemorySize: 10240\n', '', report));
      expect(positions(r, RULE)).toEqual([at(RULE, 'suspicious', 4, 17, 4, 22)]);
      expect(messageOf(r)[0]).toMatch(/^Ingest, Report: memory 10240 MB \(from Globals\.Function\.MemorySize\)/);
    });

    it('lets the function override a Globals value', async () => {
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    MemorySize: 3008\n', '      MemorySize: 1024\n')), RULE)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    it('reports a missing MemorySize at the logical id and 10240 at the value, named by construct path', async () => {
      const missing = await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction({ MemorySize: undefined }) }));
      expect(positions(missing, RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 23)]);
      expect(messageOf(missing)[0]).toMatch(/^Shop\/Api\/Handler: no memory size is set, so the Lambda default of 128 MB applies/);
      const maximum = await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction({ MemorySize: 10240 }) }));
      expect(positions(maximum, RULE)).toEqual([at(RULE, 'suspicious', 13, 19, 13, 24)]);
      expect(positions(await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction() })), RULE)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
