import { describe, expect, it } from 'vitest';
import { emptyModel } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate } from '@lambda-lint/cloudformation';
import { readSam } from './index.js';

function read(text: string) {
  const model = emptyModel('/p');
  readSam(parseSource('/p/template.yaml', text, { format: 'yaml' }), model);
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

  it('reads events, DLQs and EventInvokeConfig', () => {
    const m = read(
      head +
        'Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      DeadLetterQueue:\n        Type: SQS\n        TargetArn: !GetAtt Q.Arn\n      EventInvokeConfig:\n        DestinationConfig:\n          OnFailure:\n            Type: SQS\n            Destination: !GetAtt Q.Arn\n      Events:\n        Upload:\n          Type: S3\n          Properties:\n            Bucket: !Ref B\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Q.Arn\n        Get:\n          Type: Api\n          Properties:\n            Path: /brands/{id}\n            Method: get\n',
    );
    const f = m.functions[0]!;
    expect(f.events.map((e) => [e.type, e.loc.line, e.sourceLogicalId, e.path?.value])).toEqual([
      ['s3', 18, undefined, undefined],
      ['sqs', 22, 'Q', undefined],
      ['http', 26, undefined, '/brands/{id}'],
    ]);
    expect(f.asyncFailureTargets.map((t) => t.kind)).toEqual(['dead-letter-queue', 'event-invoke-config']);
  });

  it('turns Policies into a generated role: statements, managed names and templates', () => {
    const m = read(
      head +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        - DynamoDBReadPolicy:\n            TableName: t\n        - Statement:\n            - Effect: Allow\n              Action: s3:GetObject\n              Resource: arn:aws:s3:::b/*\n',
    );
    const role = m.functions[0]!.role!;
    expect(role.managedPolicies.map((p) => p.value)).toEqual(['AWSLambdaBasicExecutionRole', 'template:DynamoDBReadPolicy']);
    expect(role.statements[0]!.actions[0]).toMatchObject({ value: 's3:GetObject', loc: { line: 13, column: 23 } });
  });

  it('uses the esbuild entry point for the handler source', () => {
    const m = read(
      head +
        'Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ./\n      Handler: app.handler\n    Metadata:\n      BuildMethod: esbuild\n      BuildProperties:\n        EntryPoints:\n          - src/app.ts\n',
    );
    expect(m.functions[0]!.handler).toMatchObject({ modulePath: '/p/src/app', extension: '.ts', exportName: 'handler' });
  });
});
