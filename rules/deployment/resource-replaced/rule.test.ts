import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, lintFiles } from '../../test-support/harness.js';
import { reviewChange, reviewFixtureTests } from '../../test-support/review-harness.js';

const ID = 'resource-replaced';

function positions(findings: Finding[]) {
  return findings
    .filter((f) => f.ruleId === ID)
    .map((f) => ({ ruleId: f.ruleId, messageId: f.messageId, line: f.loc.line, column: f.loc.column, endLine: f.loc.endLine, endColumn: f.loc.endColumn }));
}

function own(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.ruleId === ID);
}

describe('resource-replaced', () => {
  // Resources from line 3; a function so that the template is an application.
  const template = (resources: string) => ({
    'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
${resources}  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        ZipFile: exports.handler = async () => 1;
`,
  });
  const table = (name: string, key = 'id', policy = '') =>
    `  Brands:\n    Type: AWS::DynamoDB::Table\n${policy}    Properties:\n      TableName: ${name}\n      BillingMode: PAY_PER_REQUEST\n      AttributeDefinitions:\n        - AttributeName: ${key}\n          AttributeType: S\n      KeySchema:\n        - AttributeName: ${key}\n          KeyType: HASH\n`;

  it('reports a table whose name changes, at the resource, naming the data lost and the property', () => {
    const r = reviewChange(template(table('brands')), template(table('brands-v2')), { baseRef: 'main' });
    expect(positions(r.findings)).toEqual([at(ID, 'replacedData', 3, 3, 3, 9)]);
    const f = own(r.findings)[0]!;
    expect(f.message).toBe(
      'Brands (AWS::DynamoDB::Table): changing TableName replaces this table: CloudFormation creates a new, empty one and deletes the old one with all its items. Keep TableName as in the base revision (main), or migrate the data to a new resource under a new logical id first.',
    );
    // Only head locations: the resource itself is the finding's location.
    expect(f.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[6, 7, 'TableName changed: it requires replacement']]);
  });

  it('an intended replacement can be suppressed with a reason on the resource', () => {
    const head = template(`  # lambda-lint-disable-next-line resource-replaced -- staging data only\n${table('brands-v2')}`);
    const r = reviewChange(template(table('brands')), head);
    expect(r.findings.filter((f) => f.ruleId === ID || f.ruleId === 'unused-suppression' || f.ruleId === 'suppression-without-reason')).toEqual([]);
  });

  it('names every property that forces the replacement', () => {
    // AttributeDefinitions changes too, but alone it updates in place.
    const r = reviewChange(template(table('brands')), template(table('brands-v2', 'pk')));
    expect(own(r.findings).map((f) => f.message.slice(0, f.message.indexOf(':', 40)))).toEqual([
      'Brands (AWS::DynamoDB::Table): changing TableName, KeySchema replaces this table',
    ]);
  });

  it('says that UpdateReplacePolicy Retain keeps the old table but leaves the stack on an empty one', () => {
    const policy = '    UpdateReplacePolicy: Retain\n    DeletionPolicy: Retain\n';
    const r = reviewChange(template(table('brands', 'id', policy)), template(table('brands-v2', 'id', policy)));
    expect(own(r.findings)[0]?.message).toContain(
      'CloudFormation creates a new, empty one and leaves the old one, with all its items, outside the stack (UpdateReplacePolicy: Retain): the stack and its functions then use the new, empty one.',
    );
  });

  it('says that UpdateReplacePolicy Snapshot deletes the old table and keeps only a snapshot', () => {
    const policy = '    UpdateReplacePolicy: Snapshot\n    DeletionPolicy: Snapshot\n';
    const r = reviewChange(template(table('brands', 'id', policy)), template(table('brands-v2', 'id', policy)));
    expect(own(r.findings)[0]?.message).toContain(
      'CloudFormation creates a new, empty one and deletes the old one with all its items, kept only as a snapshot (UpdateReplacePolicy: Snapshot).',
    );
  });

  it('reports the replacement of a resource that holds no data with what breaks', () => {
    const topic = (name: string) => `  Events:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: ${name}\n`;
    const r = reviewChange(template(topic('brand-events')), template(topic('brand-events-v2')));
    expect(positions(r.findings)).toEqual([at(ID, 'replacedData', 3, 3, 3, 9)]);
    const role = (name: string) => `  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: ${name}\n      AssumeRolePolicyDocument: {}\n`;
    const r2 = reviewChange(template(role('worker')), template(role('worker-v2')));
    expect(positions(r2.findings)).toEqual([at(ID, 'replaced', 3, 3, 3, 9)]);
    expect(own(r2.findings)[0]?.message).toContain('Worker (AWS::IAM::Role): changing RoleName replaces this resource: it gets a new name and ARN');
  });

  it('is silent on resources that are replaced on every change by design (versions, layer versions, API deployments)', () => {
    const layer = (key: string) => `  Deps:\n    Type: AWS::Lambda::LayerVersion\n    Properties:\n      Content:\n        S3Bucket: assets\n        S3Key: ${key}.zip\n`;
    expect(positions(reviewChange(template(layer('a1')), template(layer('b2'))).findings)).toEqual([]);
  });

  it('is silent on an update in place', () => {
    const queue = (seconds: number) => `  Jobs:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: ${seconds}\n`;
    expect(positions(reviewChange(template(queue(30)), template(queue(60))).findings)).toEqual([]);
  });

  it('reports a data store removed from the template at its Resources key, naming its base place in the message', () => {
    const queue = '  Jobs:\n    Type: AWS::SQS::Queue\n';
    const r = reviewChange(template(queue), template(''), { baseRef: 'HEAD~1' });
    expect(positions(r.findings)).toEqual([at(ID, 'removedData', 2, 1, 2, 10)]);
    const f = own(r.findings)[0]!;
    expect(f.message).toBe(
      'Jobs (AWS::SQS::Queue): this change removes the queue from the template (line 3 of template.yaml in HEAD~1), so deploying it deletes the queue with the messages waiting in it. Export or back up the data first, or set `DeletionPolicy: Retain` in the base revision (HEAD~1) before removing it.',
    );
    // No related location at the base position: it would name the head file, where line 3 is something else.
    expect(f.related ?? []).toEqual([]);
  });

  it('says when a removed store may be the same one under a new logical id', () => {
    const r = reviewChange(template(table('brands')), template(table('brands').replace('  Brands:', '  BrandsTable:')), { baseRef: 'main' });
    expect(positions(r.findings)).toEqual([at(ID, 'renamedData', 2, 1, 2, 10)]);
    const f = own(r.findings)[0]!;
    expect(f.message).toBe(
      'Brands (AWS::DynamoDB::Table): this change removes the table (line 3 of template.yaml in main) and adds BrandsTable of the same type. If that is the same table under a new logical id (a renamed key, a CDK construct moved in the tree), deploying it still deletes Brands with all its items and creates an empty one. Keep the logical id (the key Brands), or migrate the data first.',
    );
    expect(f.related?.map((x) => [x.loc.file, x.loc.line, x.loc.column, x.message])).toEqual([['/project/template.yaml', 3, 3, 'BrandsTable: added by this change']]);
  });

  it('pairs a removal with an addition of the same type only when the pairing is unambiguous', () => {
    const queue = (id: string) => `  ${id}:\n    Type: AWS::SQS::Queue\n`;
    // Two queues removed, one added: which one was renamed cannot be told, so both are plain removals.
    const r = reviewChange(template(queue('Jobs') + queue('Retries')), template(queue('Work')), { baseRef: 'main' });
    expect(positions(r.findings)).toEqual([at(ID, 'removedData', 2, 1, 2, 10), at(ID, 'removedData', 2, 1, 2, 10)]);
    expect(own(r.findings).every((f) => (f.related ?? []).length === 0)).toBe(true);
  });

  it('reports a SAM SimpleTable whose primary key changes (the table it deploys is replaced)', () => {
    const sam = (key: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Brands:\n    Type: AWS::Serverless::SimpleTable\n    Properties:\n      PrimaryKey:\n        Name: ${key}\n        Type: String\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      InlineCode: exports.handler = async () => 1;\n      MemorySize: ${key === 'id' ? 256 : 512}\n`,
    });
    const r = reviewChange(sam('id'), sam('pk'));
    expect(positions(r.findings)).toEqual([at(ID, 'replacedData', 3, 3, 3, 9)]);
    expect(own(r.findings)[0]?.message).toContain('changing PrimaryKey replaces this table');
  });

  it('is silent on the removal of a resource without data, or of a store the template retains', () => {
    const alarm = '  Alarm:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      MetricName: Errors\n';
    expect(positions(reviewChange(template(alarm), template('')).findings)).toEqual([]);
    const retained = '  Logs:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n';
    expect(positions(reviewChange(template(retained), template('')).findings)).toEqual([]);
    // A type named after an Object.prototype member is not in the table of data stores.
    const odd = '  Odd:\n    Type: constructor\n';
    expect(positions(reviewChange(template(odd), template('')).findings)).toEqual([]);
  });

  it('reports the stores of a deleted template at their place in the base revision', () => {
    const base = { ...template('  Jobs:\n    Type: AWS::SQS::Queue\n'), 'other/template.yaml': template('')['template.yaml']! };
    const r = reviewChange(base, { 'other/template.yaml': template('')['template.yaml']! });
    expect(own(r.findings).map((f) => [f.loc.file, f.loc.line, f.loc.column, f.messageId])).toEqual([['/project/template.yaml', 3, 3, 'removedData']]);
  });

  describe('serverless.yml', () => {
    const app = (resources: string) => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
functions:
  get-brand:
    handler: src/get-brand.handler
resources:
  Resources:
${resources}`,
      'src/get-brand.ts': 'export const handler = async () => 1;\n',
    });
    const bucket = (name: string) => `    Assets:\n      Type: AWS::S3::Bucket\n      Properties:\n        BucketName: ${name}\n`;

    it('reports a bucket renamed in `resources`, at the resource', () => {
      const r = reviewChange(app(bucket('brand-assets')), app(bucket('brand-assets-v2')));
      expect(positions(r.findings)).toEqual([at(ID, 'replacedData', 10, 5, 10, 11)]);
      expect(own(r.findings)[0]?.message).toContain('CloudFormation cannot delete a non-empty bucket');
    });

    it('reports a log group removed from `resources` at `Resources`', () => {
      const logs = '    Logs:\n      Type: AWS::Logs::LogGroup\n      Properties:\n        RetentionInDays: 30\n';
      const r = reviewChange(app(`${bucket('a')}${logs}`), app(bucket('a')));
      expect(positions(r.findings)).toEqual([at(ID, 'removedData', 9, 3, 9, 12)]);
      expect(own(r.findings)[0]?.message).toContain('deletes the log group with its log history');
    });

    it('reports nothing outside review mode', async () => {
      expect((await lintFiles(app(bucket('a')))).findings.filter((f) => f.ruleId === ID)).toEqual([]);
    });

    it("reports the log group the framework generates for a function that the change removes or renames, at `functions`", () => {
      const fn = '  ingest:\n    handler: src/get-brand.handler\n';
      const base = app(bucket('a'));
      base['serverless.yml'] = base['serverless.yml']!.replace('resources:\n', `${fn}resources:\n`);
      const removed = reviewChange(base, app(bucket('a')), { baseRef: 'main' });
      expect(positions(removed.findings)).toEqual([at(ID, 'removedData', 5, 1, 5, 10)]);
      expect(own(removed.findings)[0]?.message).toBe(
        'IngestLogGroup (AWS::Logs::LogGroup, the log group of function ingest): this change removes the log group from the template (line 8 of serverless.yml in main), so deploying it deletes the log group with its log history. Export or back up the data first, or set `DeletionPolicy: Retain` in the base revision (main) before removing it.',
      );
      const renamed = app(bucket('a'));
      renamed['serverless.yml'] = renamed['serverless.yml']!.replace('resources:\n', `${fn.replace('ingest', 'ingest-v2')}resources:\n`);
      const r = reviewChange(base, renamed);
      expect(positions(r.findings)).toEqual([at(ID, 'renamedData', 5, 1, 5, 10)]);
      expect(own(r.findings)[0]?.message).toContain('adds IngestDashv2LogGroup of the same type');
      expect(own(r.findings)[0]?.message).toContain('Keep the logical id (the function key)');
      // A function that keeps its key keeps its log group.
      expect(positions(reviewChange(base, base).findings)).toEqual([]);
    });
  });

  describe('fixtures', () => {
    reviewFixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
  });
});
