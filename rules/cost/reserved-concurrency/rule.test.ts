import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'reserved-concurrency';
const handler = 'export const handler = async () => ({ batchItemFailures: [] });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.find((f) => f.ruleId === ID)?.message ?? '';

describe('reserved-concurrency', () => {
  describe('serverless.yml', () => {
    // The function `worker` is on line 8 (columns 3-9); its settings start on line 10.
    const app = (fn: string, provider = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
${provider}functions:
  worker:
    handler: src/worker.handler
${fn}resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 60
    Clicks:
      Type: AWS::Kinesis::Stream
      Properties:
        ShardCount: 1
`,
      'src/worker.ts': handler,
    });
    const sqs = (extra = '') => `    events:\n      - sqs:\n          arn: !GetAtt Jobs.Arn\n${extra}`;

    it('reports an SQS consumer without maximumConcurrency or reserved concurrency at the function key', async () => {
      const r = await lintFiles(app(sqs()));
      expect(positions(r, ID)).toEqual([at(ID, 'queue', 8, 3, 8, 9)]);
      expect(messageOf(r)).toContain('worker is triggered by SQS queue Jobs and nothing caps its concurrency');
      expect(messageOf(r)).toContain('Set `maximumConcurrency` on the sqs event');
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => x.loc.line)).toEqual([11]);
    });

    it('accepts maximumConcurrency on the sqs event, or reservedConcurrency on the function', async () => {
      expect(positions(await lintFiles(app(sqs('          maximumConcurrency: 5\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(`    reservedConcurrency: 5\n${sqs()}`)), ID)).toEqual([]);
    });

    it('stays silent on a reserved concurrency only known at deploy time', async () => {
      expect(positions(await lintFiles(app(`    reservedConcurrency: \${ssm:/brand/worker-concurrency}\n${sqs()}`)), ID)).toEqual([]);
    });

    it('names only the queues that are not capped', async () => {
      const r = await lintFiles(app(`${sqs('          maximumConcurrency: 5\n')}      - sqs: arn:aws:sqs:eu-west-1:123456789012:brand-retries\n`));
      expect(positions(r, ID)).toEqual([at(ID, 'queue', 8, 3, 8, 9)]);
      expect(messageOf(r)).toContain('triggered by an SQS queue and');
    });

    it('reports a stream consumer without reserved concurrency', async () => {
      const r = await lintFiles(
        app('    events:\n      - stream:\n          type: kinesis\n          arn: !GetAtt Clicks.Arn\n          startingPosition: LATEST\n'),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'stream', 8, 3, 8, 9)]);
      expect(messageOf(r)).toContain('worker reads Kinesis stream Clicks and has no reserved concurrency');
      expect(messageOf(r)).toContain('Set `reservedConcurrency` on the function');
    });

    const vpc = '  vpc:\n    securityGroupIds: [sg-0123456789abcdef0]\n    subnetIds: [subnet-0123456789abcdef0]\n';

    it('reports a function in the provider VPC, relating the provider setting', async () => {
      const r = await lintFiles(app('    events:\n      - httpApi: GET /reports\n', vpc));
      // provider.vpc moves `functions` to line 10 and `worker` to line 11.
      expect(positions(r, ID)).toEqual([at(ID, 'vpc', 11, 3, 11, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => [x.loc.line, x.message])).toEqual([[8, 'VPC configuration']]);
    });

    it('accepts a function that opts out of the provider VPC', async () => {
      expect(positions(await lintFiles(app('    vpc: ~\n    events:\n      - httpApi: GET /reports\n', vpc)), ID)).toEqual([]);
    });

    it('accepts a VPC function whose only triggers are capped SQS mappings, not one that also serves HTTP', async () => {
      expect(positions(await lintFiles(app(sqs('          maximumConcurrency: 5\n'), vpc)), ID)).toEqual([]);
      const r = await lintFiles(app(`${sqs('          maximumConcurrency: 5\n')}      - httpApi: GET /reports\n`, vpc));
      expect(positions(r, ID)).toEqual([at(ID, 'vpc', 11, 3, 11, 9)]);
    });

    describe('handler code', () => {
      const pgHandler = [
        "import { Pool } from 'pg';", // 1
        '', // 2
        'const pool = new Pool({ max: 1 });', // 3
        '', // 4
        'export const handler = async () => {', // 5
        "  const { rows } = await pool.query('select 1');", // 6
        '  return { statusCode: 200, body: JSON.stringify(rows) };', // 7
        '};', // 8
        '',
      ].join('\n');
      const withCode = (fn: string, code: string, extra: Record<string, string> = {}) => ({ ...app(fn), 'src/worker.ts': code, ...extra });

      it('reports an HTTP function whose handler opens a pg pool, at the function key, relating the client', async () => {
        const r = await lintFiles(withCode('    events:\n      - httpApi: GET /reports\n', pgHandler));
        expect(positions(r, ID)).toEqual([at(ID, 'connections', 8, 3, 8, 9)]);
        expect(messageOf(r)).toContain('worker: its handler opens pg connections and nothing caps its concurrency');
        expect(messageOf(r)).toContain('Set `reservedConcurrency` on the function');
        const related = r.findings.find((f) => f.ruleId === ID)?.related ?? [];
        expect(related.map((x) => [x.loc.file.endsWith('src/worker.ts'), x.loc.line, x.loc.column, x.loc.endLine, x.loc.endColumn, x.message])).toEqual([
          [true, 3, 14, 3, 34, 'opens a pg connection here'],
        ]);
      });

      it('finds clients created in local modules and per invocation (mysql2, ioredis, mongodb)', async () => {
        const code = [
          "import Redis from 'ioredis';", // 1
          "import { db } from './db.js';", // 2
          'export const handler = async () => {', // 3
          '  const redis = new Redis(process.env.REDIS_URL!);', // 4
          '  return { statusCode: 200, body: String(await redis.get(\'k\')) + String(await db()) };', // 5
          '};',
          '',
        ].join('\n');
        const db = "import mysql from 'mysql2/promise';\nexport const db = () => mysql.createConnection({ host: process.env.DB_HOST });\n";
        const r = await lintFiles(withCode('    events:\n      - httpApi: GET /reports\n', code, { 'src/db.ts': db }));
        expect(positions(r, ID)).toEqual([at(ID, 'connections', 8, 3, 8, 9)]);
        const related = r.findings.find((f) => f.ruleId === ID)?.related ?? [];
        expect(related.map((x) => [x.loc.file.split('/').pop(), x.loc.line, x.loc.column, x.loc.endLine, x.loc.endColumn]).sort()).toEqual([
          ['db.ts', 2, 25, 2, 78],
          ['worker.ts', 4, 17, 4, 50],
        ]);
        expect(messageOf(r)).toContain('its handler opens');
      });

      it('names the queue first and adds the connections as related locations', async () => {
        const r = await lintFiles(withCode(sqs(), pgHandler));
        expect(positions(r, ID)).toEqual([at(ID, 'queue', 8, 3, 8, 9)]);
        expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => x.loc.line)).toEqual([11, 3]);
      });

      it('accepts reserved concurrency, capped SQS mappings, and handlers without database clients', async () => {
        expect(positions(await lintFiles(withCode('    reservedConcurrency: 10\n    events:\n      - httpApi: GET /reports\n', pgHandler)), ID)).toEqual([]);
        expect(positions(await lintFiles(withCode(sqs('          maximumConcurrency: 5\n'), pgHandler)), ID)).toEqual([]);
        const dynamo = "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst ddb = new DynamoDBClient({});\nexport const handler = async () => ({ statusCode: 200, body: String(Boolean(ddb)) });\n";
        expect(positions(await lintFiles(withCode('    events:\n      - httpApi: GET /reports\n', dynamo)), ID)).toEqual([]);
      });

      it('ignores clients in functions the handler never calls', async () => {
        const code = "import { Pool } from 'pg';\nexport function unused() { return new Pool(); }\nexport const handler = async () => ({ statusCode: 200, body: 'ok' });\n";
        expect(positions(await lintFiles(withCode('    events:\n      - httpApi: GET /reports\n', code)), ID)).toEqual([]);
      });
    });

    it('does not ask synchronous functions outside a VPC for reserved concurrency', async () => {
      expect(positions(await lintFiles(app('    events:\n      - httpApi: GET /brands\n      - schedule: rate(1 hour)\n')), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    // The function `Worker` is on line 5 (columns 3-9); the mapping `WorkerMapping` on line 14.
    const template = (fnProps: string, mapping = '', parameters = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
${parameters}Resources:
  Jobs:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/worker
      Code: { ZipFile: 'exports.handler = async () => ({});' }
${fnProps}  WorkerMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Worker
      EventSourceArn: !GetAtt Jobs.Arn
${mapping}`,
    });

    it('reports an event source mapping without ScalingConfig at the function key', async () => {
      const r = await lintFiles(template(''));
      expect(positions(r, ID)).toEqual([at(ID, 'queue', 5, 3, 5, 9)]);
      expect(messageOf(r)).toContain('Set `ScalingConfig.MaximumConcurrency` on the event source mapping');
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => x.loc.line)).toEqual([14]);
    });

    it('accepts ScalingConfig.MaximumConcurrency or ReservedConcurrentExecutions', async () => {
      expect(positions(await lintFiles(template('', '      ScalingConfig:\n        MaximumConcurrency: 10\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(template('      ReservedConcurrentExecutions: 10\n')), ID)).toEqual([]);
    });

    it('stays silent on a ReservedConcurrentExecutions parameter without a default', async () => {
      const r = await lintFiles(template('      ReservedConcurrentExecutions: !Ref WorkerConcurrency\n', '', 'Parameters:\n  WorkerConcurrency:\n    Type: Number\n'));
      expect(positions(r, ID)).toEqual([]);
    });

    // The function `Export` is on line 2 (columns 3-9); its VpcConfig value on line 12.
    const vpcFunction = (vpc: string, extra = '') => ({
      'template.yaml': `Resources:
  Export:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/export
      Code: { ZipFile: 'exports.handler = async () => ({});' }
      VpcConfig:${vpc}
${extra}`,
    });
    const subnets = '\n        SecurityGroupIds: [sg-0123456789abcdef0]\n        SubnetIds: [subnet-0123456789abcdef0]';

    it('reports a VPC function without triggers at its key, relating the VpcConfig', async () => {
      const r = await lintFiles(vpcFunction(subnets));
      expect(positions(r, ID)).toEqual([at(ID, 'vpc', 2, 3, 2, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => [x.loc.line, x.loc.column])).toEqual([[12, 9]]);
      expect(messageOf(r)).toContain('Export runs in a VPC');
      expect(positions(await lintFiles(vpcFunction(subnets, '      ReservedConcurrentExecutions: 5\n')), ID)).toEqual([]);
    });

    it('stays silent on a conditional VPC configuration and on empty subnets', async () => {
      const conditional = vpcFunction(' !If [InVpc, { SecurityGroupIds: [sg-0123456789abcdef0], SubnetIds: [subnet-0123456789abcdef0] }, !Ref AWS::NoValue]');
      conditional['template.yaml'] = `Conditions:\n  InVpc: !Equals [!Ref AWS::Region, eu-west-1]\n${conditional['template.yaml']}`;
      expect(positions(await lintFiles(conditional), ID)).toEqual([]);
      expect(positions(await lintFiles(vpcFunction('\n        SecurityGroupIds: []\n        SubnetIds: []')), ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    // The function `Worker` is on line 3+globals (columns 3-9).
    const sam = (globals: string, props: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
${globals}Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      CodeUri: src/
      Handler: worker.handler
      MemorySize: 256
      Timeout: 10
${props}  Jobs:
    Type: AWS::SQS::Queue
`,
      'src/worker.ts': handler,
    });
    const sqsEvent = (extra = '') => `      Events:\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Jobs.Arn\n${extra}`;

    it('reports an SQS event without ScalingConfig, naming the SAM setting', async () => {
      const r = await lintFiles(sam('', sqsEvent()));
      expect(positions(r, ID)).toEqual([at(ID, 'queue', 3, 3, 3, 9)]);
      expect(messageOf(r)).toContain('Set `ScalingConfig: { MaximumConcurrency: n }` on the SQS event');
    });

    it('accepts ScalingConfig on the SQS event and ReservedConcurrentExecutions from Globals', async () => {
      expect(positions(await lintFiles(sam('', sqsEvent('            ScalingConfig:\n              MaximumConcurrency: 5\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    ReservedConcurrentExecutions: 5\n', sqsEvent())), ID)).toEqual([]);
    });

    it('reports a function in a VPC from Globals, relating the Globals setting', async () => {
      const globals = 'Globals:\n  Function:\n    VpcConfig:\n      SecurityGroupIds: [sg-0123456789abcdef0]\n      SubnetIds: [subnet-0123456789abcdef0]\n';
      const r = await lintFiles(sam(globals, '      Events:\n        Get:\n          Type: HttpApi\n          Properties:\n            Path: /reports\n            Method: GET\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'vpc', 8, 3, 8, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.related?.map((x) => x.loc.line)).toEqual([5]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
