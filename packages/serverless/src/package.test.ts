import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyModel, get, type AppModel } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate } from '@lambda-lint/cloudformation';
import { isPackageOutput, mergeServerlessPackage, readServerless, readServerlessPackage, serviceDirOfPackage } from './index.js';
import { FILE, pos, ROOT } from './testing.js';

const PKG = '/project/.serverless/cloudformation-template-update-stack.json';

const yml = `service: brand
provider:
  name: aws
  runtime: nodejs20.x
  timeout: 20
  environment:
    TABLE: brand-table
  iam:
    role:
      statements:
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: !GetAtt Table.Arn
functions:
  ingest:
    handler: src/ingest.handler
    memorySize: 2048
    environment:
      DB_PASSWORD: \${ssm:/brand/db-password}
    events:
      - sqs:
          arn: !GetAtt Queue.Arn
      - schedule: rate(1 hour)
  api:
    handler: src/api.handler
    timeout: \${ssm:/brand/api-timeout}
    events:
      - http: GET /brands/{id}
      - httpApi: 'POST /orders'
resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 120
    Table:
      Type: AWS::DynamoDB::Table
  extensions:
    IngestLogGroup:
      Properties:
        RetentionInDays: 30
`;

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const fnResource = (handler: string, extra: Record<string, unknown>) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/brand/dev/1/brand.zip' },
    Handler: handler,
    Runtime: 'nodejs20.x',
    Role: arn('IamRoleLambdaExecution'),
    ...extra,
  },
});

/** What `sls package` writes for the configuration above (abridged to what matters here). */
const packaged = {
  AWSTemplateFormatVersion: '2010-09-09',
  Resources: {
    ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
    IngestLogGroup: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/aws/lambda/brand-dev-ingest', RetentionInDays: 30 } },
    IamRoleLambdaExecution: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Policies: [
          {
            PolicyName: 'brand-dev-lambda',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:CreateLogGroup'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:*' }] },
                { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: arn('Table') },
                { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [arn('Queue')] },
              ],
            },
          },
        ],
      },
    },
    IngestLambdaFunction: fnResource('src/ingest.handler', {
      FunctionName: 'brand-dev-ingest',
      MemorySize: 2048,
      Timeout: 20,
      Environment: { Variables: { TABLE: 'brand-table', DB_PASSWORD: 'hunter2' } },
    }),
    ApiLambdaFunction: fnResource('src/api.handler', { FunctionName: 'brand-dev-api', MemorySize: 1024, Timeout: 25, Environment: { Variables: { TABLE: 'brand-table' } } }),
    IngestEventSourceMappingSQSQueue: { Type: 'AWS::Lambda::EventSourceMapping', Properties: { BatchSize: 10, EventSourceArn: arn('Queue'), FunctionName: arn('IngestLambdaFunction') } },
    IngestEventsRuleSchedule1: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', State: 'ENABLED', Targets: [{ Arn: arn('IngestLambdaFunction'), Id: 'ingestSchedule' }] } },
    ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'dev-brand' } },
    ApiGatewayResourceBrands: { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: { 'Fn::GetAtt': ['ApiGatewayRestApi', 'RootResourceId'] }, PathPart: 'brands', RestApiId: { Ref: 'ApiGatewayRestApi' } } },
    ApiGatewayResourceBrandsIdVar: { Type: 'AWS::ApiGateway::Resource', Properties: { ParentId: { Ref: 'ApiGatewayResourceBrands' }, PathPart: '{id}', RestApiId: { Ref: 'ApiGatewayRestApi' } } },
    ApiGatewayMethodBrandsIdVarGet: {
      Type: 'AWS::ApiGateway::Method',
      Properties: { HttpMethod: 'GET', ResourceId: { Ref: 'ApiGatewayResourceBrandsIdVar' }, RestApiId: { Ref: 'ApiGatewayRestApi' }, Integration: { Type: 'AWS_PROXY', Uri: { 'Fn::Join': ['', ['arn:aws:apigateway:', { Ref: 'AWS::Region' }, ':lambda:path/2015-03-31/functions/', arn('ApiLambdaFunction'), '/invocations']] } } },
    },
    HttpApi: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'dev-brand', ProtocolType: 'HTTP' } },
    HttpApiIntegrationApi: { Type: 'AWS::ApiGatewayV2::Integration', Properties: { ApiId: { Ref: 'HttpApi' }, IntegrationType: 'AWS_PROXY', IntegrationUri: arn('ApiLambdaFunction'), PayloadFormatVersion: '2.0' } },
    HttpApiRoutePostOrders: { Type: 'AWS::ApiGatewayV2::Route', Properties: { ApiId: { Ref: 'HttpApi' }, RouteKey: 'POST /orders', Target: { 'Fn::Join': ['/', ['integrations', { Ref: 'HttpApiIntegrationApi' }]] } } },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 120 } },
    Table: { Type: 'AWS::DynamoDB::Table' },
    CustomDashresourceDashexistingDashs3LambdaFunction: fnResource('custom-resource-existing-s3/index.handler', { MemorySize: 1024, Timeout: 180 }),
  },
};

const json = JSON.stringify(packaged, null, 2);
/** 1-based line of the first line of the package output containing `text`. */
const lineOf = (text: string) => json.split('\n').findIndex((l) => l.includes(text)) + 1;

function parsedYml(text = yml) {
  return parseSource(FILE, text, { format: 'yaml' });
}

function standalone(withConfig: boolean, text = json): AppModel {
  const model = emptyModel(ROOT);
  const parsed = parseSource(PKG, text, { format: 'json' });
  readServerlessPackage(parsed, model, { root: ROOT, readFile: () => undefined, env: {}, ...(withConfig ? { config: parsedYml() } : {}) });
  linkTemplate(model, PKG);
  return model;
}

describe('package output paths', () => {
  it('recognises the file and its service directory', () => {
    expect(isPackageOutput(PKG)).toBe(true);
    expect(isPackageOutput('/project/cloudformation-template-update-stack.json')).toBe(false);
    expect(serviceDirOfPackage(PKG)).toBe('/project');
    expect(serviceDirOfPackage('/project/services/api/.serverless/cloudformation-template-update-stack.json')).toBe('/project/services/api');
  });
});

describe('package output with serverless.yml in the run', () => {
  function merged(text = yml): AppModel {
    const model = emptyModel(ROOT);
    readServerless(parsedYml(text), model, { root: ROOT, readFile: () => undefined, env: {} });
    mergeServerlessPackage(parseSource(PKG, json, { format: 'json' }), model, FILE);
    return model;
  }

  it('keeps serverless.yml as the model and adds nothing of the package output', () => {
    const alone = emptyModel(ROOT);
    readServerless(parsedYml(), alone, { root: ROOT, readFile: () => undefined, env: {} });
    const m = merged();
    expect(m.functions.map((f) => [f.name, f.file, pos(f.loc)])).toEqual([
      ['ingest', FILE, '15:3-15:9'],
      ['api', FILE, '24:3-24:6'],
    ]);
    expect(m.resources.map((r) => r.file)).toEqual(alone.resources.map((r) => r.file));
    expect(m.documents.map((d) => d.file)).toEqual([FILE]);
  });

  it('fills a deploy-time setting with the packaged value, still located at the variable', () => {
    const api = merged().functions.find((f) => f.name === 'api')!;
    expect(api.timeout).toMatchObject({ value: 25 });
    expect(pos(api.timeout!.loc)).toBe('26:14-26:39');
    expect(api.timeout!.loc.file).toBe(FILE);
  });

  it('never copies a secret the package output resolved into the function configuration', () => {
    const ingest = merged().functions.find((f) => f.name === 'ingest')!;
    const secret = ingest.environment.find((v) => v.name === 'DB_PASSWORD')!;
    expect(secret.value).toMatchObject({ kind: 'unknown', reason: 'deploy-time' });
  });

  it('takes the runtime the framework defaulted to, at the function key, and the handler of a variable', () => {
    const text = yml.replace('  runtime: nodejs20.x\n', '').replace('handler: src/api.handler', 'handler: ${ssm:/brand/handler}');
    const api = merged(text).functions.find((f) => f.name === 'api')!;
    expect(api.runtime).toMatchObject({ value: 'nodejs20.x' });
    expect(pos(api.runtime!.loc)).toBe('23:3-23:6');
    expect(api.handler).toMatchObject({ modulePath: '/project/src/api', exportName: 'handler' });
    expect(pos(api.handler!.loc)).toBe('24:14-24:35');
    expect(api.handlerUnknown).toBeUndefined();
  });

  it('fills every setting of a function whose definition is code', () => {
    const text = yml.replace(/ {2}api:\n(?: {4}.*\n)+/, "  api: ${file(./api.js)}\n").replace(/resources:[\s\S]*$/, '');
    const api = merged(text).functions.find((f) => f.name === 'api')!;
    expect([api.timeout?.value, api.memorySize?.value, api.runtime?.value]).toEqual([25, 1024, 'nodejs20.x']);
    expect(pos(api.timeout!.loc)).toBe('24:8-24:25');
  });
});

describe('package output on its own, with the service configuration for positions', () => {
  it('locates a generated function at its key and its settings where they are configured', () => {
    const m = standalone(true);
    const ingest = m.functions.find((f) => f.logicalId === 'IngestLambdaFunction')!;
    expect(ingest).toMatchObject({ name: 'ingest', platform: 'serverless', file: PKG });
    expect(ingest.loc).toEqual({ file: FILE, line: 15, column: 3, endLine: 15, endColumn: 9 });
    // memorySize set on the function, timeout inherited from the provider.
    expect(ingest.memorySize).toMatchObject({ value: 2048, loc: { file: FILE, line: 17, column: 17, endLine: 17, endColumn: 21 } });
    expect(ingest.timeout).toMatchObject({ value: 20, inheritedFrom: 'provider', loc: { file: FILE, line: 5, column: 12, endLine: 5, endColumn: 14 } });
    expect(ingest.runtime).toMatchObject({ value: 'nodejs20.x', inheritedFrom: 'provider', loc: { file: FILE, line: 4, column: 12 } });
    expect(ingest.handler).toEqual({ modulePath: '/project/src/ingest', exportName: 'handler', loc: { file: FILE, line: 16, column: 14, endLine: 16, endColumn: 32 } });
  });

  it("treats the framework's written defaults as unset when serverless.yml sets nothing", () => {
    const text = json.replace('"Timeout": 20', '"Timeout": 6');
    const model = emptyModel(ROOT);
    const config = parsedYml(yml.replace('  timeout: 20\n', ''));
    readServerlessPackage(parseSource(PKG, text, { format: 'json' }), model, { root: ROOT, readFile: () => undefined, env: {}, config });
    const ingest = model.functions.find((f) => f.name === 'ingest')!;
    expect(ingest.timeout).toBeUndefined();
    expect(ingest.memorySize?.value).toBe(2048);
  });

  it('keeps environment values as configured, names at their keys', () => {
    const ingest = standalone(true).functions.find((f) => f.name === 'ingest')!;
    expect(ingest.environment.map((v) => [v.name, pos(v.nameLoc), v.value.kind, v.inheritedFrom])).toEqual([
      ['TABLE', '7:5-7:10', 'scalar', 'provider'],
      ['DB_PASSWORD', '19:7-19:18', 'unknown', undefined],
    ]);
  });

  it('maps the role statements written in serverless.yml, the framework’s own to the role', () => {
    const m = standalone(true);
    const role = m.functions.find((f) => f.name === 'ingest')!.role!;
    expect(role.statements.map((s) => [s.actions.map((a) => a.value).join(','), pos(s.loc), s.loc.file === FILE])).toEqual([
      ['logs:CreateLogStream,logs:CreateLogGroup', '9:5-9:9', true],
      ['dynamodb:GetItem', '11:11-14:1', true],
      ['sqs:ReceiveMessage,sqs:DeleteMessage,sqs:GetQueueAttributes', '9:5-9:9', true],
    ]);
    expect(pos(role.statements[1]!.actions[0]!.loc)).toBe('12:19-12:35');
  });

  it('locates event resources at their event and copied resources where serverless.yml declares them', () => {
    const m = standalone(true);
    const ingest = m.functions.find((f) => f.name === 'ingest')!;
    const api = m.functions.find((f) => f.name === 'api')!;
    expect(ingest.events.map((t) => [t.type, pos(t.loc), t.loc.file === FILE])).toEqual([
      ['sqs', '21:9-21:12', true],
      ['schedule', '23:9-23:17', true],
    ]);
    expect(api.events.map((t) => [t.type, t.path?.value, pos(t.loc), t.loc.file === FILE])).toEqual([
      ['http', '/brands/{id}', '28:9-28:13', true],
      ['httpApi', '/orders', '29:9-29:16', true],
    ]);
    const queue = m.resources.find((r) => r.logicalId === 'Queue')!;
    expect(queue.loc).toEqual({ file: FILE, line: 32, column: 5, endLine: 32, endColumn: 10 });
    expect(pos(get(queue.properties, 'VisibilityTimeout')?.loc)).toBe('35:28-35:31');
    // An extension of a generated resource: the extended property at the extension.
    const logGroup = m.resources.find((r) => r.logicalId === 'IngestLogGroup')!;
    expect(pos(get(logGroup.properties, 'RetentionInDays')?.loc)).toBe('41:26-41:28');
    expect(get(logGroup.properties, 'RetentionInDays')?.loc.file).toBe(FILE);
    expect(pos(logGroup.loc)).toBe('39:5-39:19');
    expect(logGroup.loc.file).toBe(FILE);
  });

  it("does not lint the framework's own helper functions", () => {
    expect(standalone(true).functions.map((f) => f.logicalId)).toEqual(['IngestLambdaFunction', 'ApiLambdaFunction']);
    expect(standalone(false).functions.map((f) => f.logicalId)).toEqual(['IngestLambdaFunction', 'ApiLambdaFunction']);
  });
});

describe('package output without serverless.yml', () => {
  it('is CloudFormation located in the JSON, with handlers in the service', () => {
    const m = standalone(false);
    const ingest = m.functions.find((f) => f.logicalId === 'IngestLambdaFunction')!;
    expect(ingest).toMatchObject({ name: 'IngestLambdaFunction', platform: 'cloudformation' });
    expect(ingest.loc).toEqual({ file: PKG, line: lineOf('"IngestLambdaFunction": {'), column: 5, endLine: lineOf('"IngestLambdaFunction": {'), endColumn: 27 });
    expect(ingest.timeout).toMatchObject({ value: 20, loc: { file: PKG, line: lineOf('"Timeout": 20') } });
    expect(ingest.handler).toMatchObject({ modulePath: '/project/src/ingest', exportName: 'handler', optional: true });
    expect(m.documents.map((d) => [d.file, d.platform])).toEqual([[PKG, 'cloudformation']]);
  });
});

describe('robustness', () => {
  it('never throws on mutated package outputs, with or without serverless.yml', () => {
    const ids = Object.keys(packaged.Resources);
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.constantFrom('Properties', 'Type', ''), fc.jsonValue({ maxDepth: 3 }), fc.boolean(), (id, key, value, withConfig) => {
        const copy = JSON.parse(json) as { Resources: Record<string, Record<string, unknown>> };
        if (key === '') copy.Resources[id] = value as Record<string, unknown>;
        else copy.Resources[id]![key] = value;
        const text = JSON.stringify(copy, null, 2);
        const model = standalone(withConfig, text);
        for (const f of model.functions) expect(f.loc.line).toBeGreaterThan(0);
        const merged = emptyModel(ROOT);
        readServerless(parsedYml(), merged, { root: ROOT, readFile: () => undefined, env: {} });
        mergeServerlessPackage(parseSource(PKG, text, { format: 'json' }), merged, FILE);
        expect(merged.functions).toHaveLength(2);
      }),
      { numRuns: 100 },
    );
  });
});
