import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'api-throttling';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.find((f) => f.ruleId === ID)?.message ?? '';

describe('api-throttling', () => {
  describe('serverless.yml', () => {
    const app = (provider: string, events: string, rest = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n${provider}functions:\n  api:\n    handler: src/api.handler\n    events:\n${events}${rest}`,
      'src/api.ts': handler,
    });

    it('reports the implicit REST API at its first event, naming the usage plan setting', async () => {
      const r = await lintFiles(app('', '      - http: GET /brands\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 9, 9, 9, 13)]);
      expect(messageOf(r)).toMatch(/^ApiGatewayRestApi \(the REST API created for the `http` events\) has no throttling/);
      expect(messageOf(r)).toContain('`provider.apiGateway.usagePlan.throttle`');
    });

    it('accepts a usage plan throttle (one plan or named plans) and reports a plan with a quota only', async () => {
      const one = app('  apiGateway:\n    usagePlan:\n      throttle:\n        burstLimit: 100\n        rateLimit: 50\n', '      - http: GET /brands\n');
      expect(positions(await lintFiles(one), ID)).toEqual([]);
      const named = app('  apiGateway:\n    usagePlan:\n      - partners:\n          throttle:\n            rateLimit: 50\n', '      - http: GET /brands\n');
      expect(positions(await lintFiles(named), ID)).toEqual([]);
      const quota = app('  apiGateway:\n    usagePlan:\n      quota:\n        limit: 1000\n', '      - http: GET /brands\n');
      expect(positions(await lintFiles(quota), ID)).toEqual([at(ID, 'missing', 13, 9, 13, 13)]);
    });

    it('accepts the serverless-api-gateway-throttling plugin settings', async () => {
      const r = await lintFiles(app('', '      - http: GET /brands\n', 'plugins:\n  - serverless-api-gateway-throttling\ncustom:\n  apiGatewayThrottling:\n    maxRequestsPerSecond: 50\n    maxConcurrentRequests: 100\n'));
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports the implicit HTTP API (at provider.logs.httpApi when set) and accepts throttling in resources.extensions', async () => {
      const events = '      - httpApi: GET /brands\n';
      expect(positions(await lintFiles(app('', events)), ID)).toEqual([at(ID, 'missing', 9, 9, 9, 16)]);
      const r = await lintFiles(app('  logs:\n    httpApi: true\n', events));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 5, 6, 12)]);
      expect(messageOf(r)).toContain('`resources.extensions.HttpApiStage.Properties.DefaultRouteSettings`');
      const stage = (settings: string) => `resources:\n  extensions:\n    HttpApiStage:\n      Properties:\n${settings}`;
      expect(positions(await lintFiles(app('', events, stage('        DefaultRouteSettings:\n          ThrottlingBurstLimit: 100\n          ThrottlingRateLimit: 50\n'))), ID)).toEqual([]);
      // A route throttle alone leaves every other route, and each route added later, unthrottled.
      const routeOnly = await lintFiles(app('', events, stage("        RouteSettings:\n          'GET /brands':\n            ThrottlingRateLimit: 50\n")));
      expect(positions(routeOnly, ID)).toEqual([at(ID, 'routesOnly', 9, 9, 9, 16)]);
      expect(routeOnly.findings.find((f) => f.ruleId === ID)?.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[16, 13, 'throttles GET /brands only']]);
      expect(positions(await lintFiles(app('', events, stage('        DefaultRouteSettings:\n          DetailedMetricsEnabled: true\n'))), ID)).toEqual([at(ID, 'missing', 9, 9, 9, 16)]);
    });

    it('leaves WebSocket APIs and APIs outside the service alone', async () => {
      expect(positions(await lintFiles(app('', '      - websocket: $connect\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('  httpApi:\n    id: abc123\n', '      - httpApi: GET /brands\n')), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const rest = (stage: string, extra = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: brand\n  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      StageName: prod\n${stage}${extra}`,
    });

    it('reports a REST stage without throttling at its key', async () => {
      const r = await lintFiles(rest('      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: \'*\'\n          MetricsEnabled: true\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 7, 3, 7, 8)]);
      expect(messageOf(r)).toMatch(/^Stage \(REST API stage\) has no throttling.*Set `MethodSettings`/);
    });

    it('accepts stage-wide MethodSettings throttling; one method throttled is a finding for the other routes', async () => {
      expect(positions(await lintFiles(rest("      MethodSettings:\n        - ResourcePath: /*\n          HttpMethod: '*'\n          ThrottlingRateLimit: 50\n")), ID)).toEqual([]);
      const oneMethod = "      MethodSettings:\n        - ResourcePath: /~1brands\n          HttpMethod: GET\n          ThrottlingBurstLimit: 20\n";
      const r = await lintFiles(rest(oneMethod));
      expect(positions(r, ID)).toEqual([at(ID, 'routesOnly', 7, 3, 7, 8)]);
      expect(messageOf(r)).toMatch(/^Stage \(REST API stage\) throttles only GET \/~1brands: every other route, and each route added later, has only the account-wide API Gateway limit/);
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[13, 11, 'throttles GET /~1brands only']]);
      // With a stage-wide default next to it, the method's own limit is a refinement.
      const both = `${oneMethod}        - ResourcePath: /*\n          HttpMethod: '*'\n          ThrottlingRateLimit: 50\n`;
      expect(positions(await lintFiles(rest(both)), ID)).toEqual([]);
    });

    it('accepts a usage plan that throttles the stage', async () => {
      const plan = '  Plan:\n    Type: AWS::ApiGateway::UsagePlan\n    Properties:\n      ApiStages:\n        - ApiId: !Ref Api\n          Stage: !Ref Stage\n      Throttle:\n        BurstLimit: 100\n        RateLimit: 50\n';
      expect(positions(await lintFiles(rest('', plan)), ID)).toEqual([]);
    });

    it('reads a Deployment with StageName and its StageDescription throttle', async () => {
      const deployment = (description: string) => ({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: brand\n  Deployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref Api\n      StageName: prod\n${description}`,
      });
      const r = await lintFiles(deployment(''));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 7, 3, 7, 13)]);
      expect(messageOf(r)).toContain('`StageDescription.ThrottlingBurstLimit`');
      expect(positions(await lintFiles(deployment('      StageDescription:\n        ThrottlingRateLimit: 50\n')), ID)).toEqual([]);
    });

    it('reads HTTP stages (DefaultRouteSettings) and leaves WebSocket stages alone', async () => {
      const v2 = (protocol: string, settings: string) => ({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: brand\n      ProtocolType: ${protocol}\n  Stage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref Api\n      StageName: $default\n${settings}`,
      });
      expect(positions(await lintFiles(v2('HTTP', '')), ID)).toEqual([at(ID, 'missing', 8, 3, 8, 8)]);
      expect(positions(await lintFiles(v2('HTTP', '      DefaultRouteSettings:\n        ThrottlingBurstLimit: 100\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(v2('WEBSOCKET', '')), ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, eventType = 'Api') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Brands:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: brands.handler\n      Events:\n        List:\n          Type: ${eventType}\n          Properties:\n            Path: /brands\n            Method: GET\n`,
      'src/brands.ts': handler,
    });

    it('reports the implicit ServerlessRestApi at the first Api event and accepts Globals.Api throttling', async () => {
      const r = await lintFiles(sam(''));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 10, 9, 10, 13)]);
      expect(messageOf(r)).toContain('`Globals.Api.MethodSettings`');
      const globals = "Globals:\n  Api:\n    MethodSettings:\n      - ResourcePath: /*\n        HttpMethod: '*'\n        ThrottlingRateLimit: 50\n";
      expect(positions(await lintFiles(sam(globals)), ID)).toEqual([]);
    });

    it('accepts an Auth.UsagePlan throttle and HttpApi DefaultRouteSettings from Globals', async () => {
      const plan = 'Globals:\n  Api:\n    Auth:\n      UsagePlan:\n        CreateUsagePlan: PER_API\n        Throttle:\n          RateLimit: 50\n';
      expect(positions(await lintFiles(sam(plan)), ID)).toEqual([]);
      expect(positions(await lintFiles(sam('', 'HttpApi')), ID)).toEqual([at(ID, 'missing', 10, 9, 10, 13)]);
      const http = 'Globals:\n  HttpApi:\n    DefaultRouteSettings:\n      ThrottlingBurstLimit: 100\n';
      expect(positions(await lintFiles(sam(http, 'HttpApi')), ID)).toEqual([]);
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
                Properties: { RestApiId: { Ref: 'ShopApi1A2B3C4D' }, StageName: 'prod' },
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
      expect(finding?.message).toContain('`deployOptions.throttlingBurstLimit`');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
