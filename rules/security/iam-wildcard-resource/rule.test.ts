import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyModel, type Finding, type IamStatement, type Loc, type Report, type Role } from '@lambda-lint/core';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { onlyAcceptsStar } from '../../support/data/iam-star-only-actions.js';
import rule, { exampleArn, listActions } from './rule.js';

const ID = 'iam-wildcard-resource';
const here = fileURLToPath(new URL('.', import.meta.url));
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';
const messages = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);

describe('iam-wildcard-resource', () => {
  it('knows the actions that only accept "*", case-insensitively, and the families they form', () => {
    expect(
      ['xray:PutTraceSegments', 'XRay:putTelemetryRecords', 'cloudwatch:PutMetricData', 'ec2:CreateNetworkInterface', 'ec2:DescribeSubnets', 'ec2:Describe*', 'sts:GetCallerIdentity', 's3:ListAllMyBuckets'].map(onlyAcceptsStar),
    ).toEqual([true, true, true, true, true, true, true, true]);
    expect(
      ['logs:CreateLogGroup', 'logs:PutLogEvents', 'dynamodb:GetItem', 's3:*', 'xray:Put*', '*', 'ec2:*', 'ec2:RunInstances', 'iam:PassRole'].map(onlyAcceptsStar),
    ).toEqual([false, false, false, false, false, false, false, false, false]);
  });

  it('names a few actions and an ARN shape for the service', () => {
    expect(listActions(['a', 'b'])).toBe('a, b');
    expect(listActions(['a', 'b', 'c', 'd', 'e'])).toBe('a, b, c and 2 more');
    expect(exampleArn('dynamodb:GetItem')).toBe('arn:aws:dynamodb:<region>:<account>:table/<table>');
    expect(exampleArn('rekognition:IndexFaces')).toBe('arn:aws:rekognition:<region>:<account>:<resource>');
  });

  describe('serverless.yml', () => {
    // `provider` continues the provider block (from line 7); `fn` continues the function `ingest` (from line 10).
    const app = (provider: string, fn = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
${provider}functions:
  ingest:
    handler: src/ingest.handler
${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports "*" for actions that accept ARNs, at the resource, naming the role, the actions and an ARN shape', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - dynamodb:GetItem
            - dynamodb:PutItem
          Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 14, 21, 14, 24)]);
      expect(messages(r)[0]).toBe(
        'Role IamRoleLambdaExecution: Resource "*" lets dynamodb:GetItem, dynamodb:PutItem act on every resource of that kind in the account, not only the ones this function uses: a bug or a compromised dependency can read or change other applications\' data. Scope the statement to the ARNs the code uses (e.g. arn:aws:dynamodb:<region>:<account>:table/<table>).',
      );
      expect(r.findings.find((f) => f.ruleId === ID)).toMatchObject({ severity: 'warning', function: 'ingest', resource: 'IamRoleLambdaExecution' });
    });

    it('accepts "*" when every action only accepts "*": X-Ray, PutMetricData, VPC network interfaces, ec2:Describe*', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - xray:PutTraceSegments
            - xray:PutTelemetryRecords
            - cloudwatch:PutMetricData
          Resource: '*'
        - Effect: Allow
          Action:
            - ec2:CreateNetworkInterface
            - ec2:DescribeNetworkInterfaces
            - ec2:DeleteNetworkInterface
            - ec2:AssignPrivateIpAddresses
            - ec2:UnassignPrivateIpAddresses
            - ec2:Describe*
          Resource: "*"
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('tells to split a statement that mixes "*"-only actions with scoped ones; logs:CreateLogGroup accepts ARNs', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - xray:PutTraceSegments
            - logs:CreateLogGroup
          Resource:
            - '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resourceMixed', 15, 15, 15, 18)]);
      expect(messages(r)[0]).toContain('lets logs:CreateLogGroup act on every resource');
      expect(messages(r)[0]).toContain('Move xray:PutTraceSegments (only "*" is accepted there) to a separate statement');
      expect(messages(r)[0]).toContain('arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<function>:*');
    });

    it('reports wildcard actions and NotAction on "*", and ignores Deny statements and scoped resources', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action: s3:*
          Resource: '*'
        - Effect: Allow
          NotAction: iam:*
          Resource: '*'
        - Effect: Deny
          Action: dynamodb:DeleteTable
          Resource: '*'
        - Effect: Allow
          Action: sqs:SendMessage
          Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 12, 21, 12, 24), at(ID, 'notAction', 15, 21, 15, 24)]);
    });

    it('leaves iam:PassRole on "*" to iam-passrole-wildcard, and still reports the other actions of the statement', async () => {
      const passOnly = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action: iam:PassRole
          Resource: '*'
`),
      );
      expect(positions(passOnly, ID)).toEqual([]);
      expect(positions(passOnly, 'iam-passrole-wildcard')).toEqual([at('iam-passrole-wildcard', 'passRole', 11, 19, 11, 31)]);
      const mixed = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - iam:PassRole
            - s3:GetObject
          Resource: '*'
`),
      );
      expect(positions(mixed, ID)).toEqual([at(ID, 'resource', 14, 21, 14, 24)]);
      expect(messages(mixed)[0]).toContain('Resource "*" lets s3:GetObject act on every resource');
    });

    it('reads the legacy provider.iamRoleStatements and reports a provider statement inherited by a function role once', async () => {
      const r = await lintFiles(
        app(
          `  iamRoleStatements:
    - Effect: Allow
      Action: sns:Publish
      Resource: '*'
`,
          `    iamRoleStatementsInherit: true
    iamRoleStatements:
      - Effect: Allow
        Action: sqs:SendMessage
        Resource: '*'
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 10, 17, 10, 20), at(ID, 'resource', 18, 19, 18, 22)]);
      expect(messages(r)[1]).toContain('Role IngestIamRoleLambdaExecution: Resource "*" lets sqs:SendMessage');
    });

    it('stays silent on actions and resources it cannot resolve offline', async () => {
      const r = await lintFiles(
        app(`  iam:
    role:
      statements:
        - Effect: Allow
          Action: \${ssm:/brand/actions}
          Resource: '*'
        - Effect: Allow
          Action: dynamodb:GetItem
          Resource: \${ssm:/brand/table-arn}
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    // `policies` continues the Properties of IngestRole (from line 22); `resources` adds resources after it.
    const template = (policies: string, resources = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
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
${policies}${resources}`,
    });

    it('reports "*" in the role inline policies, also inside a Resource list, not intrinsic ARNs', async () => {
      const r = await lintFiles(
        template(`      Policies:
        - PolicyName: ingest
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: [sqs:SendMessage, sqs:GetQueueUrl]
                Resource:
                  - !GetAtt Jobs.Arn
                  - '*'
              - Effect: Allow
                Action: dynamodb:Query
                Resource: !Sub \${Brands.Arn}/index/*
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 31, 21, 31, 24)]);
      expect(messages(r)[0]).toContain('Role IngestRole: Resource "*" lets sqs:SendMessage, sqs:GetQueueUrl act');
    });

    it('reports statements of standalone policies, attached or not, and stays silent on unresolvable actions', async () => {
      const policies = `  IngestPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: ingest-extra
      Roles: [!Ref IngestRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: kms:Decrypt
            Resource: '*'
          - Effect: Allow
            Action: !Ref ExtraAction
            Resource: '*'
  AuditPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: s3:GetObject
            Resource: '*'
`;
      const r = await lintFiles(template('', policies));
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 31, 23, 31, 26), at(ID, 'resource', 42, 23, 42, 26)]);
      expect(messages(r)[1]).toMatch(/^Policy: Resource "\*" lets s3:GetObject/);
    });

    it('does not speak of "this function" for a role no function uses (one a function assumes, a task role)', async () => {
      const assumed = `  RemediationRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { AWS: !Ref AWS::AccountId }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: remediate
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ec2:StopInstances
                Resource: '*'
`;
      const r = await lintFiles(template('', assumed));
      const own = r.findings.filter((f) => f.ruleId === ID && f.message.startsWith('Role RemediationRole'));
      expect(own.map((f) => [f.loc.line, f.loc.column])).toEqual([[36, 27]]);
      expect(own[0]!.message).toContain('not only the ones whoever assumes it needs:');
      expect(own[0]!.message).not.toContain('this function');
      expect(messages(await lintFiles(template(`      Policies:
        - PolicyName: ingest
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: '*'
`)))[0]).toContain('not only the ones this function uses:');
    });

    it('does not report the roles the CDK creates for its own helper functions', async () => {
      const cdkRole = `  LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRole9741ECFB:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: retention
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [logs:PutRetentionPolicy, logs:DeleteRetentionPolicy]
                Resource: '*'
    Metadata:
      aws:cdk:path: BrandStack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/Resource
`;
      expect(positions(await lintFiles(template('', cdkRole)), ID)).toEqual([]);
    });

    it('reads JSON templates', async () => {
      const json = `{
  "Resources": {
    "Ingest": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
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
        "Policies": [{ "PolicyName": "ingest", "PolicyDocument": { "Statement": [{ "Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": "*" }] } }]
      }
    }
  }
}
`;
      const r = await lintFiles({ 'template.json': json });
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 18, 146, 18, 149)]);
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
      Runtime: nodejs22.x
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

    it('reports "*" in inline Statement policies', async () => {
      const r = await lintFiles(
        sam(`        - Statement:
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 15, 25, 15, 28)]);
      expect(messages(r)[0]).toContain('Role IngestRole: Resource "*" lets dynamodb:GetItem');
    });

    it('does not report policy templates, which are coarse by design, nor managed policies', async () => {
      const r = await lintFiles(
        sam(`        - TextractPolicy: {}
        - VPCAccessPolicy: {}
        - CloudWatchPutMetricPolicy: {}
        - AWSXRayDaemonWriteAccess
        - DynamoDBReadPolicy:
            TableName: !Ref Brands
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    it('reports "*" in a DefaultPolicy at the value, naming the role by construct path', async () => {
      const r = await lintDirectory(join(here, 'fixtures/invalid/cdk-default-policy'));
      expect(positions(r, ID)).toEqual([at(ID, 'resource', 30, 90, 30, 93)]);
      expect(messages(r)[0]).toMatch(/^Role BrandStack\/GetBrand\/ServiceRole: Resource "\*" lets dynamodb:GetItem, dynamodb:Query act/);
    });
  });

  describe('statements the readers expand', () => {
    const loc: Loc = { file: '/project/template.yaml', line: 5, column: 21, endLine: 5, endColumn: 24 };
    const node = { kind: 'scalar' as const, value: '*', loc };
    const statement = (origin?: IamStatement['origin']): IamStatement => ({
      effect: { value: 'Allow', loc, node },
      actions: [{ value: 'dynamodb:GetItem', loc, node: { ...node } }],
      notActions: [],
      resources: [{ value: '*', loc, node }],
      notResources: [],
      loc,
      node: { kind: 'map', entries: [], loc },
      ...(origin ? { origin } : {}),
    });
    const run = (s: IamStatement) => {
      const model = emptyModel('/project');
      const role: Role = { id: '/project/template.yaml#IngestRole', loc, statements: [s], managedPolicies: [] };
      model.roles.push(role);
      const reports: Report[] = [];
      rule.check({ model, handlers: [], options: {}, today: new Date(), report: (r) => reports.push(r) });
      return reports.map((r) => r.messageId);
    };

    it('reports statements the user wrote, and not those of SAM policy templates, managed policies or the platform', () => {
      expect(run(statement())).toEqual(['resource']);
      expect(run(statement('inline'))).toEqual(['resource']);
      expect(run(statement('policy-template'))).toEqual([]);
      expect(run(statement('managed'))).toEqual([]);
      expect(run(statement('platform'))).toEqual([]);
    });
  });

  fixtureTests(here, ID);
});
