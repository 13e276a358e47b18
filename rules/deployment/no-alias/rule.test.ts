import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const ID = 'no-alias';

describe('no-alias', () => {
  describe('serverless.yml', () => {
    const app = (fn: string, top = '', provider = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs20.x\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n${fn}${top}`,
      'src/ingest.ts': handler,
    });
    const events = '    events:\n      - httpApi: GET /brands\n';
    const canary = '    deploymentSettings:\n      type: Canary10Percent5Minutes\n      alias: Live\n      alarms: [IngestErrorsAlarm]\n';
    const plugin = 'plugins:\n  - serverless-plugin-canary-deployments\n';

    it('reports a function whose events invoke $LATEST at its key, with the first event as related', async () => {
      const r = await lintFiles(app(events));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      const f = r.findings.find((x) => x.ruleId === ID)!;
      expect(f.message).toContain('ingest: its API Gateway HTTP API trigger invokes the unqualified function ($LATEST)');
      expect(f.message).toContain('serverless-plugin-canary-deployments');
      expect(f.related?.[0]?.loc.line).toBe(9);
    });

    it('is silent on a function without triggers', async () => {
      expect(positions(await lintFiles(app('')), ID)).toEqual([]);
    });

    it('is silent on a function whose only trigger is disabled (`enabled: false`)', async () => {
      const schedule = (enabled: boolean) => `    events:\n      - schedule:\n          rate: rate(1 hour)\n          enabled: ${enabled}\n`;
      expect(positions(await lintFiles(app(schedule(false))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(schedule(true))), ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
    });

    it('is silent on a Lambda@Edge function: CloudFront always runs a published version', async () => {
      const edge = '    events:\n      - cloudFront:\n          eventType: viewer-request\n          origin: s3://brand-assets.s3.amazonaws.com/\n';
      expect(positions(await lintFiles(app(edge)), ID)).toEqual([]);
    });

    it('accepts canary deploymentSettings when the plugin is listed', async () => {
      expect(positions(await lintFiles(app(events + canary, plugin)), ID)).toEqual([]);
      expect(positions(await lintFiles(app(events + canary, 'plugins:\n  modules:\n    - serverless-plugin-canary-deployments\n')), ID)).toEqual([]);
    });

    it('takes the alias from custom.deploymentSettings defaults', async () => {
      const top = `${plugin}custom:\n  deploymentSettings:\n    alias: Live\n    type: Linear10PercentEvery1Minute\n`;
      expect(positions(await lintFiles(app(events + '    deploymentSettings:\n      alarms: [IngestErrorsAlarm]\n', top)), ID)).toEqual([]);
    });

    it('reports deploymentSettings without the plugin, and versionFunctions alone', async () => {
      expect(positions(await lintFiles(app(events + canary)), ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      expect(positions(await lintFiles(app(events, '', '  versionFunctions: true\n')), ID)).toEqual([at(ID, 'missing', 7, 3, 7, 9)]);
    });

    it('reports when the plugin is limited to stages that are not the current one', async () => {
      const top = (stages: string) => `${plugin}custom:\n  deploymentSettings:\n    stages: [${stages}]\n`;
      expect(positions(await lintFiles(app(events + canary, top('prod'))), ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      expect(positions(await lintFiles(app(events + canary, top('prod'), '  stage: prod\n')), ID)).toEqual([]);
    });

    it('reports a function URL that bypasses the canary alias at the url key', async () => {
      const r = await lintFiles(app(events + canary + '    url: true\n', plugin));
      expect(positions(r, ID)).toEqual([at(ID, 'bypassesAlias', 14, 5, 14, 8)]);
      expect(r.findings.find((x) => x.ruleId === ID)?.message).toContain('function URL trigger invokes $LATEST although the function publishes alias `Live`');
    });

    it('accepts serverless-aws-alias', async () => {
      expect(positions(await lintFiles(app(events, 'plugins:\n  - serverless-aws-alias\n')), ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src/\n      Handler: ingest.handler\n      Events:\n        Queue:\n          Type: SQS\n          Properties:\n            Queue: arn:aws:sqs:us-east-1:123456789012:brand\n${props}`,
      'src/ingest.ts': handler,
    });

    it('reports an event source on a function without AutoPublishAlias', async () => {
      const r = await lintFiles(sam('', ''));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 3, 3, 3, 9)]);
      expect(r.findings.find((x) => x.ruleId === ID)?.message).toContain('Set `AutoPublishAlias: live`');
    });

    it("accepts a raw API Gateway v2 integration that names SAM's generated alias (`${Fn.Alias}` in a !Sub)", async () => {
      const ws = (target: string) => ({
        'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Socket:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src/\n      Handler: ingest.handler\n      AutoPublishAlias: live\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: ws\n      ProtocolType: WEBSOCKET\n      RouteSelectionExpression: $request.body.action\n  Integration:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n      ApiId: !Ref Api\n      IntegrationType: AWS_PROXY\n      IntegrationUri: !Sub 'arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${${target}}/invocations'\n  Route:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Api\n      RouteKey: $default\n      Target: !Sub 'integrations/\${Integration}'\n`,
        'src/ingest.ts': handler,
      });
      expect(positions(await lintFiles(ws('Socket.Alias')), ID)).toEqual([]);
      expect(positions(await lintFiles(ws('Socket.Arn')), ID)).toEqual([at(ID, 'bypassesAlias', 22, 3, 22, 8)]);
    });

    it('accepts AutoPublishAlias on the function or in Globals', async () => {
      expect(positions(await lintFiles(sam('', '      AutoPublishAlias: live\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    AutoPublishAlias: live\n', '')), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (extra: string, target = '!Ref Ingest') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n  IngestMapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      EventSourceArn: arn:aws:sqs:us-east-1:123456789012:brand\n      FunctionName: ${target}\n${extra}`,
    });
    const alias = '  IngestVersion:\n    Type: AWS::Lambda::Version\n    Properties:\n      FunctionName: !Ref Ingest\n  IngestAlias:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref Ingest\n      FunctionVersion: !GetAtt IngestVersion.Version\n      Name: live\n';

    it('reports a mapping that names the function', async () => {
      expect(positions(await lintFiles(template('')), ID)).toEqual([at(ID, 'missing', 3, 3, 3, 9)]);
    });

    it('accepts a mapping that names the alias', async () => {
      expect(positions(await lintFiles(template(alias, '!Ref IngestAlias')), ID)).toEqual([]);
    });

    it('reports a mapping that bypasses the alias at the mapping', async () => {
      const r = await lintFiles(template(alias));
      expect(positions(r, ID)).toEqual([at(ID, 'bypassesAlias', 11, 3, 11, 16)]);
      expect(r.findings.find((x) => x.ruleId === ID)?.related?.[0]?.loc.line).toBe(20);
    });
  });

  describe('CDK synth output', () => {
    it('names the construct path and the CDK fix', async () => {
      const fn = {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'handler.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/shop', Runtime: 'nodejs22.x' },
        Metadata: { 'aws:cdk:path': 'Shop/Worker/Resource' },
      };
      const mapping = {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { EventSourceArn: 'arn:aws:sqs:us-east-1:123456789012:orders', FunctionName: { Ref: 'WorkerFn' } },
      };
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify({ Resources: { WorkerFn: fn, WorkerMapping: mapping } }, undefined, 1),
      });
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 3, 3, 3, 13)]);
      const f = r.findings.find((x) => x.ruleId === ID)!;
      expect(f.message).toMatch(/^Shop\/Worker: its SQS trigger invokes/);
      expect(f.message).toContain('`lambda.Alias` for `fn.currentVersion`');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
