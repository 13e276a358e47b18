import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'missing-alarms';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const messageOf = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.find((f) => f.ruleId === ID)?.message;

describe('missing-alarms', () => {
  describe('serverless.yml with serverless-plugin-aws-alerts', () => {
    const app = (custom: string, fn = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n${fn}${custom}`,
      'src/ingest.ts': handler,
    });
    const alerts = (body: string) => `custom:\n  alerts:\n${body}`;

    it('reports a function without any alarm at its key, naming the three metrics', async () => {
      const r = await lintFiles(app(''));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      expect(messageOf(r)).toMatch(/^ingest: no CloudWatch alarm on Errors, Throttles and Duration \(p99\)\. .*go unnoticed until users complain/);
    });

    it('accepts the default definitions with functionDuration at p99', async () => {
      const r = await lintFiles(
        app(alerts('    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n')),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports the default functionDuration (p50), which is not p99', async () => {
      const r = await lintFiles(app(alerts('    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n')));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      expect(messageOf(r)).toContain('no CloudWatch alarm on Duration (p99).');
    });

    it('merges function-level alarms with the global ones, and lets `enabled: false` remove one', async () => {
      const fnAlarms = '    alarms:\n      - functionThrottles\n      - name: tail\n        metric: Duration\n        statistic: p99\n';
      const r = await lintFiles(app(alerts('    alarms:\n      - functionErrors\n'), fnAlarms));
      expect(positions(r, ID)).toEqual([]);
      const disabled = '    alarms:\n      - name: functionErrors\n        enabled: false\n';
      const r2 = await lintFiles(app(alerts('    alarms:\n      - functionErrors\n      - functionThrottles\n'), disabled));
      expect(messageOf(r2)).toContain('no CloudWatch alarm on Errors and Duration (p99).');
    });

    it('stays silent on a function whose definition is unknown: its own `alarms` may be in it', async () => {
      const unknownDefinition = {
        'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  ingest: \${file(./ingest.js)}\n  api:\n    handler: src/ingest.handler\n`,
        'src/ingest.ts': handler,
      };
      expect(positions(await lintFiles(unknownDefinition), ID)).toEqual([at(ID, 'missing', 7, 3, 7, 6)]);
    });

    it('counts no alarm when `stages` does not list the linted stage', async () => {
      const body = '    stages:\n      - prod\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n';
      expect(positions(await lintFiles(app(alerts(body))), ID)).toEqual([at(ID, 'missing', 6, 3, 6, 9)]);
      expect(positions(await lintFiles(app(alerts(body).replace('- prod', '- dev'))), ID)).toEqual([]);
    });

    it('ignores log pattern alarms, which watch a custom metric', async () => {
      const body = '    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionThrottles\n      - functionDuration\n      - name: functionErrors\n        pattern: ERROR\n';
      expect(messageOf(await lintFiles(app(alerts(body))))).toContain('no CloudWatch alarm on Errors.');
    });
  });

  describe('serverless.yml with alarms in resources', () => {
    const alarm = (id: string, metric: string, stat: string, dim: string) =>
      `    ${id}:\n      Type: AWS::CloudWatch::Alarm\n      Properties:\n        Namespace: AWS/Lambda\n        MetricName: ${metric}\n        ${stat}\n        Period: 60\n        EvaluationPeriods: 1\n        Threshold: 1\n        ComparisonOperator: GreaterThanOrEqualToThreshold\n        Dimensions:\n          - Name: FunctionName\n            Value: ${dim}\n`;
    const app = (alarms: string) => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  brand-api:\n    handler: src/ingest.handler\nresources:\n  Resources:\n${alarms}`,
      'src/ingest.ts': handler,
    });

    it('links alarms on the generated logical id and on the deployed function name', async () => {
      const r = await lintFiles(
        app(
          alarm('Errors', 'Errors', 'Statistic: Sum', '!Ref BrandDashapiLambdaFunction') +
            alarm('Throttles', 'Throttles', 'Statistic: Sum', 'brand-dev-brand-api') +
            alarm('Tail', 'Duration', 'ExtendedStatistic: p99', '${self:service}-${sls:stage}-brand-api'),
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports a Duration alarm on the average', async () => {
      const r = await lintFiles(
        app(
          alarm('Errors', 'Errors', 'Statistic: Sum', '!Ref BrandDashapiLambdaFunction') +
            alarm('Throttles', 'Throttles', 'Statistic: Sum', '!Ref BrandDashapiLambdaFunction') +
            alarm('Tail', 'Duration', 'Statistic: Average', '!Ref BrandDashapiLambdaFunction'),
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 6, 3, 6, 12)]);
      expect(messageOf(r)).toContain('brand-api: no CloudWatch alarm on Duration (p99).');
    });
  });

  describe('CloudFormation', () => {
    const fn = `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: brand-ingest\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n`;
    const alarm = (id: string, metric: string, stat: string, name: string, value: string) =>
      `  ${id}:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: ${metric}\n      ${stat}\n      Period: 60\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n      Dimensions:\n        - Name: ${name}\n          Value: ${value}\n`;

    it('reports only what is missing', async () => {
      const r = await lintFiles({ 'template.yaml': fn + alarm('Errors', 'Errors', 'Statistic: Sum', 'FunctionName', '!Ref Ingest') });
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 3, 3, 3, 9)]);
      expect(messageOf(r)).toMatch(/^Ingest: no CloudWatch alarm on Throttles and Duration \(p99\)\./);
    });

    it('accepts a literal function name, an alias Resource dimension and a higher percentile', async () => {
      const r = await lintFiles({
        'template.yaml':
          fn +
          alarm('Errors', 'Errors', 'Statistic: Sum', 'FunctionName', 'brand-ingest') +
          alarm('Throttles', 'Throttles', 'Statistic: Sum', 'Resource', '!Sub ${Ingest}:live') +
          alarm('Tail', 'Duration', 'ExtendedStatistic: p99.9', 'FunctionName', '!Ref Ingest'),
      });
      expect(positions(r, ID)).toEqual([]);
    });

    it('ignores an alarm in another namespace', async () => {
      const r = await lintFiles({
        'template.yaml':
          fn +
          alarm('Errors', 'Errors', 'Statistic: Sum', 'FunctionName', '!Ref Ingest') +
          alarm('Throttles', 'Throttles', 'Statistic: Sum', 'FunctionName', '!Ref Ingest') +
          alarm('Tail', 'Duration', 'ExtendedStatistic: p99', 'FunctionName', '!Ref Ingest').replace('AWS/Lambda', 'Brand/Custom'),
      });
      expect(messageOf(r)).toContain('no CloudWatch alarm on Duration (p99).');
    });

    it('reads MetricStat queries of a metric math alarm', async () => {
      const math = `  ErrorRate:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanThreshold\n      Metrics:\n        - Id: rate\n          Expression: errors / invocations * 100\n        - Id: errors\n          ReturnData: false\n          MetricStat:\n            Stat: Sum\n            Period: 60\n            Metric:\n              Namespace: AWS/Lambda\n              MetricName: Errors\n              Dimensions:\n                - Name: FunctionName\n                  Value: !Ref Ingest\n        - Id: tail\n          ReturnData: false\n          MetricStat:\n            Stat: p99\n            Period: 60\n            Metric:\n              Namespace: AWS/Lambda\n              MetricName: Duration\n              Dimensions:\n                - Name: FunctionName\n                  Value: !Ref Ingest\n`;
      const r = await lintFiles({ 'template.yaml': fn + math });
      expect(messageOf(r)).toMatch(/^Ingest: no CloudWatch alarm on Throttles\./);
    });
  });

  describe('SAM', () => {
    it('links alarms to a SAM function by !Ref', async () => {
      const base = `Transform: AWS::Serverless-2016-10-31\nResources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n  Errors:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: Errors\n      Statistic: Sum\n      Period: 60\n      EvaluationPeriods: 1\n      Threshold: 1\n      ComparisonOperator: GreaterThanOrEqualToThreshold\n      Dimensions:\n        - Name: FunctionName\n          Value: !Ref Ingest\n`;
      const r = await lintFiles({ 'template.yaml': base, 'src/ingest.ts': handler });
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 3, 3, 3, 9)]);
      expect(messageOf(r)).toContain('no CloudWatch alarm on Throttles and Duration (p99).');
    });
  });

  describe('CDK synth output', () => {
    it('links createAlarm() output to the function, named by its construct path', async () => {
      const fn = {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'handler.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/shop', Runtime: 'nodejs22.x' },
        Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/Resource' },
      };
      const alarm = (metric: string, stat: Record<string, string>) => ({
        Type: 'AWS::CloudWatch::Alarm',
        Properties: { ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, Threshold: 1, Period: 300, Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ApiHandler5E7490E8' } }], ...stat },
      });
      const files = (resources: Record<string, unknown>) => ({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify({ Resources: { ApiHandler5E7490E8: fn, ...resources } }, undefined, 1),
      });
      const r = await lintFiles(files({ ErrorsAlarm: alarm('Errors', { Statistic: 'Sum' }) }));
      expect(positions(r, ID)).toEqual([at(ID, 'missing', 3, 3, 3, 23)]);
      expect(messageOf(r)).toMatch(/^Shop\/Api\/Handler: no CloudWatch alarm on Throttles and Duration \(p99\)\. .*fn\.metricErrors/);
      const all = await lintFiles(
        files({ ErrorsAlarm: alarm('Errors', { Statistic: 'Sum' }), ThrottlesAlarm: alarm('Throttles', { Statistic: 'Sum' }), TailAlarm: alarm('Duration', { ExtendedStatistic: 'p99' }) }),
      );
      expect(positions(all, ID)).toEqual([]);
    });

    it('does not ask for alarms on the CDK\'s own singleton helper functions', async () => {
      const helper = {
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'helper.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/helper', Runtime: 'nodejs22.x', Timeout: 900 },
        Metadata: { 'aws:cdk:path': 'Shop/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource' },
      };
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify({ Resources: { LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A: helper } }, undefined, 1),
      });
      expect(positions(r, ID)).toEqual([]);
    });
  });

  it('takes the required metrics and the duration statistic from options', async () => {
    const files = {
      'serverless.yml':
        'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  a:\n    handler: a.handler\ncustom:\n  alerts:\n    alarms:\n      - functionErrors\n      - name: tail\n        metric: Duration\n        statistic: p95\n',
      'a.js': 'exports.handler = async () => {};\n',
    };
    const r = await lintFiles(files, { config: { rules: { [ID]: ['warning', { metrics: ['Errors', 'Duration'], durationStatistic: 'p95' }] } } });
    expect(positions(r, ID)).toEqual([]);
    const r2 = await lintFiles(files);
    expect(messageOf(r2)).toContain('no CloudWatch alarm on Throttles and Duration (p99).');
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
