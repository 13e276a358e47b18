import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, lintFiles } from '../../test-support/harness.js';
import { reviewChange, reviewFixtureTests } from '../../test-support/review-harness.js';

const ID = 'iam-broadened';
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';

function positions(findings: Finding[]) {
  return findings
    .filter((f) => f.ruleId === ID)
    .map((f) => ({ ruleId: f.ruleId, messageId: f.messageId, line: f.loc.line, column: f.loc.column, endLine: f.loc.endLine, endColumn: f.loc.endColumn }));
}

function messages(findings: Finding[]): string[] {
  return findings.filter((f) => f.ruleId === ID).map((f) => f.message);
}

describe('iam-broadened', () => {
  describe('serverless.yml', () => {
    // `statements` are the provider role's statements, from line 8.
    // `role` goes into the role block before the statements (line 7).
    const app = (statements: string, role = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  iam:
    role:
${role}      statements:
${statements}functions:
  get-brand:
    handler: src/get-brand.handler
resources:
  Resources:
    Brands:
      Type: AWS::DynamoDB::Table
`,
      'src/get-brand.ts': handler,
    });
    const getItem = '        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n          Resource: !GetAtt Brands.Arn\n';

    it('reports an action added to a statement, at the action, naming the role and the base', () => {
      const head = app('        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n            - dynamodb:PutItem\n          Resource: !GetAtt Brands.Arn\n');
      const r = reviewChange(app(getItem), head, { baseRef: 'origin/main' });
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 11, 15, 11, 31)]);
      expect(messages(r.findings)[0]).toBe(
        'IamRoleLambdaExecution: this change grants new action dynamodb:PutItem, which the base revision (origin/main) did not allow. Every permission is what an attacker gets through a compromised dependency or an injected input: check that the code needs it, and grant only the actions it calls on the resources it uses.',
      );
      expect(r.findings.find((f) => f.ruleId === ID)?.resource).toBe('IamRoleLambdaExecution');
    });

    it('reports a statement added with a wildcard action, and the wildcard rule reports it too', () => {
      const head = app(`${getItem}        - Effect: Allow\n          Action: s3:*\n          Resource: arn:aws:s3:::brand-assets/*\n`);
      const r = reviewChange(app(getItem), head);
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 13, 19, 13, 23)]);
      expect(messages(r.findings)[0]).toContain('grants new action s3:*');
      expect(r.findings.map((f) => f.ruleId)).toContain('iam-wildcard-action');
    });

    it('reports a resource widened for an action the base allowed, at the resource', () => {
      const head = app('        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n          Resource: "*"\n');
      const r = reviewChange(app(getItem), head);
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 11, 21, 11, 24)]);
      expect(messages(r.findings)[0]).toContain('grants dynamodb:GetItem on new resource *,');
    });

    it('reports the actions of a new role (a new function with its own statements) at the actions', () => {
      const fn = '  publish:\n    handler: src/get-brand.handler\n    iamRoleStatements:\n      - Effect: Allow\n        Action: sns:Publish\n        Resource: arn:aws:sns:eu-west-1:123456789012:brand-events\n';
      const head = app(getItem);
      head['serverless.yml'] = head['serverless.yml']!.replace('resources:\n', `${fn}resources:\n`);
      const r = reviewChange(app(getItem), head);
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 19, 17, 19, 28)]);
      expect(messages(r.findings)[0]).toMatch(/^PublishIamRoleLambdaExecution: this change grants new action sns:Publish, which/);
    });

    it('is silent when a statement is narrowed, split or moved', () => {
      const both = '        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n            - dynamodb:Query\n          Resource: !GetAtt Brands.Arn\n';
      const split =
        '        - Effect: Allow\n          Action: dynamodb:Query\n          Resource: !GetAtt Brands.Arn\n        - Effect: Allow\n          Action: dynamodb:GetItem\n          Resource: !GetAtt Brands.Arn\n';
      expect(positions(reviewChange(app(both), app(getItem)).findings)).toEqual([]);
      expect(positions(reviewChange(app(both), app(split)).findings)).toEqual([]);
      expect(positions(reviewChange(app(split), app(both)).findings)).toEqual([]);
    });

    it('is silent when the base already allowed the action through a wildcard', () => {
      const base = app('        - Effect: Allow\n          Action: dynamodb:Get*\n          Resource: !GetAtt Brands.Arn\n');
      expect(positions(reviewChange(base, app(getItem)).findings)).toEqual([]);
    });

    it('reports an action whose Condition the change drops, at the action', () => {
      const condition = '          Condition:\n            StringEquals:\n              aws:ResourceTag/team: brand\n';
      const r = reviewChange(app(getItem + condition), app(getItem));
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 10, 15, 10, 31)]);
      expect(messages(r.findings)[0]).toContain('grants dynamodb:GetItem without the Condition the base required, which');
      // Adding a condition narrows: not a finding; nor is writing the same condition in another order.
      expect(positions(reviewChange(app(getItem), app(getItem + condition)).findings)).toEqual([]);
      const two = '          Condition:\n            StringEquals:\n              aws:ResourceTag/team: brand\n              aws:RequestedRegion: eu-west-1\n';
      const swapped = '          Condition:\n            StringEquals:\n              aws:RequestedRegion: eu-west-1\n              aws:ResourceTag/team: brand\n';
      const both = '        - Effect: Allow\n          Action: [dynamodb:GetItem, dynamodb:Query]\n          Resource: !GetAtt Brands.Arn\n';
      // Narrowed (Query dropped), same condition with its keys in another order.
      expect(positions(reviewChange(app(both + two), app(getItem + swapped)).findings)).toEqual([]);
    });

    it('reports NotAction as an inverted grant', () => {
      const head = app(`${getItem}        - Effect: Allow\n          NotAction: iam:*\n          Resource: "*"\n`);
      const r = reviewChange(app(getItem), head);
      expect(positions(r.findings)).toEqual([at(ID, 'negated', 13, 11, 13, 20)]);
      expect(messages(r.findings)[0]).toContain('grants everything except the listed actions or resources');
    });

    it('reports a managed policy newly attached, at the policy', () => {
      const head = app(getItem, '      managedPolicies:\n        - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n');
      const r = reviewChange(app(getItem), head);
      expect(positions(r.findings)).toEqual([at(ID, 'managedPolicy', 8, 11, 8, 57)]);
      expect(messages(r.findings)[0]).toContain('attaches the managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    });

    it('is silent on a grant whose resource is only known at deploy time', () => {
      const head = app(`${getItem}        - Effect: Allow\n          Action: s3:GetObject\n          Resource: \${ssm:/brand/bucket-arn}\n`);
      expect(positions(reviewChange(app(getItem), head).findings)).toEqual([]);
    });

    it('honours a suppression comment with a reason and the configured severity, like every rule', () => {
      const added = '            - dynamodb:PutItem\n';
      const head = app(`        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n            # lambda-lint-disable-next-line iam-broadened -- the import job writes\n${added}          Resource: !GetAtt Brands.Arn\n`);
      expect(positions(reviewChange(app(getItem), head).findings)).toEqual([]);
      const plain = app(`        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n${added}          Resource: !GetAtt Brands.Arn\n`);
      expect(reviewChange(app(getItem), plain, { config: { rules: { [ID]: 'error' } } }).findings.filter((f) => f.ruleId === ID).map((f) => f.severity)).toEqual(['error']);
      expect(positions(reviewChange(app(getItem), plain, { config: { rules: { [ID]: 'off' } } }).findings)).toEqual([]);
    });

    it('a suppression of it is never reported unused: not by a plain run, nor by a later review', async () => {
      const head = app(`        - Effect: Allow\n          Action:\n            - dynamodb:GetItem\n            # lambda-lint-disable-next-line iam-broadened -- the import job writes\n            - dynamodb:PutItem\n          Resource: !GetAtt Brands.Arn\n`);
      expect((await lintFiles(head)).findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
      expect(reviewChange(app(getItem), head).findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
      // A later change that does not touch the grant: the suppression is still not unused.
      expect(reviewChange(head, head).findings.filter((f) => f.ruleId === 'unused-suppression')).toEqual([]);
      // A suppression of an ordinary rule that suppresses nothing still is.
      const stale = head['serverless.yml']!.replace('iam-broadened -- the import job writes', 'memory-size -- sized by load test');
      expect((await lintFiles({ ...head, 'serverless.yml': stale })).findings.filter((f) => f.ruleId === 'unused-suppression').map((f) => f.loc.line)).toEqual([11]);
    });

    it('reports nothing outside review mode', async () => {
      const head = app(`${getItem}        - Effect: Allow\n          Action: s3:GetObject\n          Resource: arn:aws:s3:::brand-assets/*\n`);
      expect((await lintFiles(head)).findings.filter((f) => f.ruleId === ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (policy: string, permission = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        ZipFile: exports.handler = async () => 1;
  FnPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: fn
      Roles: [fn]
      PolicyDocument:
        Statement:
${policy}${permission}`,
    });
    const send = '          - Effect: Allow\n            Action: sqs:SendMessage\n            Resource: arn:aws:sqs:eu-west-1:123456789012:jobs\n';

    it('reports an action added to an AWS::IAM::Policy, naming the policy', () => {
      const head = template('          - Effect: Allow\n            Action: [sqs:SendMessage, sqs:PurgeQueue]\n            Resource: arn:aws:sqs:eu-west-1:123456789012:jobs\n');
      const r = reviewChange(template(send), head);
      expect(positions(r.findings)).toEqual([at(ID, 'statement', 19, 39, 19, 53)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.resource).toBe('FnPolicy');
    });

    it('reports a Deny the change removes, at the policy, naming where the base had it', () => {
      const deny = '          - Effect: Deny\n            Action: sqs:DeleteQueue\n            Resource: "*"\n';
      const r = reviewChange(template(send + deny), template(send), { baseRef: 'main' });
      expect(positions(r.findings)).toEqual([at(ID, 'denyRemoved', 11, 3, 11, 11)]);
      const f = r.findings.find((x) => x.ruleId === ID)!;
      expect(f.message).toBe(
        'FnPolicy: this change removes the Deny of sqs:DeleteQueue on * that the base revision (main) had (line 21 of template.yaml in main); what it blocked is allowed again wherever an Allow (inline or in a managed policy) grants it. Keep the Deny unless the block is no longer needed.',
      );
      expect(f.related ?? []).toEqual([]);
      // A Deny that another one still covers is not a finding.
      const wider = '          - Effect: Deny\n            Action: sqs:Delete*\n            Resource: "*"\n';
      expect(positions(reviewChange(template(send + deny), template(send + wider)).findings)).toEqual([]);
    });

    it('reports a new Lambda permission for a principal, at the principal', () => {
      const permission =
        '  FnInvoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Fn\n      Principal: "*"\n';
      const r = reviewChange(template(send), template(send, permission));
      expect(positions(r.findings)).toEqual([at(ID, 'lambdaPermission', 26, 18, 26, 21)]);
      expect(messages(r.findings)[0]).toContain('FnInvoke: this change lets * invoke the function');
    });
  });

  describe('fixtures', () => {
    reviewFixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
  });
});
