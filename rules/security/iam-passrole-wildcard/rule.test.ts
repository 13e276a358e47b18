import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { actionMatches } from '../../support/iam.js';
import { coversEveryRole } from './rule.js';

const ID = 'iam-passrole-wildcard';
const here = fileURLToPath(new URL('.', import.meta.url));
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';
const own = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID);

describe('iam-passrole-wildcard', () => {
  it('matches iam:PassRole through wildcards, case-insensitively', () => {
    expect(['iam:PassRole', 'IAM:passrole', 'iam:*', 'iam:Pass*', 'iam:P?ssRole', '*', '*:PassRole'].map((p) => actionMatches(p, 'iam:PassRole'))).toEqual([
      true, true, true, true, true, true, true,
    ]);
    expect(['iam:GetRole', 'iam:PassRole2', 's3:*', 'iam:List*', 'sts:AssumeRole'].map((p) => actionMatches(p, 'iam:PassRole'))).toEqual([
      false, false, false, false, false,
    ]);
  });

  it('recognises resources that cover every role', () => {
    expect(
      ['*', 'arn:aws:iam::123456789012:role/*', 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*', 'arn:aws:iam::*:*', 'arn:aws-cn:iam::123456789012:*'].map(coversEveryRole),
    ).toEqual([true, true, true, true, true]);
    expect(
      ['arn:aws:iam::123456789012:role/brand-worker', 'arn:aws:iam::123456789012:role/brand-*', 'arn:aws:iam::123456789012:role/service-role/*', 'arn:aws:s3:::*'].map(coversEveryRole),
    ).toEqual([false, false, false, false]);
  });

  describe('serverless.yml', () => {
    // `statements` continues provider.iam.role.statements (from line 10).
    const app = (statements: string) => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
  iam:
    role:
      statements:
${statements}functions:
  ingest:
    handler: src/ingest.handler
`,
      'src/ingest.ts': handler,
    });

    it('reports iam:PassRole on "*" at the action, with the resource as related location', async () => {
      const r = await lintFiles(
        app(`        - Effect: Allow
          Action:
            - lambda:CreateFunction
            - iam:PassRole
          Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 13, 15, 13, 27)]);
      const [finding] = own(r);
      expect(finding).toMatchObject({ severity: 'error', function: 'ingest', resource: 'IamRoleLambdaExecution' });
      expect(finding!.message).toBe(
        'Role IamRoleLambdaExecution: action "iam:PassRole" allows iam:PassRole on "*", every role in the account. Code running with it can hand any role, administrator roles included, to a function, task or stack it creates and act with that role\'s permissions: privilege escalation. List the ARNs of the roles the code passes (e.g. !GetAtt WorkerRole.Arn) and add an iam:PassedToService condition.',
      );
      expect(finding!.related).toEqual([
        { loc: { file: '/project/serverless.yml', line: 14, column: 21, endLine: 14, endColumn: 24 }, message: 'Resource "*" covers every role in the account.' },
      ]);
    });

    it('reports iam:*, iam:Pass* and * on "*" or on every role of the account', async () => {
      const r = await lintFiles(
        app(`        - Effect: Allow
          Action: iam:*
          Resource: ['*']
        - Effect: Allow
          Action: iam:Pass*
          Resource: arn:aws:iam::123456789012:role/*
        - Effect: Allow
          Action: '*'
          Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 11, 19, 11, 24), at(ID, 'passRole', 14, 19, 14, 28), at(ID, 'passRole', 17, 19, 17, 22)]);
      expect(own(r)[1]!.message).toContain('action "iam:Pass*" allows iam:PassRole on "arn:aws:iam::123456789012:role/*"');
    });

    it('reads a role ARN known only at deploy time (${aws:accountId}) as written', async () => {
      const r = await lintFiles(
        app(`        - Effect: Allow
          Action: iam:PassRole
          Resource: arn:aws:iam::\${aws:accountId}:role/*
        - Effect: Allow
          Action: iam:PassRole
          Resource: arn:aws:iam::\${aws:accountId}:role/brand-worker
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 11, 19, 11, 31)]);
      expect(own(r)[0]!.message).toContain('on "arn:aws:iam::${aws:accountId}:role/*"');
    });

    it('accepts PassRole on named roles or a name prefix, Deny statements, and other iam actions on "*"', async () => {
      const r = await lintFiles(
        app(`        - Effect: Allow
          Action: iam:PassRole
          Resource:
            - arn:aws:iam::123456789012:role/brand-worker
            - arn:aws:iam::123456789012:role/brand-*
        - Effect: Deny
          Action: iam:PassRole
          Resource: '*'
        - Effect: Allow
          Action: iam:ListRoles
          Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reports Allow with a NotAction that does not exclude iam:PassRole, once, at the first NotAction', async () => {
      const r = await lintFiles(
        app(`        - Effect: Allow
          NotAction:
            - s3:DeleteBucket
            - organizations:*
          Resource: '*'
        - Effect: Allow
          NotAction: iam:*
          Resource: '*'
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'notAction', 12, 15, 12, 30)]);
      expect(own(r)[0]!.message).toContain('Allow with NotAction does not exclude iam:PassRole');
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

    it('reports PassRole on a role ARN written with !Sub that covers every role, not on !GetAtt of one role', async () => {
      const r = await lintFiles(
        template(`      Policies:
        - PolicyName: launch
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [states:StartExecution, iam:PassRole]
                Resource: !Sub arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/*
              - Effect: Allow
                Action: iam:PassRole
                Resource: !GetAtt WorkerRole.Arn
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 27, 49, 27, 61)]);
      expect(own(r)[0]!.message).toContain('Role IngestRole: action "iam:PassRole" allows iam:PassRole on "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*"');
    });

    it('reports statements of a standalone managed policy, attached to no function role', async () => {
      const policy = `  DeployPolicy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: iam:PassRole
            Resource: '*'
`;
      const r = await lintFiles(template('', policy));
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 28, 21, 28, 33)]);
      expect(own(r)[0]!.message).toMatch(/^Policy: action "iam:PassRole"/);
    });

    it('reads JSON templates', async () => {
      const json = `{
  "Resources": {
    "IngestRole": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "AssumeRolePolicyDocument": { "Statement": [{ "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" }] },
        "Policies": [{ "PolicyName": "launch", "PolicyDocument": { "Statement": [{ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" }] } }]
      }
    },
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
    }
  }
}
`;
      const r = await lintFiles({ 'template.json': json });
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 7, 113, 7, 127)]);
    });
  });

  describe('SAM', () => {
    it('reports PassRole on "*" in a function Policies statement', async () => {
      const r = await lintFiles({
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
        - Statement:
            - Effect: Allow
              Action:
                - ecs:RunTask
                - iam:PassRole
              Resource: '*'
`,
        'src/ingest.ts': handler,
      });
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 16, 19, 16, 31)]);
      expect(own(r)[0]!.message).toContain('Role IngestRole: action "iam:PassRole"');
    });
  });

  describe('CDK synth output', () => {
    it('reports iam:PassRole on "*" in a DefaultPolicy, naming the role by construct path', async () => {
      const r = await lintDirectory(join(here, 'fixtures/invalid/cdk-default-policy'));
      expect(positions(r, ID)).toEqual([at(ID, 'passRole', 31, 35, 31, 49)]);
      expect(own(r)[0]!.message).toMatch(/^Role BrandStack\/GetBrand\/ServiceRole: action "iam:PassRole"/);
    });
  });

  fixtureTests(here, ID);
});
