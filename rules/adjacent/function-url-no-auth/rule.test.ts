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

const RULE = 'function-url-no-auth';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE);

describe('function-url-no-auth', () => {
  describe('serverless.yml', () => {
    const app = (url: string) => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  webhook:\n    handler: src/webhook.handler\n${url}`,
      'src/webhook.ts': handler,
    });

    it('reports `url: true` at the url key', async () => {
      const r = await lintFiles(app('    url: true\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 11, 5, 11, 8)]);
      expect(own(r)[0]?.message).toMatch(/^webhook: its function URL is public \(`url: true`, no authorizer\): anyone .*`url: \{ authorizer: aws_iam \}`/);
    });

    it('reports a url map without an authorizer', async () => {
      expect(positions(await lintFiles(app('    url:\n      cors: true\n')), RULE)).toEqual([at(RULE, 'public', 11, 5, 11, 8)]);
      expect(positions(await lintFiles(app('    url: {}\n')), RULE)).toEqual([at(RULE, 'public', 11, 5, 11, 8)]);
    });

    it('accepts `authorizer: aws_iam`, no url, and an authorizer only known at deploy time', async () => {
      expect(positions(await lintFiles(app('    url:\n      authorizer: aws_iam\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    url: false\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    url:\n      authorizer: ${ssm:/brand/url-auth}\n')), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (authType: string, head = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\n${head}Resources:\n  Webhook:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/webhook\n      Code:\n        ZipFile: exports.handler = async () => {}\n      MemorySize: 256\n      Timeout: 10\n  WebhookUrl:\n    Type: AWS::Lambda::Url\n    Properties:\n      TargetFunctionArn: !GetAtt Webhook.Arn\n      AuthType: ${authType}\n`,
    });

    it('reports AuthType NONE at the value, naming the url resource', async () => {
      const r = await lintFiles(template('NONE'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 17, 17, 17, 21)]);
      expect(own(r)[0]?.message).toContain('Set `AuthType: AWS_IAM`');
      expect(own(r)[0]?.function).toBe('Webhook');
      expect(own(r)[0]?.resource).toBe('WebhookUrl');
    });

    it('accepts AWS_IAM', async () => {
      expect(positions(await lintFiles(template('AWS_IAM')), RULE)).toEqual([]);
    });

    it('resolves a parameter default and stays silent on a parameter without one', async () => {
      const params = (def: string) => `Parameters:\n  UrlAuth:\n    Type: String\n${def}`;
      expect(positions(await lintFiles(template('!Ref UrlAuth', params('    Default: NONE\n'))), RULE)).toEqual([at(RULE, 'public', 21, 17, 21, 29)]);
      expect(positions(await lintFiles(template('!Ref UrlAuth', params(''))), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    it('reports AuthType NONE at the value', async () => {
      const r = await lintFiles({
        'template.json': `{
  "Resources": {
    "Webhook": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/webhook",
        "Code": { "ZipFile": "exports.handler = async () => {}" },
        "MemorySize": 256,
        "Timeout": 10
      }
    },
    "WebhookUrl": {
      "Type": "AWS::Lambda::Url",
      "Properties": { "TargetFunctionArn": { "Fn::GetAtt": ["Webhook", "Arn"] }, "AuthType": "NONE" }
    }
  }
}
`,
      });
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 16, 94, 16, 100)]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Webhook:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: webhook.handler\n      MemorySize: 256\n      Timeout: 10\n${props}`,
      'src/webhook.ts': handler,
    });

    it('reports FunctionUrlConfig AuthType NONE at the value', async () => {
      const r = await lintFiles(sam('', '      FunctionUrlConfig:\n        AuthType: NONE\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 12, 19, 12, 23)]);
    });

    it('reports a FunctionUrlConfig from Globals at Globals', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    FunctionUrlConfig:\n      AuthType: NONE\n', ''));
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 5, 17, 5, 21)]);
    });

    it('accepts AWS_IAM', async () => {
      expect(positions(await lintFiles(sam('', '      FunctionUrlConfig:\n        AuthType: AWS_IAM\n')), RULE)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    const url = (authType: string) => ({
      Type: 'AWS::Lambda::Url',
      Properties: { AuthType: authType, TargetFunctionArn: { 'Fn::GetAtt': ['ApiHandler5E7490E8', 'Arn'] } },
      Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/FunctionUrl/Resource' },
    });

    it('reports addFunctionUrl({ authType: NONE }) at the value', async () => {
      const r = await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction(), ApiHandlerFunctionUrl5A4A3C2B: url('NONE') }));
      expect(positions(r, RULE)).toEqual([at(RULE, 'public', 23, 17, 23, 23)]);
      expect(own(r)[0]?.function).toBe('Shop/Api/Handler');
      expect(positions(await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction(), ApiHandlerFunctionUrl5A4A3C2B: url('AWS_IAM') })), RULE)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
