import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';
import { actionProblem, broadManagedPolicy } from './rule.js';

const ID = 'iam-wildcard-action';
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';

describe('iam-wildcard-action', () => {
  it('classifies action patterns', () => {
    expect(['*', '*:*', 's3:*', 'S3:**', 's3:*Object*', 'dynamodb:*Item', 'sqs:?eceiveMessage'].map(actionProblem)).toEqual([
      'everything',
      'everything',
      'service',
      'service',
      'verbs',
      'verbs',
      'verbs',
    ]);
    expect(['s3:GetObject*', 's3:Get*Object', 'dynamodb:GetItem', 'logs:CreateLogStream'].map(actionProblem)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('recognises broad AWS managed policies by ARN or name, and not customer policies', () => {
    expect(
      [
        'arn:aws:iam::aws:policy/AdministratorAccess',
        'arn:aws-us-gov:iam::aws:policy/PowerUserAccess',
        'arn:${AWS::Partition}:iam::aws:policy/AmazonS3FullAccess',
        'arn:aws:iam::aws:policy/AWSLambda_FullAccess',
        'AmazonDynamoDBFullAccess',
      ].map(broadManagedPolicy),
    ).toEqual(['AdministratorAccess', 'PowerUserAccess', 'AmazonS3FullAccess', 'AWSLambda_FullAccess', 'AmazonDynamoDBFullAccess']);
    expect(
      [
        'arn:aws:iam::123456789012:policy/BrandFullAccess',
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'arn:aws:iam::aws:policy/ReadOnlyAccess',
        'template:DynamoDBCrudPolicy',
      ].map(broadManagedPolicy),
    ).toEqual([undefined, undefined, undefined, undefined]);
  });

  describe('serverless.yml', () => {
    // `provider` continues the provider block (from line 7); `fn` continues the function `ingest`.
    const app = (provider: string, fn = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs20.x
  memorySize: 256
  timeout: 10
${provider}functions:
  ingest:
    handler: src/ingest.handler
${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports "*", service:* and verb-spanning wildcards in provider.iam.role.statements, not s3:GetObject*', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - dynamodb:GetItem
            - 's3:*'
            - s3:*Object*
            - s3:GetObject*
            - '*'
          Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([
        at(ID, 'service', 13, 15, 13, 21),
        at(ID, 'verbs', 14, 15, 14, 26),
        at(ID, 'everything', 16, 15, 16, 18),
      ]);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[0]).toContain('Action "s3:*" allows every s3 action');
      expect(messages[0]).toContain('e.g. s3:GetObject, s3:PutObject');
      expect(messages[1]).toContain('Action "s3:*Object*" starts with a wildcard');
    });

    it('gives a real action as the example for the services Lambda code often calls, a pattern otherwise', async () => {
      const statement = (action: string) => `  iam:\n    role:\n      statements:\n        - Effect: Allow\n          Action: '${action}'\n          Resource: '*'\n`;
      const messageOf = async (action: string) => (await lintFiles(app(statement(action)))).findings.find((f) => f.ruleId === ID)!.message;
      expect(await messageOf('cloudwatch:*')).toContain('(e.g. cloudwatch:PutMetricData)');
      expect(await messageOf('ses:*')).toContain('(e.g. ses:SendEmail)');
      expect(await messageOf('glacier:*')).toContain('(e.g. glacier:<Verb><Noun>)');
    });

    it('reports NotAction with Allow once per statement, and ignores Deny statements', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          NotAction:
            - iam:*
            - organizations:*
          Resource: '*'
        - Effect: Deny
          Action: '*'
          Resource: arn:aws:s3:::brand-audit/*
        - Effect: Deny
          NotAction: s3:GetObject
          Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'notAction', 12, 15, 12, 20)]);
    });

    it('reads the legacy provider.iamRoleStatements', async () => {
      const r = await lintFiles(
        app(`  iamRoleStatements:
    - Effect: Allow
      Action: dynamodb:*
      Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/brands
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'service', 9, 15, 9, 25)]);
    });

    it('reads per-function iamRoleStatements (serverless-iam-roles-per-function)', async () => {
      const r = await lintFiles(
        app(
          '',
          `    iamRoleStatements:
      - Effect: Allow
        Action:
          - sqs:SendMessage
          - sqs:*
        Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'service', 14, 13, 14, 18)]);
    });

    it('reports broad AWS managed policies in provider.iam.role.managedPolicies, including a Sub of the partition', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      managedPolicies:
        - arn:aws:iam::aws:policy/AdministratorAccess
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonDynamoDBFullAccess
        - arn:aws:iam::123456789012:policy/BrandFullAccess
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'managedPolicy', 10, 11, 10, 54), at(ID, 'managedPolicy', 12, 11, 12, 78)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain(
        'Function role IamRoleLambdaExecution has the AWS managed policy AdministratorAccess',
      );
    });

    it('reports a provider managed policy once when serverless-iam-roles-per-function copies it to a function role', async () => {
      const r = await lintFiles(
        app(
          `  iam:
    role:
      managedPolicies:
        - arn:aws:iam::aws:policy/AmazonS3FullAccess
`,
          `    iamRoleStatements:
      - Effect: Allow
        Action: sqs:SendMessage
        Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
  audit:
    handler: src/ingest.handler
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'managedPolicy', 10, 11, 10, 53)]);
    });

    it('accepts least-privilege statements', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action: [dynamodb:GetItem, dynamodb:Query]
          Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/brands
        - Effect: Allow
          Action: s3:GetObject*
          Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    // `role` continues the Properties of IngestRole (from line 22); `resources` adds resources after it.
    const template = (role: string, resources = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: !GetAtt IngestRole.Arn
      Code:
        ZipFile: exports.handler = async () => {}
  IngestRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
${role}${resources}`,
    });

    it('reports wildcards in the role inline policies, not the trust policy', async () => {
      const r = await lintFiles(
        template(`      Policies:
        - PolicyName: ingest
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action:
                  - s3:GetObject*
                  - 's3:*Object*'
                Resource: arn:aws:s3:::brand-assets/*
              - Effect: Allow
                Action: dynamodb:*
                Resource: !GetAtt Brands.Arn
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'verbs', 30, 21, 30, 34), at(ID, 'service', 33, 25, 33, 35)]);
    });

    it('reports broad AWS managed policies in ManagedPolicyArns, literal, Sub and Join', async () => {
      const r = await lintFiles(
        template(`      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
        - arn:aws:iam::aws:policy/AdministratorAccess
        - !Sub arn:\${AWS::Partition}:iam::aws:policy/PowerUserAccess
        - !Join ['', ['arn:', !Ref AWS::Partition, ':iam::aws:policy/AmazonS3FullAccess']]
        - arn:aws:iam::aws:policy/AWSLambda_FullAccess
        - arn:aws:iam::aws:policy/ReadOnlyAccess
        - !Sub arn:aws:iam::\${AWS::AccountId}:policy/BrandFullAccess
`),
      );
      expect(positions(r, ID)).toEqual([
        at(ID, 'managedPolicy', 24, 11, 24, 54),
        at(ID, 'managedPolicy', 25, 11, 25, 69),
        at(ID, 'managedPolicy', 26, 11, 26, 91),
        at(ID, 'managedPolicy', 27, 11, 27, 55),
      ]);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[1]).toContain('Function role IngestRole has the AWS managed policy PowerUserAccess');
      expect(messages[2]).toContain('AmazonS3FullAccess');
    });

    it('does not report managed policies of a role that no function uses', async () => {
      const deployRole = `  DeployRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: codebuild.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/AdministratorAccess
`;
      expect(positions(await lintFiles(template('', deployRole)), ID)).toEqual([]);
    });

    it('reports statements of standalone policies attached to the role', async () => {
      const policies = `  IngestPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: ingest-extra
      Roles: [!Ref IngestRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: '*'
            Resource: '*'
  IngestManagedPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref IngestRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            NotAction: iam:*
            Resource: '*'
`;
      expect(positions(await lintFiles(template('', policies)), ID)).toEqual([
        at(ID, 'everything', 30, 21, 30, 24),
        at(ID, 'notAction', 39, 24, 39, 29),
      ]);
    });

    it('reports statements of an AWS::IAM::RolePolicy on the role', async () => {
      const rolePolicy = `  IngestRolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: !Ref IngestRole
      PolicyName: ingest-queue
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sqs:*
            Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
`;
      expect(positions(await lintFiles(template('', rolePolicy)), ID)).toEqual([at(ID, 'service', 30, 21, 30, 26)]);
    });

    it('ignores Deny statements and actions that cannot be resolved', async () => {
      const r = await lintFiles(
        template(`      Policies:
        - PolicyName: guard
          PolicyDocument:
            Statement:
              - Effect: Deny
                Action: '*'
                Resource: arn:aws:s3:::brand-audit/*
              - Effect: Allow
                Action: !Sub '\${Service}:*'
                Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reads JSON templates', async () => {
      const json = `{
  "Resources": {
    "Ingest": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs20.x",
        "Handler": "index.handler",
        "MemorySize": 256,
        "Timeout": 10,
        "Role": { "Fn::GetAtt": ["IngestRole", "Arn"] },
        "Code": { "ZipFile": "exports.handler = async () => {}" }
      }
    },
    "IngestRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": { "Statement": [{ "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" }] },
        "ManagedPolicyArns": [{ "Fn::Sub": "arn:\${AWS::Partition}:iam::aws:policy/AdministratorAccess" }],
        "Policies": [{ "PolicyName": "ingest", "PolicyDocument": { "Statement": [{ "Effect": "Allow", "Action": ["sqs:*"], "Resource": "*" }] } }]
      }
    }
  }
}
`;
      const r = await lintFiles({ 'template.json': json });
      expect(positions(r, ID)).toEqual([at(ID, 'managedPolicy', 18, 31, 18, 105), at(ID, 'service', 19, 114, 19, 121)]);
    });
  });

  describe('SAM', () => {
    // `policies` are the items of the function's Policies (from line 12).
    const sam = (policies: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Ingest:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src/
      Handler: ingest.handler
      MemorySize: 256
      Timeout: 10
      Policies:
${policies}  Brands:
    Type: AWS::DynamoDB::Table
`,
      'src/ingest.ts': handler,
    });

    it('reports broad managed policies by name or ARN, not policy templates or narrow managed policies', async () => {
      const r = await lintFiles(
        sam(`        - AWSLambdaBasicExecutionRole
        - AdministratorAccess
        - AmazonDynamoDBFullAccess
        - arn:aws:iam::aws:policy/PowerUserAccess
        - DynamoDBCrudPolicy:
            TableName: !Ref Brands
`),
      );
      expect(positions(r, ID)).toEqual([
        at(ID, 'managedPolicy', 13, 11, 13, 30),
        at(ID, 'managedPolicy', 14, 11, 14, 35),
        at(ID, 'managedPolicy', 15, 11, 15, 50),
      ]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('Function role IngestRole has the AWS managed policy AdministratorAccess');
    });

    it('reports a managed policy ARN written with !Sub, and stays silent on a !Ref to a customer policy', async () => {
      const r = await lintFiles(
        sam(`        - !Sub arn:\${AWS::Partition}:iam::aws:policy/AmazonS3FullAccess
        - !Ref BrandsReadPolicy
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'managedPolicy', 12, 11, 12, 72)]);
    });

    it('reports wildcards and NotAction in inline policy statements', async () => {
      const r = await lintFiles(
        sam(`        - Statement:
            - Effect: Allow
              Action:
                - dynamodb:GetItem
                - dynamodb:*Item
              Resource: !GetAtt Brands.Arn
            - Effect: Allow
              NotAction: s3:DeleteObject
              Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'verbs', 16, 19, 16, 33), at(ID, 'notAction', 19, 26, 19, 41)]);
    });

    it('names the function and its role for an inline statement, as iam-wildcard-resource does', async () => {
      const r = await lintFiles(
        sam(`        - Statement:
            - Effect: Allow
              Action: ses:*
              Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'service', 14, 23, 14, 28)]);
      const finding = r.findings.find((f) => f.ruleId === ID);
      expect(finding).toMatchObject({ function: 'Ingest', resource: 'IngestRole' });
      expect(finding?.message).toMatch(/^Role IngestRole: Action "ses:\*" allows every ses action/);
      expect(r.findings.find((f) => f.ruleId === 'iam-wildcard-resource')).toMatchObject({ function: 'Ingest', resource: 'IngestRole' });
    });

    it('accepts policy templates and least-privilege statements', async () => {
      const r = await lintFiles(
        sam(`        - DynamoDBReadPolicy:
            TableName: !Ref Brands
        - Statement:
            - Effect: Allow
              Action: [s3:GetObject, s3:GetObjectVersion*]
              Resource: arn:aws:s3:::brand-assets/*
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
