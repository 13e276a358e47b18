import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';
import { isJsonAccessLogFormat } from './json-format.js';

const ID = 'api-access-logging';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.find((f) => f.ruleId === ID)?.message ?? '';

describe('api-access-logging', () => {
  describe('JSON formats', () => {
    it('accepts JSON objects with quoted or unquoted $context variables', () => {
      expect(isJsonAccessLogFormat('{"requestId":"$context.requestId","status":"$context.status"}')).toBe(true);
      expect(isJsonAccessLogFormat('{ "status": $context.status, "latency": $context.responseLatency }')).toBe(true);
      expect(isJsonAccessLogFormat('{"sub":"$context.authorizer.claims[\'sub\']","stage":$stageVariables.name}')).toBe(true);
    });

    it('rejects CLF, CSV, XML, key: value lines and JSON that is not an object', () => {
      expect(isJsonAccessLogFormat('$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod" $context.status')).toBe(false);
      expect(isJsonAccessLogFormat('$context.requestId,$context.status')).toBe(false);
      expect(isJsonAccessLogFormat('<request id="$context.requestId"/>')).toBe(false);
      expect(isJsonAccessLogFormat('requestId: $context.requestId, status: $context.status')).toBe(false);
      expect(isJsonAccessLogFormat('["$context.requestId"]')).toBe(false);
    });
  });

  describe('serverless.yml', () => {
    const app = (provider: string, events: string, resources = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n${provider}functions:\n  api:\n    handler: src/api.handler\n    events:\n${events}${resources}`,
      'src/api.ts': handler,
    });

    it('reports the implicit HTTP API without access logs at its first event', async () => {
      const r = await lintFiles(app('', '      - httpApi: GET /brands\n      - httpApi: POST /brands\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 9, 9, 9, 16)]);
      expect(messageOf(r)).toMatch(/^HttpApi \(the HTTP API created for the `httpApi` events\) has no access logs/);
      expect(messageOf(r)).toContain('`provider.logs.httpApi: true`');
    });

    it('accepts provider.logs.httpApi: true, whose framework default format is JSON', async () => {
      expect(positions(await lintFiles(app('  logs:\n    httpApi: true\n', '      - httpApi: GET /brands\n')), ID)).toEqual([]);
    });

    it("reports provider.logs.restApi: true at the value: the framework's default REST format is not JSON", async () => {
      const r = await lintFiles(app('  logs:\n    restApi: true\n', '      - http: GET /brands\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'notJson', 6, 14, 6, 18)]);
      expect(messageOf(r)).toContain("the framework's default plain-text line");
      expect(messageOf(r)).toContain('`provider.logs.restApi.format`');
    });

    it('reports a custom REST format that is not JSON at the format and accepts a JSON one', async () => {
      const clf = app("  logs:\n    restApi:\n      format: '$context.requestId $context.status'\n", '      - http: GET /brands\n');
      expect(positions(await lintFiles(clf), ID)).toEqual([at(ID, 'notJson', 7, 15, 7, 51)]);
      const json = app('  logs:\n    restApi:\n      format: \'{"requestId":"$context.requestId"}\'\n', '      - http: GET /brands\n');
      expect(positions(await lintFiles(json), ID)).toEqual([]);
    });

    it('reports accessLogging: false at provider.logs.restApi', async () => {
      const r = await lintFiles(app('  logs:\n    restApi:\n      accessLogging: false\n', '      - http: GET /brands\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 5, 6, 12)]);
    });

    it('reads WebSocket access logs from provider.logs.websocket and resources.extensions', async () => {
      const events = '      - websocket: $connect\n';
      expect(positions(await lintFiles(app('', events)), ID)).toEqual([at(ID, 'missing', 9, 9, 9, 18)]);
      expect(positions(await lintFiles(app('  logs:\n    websocket: true\n', events)), ID)).toEqual([at(ID, 'notJson', 6, 16, 6, 20)]);
      const extension =
        'resources:\n  extensions:\n    WebsocketsDeploymentStage:\n      Properties:\n        AccessLogSettings:\n          DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:ws\n          Format: \'{"requestId":"$context.requestId"}\'\n';
      expect(positions(await lintFiles(app('  logs:\n    websocket: true\n', events, extension)), ID)).toEqual([]);
    });

    it('stays silent on an API that lives outside the service', async () => {
      const r = await lintFiles(app('  apiGateway:\n    restApiId: abc123\n    restApiRootResourceId: def456\n', '      - http: GET /brands\n'));
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (stage: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  LogFormat:\n    Type: String\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: brand\n  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      StageName: prod\n${stage}`,
    });
    const log = (format: string) => `      AccessLogSetting:\n        DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:api\n        Format: ${format}\n`;

    it('reports a stage without AccessLogSetting at its key', async () => {
      const r = await lintFiles(template('      TracingEnabled: true\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 10, 3, 10, 8)]);
      expect(messageOf(r)).toMatch(/^Stage \(REST API stage\) has no access logs.*Set `AccessLogSetting`/);
    });

    it('reports a CLF format at the value and accepts JSON', async () => {
      expect(positions(await lintFiles(template(log('$context.identity.sourceIp [$context.requestTime] $context.status'))), ID)).toEqual([
        at(ID, 'notJson', 17, 17, 17, 82),
      ]);
      expect(positions(await lintFiles(template(log('\'{"requestId":"$context.requestId"}\''))), ID)).toEqual([]);
    });

    it('stays silent on a format that cannot be known offline', async () => {
      expect(positions(await lintFiles(template(log('!Ref LogFormat'))), ID)).toEqual([]);
    });

    it('reads HTTP and WebSocket stages (AccessLogSettings)', async () => {
      const v2 = (protocol: string, settings: string) => ({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: brand\n      ProtocolType: ${protocol}\n  Stage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref Api\n      StageName: prod\n${settings}`,
      });
      const ws = await lintFiles(v2('WEBSOCKET', ''));
      expect(positions(ws, ID)).toEqual([at(ID, 'missing', 8, 3, 8, 8)]);
      expect(messageOf(ws)).toContain('(WebSocket API stage)');
      const xml = v2('HTTP', '      AccessLogSettings:\n        DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:api\n        Format: \'<r id="$context.requestId"/>\'\n');
      expect(positions(await lintFiles(xml), ID)).toEqual([at(ID, 'notJson', 15, 17, 15, 47)]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Brands:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: brands.handler\n      Events:\n        List:\n          Type: Api\n          Properties:\n            Path: /brands\n            Method: GET\n`,
      'src/brands.ts': handler,
    });

    it('reports the implicit ServerlessRestApi at the first Api event and accepts Globals.Api.AccessLogSetting', async () => {
      const r = await lintFiles(sam(''));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 10, 9, 10, 13)]);
      expect(messageOf(r)).toContain('`Globals.Api.AccessLogSetting`');
      const globals = 'Globals:\n  Api:\n    AccessLogSetting:\n      DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:api\n      Format: \'{"requestId":"$context.requestId"}\'\n';
      expect(positions(await lintFiles(sam(globals)), ID)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    it('names the stage by its construct path', async () => {
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify(
          {
            Resources: {
              ShopApi1A2B3C4D: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'shop' }, Metadata: { 'aws:cdk:path': 'Shop/Api/Resource' } },
              ShopApiDeploymentStageprod5E6F7A8B: {
                Type: 'AWS::ApiGateway::Stage',
                Properties: { RestApiId: { Ref: 'ShopApi1A2B3C4D' }, StageName: 'prod', MethodSettings: [{ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 50 }] },
                Metadata: { 'aws:cdk:path': 'Shop/Api/DeploymentStage.prod/Resource' },
              },
            },
          },
          undefined,
          1,
        ),
      });
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 12, 3, 12, 39)]);
      const finding = r.findings.find((f) => f.ruleId === ID);
      expect(finding?.resource).toBe('Shop/Api/DeploymentStage.prod');
      expect(finding?.message).toContain('accessLogFormat: AccessLogFormat.jsonWithStandardFields()');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
