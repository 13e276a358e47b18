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

const RULE = 'sqs-visibility-timeout';
const handler = 'export const handler = async () => ({ batchItemFailures: [] });\n';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE);

describe('sqs-visibility-timeout', () => {
  describe('serverless.yml', () => {
    const app = (timeout: string, queue: string, arn = '!GetAtt Jobs.Arn') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  logRetentionInDays: 30\nfunctions:\n  process-jobs:\n    handler: src/jobs.handler\n${timeout}    events:\n      - sqs:\n          arn: ${arn}\nresources:\n  Resources:\n    Jobs:\n      Type: AWS::SQS::Queue\n${queue}`,
      'src/jobs.ts': handler,
    });
    const visibility = (s: string) => `      Properties:\n        VisibilityTimeout: ${s}\n`;

    it('reports a visibility timeout below the function timeout as an error at the value', async () => {
      const r = await lintFiles(app('    timeout: 60\n', visibility('30')));
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 19, 28, 19, 30)]);
      expect(own(r)[0]?.severity).toBe('error');
      expect(own(r)[0]?.message).toMatch(/^Queue Jobs has a visibility timeout of 30 s, below the 60 s timeout of process-jobs, .*processed twice.*at least 360 s/);
      expect(own(r)[0]?.resource).toBe('Jobs');
    });

    it('reports a visibility timeout below 6x the function timeout as a warning', async () => {
      const r = await lintFiles(app('    timeout: 10\n', visibility('45')));
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowRecommended', 19, 28, 19, 30)]);
      expect(own(r)[0]?.severity).toBe('warning');
      expect(own(r)[0]?.message).toContain('less than 6x the 10 s timeout of process-jobs');
    });

    it('accepts 6x the timeout', async () => {
      expect(positions(await lintFiles(app('    timeout: 10\n', visibility('60'))), RULE)).toEqual([]);
    });

    it('applies the 30 s SQS default at the queue key and the 6 s framework default timeout', async () => {
      const withTimeout = await lintFiles(app('    timeout: 10\n', ''));
      expect(positions(withTimeout, RULE)).toEqual([at(RULE, 'belowRecommended', 16, 5, 16, 9)]);
      expect(own(withTimeout)[0]?.message).toContain('30 s (the SQS default, VisibilityTimeout is not set)');
      const defaults = await lintFiles(app('', ''));
      expect(positions(defaults, RULE)).toEqual([at(RULE, 'belowRecommended', 15, 5, 15, 9)]);
      expect(own(defaults)[0]?.message).toContain('the 6 s timeout (the platform default) of process-jobs');
    });

    it('names the provider timeout', async () => {
      const files = app('', visibility('30'));
      files['serverless.yml'] = files['serverless.yml'].replace('  memorySize: 256\n', '  memorySize: 256\n  timeout: 120\n');
      const r = await lintFiles(files);
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 19, 28, 19, 30)]);
      expect(own(r)[0]?.message).toContain('120 s timeout (from provider.timeout)');
    });

    it('stays silent on unknown values and on queues outside the application', async () => {
      expect(positions(await lintFiles(app('    timeout: 60\n', visibility('${ssm:/brand/visibility}'))), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    timeout: ${ssm:/brand/timeout}\n', visibility('30'))), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('    timeout: 60\n', '', 'arn:aws:sqs:eu-west-1:123456789012:jobs')), RULE)).toEqual([]);
    });

    it('takes the multiple from options', async () => {
      const config = { rules: { [RULE]: ['error', { multiple: 3 }] as ['error', Record<string, unknown>] } };
      expect(positions(await lintFiles(app('    timeout: 10\n', visibility('30')), { config }), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (visibility: string, head = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
${head}Resources:
  ProcessJobs:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/jobs
      Code:
        ZipFile: exports.handler = async () => {}
      MemorySize: 256
      Timeout: 60
  Jobs:
    Type: AWS::SQS::Queue
${visibility}  JobsMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref ProcessJobs
      EventSourceArn: !GetAtt Jobs.Arn
`,
    });

    it('reports VisibilityTimeout 30 below Timeout 60 at the value', async () => {
      const r = await lintFiles(template('    Properties:\n      VisibilityTimeout: 30\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 16, 26, 16, 28)]);
    });

    it('reports a queue without VisibilityTimeout at its key', async () => {
      expect(positions(await lintFiles(template('')), RULE)).toEqual([at(RULE, 'belowTimeout', 13, 3, 13, 7)]);
    });

    it('resolves a parameter default and stays silent on a parameter without one', async () => {
      const params = (def: string) => `Parameters:\n  Visibility:\n    Type: Number\n${def}`;
      expect(positions(await lintFiles(template('    Properties:\n      VisibilityTimeout: !Ref Visibility\n', params('    Default: 120\n'))), RULE)).toEqual([
        at(RULE, 'belowRecommended', 20, 26, 20, 41),
      ]);
      expect(positions(await lintFiles(template('    Properties:\n      VisibilityTimeout: !Ref Visibility\n', params(''))), RULE)).toEqual([]);
    });

    it('accepts 360 s', async () => {
      expect(positions(await lintFiles(template('    Properties:\n      VisibilityTimeout: 360\n')), RULE)).toEqual([]);
    });

    it('reads the value through Mappings and Fn::If, staying silent when the branches differ', async () => {
      const mappings = `Mappings:\n  Queue:\n    prod:\n      Visibility: 30\n`;
      // The four lines of Mappings move Resources to line 6 and VisibilityTimeout to line 20.
      expect(positions(await lintFiles(template('    Properties:\n      VisibilityTimeout: !FindInMap [Queue, prod, Visibility]\n', mappings)), RULE)).toEqual([
        at(RULE, 'belowTimeout', 20, 26, 20, 62),
      ]);
      const conditions = `Conditions:\n  IsProd: !Equals [prod, prod]\n`;
      expect(positions(await lintFiles(template('    Properties:\n      VisibilityTimeout: !If [IsProd, 360, 30]\n', conditions)), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    const template = (visibility: number) => ({
      'template.json': `{
  "Resources": {
    "ProcessJobs": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/jobs",
        "Code": { "ZipFile": "exports.handler = async () => {}" },
        "MemorySize": 256,
        "Timeout": 30
      }
    },
    "Jobs": { "Type": "AWS::SQS::Queue", "Properties": { "VisibilityTimeout": ${visibility} } },
    "JobsMapping": {
      "Type": "AWS::Lambda::EventSourceMapping",
      "Properties": { "FunctionName": { "Ref": "ProcessJobs" }, "EventSourceArn": { "Fn::GetAtt": ["Jobs", "Arn"] } }
    }
  }
}
`,
    });

    it('reports an error below the timeout, a warning below 6x, and nothing at 6x', async () => {
      expect(positions(await lintFiles(template(20)), RULE)).toEqual([at(RULE, 'belowTimeout', 14, 79, 14, 81)]);
      expect(positions(await lintFiles(template(90)), RULE)).toEqual([at(RULE, 'belowRecommended', 14, 79, 14, 81)]);
      expect(positions(await lintFiles(template(180)), RULE)).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string, queue: string, more = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
${globals}Resources:
  ProcessJobs:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      CodeUri: src/
      Handler: jobs.handler
      MemorySize: 256
${props}      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
${more}  Jobs:
    Type: AWS::SQS::Queue
${queue}`,
      'src/jobs.ts': handler,
    });

    it('reports a Globals timeout above the visibility timeout, naming Globals', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Timeout: 45\n', '', '    Properties:\n      VisibilityTimeout: 30\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 21, 26, 21, 28)]);
      expect(own(r)[0]?.message).toContain('45 s timeout (from Globals.Function.Timeout) of ProcessJobs');
    });

    it('reports the 3 s default timeout against the 30 s default visibility as fine (30 >= 18)', async () => {
      expect(positions(await lintFiles(sam('', '', '')), RULE)).toEqual([]);
    });

    it('judges a queue consumed by two functions by the longest timeout, once', async () => {
      const second = `  Report:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: jobs.handler\n      MemorySize: 256\n      Timeout: 100\n      Events:\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Jobs.Arn\n`;
      const r = await lintFiles(sam('', '      Timeout: 10\n', '    Properties:\n      VisibilityTimeout: 90\n', second));
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 32, 26, 32, 28)]);
      expect(own(r)[0]?.message).toContain('below the 100 s timeout of Report');
    });
  });

  describe('CDK synth output', () => {
    it('reports a queue whose visibility timeout is below the function timeout, named by construct path', async () => {
      const r = await lintFiles(
        cdk({
          ApiHandler5E7490E8: cdkFunction({ Timeout: 60 }),
          JobsQueue4E5B2C1A: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 }, Metadata: { 'aws:cdk:path': 'Shop/Jobs/Resource' } },
          ApiHandlerSqsEventSource1A2B3C4D: {
            Type: 'AWS::Lambda::EventSourceMapping',
            Properties: { FunctionName: { Ref: 'ApiHandler5E7490E8' }, EventSourceArn: { 'Fn::GetAtt': ['JobsQueue4E5B2C1A', 'Arn'] } },
          },
        }),
      );
      expect(positions(r, RULE)).toEqual([at(RULE, 'belowTimeout', 23, 26, 23, 28)]);
      expect(own(r)[0]?.message).toMatch(/^Queue Shop\/Jobs has a visibility timeout of 30 s, below the 60 s timeout of Shop\/Api\/Handler/);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
