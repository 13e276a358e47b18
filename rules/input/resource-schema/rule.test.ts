import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isSchemaLoaded } from '@lambda-lint/schema';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import rule from './rule.js';

const ID = 'resource-schema';
const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

const messages = async (files: Record<string, string>) => (await lintFiles(files)).findings.filter((f) => f.ruleId === ID).map((f) => f.message);

describe('resource-schema', () => {
  // First, while nothing in this worker has needed a schema yet.
  it('does not load the schemas for a project without resources', async () => {
    const r = await lintFiles({
      'serverless.yml': 'service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n',
      'src/ingest.ts': handler,
    });
    expect(positions(r, ID)).toEqual([]);
    expect(isSchemaLoaded()).toBe(false);
  });

  describe('CloudFormation YAML', () => {
    const template = (props: string, extra = '') => ({
      'template.yaml':
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n" +
        '      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n' +
        props +
        extra,
    });

    it('accepts a valid function', async () => {
      expect(positions(await lintFiles(template('      MemorySize: 256\n      Timeout: 10\n')), ID)).toEqual([]);
    });

    it('reports an unknown resource type at the type, with the closest known type', async () => {
      const r = await lintFiles({ 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Jobs:\n    Type: AWS::SQS::Queu\n" });
      expect(positions(r, ID)).toEqual([at(ID, 'unknownType', 4, 11, 4, 25)]);
      expect(r.findings[0]!.message).toBe(
        'Jobs: `AWS::SQS::Queu` is not a CloudFormation resource type, so the deploy fails with "Unrecognized resource types: [AWS::SQS::Queu]". Did you mean `AWS::SQS::Queue`?',
      );
    });

    it('reports an unknown type with no close match without a guess', async () => {
      const msgs = await messages({ 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Thing:\n    Type: AWS::Nothing::Here\n" });
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).not.toContain('Did you mean');
      expect(msgs[0]).toContain('registry extension');
    });

    it('reports an unknown property at its key, with the closest property name', async () => {
      const r = await lintFiles(template('      Memorysize: 256\n      Timeout: 10\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'unknownProperty', 11, 7, 11, 17)]);
      expect(r.findings.find((f) => f.ruleId === ID)!.message).toBe(
        'Ingest: `Memorysize` is not a property of `AWS::Lambda::Function`, so the deploy fails ("Encountered unsupported property Memorysize"). Did you mean `MemorySize`?',
      );
    });

    it('lists the properties of a small type when nothing is close', async () => {
      const msgs = await messages(template('      DeadLetterConfig:\n        QueueArn: arn:aws:sqs:eu-west-1:123456789012:dlq\n'));
      expect(msgs).toEqual([
        'Ingest: `QueueArn` is not a property of `AWS::Lambda::Function.DeadLetterConfig`, so the deploy fails ("Encountered unsupported property QueueArn"). Remove it, or use one of `TargetArn`.',
      ]);
    });

    it('reports a value of the wrong type at the value', async () => {
      const r = await lintFiles(template('      Timeout: ten\n      Layers: arn:aws:lambda:eu-west-1:123456789012:layer:shared:3\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'wrongType', 11, 16, 11, 19), at(ID, 'wrongType', 12, 15, 12, 67)]);
      const [timeout, layers] = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(timeout).toBe(
        'Ingest: `Timeout` is the string `ten`, but `AWS::Lambda::Function` expects an integer there, so the deploy fails its property validation. Write an integer, or an intrinsic function (`!Ref`, `!GetAtt`, `!Sub`) that yields one.',
      );
      expect(layers).toContain('`Layers` is the string `arn:aws:lambda:eu-west-1:123456789012...`, but `AWS::Lambda::Function` expects a list of strings there');
    });

    it('is lenient like CloudFormation: numbers and booleans as strings, scalars for strings, nulls', async () => {
      const r = await lintFiles(
        template(
          "      MemorySize: '256'\n      Timeout: 10\n      Description: 42\n      Environment:\n        Variables:\n          RETRIES: 3\n          DEBUG: false\n" +
            "      SnapStart:\n        ApplyOn: None\n      PublishToLatestPublished: 'true'\n      KmsKeyArn:\n",
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('accepts intrinsic functions, dynamic references and unknown values anywhere', async () => {
      const r = await lintFiles(
        template(
          "      MemorySize: '{{resolve:ssm:/ingest/memory}}'\n      Timeout: !Ref Timeout\n      Layers: !Split [',', !ImportValue SharedLayers]\n" +
            "      Environment: !If [IsProd, { Variables: { STAGE: prod } }, !Ref AWS::NoValue]\n      VpcConfig:\n        SubnetIds: !Ref Subnets\n        SecurityGroupIds:\n          - !GetAtt Sg.GroupId\n",
          'Parameters:\n  Timeout:\n    Type: Number\n  Subnets:\n    Type: List<AWS::EC2::Subnet::Id>\nConditions:\n  IsProd: !Equals [!Ref AWS::AccountId, "123456789012"]\n',
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('checks nested property types: unknown keys, types and required keys inside them', async () => {
      const r = await lintFiles(
        template(
          '      Timeout: 10\n      Environment:\n        Variables:\n          - STAGE=prod\n      FileSystemConfigs:\n        - Arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1\n' +
            '      TracingConfig:\n        Mode: Active\n        Sampled: true\n',
        ),
      );
      expect(positions(r, ID)).toEqual([
        // A block sequence ends where the next line starts.
        at(ID, 'wrongType', 14, 11, 15, 1),
        at(ID, 'missingRequired', 16, 11, 16, 14),
        at(ID, 'unknownProperty', 19, 9, 19, 16),
      ]);
      const msgs = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(msgs[0]).toContain('`Environment.Variables` is a list, but `AWS::Lambda::Function.Environment` expects a map of strings there');
      expect(msgs[1]).toBe(
        'Ingest: `AWS::Lambda::Function.FileSystemConfig` requires `LocalMountPath`, which is missing, so the deploy fails its property validation ("required key [LocalMountPath] not found"). Add `LocalMountPath`.',
      );
      expect(msgs[2]).toContain('`Sampled` is not a property of `AWS::Lambda::Function.TracingConfig`');
    });

    it('reports missing required properties at the Properties key, or at the resource without Properties', async () => {
      const noRole = {
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Code:\n        ZipFile: exports.handler = async () => {}\n",
      };
      const r = await lintFiles(noRole);
      expect(positions(r, ID)).toEqual([at(ID, 'missingRequired', 5, 5, 5, 15)]);
      expect(r.findings.find((f) => f.ruleId === ID)!.message).toBe(
        'Ingest: `AWS::Lambda::Function` requires `Role`, which is missing, so the deploy fails its property validation ("required key [Role] not found"). Add `Role`.',
      );
      const bare = await lintFiles({ 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n  Jobs:\n    Type: AWS::SQS::Queue\n" });
      expect(positions(bare, ID)).toEqual([at(ID, 'missingRequired', 3, 3, 3, 9)]);
      expect(bare.findings.find((f) => f.ruleId === ID)!.message).toContain('requires `Code`, `Role`, which are missing');
    });

    it('accepts a local path where `aws cloudformation package` uploads one', async () => {
      const r = await lintFiles({
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code: ./src\n",
      });
      expect(positions(r, ID)).toEqual([]);
    });

    it('checks custom resources for their ServiceToken only, and leaves registry extensions and CDK metadata alone', async () => {
      const r = await lintFiles({
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Seed:\n    Type: Custom::SeedTable\n    Properties:\n      ServiceToken: !GetAtt SeedFunction.Arn\n      Items: [1, 2]\n" +
          '  NoToken:\n    Type: AWS::CloudFormation::CustomResource\n    Properties:\n      Anything: true\n' +
          '  Cluster:\n    Type: MongoDB::Atlas::Cluster\n    Properties:\n      Whatever: 1\n' +
          '  CDKMetadata:\n    Type: AWS::CDK::Metadata\n    Properties:\n      Analytics: v2:deflate64:abc\n',
      });
      expect(positions(r, ID)).toEqual([at(ID, 'missingRequired', 10, 5, 10, 15)]);
      expect(r.findings.find((f) => f.ruleId === ID)!.message).toContain('requires `ServiceToken`');
    });

    it('skips templates processed by a macro, and objects completed by Fn::Transform', async () => {
      const macro = await lintFiles({
        'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nTransform: MyCompanyMacro\nResources:\n  Thing:\n    Type: AWS::Lambda::Function\n    Properties:\n      Whatever: 1\n",
      });
      expect(positions(macro, ID)).toEqual([]);
      const include = await lintFiles({
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Fn::Transform:\n        Name: AWS::Include\n        Parameters:\n          Location: s3://bucket/ingest.yaml\n      Timeout: 10\n",
      });
      expect(positions(include, ID)).toEqual([]);
    });

    it('does not trip over names that are also JavaScript object members, or Properties that are not a map', async () => {
      const r = await lintFiles({
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Type: toString\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      constructor: 1\n      __proto__: 2\n" +
          '  C:\n    Type: AWS::SQS::Queue\n    Properties: [VisibilityTimeout]\n',
      });
      expect(r.internalErrors).toEqual([]);
      expect(positions(r, ID)).toEqual([at(ID, 'unknownProperty', 8, 7, 8, 18), at(ID, 'unknownProperty', 9, 7, 9, 16), at(ID, 'wrongType', 12, 17, 12, 36)]);
    });

    it('accepts values of a type the property had before', async () => {
      // `KeySchema` was a list and is now a list or JSON; `RedrivePolicy` was JSON and is now JSON or a string.
      const r = await lintFiles({
        'template.yaml':
          "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy: '{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq\",\"maxReceiveCount\":3}'\n" +
          '  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      KeySchema:\n        - AttributeName: id\n          KeyType: HASH\n      AttributeDefinitions:\n        - AttributeName: id\n          AttributeType: S\n      BillingMode: PAY_PER_REQUEST\n',
      });
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    const json = (props: Record<string, unknown>, type = 'AWS::SQS::Queue') => ({
      'template.json': JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: { Jobs: { Type: type, Properties: props } } }, null, 2) + '\n',
    });

    it('reports every kind of problem with JSON positions', async () => {
      const r = await lintFiles(json({ VisibilityTimeout: 'thirty', DelaySecond: 5, RedrivePolicy: { deadLetterTargetArn: 'arn', maxReceiveCount: 3 } }));
      // line 7: `"VisibilityTimeout": "thirty",`, line 8: `"DelaySecond": 5,`
      expect(positions(r, ID)).toEqual([at(ID, 'wrongType', 7, 30, 7, 38), at(ID, 'unknownProperty', 8, 9, 8, 22)]);
      expect(r.findings.filter((f) => f.ruleId === ID)[1]!.message).toContain('Did you mean `DelaySeconds`?');
    });

    it('reports an unknown type and a missing required property', async () => {
      const type = await lintFiles(json({}, 'AWS::SNS::Topics'));
      expect(positions(type, ID)).toEqual([at(ID, 'unknownType', 5, 15, 5, 33)]);
      expect(type.findings[0]!.message).toContain('Did you mean `AWS::SNS::Topic`?');
      const required = await lintFiles(json({ Protocol: 'sqs' }, 'AWS::SNS::Subscription'));
      expect(positions(required, ID)).toEqual([at(ID, 'missingRequired', 6, 7, 6, 19)]);
      expect(required.findings[0]!.message).toContain('`AWS::SNS::Subscription` requires `TopicArn`');
    });
  });

  describe('SAM', () => {
    const sam = (props: string, extra = '') => ({
      'template.yaml':
        'Transform: AWS::Serverless-2016-10-31\nResources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n' +
        props +
        extra,
      'src/ingest.ts': handler,
    });

    it('accepts SAM properties, and the Lambda properties SAM passes through', async () => {
      const r = await lintFiles(
        sam(
          '      Timeout: 10\n      AutoPublishAlias: live\n      LoggingConfig:\n        LogFormat: JSON\n      RecursiveLoop: Terminate\n      Events:\n        Api:\n          Type: HttpApi\n      Tags:\n        team: brand\n',
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports an unknown SAM property with the SAM error', async () => {
      const r = await lintFiles(sam('      Timeout: 10\n      AutoPublishAlais: live\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'unknownProperty', 10, 7, 10, 23)]);
      expect(r.findings.find((f) => f.ruleId === ID)!.message).toBe(
        'Ingest: `AutoPublishAlais` is not a property of `AWS::Serverless::Function`, so the SAM transform fails ("property AutoPublishAlais not defined for resource of type AWS::Serverless::Function"). Did you mean `AutoPublishAlias`?',
      );
    });

    it('reports wrong types of SAM properties', async () => {
      const r = await lintFiles(sam('      Timeout: [10]\n      Events:\n        - Type: Api\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'wrongType', 9, 16, 9, 20), at(ID, 'wrongType', 11, 9, 12, 1)]);
    });

    it('reports an unknown SAM type and a SAM type without its required property', async () => {
      const r = await lintFiles(
        sam('      Timeout: 10\n', '  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Name: brand\n  Table:\n    Type: AWS::Serverless::SimpleTabel\n'),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'missingRequired', 12, 5, 12, 15), at(ID, 'unknownType', 15, 11, 15, 39)]);
      const msgs = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(msgs[0]).toBe(
        "Api: `AWS::Serverless::Api` requires `StageName`, which is missing, so the SAM transform fails (\"Missing required property 'StageName'\"). Add `StageName`.",
      );
      expect(msgs[1]).toContain('Did you mean `AWS::Serverless::SimpleTable`?');
    });

    it('checks the plain CloudFormation resources of a SAM template', async () => {
      const r = await lintFiles(sam('      Timeout: 10\n', '  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: [60]\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'wrongType', 13, 26, 13, 30)]);
    });
  });

  describe('serverless.yml resources', () => {
    const app = (resources: string) => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  ingest:\n    handler: src/ingest.handler\nresources:\n  Resources:\n${resources}`,
      'src/ingest.ts': handler,
    });

    it('reports unknown types and properties, wrong types and missing required properties', async () => {
      const r = await lintFiles(
        app(
          '    Jobs:\n      Type: AWS::SQS::Queue\n      Properties:\n        VisibilityTimout: 60\n        FifoQueue: yes please\n' +
            '    JobsTopic:\n      Type: AWS::SNS::Subscription\n      Properties:\n        Protocol: sqs\n' +
            '    Alarm:\n      Type: AWS::CloudWatch::Alarms\n',
        ),
      );
      expect(positions(r, ID)).toEqual([
        at(ID, 'unknownProperty', 13, 9, 13, 25),
        at(ID, 'wrongType', 14, 20, 14, 30),
        at(ID, 'missingRequired', 17, 7, 17, 17),
        at(ID, 'unknownType', 20, 13, 20, 36),
      ]);
      const msgs = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(msgs[0]).toContain('Did you mean `VisibilityTimeout`?');
      expect(msgs[1]).toContain('`FifoQueue` is the string `yes please`, but `AWS::SQS::Queue` expects a boolean (`true` or `false`) there');
      expect(msgs[3]).toContain('Did you mean `AWS::CloudWatch::Alarm`?');
    });

    it('accepts deploy-time variables and partial overrides of generated resources', async () => {
      const r = await lintFiles(
        app(
          '    Jobs:\n      Type: AWS::SQS::Queue\n      Properties:\n        VisibilityTimeout: ${ssm:/brand/visibility}\n        QueueName: ${self:service}-jobs\n' +
            '    IngestLambdaFunction:\n      Type: AWS::Lambda::Function\n      Properties:\n        ReservedConcurrentExecutions: 5\n',
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('serverless.yml functions', () => {
    const app = (functions: string) => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n${functions}`,
      'src/ingest.ts': handler,
    });

    it('reports entries that are no function definition (mis-indented settings) instead of linting them as functions', async () => {
      // Line 6: `ingest:` with nothing under it; lines 7 and 8: its settings one level too far left.
      const r = await lintFiles(app('  ingest:\n  handler: src/ingest.handler\n  events:\n    - schedule: rate(1 hour)\n'));
      expect(positions(r, ID)).toEqual([
        at(ID, 'functionNotDefinition', 6, 3, 6, 9),
        at(ID, 'functionNotDefinition', 7, 3, 7, 10),
        at(ID, 'functionNotDefinition', 8, 3, 8, 9),
      ]);
      const msgs = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(msgs[0]).toContain('functions.ingest has no definition');
      expect(msgs[1]).toContain('functions.handler is a string, not a function definition');
      expect(msgs[1]).toContain('`handler` is a function setting: indent it under the function it belongs to (ingest)');
      expect(msgs[2]).toContain('functions.events is a list, not a function definition');
      // No function is made up of them, so no other rule reports `handler` or `events` as functions.
      expect(r.model.functions.map((f) => f.name)).toEqual([]);
      expect(r.findings.filter((f) => f.ruleId !== ID)).toEqual([]);
    });

    it('reports a function with neither handler nor image, and accepts either', async () => {
      const r = await lintFiles(app('  ingest:\n    events:\n      - schedule: rate(1 hour)\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'functionWithoutHandler', 6, 3, 6, 9)]);
      expect(positions(await lintFiles(app('  ingest:\n    image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/ingest:latest\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('  ingest:\n    handler: src/ingest.handler\n')), ID)).toEqual([]);
      // A definition that is a deploy-time variable is not known: no finding.
      expect(positions(await lintFiles(app('  ingest: ${file(./ingest.yml)}\n')), ID)).toEqual([]);
    });
  });

  describe('CDK output', () => {
    it('names the construct path', async () => {
      const template = {
        Resources: {
          IngestServiceRole: {
            Type: 'AWS::IAM::Role',
            Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }, ManagedPolicyArn: [] },
            Metadata: { 'aws:cdk:path': 'BrandStack/Ingest/ServiceRole/Resource' },
          },
        },
      };
      const manifest = {
        version: '36.0.0',
        artifacts: { BrandStack: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'BrandStack.template.json' } } },
      };
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify(manifest),
        'cdk.out/BrandStack.template.json': JSON.stringify(template, null, 1) + '\n',
      });
      expect(positions(r, ID)).toEqual([at(ID, 'unknownProperty', 10, 5, 10, 23)]);
      const finding = r.findings.find((f) => f.ruleId === ID)!;
      expect(finding.message).toBe(
        'BrandStack/Ingest/ServiceRole: `ManagedPolicyArn` is not a property of `AWS::IAM::Role`, so the deploy fails ("Encountered unsupported property ManagedPolicyArn"). Did you mean `ManagedPolicyArns`?',
      );
      expect(finding.resource).toBe('BrandStack/Ingest/ServiceRole');
    });
  });

  it('stays silent on every valid fixture of every rule and on the example platform', async () => {
    const apps: string[] = [join(repoRoot, 'examples', 'brand-platform'), join(repoRoot, 'packages', 'cdk', 'fixtures', 'app')].filter((d) => existsSync(d));
    const rulesDir = join(repoRoot, 'rules');
    for (const category of readdirSync(rulesDir)) {
      const catDir = join(rulesDir, category);
      if (!statSync(catDir).isDirectory()) continue;
      for (const id of readdirSync(catDir)) {
        const valid = join(catDir, id, 'fixtures', 'valid');
        let cases: string[] = [];
        try {
          cases = readdirSync(valid).filter((n) => statSync(join(valid, n)).isDirectory());
        } catch {
          continue;
        }
        apps.push(...cases.map((c) => join(valid, c)));
      }
    }
    expect(apps.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const dir of apps) {
      const r = await lintDirectory(dir, { rules: [rule] });
      for (const f of r.findings) found.push(`${f.loc.file}:${f.loc.line}:${f.loc.column} ${f.message}`);
    }
    expect(found).toEqual([]);
  });

  fixtureTests(here, ID);
});
