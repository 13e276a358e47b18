import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@lambda-lint/handler';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { SyntaxKind } from '@lambda-lint/handler/ts-morph';
import { STATEMENT_AND_WRITE_KINDS } from '../../support/code-facts.js';
import rule, { kindsThatMatter, mayMatter } from './rule.js';

const ID = 'floating-promise';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  orders:\n    handler: src/orders.handler\n    tracing: Active\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function app(handler: string, extra: Record<string, string> = {}, file = 'src/orders.ts'): Record<string, string> {
  return { 'serverless.yml': SERVERLESS, [file]: handler, ...extra };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const pos = (messageId: string, line: number, column: number, endLine: number, endColumn: number) => at(ID, messageId, line, column, endLine, endColumn);

describe(ID, () => {
  it('reports client.send() without await, at the call, naming the function', async () => {
    const r = await lintFiles(
      app(
        lines(
          "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
          'const sqs = new SQSClient({});',
          'export const handler = async (event: { body: string }) => {',
          "  sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: event.body }));",
          '  return { statusCode: 202 };',
          '};',
        ),
      ),
    );
    expect(positions(r, ID)).toEqual([pos('floating', 4, 3, 4, 79)]);
    const own = r.findings.filter((f) => f.ruleId === ID);
    expect(own[0]!.message).toBe(
      'handler: the promise of sqs.send(...) is neither awaited nor returned. When the handler returns, Lambda freezes the execution environment: the work stops mid-flight, may never complete or resume during a later, unrelated request, and its errors are never seen. Await it (use `await Promise.all([...])` for parallel work) or return it.',
    );
    expect(own[0]).toMatchObject({ severity: 'error', function: 'orders' });
  });

  it('reports dropped chains, combinators, async calls, fetch, fs/promises, v2 .promise() and unused promises', async () => {
    expect(
      await found(
        app(
          lines(
            "import { writeFile } from 'node:fs/promises';", // 1
            "import AWS from 'aws-sdk';", // 2
            "import { audit } from './audit.js';", // 3
            'const sns = new AWS.SNS();', // 4
            'async function notify(id: string) { return id; }', // 5
            'export const handler = async (event: { id: string }) => {', // 6
            '  notify(event.id).then(() => undefined);', // 7
            '  Promise.all([notify("a"), notify("b")]);', // 8
            '  notify(event.id);', // 9
            "  fetch('https://example.com/hook', { method: 'POST' });", // 10
            "  writeFile('/tmp/' + event.id, 'x');", // 11
            "  sns.publish({ TopicArn: 't', Message: 'm' }).promise();", // 12
            '  audit(event.id);', // 13
            '  const pending = notify(event.id);', // 14
            '  [1, 2].map(async (n) => notify(String(n)));', // 15
            '  const chained = notify(event.id);', // 16
            '  chained.then(() => undefined);', // 17
            '  return { ok: true };', // 18
            '};',
          ),
          { 'src/audit.ts': 'export const audit = async (id: string) => id;\n' },
        ),
      ),
    ).toEqual([
      pos('floating', 7, 3, 7, 41),
      pos('floating', 8, 3, 8, 42),
      pos('floating', 9, 3, 9, 19),
      pos('floating', 10, 3, 10, 56),
      pos('floating', 11, 3, 11, 37),
      pos('floating', 12, 3, 12, 57),
      pos('floating', 13, 3, 13, 18),
      pos('unusedPromise', 14, 9, 14, 16),
      pos('floating', 15, 3, 15, 45),
      pos('floating', 17, 3, 17, 32),
    ]);
  });

  it('reports promise-module calls written with escapes (the specifier, the member)', async () => {
    const escaped = lines(
      "import { writeFile } from 'node:fs/pr\\x6fmises';", // 1
      "import fs from 'node:fs';", // 2
      'export const handler = async (event: { id: string }) => {', // 3
      "  writeFile('/tmp/' + event.id, 'x');", // 4
      "  fs.pr\\u006fmises.rm('/tmp/' + event.id);", // 5
      '  return { ok: true };', // 6
      '};',
    );
    expect(await found(app(escaped))).toEqual([pos('floating', 4, 3, 4, 37), pos('floating', 5, 3, 5, 42)]);
  });

  it('reports void with its own message id, timers doing async work, async forEach callbacks', async () => {
    const r = await lintFiles(
      app(
        lines(
          "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';", // 1
          'const ddb = new DynamoDBClient({});', // 2
          "const put = () => ddb.send(new PutItemCommand({ TableName: 't', Item: {} }));", // 3
          'export const handler = async (event: { ids: string[] }) => {', // 4
          '  void put();', // 5
          '  setTimeout(async () => { await put(); }, 100);', // 6
          '  setImmediate(() => { put(); });', // 7
          '  event.ids.forEach(async (id) => { await put(); });', // 8
          '  return { ok: true };', // 9
          '};',
        ),
      ),
    );
    expect(positions(r, ID)).toEqual([pos('voided', 5, 3, 5, 13), pos('timer', 6, 3, 6, 48), pos('timer', 7, 3, 7, 33), pos('asyncCallback', 8, 3, 8, 52)]);
    const voided = r.findings.find((f) => f.messageId === 'voided')!;
    expect(voided.message.startsWith('handler: `void put(...)` discards the promise on purpose, but in Lambda nothing runs after the handler returns')).toBe(true);
  });

  it('reports callbackWaitsForEmptyEventLoop = false when work is pending', async () => {
    const r = await lintFiles(
      app(
        lines(
          "const AWS = require('aws-sdk');", // 1
          'const s3 = new AWS.S3();', // 2
          'exports.handler = (event, context, callback) => {', // 3
          '  context.callbackWaitsForEmptyEventLoop = false;', // 4
          "  s3.putObject({ Bucket: 'b', Key: 'k', Body: 'x' }).promise();", // 5
          '  callback(null, { ok: true });', // 6
          '};',
        ),
        {},
        'src/orders.js',
      ),
    );
    expect(positions(r, ID)).toEqual([pos('noWaitPending', 4, 3, 4, 49), pos('floating', 5, 3, 5, 63)]);
    expect(r.findings.find((f) => f.messageId === 'noWaitPending')!.message).toContain('(s3.putObject(...).promise(...) on line 5)');
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['awaited and returned', ["import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';", 'const s3 = new S3Client({});', 'export const handler = async () => {', "  await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'a' }));", "  return s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'b' }));", '};']],
      ['await Promise.all and an array of promises', ['async function work(n: number) { return n; }', 'export const handler = async () => {', '  const jobs: Promise<number>[] = [];', '  for (const n of [1, 2]) jobs.push(work(n));', '  await Promise.all(jobs);', '  return Promise.allSettled([work(3)]);', '};']],
      ['a promise stored and awaited later', ['async function work() { return 1; }', 'export const handler = async () => {', '  const p = work();', '  const q = work().catch(() => 0);', '  return (await p) + (await q);', '};']],
      ['a rejection handler attached to a promise awaited later', ['async function work() { return 1; }', 'export const handler = async () => {', '  const p = work();', '  p.catch(() => undefined);', '  return await p;', '};']],
      ['.catch() handled and awaited', ['async function work() { return 1; }', 'export const handler = async () => {', '  await work().catch(() => 0);', '  return work().then((v) => v + 1);', '};']],
      ['an arrow with a concise body returns the promise', ["import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", 'const sns = new SNSClient({});', "export const handler = async () => sns.send(new PublishCommand({ TopicArn: 't', Message: 'm' }));"]],
      ['work inside a new Promise executor settles it', ['async function work() { return 1; }', 'export const handler = async () => {', '  await new Promise<void>((resolve, reject) => {', '    work().then(() => resolve(), reject);', '    setTimeout(async () => { await work(); resolve(); }, 10);', '  });', '};']],
      ['an awaited delay', ['export const handler = async () => {', '  await new Promise((resolve) => setTimeout(resolve, 100));', '  setTimeout(() => undefined, 0);', '};']],
      ['synchronous calls, sync forEach and local non-async functions', ['function log(x: unknown) { return x; }', 'export const handler = async (event: { ids: string[] }) => {', '  log(event);', '  event.ids.forEach((id) => log(id));', '  event.ids.map((id) => id.length);', '};']],
      ['a local object with a then method that is not called as a statement', ['const api = { send: (x: unknown) => x };', 'export const handler = async () => {', '  api.send(1);', '};']],
      ['callbackWaitsForEmptyEventLoop = false with nothing pending', ["import { Pool } from 'pg';", 'const pool = new Pool();', 'export const handler = async (event: unknown, context: { callbackWaitsForEmptyEventLoop: boolean }) => {', '  context.callbackWaitsForEmptyEventLoop = false;', "  return pool.query('select 1');", '};']],
      ['a callback-style handler (Lambda waits for the event loop)', ["import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';", 'const s3 = new S3Client({});', 'export const handler = (event: unknown, context: unknown, callback: (e: unknown, r?: unknown) => void) => {', "  s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then((r) => callback(null, r), callback);", '  setTimeout(async () => { await s3.destroy(); }, 0);', '};']],
      ['work in a function the handler never calls', ['async function work() { return 1; }', 'export function unused() { work(); }', 'export const handler = async () => ({ ok: true });']],
      ['work at module scope (cold start)', ['async function warm() { return 1; }', 'warm();', 'export const handler = async () => ({ ok: true });']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(app(lines(...code)))).toEqual([]);
      });
    }
  });

  it('works whatever configuration points at the handler (CloudFormation, SAM)', async () => {
    const cfn = await lintFiles({
      'template.yaml': lines(
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Orders:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      Handler: src/index.handler',
        '      Code: ./',
        '      MemorySize: 256',
        '      Timeout: 10',
        '      Role: arn:aws:iam::123456789012:role/orders',
      ),
      'src/index.js': lines("const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');", 'const eb = new EventBridgeClient({});', 'exports.handler = async () => { eb.send(new PutEventsCommand({ Entries: [] })); };'),
    });
    expect(positions(cfn, ID)).toEqual([pos('floating', 3, 33, 3, 79)]);
    const sam = await lintFiles({
      'template.yaml': lines('Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Orders:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs22.x', '      CodeUri: src/', '      Handler: app.handler', '      MemorySize: 256', '      Timeout: 10'),
      'src/app.mjs': lines("export const handler = async () => { fetch('https://example.com').then((r) => r.json()); };"),
    });
    expect(positions(sam, ID)).toEqual([pos('floating', 1, 38, 1, 88)]);
  });

  it('never throws on broken or unusual code', async () => {
    const base = lines(
      "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';",
      'const s3 = new S3Client({});',
      'async function work() { return 1; }',
      'export const handler = async (event: unknown, context: { callbackWaitsForEmptyEventLoop: boolean }) => {',
      '  context.callbackWaitsForEmptyEventLoop = false;',
      "  s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then(() => work());",
      '  setTimeout(async () => { void work(); }, 0);',
      '  return Promise.all([work()]);',
      '};',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.constantFrom('', '(', ')', '{', '}', 'await ', 'void ', 'async ', '.then(', ',')), { maxLength: 5 }), async (edits) => {
        let text = base;
        for (const [p, del, ins] of edits) text = text.slice(0, p) + ins + text.slice(p + del);
        const r = await lintFiles(app(text));
        for (const f of r.findings) expect(f.loc.line).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });

  it('finds every kind of finding, and the excused work, without a ts-morph wrapper of any file', async () => {
    const only = { rules: [rule] };
    const handler = lines(
      "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';", // 1
      "import { audit } from './audit.js';", // 2
      'const ddb = new DynamoDBClient({});', // 3
      "const put = () => ddb.send(new PutItemCommand({ TableName: 't', Item: {} }));", // 4
      'export const handler = async (event: { ids: string[] }, context: { callbackWaitsForEmptyEventLoop: boolean }) => {', // 5
      '  context.callbackWaitsForEmptyEventLoop = false;', // 6
      '  void put();', // 7
      '  setTimeout(async () => { await put(); }, 100);', // 8
      '  event.ids.forEach(async (id) => { await audit(id); });', // 9
      '  const unused = put();', // 10
      '  const later = put();', // 11
      '  later.catch(() => undefined);', // 12
      '  await new Promise((resolve) => { put(); resolve(1); });', // 13
      '  audit(event.ids[0]!);', // 14
      '  await later;', // 15
      '  return { ok: true };', // 16
      '};',
    );
    const r = await lintFiles(app(handler, { 'src/audit.ts': 'export const audit = async (id: string) => id;\n' }), only);
    expect(positions(r, ID)).toEqual([
      pos('noWaitPending', 6, 3, 6, 49),
      pos('voided', 7, 3, 7, 13),
      pos('timer', 8, 3, 8, 48),
      pos('asyncCallback', 9, 3, 9, 56),
      pos('unusedPromise', 10, 9, 10, 15),
      pos('floating', 14, 3, 14, 23),
    ]);
    expect(r.findings.find((f) => f.messageId === 'noWaitPending')!.message).toContain('(put(...) on line 7 and 4 more)');
    const runs = [r, ...(await Promise.all(['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => lintDirectory(fileURLToPath(new URL(`fixtures/invalid/${c}/`, import.meta.url)), only))))];
    for (const run of runs) {
      expect(run.findings.some((f) => f.ruleId === ID)).toBe(true);
      for (const binding of run.handlers) expect(codeOf(binding).wrappedFiles()).toEqual([]);
    }
  });

  it('reports timers, forEach and callbackWaitsForEmptyEventLoop written with escapes', async () => {
    const escaped = lines(
      "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';", // 1
      'const sqs = new SQSClient({});', // 2
      "const send = () => sqs.send(new SendMessageCommand({ QueueUrl: 'q', MessageBody: 'm' }));", // 3
      'export const handler = async (event: { ids: string[] }, context: { callbackWaitsForEmptyEventLoop: boolean }) => {', // 4
      '  context.callbackWaitsFor\\u0045mptyEventLoop = false;', // 5
      '  \\u0073etTimeout(async () => { await send(); }, 10);', // 6
      '  event.ids.for\\u0045ach(async () => { await send(); });', // 7
      '  return { ok: true };', // 8
      '};',
    );
    expect(await found(app(escaped))).toEqual([pos('noWaitPending', 5, 3, 5, 54), pos('timer', 6, 3, 6, 53), pos('asyncCallback', 7, 3, 7, 56)]);
  });

  it('skips calls and binary expressions only for handlers none of which can matter, in the fixtures, the demo and written forms', async () => {
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => here(`fixtures/${v}/${c}/`)));
    const forms = [
      'export const handler = async (e: { ids: string[] }) => { setTimeout(() => undefined, 1); return e; };',
      'export const handler = async (e: { ids: string[] }) => { process.nextTick(() => undefined); return e; };',
      'export const handler = async (e: { ids: string[] }) => { queueMicrotask(() => undefined); setImmediate(() => undefined); setInterval(() => undefined, 9); return e; };',
      'export const handler = async (e: { ids: string[] }) => { e.ids.forEach((id) => id); return e; };',
      'export const handler = async (e: unknown, c: { callbackWaitsForEmptyEventLoop: boolean }) => { c.callbackWaitsForEmptyEventLoop = false; return e; };',
      'export const handler = async (e: unknown, c: { callbackWaitsForEmptyEventLoop: boolean }) => { c.callbackWaitsFor\\u0045mptyEventLoop = false; \\u0073etTimeout(() => e, 1); return e; };',
      "export const handler = async (e: { ids: string[] }) => { const re = /\\d+/; e.ids.map((id) => re.test(id)); return e; };",
      'export const handler = async (e: { n: number }) => e.n + 1;',
    ];
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(here('../../../examples/brand-platform-demo/')),
      ...(await Promise.all(forms.map((f) => lintFiles(app(f))))),
    ];
    let skipped = 0;
    let kept = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        const { callsMatter, writesMatter } = kindsThatMatter(code);
        for (const n of code.reachableNodes(STATEMENT_AND_WRITE_KINDS).nodes) {
          if ((n.kind === SyntaxKind.CallExpression && !callsMatter) || (n.kind === SyntaxKind.BinaryExpression && !writesMatter)) {
            expect(mayMatter(n), n.getText()).toBe(false);
            skipped++;
          } else if (n.kind === SyntaxKind.CallExpression || n.kind === SyntaxKind.BinaryExpression) kept++;
        }
      }
    }
    expect(skipped).toBeGreaterThan(100);
    expect(kept).toBeGreaterThan(10);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
