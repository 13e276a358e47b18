import { emptyModel, type HandlerRef, type LambdaFunction, type Loc, type Role, type Value } from '@lambda-lint/core';
import { describe, expect, it } from 'vitest';
import {
  boundPermissionsOf,
  codePermissionsOf,
  evaluate,
  actionPatternMatches,
  globCovers,
  globsIntersect,
  HandlerAnalyzer,
  IAM_ACTION_EXCEPTIONS,
  iamActionsOf,
  knownStatements,
  leastPrivilege,
  locOfNode,
  opaqueAwsUseOf,
  type HandlerCode,
} from './index.js';
import { importWordsAtMost } from './permissions.js';

const ROOT = '/project';
const LOC: Loc = { file: `${ROOT}/template.yaml`, line: 1, column: 1, endLine: 1, endColumn: 1 };

function resolve(source: string, others: Record<string, string> = {}): HandlerCode {
  const files: Record<string, string> = { 'src/app.ts': source, ...others };
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/src/app`, exportName: 'handler', loc: LOC };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

const lines = (...l: string[]): string => l.join('\n');

function actions(source: string): string[][] {
  return codePermissionsOf(resolve(source)).map((p) => [...p.actions]);
}

const scalar = (value: string): Value => ({ kind: 'scalar', value, loc: LOC });
const ref = (id: string): Value => ({ kind: 'map', entries: [{ key: 'Ref', keyLoc: LOC, value: scalar(id) }], loc: LOC });

function fn(env: Record<string, Value>): LambdaFunction {
  return {
    id: 'f',
    name: 'f',
    logicalId: 'F',
    platform: 'cloudformation',
    file: LOC.file,
    loc: LOC,
    node: scalar('x'),
    events: [],
    asyncFailureTargets: [],
    environment: Object.entries(env).map(([name, value]) => ({ name, nameLoc: LOC, value })),
  };
}

describe('SDK operation -> IAM action table', () => {
  it('maps the operation name to the action by default, with the service prefix', () => {
    expect(iamActionsOf('dynamodb', 'PutItem')).toEqual(['dynamodb:PutItem']);
    expect(iamActionsOf('secrets-manager', 'GetSecretValue')).toEqual(['secretsmanager:GetSecretValue']);
    expect(iamActionsOf('sfn', 'StartExecution')).toEqual(['states:StartExecution']);
    expect(iamActionsOf('eventbridge', 'PutEvents')).toEqual(['events:PutEvents']);
    expect(iamActionsOf('cloudwatch-logs', 'PutLogEvents')).toEqual(['logs:PutLogEvents']);
    expect(iamActionsOf('kms', 'Decrypt')).toEqual(['kms:Decrypt']);
  });

  it('uses the exceptions where the action differs from the operation', () => {
    expect(iamActionsOf('s3', 'ListObjectsV2')).toEqual(['s3:ListBucket']);
    expect(iamActionsOf('s3', 'HeadObject')).toEqual(['s3:GetObject']);
    expect(iamActionsOf('s3', 'CopyObject')).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(iamActionsOf('s3', 'DeleteObjects')).toEqual(['s3:DeleteObject']);
    // Bucket-level operations named differently in IAM (ListBuckets is the classic one).
    expect(iamActionsOf('s3', 'ListBuckets')).toEqual(['s3:ListAllMyBuckets']);
    expect(iamActionsOf('s3', 'PutBucketNotificationConfiguration')).toEqual(['s3:PutBucketNotification']);
    expect(iamActionsOf('s3', 'GetBucketCors')).toEqual(['s3:GetBucketCORS']);
    expect(iamActionsOf('s3', 'PutBucketLifecycleConfiguration')).toEqual(['s3:PutLifecycleConfiguration']);
    expect(iamActionsOf('s3', 'GetBucketEncryption')).toEqual(['s3:GetEncryptionConfiguration']);
    expect(iamActionsOf('lambda', 'Invoke')).toEqual(['lambda:InvokeFunction']);
    expect(iamActionsOf('apigatewaymanagementapi', 'PostToConnection')).toEqual(['execute-api:ManageConnections']);
    expect(iamActionsOf('sqs', 'SendMessageBatch')).toEqual(['sqs:SendMessage']);
    expect(iamActionsOf('sns', 'PublishBatch')).toEqual(['sns:Publish']);
    expect(iamActionsOf('dynamodb', 'TransactGetItems')).toEqual(['dynamodb:GetItem']);
    expect(iamActionsOf('sts', 'GetCallerIdentity')).toEqual([]);
    expect(iamActionsOf('dynamodb', 'ExecuteStatement')).toEqual(['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete']);
  });

  it('keys every exception by a service prefix and gives actions of that form', () => {
    for (const [key, list] of Object.entries(IAM_ACTION_EXCEPTIONS)) {
      expect(key).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
      for (const a of list) expect(a).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    }
  });
});

describe('codePermissionsOf', () => {
  it('reads v3 commands of any client, lib-dynamodb, paginators, presigners, aggregated and v2 clients', () => {
    const code = lines(
      "import { DynamoDBClient, DynamoDB } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient, PutCommand, BatchWriteCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';",
      "import { S3Client, PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';",
      "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
      "import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';",
      "import AWS from 'aws-sdk';",
      'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      'const s3 = new S3Client({});',
      'const v2 = new AWS.DynamoDB.DocumentClient();',
      'const legacyS3 = new AWS.S3();',
      'export const handler = async (event: any) => {',
      "  await doc.send(new PutCommand({ TableName: 't', Item: event }));",
      "  await doc.send(new BatchWriteCommand({ RequestItems: { t: [] } }));",
      "  for await (const page of paginateQuery({ client: doc }, { TableName: 't' })) void page;",
      "  await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k' }));",
      "  await s3.send(new ListObjectsV2Command({ Bucket: 'b' }));",
      "  await new DynamoDB({}).deleteItem({ TableName: 't', Key: {} });",
      "  await new LambdaClient({}).send(new InvokeCommand({ FunctionName: 'other' }));",
      "  await v2.put({ TableName: 't', Item: {} }).promise();",
      "  await legacyS3.getObject({ Bucket: 'b', Key: 'k' }).promise();",
      "  await legacyS3.upload({ Bucket: 'b', Key: 'k', Body: 'x' }).promise();",
      '};',
    );
    expect(actions(code)).toEqual([
      ['dynamodb:PutItem'],
      ['dynamodb:BatchWriteItem'],
      ['dynamodb:Query'],
      ['s3:PutObject'],
      ['s3:ListBucket'],
      ['dynamodb:DeleteItem'],
      ['lambda:InvokeFunction'],
      ['dynamodb:PutItem'],
      ['s3:GetObject'],
      ['s3:PutObject'],
    ]);
  });

  it('reads Powertools Parameters and Idempotency; Metrics needs nothing', () => {
    const code = lines(
      "import { getParameter } from '@aws-lambda-powertools/parameters/ssm';",
      "import { getSecret } from '@aws-lambda-powertools/parameters/secrets';",
      "import { makeIdempotent } from '@aws-lambda-powertools/idempotency';",
      "import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';",
      "import { Metrics } from '@aws-lambda-powertools/metrics';",
      "const metrics = new Metrics({ namespace: 'n' });",
      "const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE! });",
      'const work = async () => {',
      "  await getParameter('/app/config');",
      "  await getSecret('app/db');",
      "  metrics.addMetric('done', 'Count', 1);",
      '};',
      'export const handler = makeIdempotent(work, { persistenceStore });',
    );
    expect(actions(code)).toEqual([
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      ['ssm:GetParameter'],
      ['secretsmanager:GetSecretValue'],
    ]);
  });

  it('adds iam:PassRole for operations that hand a role over, and reads @aws-sdk/lib-storage uploads', () => {
    const code = lines(
      "import { SchedulerClient, CreateScheduleCommand } from '@aws-sdk/client-scheduler';",
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { Upload } from '@aws-sdk/lib-storage';",
      'const scheduler = new SchedulerClient({});',
      'const s3 = new S3Client({});',
      'export const handler = async (body: string) => {',
      "  await scheduler.send(new CreateScheduleCommand({ Name: 'n', ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'a', RoleArn: process.env.SCHEDULER_ROLE_ARN } }));",
      "  await new Upload({ client: s3, params: { Bucket: 'media', Key: 'big.bin', Body: body } }).done();",
      '};',
    );
    const perms = codePermissionsOf(resolve(code));
    expect(perms.map((p) => [p.actions[0], p.resource?.kind, p.api])).toEqual([
      ['scheduler:CreateSchedule', undefined, 'CreateScheduleCommand'],
      ['iam:PassRole', 'iam-role', 'CreateScheduleCommand'],
      ['s3:PutObject', 's3-object', 'Upload'],
      ['s3:AbortMultipartUpload', 's3-object', 'Upload'],
    ]);
    expect(perms[1]!.resource?.name).toEqual([{ kind: 'env', name: 'SCHEDULER_ROLE_ARN' }]);
  });

  it('reads a lib-storage upload in a module the handler reaches, and none where no reached file names the package', () => {
    const storage = lines(
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { Upload } from '@aws-sdk/lib-storage';",
      'const s3 = new S3Client({});',
      "export async function store(body: string) { await new Upload({ client: s3, params: { Bucket: 'media', Key: 'big.bin', Body: body } }).done(); }",
      "export async function other(body: string) { class Upload { constructor(_: unknown) {} } return new Upload({ params: { Bucket: 'media', Key: body } }); }",
    );
    const viaStore = codePermissionsOf(resolve("import { store } from './storage';\nexport const handler = async (b: string) => store(b);", { 'src/storage.ts': storage }));
    expect(viaStore.map((p) => [p.actions[0], p.api])).toEqual([
      ['s3:PutObject', 'Upload'],
      ['s3:AbortMultipartUpload', 'Upload'],
    ]);
    const viaOther = codePermissionsOf(resolve("import { other } from './storage';\nexport const handler = async (b: string) => other(b);", { 'src/storage.ts': storage }));
    expect(viaOther).toEqual([]);
    const unrelated = lines("class Upload { constructor(_: unknown) {} }", "export const handler = async (b: string) => new Upload({ params: { Bucket: 'media', Key: b } });");
    expect(codePermissionsOf(resolve(unrelated))).toEqual([]);
  });

  it('reads an SDK v2 upload in a module the handler reaches, written out or escaped, and none where no reached file can call one', () => {
    const storage = (call: string) =>
      lines("import AWS from 'aws-sdk';", 'const s3 = new AWS.S3();', `export async function store(body: string) { await s3.${call}({ Bucket: 'media', Key: 'big.bin', Body: body }).promise(); }`, 'export const other = (b: string) => b;');
    for (const call of ['upload', 'upl\\u006fad']) {
      const viaStore = codePermissionsOf(resolve("import { store } from './storage';\nexport const handler = async (b: string) => store(b);", { 'src/storage.ts': storage(call) }));
      expect(viaStore.map((p) => [p.actions[0], p.api]), call).toEqual([['s3:PutObject', 'upload()']]);
    }
    // The handler reaches only other(): the file that calls upload is loaded, but none of its reached code calls it.
    expect(codePermissionsOf(resolve("import { other } from './storage';\nexport const handler = async (b: string) => other(b);", { 'src/storage.ts': storage('upload') }))).toEqual([]);
  });

  it('reads the PartiQL verb and transaction items; an unknown statement is any one of the PartiQL actions', () => {
    const code = lines(
      "import { DynamoDBClient, ExecuteStatementCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';",
      'const c = new DynamoDBClient({});',
      'export const handler = async (q: string) => {',
      "  await c.send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM t' }));",
      '  await c.send(new ExecuteStatementCommand({ Statement: q }));',
      "  await c.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 't', Item: {} } }, { ConditionCheck: { TableName: 't', Key: {}, ConditionExpression: 'x' } }] }));",
      '};',
    );
    const perms = codePermissionsOf(resolve(code));
    expect(perms.map((p) => [p.actions, p.anyOf ?? false])).toEqual([
      [['dynamodb:PartiQLSelect'], false],
      [['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'], true],
      [['dynamodb:PutItem'], false],
      [['dynamodb:ConditionCheckItem'], false],
    ]);
  });

  it('ignores calls in functions the handler never runs, and locates each permission at its call', () => {
    const code = lines(
      "import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';",
      'const c = new DynamoDBClient({});',
      "export const unused = () => c.send(new PutItemCommand({ TableName: 't', Item: {} }));",
      "export const handler = () => c.send(new GetItemCommand({ TableName: 't', Key: {} }));",
    );
    const perms = codePermissionsOf(resolve(code));
    expect(perms.map((p) => p.actions[0])).toEqual(['dynamodb:GetItem']);
    expect(locOfNode(perms[0]!.node)).toMatchObject({ line: 4, column: 30, endLine: 4, endColumn: 85 });
  });
});

describe('names that are Object.prototype members', () => {
  it('reads a transaction item, a managed policy and modules named constructor or toString as unknown names, not as table entries', () => {
    const code = lines(
      "import make from 'constructor';",
      "import { toString } from 'valueOf';",
      "import { DynamoDBClient, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';",
      "import { paginateconstructor } from '@aws-sdk/lib-dynamodb';",
      'const db = new DynamoDBClient({});',
      'export const handler = async () => {',
      '  make();',
      '  new toString();',
      "  await db.send(new TransactWriteItemsCommand({ TransactItems: [{ constructor: {} }] }));",
      '  paginateconstructor({ client: db }, {});',
      '};',
    );
    const perms = codePermissionsOf(resolve(code));
    expect(perms.map((p) => [p.api, p.actions.join(' '), p.anyOf === true])).toEqual([
      ['TransactWriteItemsCommand', 'dynamodb:PutItem dynamodb:UpdateItem dynamodb:DeleteItem dynamodb:ConditionCheckItem', true],
      ['paginateconstructor', 'dynamodb:constructor', false],
    ]);
    const managed = (value: string): Role => ({ id: 'r', loc: LOC, statements: [], managedPolicies: [{ value, loc: LOC, node: scalar(value) }] });
    expect(knownStatements(emptyModel(ROOT), managed('arn:aws:iam::aws:policy/constructor'))).toBeUndefined();
    expect(knownStatements(emptyModel(ROOT), managed('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'))?.managed).toEqual(['AWSLambdaBasicExecutionRole']);
  });
});

describe('opaqueAwsUseOf', () => {
  it('names libraries that call AWS themselves and commands built out of sight; survives a broken import', () => {
    expect(opaqueAwsUseOf(resolve("import { Entity } from 'electrodb';\nexport const handler = async () => Entity;\n"))).toBe('it imports electrodb');
    const built = lines(
      "import { S3Client } from '@aws-sdk/client-s3';",
      'const s3 = new S3Client({});',
      'export const handler = async (cmd: any) => s3.send(cmd);',
    );
    expect(opaqueAwsUseOf(resolve(built))).toBe('a command sent at line 3 is not visible');
    expect(opaqueAwsUseOf(resolve("import { x } froxx;\nexport const handler = async () => 1;\n"))).toBeUndefined();
    const handed = lines(
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      "import { BrandRepository } from '@acme/brand-data';",
      'const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      'const brands = new BrandRepository({ documentClient });',
      'export const handler = async (id: string) => brands.get(id);',
    );
    expect(opaqueAwsUseOf(resolve(handed))).toBe('an AWS client is handed to @acme/brand-data at line 5');
    const local = lines(
      "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      "const get = (client: DynamoDBClient, id: string) => client.send(new GetItemCommand({ TableName: 't', Key: { id: { S: id } } }));",
      'export const handler = async (id: string) => get(db, id);',
    );
    expect(opaqueAwsUseOf(resolve(local))).toBeUndefined();
  });

  it('names the line of a command sent out of sight as ts-morph counts it, after comments, CRLF line ends and multi-line calls', () => {
    const sending = (eol: string, prefix: string) =>
      [
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'const db = new DynamoDBClient({});',
        '/* a comment',
        '   over two lines */',
        `export const handler = async (cmd: any) => ${prefix}db`,
        '  .send(',
        '    cmd,',
        '  );',
      ].join(eol);
    expect(opaqueAwsUseOf(resolve(sending('\n', '')))).toBe('a command sent at line 5 is not visible');
    expect(opaqueAwsUseOf(resolve(sending('\r\n', '/* inline */ (').replace(');', '));')))).toBe('a command sent at line 5 is not visible');
    expect(opaqueAwsUseOf(resolve(sending('\n', '\n  ')))).toBe('a command sent at line 6 is not visible');
    // An escaped name is the method it spells.
    expect(opaqueAwsUseOf(resolve(sending('\n', '').replace('.send(', '.s\\u0065nd(')))).toBe('a command sent at line 5 is not visible');
  });

  it('counts the import words of a text as /\\bimport\\b/g does, up to one past the limit', () => {
    const texts = ['', 'import', 'imports', 'reimport', '_import', 'import_', 'import$', '$import', 'éimport', 'importimport', 'import import', 'import(x)', 'x.import', 'import9', '9import', "import a from 'b';\nimport('c');\n// import d\n"];
    for (const text of texts) {
      const expected = text.match(/\bimport\b/g)?.length ?? 0;
      expect(importWordsAtMost(text, 100), text).toBe(expected);
      expect(importWordsAtMost(text, 0), text).toBe(Math.min(expected, 1));
    }
  });

  it('names a library that calls AWS itself by its package, imported as a whole or by a subpath, not by a look-alike name', () => {
    const importing = (line: string) => opaqueAwsUseOf(resolve(`${line}\nexport const handler = async () => 1;\n`, { 'src/electrodb-local.ts': 'export const x = 1;\n' }));
    expect(importing("import { Entity } from 'electrodb';")).toBe('it imports electrodb');
    expect(importing("import ssm from '@middy/ssm';")).toBe('it imports @middy/ssm');
    expect(importing("import ssm from '@middy/ssm/index.js';")).toBe('it imports @middy/ssm');
    expect(importing("const { Consumer } = require( 'sqs-consumer/dist' );")).toBe('it imports sqs-consumer');
    expect(importing("const { fromIni } = require('@aws-sdk/credential-providers');")).toBe('it imports @aws-sdk/credential-providers');
    expect(importing("import { x } from './electrodb-local';")).toBeUndefined();
    for (const lookAlike of ['electrodb-x', '@middy/ssmx', '@middy', 'dynamoose2/y']) {
      expect(String(importing(`import { x } from '${lookAlike}';`)), lookAlike).not.toMatch(/^it imports (electrodb|@middy\/ssm|dynamoose)$/);
    }
  });

  it('tells a command sent out of sight from the sends the SDK facts read, in one function', () => {
    const mixed = lines(
      "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      'export const handler = async (id: string, cmd: any) => {',
      "  const get = new GetItemCommand({ TableName: 't', Key: { id: { S: id } } });",
      '  await db.send(get);',
      '  return db.send(cmd);',
      '};',
    );
    expect(opaqueAwsUseOf(resolve(mixed))).toBe('a command sent at line 6 is not visible');
    expect(opaqueAwsUseOf(resolve(mixed.replace('db.send(cmd)', 'db.send(get)')))).toBeUndefined();
    const v2 = lines("import AWS from 'aws-sdk';", 'const s3 = new AWS.S3();', 'export const handler = async (op: string) => s3.makeRequest(op, {}).promise();');
    expect(opaqueAwsUseOf(resolve(v2))).toBe('makeRequest at line 3 names its operation at run time');
  });

  it('finds a client handed to a package however the package is imported, not only by import declarations of packages', () => {
    const handing = (importLine: string): string =>
      lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
        importLine,
        'const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
        'const brands = new BrandRepository({ documentClient });',
        'export const handler = async (id: string) => brands.get(id);',
      );
    // Each is a file whose import declarations are all of the SDK: its calls must still be looked at.
    for (const importLine of [
      "const { BrandRepository } = require('@acme/brand-data');",
      "const { BrandRepository } = requ\\u0069re('@acme/brand-data');",
      "const { BrandRepository } = await import('@acme/brand-data');",
      "const { BrandRepository } = await import /* lazily */ ('@acme/brand-data');",
    ]) {
      expect(opaqueAwsUseOf(resolve(handing(importLine))), importLine).toBe('an AWS client is handed to @acme/brand-data at line 5');
    }
    // An import declaration the opaque-import check leaves unresolved: node: modules.
    expect(opaqueAwsUseOf(resolve(handing("import { BrandRepository } from 'node:repository';")))).toBe('an AWS client is handed to repository at line 5');
    // Only SDK and project modules imported: nothing handed to a package, as a look at every call finds.
    const project = handing("import { BrandRepository } from './brands';");
    expect(opaqueAwsUseOf(resolve(project, { 'src/brands.ts': 'export class BrandRepository { constructor(readonly options: object) {} get(id: string) { return id; } }' }))).toBeUndefined();
  });

  it('hands nothing through a type-only import or the Lambda types, with or without a look at every call; a value import of the package still hands', () => {
    const handing = (importLine: string, other = ''): string =>
      lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
        importLine,
        'const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
        'const brands = new BrandRepository({ documentClient });',
        `export const handler = async (id: string) => brands.get(id);${other}`,
      );
    // A name imported for types only is no value: `new BrandRepository(...)` does not compile (TS1361),
    // and once the types are erased there is no BrandRepository to hand the client to. The same answer
    // whether the file's imports tell it (no other import) or every call of the file is looked at (a
    // require elsewhere in the file makes the imports tell nothing).
    const slowPath = "\nexport const load = () => require('./brands');";
    const brands = { 'src/brands.ts': 'export const brands = 1;' };
    for (const importLine of [
      "import type { BrandRepository } from '@acme/brand-data';",
      "import { type BrandRepository } from '@acme/brand-data';",
      "import { type BrandRepository, type BrandRecord } from '@acme/brand-data';",
      "import type * as brandData from '@acme/brand-data';\nconst { BrandRepository } = brandData;",
      "import type * as brandData from '@acme/brand-data';\nconst BrandRepository = brandData.BrandRepository;",
      // @types/aws-lambda declares no value (no `main`): a name imported from it is a type, however written.
      "import { Handler as BrandRepository } from 'aws-lambda';",
      "import type BrandRepository from '@acme/brand-data';",
    ]) {
      expect(opaqueAwsUseOf(resolve(handing(importLine))), importLine).toBeUndefined();
      expect(opaqueAwsUseOf(resolve(handing(importLine, slowPath), brands)), `${importLine} (every call looked at)`).toBeUndefined();
    }
    // A value import of the same package hands the client, the same through either path, also next to type-only names.
    for (const importLine of [
      "import { BrandRepository } from '@acme/brand-data';",
      "import { type BrandRecord, BrandRepository } from '@acme/brand-data';",
      "import type { BrandRecord } from '@acme/brand-data';\nimport { BrandRepository } from '@acme/brand-data';",
      "import BrandRepository, { type BrandRecord } from '@acme/brand-data';",
    ]) {
      const line = importLine.split('\n').length + 4;
      expect(opaqueAwsUseOf(resolve(handing(importLine))), importLine).toBe(`an AWS client is handed to @acme/brand-data at line ${line}`);
      expect(opaqueAwsUseOf(resolve(handing(importLine, slowPath), brands)), `${importLine} (every call looked at)`).toBe(`an AWS client is handed to @acme/brand-data at line ${line}`);
    }
  });

  it('reads a file with backslashes that are no identifier escape (strings, regular expressions) as one without', () => {
    const escaped = (importLine: string, other = ''): string =>
      lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        importLine,
        'const client = new DynamoDBClient({});',
        "const banner = 'brands\\n' + `tab\\t${String.raw`\\d`}`;",
        'const brands = new BrandRepository({ client, banner, pattern: /\\d+\\/\\w/ });',
        `export const handler = async (id: string) => brands.get(id);${other}`,
      );
    const project = { 'src/brands.ts': 'export class BrandRepository { constructor(readonly options: object) {} get(id: string) { return id; } }' };
    const slowPath = "\nexport const load = () => require('./brands');";
    // Project modules only: nothing handed to a package, told from the imports or from every call.
    for (const other of ['', slowPath]) expect(opaqueAwsUseOf(resolve(escaped("import { BrandRepository } from './brands';", other), project)), other).toBeUndefined();
    // The backslashes hide no package: one imported is still found.
    expect(opaqueAwsUseOf(resolve(escaped("import { BrandRepository } from '@acme/brand-data';")))).toBe('an AWS client is handed to @acme/brand-data at line 5');
  });

  it('does not call a client handed to a function of a project module opaque: that module is read too', () => {
    const files: Record<string, string> = {
      'src/app.ts': lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { save } from './repo';",
        'const client = new DynamoDBClient({});',
        'export const handler = async (id: string) => save(client, id);',
      ),
      'src/repo.ts': lines(
        "import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "export const save = (client: DynamoDBClient, id: string) => client.send(new PutItemCommand({ TableName: 'items', Item: { id: { S: id } } }));",
      ),
    };
    const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
    const r = analyzer.resolve({ modulePath: `${ROOT}/src/app`, exportName: 'handler', loc: LOC });
    if (!r.ok) throw new Error(r.message);
    expect(opaqueAwsUseOf(r.code)).toBeUndefined();
    expect(codePermissionsOf(r.code).map((p) => p.actions)).toEqual([['dynamodb:PutItem']]);
  });
});

describe('binding resources to the template', () => {
  const code = lines(
    "import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';",
    "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';",
    "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
    'const db = new DynamoDBClient({});',
    'const s3 = new S3Client({});',
    'const sqs = new SQSClient({});',
    'const { QUEUE_URL } = process.env;',
    'const env = (name: string) => process.env[name]!;',
    'export const handler = async (id: string) => {',
    "  await db.send(new QueryCommand({ TableName: process.env.TABLE, IndexName: 'byOwner', KeyConditionExpression: 'o = :o' }));",
    "  await s3.send(new GetObjectCommand({ Bucket: env('BUCKET'), Key: `logos/${id}.png` }));",
    "  await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x' }));",
    '};',
  );
  const model = emptyModel(ROOT);
  const res = (logicalId: string, type: string, props: Value | undefined) => ({
    logicalId,
    type,
    loc: LOC,
    properties: props?.kind === 'map' ? props : undefined,
    metadata: undefined,
    node: { kind: 'map' as const, entries: [], loc: LOC },
    file: LOC.file,
    platform: 'cloudformation' as const,
  });
  model.resources.push(
    res('Brands', 'AWS::DynamoDB::Table', { kind: 'map', entries: [{ key: 'TableName', keyLoc: LOC, value: scalar('brands') }], loc: LOC }),
    res('Logos', 'AWS::S3::Bucket', undefined),
    res('Jobs', 'AWS::SQS::Queue', undefined),
  );
  const f = fn({ TABLE: ref('Brands'), BUCKET: ref('Logos'), QUEUE_URL: ref('Jobs') });

  it('renders each resource as the template names it', () => {
    const bound = boundPermissionsOf(model, f, resolve(code));
    expect(bound.map((b) => [b.actions[0], b.resource])).toEqual([
      ['dynamodb:Query', '${Brands.Arn}/index/byOwner'],
      ['s3:GetObject', '${Logos.Arn}/logos/*.png'],
      ['sqs:SendMessage', '${Jobs.Arn}'],
    ]);
    expect(leastPrivilege(bound)).toEqual([
      { actions: ['dynamodb:Query'], resources: ['${Brands.Arn}/index/byOwner'] },
      { actions: ['s3:GetObject'], resources: ['${Logos.Arn}/logos/*.png'] },
      { actions: ['sqs:SendMessage'], resources: ['${Jobs.Arn}'] },
    ]);
  });

  it('evaluates Allow, wildcards, literal ARNs, Deny and NotAction against those resources', () => {
    const stmt = (effect: string, actionList: string[], resources: string[], key = 'Action') => ({
      effect: { value: effect, loc: LOC, node: scalar(effect) },
      actions: key === 'Action' ? actionList.map((a) => ({ value: a, loc: LOC, node: scalar(a) })) : [],
      notActions: key === 'NotAction' ? actionList.map((a) => ({ value: a, loc: LOC, node: scalar(a) })) : [],
      resources: resources.map((r) => ({ value: r, loc: LOC, node: scalar(r) })),
      notResources: [],
      loc: LOC,
      node: scalar('s'),
    });
    const index = '${Brands.Arn}/index/byOwner';
    const kind = (statements: ReturnType<typeof stmt>[], action: string, resource: string) => evaluate(model, LOC.file, statements, action, resource).kind;
    expect(kind([stmt('Allow', ['dynamodb:Query'], ['arn:aws:dynamodb:eu-west-1:123456789012:table/brands/index/*'])], 'dynamodb:Query', index)).toBe('granted');
    expect(kind([stmt('Allow', ['dynamodb:Query'], ['arn:aws:dynamodb:eu-west-1:123456789012:table/brands'])], 'dynamodb:Query', index)).toBe('missing');
    expect(kind([stmt('Allow', ['dynamodb:Get*'], ['*'])], 'dynamodb:Query', index)).toBe('missing');
    expect(kind([stmt('Allow', ['dynamodb:*'], ['*']), stmt('Deny', ['dynamodb:Query'], ['*'])], 'dynamodb:Query', index)).toBe('denied');
    expect(kind([stmt('Allow', ['s3:*'], ['*'], 'NotAction')], 'dynamodb:Query', index)).toBe('granted');
    expect(kind([stmt('Allow', ['s3:GetObject'], ['arn:aws:s3:::other/*'])], 's3:GetObject', '${Logos.Arn}/logos/*.png')).toBe('missing');
    expect(kind([stmt('Allow', ['s3:GetObject'], ['${Logos.Arn}/logos/*'])], 's3:GetObject', '${Logos.Arn}/logos/*.png')).toBe('granted');
  });

  it('matches action patterns case-insensitively, and pathological patterns without backtracking', () => {
    expect(['dynamodb:Get*', 'DynamoDB:getitem', 'dynamodb:?etItem', '*'].map((p) => actionPatternMatches(p, 'dynamodb:GetItem'))).toEqual([true, true, true, true]);
    expect(['dynamodb:Put*', 'dynamodb:GetItems', 's3:*'].map((p) => actionPatternMatches(p, 'dynamodb:GetItem'))).toEqual([false, false, false]);
    const started = Date.now();
    expect(actionPatternMatches(`${'*a'.repeat(400)}b`, 'a'.repeat(300))).toBe(false);
    expect(globCovers(`arn:aws:s3:::${'*a'.repeat(400)}b`, `arn:aws:s3:::${'a'.repeat(1000)}`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('matches compiled patterns (literal, trailing `*`, any other) as the plain definition of a glob does', () => {
    // The definition, by backtracking: `*` any run, the segment wildcard any run without `/` or `:`, `?` one character when `single`.
    const SEGMENT = '\u0001';
    const matches = (p: string, t: string, single: boolean): boolean => {
      if (p === '') return t === '';
      const [c, rest] = [p[0]!, p.slice(1)];
      if (c === '*' || c === SEGMENT) {
        for (let k = 0; k <= t.length; k++) {
          if (matches(rest, t.slice(k), single)) return true;
          if (c === SEGMENT && k < t.length && '/:'.includes(t[k]!)) return false;
        }
        return false;
      }
      if (t === '') return false;
      return (c === t[0] || (single && c === '?')) && matches(rest, t.slice(1), single);
    };
    const words = (alphabet: string[], max: number): string[] => {
      let level = [''];
      const out = [''];
      for (let n = 1; n <= max; n++) out.push(...(level = level.flatMap((w) => alphabet.map((c) => w + c))));
      return out;
    };
    const patterns = words(['a', 'B', ':', '*', '?', SEGMENT], 4);
    const texts = [...words(['a', 'b', ':', '/'], 3), 'ab:ab', 'a/b/a:b', '?a*', 'aaaa'];
    const wrong: string[] = [];
    for (const p of patterns) {
      for (const t of texts) {
        const literal = !/[*?\u0001]/.test(t);
        if (actionPatternMatches(p, t) !== matches(p.toLowerCase(), t.toLowerCase(), true)) wrong.push(`action ${JSON.stringify([p, t])}`);
        if (globCovers(p, t) !== matches(p, t, false)) wrong.push(`covers ${JSON.stringify([p, t])}`);
        if (literal && globsIntersect(p, t) !== matches(p, t, true)) wrong.push(`intersects ${JSON.stringify([p, t])}`);
        if (literal && globsIntersect(t, p) !== matches(p, t, true)) wrong.push(`intersects ${JSON.stringify([t, p])}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('intersects globs with unknown parts on both sides', () => {
    expect(globsIntersect('arn:aws:s3:::b/uploads/*', 'arn:aws:s3:::b/*.png')).toBe(true);
    expect(globsIntersect('arn:aws:s3:::b/uploads/*', 'arn:aws:s3:::c/*')).toBe(false);
    expect(globsIntersect('arn:aws:secretsmanager:eu-west-1:1:secret:app/db-??????', 'arn:aws:secretsmanager:*:*:secret:app/db-AbCdEf')).toBe(true);
  });
});
