import type { HandlerRef, Loc } from '@lambda-lint/core';
import { describe, expect, it } from 'vitest';
import { codePermissionsIn, codePermissionsOf, HandlerAnalyzer, type CodePermission, type HandlerCode } from './index.js';

const ROOT = '/project';
const LOC: Loc = { file: `${ROOT}/template.yaml`, line: 1, column: 1, endLine: 1, endColumn: 1 };
const lines = (...l: string[]): string => l.join('\n');

/** A handler in src/app.ts whose calls needing permissions are spread over three files. */
const FILES: Record<string, string> = {
  'src/app.ts': lines(
    "import { makeIdempotent } from '@aws-lambda-powertools/idempotency';",
    "import { getParameter } from '@aws-lambda-powertools/parameters/ssm';",
    "import { persistenceStore, save } from './store';",
    "import { upload, legacyUpload } from './files';",
    'const work = async (event: { id: string; body: string }) => {',
    "  await getParameter('/app/config');",
    '  await save(event.id);',
    '  await upload(event.body);',
    '  await legacyUpload(event.body);',
    '};',
    'export const handler = makeIdempotent(work, { persistenceStore });',
  ),
  // The persistence layer's permissions count because app.ts makes something idempotent with it.
  'src/store.ts': lines(
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient, PutCommand, CopyObjectCommand } from '@aws-sdk/lib-dynamodb';",
    "import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';",
    "import { SchedulerClient, CreateScheduleCommand } from '@aws-sdk/client-scheduler';",
    'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    'const scheduler = new SchedulerClient({});',
    'export const persistenceStore = new DynamoDBPersistenceLayer({ tableName: process.env.IDEMPOTENCY_TABLE! });',
    'export async function save(id: string) {',
    "  await doc.send(new PutCommand({ TableName: process.env.TABLE, Item: { id } }));",
    "  await scheduler.send(new CreateScheduleCommand({ Name: id, ScheduleExpression: 'rate(1 day)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'a', RoleArn: process.env.ROLE } }));",
    '}',
  ),
  'src/files.ts': lines(
    "import { S3Client, CopyObjectCommand } from '@aws-sdk/client-s3';",
    "import { Upload } from '@aws-sdk/lib-storage';",
    "import AWS from 'aws-sdk';",
    'const s3 = new S3Client({});',
    'const legacy = new AWS.S3();',
    'export async function upload(body: string) {',
    "  await new Upload({ client: s3, params: { Bucket: 'media', Key: 'big.bin', Body: body } }).done();",
    "  await s3.send(new CopyObjectCommand({ Bucket: 'media', Key: 'copy', CopySource: 'media/big.bin' }));",
    '}',
    "export async function legacyUpload(body: string) { await legacy.upload({ Bucket: 'media', Key: 'k', Body: body }).promise(); }",
  ),
  'src/unreached.ts': "export const nothing = 1;\n",
};

/** A new analysis (a run of its own: nothing computed by another question is kept). */
function analyse(): HandlerCode {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => FILES[p.slice(ROOT.length + 1)] }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/src/app`, exportName: 'handler', loc: LOC };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

const fileOf = (p: CodePermission): string => p.compilerNode.getSourceFile().fileName;

/** What a permission says, and where it is placed. */
const summary = (p: CodePermission) => ({ actions: p.actions, anyOf: p.anyOf, resource: p.resource, api: p.api, file: fileOf(p), start: p.compilerNode.getStart() });

const paths = Object.keys(FILES).map((f) => `${ROOT}/${f}`);

describe('codePermissionsIn', () => {
  it("gives, for each file, the whole code's permissions placed in it, in order, when computed alone", () => {
    const whole = codePermissionsOf(analyse());
    // Every code file of the handler holds some: the shortcut is tested on each.
    for (const path of paths.filter((p) => !p.endsWith('unreached.ts'))) expect(whole.some((p) => fileOf(p) === path)).toBe(true);
    expect(whole.map((p) => p.api)).toContain('DynamoDBPersistenceLayer');
    expect(whole.map((p) => p.api)).toContain('Upload');
    expect(whole.map((p) => p.api)).toContain('upload()');
    for (const path of paths) {
      const alone = codePermissionsIn(analyse(), path);
      expect(alone.map(summary)).toEqual(whole.filter((p) => fileOf(p) === path).map(summary));
    }
    expect(codePermissionsIn(analyse(), `${ROOT}/src/unreached.ts`)).toEqual([]);
  });

  it("keeps the persistence layer's permissions when what is made idempotent with it is in another file", () => {
    expect(codePermissionsIn(analyse(), `${ROOT}/src/store.ts`).map((p) => p.api)).toContain('DynamoDBPersistenceLayer');
  });

  it('takes the permissions from the whole list once it is computed, and answers each file asked in turn', () => {
    const code = analyse();
    const first = codePermissionsIn(code, `${ROOT}/src/files.ts`);
    const other = codePermissionsIn(code, `${ROOT}/src/store.ts`);
    expect(other.map(fileOf).every((f) => f === `${ROOT}/src/store.ts`)).toBe(true);
    expect(codePermissionsIn(code, `${ROOT}/src/files.ts`).map(summary)).toEqual(first.map(summary));
    const whole = codePermissionsOf(code);
    for (const path of paths) expect(codePermissionsIn(code, path)).toEqual(whole.filter((p) => fileOf(p) === path));
  });
});
