import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, unwrapAwaited } from '@lambda-lint/handler';
import { Node, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { mayBeBufferFrom } from './rule.js';

const ID = 'base64-upload-size';

const serverless = (events = '    events:\n      - httpApi: POST /logos\n') =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  upload:\n    handler: src/upload.handler\n    logRetentionInDays: 30\n${events}`;

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

async function found(handler: string, events?: string, extra: Record<string, string> = {}, file = 'src/upload.ts') {
  return positions(await lintFiles({ 'serverless.yml': serverless(events), [file]: handler, ...extra }), ID);
}

const unchecked = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'unchecked', line, column, endLine, endColumn);

describe(ID, () => {
  it('reports a decoded request body that is stored without a size check, at Buffer.from', async () => {
    const r = await lintFiles({
      'serverless.yml': serverless(),
      'src/upload.ts': lines(
        "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';",
        'const s3 = new S3Client({});',
        'export const handler = async (event: { body: string; isBase64Encoded: boolean }) => {',
        "  const bytes = Buffer.from(event.body, 'base64');",
        "  await s3.send(new PutObjectCommand({ Bucket: 'logos', Key: 'x.png', Body: bytes }));",
        '  return { statusCode: 201 };',
        '};',
      ),
    });
    expect(positions(r, ID)).toEqual([unchecked(4, 17, 4, 50)]);
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.message.startsWith("handler: Buffer.from(event.body, 'base64') decodes an upload without checking its size.")).toBe(true);
    expect(f.message).toContain('API Gateway 10 MB, Lambda 6 MB');
    expect(f.message).toContain('pre-signed URL');
    expect(f).toMatchObject({ severity: 'warning', function: 'upload' });
  });

  it('reports a base64url body, a field of a parsed body and a decode in a helper module', async () => {
    expect(
      await found(
        lines(
          "import { decode } from './lib/decode.js';", // 1
          'export const handler = async (event: { body: string }) => {', // 2
          '  const body = JSON.parse(event.body);', // 3
          "  const img = Buffer.from(body.image, 'base64');", // 4
          "  const raw = Buffer.from(event.body, 'base64url');", // 5
          '  return decode(body.file).length + img.length + raw.length;', // 6
          '};',
        ),
        undefined,
        { 'src/lib/decode.ts': lines('export function decode(data: string) {', "  return Buffer.from(data, 'base64');", '}') },
      ),
    ).toEqual([unchecked(2, 10, 2, 37), unchecked(4, 15, 4, 48), unchecked(5, 15, 5, 51)]);
  });

  it('reports Buffer.from written with an escape or behind parentheses, a type assertion or a non-null assertion', async () => {
    expect(
      await found(
        lines(
          'export const handler = async (event: { body: string; file: string; logo: string }) => [', // 1
          "  \\u0042uffer.from(event.body, 'base64'),", // 2
          "  (Buffer).from(event.file, 'base64'),", // 3
          "  (Buffer as typeof Buffer)!.from(event.logo, 'base64'),", // 4
          '];',
        ),
      ),
    ).toEqual([unchecked(2, 3, 2, 41), unchecked(3, 3, 3, 38), unchecked(4, 3, 4, 56)]);
  });

  it('tells on the compiler node every call the test on wrappers takes for Buffer.from, in the fixtures, the demo and written forms', async () => {
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => here(`fixtures/${v}/${c}/`)));
    const forms = lines(
      "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';",
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
      'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
      'export const handler = async (event: { body: string }) => [',
      "  \\u0042uffer.from(event.body, 'base64'), (Buffer).from(event.body), (Buffer as typeof Buffer)!.from(event.body),",
      "  Array.from(event.body), Buffer['from'](event.body), Buffer.alloc(1), buffer.from(event.body), Buffer.from, doc,",
      '];',
      'const buffer = { from: (s: string) => s };',
    );
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(here('../../../examples/brand-platform-demo/')),
      await lintFiles({ 'serverless.yml': serverless(), 'src/upload.ts': forms }),
    ];
    let buffers = 0;
    let others = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        const calls = code.reachableNodes([SyntaxKind.CallExpression]);
        for (let i = 0; i < calls.nodes.length; i++) {
          // The test the rule once made on the wrappers of every `.from()` call.
          const call = calls.node(i);
          const callee = Node.isCallExpression(call) ? unwrapAwaited(call.getExpression()) : undefined;
          const obj = callee && Node.isPropertyAccessExpression(callee) && callee.getName() === 'from' ? unwrapAwaited(callee.getExpression()) : undefined;
          const expected = !!obj && Node.isIdentifier(obj) && obj.getText() === 'Buffer';
          expect(mayBeBufferFrom(calls.nodes[i] as ts.CallExpression), call.getText()).toBe(expected);
          if (expected) buffers++;
          else others++;
        }
      }
    }
    expect(buffers).toBeGreaterThan(10);
    expect(others).toBeGreaterThan(100);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a length check on the input before decoding', ['export const handler = async (event: { body: string }) => {', '  if (event.body.length > 1_400_000) return { statusCode: 413 };', "  return Buffer.from(event.body, 'base64').length;", '};']],
      ['Buffer.byteLength through a const alias', ['export const handler = async (event: { body?: string }) => {', "  const body = event.body ?? '';", '  if (Buffer.byteLength(body) > 1_400_000) throw new Error("too large");', "  return Buffer.from(body, 'base64');", '};']],
      ['a check of the decoded buffer', ['export const handler = async (event: { body: string }) => {', "  const buf = Buffer.from(event.body, 'base64');", '  if (buf.byteLength > 1_000_000) return { statusCode: 413 };', '  return { statusCode: 200, body: String(buf.length) };', '};']],
      ['a check of the decoded text after a conditional decode', ['export const handler = async (event: { body: string; isBase64Encoded: boolean }) => {', "  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;", '  if (text.length > 100_000) return { statusCode: 413 };', '  return JSON.parse(text);', '};']],
      ['a Content-Length header check', ['export const handler = async (event: { body: string; headers: Record<string, string> }) => {', "  if (Number(event.headers['content-length']) > 1_400_000) return { statusCode: 413 };", "  return Buffer.from(event.body, 'base64').length;", '};']],
      ['a helper whose caller checks the argument', ["const decode = (s: string) => Buffer.from(s, 'base64');", 'export const handler = async (event: { body: string }) => {', '  if (event.body.length > 1_400_000) return 413;', '  return decode(event.body).length;', '};']],
      ['a configuration value or constant', ["const KEY = Buffer.from(process.env.KEY ?? '', 'base64');", "export const handler = async () => Buffer.from(process.env.SECRET!, 'base64').length + Buffer.from('aGk=', 'base64').length + KEY.length;"]],
      ['base64url of a cursor (not a body)', ['export const handler = async (event: { cursor: string }) => JSON.parse(Buffer.from(event.cursor, "base64url").toString());']],
      ['a JWT payload or header value', ["export const handler = async (event: { headers: Record<string, string> }) => {", "  const token = event.headers.authorization.split(' ')[1];", "  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub + Buffer.from(event.headers['x-signature'], 'base64').length;", '};']],
      ['a stored password hash or digest (fixed size, not an upload)', ["export const handler = async (event: { body: string; stored: string }) => {", "  const [, salt, hash] = event.stored.split('$');", "  return Buffer.from(hash!, 'base64').length + Buffer.from(salt!, 'base64').length + event.body.length;", '};']],
      ['encoding rather than decoding', ["export const handler = async (event: { body: string }) => Buffer.from(event.body).toString('base64');"]],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(lines(...code))).toEqual([]);
      });
    }
    it('a function triggered only by a queue', async () => {
      expect(await found(lines("export const handler = async (event: { Records: { body: string }[] }) => event.Records.map((r) => Buffer.from(r.body, 'base64'));"), '    events:\n      - sqs: arn:aws:sqs:eu-west-1:123456789012:q\n')).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
