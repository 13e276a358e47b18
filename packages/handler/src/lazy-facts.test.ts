import type { HandlerRef } from '@lambda-lint/core';
import { describe, expect, it } from 'vitest';
import type { Node, ts } from '@lambda-lint/handler/ts-morph';
import { HandlerAnalyzer, codePermissionsOf, factNodeOf, locOfNode, sdkFactsOf, type FactNodeKey, type HandlerCode, type SdkFact } from './index.js';

/**
 * The SDK facts and the code permissions are derived from compiler nodes; the ts-morph wrappers of
 * their nodes are made when a consumer reads a node field. Read lazily (nothing wrapped beforehand) or
 * eagerly (every file of the handler wrapped first, as the facts once were), the answers are the same.
 */

const ROOT = '/project';

const LIB = [
  "import { DynamoDBClient, PutItemCommand, paginateQuery } from '@aws-sdk/client-dynamodb';",
  "import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';",
  "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';",
  "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
  "import { createPresignedPost } from '@aws-sdk/s3-presigned-post';",
  "import { getParameter } from '@aws-lambda-powertools/parameters/ssm';",
  "import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';",
  "import AWS from 'aws-sdk';",
  'const TABLE = process.env.TABLE_NAME;',
  "const { BUCKET } = process.env;",
  "const ddb = new DynamoDBClient({ region: 'eu-west-1' });",
  'const doc = DynamoDBDocumentClient.from(ddb);',
  'const s3 = new S3Client({});',
  'const sqs = new AWS.SQS();',
  "export const persistence = new DynamoDBPersistenceLayer({ tableName: 'idem' });",
  'const FIFTEEN = 15 * 60;',
  "const put = new PutItemCommand({ TableName: TABLE, Item: { id: { S: 'x' } } });",
  'export async function save(id: string) {',
  '  await ddb.send(put);',
  "  await doc.send(new UpdateCommand({ TableName: `${TABLE}-v2`, Key: { id }, UpdateExpression: 'ADD n :one' }));",
  "  for await (const page of paginateQuery({ client: ddb }, { TableName: 'orders', IndexName: 'byDate' })) void page;",
  '  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: id }), { expiresIn: FIFTEEN });',
  "  const post = await createPresignedPost(s3, { Bucket: 'uploads', Key: id, Expires: -FIFTEEN });",
  "  await sqs.sendMessage({ QueueUrl: process.env['QUEUE_URL'], MessageBody: id }).promise();",
  "  sqs.deleteMessage({ QueueUrl: 'q', ReceiptHandle: 'r' }, () => {});",
  "  const p = await getParameter('/app/key', { maxAge: 0 });",
  '  return [url, post, p];',
  '}',
  '',
].join('\n');

const HANDLER = ["import { save } from './lib';", 'export const handler = async (e: { id: string }) => save(e.id);', ''].join('\n');

function resolve(): HandlerCode {
  const files: Record<string, string> = { 'src/handler.ts': HANDLER, 'src/lib.ts': LIB };
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/src/handler`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  r.code.followCallGraph();
  return r.code;
}

/** Whether ts-morph has wrapped a compiler file (in the project the handler module was wrapped in). */
function isWrapped(code: HandlerCode, file: ts.SourceFile): boolean {
  const factory = (code.sourceFile as unknown as { _context: { compilerFactory: { hasCompilerNode(n: ts.Node): boolean } } })._context.compilerFactory;
  return factory.hasCompilerNode(file);
}

function libOf(code: HandlerCode): ts.SourceFile {
  return code.fileNodes.find((f) => f.fileName.endsWith('/lib.ts'))!;
}

function at(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const l = locOfNode(node);
  return `${l.line}:${l.column}-${l.endLine}:${l.endColumn}`;
}

const NODE_KEYS: readonly FactNodeKey[] = ['node', 'config', 'input', 'receiver', 'command', 'promiseCall', 'options', 'expires', 'fn'];

/** Every field of a fact, its node fields as positions (which wraps them), the client of an operation by position. */
function described(f: SdkFact): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = f as unknown as Record<string, unknown>;
  for (const key of ['kind', 'category', 'service', 'module', 'name', 'operation', 'written', 'style', 'sdk', 'documentClient', 'function', 'expiresSeconds', 'cached', 'callback', 'scope']) if (key in f) out[key] = fields[key];
  for (const key of NODE_KEYS) out[key] = at(fields[key] as Node | undefined);
  if (f.kind === 'operation') out.client = f.client && at(f.client.node);
  return out;
}

describe('SDK facts and code permissions on compiler nodes, wrapped when read', () => {
  it('recognises every kind of fact and derives the permissions without wrapping the file that holds them', () => {
    const code = resolve();
    const lib = libOf(code);
    expect(isWrapped(code, lib)).toBe(false);
    const facts = sdkFactsOf(code);
    const permissions = codePermissionsOf(code);
    expect(facts.all.map((f) => f.kind)).toEqual(['client', 'client', 'client', 'client', 'client', 'operation', 'operation', 'paginator', 'presign', 'presign', 'operation', 'operation', 'powertools']);
    expect(permissions.map((p) => p.actions.join('+'))).toEqual([
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
      's3:PutObject',
      's3:PutObject',
      'sqs:SendMessage',
      'sqs:DeleteMessage',
      'ssm:GetParameter',
    ]);
    // The facts' kinds, services, operations, inputs' resources and compiler nodes are all known: still nothing wrapped.
    expect(facts.all.every((f) => factNodeOf(f, 'node') === f.compilerNode)).toBe(true);
    expect(permissions.every((p) => p.compilerNode.getSourceFile() === lib)).toBe(true);
    expect(isWrapped(code, lib)).toBe(false);
    // Reading a node field wraps it, as the wrapper of the compiler node the fact holds.
    const operation = facts.operations[0]!;
    expect(operation.input!.compilerNode).toBe(factNodeOf(operation, 'input'));
    expect(isWrapped(code, lib)).toBe(true);
  });

  it('gives the same facts, node for node, read lazily as read with every file wrapped first', () => {
    const lazy = resolve();
    const eager = resolve();
    // Eager: every file of the handler wrapped before the facts are made (their nodes then have wrappers already).
    expect(eager.files.length).toBe(2);
    const lazyFacts = sdkFactsOf(lazy).all;
    const eagerFacts = sdkFactsOf(eager).all;
    expect(lazyFacts.map(described)).toEqual(eagerFacts.map(described));
    // Each node field is the wrapper of the compiler node factNodeOf gives (undefined alike).
    for (const fact of [...lazyFacts, ...eagerFacts]) {
      for (const key of NODE_KEYS) expect((fact as unknown as Record<string, Node | undefined>)[key]?.compilerNode).toBe(factNodeOf(fact, key));
    }
    // Concrete answers of the compiler-node recognition (a test that cannot pass on empty lists).
    const presign = lazyFacts.filter((f) => f.kind === 'presign').map((f) => [f.function, f.operation, f.expiresSeconds, at(f.expires)]);
    expect(presign).toEqual([
      ['getSignedUrl', 'PutObject', 900, '22:102-22:109'],
      ['createPresignedPost', 'PostObject', -900, '23:85-23:93'],
    ]);
    const v2 = lazyFacts.filter((f) => f.kind === 'operation' && f.sdk === 'v2').map((f) => f.kind === 'operation' && [f.operation, f.callback, at(f.promiseCall), at(f.receiver), at(f.input)]);
    expect(v2).toEqual([
      ['SendMessage', false, '24:9-24:91', '24:9-24:12', '24:25-24:80'],
      ['DeleteMessage', true, undefined, '25:3-25:6', '25:21-25:58'],
    ]);
    expect(lazyFacts.find((f) => f.kind === 'powertools')).toMatchObject({ name: 'getParameter', cached: false });
  });

  it('derives the same permissions, resources and nodes read lazily as read with every file wrapped first', () => {
    const lazy = resolve();
    const eager = resolve();
    expect(eager.files.length).toBe(2);
    const summary = (code: HandlerCode) => codePermissionsOf(code).map((p) => ({ actions: p.actions, anyOf: p.anyOf, resource: p.resource, api: p.api, at: at(p.node), same: p.node.compilerNode === p.compilerNode }));
    const lazySummary = summary(lazy);
    expect(lazySummary).toEqual(summary(eager));
    expect(lazySummary.map((p) => [p.api, p.resource])).toEqual([
      ['PutItemCommand', { kind: 'dynamodb-table', name: [{ kind: 'env', name: 'TABLE_NAME' }] }],
      ['UpdateCommand', { kind: 'dynamodb-table', name: [{ kind: 'env', name: 'TABLE_NAME' }, { kind: 'text', text: '-v2' }] }],
      ['paginateQuery', { kind: 'dynamodb-table', name: [{ kind: 'text', text: 'orders' }], sub: [{ kind: 'text', text: 'byDate' }] }],
      ['getSignedUrl(PutObject)', { kind: 's3-object', name: [{ kind: 'env', name: 'BUCKET' }], sub: [{ kind: 'unknown' }] }],
      ['createPresignedPost(PostObject)', { kind: 's3-object', name: [{ kind: 'text', text: 'uploads' }], sub: [{ kind: 'unknown' }] }],
      ['sendMessage()', { kind: 'sqs-queue', name: [{ kind: 'env', name: 'QUEUE_URL' }] }],
      ['deleteMessage()', { kind: 'sqs-queue', name: [{ kind: 'text', text: 'q' }] }],
      ['getParameter()', { kind: 'ssm-parameter', name: [{ kind: 'text', text: '/app/key' }] }],
    ]);
    expect(lazySummary.every((p) => p.same)).toBe(true);
  });
});
