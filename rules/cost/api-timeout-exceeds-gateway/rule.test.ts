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

const RULE = 'api-timeout-exceeds-gateway';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE).map((f) => f.message);

describe('api-timeout-exceeds-gateway', () => {
  describe('serverless.yml', () => {
    const app = (fn: string, provider = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  logRetentionInDays: 30\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports a REST API function with a timeout above 29 s at the timeout value', async () => {
      const r = await lintFiles(app('    timeout: 30\n    events:\n      - http: GET /brands\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 10, 14, 10, 16)]);
      expect(messageOf(r)[0]).toMatch(/^ingest: timeout 30 s is above the 29 s integration timeout \(the default\) of its API Gateway REST API route GET \/brands: .*504/);
      expect(r.findings.find((f) => f.ruleId === RULE)?.severity).toBe('error');
    });

    it('accepts 29 s behind a REST API and 30 s behind an HTTP API', async () => {
      expect(positions(await lintFiles(app('    timeout: 29\n    events:\n      - http: GET /brands\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    timeout: 30\n    events:\n      - httpApi: GET /brands\n')), RULE)).toEqual([]);
    });

    it('reports an HTTP API function above 30 s and a WebSocket function above 29 s', async () => {
      const http = await lintFiles(app('    timeout: 31\n    events:\n      - httpApi:\n          method: GET\n          path: /brands\n'));
      expect(positions(http, RULE)).toEqual([at(RULE, 'exceeds', 10, 14, 10, 16)]);
      expect(messageOf(http)[0]).toContain('30 s integration timeout (the default) of its API Gateway HTTP API route GET /brands');
      const ws = await lintFiles(app('    timeout: 60\n    events:\n      - websocket: $default\n'));
      expect(positions(ws, RULE)).toEqual([at(RULE, 'exceeds', 10, 14, 10, 16)]);
      expect(messageOf(ws)[0]).toContain('API Gateway WebSocket API route $default');
    });

    it('reports a provider timeout at the provider value', async () => {
      const r = await lintFiles(app('    events:\n      - http: GET /brands\n', '  timeout: 60\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 7, 12, 7, 14)]);
      expect(messageOf(r)[0]).toContain('timeout 60 s (from provider.timeout)');
    });

    it('is silent on the 6 s default, on functions without API events and on unknown timeouts', async () => {
      expect(positions(await lintFiles(app('    events:\n      - http: GET /brands\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    timeout: 300\n    events:\n      - schedule: rate(1 hour)\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    timeout: ${ssm:/brand/timeout}\n    events:\n      - http: GET /brands\n')), RULE)).toEqual([]);
    });

    it('is silent on an asynchronous REST integration (`async: true`), which does not wait for the function', async () => {
      const files = app('    timeout: 300\n    events:\n      - http:\n          method: post\n          path: /brands/import\n          async: true\n');
      expect(positions(await lintFiles(files), RULE)).toEqual([]);
    });

    it('takes the limits from options (a raised REST integration timeout quota)', async () => {
      const config = { rules: { [RULE]: ['error', { restApiSeconds: 60 }] as ['error', Record<string, unknown>] } };
      expect(positions(await lintFiles(app('    timeout: 45\n    events:\n      - http: GET /brands\n'), { config }), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (timeout: string, integration = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/ingest
      Code:
        ZipFile: exports.handler = async () => {}
      MemorySize: 256
${timeout}  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: brand-api
  Brands:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: brands
  GetBrands:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Brands
      HttpMethod: GET
      AuthorizationType: AWS_IAM
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Ingest.Arn}/invocations
${integration}`,
    });

    it('reports Timeout 60 behind a REST method at the value', async () => {
      const r = await lintFiles(template('      Timeout: 60\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 12, 16, 12, 18)]);
      expect(messageOf(r)[0]).toContain('route GET /brands');
    });

    it("uses the method's own TimeoutInMillis: a raised one allows more, a lowered one less", async () => {
      expect(positions(await lintFiles(template('      Timeout: 60\n', '        TimeoutInMillis: 90000\n')), RULE)).toEqual([]);
      const r = await lintFiles(template('      Timeout: 10\n', '        TimeoutInMillis: 5000\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 12, 16, 12, 18)]);
      expect(messageOf(r)[0]).toContain('above the 5 s integration timeout (TimeoutInMillis 5000)');
    });

    it('reports nothing for the 3 s default and for 29 s', async () => {
      expect(positions(await lintFiles(template('')), RULE)).toEqual([]);
      expect(positions(await lintFiles(template('      Timeout: 29\n')), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    const template = (timeout: number) => ({
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
        "MemorySize": 256,
        "Timeout": ${timeout}
      }
    },
    "Api": { "Type": "AWS::ApiGatewayV2::Api", "Properties": { "Name": "brand-api", "ProtocolType": "HTTP" } },
    "Integration": {
      "Type": "AWS::ApiGatewayV2::Integration",
      "Properties": {
        "ApiId": { "Ref": "Api" },
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": { "Fn::GetAtt": ["Ingest", "Arn"] },
        "PayloadFormatVersion": "2.0"
      }
    },
    "Route": {
      "Type": "AWS::ApiGatewayV2::Route",
      "Properties": {
        "ApiId": { "Ref": "Api" },
        "RouteKey": "POST /brands",
        "AuthorizationType": "AWS_IAM",
        "Target": { "Fn::Join": ["/", ["integrations", { "Ref": "Integration" }]] }
      }
    }
  }
}
`,
    });

    it('reports Timeout 60 behind an HTTP API route and accepts 30', async () => {
      const r = await lintFiles(template(60));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 12, 20, 12, 22)]);
      expect(messageOf(r)[0]).toContain('30 s integration timeout (the default) of its API Gateway HTTP API route POST /brands');
      expect(positions(await lintFiles(template(30)), RULE)).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string, events: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n      MemorySize: 256\n${props}      Events:\n${events}`,
      'src/ingest.ts': handler,
    });
    const api = '        Get:\n          Type: Api\n          Properties:\n            Path: /brands\n            Method: get\n';
    const httpApi = (extra = '') => `        Get:\n          Type: HttpApi\n          Properties:\n            Path: /brands\n            Method: get\n${extra}`;

    it('reports an Api event function with Timeout 60 at the value', async () => {
      const r = await lintFiles(sam('', '      Timeout: 60\n', api));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 10, 16, 10, 18)]);
      expect(messageOf(r)[0]).toContain('API Gateway REST API route get /brands');
    });

    it('reports a Globals timeout at Globals', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Timeout: 45\n', '', httpApi()));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 4, 14, 4, 16)]);
      expect(messageOf(r)[0]).toContain('timeout 45 s (from Globals.Function.Timeout)');
    });

    it("uses an HttpApi event's TimeoutInMillis", async () => {
      const r = await lintFiles(sam('', '      Timeout: 15\n', httpApi('            TimeoutInMillis: 10000\n')));
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 10, 16, 10, 18)]);
      expect(messageOf(r)[0]).toContain('above the 10 s integration timeout (TimeoutInMillis 10000)');
    });

    it('accepts 30 s behind an HttpApi event and 20 s behind an Api event', async () => {
      expect(positions(await lintFiles(sam('', '      Timeout: 30\n', httpApi())), RULE)).toEqual([]);
      expect(positions(await lintFiles(sam('', '      Timeout: 20\n', api)), RULE)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    it('reports a function behind an HTTP API route with Timeout 60 at the value', async () => {
      const r = await lintFiles(
        cdk({
          ApiHandler5E7490E8: cdkFunction({ Timeout: 60 }),
          HttpApiF5A9A8A7: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'shop', ProtocolType: 'HTTP' } },
          HttpApiGetOrdersIntegration1A2B3C4D: {
            Type: 'AWS::ApiGatewayV2::Integration',
            Properties: { ApiId: { Ref: 'HttpApiF5A9A8A7' }, IntegrationType: 'AWS_PROXY', IntegrationUri: { 'Fn::GetAtt': ['ApiHandler5E7490E8', 'Arn'] }, PayloadFormatVersion: '2.0' },
          },
          HttpApiGetOrders5E6F7A8B: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: {
              ApiId: { Ref: 'HttpApiF5A9A8A7' },
              RouteKey: 'GET /orders',
              AuthorizationType: 'AWS_IAM',
              Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'HttpApiGetOrdersIntegration1A2B3C4D' }]] },
            },
          },
        }),
      );
      expect(positions(r, RULE)).toEqual([at(RULE, 'exceeds', 14, 16, 14, 18)]);
      expect(r.findings.find((f) => f.ruleId === RULE)?.message).toMatch(/^Shop\/Api\/Handler: timeout 60 s is above the 30 s integration timeout/);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
