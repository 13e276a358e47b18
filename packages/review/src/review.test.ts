import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { memoryHost } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { GitError, gitHost, gitTopLevel, newFindings, reviewFiles } from './index.js';

const gitEnv = { PATH: process.env.PATH ?? '', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...gitEnv, HOME: cwd } });

describe('gitHost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-githost-'));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'services/api/src'), { recursive: true });
  writeFileSync(join(dir, 'services/api/serverless.yml'), 'service: old\n');
  writeFileSync(join(dir, 'services/api/src/h.ts'), 'export const handler = 1;\n');
  writeFileSync(join(dir, 'bytes.bin'), Buffer.from([0, 255, 1]));
  symlinkSync('services/api/serverless.yml', join(dir, 'link.yml'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'one');
  // The working tree moves on; the host still reads the commit.
  writeFileSync(join(dir, 'services/api/serverless.yml'), 'service: new\n');
  writeFileSync(join(dir, 'untracked.yml'), 'x: 1\n');

  it('reads the files of a revision at their working-tree paths, not the working tree', () => {
    const host = gitHost(dir, 'HEAD');
    expect(new TextDecoder().decode(host.readFile(`${dir}/services/api/serverless.yml`))).toBe('service: old\n');
    expect([...host.readFile(`${dir}/bytes.bin`)!]).toEqual([0, 255, 1]);
    expect(host.readFile(`${dir}/untracked.yml`)).toBeUndefined();
    expect(host.readFile(`${dir}/services`)).toBeUndefined();
  });

  it('lists directories and kinds; symbolic links are not followed', () => {
    const host = gitHost(dir, 'main');
    expect(host.readDir(dir)?.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'bytes.bin', kind: 'file' },
      { name: 'link.yml', kind: 'other' },
      { name: 'services', kind: 'dir' },
    ]);
    expect(host.readDir(`${dir}/services/api`)?.map((e) => e.name).sort()).toEqual(['serverless.yml', 'src']);
    expect(host.kindOf(`${dir}/services/api/src`)).toBe('dir');
    expect(host.kindOf(`${dir}/services/api/src/h.ts`)).toBe('file');
    expect(host.kindOf(`${dir}/link.yml`)).toBeUndefined();
    expect(host.readFile(`${dir}/link.yml`)).toBeUndefined();
    expect(host.readDir(`${dir}/nope`)).toBeUndefined();
  });

  it('finds the top of the work tree from a subdirectory, spelled as the caller spells it', () => {
    expect(gitTopLevel(`${dir}/services/api`)).toBe(dir);
    expect(gitTopLevel(dir)).toBe(dir);
  });

  it('names an unknown revision, and a directory outside any repository', () => {
    expect(() => gitHost(dir, 'HEAD~5')).toThrow(GitError);
    expect(() => gitHost(dir, 'HEAD~5')).toThrow('unknown git revision "HEAD~5"');
    const plain = mkdtempSync(join(tmpdir(), 'lambda-lint-nogit-'));
    expect(() => gitTopLevel(plain)).toThrow(/is not inside a git repository/);
  });

  it('leaves the repository as it was', () => {
    expect(git(dir, 'status', '--porcelain').split('\n').filter(Boolean).sort()).toEqual([' M services/api/serverless.yml', '?? untracked.yml']);
  });
});

describe('newFindings', () => {
  const loc = (file: string, line: number) => ({ file, line, column: 1, endLine: line, endColumn: 5 });
  const finding = (line: number, message = 'm'): Finding => ({ ruleId: 'r', messageId: 'x', severity: 'warning', message, loc: loc('/p/a.yml', line) });

  it('matches by fingerprint (moved lines are not new) and counts copies', () => {
    const base = memoryHost({ 'a.yml': 'x: 1\ny: 2\n' }, '/p');
    const head = memoryHost({ 'a.yml': '# new\nx: 1\ny: 2\ny: 2\n' }, '/p');
    // x moved from line 1 to 2; y was there once and is now twice.
    const fresh = newFindings([finding(2), finding(3), finding(4)], [finding(1), finding(2)], '/p', head, base);
    expect(fresh.map((f) => f.loc.line)).toEqual([4]);
  });

  it('a changed message is a new finding', () => {
    const host = memoryHost({ 'a.yml': 'x: 1\n' }, '/p');
    expect(newFindings([finding(1, 'timeout 30 s')], [finding(1, 'timeout 20 s')], '/p', host, host)).toHaveLength(1);
  });
});

describe('review of odd templates', () => {
  const cfn = (resources: string) => ({ 'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n${resources}` });
  const odd = [
    '  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies: not-a-list\n',
    '  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyDocument:\n            Statement: !If [IsProd, {Effect: Allow, Action: "*", Resource: "*"}, !Ref AWS::NoValue]\n',
    '  R:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: !Split [",", !ImportValue Actions]\n            Resource: !GetAtt\n',
    '  Q:\n    Type: AWS::SQS::QueuePolicy\n    Properties:\n      Queues: [!Ref Q2]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: "*"\n            Action: sqs:SendMessage\n',
    '  P:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !GetAtt F.Arn\n      Principal: 123456789012\n',
    '  T:\n    Type: AWS::DynamoDB::Table\n    Properties: 7\n',
    '  X:\n    Type: Custom::Thing\n    Properties:\n      Anything: [1, {a: b}]\n',
  ];

  it('never throws, whichever side each template is on', () => {
    for (const a of ['', ...odd]) {
      for (const b of ['', ...odd]) {
        expect(() => reviewFiles(cfn(a), cfn(b), { rules: allRules })).not.toThrow();
      }
    }
  });

  it('does not compare a template that one revision cannot read (its parse error is the finding)', () => {
    const table = '  T:\n    Type: AWS::DynamoDB::Table\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: "s3:*", Resource: "*"}\n';
    const broken = { 'template.yaml': cfn(table)['template.yaml'] + 'oops: [\n' };
    for (const [a, b] of [[cfn(table), broken], [broken, cfn(table)]] as const) {
      const ids = reviewFiles(a, b, { rules: allRules }).findings.map((f) => f.ruleId);
      expect(ids.filter((id) => id === 'resource-replaced' || id === 'iam-broadened')).toEqual([]);
    }
    expect(reviewFiles(cfn(table), broken, { rules: allRules }).findings.map((f) => f.ruleId)).toContain('parse-error');
  });

  it('reports a template that cloudformation-diff cannot compare, and reviews the other templates', () => {
    // `Policies: [5]`: cloudformation-diff throws reading the policy ("Cannot use 'in' operator").
    const throwing = `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - 5\n`;
    const table = (key: string) => `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: ${key}\n`;
    const r = reviewFiles({ 'a.yaml': cfn('')['template.yaml'], 'b.yaml': table('one') }, { 'a.yaml': throwing, 'b.yaml': table('two') }, { rules: allRules });
    expect(r.internalErrors).toEqual([]);
    const unreviewed = r.findings.filter((f) => f.ruleId === 'parse-error');
    expect(unreviewed.map((f) => [f.loc.file, f.loc.line, f.loc.column])).toEqual([['/project/a.yaml', 2, 1]]);
    expect(unreviewed[0]!.message).toMatch(/^could not compare a\.yaml with revision main: .+; its resource and permission changes are not reviewed$/);
    expect(r.findings.filter((f) => f.ruleId === 'resource-replaced').map((f) => f.loc.file)).toEqual(['/project/b.yaml']);
  });

  it('compares wildcard resources in linear time (no regular expression from user patterns)', () => {
    const policy = (resource: string) =>
      `  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [r]\n      PolicyDocument:\n        Statement:\n          - {Effect: Allow, Action: "s3:GetObject", Resource: "${resource}"}\n`;
    const started = performance.now();
    const r = reviewFiles(cfn(policy(`arn:aws:s3:::${'*'.repeat(30)}${'a*'.repeat(15)}b`)), cfn(policy(`arn:aws:s3:::${'a'.repeat(3000)}`)), { rules: allRules });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.findings.filter((f) => f.ruleId === 'iam-broadened').map((f) => f.loc.line)).toEqual([10]);
  });

  it('reports a queue policy opened to everyone, at the principal statement', () => {
    const r = reviewFiles(cfn(''), cfn(odd[3]!), { rules: allRules });
    expect(r.findings.filter((f) => f.ruleId === 'iam-broadened').map((f) => [f.loc.line, f.loc.column, f.message.slice(0, 60)])).toEqual([
      [10, 24, 'Q: this change grants access for new principal *, which the '],
    ]);
  });

  it('reports who may assume an existing role, not the trust policy of a new role', () => {
    const role = (principal: string) =>
      `  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: ${principal} }\n            Action: sts:AssumeRole\n`;
    expect(reviewFiles(cfn(''), cfn(role('lambda.amazonaws.com')), { rules: allRules }).findings.filter((f) => f.ruleId === 'iam-broadened')).toEqual([]);
    const widened = reviewFiles(cfn(role('lambda.amazonaws.com')), cfn(role('"*"')), { rules: allRules }).findings.filter((f) => f.ruleId === 'iam-broadened');
    expect(widened.map((f) => [f.loc.line, f.loc.column, f.message.slice(0, 68)])).toEqual([[9, 35, 'Worker: this change grants access for new principal *, which the bas']]);
  });

  it('reports a SAM policy template that grants more, at the template', () => {
    const sam = (policy: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Brands:\n    Type: AWS::Serverless::SimpleTable\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      InlineCode: exports.handler = async () => 1;\n      Policies:\n        - ${policy}:\n            TableName: !Ref Brands\n`,
    });
    const r = reviewFiles(sam('DynamoDBReadPolicy'), sam('DynamoDBCrudPolicy'), { rules: allRules });
    const own = r.findings.filter((f) => f.ruleId === 'iam-broadened');
    expect(own.map((f) => [f.loc.line, f.loc.column])).toEqual([[12, 11]]);
    expect(own[0]!.message).toContain('dynamodb:PutItem');
    expect(own[0]!.message).toContain('FnRole');
  });
});
