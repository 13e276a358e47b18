import { describe, expect, it } from 'vitest';
import { emptyModel, get, templateText, type AppModel } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate } from '@lambda-lint/cloudformation';
import { readSam, SAM_EVENT_TYPES, type ReadSamOptions } from './index.js';

function read(text: string, options?: ReadSamOptions): AppModel {
  const model = emptyModel('/p');
  readSam(parseSource('/p/template.yaml', text, { format: 'yaml' }), model, options);
  linkTemplate(model, '/p/template.yaml');
  return model;
}

const head = 'Transform: AWS::Serverless-2016-10-31\n';

describe('readSam', () => {
  it('merges Globals: scalars override, maps merge, lists append', () => {
    const m = read(
      head +
        'Globals:\n  Function:\n    Timeout: 10\n    MemorySize: 512\n    Environment:\n      Variables:\n        STAGE: prod\n        LOG_LEVEL: info\n    Layers: [arn:aws:lambda:eu-west-1:1:layer:a:1]\n' +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      MemorySize: 1024\n      Environment:\n        Variables:\n          LOG_LEVEL: debug\n          TABLE: t\n      Layers: [arn:aws:lambda:eu-west-1:1:layer:b:1]\n',
    );
    const f = m.functions[0]!;
    expect(f.timeout).toMatchObject({ value: 10, inheritedFrom: 'globals', loc: { line: 4 } });
    expect(f.memorySize).toMatchObject({ value: 1024, loc: { line: 17 } });
    expect(f.memorySize?.inheritedFrom).toBeUndefined();
    expect(f.environment.map((e) => [e.name, e.inheritedFrom])).toEqual([
      ['STAGE', 'globals'],
      ['LOG_LEVEL', undefined],
      ['TABLE', undefined],
    ]);
    expect(f.handler).toMatchObject({ modulePath: '/p/src/app', exportName: 'handler' });
  });

  it('marks Globals environment variables as inherited when the function has no Environment, or no Properties', () => {
    const m = read(
      head +
        'Globals:\n  Function:\n    Environment:\n      Variables:\n        STAGE: prod\n        TABLE: !Ref Table\n' +
        'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n  Bare:\n    Type: AWS::Serverless::Function\n',
    );
    expect(m.functions.map((f) => [f.name, f.environment.map((e) => [e.name, e.inheritedFrom, e.nameLoc.line])])).toEqual([
      ['Fn', [['STAGE', 'globals', 6], ['TABLE', 'globals', 7]]],
      ['Bare', [['STAGE', 'globals', 6], ['TABLE', 'globals', 7]]],
    ]);
  });

  it('treats an intrinsic function in Globals or the resource as one value, not a map to merge', () => {
    const m = read(
      head +
        'Parameters:\n  Mem:\n    Type: Number\n    Default: 256\n' +
        'Globals:\n  Function:\n    MemorySize: !Ref Mem\n    Timeout: !If [IsProd, 30, 10]\n' +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      MemorySize: !If [IsProd, 2048, 128]\n',
    );
    const f = m.functions[0]!;
    expect(f.memorySize?.alternatives?.map((a) => [a.value, a.loc.line, a.loc.column])).toEqual([
      [2048, 15, 32],
      [128, 15, 38],
    ]);
    expect(f.timeout).toMatchObject({ inheritedFrom: 'globals', value: undefined });
    expect(f.timeout?.alternatives?.map((a) => a.value)).toEqual([30, 10]);
  });

  it('reads events, DLQs and EventInvokeConfig', () => {
    const m = read(
      head +
        'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      DeadLetterQueue:\n        Type: SQS\n        TargetArn: !GetAtt Q.Arn\n      EventInvokeConfig:\n        DestinationConfig:\n          OnFailure:\n            Type: SQS\n            Destination: !GetAtt Q.Arn\n      Events:\n        Upload:\n          Type: S3\n          Properties:\n            Bucket: !Ref B\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Q.Arn\n        Get:\n          Type: Api\n          Properties:\n            Path: /brands/{id}\n            Method: get\n',
    );
    const f = m.functions[0]!;
    expect(f.events.map((e) => [e.type, e.loc.line, e.sourceLogicalId, e.path?.value])).toEqual([
      ['s3', 18, 'B', undefined],
      ['sqs', 22, 'Q', undefined],
      ['http', 26, undefined, '/brands/{id}'],
    ]);
    expect(f.asyncFailureTargets.map((t) => t.kind)).toEqual(['dead-letter-queue', 'event-invoke-config']);
  });

  it('knows every SAM event type and its properties', () => {
    expect(Object.keys(SAM_EVENT_TYPES).sort()).toEqual(
      [
        'AlexaSkill', 'Api', 'CloudWatchEvent', 'CloudWatchLogs', 'Cognito', 'DocumentDB', 'DynamoDB', 'EventBridgeRule', 'HttpApi', 'IoTRule',
        'Kinesis', 'MQ', 'MSK', 'S3', 'SNS', 'SQS', 'Schedule', 'ScheduleV2', 'SelfManagedKafka',
      ].sort(),
    );
    const event = (name: string, type: string, props: string) => `        ${name}:\n          Type: ${type}\n          Properties:\n${props}`;
    const m = read(
      head +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n' +
        event('Rule', 'EventBridgeRule', '            Pattern: { source: [app] }\n            DeadLetterConfig:\n              Type: SQS\n') + // 8
        event('Nightly', 'Schedule', '            Schedule: rate(1 day)\n            DeadLetterConfig:\n              Arn: !GetAtt Dlq.Arn\n') + // 14
        event('Cron', 'ScheduleV2', '            ScheduleExpression: rate(1 hour)\n') + // 20
        event('Legacy', 'CloudWatchEvent', '            Pattern: { source: [app] }\n') + // 24
        event('Table', 'DynamoDB', '            Stream: !GetAtt T.StreamArn\n            DestinationConfig:\n              OnFailure:\n                Destination: !GetAtt Dlq.Arn\n') + // 28
        event('Fanout', 'SNS', '            Topic: !Ref Topic\n            SqsSubscription: true\n') + // 35
        event('Notify', 'SNS', '            Topic: !Ref Topic\n') + // 40
        event('Kafka', 'MSK', '            Stream: !Ref Cluster\n            Topics: [t]\n') + // 44
        event('Docs', 'DocumentDB', '            Cluster: !Ref Docs\n') + // 49
        event('Logs', 'CloudWatchLogs', '            LogGroupName: !Ref Group\n            FilterPattern: ERROR\n') + // 53
        event('Iot', 'IoTRule', '            Sql: SELECT 1\n') + // 58
        event('Pool', 'Cognito', '            UserPool: !Ref Pool\n            Trigger: PreSignUp\n') + // 62
        event('Skill', 'AlexaSkill', '            SkillId: x\n') + // 67
        event('Broker', 'MQ', '            Broker: !GetAtt B.Arn\n            Queues: [q]\n') + // 71
        event('Self', 'SelfManagedKafka', '            Topics: [t]\n') + // 76
        event('Http', 'HttpApi', '            Path: /x\n            Method: post\n'), // 80
    );
    const f = m.functions[0]!;
    expect(f.events.map((e) => [e.type, e.loc.line, e.sourceLogicalId ?? null, e.targetDeadLetter?.line ?? null, e.onFailure?.line ?? null])).toEqual([
      ['eventbridge', 8, null, 13, null],
      ['schedule', 14, null, 19, null],
      ['schedule', 20, null, null, null],
      ['eventbridge', 24, null, null, null],
      ['dynamodbStream', 28, 'T', null, 34],
      ['sqs', 35, null, null, null],
      ['sns', 40, 'Topic', null, null],
      ['kafka', 44, 'Cluster', null, null],
      ['documentdb', 49, 'Docs', null, null],
      ['cloudwatchLogs', 53, 'Group', null, null],
      ['iot', 58, null, null, null],
      ['cognito', 62, 'Pool', null, null],
      ['alexa', 67, null, null, null],
      ['mq', 71, 'B', null, null],
      ['kafka', 76, null, null, null],
      ['httpApi', 80, null, null, null],
    ]);
  });

  it('expands policy templates into the statements they grant, keeping the template marker', () => {
    const m = read(
      head +
        'Parameters:\n  ParamName:\n    Type: String\n    Default: /app/config\n' +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Policies:\n' +
        '        - AWSLambdaBasicExecutionRole\n' + // 12
        '        - DynamoDBCrudPolicy:\n            TableName: !Ref Orders\n' + // 13
        '        - SSMParameterReadPolicy:\n            ParameterName: !Ref ParamName\n' + // 15
        "        - AWSSecretsManagerGetSecretValuePolicy:\n            SecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:db'\n" + // 17
        '        - CloudWatchPutMetricPolicy: {}\n' + // 19
        '        - SomeFuturePolicy: {}\n' + // 20
        '        - Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::b/*\n', // 21
    );
    const role = m.functions[0]!.role!;
    expect(role.managedPolicies.map((p) => [p.value, p.loc.line])).toEqual([
      ['AWSLambdaBasicExecutionRole', 12],
      ['template:DynamoDBCrudPolicy', 13],
      ['template:SSMParameterReadPolicy', 15],
      ['template:AWSSecretsManagerGetSecretValuePolicy', 17],
      ['template:CloudWatchPutMetricPolicy', 19],
      ['template:SomeFuturePolicy', 20],
    ]);
    const summary = role.statements.map((s) => [s.origin ?? 'inline', s.policyTemplate ?? null, s.actions.length, s.resources.map((r) => r.value ?? templateText(r.node))]);
    expect(summary).toEqual([
      [
        'policy-template',
        'DynamoDBCrudPolicy',
        10,
        [
          'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}',
          'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${Orders}/index/*',
        ],
      ],
      ['policy-template', 'SSMParameterReadPolicy', 1, ['*']],
      ['policy-template', 'SSMParameterReadPolicy', 3, ['arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter//app/config']],
      ['policy-template', 'AWSSecretsManagerGetSecretValuePolicy', 1, ['arn:aws:secretsmanager:eu-west-1:1:secret:db']],
      ['policy-template', 'CloudWatchPutMetricPolicy', 1, ['*']],
      ['inline', null, 1, ['arn:aws:s3:::b/*']],
    ]);
    const crud = role.statements[0]!;
    // Actions at the template's name, resources at the parameter they are built from.
    expect(crud.actions[0]).toMatchObject({ value: 'dynamodb:GetItem', loc: { line: 13, column: 11, endColumn: 29 } });
    expect(crud.resources[0]).toMatchObject({ value: undefined, loc: { line: 14, column: 24 } });
    expect(crud.effect.value).toBe('Allow');
    expect(role.statements[5]!.actions[0]).toMatchObject({ value: 's3:GetObject', loc: { line: 23, column: 23 } });
  });

  it('reads AutoPublishAlias and DeploymentPreference (also from Globals) and qualifies the events', () => {
    const m = read(
      head +
        'Globals:\n  Function:\n    AutoPublishAlias: live\n    DeploymentPreference:\n      Type: Linear10PercentEvery1Minute\n' +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n' +
        '      DeploymentPreference:\n        Alarms:\n          - !Ref ErrorsAlarm\n        Enabled: false\n' +
        '      Events:\n        Get:\n          Type: Api\n          Properties: { Path: /, Method: get }\n' +
        '  Plain:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      AutoPublishAlias: ""\n',
    );
    const [f, plain] = m.functions;
    expect(f!.alias).toMatchObject({ name: { value: 'live', inheritedFrom: 'globals' }, loc: { line: 4, column: 5, endColumn: 21 } });
    expect(f!.deployment).toMatchObject({
      type: { value: 'Linear10PercentEvery1Minute', inheritedFrom: 'globals' },
      strategy: 'linear',
      enabled: { value: false },
      loc: { line: 12, column: 7 },
    });
    expect(f!.deployment!.alarms.map((a) => [a.value, a.loc.line, a.loc.column])).toEqual([[undefined, 14, 13]]);
    expect(f!.events[0]!.qualifier).toEqual({ kind: 'alias', logicalId: 'FnAliaslive' });
    // Globals apply to every function; an explicit empty name is still an alias property as written.
    expect(plain!.alias?.name.value).toBe('');
  });

  it('reads explicit and implicit APIs with Globals.Api / Globals.HttpApi', () => {
    const m = read(
      head +
        'Globals:\n  Api:\n    TracingEnabled: true\n    MethodSettings:\n      - ResourcePath: /*\n        HttpMethod: "*"\n        ThrottlingRateLimit: 100\n' +
        '  HttpApi:\n    AccessLogSettings:\n      DestinationArn: arn:aws:logs:eu-west-1:1:log-group:http\n      Format: $context.requestId\n' +
        'Resources:\n' +
        '  Rest:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      TracingEnabled: false\n      AccessLogSetting:\n        DestinationArn: !GetAtt Logs.Arn\n        Format: \'{"id":"$context.requestId"}\'\n      Auth:\n        UsagePlan:\n          CreateUsagePlan: PER_API\n          Throttle:\n            BurstLimit: 5\n' +
        '  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Events:\n' +
        '        Explicit:\n          Type: Api\n          Properties: { Path: /a, Method: get, RestApiId: !Ref Rest }\n' +
        '        Implicit:\n          Type: Api\n          Properties: { Path: /b, Method: get }\n' +
        '        Implicit2:\n          Type: Api\n          Properties: { Path: /c, Method: get }\n' +
        '        Routes:\n          Type: HttpApi\n',
    );
    expect(m.apis.map((a) => [a.name, a.kind, a.implicit ?? false, a.loc.line, a.loc.column])).toEqual([
      ['Rest', 'rest', false, 14, 3],
      ['ServerlessRestApi', 'rest', true, 35, 9],
      ['ServerlessHttpApi', 'http', true, 41, 9],
    ]);
    const [rest, implicitRest, implicitHttp] = m.apis;
    expect(rest!.tracing).toMatchObject({ value: false, loc: { line: 18 } });
    expect(rest!.tracing!.inheritedFrom).toBeUndefined();
    expect(rest!.accessLog?.format?.value).toBe('{"id":"$context.requestId"}');
    expect(rest!.throttling.map((t) => [t.scope, t.burstLimit?.value, t.rateLimit?.value, t.loc.line])).toEqual([
      ['stage', undefined, 100, 6],
      ['usage-plan', 5, undefined, 26],
    ]);
    expect(implicitRest!.tracing).toMatchObject({ value: true, inheritedFrom: 'globals', loc: { line: 4 } });
    expect(implicitRest!.accessLog).toBeUndefined();
    expect(implicitRest!.throttling.map((t) => t.scope)).toEqual(['stage']);
    expect(implicitHttp!.accessLog?.format).toMatchObject({ value: '$context.requestId', inheritedFrom: 'globals', loc: { line: 12 } });
    expect(implicitHttp!.tracing).toBeUndefined();
  });

  it('reads AWS::Serverless::StateMachine definitions: inline, DefinitionUri inside the project only', () => {
    const files: Record<string, string> = {
      '/p/statemachine/flow.asl.yaml': 'StartAt: Work\nStates:\n  Work:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    End: true\n',
    };
    const asked: string[] = [];
    const options: ReadSamOptions = {
      root: '/p',
      readFile: (abs) => {
        asked.push(abs);
        return files[abs];
      },
    };
    const m = read(
      head +
        'Globals:\n  StateMachine:\n    Tracing:\n      Enabled: true\n' +
        'Resources:\n' +
        '  FromFile:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/flow.asl.yaml\n' +
        '  Inline:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      Tracing:\n        Enabled: false\n      Definition:\n        StartAt: A\n        States:\n          A: { Type: Pass, End: true }\n' +
        '  Outside:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ../secrets/flow.json\n',
      options,
    );
    expect(m.stateMachines.map((s) => [s.name, s.platform, s.loc.line, s.tracing?.value, s.tracing?.inheritedFrom ?? null, s.type?.value ?? null])).toEqual([
      ['FromFile', 'sam', 7, true, 'globals', null],
      ['Inline', 'sam', 11, false, null, 'EXPRESS'],
      ['Outside', 'sam', 21, true, 'globals', null],
    ]);
    const work = get(m.stateMachines[0]!.definition, 'States');
    expect(work?.kind === 'map' ? work.entries[0]!.keyLoc : undefined).toEqual({ file: '/p/statemachine/flow.asl.yaml', line: 3, column: 3, endLine: 3, endColumn: 7 });
    expect(get(m.stateMachines[1]!.definition, 'States', 'A', 'Type')).toMatchObject({ value: 'Pass', loc: { line: 20, column: 22 } });
    expect(m.stateMachines[2]!.definition).toBeUndefined();
    expect(asked).toEqual(['/p/statemachine/flow.asl.yaml']);
  });

  it('resolves environment values and keeps deploy-time ones unknown', () => {
    const m = read(
      head +
        'Parameters:\n  Stage:\n    Type: String\n    Default: prod\n' +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Environment:\n        Variables:\n' +
        "          TABLE: !Sub '${Stage}-orders'\n          DB_PASSWORD: '{{resolve:ssm-secure:/db/password}}'\n          MODE: !If [IsProd, live, test]\n",
    );
    const env = m.functions[0]!.environment;
    expect(env.map((e) => [e.name, e.value.kind, e.value.kind === 'scalar' ? e.value.value : e.value.kind === 'unknown' ? e.value.text : null])).toEqual([
      ['TABLE', 'scalar', 'prod-orders'],
      ['DB_PASSWORD', 'unknown', '{{resolve:ssm-secure:/db/password}}'],
      ['MODE', 'map', null],
    ]);
    expect(env[2]!.alternatives?.map((a) => (a.kind === 'scalar' ? a.value : null))).toEqual(['live', 'test']);
  });

  it('uses the esbuild entry point for the handler source', () => {
    const m = read(
      head +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ./\n      Handler: app.handler\n    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        EntryPoints:\n          - src/app.ts\n',
    );
    expect(m.functions[0]!.handler).toMatchObject({ modulePath: '/p/src/app', extension: '.ts', exportName: 'handler' });
  });
});
