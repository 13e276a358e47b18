import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'async-without-dlq';
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';

describe('async-without-dlq', () => {
  describe('serverless.yml', () => {
    // Line 8 is the function key `ingest`; `fn` continues the function, `resources` goes under `resources.Resources`.
    const app = (fn: string, resources = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs20.x
  memorySize: 256
  timeout: 10
functions:
  ingest:
    handler: src/ingest.handler
${fn}${resources ? `resources:\n  Resources:\n${resources}` : ''}`,
      'src/ingest.ts': handler,
    });

    it.each([
      ['s3', '      - s3: uploads\n', 'S3'],
      ['sns', '      - sns: brand-events\n', 'SNS'],
      ['eventBridge', '      - eventBridge:\n          pattern:\n            source: [brand.ingest]\n', 'EventBridge'],
      ['schedule', '      - schedule: rate(1 hour)\n', 'a schedule'],
      ['cloudwatchEvent', '      - cloudwatchEvent:\n          event:\n            source: [aws.ec2]\n', 'EventBridge'],
      ['cloudwatchLog', "      - cloudwatchLog: '/aws/lambda/brand-api'\n", 'CloudWatch Logs'],
      ['iot', "      - iot:\n          sql: \"SELECT * FROM 'brand/telemetry'\"\n", 'IoT'],
    ])('reports a function with a %s event and no failure target at its key', async (_type, event, source) => {
      const r = await lintFiles(app(`    events:\n${event}`));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 8, 3, 8, 9)]);
      const message = r.findings.find((f) => f.ruleId === ID)?.message;
      expect(message).toContain(`invoked asynchronously by ${source}`);
      expect(message).toContain('`destinations.onFailure` or `onError`');
    });

    it('accepts onError, destinations.onFailure and an EventInvokeConfig in resources', async () => {
      const events = '    events:\n      - s3: uploads\n';
      expect(positions(await lintFiles(app(`${events}    onError: arn:aws:sns:eu-west-1:123456789012:ingest-dlq\n`)), ID)).toEqual([]);
      expect(
        positions(await lintFiles(app(`${events}    destinations:\n      onFailure: arn:aws:sqs:eu-west-1:123456789012:ingest-failures\n`)), ID),
      ).toEqual([]);
      const invokeConfig = `    IngestInvokeConfig:
      Type: AWS::Lambda::EventInvokeConfig
      Properties:
        FunctionName: !Ref IngestLambdaFunction
        Qualifier: $LATEST
        DestinationConfig:
          OnFailure:
            Destination: arn:aws:sqs:eu-west-1:123456789012:ingest-failures
`;
      expect(positions(await lintFiles(app(events, invokeConfig)), ID)).toEqual([]);
    });

    it('still reports a function with only an on-success destination', async () => {
      const r = await lintFiles(app('    events:\n      - sns: brand-events\n    destinations:\n      onSuccess: arn:aws:sqs:eu-west-1:123456789012:done\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 8, 3, 8, 9)]);
    });

    it('does not report synchronous functions', async () => {
      const r = await lintFiles(app('    events:\n      - httpApi: GET /brands\n      - http:\n          path: /brands/{id}\n          method: get\n'));
      expect(positions(r, ID)).toEqual([]);
    });

    const queue = (props: string) => `    Jobs:\n      Type: AWS::SQS::Queue\n${props}`;
    const sqs = '    events:\n      - sqs:\n          arn: !GetAtt Jobs.Arn\n';

    it('reports an SQS trigger queue without RedrivePolicy at the queue, not the function', async () => {
      const r = await lintFiles(app(sqs, queue('')));
      expect(positions(r, ID)).toEqual([at(ID, 'queueWithoutRedrive', 15, 5, 15, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('Queue Jobs triggers ingest but has no RedrivePolicy');
    });

    it('accepts a trigger queue with a RedrivePolicy, and needs no function DLQ for it', async () => {
      const redrive = '      Properties:\n        RedrivePolicy:\n          deadLetterTargetArn: !GetAtt JobsDlq.Arn\n          maxReceiveCount: 5\n    JobsDlq:\n      Type: AWS::SQS::Queue\n';
      expect(positions(await lintFiles(app(sqs, queue(redrive))), ID)).toEqual([]);
    });

    it('finds the queue behind a literal ARN by its QueueName', async () => {
      const r = await lintFiles(
        app('    events:\n      - sqs: arn:aws:sqs:eu-west-1:123456789012:brand-jobs\n', queue('      Properties:\n        QueueName: brand-jobs\n')),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'queueWithoutRedrive', 14, 5, 14, 9)]);
    });

    it('stays silent on a queue that is not in the application', async () => {
      const r = await lintFiles(app('    events:\n      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs\n'));
      expect(positions(r, ID)).toEqual([]);
    });

    const kinesis = '    events:\n      - stream:\n          type: kinesis\n          arn: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\n';

    it('reports a stream without an on-failure destination at the event key', async () => {
      const r = await lintFiles(app(kinesis));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 11, 9, 11, 15)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('reads a Kinesis stream');
    });

    it('accepts a stream with destinations.onFailure', async () => {
      const r = await lintFiles(app(`${kinesis}          destinations:\n            onFailure: arn:aws:sqs:eu-west-1:123456789012:clicks-failures\n`));
      expect(positions(r, ID)).toEqual([]);
    });

    it('says a stream with maximumRetryAttempts discards the record after the retries instead of blocking the shard', async () => {
      const r = await lintFiles(app(`${kinesis}          maximumRetryAttempts: 3\n`));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutRetriedOnFailure', 11, 9, 11, 15)]);
      const message = r.findings.find((f) => f.ruleId === ID)?.message ?? '';
      expect(message).toContain('after 3 retries (maximumRetryAttempts) the record is skipped');
      expect(message).not.toContain('blocks its shard until it expires');
      const unlimited = await lintFiles(app(`${kinesis}          maximumRetryAttempts: -1\n`));
      expect(positions(unlimited, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 11, 9, 11, 15)]);
    });

    it('ignores disabled triggers: an `enabled: false` schedule, stream or queue invokes nothing', async () => {
      const schedule = '    events:\n      - schedule:\n          rate: rate(1 hour)\n          enabled: false\n';
      expect(positions(await lintFiles(app(schedule)), ID)).toEqual([]);
      expect(positions(await lintFiles(app(`${kinesis}          enabled: false\n`)), ID)).toEqual([]);
      expect(positions(await lintFiles(app(`${sqs}          enabled: false\n`, queue(''))), ID)).toEqual([]);
      const enabled = '    events:\n      - schedule:\n          rate: rate(1 hour)\n          enabled: true\n';
      expect(positions(await lintFiles(app(enabled)), ID)).toEqual([at(ID, 'async', 8, 3, 8, 9)]);
    });

    it('reports a DynamoDB stream without an on-failure destination', async () => {
      const table = '    Brands:\n      Type: AWS::DynamoDB::Table\n';
      const r = await lintFiles(app('    events:\n      - stream:\n          type: dynamodb\n          arn: !GetAtt Brands.StreamArn\n', table));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 11, 9, 11, 15)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('reads a DynamoDB stream');
    });
  });

  describe('CloudFormation', () => {
    // Line 3 is the function key `Ingest`; `props` continues its Properties, `resources` adds resources.
    const template = (props: string, resources = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/ingest
      Code:
        ZipFile: exports.handler = async () => {}
${props}${resources}`,
    });
    const permission = (principal: string) =>
      `  IngestPermission:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !GetAtt Ingest.Arn\n      Principal: ${principal}\n`;

    it.each([
      ['an S3 notification', '  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        LambdaConfigurations:\n          - Event: s3:ObjectCreated:*\n            Function: !GetAtt Ingest.Arn\n', 'S3'],
      ['an SNS subscription', '  Events:\n    Type: AWS::SNS::Subscription\n    Properties:\n      Protocol: lambda\n      TopicArn: arn:aws:sns:eu-west-1:123456789012:brand\n      Endpoint: !GetAtt Ingest.Arn\n', 'SNS'],
      ['an inline SNS topic subscription', '  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      Subscription:\n        - Protocol: lambda\n          Endpoint: !GetAtt Ingest.Arn\n', 'SNS'],
      ['an EventBridge rule', '  OnBrand:\n    Type: AWS::Events::Rule\n    Properties:\n      EventPattern: { source: [brand.ingest] }\n      Targets:\n        - Id: ingest\n          Arn: !GetAtt Ingest.Arn\n', 'EventBridge'],
      ['a scheduled rule', '  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 day)\n      Targets:\n        - Id: ingest\n          Arn: !GetAtt Ingest.Arn\n', 'a schedule'],
      ['an EventBridge Scheduler schedule', "  Hourly:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n      FlexibleTimeWindow: { Mode: 'OFF' }\n      Target:\n        Arn: !GetAtt Ingest.Arn\n        RoleArn: arn:aws:iam::123456789012:role/scheduler\n", 'a schedule'],
      ['a log subscription filter', "  Logs:\n    Type: AWS::Logs::SubscriptionFilter\n    Properties:\n      LogGroupName: /aws/lambda/brand\n      FilterPattern: ''\n      DestinationArn: !GetAtt Ingest.Arn\n", 'CloudWatch Logs'],
      ['an IoT permission', permission('iot.amazonaws.com'), 'IoT'],
      ['an SES permission', permission('ses.amazonaws.com'), 'SES'],
      ['a CodeCommit permission', permission('codecommit.amazonaws.com'), 'CodeCommit'],
      ['an AWS Config permission', permission('config.amazonaws.com'), 'AWS Config'],
    ])('reports a function invoked by %s at its key', async (_what, resources, source) => {
      const r = await lintFiles(template('', resources));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain(`invoked asynchronously by ${source}:`);
    });

    it('ignores disabled rules, schedules and stream mappings (State: DISABLED, Enabled: false)', async () => {
      const rule = (state: string) => `  Nightly:\n    Type: AWS::Events::Rule\n    Properties:\n      ScheduleExpression: rate(1 day)\n      State: ${state}\n      Targets:\n        - Id: ingest\n          Arn: !GetAtt Ingest.Arn\n`;
      expect(positions(await lintFiles(template('', rule('DISABLED'))), ID)).toEqual([]);
      expect(positions(await lintFiles(template('', rule('ENABLED'))), ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
      const schedule = "  Hourly:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n      ScheduleExpression: rate(1 hour)\n      State: DISABLED\n      FlexibleTimeWindow: { Mode: 'OFF' }\n      Target:\n        Arn: !GetAtt Ingest.Arn\n        RoleArn: arn:aws:iam::123456789012:role/scheduler\n";
      expect(positions(await lintFiles(template('', schedule)), ID)).toEqual([]);
      const mapping = `  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n  IngestMapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: !Ref Ingest\n      EventSourceArn: !GetAtt Clicks.Arn\n      StartingPosition: LATEST\n      Enabled: false\n`;
      expect(positions(await lintFiles(template('', mapping)), ID)).toEqual([]);
    });

    const s3 = '  Uploads:\n    Type: AWS::S3::Bucket\n    Properties:\n      NotificationConfiguration:\n        LambdaConfigurations:\n          - Event: s3:ObjectCreated:*\n            Function: !GetAtt Ingest.Arn\n';

    it('names every asynchronous source once', async () => {
      const r = await lintFiles(template('', `${s3}${permission('s3.amazonaws.com')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('invoked asynchronously by S3:');
    });

    it('accepts DeadLetterConfig', async () => {
      const r = await lintFiles(template('      DeadLetterConfig:\n        TargetArn: arn:aws:sqs:eu-west-1:123456789012:ingest-dlq\n', s3));
      expect(positions(r, ID)).toEqual([]);
    });

    const invokeConfig = (destinations: string) =>
      `  IngestInvokeConfig:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: !Ref Ingest\n      Qualifier: $LATEST\n      MaximumRetryAttempts: 1\n      DestinationConfig:\n${destinations}`;

    it('accepts an EventInvokeConfig with an OnFailure destination', async () => {
      const r = await lintFiles(template('', `${s3}${invokeConfig('        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:123456789012:ingest-failures\n')}`));
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports an EventInvokeConfig with only an OnSuccess destination', async () => {
      const r = await lintFiles(template('', `${s3}${invokeConfig('        OnSuccess:\n          Destination: arn:aws:sqs:eu-west-1:123456789012:done\n')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
    });

    it('does not report a function behind API Gateway', async () => {
      const r = await lintFiles(template('', permission('apigateway.amazonaws.com')));
      expect(positions(r, ID)).toEqual([]);
    });

    const mapping = (source: string, extra = '') =>
      `  IngestMapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: !Ref Ingest\n      EventSourceArn: ${source}\n${extra}`;

    it('reports a stream mapping of a function defined outside the template at the mapping', async () => {
      const external = (extra: string) => ({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  ProjectorMapping:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n      FunctionName: order-projector\n      StartingPosition: LATEST\n      EventSourceArn: arn:aws:kinesis:eu-west-1:123456789012:stream/orders\n${extra}`,
      });
      const r = await lintFiles(external(''));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 3, 3, 3, 19)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('order-projector reads a Kinesis stream');
      const withDestination = external('      DestinationConfig:\n        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:123456789012:failures\n');
      expect(positions(await lintFiles(withDestination), ID)).toEqual([]);
    });

    it('reports an SQS trigger queue without RedrivePolicy at the queue', async () => {
      const r = await lintFiles(template('', `  Jobs:\n    Type: AWS::SQS::Queue\n${mapping('!GetAtt Jobs.Arn')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'queueWithoutRedrive', 13, 3, 13, 7)]);
    });

    it('accepts a trigger queue with a RedrivePolicy and asks nothing of the function', async () => {
      const queues =
        '  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt JobsDlq.Arn\n        maxReceiveCount: 5\n  JobsDlq:\n    Type: AWS::SQS::Queue\n';
      expect(positions(await lintFiles(template('', `${queues}${mapping('!GetAtt Jobs.Arn')}`)), ID)).toEqual([]);
    });

    it('reports a queue consumed by two functions once', async () => {
      const second = `  Audit:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/audit
      Code:
        ZipFile: exports.handler = async () => {}
  AuditMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Audit
      EventSourceArn: !GetAtt Jobs.Arn
`;
      const r = await lintFiles(template('', `  Jobs:\n    Type: AWS::SQS::Queue\n${mapping('!GetAtt Jobs.Arn')}${second}`));
      expect(positions(r, ID)).toEqual([at(ID, 'queueWithoutRedrive', 13, 3, 13, 7)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('Queue Jobs triggers Ingest, Audit but');
    });

    it('reports Kinesis and DynamoDB stream mappings without an on-failure destination at the mapping', async () => {
      const stream = `  Clicks:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n${mapping('!GetAtt Clicks.Arn', '      StartingPosition: LATEST\n')}`;
      expect(positions(await lintFiles(template('', stream)), ID)).toEqual([at(ID, 'streamWithoutOnFailure', 17, 3, 17, 16)]);
      const table = `  Brands:\n    Type: AWS::DynamoDB::Table\n${mapping('!GetAtt Brands.StreamArn', '      StartingPosition: LATEST\n')}`;
      const r = await lintFiles(template('', table));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 15, 3, 15, 16)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('reads a DynamoDB stream');
    });

    it('names MaximumRetryAttempts of a stream mapping in the message', async () => {
      const extra = '      StartingPosition: LATEST\n      MaximumRetryAttempts: 2\n';
      const r = await lintFiles(template('', mapping('arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', extra)));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutRetriedOnFailure', 13, 3, 13, 16)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('after 2 retries (MaximumRetryAttempts) the record is skipped');
    });

    it('accepts a stream mapping with DestinationConfig.OnFailure', async () => {
      const extra = '      StartingPosition: LATEST\n      DestinationConfig:\n        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:123456789012:clicks-failures\n';
      const r = await lintFiles(template('', mapping('arn:aws:kinesis:eu-west-1:123456789012:stream/clicks', extra)));
      expect(positions(r, ID)).toEqual([]);
    });

    it('reads JSON templates', async () => {
      const json = JSON.stringify(
        {
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: {
            Ingest: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Runtime: 'nodejs20.x',
                Handler: 'index.handler',
                MemorySize: 256,
                Timeout: 10,
                Role: 'arn:aws:iam::123456789012:role/ingest',
                Code: { ZipFile: 'exports.handler = async () => {}' },
              },
            },
            Nightly: {
              Type: 'AWS::Events::Rule',
              Properties: { ScheduleExpression: 'rate(1 day)', Targets: [{ Id: 'ingest', Arn: { 'Fn::GetAtt': ['Ingest', 'Arn'] } }] },
            },
          },
        },
        null,
        2,
      );
      const r = await lintFiles({ 'template.json': json });
      // `    "Ingest": {` on line 4: the key with its quotes.
      expect(positions(r, ID)).toEqual([at(ID, 'async', 4, 5, 4, 13)]);
    });
  });

  describe('SAM', () => {
    // Line 3 (4 with Globals) is the function key `Ingest`.
    const sam = (props: string, resources = '', globals = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
${globals}Resources:
  Ingest:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src/
      Handler: ingest.handler
      MemorySize: 256
      Timeout: 10
${props}${resources}`,
      'src/ingest.ts': handler,
    });
    const event = (type: string, props: string) => `      Events:\n        Trigger:\n          Type: ${type}\n          Properties:\n${props}`;
    const s3 = event('S3', '            Bucket: !Ref Uploads\n            Events: s3:ObjectCreated:*\n');
    const bucket = '  Uploads:\n    Type: AWS::S3::Bucket\n';

    it.each([
      ['S3', '            Bucket: !Ref Uploads\n            Events: s3:ObjectCreated:*\n', 'S3'],
      ['SNS', '            Topic: arn:aws:sns:eu-west-1:123456789012:brand\n', 'SNS'],
      ['EventBridgeRule', '            Pattern:\n              source: [brand.ingest]\n', 'EventBridge'],
      ['CloudWatchEvent', '            Pattern:\n              source: [aws.ec2]\n', 'EventBridge'],
      ['Schedule', '            Schedule: rate(1 hour)\n', 'a schedule'],
      ['ScheduleV2', '            ScheduleExpression: rate(1 hour)\n', 'a schedule'],
      ['CloudWatchLogs', "            LogGroupName: /aws/lambda/brand\n            FilterPattern: ''\n", 'CloudWatch Logs'],
      ['IoTRule', "            Sql: SELECT * FROM 'brand/telemetry'\n", 'IoT'],
    ])('reports a function with a %s event and no failure target', async (type, props, source) => {
      const r = await lintFiles(sam(event(type, props), bucket));
      expect(positions(r, ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
      const message = r.findings.find((f) => f.ruleId === ID)?.message;
      expect(message).toContain(`invoked asynchronously by ${source}:`);
      expect(message).toContain('`DeadLetterQueue` or `EventInvokeConfig.DestinationConfig.OnFailure`');
    });

    it('ignores disabled events (Enabled: false, State: DISABLED)', async () => {
      expect(positions(await lintFiles(sam(event('Schedule', '            Schedule: rate(1 hour)\n            Enabled: false\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(sam(event('Schedule', '            Schedule: rate(1 hour)\n            State: DISABLED\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(sam(event('ScheduleV2', '            ScheduleExpression: rate(1 hour)\n            State: DISABLED\n'))), ID)).toEqual([]);
      const kinesis = '            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\n            StartingPosition: LATEST\n';
      expect(positions(await lintFiles(sam(event('Kinesis', `${kinesis}            Enabled: false\n`))), ID)).toEqual([]);
      expect(positions(await lintFiles(sam(event('Schedule', '            Schedule: rate(1 hour)\n            Enabled: true\n'))), ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
    });

    it('accepts DeadLetterQueue on the function or in Globals', async () => {
      const dlq = '      DeadLetterQueue:\n        Type: SQS\n        TargetArn: arn:aws:sqs:eu-west-1:123456789012:ingest-dlq\n';
      expect(positions(await lintFiles(sam(`${dlq}${s3}`, bucket)), ID)).toEqual([]);
      const globals = 'Globals:\n  Function:\n    DeadLetterQueue:\n      Type: SNS\n      TargetArn: arn:aws:sns:eu-west-1:123456789012:dlq\n';
      expect(positions(await lintFiles(sam(s3, bucket, globals)), ID)).toEqual([]);
    });

    it('accepts EventInvokeConfig with an OnFailure destination, and reports one with OnSuccess only', async () => {
      const config = (which: string) =>
        `      EventInvokeConfig:\n        MaximumRetryAttempts: 1\n        DestinationConfig:\n          ${which}:\n            Type: SQS\n            Destination: arn:aws:sqs:eu-west-1:123456789012:ingest-events\n`;
      expect(positions(await lintFiles(sam(`${config('OnFailure')}${s3}`, bucket)), ID)).toEqual([]);
      expect(positions(await lintFiles(sam(`${config('OnSuccess')}${s3}`, bucket)), ID)).toEqual([at(ID, 'async', 3, 3, 3, 9)]);
    });

    it('accepts an OnFailure of Type SQS without Destination (SAM creates the queue)', async () => {
      const config = '      EventInvokeConfig:\n        DestinationConfig:\n          OnFailure:\n            Type: SQS\n';
      expect(positions(await lintFiles(sam(`${config}${s3}`, bucket)), ID)).toEqual([]);
    });

    it('accepts a separate AWS::Lambda::EventInvokeConfig for the function', async () => {
      const config =
        '  IngestInvokeConfig:\n    Type: AWS::Lambda::EventInvokeConfig\n    Properties:\n      FunctionName: !Ref Ingest\n      Qualifier: $LATEST\n      DestinationConfig:\n        OnFailure:\n          Destination: arn:aws:sqs:eu-west-1:123456789012:ingest-failures\n';
      expect(positions(await lintFiles(sam(s3, `${bucket}${config}`)), ID)).toEqual([]);
    });

    it('does not report Api and HttpApi functions', async () => {
      const api = `      Events:\n        List:\n          Type: HttpApi\n          Properties:\n            Path: /brands\n            Method: GET\n        Get:\n          Type: Api\n          Properties:\n            Path: /brands/{id}\n            Method: get\n`;
      expect(positions(await lintFiles(sam(api)), ID)).toEqual([]);
    });

    it('reports an SQS event queue without RedrivePolicy at the queue, and accepts one with it', async () => {
      const sqs = event('SQS', '            Queue: !GetAtt Jobs.Arn\n            BatchSize: 10\n');
      const r = await lintFiles(sam(sqs, '  Jobs:\n    Type: AWS::SQS::Queue\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'queueWithoutRedrive', 17, 3, 17, 7)]);
      const redrive =
        '  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt JobsDlq.Arn\n        maxReceiveCount: 5\n  JobsDlq:\n    Type: AWS::SQS::Queue\n';
      expect(positions(await lintFiles(sam(sqs, redrive)), ID)).toEqual([]);
    });

    it('reports a Kinesis event without DestinationConfig at the event key, and accepts one with it', async () => {
      const props = '            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\n            StartingPosition: LATEST\n';
      expect(positions(await lintFiles(sam(event('Kinesis', props))), ID)).toEqual([at(ID, 'streamWithoutOnFailure', 12, 9, 12, 16)]);
      const onFailure = '            DestinationConfig:\n              OnFailure:\n                Type: SQS\n                Destination: arn:aws:sqs:eu-west-1:123456789012:clicks-failures\n';
      expect(positions(await lintFiles(sam(event('Kinesis', `${props}${onFailure}`))), ID)).toEqual([]);
    });

    it('names MaximumRetryAttempts of a Kinesis event in the message', async () => {
      const props = '            Stream: arn:aws:kinesis:eu-west-1:123456789012:stream/clicks\n            StartingPosition: LATEST\n            MaximumRetryAttempts: 5\n';
      const r = await lintFiles(sam(event('Kinesis', props)));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutRetriedOnFailure', 12, 9, 12, 16)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('after 5 retries (MaximumRetryAttempts) the record is skipped');
    });

    it('reports a DynamoDB event without an on-failure destination', async () => {
      const props = '            Stream: !GetAtt Brands.StreamArn\n            StartingPosition: TRIM_HORIZON\n';
      const r = await lintFiles(sam(event('DynamoDB', props), '  Brands:\n    Type: AWS::DynamoDB::Table\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'streamWithoutOnFailure', 12, 9, 12, 16)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('reads a DynamoDB stream');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
