import { describe, expect, it } from 'vitest';
import { emptyModel, type AppModel } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate, readCloudFormation } from './index.js';

function read(text: string, file = '/p/template.yaml'): AppModel {
  const model = emptyModel('/p');
  readCloudFormation(parseSource(file, text, { format: file.endsWith('.json') ? 'json' : 'yaml' }), model);
  linkTemplate(model, file);
  return model;
}

const header = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n";

describe('API Gateway stages', () => {
  it('reads REST stages: tracing, access logs, MethodSettings throttling and usage plans', () => {
    const m = read(
      header +
        `  Rest:
    Type: AWS::ApiGateway::RestApi
  Prod:
    Type: AWS::ApiGateway::Stage
    Properties:
      RestApiId: !Ref Rest
      StageName: prod
      TracingEnabled: true
      AccessLogSetting:
        DestinationArn: !GetAtt Logs.Arn
        Format: '{"requestId":"$context.requestId"}'
      MethodSettings:
        - ResourcePath: /*
          HttpMethod: '*'
          ThrottlingBurstLimit: 100
          ThrottlingRateLimit: 50
        - ResourcePath: /~1brands
          HttpMethod: GET
          LoggingLevel: INFO
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages:
        - ApiId: !Ref Rest
          Stage: !Ref Prod
      Throttle:
        BurstLimit: 10
        RateLimit: 5
`,
    );
    expect(m.apis).toHaveLength(1);
    const s = m.apis[0]!;
    expect(s).toMatchObject({ kind: 'rest', name: 'Prod', apiLogicalId: 'Rest', loc: { line: 5, column: 3, endColumn: 7 } });
    expect(s.stageName?.value).toBe('prod');
    expect(s.tracing).toMatchObject({ value: true, loc: { line: 10, column: 23 } });
    expect(s.accessLog).toMatchObject({
      loc: { line: 12, column: 9 },
      destination: { value: undefined, loc: { line: 12, column: 25 } },
      format: { value: '{"requestId":"$context.requestId"}', loc: { line: 13, column: 17 } },
    });
    expect(s.throttling.map((t) => [t.scope, t.burstLimit?.value, t.rateLimit?.value, t.loc.line])).toEqual([
      ['stage', 100, 50, 15],
      ['usage-plan', 10, 5, 29],
    ]);
  });

  it('reads a Deployment that creates its stage (StageDescription), as sls package writes it', () => {
    const m = read(
      header +
        `  Deploy:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Rest
      StageName: dev
      StageDescription:
        ThrottlingBurstLimit: 20
  Bare:
    Type: AWS::ApiGateway::Deployment
    Properties:
      RestApiId: !Ref Rest
`,
    );
    expect(m.apis.map((a) => [a.name, a.stageName?.value, a.tracing, a.accessLog, a.throttling.map((t) => t.burstLimit?.value)])).toEqual([
      ['Deploy', 'dev', undefined, undefined, [20]],
    ]);
  });

  it('tells HTTP from WebSocket stages by the API protocol and reads route settings', () => {
    const m = read(
      header +
        `  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
  Ws:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: WEBSOCKET
  HttpStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Http
      StageName: $default
      AccessLogSettings:
        DestinationArn: arn:aws:logs:eu-west-1:1:log-group:api
        Format: $context.requestId
      DefaultRouteSettings:
        ThrottlingRateLimit: 100
  WsStage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Ws
      StageName: prod
      RouteSettings:
        $connect:
          ThrottlingBurstLimit: 5
`,
    );
    expect(m.apis.map((a) => [a.name, a.kind, a.accessLog?.format?.value, a.throttling.map((t) => [t.scope, t.loc.line])])).toEqual([
      ['HttpStage', 'http', '$context.requestId', [['stage', 20]]],
      ['WsStage', 'websocket', undefined, [['route', 28]]],
    ]);
  });
});

describe('aliases and gradual deployment', () => {
  const fn = '  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: app.handler\n';
  it('links AWS::Lambda::Alias and its CodeDeploy deployment group to the function', () => {
    const m = read(
      header +
        fn +
        `  Version:
    Type: AWS::Lambda::Version
    Properties:
      FunctionName: !Ref Fn
  Live:
    Type: AWS::Lambda::Alias
    UpdatePolicy:
      CodeDeployLambdaAliasUpdate:
        ApplicationName: !Ref App
        DeploymentGroupName: !Ref Group
    Properties:
      FunctionName: !Ref Fn
      FunctionVersion: !GetAtt Version.Version
      Name: live
  Group:
    Type: AWS::CodeDeploy::DeploymentGroup
    Properties:
      DeploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes
      AlarmConfiguration:
        Enabled: true
        Alarms:
          - Name: !Ref ErrorsAlarm
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Live
      Principal: sns.amazonaws.com
  Direct:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !GetAtt Fn.Arn
      Principal: s3.amazonaws.com
  Rule:
    Type: AWS::Events::Rule
    Properties:
      Targets:
        - Id: t
          Arn: !Sub '\${Fn.Arn}:live'
`,
    );
    const f = m.functions[0]!;
    expect(f.alias).toMatchObject({ name: { value: 'live', loc: { line: 20, column: 13 } }, loc: { line: 11, column: 3, endColumn: 7 } });
    expect(f.alias?.resource?.logicalId).toBe('Live');
    expect(f.deployment).toMatchObject({
      type: { value: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' },
      strategy: 'canary',
      loc: { line: 21, column: 3, endColumn: 8 },
    });
    expect(f.deployment!.alarms.map((a) => [a.value, a.loc.line, a.loc.column])).toEqual([[undefined, 28, 19]]);
    expect(f.events.map((e) => [e.type, e.qualifier])).toEqual([
      ['sns', { kind: 'alias', logicalId: 'Live' }],
      ['s3', undefined],
      ['eventbridge', { kind: 'alias' }],
    ]);
  });

  it('records an alias without deployment group, and none when there is no alias', () => {
    const m = read(header + fn + '  Live:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref Fn\n      FunctionVersion: "1"\n      Name: !Ref AliasName\n');
    expect(m.functions[0]!.alias).toMatchObject({ name: { value: undefined }, loc: { line: 7 } });
    expect(m.functions[0]!.deployment).toBeUndefined();
    expect(read(header + fn).functions[0]!.alias).toBeUndefined();
  });
});
