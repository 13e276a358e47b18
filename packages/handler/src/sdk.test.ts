import type { HandlerRef } from '@lambda-lint/core';
import { Node } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { HandlerAnalyzer, isOneTimeInit, locOfNode, sdkFactsOf, type HandlerCode, type SdkFact } from './index.js';
import { moduleScopeCallsOf } from './sdk.js';
import { enclosingBoundary, walkDescendants } from './syntax.js';

const ROOT = '/project';

function resolve(files: Record<string, string>, modulePath = 'src/ingest'): HandlerCode {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/${modulePath}`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

const lines = (...l: string[]): string => l.join('\n');

/** `line:column-endLine:endColumn` of a node. */
function at(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const l = locOfNode(node);
  return `${l.line}:${l.column}-${l.endLine}:${l.endColumn}`;
}

function summary(f: SdkFact): Record<string, unknown> {
  const base = { kind: f.kind, service: f.service, scope: f.scope, at: at(f.node) };
  switch (f.kind) {
    case 'client':
      return { ...base, category: f.category, name: f.name, module: f.module };
    case 'operation':
      return { ...base, operation: f.operation, written: f.written, style: f.style, sdk: f.sdk, input: at(f.input), client: f.client ? at(f.client.node) : undefined };
    case 'paginator':
      return { ...base, operation: f.operation, input: at(f.input) };
    case 'presign':
      return { ...base, function: f.function, operation: f.operation, input: at(f.input), expiresSeconds: f.expiresSeconds };
    case 'powertools':
      return { ...base, name: f.name, cached: f.cached };
  }
}

describe('sdkFactsOf', () => {
  it('recognises v3 clients, commands, lib-dynamodb, aggregated clients, paginators and presigners', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { DynamoDBClient, GetItemCommand, DynamoDB, paginateScan } from '@aws-sdk/client-dynamodb';", // 1
        "import { DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';", // 2
        "import * as s3 from '@aws-sdk/client-s3';", // 3
        "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';", // 4
        "import { createPresignedPost } from '@aws-sdk/s3-presigned-post';", // 5
        'const ddb = new DynamoDBClient({});', // 6
        'const doc = DynamoDBDocumentClient.from(ddb);', // 7
        'export const handler = async (event: any) => {', // 8
        "  await ddb.send(new GetItemCommand({ TableName: 't', Key: {} }));", // 9
        "  const put = new PutCommand({ TableName: 't', Item: event });", // 10
        '  await doc.send(put);', // 11
        "  await new DynamoDB({}).getItem({ TableName: 't', Key: {} });", // 12
        "  for await (const page of paginateScan({ client: ddb }, { TableName: 't' })) void page;", // 13
        "  paginateQuery({ client: doc }, { TableName: 't' });", // 14
        '  const client = new s3.S3Client({});', // 15
        "  await getSignedUrl(client, new s3.PutObjectCommand({ Bucket: 'b', Key: 'k' }), { expiresIn: 60 * 60 });", // 16
        "  await createPresignedPost(client, { Bucket: 'b', Key: 'k', Expires: 600 });", // 17
        '};',
      ),
    });
    expect(sdkFactsOf(code).all.map(summary)).toEqual([
      { kind: 'client', service: 'dynamodb', scope: 'module', at: '6:13-6:35', category: 'aws-v3', name: 'DynamoDBClient', module: '@aws-sdk/client-dynamodb' },
      { kind: 'client', service: 'dynamodb', scope: 'module', at: '7:13-7:45', category: 'document-client', name: 'DynamoDBDocumentClient', module: '@aws-sdk/lib-dynamodb' },
      { kind: 'operation', service: 'dynamodb', scope: 'invocation', at: '9:9-9:66', operation: 'GetItem', written: 'GetItemCommand', style: 'command', sdk: 'v3', input: '9:37-9:64', client: '6:13-6:35' },
      { kind: 'operation', service: 'dynamodb', scope: 'invocation', at: '11:9-11:22', operation: 'PutItem', written: 'PutCommand', style: 'command', sdk: 'v3', input: '10:30-10:61', client: '7:13-7:45' },
      { kind: 'client', service: 'dynamodb', scope: 'invocation', at: '12:9-12:25', category: 'aws-v3-aggregated', name: 'DynamoDB', module: '@aws-sdk/client-dynamodb' },
      { kind: 'operation', service: 'dynamodb', scope: 'invocation', at: '12:9-12:62', operation: 'GetItem', written: 'getItem', style: 'method', sdk: 'v3', input: '12:34-12:61', client: '12:9-12:25' },
      { kind: 'paginator', service: 'dynamodb', scope: 'invocation', at: '13:28-13:77', operation: 'Scan', input: '13:58-13:76' },
      { kind: 'paginator', service: 'dynamodb', scope: 'invocation', at: '14:3-14:53', operation: 'Query', input: '14:34-14:52' },
      { kind: 'client', service: 's3', scope: 'invocation', at: '15:18-15:37', category: 'aws-v3', name: 'S3Client', module: '@aws-sdk/client-s3' },
      { kind: 'presign', service: 's3', scope: 'invocation', at: '16:9-16:105', function: 'getSignedUrl', operation: 'PutObject', input: '16:54-16:79', expiresSeconds: 3600 },
      { kind: 'presign', service: 's3', scope: 'invocation', at: '17:9-17:77', function: 'createPresignedPost', operation: 'PostObject', input: '17:37-17:76', expiresSeconds: 600 },
    ]);
  });

  it('recognises SDK v2 through require, the DocumentClient and .promise()', () => {
    const code = resolve(
      {
        'src/ingest.js': lines(
          "const AWS = require('aws-sdk');", // 1
          "const SecretsManager = require('aws-sdk/clients/secretsmanager');", // 2
          'const sm = new SecretsManager();', // 3
          'exports.handler = async (event) => {', // 4
          '  const doc = new AWS.DynamoDB.DocumentClient();', // 5
          "  await doc.put({ TableName: 't', Item: event }).promise();", // 6
          "  new AWS.S3().putObject({ Bucket: 'b', Key: 'k' }, (err) => {});", // 7
          "  await sm.getSecretValue({ SecretId: 's' }).promise();", // 8
          "  new AWS.S3().getSignedUrl('putObject', { Bucket: 'b', Key: 'k', Expires: 900 });", // 9
          '};',
        ),
      },
      'src/ingest',
    );
    const facts = sdkFactsOf(code);
    expect(facts.all.map(summary)).toEqual([
      { kind: 'client', service: 'secrets-manager', scope: 'module', at: '3:12-3:32', category: 'aws-v2', name: 'secretsmanager', module: 'aws-sdk/clients/secretsmanager' },
      { kind: 'client', service: 'dynamodb', scope: 'invocation', at: '5:15-5:48', category: 'aws-v2', name: 'DynamoDB.DocumentClient', module: 'aws-sdk' },
      { kind: 'operation', service: 'dynamodb', scope: 'invocation', at: '6:9-6:49', operation: 'PutItem', written: 'put', style: 'method', sdk: 'v2', input: '6:17-6:48', client: '5:15-5:48' },
      { kind: 'client', service: 's3', scope: 'invocation', at: '7:3-7:15', category: 'aws-v2', name: 'S3', module: 'aws-sdk' },
      { kind: 'operation', service: 's3', scope: 'invocation', at: '7:3-7:65', operation: 'PutObject', written: 'putObject', style: 'method', sdk: 'v2', input: '7:26-7:51', client: '7:3-7:15' },
      { kind: 'operation', service: 'secrets-manager', scope: 'invocation', at: '8:9-8:45', operation: 'GetSecretValue', written: 'getSecretValue', style: 'method', sdk: 'v2', input: '8:27-8:44', client: '3:12-3:32' },
      { kind: 'client', service: 's3', scope: 'invocation', at: '9:3-9:15', category: 'aws-v2', name: 'S3', module: 'aws-sdk' },
      { kind: 'presign', service: 's3', scope: 'invocation', at: '9:3-9:82', function: 'getSignedUrl', operation: 'PutObject', input: '9:42-9:81', expiresSeconds: 900 },
    ]);
    const ops = facts.operations;
    expect(ops[0]!.promiseCall && at(ops[0]!.promiseCall)).toBe('6:9-6:59');
    expect(ops[1]!.callback).toBe(true);
    expect(ops[0]!.documentClient).toBe(true);
  });

  it('recognises Powertools, database and HTTP clients, default and namespace imports', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { Logger } from '@aws-lambda-powertools/logger';", // 1
        "import { Metrics } from '@aws-lambda-powertools/metrics';", // 2
        "import { Tracer } from '@aws-lambda-powertools/tracer';", // 3
        "import { getParameter } from '@aws-lambda-powertools/parameters/ssm';", // 4
        "import { getSecret } from '@aws-lambda-powertools/parameters/secrets';", // 5
        "import { makeIdempotent } from '@aws-lambda-powertools/idempotency';", // 6
        "import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';", // 7
        "import pg from 'pg';", // 8
        "import mysql from 'mysql2/promise';", // 9
        "import Redis from 'ioredis';", // 10
        "import { createClient } from 'redis';", // 11
        "import { MongoClient } from 'mongodb';", // 12
        "import https from 'node:https';", // 13
        "import { Agent } from 'undici';", // 14
        'const logger = new Logger();', // 15
        'const metrics = new Metrics();', // 16
        'const tracer = new Tracer();', // 17
        'const processor = new BatchProcessor(EventType.SQS);', // 18
        'const work = async (event: any) => {', // 19
        "  await getParameter('/a');", // 20
        "  await getSecret('b', { maxAge: 0 });", // 21
        '  const pool = new pg.Pool();', // 22
        '  const conn = await mysql.createConnection({});', // 23
        '  const redis = new Redis();', // 24
        '  const r2 = createClient();', // 25
        "  const mongo = new MongoClient('mongodb://x');", // 26
        '  const agent = new https.Agent({ keepAlive: true });', // 27
        '  const u = new Agent();', // 28
        '  return processPartialResponse(event, async () => {}, processor, {});', // 29
        '};',
        'export const handler = makeIdempotent(work, {} as any);', // 31
      ),
    });
    expect(sdkFactsOf(code).all.map((f) => [f.kind, f.service, f.scope, at(f.node), f.kind === 'client' ? f.category : f.kind === 'powertools' ? f.cached : undefined])).toEqual([
      ['client', 'logger', 'module', '15:16-15:28', 'powertools'],
      ['client', 'metrics', 'module', '16:17-16:30', 'powertools'],
      ['client', 'tracer', 'module', '17:16-17:28', 'powertools'],
      ['client', 'batch', 'module', '18:19-18:52', 'powertools'],
      ['powertools', 'parameters', 'invocation', '20:9-20:27', true],
      ['powertools', 'parameters', 'invocation', '21:9-21:38', false],
      ['client', 'pg', 'invocation', '22:16-22:29', 'database'],
      ['client', 'mysql2', 'invocation', '23:22-23:48', 'database'],
      ['client', 'ioredis', 'invocation', '24:17-24:28', 'database'],
      ['client', 'redis', 'invocation', '25:14-25:28', 'database'],
      ['client', 'mongodb', 'invocation', '26:17-26:47', 'database'],
      ['client', 'https', 'invocation', '27:17-27:53', 'http-agent'],
      ['client', 'undici', 'invocation', '28:13-28:24', 'http-agent'],
      ['powertools', 'batch', 'invocation', '29:10-29:70', true],
      ['powertools', 'idempotency', 'module', '31:24-31:55', true],
    ]);
  });

  it('finds clients behind variables, lazy lets, local modules and this fields', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';", // 1
        "import { ddb } from './clients.js';", // 2
        'let sqs: SQSClient | undefined;', // 3
        'class Repo { client = ddb; get(k: string) { return this.client.get({ TableName: "t", Key: { k } }).promise(); } }', // 4
        'const repo = new Repo();', // 5
        'export const handler = async () => {', // 6
        '  sqs ??= new SQSClient({});', // 7
        "  await sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: 'm' }));", // 8
        "  await repo.get('k');", // 9
        '};',
      ),
      'src/clients.ts': "import AWS from 'aws-sdk';\nexport const ddb = new AWS.DynamoDB.DocumentClient();\n",
    });
    const facts = sdkFactsOf(code);
    const ops = facts.operations;
    expect(ops.map((o) => [o.operation, at(o.node), o.client && at(o.client.node), o.client?.node.getSourceFile().getBaseName()])).toEqual([
      ['GetItem', '4:52-4:99', '2:20-2:53', 'clients.ts'],
      ['SendMessage', '8:9-8:78', '7:11-7:28', 'ingest.ts'],
    ]);
    expect(isOneTimeInit(code, facts.clients.find((c) => c.name === 'SQSClient')!.node)).toBe(true);
  });

  it('finds a let client assigned through parentheses and assertions, and not one assigned to another name', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", // 1
        'let sns: SNSClient | undefined;', // 2
        'let other: unknown;', // 3
        'function init() {', // 4
        '  ((sns as SNSClient | undefined)!) ||= new SNSClient({});', // 5
        '  other = new SNSClient({});', // 6
        '}', // 7
        'export const handler = async () => {', // 8
        '  init();', // 9
        "  await sns!.send(new PublishCommand({ TopicArn: 't', Message: 'm' }));", // 10
        '};',
      ),
    });
    expect(sdkFactsOf(code).operations.map((o) => [o.operation, o.client && at(o.client.node)])).toEqual([['Publish', '5:41-5:58']]);
  });

  it('resolves CommonJS destructuring, inline require, named v2 imports and local modules; tells unreached code apart', () => {
    const code = resolve(
      {
        'src/ingest.js': lines(
          "const { DynamoDBDocumentClient, QueryCommand } = require('@aws-sdk/lib-dynamodb');", // 1
          "const { DynamoDBClient } = require('@aws-sdk/client-dynamodb');", // 2
          "const { S3 } = require('aws-sdk');", // 3
          "const { save } = require('./lib/save');", // 4
          'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));', // 5
          "function unused() { return new (require('@aws-sdk/client-sqs').SQSClient)({}); }", // 6
          'exports.handler = async (event) => {', // 7
          "  const q = new QueryCommand({ TableName: 't', KeyConditionExpression: 'pk = :p' });", // 8
          '  await doc.send(q);', // 9
          "  await new S3().headObject({ Bucket: 'b', Key: 'k' }).promise();", // 10
          '  return save(event);', // 11
          '};',
        ),
        'src/lib/save.js': lines("const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');", 'const sns = new SNSClient({});', "exports.save = (e) => sns.send(new PublishCommand({ TopicArn: 't', Message: JSON.stringify(e) }));"),
      },
      'src/ingest',
    );
    const facts = sdkFactsOf(code);
    expect(facts.all.map((f) => [f.node.getSourceFile().getBaseName(), f.kind, f.service, f.scope, at(f.node), f.kind === 'operation' ? f.operation : f.kind === 'client' ? f.category : undefined])).toEqual([
      ['ingest.js', 'client', 'dynamodb', 'module', '5:13-5:64', 'document-client'],
      ['ingest.js', 'client', 'dynamodb', 'module', '5:41-5:63', 'aws-v3'],
      ['ingest.js', 'operation', 'dynamodb', 'invocation', '9:9-9:20', 'Query'],
      ['ingest.js', 'client', 's3', 'invocation', '10:9-10:17', 'aws-v2'],
      ['ingest.js', 'operation', 's3', 'invocation', '10:9-10:55', 'HeadObject'],
      ['save.js', 'client', 'sns', 'module', '2:13-2:30', 'aws-v3'],
      ['save.js', 'operation', 'sns', 'invocation', '3:23-3:98', 'Publish'],
    ]);
    // A construction in an unreached function is found on demand, with scope 'other'.
    const unusedNew = code.sourceFile.getDescendants().find((n) => Node.isNewExpression(n) && n.getText().includes('SQSClient'))!;
    expect(facts.clientOf(unusedNew)).toMatchObject({ kind: 'client', service: 'sqs', scope: 'other', category: 'aws-v3' });
    const q = code.sourceFile.getDescendants().find((n) => Node.isNewExpression(n) && n.getText().startsWith('new QueryCommand'))!;
    expect(facts.commandOf(q)).toMatchObject({ operation: 'Query', written: 'QueryCommand', service: 'dynamodb', documentClient: true });
  });

  it('recognises Powertools decorators, evaluated at class definition', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { idempotent } from '@aws-lambda-powertools/idempotency';", // 1
        "import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';", // 2
        "const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'idempotency' });", // 3
        'class Lambda {', // 4
        '  @idempotent({ persistenceStore })', // 5
        '  async handler(event: unknown) { return event; }', // 6
        '}', // 7
        'const instance = new Lambda();', // 8
        'export const handler = instance.handler.bind(instance);', // 9
      ),
    });
    expect(sdkFactsOf(code).all.map((f) => [f.kind, f.service, f.scope, at(f.node)])).toEqual([
      ['client', 'idempotency', 'module', '3:26-3:84'],
      ['powertools', 'idempotency', 'module', '5:4-5:36'],
    ]);
  });

  it('ignores look-alikes: local classes, unrelated send() and non-SDK modules', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        'class GetItemCommand { constructor(public x: unknown) {} }',
        'const socket = { send: (x: unknown) => x };',
        "import { Pool } from './pool.js';",
        "import { Client } from 'ssh2';",
        'export const handler = async () => {',
        '  socket.send(new GetItemCommand({}));',
        '  new Pool();',
        '  new Client();',
        '};',
      ),
      'src/pool.ts': 'export class Pool {}\n',
    });
    expect(sdkFactsOf(code).all).toEqual([]);
  });

  it('reads each use of a name by its own declaration: a shadowing local is not the module\'s client', () => {
    const code = resolve({
      'src/ingest.ts': lines(
        "import { DynamoDB } from '@aws-sdk/client-dynamodb';",
        'const db = new DynamoDB({});',
        'const read = () => {',
        '  const db = { getItem: (_: unknown) => 1 };',
        "  return db.getItem({ TableName: 'local' });",
        '};',
        'export const handler = async () => {',
        "  await db.getItem({ TableName: 'items', Key: {} });",
        '  read();',
        "  return (await db).putItem({ TableName: 'items', Item: {} });",
        '};',
      ),
    });
    expect(sdkFactsOf(code).operations.map((o) => [o.operation, at(o.node), o.client ? at(o.client.node) : undefined])).toEqual([
      ['GetItem', '8:9-8:52', '2:12-2:28'],
      ['PutItem', '10:10-10:62', '2:12-2:28'],
    ]);
  });
});

describe('module functions called as methods', () => {
  // Every module function the recognisers know, called as a member of its module (a namespace, a default
  // import, require): a method call of another name is not looked up (the pre-check on its last name), so
  // each name here must still be recognised.
  const code = resolve({
    'src/ingest.ts': lines(
      "import * as ddbLib from '@aws-sdk/lib-dynamodb';", // 1
      "import * as dynamo from '@aws-sdk/client-dynamodb';", // 2
      "import * as presigner from '@aws-sdk/s3-request-presigner';", // 3
      "import * as post from '@aws-sdk/s3-presigned-post';", // 4
      "import * as ssm from '@aws-lambda-powertools/parameters/ssm';", // 5
      "import * as idem from '@aws-lambda-powertools/idempotency';", // 6
      "import * as batch from '@aws-lambda-powertools/batch';", // 7
      "import mysql from 'mysql2/promise';", // 8
      "import * as mongodb from 'mongodb';", // 9
      "import mongoose from 'mongoose';", // 10
      "import * as redis from 'redis';", // 11
      "import * as pg from 'postgres';", // 12
      "const legacy = require('mysql');", // 13
      'export const handler = async (event: any) => {', // 14
      '  const ddb = new dynamo.DynamoDBClient({});', // 15
      '  const doc = ddbLib.DynamoDBDocumentClient.from(ddb);', // 16
      '  const agg = ddbLib.DynamoDBDocument.from(ddb);', // 17
      "  dynamo.paginateScan({ client: ddb }, { TableName: 't' });", // 18
      "  await presigner.getSignedUrl(ddb as any, new dynamo.GetItemCommand({ TableName: 't', Key: {} }), { expiresIn: 60 });", // 19
      "  await post.createPresignedPost(ddb as any, { Bucket: 'b', Key: 'k' });", // 20
      "  await ssm.getParameter('/a'); await ssm.getParameters('/p'); await ssm.getParametersByName({}); await ssm.getSecret('s'); await ssm.getAppConfig('c');", // 21
      '  idem.makeIdempotent(async () => 1, {} as any); idem.idempotent({} as any); idem.makeHandlerIdempotent({} as any);', // 22
      '  batch.processPartialResponse(event, async () => 1, {} as any); batch.processPartialResponseSync(event, () => 1, {} as any);', // 23
      "  await mysql.createConnection(''); await mysql.createPool(''); mysql.createPoolCluster();", // 24
      "  await mongodb.MongoClient.connect(''); await mongoose.connect(''); mongoose.createConnection('');", // 25
      '  redis.createClient(); redis.createCluster({} as any);', // 26
      "  pg.default(''); legacy.createPool({});", // 27
      '  dynamo.someHelper(); ssm.notAFunction(); mysql.query(); ddbLib.DynamoDBDocumentClient.create(ddb);', // 28
      '  return [doc, agg];',
      '};',
    ),
  });
  it('recognises each of them, and none of the other methods of those modules', () => {
    const facts = sdkFactsOf(code).all.filter((f) => f.node.getStartLineNumber() >= 16);
    const named = facts.map((f) => `${f.node.getStartLineNumber()} ${f.kind} ${f.kind === 'client' || f.kind === 'powertools' ? f.name : f.kind === 'presign' ? f.function : f.kind === 'paginator' ? f.written : f.kind}`);
    expect(named).toEqual([
      '16 client DynamoDBDocumentClient',
      '17 client DynamoDBDocument',
      '18 paginator paginateScan',
      '19 presign getSignedUrl',
      '20 presign createPresignedPost',
      '21 powertools getParameter',
      '21 powertools getParameters',
      '21 powertools getParametersByName',
      '21 powertools getSecret',
      '21 powertools getAppConfig',
      '22 powertools makeIdempotent',
      '22 powertools idempotent',
      '22 powertools makeHandlerIdempotent',
      '23 powertools processPartialResponse',
      '23 powertools processPartialResponseSync',
      '24 client createConnection',
      '24 client createPool',
      '24 client createPoolCluster',
      '25 client MongoClient.connect',
      '25 client connect',
      '25 client createConnection',
      '26 client createClient',
      '26 client createCluster',
      '27 client postgres',
      '27 client createPool',
    ]);
  });
});

describe('moduleScopeCallsOf', () => {
  /** The module-load calls as a walk of the module-level code finds them (how they were listed before): the reference. */
  function walked(file: ts.SourceFile): ts.Node[] {
    const SK = ts.SyntaxKind;
    const calls: ts.Node[] = [];
    const isCall = (n: ts.Node): boolean => n.kind === SK.NewExpression || n.kind === SK.CallExpression;
    const callsIn = (root: ts.Node): void => {
      walkDescendants(root, (d) => {
        if (isCall(d)) calls.push(d);
        return !(d.kind === SK.ArrowFunction || d.kind === SK.FunctionExpression);
      });
    };
    const stops = [SK.FunctionDeclaration, SK.FunctionExpression, SK.ArrowFunction, SK.Constructor, SK.GetAccessor, SK.SetAccessor];
    walkDescendants(file, (n) => {
      if (n.kind === SK.Decorator) {
        callsIn(n);
        return false;
      }
      if (stops.includes(n.kind)) return false;
      if (n.kind === SK.MethodDeclaration) {
        for (const d of ts.getDecorators(n as ts.MethodDeclaration) ?? []) callsIn(d);
        return false;
      }
      if (isCall(n) && enclosingBoundary(n) === undefined) calls.push(n);
      return true;
    });
    return calls;
  }

  const texts = (nodes: readonly ts.Node[], file: ts.SourceFile): string[] => nodes.map((n) => n.getText(file));

  it('lists the calls a walk of the module-level code finds, decorators and class bodies included, in source order', () => {
    const source = lines(
      "import { Logger } from '@aws-lambda-powertools/logger';",
      'const logger = new Logger(make({ level: level() }));',
      'const lazy = () => new Logger();',
      'function f(a = def()) { return g(); }',
      '(function () { iife(); })();',
      '(() => arrowIife())();',
      'await top(nested(1), new Inner());',
      '@sealed(options(), () => inArrow(), function () { inFn(); })',
      'class A extends base() {',
      '  static s = staticInit();',
      '  i = instanceInit();',
      '  [computed()] = 1;',
      '  static { inStaticBlock(); }',
      '  @logged(config()) method(@param(p()) x: number) { inMethod(); }',
      '  @field(f1()) prop = propInit();',
      '  @acc(a1()) get g() { return inGetter(); }',
      '  constructor(@inject(token()) y: number) { inCtor(); }',
      '  m2 = () => inArrowField();',
      '}',
      '@outer(class { @inner(i2()) x() { deep(); } static t = st(); })',
      'class B {}',
      'const o = { m() { inObjMethod(); }, k: key(), [ck()]: 1, get x() { return og(); } };',
      'interface I { [typeCall()]: string }',
      'export default build(() => later());',
      'if (cond()) { blockCall(); } else { for (const x of list()) loopCall(x); }',
      'const C = class { static z = classExprStatic(); w = classExprInstance(); };',
      'label: { labelled(); }',
      'export const h = async () => { handlerCall(); };',
      'class D {',
      '  x = @onExpr(e1()) class { @m3(e2(), () => e3()) y() { e4(); } };',
      '  static { const K = @inBlock(e5()) class {}; e6(); }',
      '  @dd(@nested(e7()) class { constructor() { e8(); } get g() { return e9(); } static s = e10(); }) z() {}',
      '}',
      'function outer() { @inFn(e11()) class E {} }',
    );
    const file = ts.createSourceFile('/project/src/m.ts', source, ts.ScriptTarget.Latest, true);
    const reference = walked(file);
    expect(texts(moduleScopeCallsOf(file), file)).toEqual(texts(reference, file));
    // The reference itself sees what runs at load and nothing else (a check on the check).
    expect(texts(reference, file)).toContain('staticInit()');
    expect(texts(reference, file)).not.toContain('instanceInit()');
    expect(texts(reference, file)).toContain('i2()');
    expect(texts(reference, file)).not.toContain('inArrow()');
  });

  it('lists them the same in a file without decorators', () => {
    const source = lines(
      "import { S3Client } from '@aws-sdk/client-s3';",
      'const s3 = new S3Client(config(region()));',
      'export async function get(k: string) { return s3.send(cmd(k)); }',
      'export const put = async () => { inArrow(); };',
      'class Store { static shared = create(); client = perInstance(); static { inBlock(); } m() { inMethod(); } }',
      'const obj = { k: key(), m() { inObjMethod(); } };',
      'if (flag()) { blockCall(); }',
      'export default (() => iife())();',
    );
    const file = ts.createSourceFile('/project/src/plain.ts', source, ts.ScriptTarget.Latest, true);
    expect(texts(moduleScopeCallsOf(file), file)).toEqual(texts(walked(file), file));
    expect(texts(walked(file), file)).toEqual(['new S3Client(config(region()))', 'config(region())', 'region()', 'create()', 'key()', 'flag()', 'blockCall()', '(() => iife())()']);
  });

  it('lists, in files the analyzer parsed (walked along their index), the calls no function, static block or instance initialiser encloses', () => {
    // The former listing: every call and construction of the file, each with a look up its ancestors.
    const enclosedByNothing = (file: ts.SourceFile): ts.Node[] => {
      const all: ts.Node[] = [];
      walkDescendants(file, (n) => {
        if (n.kind === ts.SyntaxKind.CallExpression || n.kind === ts.SyntaxKind.NewExpression) all.push(n);
      });
      return all.filter((n) => enclosingBoundary(n) === undefined).sort((a, b) => a.pos - b.pos || b.end - a.end);
    };
    const code = resolve({
      'src/ingest.ts': lines(
        "import { S3Client } from '@aws-sdk/client-s3';",
        "import { table } from './lib';",
        'const s3 = new S3Client(config(region()));',
        'export const handler = async () => { await s3.send(cmd(table(), inner())); };',
        'class Store { static shared = create(new Pool()); client = perInstance(); [computedName()] = 1; static [staticName()] = make(); static { inBlock(); } m() { inMethod(); } get g() { return inGetter(); } }',
        'const C = class { static z = classExprStatic(); w = classExprInstance(); };',
        'const obj = { k: key(), m() { inObjMethod(); }, [ck()]: 1 };',
        'if (flag()) { blockCall(); } else { for (const x of list()) loopCall(x); }',
        'export default (() => iife())();',
        'new (factory())().start();',
      ),
      'src/lib.ts': lines('export const table = () => name();', "export const client = build(() => later(), opts({ a: [fetchIt()] }));", 'function f(a = def()) { return g(); }'),
    });
    const files = code.files.map((f) => f.compilerNode);
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(enclosedByNothing(file).length).toBeGreaterThan(0);
      expect(texts(moduleScopeCallsOf(file), file)).toEqual(texts(enclosedByNothing(file), file));
    }
    const lib = files.find((f) => f.fileName.endsWith('/lib.ts'))!;
    expect(texts(moduleScopeCallsOf(lib), lib)).toEqual(['build(() => later(), opts({ a: [fetchIt()] }))', 'opts({ a: [fetchIt()] })', 'fetchIt()']);
  });
});

describe('isOneTimeInit', () => {
  const code = resolve({
    'src/ingest.ts': lines(
      "import { S3Client } from '@aws-sdk/client-s3';", // 1
      "import { Pool } from 'pg';", // 2
      'let a: S3Client | undefined;', // 3
      'let b: S3Client | undefined;', // 4
      'let pool: Promise<Pool> | undefined;', // 5
      'const cache = new Map<string, S3Client>();', // 6
      'let c: S3Client | undefined;', // 7
      'async function connect() { const p = new Pool(); await p.connect(); return p; }', // 8
      'function getC() { if (c) return c; c = new S3Client({}); return c; }', // 9
      'export const handler = async (event: { region: string }) => {', // 10
      '  if (!a) a = new S3Client({});', // 11
      '  b = b ?? new S3Client({});', // 12
      '  pool ??= connect();', // 13
      '  if (!cache.has(event.region)) cache.set(event.region, new S3Client({ region: event.region }));', // 14
      '  getC();', // 15
      '  const fresh = new S3Client({});', // 16
      '  if (!a) { const x = new S3Client({}); return x; }', // 17
      '  return [fresh, await pool];', // 18
      '};',
    ),
  });
  const clients = sdkFactsOf(code).clients;
  it('tells one-time initialisation from per-request construction', () => {
    expect(clients.map((c) => [at(c.node), isOneTimeInit(code, c.node)])).toEqual([
      ['8:38-8:48', true],
      ['9:40-9:56', true],
      ['11:15-11:31', true],
      ['12:12-12:28', true],
      ['14:57-14:95', true],
      ['16:17-16:33', false],
      ['17:23-17:39', false],
    ]);
  });
});
