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

const RULE = 'log-retention';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE);

describe('log-retention', () => {
  describe('serverless.yml', () => {
    const app = (fn = '', provider = '', resources = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n${fn}${resources}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without logRetentionInDays at its key', async () => {
      const r = await lintFiles(app());
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 8, 3, 8, 9)]);
      expect(own(r)[0]?.message).toMatch(/^ingest: no log retention is set, .*forever.*Set `provider\.logRetentionInDays`/);
    });

    it('accepts provider.logRetentionInDays and a function-level logRetentionInDays', async () => {
      expect(positions(await lintFiles(app('', '  logRetentionInDays: 30\n')), RULE)).toEqual([]);
      const r = await lintFiles(app('    logRetentionInDays: 14\n  report:\n    handler: src/ingest.handler\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 11, 3, 11, 9)]);
    });

    it('accepts custom.logRetentionInDays of serverless-plugin-log-retention, and not without the plugin', async () => {
      const custom = 'custom:\n  logRetentionInDays: 30\n';
      const plugin = (list: string) => ({ ...app('', '', custom), 'serverless.yml': `${app('', '', custom)['serverless.yml']}plugins:${list}` });
      expect(positions(await lintFiles(plugin('\n  - serverless-plugin-log-retention\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(plugin('\n  modules:\n    - serverless-plugin-log-retention\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('', '', custom)), RULE)).toEqual([at(RULE, 'missing', 8, 3, 8, 9)]);
    });

    it('accepts a retention set on the generated log group in resources', async () => {
      const extension = 'resources:\n  extensions:\n    IngestLogGroup:\n      Properties:\n        RetentionInDays: 7\n';
      expect(positions(await lintFiles(app('', '', extension)), RULE)).toEqual([]);
      const override = 'resources:\n  Resources:\n    IngestLogGroup:\n      Type: AWS::Logs::LogGroup\n      Properties:\n        LogGroupName: /aws/lambda/brand-dev-ingest\n        RetentionInDays: 7\n';
      expect(positions(await lintFiles(app('', '', override)), RULE)).toEqual([]);
    });

    it('is silent with disableLogs and with a retention only known at deploy time', async () => {
      expect(positions(await lintFiles(app('    disableLogs: true\n')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('', '  logRetentionInDays: ${ssm:/brand/retention}\n')), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (more = '', props = '', head = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\n${head}Resources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n      MemorySize: 256\n      Timeout: 10\n${props}${more}`,
    });
    const group = (name: string, retention = '      RetentionInDays: 30\n') => `  IngestLogs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: ${name}\n${retention}`;

    it('reports a function without a log group at its key, naming the log group to add', async () => {
      const r = await lintFiles(template());
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 9)]);
      expect(own(r)[0]?.message).toContain('`LogGroupName: !Sub /aws/lambda/${Ingest}`');
    });

    it('accepts /aws/lambda/<name> written with !Sub, !Join or the literal FunctionName', async () => {
      expect(positions(await lintFiles(template(group('!Sub /aws/lambda/${Ingest}'))), RULE)).toEqual([]);
      expect(positions(await lintFiles(template(group("!Join ['', [/aws/lambda/, !Ref Ingest]]"))), RULE)).toEqual([]);
      expect(positions(await lintFiles(template(group('/aws/lambda/brand-ingest'), '      FunctionName: brand-ingest\n')), RULE)).toEqual([]);
    });

    it("does not count another function's log group", async () => {
      expect(positions(await lintFiles(template(group('/aws/lambda/brand-report'), '      FunctionName: brand-ingest\n')), RULE)).toEqual([
        at(RULE, 'missing', 3, 3, 3, 9),
      ]);
    });

    it('reports a log group without RetentionInDays at the log group', async () => {
      const r = await lintFiles(template(group('!Sub /aws/lambda/${Ingest}', '')));
      expect(positions(r, RULE)).toEqual([at(RULE, 'groupWithoutRetention', 13, 3, 13, 13)]);
      expect(own(r)[0]?.message).toMatch(/^Log group IngestLogs receives the logs of Ingest but has no RetentionInDays/);
    });

    it('follows LoggingConfig.LogGroup to a log group of the template', async () => {
      const logging = '      LoggingConfig:\n        LogGroup: !Ref AppLogs\n';
      const app = (retention: string) => `  AppLogs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n${retention}      LogGroupClass: STANDARD\n`;
      expect(positions(await lintFiles(template(app('      RetentionInDays: 30\n'), logging)), RULE)).toEqual([]);
      expect(positions(await lintFiles(template(app(''), logging)), RULE)).toEqual([at(RULE, 'groupWithoutRetention', 15, 3, 15, 10)]);
    });

    it('is silent on a LoggingConfig.LogGroup outside the template and on a retention only known at deploy time', async () => {
      expect(positions(await lintFiles(template('', '      LoggingConfig:\n        LogGroup: platform-shared-logs\n')), RULE)).toEqual([]);
      const params = 'Parameters:\n  Retention:\n    Type: Number\n';
      expect(positions(await lintFiles(template(group('!Sub /aws/lambda/${Ingest}', '      RetentionInDays: !Ref Retention\n'), '', params)), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON (CDK output)', () => {
    const template = (retention: string) => ({
      'template.json': `{
  "Resources": {
    "Ingest": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
        "Handler": "index.handler",
        "Role": "arn:aws:iam::123456789012:role/ingest",
        "Code": { "ZipFile": "exports.handler = async () => {}" },
        "MemorySize": 256,
        "Timeout": 10
      }
    }${retention}
  }
}
`,
    });

    it('accepts the Custom::LogRetention that CDK `logRetention` synthesizes', async () => {
      const custom = `,
    "IngestLogRetention": {
      "Type": "Custom::LogRetention",
      "Properties": {
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:log-retention",
        "LogGroupName": { "Fn::Join": ["", ["/aws/lambda/", { "Ref": "Ingest" }]] },
        "RetentionInDays": 30
      }
    }`;
      expect(positions(await lintFiles(template(custom)), RULE)).toEqual([]);
    });

    it('reports a function without one at its key', async () => {
      expect(positions(await lintFiles(template('')), RULE)).toEqual([at(RULE, 'missing', 3, 5, 3, 13)]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, more: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n      MemorySize: 256\n      Timeout: 10\n${more}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without a log group and accepts one with RetentionInDays', async () => {
      expect(positions(await lintFiles(sam('', '')), RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 9)]);
      const group = '  IngestLogs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: !Sub /aws/lambda/${Ingest}\n      RetentionInDays: 14\n';
      expect(positions(await lintFiles(sam('', group)), RULE)).toEqual([]);
    });

    it('follows a Globals LoggingConfig.LogGroup, reporting a shared log group without retention once', async () => {
      const globals = 'Globals:\n  Function:\n    LoggingConfig:\n      LogGroup: !Ref AppLogs\n';
      const report = '  Report:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n      MemorySize: 256\n      Timeout: 10\n';
      const r = await lintFiles(sam(globals, `${report}  AppLogs:\n    Type: AWS::Logs::LogGroup\n`));
      expect(positions(r, RULE)).toEqual([at(RULE, 'groupWithoutRetention', 23, 3, 23, 10)]);
      expect(own(r)[0]?.message).toContain('receives the logs of Ingest, Report');
      const withRetention = await lintFiles(sam(globals, `${report}  AppLogs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 90\n`));
      expect(positions(withRetention, RULE)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    const retention = {
      Type: 'Custom::LogRetention',
      Properties: {
        ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:log-retention',
        LogGroupName: { 'Fn::Join': ['', ['/aws/lambda/', { Ref: 'ApiHandler5E7490E8' }]] },
        RetentionInDays: 30,
      },
      Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/LogRetention/Resource' },
    };

    it('reports a function without a log group at its logical id, with the CDK fix', async () => {
      const r = await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction() }));
      expect(positions(r, RULE)).toEqual([at(RULE, 'missing', 3, 3, 3, 23)]);
      expect(own(r)[0]?.message).toMatch(/^Shop\/Api\/Handler: no log retention is set, .*`logGroup: new LogGroup/);
    });

    it('accepts `logRetention` (Custom::LogRetention) and `logGroup` (LoggingConfig.LogGroup)', async () => {
      expect(positions(await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction(), ApiHandlerLogRetention9F2C1E0D: retention })), RULE)).toEqual([]);
      const logGroup = { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 }, Metadata: { 'aws:cdk:path': 'Shop/Api/Logs/Resource' } };
      const fn = cdkFunction({ LoggingConfig: { LogGroup: { Ref: 'ApiLogs7C1E2B3A' } } });
      expect(positions(await lintFiles(cdk({ ApiHandler5E7490E8: fn, ApiLogs7C1E2B3A: logGroup })), RULE)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
