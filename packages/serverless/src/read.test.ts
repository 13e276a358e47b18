import { describe, expect, it } from 'vitest';
import { emptyModel, type Trigger } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { normalizeNameToLogicalId, readServerless, serverlessLogicalId } from './index.js';
import { FILE, plain, pos, run } from './testing.js';

const brief = (t: Trigger) => ({
  type: t.type,
  at: pos(t.loc),
  ...(t.path ? { path: t.path.value } : {}),
  ...(t.method ? { method: t.method.value } : {}),
  ...(t.sourceLogicalId ? { source: t.sourceLogicalId } : {}),
  ...(t.onFailure ? { onFailure: pos(t.onFailure) } : {}),
});

describe('naming', () => {
  it('follows the framework logical id naming', () => {
    expect(serverlessLogicalId('brand-api')).toBe('BrandDashapiLambdaFunction');
    expect(serverlessLogicalId('my_fn')).toBe('MyUnderscorefnLambdaFunction');
    expect(serverlessLogicalId('ingest')).toBe('IngestLambdaFunction');
    expect(normalizeNameToLogicalId('a-b_c')).toBe('ADashbUnderscorec');
  });
});

describe('functions', () => {
  const yaml = `service: brand
provider:
  name: aws
  runtime: nodejs20.x
  memorySize: 512
  environment:
    TABLE: brand-table
    LOG_LEVEL: info
functions:
  brand-api:
    handler: src/brand/handler.main
    timeout: 10
    environment:
      LOG_LEVEL: debug
      EXTRA: x
  worker:
    handler: src/worker.handler
    runtime: nodejs22.x
    memorySize: 2048
`;

  it('creates one function per entry, located at its key, with generated logical ids', () => {
    const r = run(yaml);
    expect(r.model.functions.map((f) => [f.id, f.name, f.logicalId, f.platform, pos(f.loc)])).toEqual([
      [`${FILE}#brand-api`, 'brand-api', 'BrandDashapiLambdaFunction', 'serverless', '10:3-10:12'],
      [`${FILE}#worker`, 'worker', 'WorkerLambdaFunction', 'serverless', '16:3-16:9'],
    ]);
    expect(r.fn('brand-api').handler).toEqual({
      modulePath: '/project/src/brand/handler',
      exportName: 'main',
      loc: { file: FILE, line: 11, column: 14, endLine: 11, endColumn: 36 },
    });
    expect(r.model.documents).toEqual([{ file: FILE, platform: 'serverless', root: r.doc }]);
  });

  it('inherits runtime, memory and timeout from the provider, marked as inherited', () => {
    const r = run(yaml);
    const api = r.fn('brand-api');
    expect(api.runtime).toMatchObject({ value: 'nodejs20.x', inheritedFrom: 'provider' });
    expect(pos(api.runtime!.loc)).toBe('4:12-4:22');
    expect(api.memorySize).toMatchObject({ value: 512, inheritedFrom: 'provider' });
    expect(api.timeout).toMatchObject({ value: 10 });
    expect(api.timeout!.inheritedFrom).toBeUndefined();
    expect(pos(api.timeout!.loc)).toBe('12:14-12:16');
    const worker = r.fn('worker');
    expect(worker.runtime).toMatchObject({ value: 'nodejs22.x' });
    expect(worker.runtime!.inheritedFrom).toBeUndefined();
    expect(worker.memorySize!.value).toBe(2048);
    // Neither sets a timeout: the rules apply the framework default.
    expect(worker.timeout).toBeUndefined();
  });

  it('leaves unset settings undefined and unknowable ones without a value', () => {
    const r = run(`functions:\n  a:\n    handler: h.main\n    memorySize: \${ssm:/mem}\n`);
    expect(r.fn('a').runtime).toBeUndefined();
    expect(r.fn('a').timeout).toBeUndefined();
    expect(r.fn('a').memorySize).toMatchObject({ value: undefined, node: { kind: 'unknown', reason: 'deploy-time' } });
    expect(pos(r.fn('a').memorySize!.loc)).toBe('4:17-4:28');
  });

  it('merges provider environment with the function environment, the function winning', () => {
    const env = run(yaml).fn('brand-api').environment;
    expect(env.map((v) => [v.name, plain(v.value), v.inheritedFrom, pos(v.nameLoc)])).toEqual([
      ['TABLE', 'brand-table', 'provider', '7:5-7:10'],
      ['LOG_LEVEL', 'debug', undefined, '14:7-14:16'],
      ['EXTRA', 'x', undefined, '15:7-15:12'],
    ]);
    expect(run(yaml).fn('worker').environment.map((v) => v.name)).toEqual(['TABLE', 'LOG_LEVEL']);
  });

  it('resolves handler paths from the directory of serverless.yml', () => {
    const r = run(`functions:\n  a:\n    handler: handlers/a.run\n`, {}, {}, '/project/services/api/serverless.yml');
    expect(r.fn('a').handler?.modulePath).toBe('/project/services/api/handlers/a');
    expect(r.fn('a').handler?.exportName).toBe('run');
  });

  it('marks a handler that cannot be turned into a module as unknown', () => {
    const r = run(`functions:
  a:
    handler: \${env:NOPE}
  b:
    handler: nodot
  c:
    handler: ../../outside/h.main
  d:
    handler: \${self:custom.h}
custom:
  h: src/d.handler
`);
    expect(r.fn('a').handler).toBeUndefined();
    expect(pos(r.fn('a').handlerUnknown)).toBe('3:14-3:25');
    expect(pos(r.fn('b').handlerUnknown)).toBe('5:14-5:19');
    // Outside the root: kept as a reference so the linter can say so (it never reads it).
    expect(r.fn('c').handler).toMatchObject({ modulePath: '/outside/h', exportName: 'main' });
    expect(r.fn('c').handlerUnknown).toBeUndefined();
    expect(r.fn('d').handler).toMatchObject({ modulePath: '/project/src/d', exportName: 'handler' });
    expect(pos(r.fn('d').handler!.loc)).toBe('9:14-9:30');
  });

  it('gives no handler to image, prebuilt artifact and non-Node functions', () => {
    const r = run(`functions:
  img:
    image: 123.dkr.ecr.us-east-1.amazonaws.com/app@sha256:abc
  art:
    handler: index.main
    package:
      artifact: dist/app.zip
  py:
    handler: app.main
    runtime: python3.12
`);
    for (const name of ['img', 'art', 'py']) {
      expect(r.fn(name).handler).toBeUndefined();
      expect(r.fn(name).handlerUnknown).toBeUndefined();
    }
    const service = run(`package:\n  artifact: dist/app.zip\nfunctions:\n  a:\n    handler: index.main\n`);
    expect(service.fn('a').handler).toBeUndefined();
  });

  it('reads functions from included files and from a list of maps', () => {
    const r = run(`functions:\n  - \${file(./fns.yml)}\n  - c:\n      handler: c.main\n`, { '/project/fns.yml': 'a:\n  handler: a.main\nb:\n  handler: b.main\n' });
    expect(r.model.functions.map((f) => f.name)).toEqual(['a', 'b', 'c']);
    expect(r.fn('a').loc).toMatchObject({ file: '/project/fns.yml', line: 1, column: 1 });
    expect(r.fn('a').handler?.loc.file).toBe('/project/fns.yml');
  });

  it('keeps a function whose definition is unknown, with its handler unknown', () => {
    const r = run(`functions:\n  a: \${file(./a.js)}\n`);
    expect(r.fn('a').handlerUnknown).toBeDefined();
    expect(r.fn('a').role).toBeUndefined();
  });
});

describe('vpc', () => {
  const yaml = `provider:
  vpc:
    securityGroupIds: [sg-1]
    subnetIds: [subnet-1]
functions:
  inherits:
    handler: a.main
  own:
    handler: b.main
    vpc:
      securityGroupIds: [sg-2]
      subnetIds: [subnet-2]
  optOut:
    handler: c.main
    vpc: ~
  emptied:
    handler: d.main
    vpc:
      securityGroupIds: []
      subnetIds: []
`;
  it('follows the provider vpc unless the function sets or clears its own', () => {
    const r = run(yaml);
    expect(r.fn('inherits').vpc).toMatchObject({ inheritedFrom: 'provider' });
    expect(pos(r.fn('inherits').vpc!.loc)).toBe('3:5-5:1');
    expect(plain(r.fn('inherits').vpc!.node)).toEqual({ securityGroupIds: ['sg-1'], subnetIds: ['subnet-1'] });
    expect(r.fn('own').vpc!.inheritedFrom).toBeUndefined();
    expect(plain(r.fn('own').vpc!.node)).toEqual({ securityGroupIds: ['sg-2'], subnetIds: ['subnet-2'] });
    expect(r.fn('optOut').vpc).toBeUndefined();
    expect(r.fn('emptied').vpc).toBeUndefined();
    expect(run(`functions:\n  a:\n    handler: a.main\n`).fn('a').vpc).toBeUndefined();
  });
});

describe('events', () => {
  it('reads HTTP, HTTP API, WebSocket and ALB routes', () => {
    const r = run(`functions:
  api:
    handler: h.main
    events:
      - http: GET /brands
      - http:
          path: /brands/{id}
          method: post
      - httpApi: 'PUT /items'
      - httpApi:
          method: DELETE
          path: /items/{id}
      - httpApi: '*'
      - websocket: $connect
      - websocket:
          route: sendMessage
      - alb:
          listenerArn: arn:aws:elasticloadbalancing:xx
          priority: 1
          conditions:
            path: /alb
            method: [GET, POST]
`);
    expect(r.fn('api').events.map(brief)).toEqual([
      { type: 'http', at: '5:9-5:13', method: 'GET', path: '/brands' },
      { type: 'http', at: '6:9-6:13', method: 'post', path: '/brands/{id}' },
      { type: 'httpApi', at: '9:9-9:16', method: 'PUT', path: '/items' },
      { type: 'httpApi', at: '10:9-10:16', method: 'DELETE', path: '/items/{id}' },
      { type: 'httpApi', at: '13:9-13:16', method: '*', path: '*' },
      { type: 'websocket', at: '14:9-14:18', path: '$connect' },
      { type: 'websocket', at: '15:9-15:18', path: 'sendMessage' },
      { type: 'alb', at: '17:9-17:12', method: 'GET', path: '/alb' },
    ]);
    const [short, long, quoted] = r.fn('api').events;
    // The shorthand's method and path point at their own words.
    expect(pos(short!.method!.loc)).toBe('5:15-5:18');
    expect(pos(short!.path!.loc)).toBe('5:19-5:26');
    expect(pos(long!.path!.loc)).toBe('7:17-7:29');
    expect(pos(quoted!.method!.loc)).toBe('9:19-9:22');
    expect(pos(quoted!.path!.loc)).toBe('9:23-9:29');
    expect(plain(long!.node)).toEqual({ path: '/brands/{id}', method: 'post' });
  });

  it('maps every asynchronous and other event type', () => {
    const r = run(`functions:
  f:
    handler: h.main
    events:
      - s3: photos
      - sns: topic
      - eventBridge:
          pattern: { source: [app] }
      - schedule: rate(5 minutes)
      - cloudwatchEvent:
          event: { source: [aws.ec2] }
      - cloudwatchLog: /aws/lambda/x
      - iot:
          sql: "SELECT * FROM 'x'"
      - alexaSkill: amzn1.ask.skill.xx
      - alexaSmartHome: amzn1.ask.skill.yy
      - cognitoUserPool:
          pool: users
          trigger: PreSignUp
      - msk:
          arn: arn:aws:kafka:xx
          topic: t
      - kafka:
          topic: t
      - activemq:
          arn: arn:aws:mq:xx
      - rabbitmq:
          arn: arn:aws:mq:yy
      - cloudFront:
          eventType: viewer-request
`);
    expect(r.fn('f').events.map((t) => t.type)).toEqual([
      's3', 'sns', 'eventbridge', 'schedule', 'eventbridge', 'cloudwatchLogs', 'iot', 'alexa', 'alexa', 'cognito',
      'kafka', 'kafka', 'mq', 'mq', 'cloudfront',
    ]);
    expect(pos(r.fn('f').events[0]!.loc)).toBe('5:9-5:11');
  });

  it('links SQS triggers to queues by GetAtt, Ref, resolved references and literal ARNs', () => {
    const r = run(`service: brand
functions:
  f:
    handler: h.main
    events:
      - sqs:
          arn: !GetAtt Jobs.Arn
          batchSize: 10
      - sqs: { "Fn::GetAtt": [Other, Arn] }
      - sqs:
          arn: \${self:resources.Outputs.JobsArn.Value}
      - sqs: arn:aws:sqs:us-east-1:123456789012:brand-named
      - sqs: arn:aws:sqs:us-east-1:123456789012:external
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
    Other:
      Type: AWS::SQS::Queue
    Named:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: \${self:service}-named
  Outputs:
    JobsArn:
      Value: !GetAtt Jobs.Arn
`);
    expect(r.fn('f').events.map((t) => [t.type, t.sourceLogicalId])).toEqual([
      ['sqs', 'Jobs'],
      ['sqs', 'Other'],
      ['sqs', 'Jobs'],
      ['sqs', 'Named'],
      ['sqs', undefined],
    ]);
    expect(plain(r.fn('f').events[0]!.node)).toMatchObject({ batchSize: 10 });
  });

  it('types streams from type, ARN or the referenced resource, with on-failure destinations', () => {
    const r = run(`functions:
  f:
    handler: h.main
    events:
      - stream:
          type: dynamodb
          arn: \${ssm:/stream-arn}
      - stream: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
      - stream:
          arn: arn:aws:dynamodb:us-east-1:123456789012:table/Brands/stream/2024-01-01T00:00:00.000
          destinations:
            onFailure: arn:aws:sqs:us-east-1:123456789012:dlq
      - stream:
          arn: !GetAtt Table.StreamArn
      - stream:
          arn: !GetAtt Clicks.Arn
      - stream:
          arn: !GetAtt Table.StreamArn
          type: dynamodb
          destinations:
            onFailure:
              type: sqs
              arn: !GetAtt Dlq.Arn
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: Brands
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        Name: clicks
    Dlq:
      Type: AWS::SQS::Queue
`);
    expect(r.fn('f').events.map(brief)).toEqual([
      { type: 'dynamodbStream', at: '5:9-5:15' },
      { type: 'kinesis', at: '8:9-8:15', source: 'Clicks' },
      { type: 'dynamodbStream', at: '9:9-9:15', source: 'Table', onFailure: '12:24-12:62' },
      { type: 'dynamodbStream', at: '13:9-13:15', source: 'Table' },
      { type: 'kinesis', at: '15:9-15:15', source: 'Clicks' },
      { type: 'dynamodbStream', at: '17:9-17:15', source: 'Table', onFailure: '22:15-24:1' },
    ]);
  });

  it('adds a function URL trigger at the url key', () => {
    const r = run(`functions:
  a:
    handler: a.main
    url: true
  b:
    handler: b.main
    url:
      authorizer: aws_iam
  c:
    handler: c.main
    url: false
`);
    expect(r.fn('a').events.map(brief)).toEqual([{ type: 'functionUrl', at: '4:5-4:8' }]);
    expect(r.fn('b').events.map(brief)).toEqual([{ type: 'functionUrl', at: '7:5-7:8' }]);
    expect(plain(r.fn('b').events[0]!.node)).toEqual({ authorizer: 'aws_iam' });
    expect(r.fn('c').events).toEqual([]);
  });

  it('records onError and destinations.onFailure as asynchronous failure targets', () => {
    const r = run(`functions:
  a:
    handler: a.main
    onError: arn:aws:sns:us-east-1:123456789012:dlq
  b:
    handler: b.main
    destinations:
      onSuccess: arn:aws:sqs:us-east-1:123456789012:ok
      onFailure: arn:aws:sqs:us-east-1:123456789012:failed
  c:
    handler: c.main
`);
    expect(r.fn('a').asyncFailureTargets.map((t) => [t.kind, pos(t.loc)])).toEqual([['dead-letter-queue', '4:14-4:52']]);
    expect(r.fn('b').asyncFailureTargets.map((t) => [t.kind, pos(t.loc)])).toEqual([['on-failure-destination', '9:18-9:59']]);
    expect(r.fn('c').asyncFailureTargets).toEqual([]);
  });
});

describe('IAM', () => {
  it('builds one provider role from iam.role (v3), shared by the functions without their own', () => {
    const r = run(`provider:
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:GetItem, dynamodb:PutItem]
          Resource: !GetAtt Table.Arn
      managedPolicies:
        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
        - !Join ['', ['arn:', !Ref AWS::Partition, ':iam::aws:policy/AdministratorAccess']]
functions:
  a:
    handler: a.main
  b:
    handler: b.main
`);
    const role = r.fn('a').role!;
    expect(role).toBe(r.fn('b').role);
    expect(role.id).toBe(`${FILE}#IamRoleLambdaExecution`);
    expect(pos(role.loc)).toBe('3:5-3:9');
    expect(role.statements).toHaveLength(1);
    expect(role.statements[0]!.actions.map((a) => a.value)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem']);
    expect(pos(role.statements[0]!.actions[0]!.loc)).toBe('6:20-6:36');
    expect(role.managedPolicies.map((p) => p.value)).toEqual([
      'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(r.model.roles.filter((x) => x.id === role.id)).toHaveLength(1);
  });

  it('reads the legacy iamRoleStatements and iamManagedPolicies', () => {
    const r = run(`provider:
  iamRoleStatements:
    - Effect: Allow
      Action: s3:GetObject
      Resource: arn:aws:s3:::bucket/*
  iamManagedPolicies:
    - arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy
functions:
  a:
    handler: a.main
`);
    const role = r.fn('a').role!;
    expect(pos(role.loc)).toBe('2:3-2:20');
    expect(role.statements[0]!.actions.map((a) => a.value)).toEqual(['s3:GetObject']);
    expect(role.statements[0]!.resources.map((a) => a.value)).toEqual(['arn:aws:s3:::bucket/*']);
    expect(role.managedPolicies.map((p) => p.value)).toEqual(['arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy']);
  });

  it('gives a function with iamRoleStatements its own role, inheriting provider statements when configured', () => {
    const yaml = (inherit: string) => `provider:
  iam:
    role:
      statements:
        - Effect: Allow
          Action: xray:PutTraceSegments
          Resource: '*'
custom:
  serverless-iam-roles-per-function:
    defaultInherit: ${inherit}
functions:
  own-role:
    handler: a.main
    iamRoleStatements:
      - Effect: Allow
        Action: sqs:SendMessage
        Resource: !GetAtt Queue.Arn
  noInherit:
    handler: b.main
    iamRoleStatementsInherit: false
    iamRoleStatements:
      - Effect: Allow
        Action: sns:Publish
        Resource: '*'
  shared:
    handler: c.main
`;
    const r = run(yaml('true'));
    const own = r.fn('own-role').role!;
    expect(own.id).toBe(`${FILE}#OwnDashroleIamRoleLambdaExecution`);
    expect(pos(own.loc)).toBe('14:5-14:22');
    expect(own.statements.map((s) => s.actions[0]!.value)).toEqual(['xray:PutTraceSegments', 'sqs:SendMessage']);
    expect(r.fn('noInherit').role!.statements.map((s) => s.actions[0]!.value)).toEqual(['sns:Publish']);
    expect(r.fn('shared').role!.id).toBe(`${FILE}#IamRoleLambdaExecution`);
    expect(r.model.roles.map((x) => x.id.split('#')[1])).toEqual([
      'OwnDashroleIamRoleLambdaExecution',
      'NoInheritIamRoleLambdaExecution',
      'IamRoleLambdaExecution',
    ]);
    const noDefault = run(yaml('false'));
    expect(noDefault.fn('own-role').role!.statements.map((s) => s.actions[0]!.value)).toEqual(['sqs:SendMessage']);
  });

  it('links roles named by the function or the provider to AWS::IAM::Role resources', () => {
    const r = run(`provider:
  iam:
    role: ProviderRole
functions:
  a:
    handler: a.main
    role: FnRole
  b:
    handler: b.main
  c:
    handler: c.main
    role: !GetAtt FnRole.Arn
  d:
    handler: d.main
    role: arn:aws:iam::123456789012:role/external
resources:
  Resources:
    FnRole:
      Type: AWS::IAM::Role
      Properties:
        Policies:
          - PolicyName: p
            PolicyDocument:
              Statement:
                - Effect: Allow
                  Action: s3:*
                  Resource: '*'
    ProviderRole:
      Type: AWS::IAM::Role
`);
    expect(r.fn('a').role?.id).toBe(`${FILE}#FnRole`);
    expect(r.fn('a').role?.statements[0]!.actions[0]!.value).toBe('s3:*');
    expect(r.fn('b').role?.id).toBe(`${FILE}#ProviderRole`);
    expect(r.fn('c').role?.id).toBe(`${FILE}#FnRole`);
    expect(r.fn('d').role).toBeUndefined();
    // No generated role when no function uses it.
    expect(r.model.roles.map((x) => x.id.split('#')[1])).toEqual(['FnRole', 'ProviderRole']);
  });
});

describe('resources', () => {
  it('reads resources, merging a list of included files, and ignores Outputs', () => {
    const r = run(
      `service: brand
resources:
  - \${file(./resources/queues.yml)}
  - Resources:
      Table:
        Type: AWS::DynamoDB::Table
        Properties:
          TableName: \${self:service}-table
    Outputs:
      TableName:
        Value: !Ref Table
`,
      { '/project/resources/queues.yml': 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 60\n' },
    );
    expect(r.model.resources.map((x) => [x.logicalId, x.type, x.platform, x.file, x.loc.file, x.loc.line])).toEqual([
      ['Queue', 'AWS::SQS::Queue', 'serverless', FILE, '/project/resources/queues.yml', 2],
      ['Table', 'AWS::DynamoDB::Table', 'serverless', FILE, FILE, 5],
    ]);
    expect(plain(r.model.resources[1]!.properties)).toEqual({ TableName: 'brand-table' });
  });

  it('stores the resolved document for the rules that read it directly', () => {
    const r = run(`provider:\n  tracing:\n    lambda: \${self:custom.trace}\n  logRetentionInDays: 14\ncustom:\n  trace: true\n`);
    expect(plain(r.at('provider'))).toEqual({ tracing: { lambda: true }, logRetentionInDays: 14 });
  });

  it('does nothing for a file that could not be parsed', () => {
    const parsed = parseSource(FILE, 'a: [\n', { format: 'yaml' });
    const model = emptyModel('/project');
    readServerless(parsed, model, { root: '/project', readFile: () => undefined, env: {} });
    expect(model.documents).toEqual([]);
    expect(model.functions).toEqual([]);
  });
});
