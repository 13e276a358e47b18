import { describe, expect, it } from 'vitest';
import { emptyModel, get, triggerInvocationMode, type Trigger } from '@lambda-lint/core';
import {
  apiGatewayMethodLogicalId,
  bucketLogicalId,
  httpApiRouteLogicalId,
  logGroupLogicalId,
  normalizeNameToAlphaNumericOnly,
  queueMappingLogicalId,
  readServerless,
  scheduleRuleLogicalId,
  streamMappingLogicalId,
  topicLogicalId,
} from './index.js';
import { FILE, plain, pos, ROOT, run } from './testing.js';

describe('generated logical ids', () => {
  it('follow the framework naming for event resources', () => {
    expect(normalizeNameToAlphaNumericOnly('brand-events.v2')).toBe('Brandeventsv2');
    expect(topicLogicalId('topicname')).toBe('SNSTopicTopicname');
    expect(topicLogicalId('brand-events')).toBe('SNSTopicBrandevents');
    expect(bucketLogicalId('bucketname')).toBe('S3BucketBucketname');
    expect(bucketLogicalId('brand.uploads-dev')).toBe('S3BucketBranduploadsdev');
    expect(logGroupLogicalId('brand-api')).toBe('BrandDashapiLogGroup');
    expect(queueMappingLogicalId('worker', 'brand-queue')).toBe('WorkerEventSourceMappingSQSBrandqueue');
    expect(streamMappingLogicalId('worker', 'dynamodb', 'Brands')).toBe('WorkerEventSourceMappingDynamodbBrands');
    expect(scheduleRuleLogicalId('my_fn', 2)).toBe('MyUnderscorefnEventsRuleSchedule2');
    expect(apiGatewayMethodLogicalId('/brands/{id}', 'get')).toBe('ApiGatewayMethodBrandsIdVarGet');
    expect(apiGatewayMethodLogicalId('/', 'POST')).toBe('ApiGatewayMethodPost');
    expect(apiGatewayMethodLogicalId('brand-items/{itemId}/sub', 'any')).toBe('ApiGatewayMethodBrandDashitemsItemidVarSubAny');
    expect(httpApiRouteLogicalId('GET /brands/{id}')).toBe('HttpApiRouteGetBrandsIdVar');
    expect(httpApiRouteLogicalId('*')).toBe('HttpApiRouteDefault');
  });
});

const brief = (t: Trigger) => ({ type: t.type, at: pos(t.loc), mode: triggerInvocationMode(t), ...(t.sourceLogicalId ? { source: t.sourceLogicalId } : {}) });

describe('events', () => {
  it('treats `http: { async: true }` as an asynchronous invocation', () => {
    const r = run(`functions:
  a:
    handler: h.main
    events:
      - http:
          path: /jobs
          method: post
          async: true
      - http: GET /jobs
`);
    expect(r.fn('a').events.map(brief)).toEqual([
      { type: 'http', at: '5:9-5:13', mode: 'async' },
      { type: 'http', at: '9:9-9:13', mode: 'sync' },
    ]);
  });

  it('names the topic and bucket the framework creates, so resources can configure them', () => {
    const r = run(`functions:
  a:
    handler: h.main
    events:
      - sns: brand-events
      - sns:
          topicName: brand-alerts
          displayName: Alerts
      - sns:
          arn: !Ref Existing
      - sns: arn:aws:sns:eu-west-1:123456789012:shared
      - s3: brand-uploads
      - s3:
          bucket: legacy
          existing: true
      - s3:
          bucket: \${ssm:/bucket}
resources:
  Resources:
    Existing:
      Type: AWS::SNS::Topic
    Shared:
      Type: AWS::SNS::Topic
      Properties:
        TopicName: shared
    Legacy:
      Type: AWS::S3::Bucket
      Properties:
        BucketName: legacy
`);
    expect(r.fn('a').events.map((t) => [t.type, t.sourceLogicalId])).toEqual([
      ['sns', 'SNSTopicBrandevents'],
      ['sns', 'SNSTopicBrandalerts'],
      ['sns', 'Existing'],
      ['sns', 'Shared'],
      ['s3', 'S3BucketBranduploads'],
      ['s3', 'Legacy'],
      ['s3', undefined],
    ]);
  });
});

describe('resources.extensions', () => {
  const yaml = `provider:
  name: aws
  timeout: 10
  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:GetObject
          Resource: '*'
functions:
  brand-api:
    handler: src/api.handler
    onError: arn:aws:sns:eu-west-1:1:dlq
resources:
  Resources:
    Queue:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 30
  extensions:
    BrandDashapiLambdaFunction:
      Properties:
        Timeout: 25
        TracingConfig:
          Mode: Active
        DeadLetterConfig:
          TargetArn: !GetAtt Queue.Arn
    IamRoleLambdaExecution:
      Properties:
        ManagedPolicyArns:
          - arn:aws:iam::aws:policy/AdministratorAccess
    Queue:
      Properties:
        VisibilityTimeout: 180
`;

  it('applies what rules see to the function, located in the extension', () => {
    const fn = run(yaml).fn('brand-api');
    expect(fn.timeout).toMatchObject({ value: 25 });
    expect(fn.timeout!.inheritedFrom).toBeUndefined();
    expect(pos(fn.timeout!.loc)).toBe('23:18-23:20');
    expect(fn.asyncFailureTargets.map((t) => [t.kind, pos(t.loc)])).toEqual([['dead-letter-queue', '27:22-27:39']]);
    // The rest of the extension is the function's resource, for rules that read other properties.
    expect(fn.resource).toMatchObject({ logicalId: 'BrandDashapiLambdaFunction', type: 'AWS::Lambda::Function', platform: 'serverless' });
    expect(pos(fn.resource!.loc)).toBe('21:5-21:31');
    expect(plain(get(fn.resource!.properties, 'TracingConfig'))).toEqual({ Mode: 'Active' });
  });

  it('replaces the generated role’s managed policies and merges into resources of `resources`', () => {
    const r = run(yaml);
    const role = r.fn('brand-api').role!;
    expect(role.statements.map((s) => s.actions.map((a) => a.value))).toEqual([['s3:GetObject']]);
    expect(role.managedPolicies.map((p) => [p.value, pos(p.loc)])).toEqual([['arn:aws:iam::aws:policy/AdministratorAccess', '31:13-31:56']]);
    const queue = r.model.resources.find((x) => x.logicalId === 'Queue')!;
    expect(get(queue.properties, 'VisibilityTimeout')).toMatchObject({ value: 180 });
    expect(pos(get(queue.properties, 'VisibilityTimeout')!.loc)).toBe('34:28-34:31');
  });

  it('treats a `Type`-less entry of Resources as an override of the generated resource', () => {
    const r = run(`functions:
  a:
    handler: h.main
resources:
  Resources:
    ALambdaFunction:
      Properties:
        MemorySize: 3008
`);
    expect(r.fn('a').memorySize).toMatchObject({ value: 3008 });
    expect(pos(r.fn('a').memorySize!.loc)).toBe('8:21-8:25');
    expect(r.model.resources).toEqual([]);
  });

  it('merges an entry of Resources with a Type into the generated function of that logical id, not a second function', () => {
    const r = run(`functions:
  a:
    handler: h.main
    timeout: 10
resources:
  Resources:
    ALambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        MemorySize: 3008
        TracingConfig:
          Mode: Active
    Other:
      Type: AWS::Lambda::Function
      Properties:
        Handler: index.handler
`);
    expect(r.model.functions.map((f) => [f.name, f.logicalId])).toEqual([
      ['a', 'ALambdaFunction'],
      ['Other', 'Other'],
    ]);
    const a = r.fn('a');
    expect([a.memorySize?.value, a.timeout?.value, a.tracing?.value]).toEqual([3008, 10, 'Active']);
    expect(pos(a.memorySize!.loc)).toBe('10:21-10:25');
    expect(a.resource?.type).toBe('AWS::Lambda::Function');
    expect(r.model.resources.map((x) => x.logicalId)).toEqual(['Other']);
  });
});

describe('settings that cannot be seen', () => {
  it('a definition from code leaves runtime, memory and timeout unknown rather than unset', () => {
    const r = run(`provider:\n  timeout: 10\nfunctions:\n  a: \${file(./a.js)}\n`);
    const a = r.fn('a');
    expect([a.timeout?.value, a.memorySize?.value, a.runtime?.value]).toEqual([undefined, undefined, undefined]);
    expect(a.timeout).toBeDefined();
    expect(pos(a.timeout!.loc)).toBe('4:6-4:21');
  });

  it('a provider from code leaves inherited settings unknown', () => {
    const r = run(`provider: \${file(./provider.js)}\nfunctions:\n  a:\n    handler: h.main\n    memorySize: 256\n`);
    const a = r.fn('a');
    expect(a.timeout).toMatchObject({ value: undefined, inheritedFrom: 'provider' });
    expect(a.memorySize).toMatchObject({ value: 256 });
  });
});

describe('plugin blocks survive variable resolution', () => {
  it('stepFunctions, custom.alerts, per-function statements and canary deploymentSettings', () => {
    const r = run(
      `service: brand
custom:
  stage: \${opt:stage, 'dev'}
  alarmTopic: brand-alarms-\${self:custom.stage}
  alerts:
    stages: ['\${self:custom.stage}']
    topics:
      alarm: \${self:custom.alarmTopic}
    definitions:
      functionErrors:
        threshold: \${self:custom.threshold, 1}
    alarms: [functionErrors, functionThrottles]
functions:
  ingest:
    handler: src/ingest.handler
    iamRoleStatements:
      - Effect: Allow
        Action: [sqs:SendMessage]
        Resource: arn:aws:sqs:\${aws:region}:\${aws:accountId}:brand-\${self:custom.stage}
    deploymentSettings:
      type: \${self:custom.deploy.\${self:custom.stage}, 'Canary10Percent5Minutes'}
      alias: Live
stepFunctions:
  stateMachines:
    ingestFlow:
      name: ingest-\${self:custom.stage}
      definition:
        StartAt: Ingest
        States:
          Ingest:
            Type: Task
            Resource:
              Fn::GetAtt: [ingest, Arn]
            End: true
`,
      {},
      { options: { stage: 'prod' } },
    );
    expect(plain(r.at('custom', 'alerts'))).toEqual({
      stages: ['prod'],
      topics: { alarm: 'brand-alarms-prod' },
      definitions: { functionErrors: { threshold: 1 } },
      alarms: ['functionErrors', 'functionThrottles'],
    });
    expect(plain(r.at('functions', 'ingest', 'deploymentSettings'))).toEqual({ type: 'Canary10Percent5Minutes', alias: 'Live' });
    expect(plain(r.at('stepFunctions', 'stateMachines', 'ingestFlow', 'name'))).toBe('ingest-prod');
    expect(plain(r.at('stepFunctions', 'stateMachines', 'ingestFlow', 'definition', 'States', 'Ingest'))).toEqual({
      Type: 'Task',
      Resource: { 'Fn::GetAtt': ['ingest', 'Arn'] },
      End: true,
    });
    expect(pos(r.at('stepFunctions', 'stateMachines', 'ingestFlow', 'definition', 'States', 'Ingest', 'Type')?.loc)).toBe('31:19-31:23');
    const role = r.fn('ingest').role!;
    expect(role.statements[0]!.resources.map((p) => p.value)).toEqual([undefined]);
    expect(role.statements[0]!.resources[0]!.node).toMatchObject({ kind: 'unknown', reason: 'deploy-time', text: 'arn:aws:sqs:us-east-1:${aws:accountId}:brand-prod' });
    expect(r.model.diagnostics).toEqual([]);
  });

  it('resolves ${opt:stage} without a value or default to the stage in effect', () => {
    const r = run(`provider:\n  stage: staging\ncustom:\n  a: \${opt:stage}\n  b: \${sls:stage}\n`);
    expect(plain(r.at('custom'))).toEqual({ a: 'staging', b: 'staging' });
    const d = run(`custom:\n  a: \${opt:stage}\n`);
    expect(plain(d.at('custom', 'a'))).toBe('dev');
  });
});

describe('serverless.ts', () => {
  it('reads a statically evaluated tree the same way, with positions in the .ts file', () => {
    // What @lambda-lint/handler's evaluateConfigModule produces for `export default { ... }`.
    const file = '/project/serverless.ts';
    const text = "export default {\n  functions: { a: { handler: 'src/a.handler', timeout: '${self:custom.t}' } },\n  custom: { t: 42 },\n};\n";
    const at = (line: number, column: number, endColumn: number) => ({ file, line, column, endLine: line, endColumn });
    const root = {
      kind: 'map' as const,
      loc: at(1, 16, 2),
      entries: [
        {
          key: 'functions',
          keyLoc: at(2, 3, 12),
          value: {
            kind: 'map' as const,
            loc: at(2, 14, 78),
            entries: [
              {
                key: 'a',
                keyLoc: at(2, 16, 17),
                value: {
                  kind: 'map' as const,
                  loc: at(2, 19, 76),
                  entries: [
                    { key: 'handler', keyLoc: at(2, 21, 28), value: { kind: 'scalar' as const, value: 'src/a.handler', loc: at(2, 30, 45) } },
                    { key: 'timeout', keyLoc: at(2, 47, 54), value: { kind: 'scalar' as const, value: '${self:custom.t}', loc: at(2, 56, 74) } },
                  ],
                },
              },
            ],
          },
        },
        { key: 'custom', keyLoc: at(3, 3, 9), value: { kind: 'map' as const, loc: at(3, 11, 20), entries: [{ key: 't', keyLoc: at(3, 13, 14), value: { kind: 'scalar' as const, value: 42, loc: at(3, 16, 18) } }] } },
      ],
    };
    const model = emptyModel(ROOT);
    readServerless({ file, text, root, diagnostics: [], lineStarts: [0, 17, 96, 116, 119] }, model, { root: ROOT, readFile: () => undefined, env: {} });
    const fn = model.functions[0]!;
    expect(fn).toMatchObject({ name: 'a', file, logicalId: 'ALambdaFunction' });
    expect(fn.timeout).toMatchObject({ value: 42, loc: at(2, 56, 74) });
    expect(fn.handler).toMatchObject({ modulePath: '/project/src/a', exportName: 'handler' });
    expect(FILE).not.toBe(file);
  });
});
