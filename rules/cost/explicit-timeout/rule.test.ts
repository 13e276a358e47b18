import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

describe('explicit-timeout', () => {
  describe('serverless.yml', () => {
    const app = (fn: string, provider = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs20.x\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without a timeout at its key', async () => {
      const r = await lintFiles(app('    memorySize: 256\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'missing', 6, 3, 6, 9)]);
      expect(r.findings.find((f) => f.ruleId === 'explicit-timeout')?.message).toContain('default of 6 s');
    });

    it('reports the 900 s maximum at the value', async () => {
      const r = await lintFiles(app('    timeout: 900\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'maximum', 8, 14, 8, 17)]);
    });

    it('accepts a timeout inherited from the provider', async () => {
      const r = await lintFiles(app('', '  timeout: 10\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([]);
    });

    it('reports a maximum inherited from the provider at the provider value', async () => {
      const r = await lintFiles(app('', '  timeout: 900\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'maximum', 5, 12, 5, 15)]);
    });

    it('stays silent on a value that cannot be resolved offline', async () => {
      const r = await lintFiles(app('    timeout: ${ssm:/brand/timeout}\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (props: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n${props}`,
    });

    it('reports a function without Timeout, naming the 3 s default', async () => {
      const r = await lintFiles(template('      MemorySize: 256\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'missing', 3, 3, 3, 9)]);
      expect(r.findings.find((f) => f.ruleId === 'explicit-timeout')?.message).toContain('default of 3 s');
    });

    it('reports Timeout 900 and accepts a right-sized one', async () => {
      expect(positions(await lintFiles(template('      Timeout: 900\n')), 'explicit-timeout')).toEqual([
        at('explicit-timeout', 'maximum', 11, 16, 11, 19),
      ]);
      expect(positions(await lintFiles(template('      Timeout: 20\n')), 'explicit-timeout')).toEqual([]);
    });

    it('resolves a parameter default and stays silent on a parameter without one', async () => {
      const withParam = (def: string) => {
        const t = template('      Timeout: !Ref TimeoutSeconds\n');
        t['template.yaml'] = t['template.yaml'].replace('Resources:', `Parameters:\n  TimeoutSeconds:\n    Type: Number\n${def}Resources:`);
        return t;
      };
      expect(positions(await lintFiles(withParam('    Default: 900\n')), 'explicit-timeout')).toEqual([
        at('explicit-timeout', 'maximum', 15, 16, 15, 35),
      ]);
      expect(positions(await lintFiles(withParam('')), 'explicit-timeout')).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src/\n      Handler: ingest.handler\n${props}`,
      'src/ingest.ts': handler,
    });

    it('reports a missing Timeout and accepts one from Globals', async () => {
      expect(positions(await lintFiles(sam('', '      MemorySize: 256\n')), 'explicit-timeout')).toEqual([
        at('explicit-timeout', 'missing', 3, 3, 3, 9),
      ]);
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    Timeout: 15\n', '')), 'explicit-timeout')).toEqual([]);
    });

    it('lets the function override a Globals maximum', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Timeout: 900\n', '      Timeout: 30\n'));
      expect(positions(r, 'explicit-timeout')).toEqual([]);
    });

    it('reports a Globals maximum at the Globals value', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Timeout: 900\n', ''));
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'maximum', 4, 14, 4, 17)]);
    });
  });

  describe('CDK synth output', () => {
    it('reports a function without Timeout at its logical id, named by its construct path', async () => {
      const fn = {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'handler.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/shop', Runtime: 'nodejs22.x' },
        Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/Resource' },
      };
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify({ Resources: { ApiHandler5E7490E8: fn } }, undefined, 1),
      });
      expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'missing', 3, 3, 3, 23)]);
      const finding = r.findings.find((f) => f.ruleId === 'explicit-timeout');
      expect(finding?.resource).toBe('Shop/Api/Handler');
      expect(finding?.message).toMatch(/^Shop\/Api\/Handler: no timeout is set, so the Lambda default of 3 s applies/);
    });
  });

  it('takes the maximum from options', async () => {
    const r = await lintFiles(
      {
        'serverless.yml': 'service: s\nprovider:\n  name: aws\nfunctions:\n  a:\n    handler: a.handler\n    timeout: 300\n',
        'a.js': 'exports.handler = async () => {};\n',
      },
      { config: { rules: { 'explicit-timeout': ['warning', { maximumSeconds: 300 }] } } },
    );
    expect(positions(r, 'explicit-timeout')).toEqual([at('explicit-timeout', 'maximum', 7, 14, 7, 17)]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), 'explicit-timeout');
});
