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
const fn = (id: string, extra = '') =>
  `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: src/app.handler\n      Code: ./\n      MemorySize: 256\n      Timeout: 10\n${extra}`;

describe('readCloudFormation', () => {
  it('reads a function with positions and a handler reference relative to Code', () => {
    const m = read(header + fn('Ingest'));
    const f = m.functions[0]!;
    expect(f).toMatchObject({ name: 'Ingest', logicalId: 'Ingest', platform: 'cloudformation' });
    expect(f.loc).toEqual({ file: '/p/template.yaml', line: 3, column: 3, endLine: 3, endColumn: 9 });
    expect(f.memorySize).toMatchObject({ value: 256, loc: { line: 9, column: 19 } });
    expect(f.handler).toMatchObject({ modulePath: '/p/src/app', exportName: 'handler' });
    expect(f.handler?.optional).toBeUndefined();
  });

  it('marks S3-hosted code as optional and inline code as having no handler file', () => {
    const s3 = read(header + fn('A').replace('Code: ./', 'Code:\n        S3Bucket: b\n        S3Key: k'));
    expect(s3.functions[0]!.handler?.optional).toBe(true);
    const inline = read(header + fn('A').replace('Code: ./', 'Code:\n        ZipFile: x'));
    expect(inline.functions[0]!.handler).toBeUndefined();
  });

  it('uses parameter defaults and leaves parameters without one unknown', () => {
    const t = `AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Mem:\n    Type: Number\n    Default: 512\n  T:\n    Type: Number\nResources:\n${fn('A').replace('MemorySize: 256', 'MemorySize: !Ref Mem').replace('Timeout: 10', 'Timeout: !Ref T')}`;
    const f = read(t).functions[0]!;
    expect(f.memorySize?.value).toBe(512);
    expect(f.timeout?.value).toBeUndefined();
    expect(f.timeout).toBeDefined();
  });

  it('links event source mappings, permissions, rules, subscriptions and bucket notifications', () => {
    const t =
      header +
      fn('Worker') +
      '  Queue:\n    Type: AWS::SQS::Queue\n' +
      '  Mapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: !Ref Worker\n      EventSourceArn: !GetAtt Queue.Arn\n' +
      '  Stream:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: !GetAtt Worker.Arn\n      EventSourceArn: arn:aws:kinesis:eu-west-1:1:stream/s\n      DestinationConfig:\n        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:1:dlq\n' +
      '  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 day)\n      Targets:\n        - Id: w\n          Arn: !GetAtt Worker.Arn\n' +
      '  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription:\n        - Protocol: lambda\n          Endpoint: !GetAtt Worker.Arn\n' +
      '  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        LambdaConfigurations:\n          - Event: s3:ObjectCreated:*\n            Function: !GetAtt Worker.Arn\n';
    const f = read(t).functions[0]!;
    expect(f.events.map((e) => e.type)).toEqual(['sqs', 'kinesis', 'schedule', 'sns', 's3']);
    expect(f.events[0]!.sourceLogicalId).toBe('Queue');
    expect(f.events[1]!.onFailure).toMatchObject({ line: 25, column: 24 });
  });

  it('links EventInvokeConfig destinations and DeadLetterConfig', () => {
    const t =
      header +
      fn('A', '      DeadLetterConfig:\n        TargetArn: arn:aws:sqs:eu-west-1:1:dlq\n') +
      fn('B') +
      '  Cfg:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: !Ref B\n      Qualifier: $LATEST\n      DestinationConfig:\n        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:1:dlq\n';
    const [a, b] = read(t).functions;
    expect(a!.asyncFailureTargets.map((x) => x.kind)).toEqual(['dead-letter-queue']);
    expect(b!.asyncFailureTargets.map((x) => x.kind)).toEqual(['event-invoke-config']);
  });

  it('derives REST paths from the resource chain and HTTP API routes from route keys', () => {
    const t =
      header +
      fn('Api') +
      '  Rest:\n    Type: AWS::ApiGateway::RestApi\n' +
      '  Static:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      RestApiId: !Ref Rest\n      ParentId: !GetAtt Rest.RootResourceId\n      PathPart: static\n' +
      '  Proxy:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      RestApiId: !Ref Rest\n      ParentId: !Ref Static\n      PathPart: "{proxy+}"\n' +
      "  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Rest\n      ResourceId: !Ref Proxy\n      HttpMethod: GET\n      Integration:\n        Type: AWS_PROXY\n        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Api.Arn}/invocations\n" +
      '  Http:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n' +
      '  Integ:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n      ApiId: !Ref Http\n      IntegrationType: AWS_PROXY\n      IntegrationUri: !GetAtt Api.Arn\n' +
      "  Route:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Http\n      RouteKey: GET /brands/{id}\n      Target: !Sub integrations/${Integ}\n";
    const f = read(t).functions[0]!;
    expect(f.events.map((e) => [e.type, e.path?.value, e.method?.value])).toEqual([
      ['http', '/static/{proxy+}', 'GET'],
      ['httpApi', '/brands/{id}', 'GET'],
    ]);
  });

  it('attaches standalone policies to roles and links roles to functions', () => {
    const t =
      header +
      fn('A', '      Role: !GetAtt R.Arn\n') +
      '  R:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: s3:GetObject\n                Resource: "*"\n' +
      '  Extra:\n    Type: AWS::IAM::Policy\n    Properties:\n      Roles: [!Ref R]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: [sqs:SendMessage]\n            Resource: "*"\n';
    const m = read(t);
    const role = m.functions[0]!.role!;
    expect(role.statements.map((s) => s.actions.map((a) => a.value))).toEqual([['s3:GetObject'], ['sqs:SendMessage']]);
    expect(role.managedPolicies.map((p) => p.value)).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(m.otherStatements).toEqual([]);
  });

  it('classifies CloudFront origins', () => {
    const t =
      header +
      '  Api:\n    Type: AWS::ApiGatewayV2::Api\n' +
      '  Site:\n    Type: AWS::S3::Bucket\n' +
      "  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - Id: site\n            DomainName: !GetAtt Site.RegionalDomainName\n          - Id: api\n            DomainName: !Sub '${Api}.execute-api.${AWS::Region}.amazonaws.com'\n        DefaultCacheBehavior:\n          TargetOriginId: site\n        CacheBehaviors:\n          - PathPattern: /api/*\n            TargetOriginId: api\n";
    const d = read(t).distributions[0]!;
    expect(d.behaviors.map((b) => [b.isDefault, b.target, b.pathPattern?.value])).toEqual([
      [true, 's3', undefined],
      [false, 'api-gateway', '/api/*'],
    ]);
  });

  it('reads JSON templates with positions', () => {
    const m = read('{\n  "Resources": {\n    "Fn": {\n      "Type": "AWS::Lambda::Function",\n      "Properties": { "Timeout": 900 }\n    }\n  }\n}\n', '/p/app.template.json');
    expect(m.functions[0]!.loc).toMatchObject({ line: 3, column: 5, endColumn: 9 });
    expect(m.functions[0]!.timeout).toMatchObject({ value: 900, loc: { line: 5, column: 34, endColumn: 37 } });
  });
});
