import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@lambda-lint/handler';
import { SyntaxKind } from '@lambda-lint/handler/ts-morph';
import { mayNameAnyInReachableFiles } from '../../support/code-facts.js';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { HTTP_CLIENT_WORDS, isHttpClientCall } from './rule.js';

const ID = 'not-idempotent';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const SQS = '    events:\n      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs\n';
const HTTP = '    events:\n      - httpApi: POST /jobs\n';
const serverless = (events: string, extra = '') =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  worker:\n    handler: src/worker.handler\n${events}${extra}`;

async function found(handler: string, events = SQS, file = 'src/worker.ts', extra = '') {
  return positions(await lintFiles({ 'serverless.yml': serverless(events, extra), [file]: handler }), ID);
}
const p = (messageId: string) => (line: number, column: number, endLine: number, endColumn: number) => at(ID, messageId, line, column, endLine, endColumn);
const counter = p('counterUpdate');
const genKey = p('generatedKey');
const publish = p('publish');
const post = p('httpPost');

const DOC = [
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", // 1
  "import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';", // 2
  'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));', // 3
];

describe(ID, () => {
  it('reports a counter increment in an SQS consumer, at the command, naming the trigger', async () => {
    const r = await lintFiles({
      'serverless.yml': serverless(SQS),
      'src/worker.ts': lines(
        ...DOC,
        'export const handler = async (event: { Records: { body: string }[] }) => {', // 4
        '  for (const r of event.Records) {', // 5
        "    await doc.send(new UpdateCommand({ TableName: 'stats', Key: { brand: r.body }, UpdateExpression: 'SET views = views + :one', ExpressionAttributeValues: { ':one': 1 } }));", // 6
        '  }', // 7
        '};',
      ),
    });
    expect(positions(r, ID)).toEqual([counter(6, 20, 6, 173)]);
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.message).toBe(
      'handler: UpdateCommand applies `views = views + :one` to table "stats", but SQS delivers events at least once: a redelivered or retried event applies it again and the value drifts. Make the handler idempotent: wrap it with Powertools makeIdempotent keyed on the event id, or add a ConditionExpression on the last processed event id (e.g. `attribute_not_exists(processed.#id)` / `lastEventId <> :id`).',
    );
    expect(f).toMatchObject({ severity: 'warning', function: 'worker' });
    expect(f.related?.[0]).toMatchObject({ message: 'SQS trigger: at-least-once delivery', loc: { line: 9 } });
  });

  it('reports ADD, a generated key, a publish and an HTTP POST in helpers', async () => {
    expect(
      await found(
        lines(
          ...DOC,
          "import { randomUUID } from 'node:crypto';", // 4
          "import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';", // 5
          "import axios from 'axios';", // 6
          'const sns = new SNSClient({});', // 7
          'async function record(body: string) {', // 8
          "  await doc.send(new UpdateCommand({ TableName: 'stats', Key: { pk: body }, UpdateExpression: 'ADD hits :n', ExpressionAttributeValues: { ':n': 1 } }));", // 9
          "  await doc.send(new PutCommand({ TableName: 'orders', Item: { id: randomUUID(), body } }));", // 10
          "  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC, Message: body }));", // 11
          "  await axios.post('https://api.example.com/charges', { body });", // 12
          "  await fetch('https://api.example.com/orders', { method: 'POST', body });", // 13
          '}', // 14
          'export const handler = async (event: { Records: { body: string }[] }) => {', // 15
          '  for (const r of event.Records) await record(r.body);', // 16
          '};',
        ),
      ),
    ).toEqual([counter(9, 18, 9, 151), genKey(10, 18, 10, 91), publish(11, 18, 11, 84), post(12, 9, 12, 64), post(13, 9, 13, 74)]);
  });

  it('reports v2 DocumentClient update and a low-level PutItem with Date.now() in its key', async () => {
    expect(
      await found(
        lines(
          "const AWS = require('aws-sdk');", // 1
          "const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');", // 2
          'const v2 = new AWS.DynamoDB.DocumentClient();', // 3
          'const db = new DynamoDBClient({});', // 4
          'exports.handler = async (event) => {', // 5
          "  await v2.update({ TableName: 't', Key: { pk: event.id }, UpdateExpression: 'SET n = if_not_exists(n, :z) + :one' }).promise();", // 6
          "  const sk = `evt#${Date.now()}`;", // 7
          "  await db.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: event.id }, sk: { S: sk } } }));", // 8
          '};',
        ),
        SQS,
        'src/worker.js',
      ),
    ).toEqual([counter(6, 9, 6, 118), genKey(8, 17, 8, 101)]);
  });

  it('reads S3, SNS, schedule and stream triggers, and v2 / EventBridge publishes', async () => {
    const code = lines(
      "const AWS = require('aws-sdk');", // 1
      "const { EventBridgeClient, PutEventsCommand } = require('@aws-sdk/client-eventbridge');", // 2
      'const sqs = new AWS.SQS();', // 3
      'const bus = new EventBridgeClient({});', // 4
      'exports.handler = async (event) => {', // 5
      '  await sqs.sendMessage({ QueueUrl: process.env.NEXT, MessageBody: JSON.stringify(event) }).promise();', // 6
      "  await bus.send(new PutEventsCommand({ Entries: [{ Source: 'brands', DetailType: 'x', Detail: '{}' }] }));", // 7
      '};',
    );
    for (const events of [
      '    events:\n      - s3: uploads\n',
      '    events:\n      - sns: brand-events\n',
      '    events:\n      - schedule: rate(1 hour)\n',
      '    events:\n      - stream: arn:aws:dynamodb:eu-west-1:123456789012:table/brands/stream/2024\n',
    ]) {
      expect(await found(code, events, 'src/worker.js')).toEqual([publish(6, 9, 6, 92), publish(7, 18, 7, 106)]);
    }
  });

  describe('not a finding', () => {
    it('a put keyed by data from the event, and a batch write of event items', async () => {
      expect(
        await found(
          lines(
            ...DOC,
            "import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';",
            'export const handler = async (event: { Records: { messageId: string; body: string }[] }) => {',
            "  for (const r of event.Records) await doc.send(new PutCommand({ TableName: 'orders', Item: { id: r.messageId, body: r.body, createdAt: Date.now() } }));",
            "  await doc.send(new BatchWriteCommand({ RequestItems: { orders: event.Records.map((r) => ({ PutRequest: { Item: { id: r.messageId } } })) } }));",
            '};',
          ),
        ),
      ).toEqual([]);
    });
    it('Powertools makeIdempotent around the handler', async () => {
      expect(
        await found(
          lines(
            ...DOC,
            "import { makeIdempotent } from '@aws-lambda-powertools/idempotency';",
            "import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';",
            "const persistenceStore = new DynamoDBPersistenceLayer({ tableName: 'idempotency' });",
            "const process = async (body: string) => doc.send(new UpdateCommand({ TableName: 'stats', Key: { pk: body }, UpdateExpression: 'ADD hits :n' }));",
            'export const handler = makeIdempotent(async (event: { body: string }) => process(event.body), { persistenceStore });',
          ),
        ),
      ).toEqual([]);
    });
    it('an increment guarded by a ConditionExpression on the event id', async () => {
      expect(
        await found(
          lines(
            ...DOC,
            'export const handler = async (event: { id: string; brand: string }) =>',
            "  doc.send(new UpdateCommand({ TableName: 'stats', Key: { pk: event.brand }, UpdateExpression: 'SET views = views + :one, lastEvent = :id', ConditionExpression: 'attribute_not_exists(lastEvent) OR lastEvent <> :id', ExpressionAttributeValues: { ':one': 1, ':id': event.id } }));",
          ),
        ),
      ).toEqual([]);
    });
    it('an SQS FIFO send with a MessageDeduplicationId, and a POST with an Idempotency-Key header', async () => {
      expect(
        await found(
          lines(
            "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
            'const sqs = new SQSClient({});',
            'export const handler = async (event: { id: string }) => {',
            "  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.NEXT, MessageBody: event.id, MessageGroupId: 'g', MessageDeduplicationId: event.id }));",
            "  await fetch('https://api.example.com/charges', { method: 'POST', headers: { 'Idempotency-Key': event.id } });",
            '};',
          ),
        ),
      ).toEqual([]);
    });
    it('the same writes behind an API (synchronous, the caller retries on purpose)', async () => {
      expect(await found(lines(...DOC, "export const handler = async () => doc.send(new UpdateCommand({ TableName: 's', Key: { pk: 'a' }, UpdateExpression: 'ADD n :one' }));"), HTTP)).toEqual([]);
    });
    it('a SET of values from the event (idempotent update)', async () => {
      expect(await found(lines(...DOC, "export const handler = async (e: { id: string; s: string }) => doc.send(new UpdateCommand({ TableName: 's', Key: { pk: e.id }, UpdateExpression: 'SET #s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': e.s } }));"))).toEqual([]);
    });
  });

  it('reports HTTP POSTs whose client is named with escapes', async () => {
    const escaped = lines(
      "import axios from 'a\\x78ios';", // 1
      'export const handler = async (event: { body: string }) => {', // 2
      "  await f\\u0065tch('https://api.example.com/orders', { method: 'POST', body: event.body });", // 3
      "  await axios.post('https://api.example.com/orders', event.body);", // 4
      '};',
    );
    expect(await found(escaped)).toEqual([post(3, 9, 3, 91), post(4, 9, 4, 65)]);
  });

  it('tells the handlers whose files name no HTTP client as the look at every call finds, on the fixtures, the demo and every client form', async () => {
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-ts'].map((c) => fileURLToPath(new URL(`fixtures/${v}/${c}/`, import.meta.url))));
    const cases = [
      lines("export const handler = async () => fetch('https://x', { method: 'POST' });"),
      lines("import got from 'got';", "export const handler = async () => got.post('https://x');"),
      lines("const ky = require('ky');", "export const handler = async () => ky('https://x', { method: 'POST' });"),
      lines("import { request } from 'undici';", "export const handler = async () => request('https://x', { method: 'POST' });"),
      lines("import fetchIt from 'node-fetch';", "export const handler = async () => fetchIt('https://x', { method: 'POST' });"),
      lines("import client from 'a\\x78ios';", "export const handler = async () => client.post('https://x', {});"),
      lines("export const handler = async () => f\\u0065tch('https://x', { method: 'POST' });"),
      lines('const plus = /\\+/g;', "export const handler = async (k: string) => k.replace(plus, ' ');"),
    ];
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url))),
      ...(await Promise.all(cases.map((c) => lintFiles({ 'serverless.yml': serverless(SQS), 'src/worker.ts': c })))),
    ];
    let toldNo = 0;
    let clientCalls = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        const named = mayNameAnyInReachableFiles(code, HTTP_CLIENT_WORDS);
        if (!named) toldNo++;
        for (const call of code.reachableNodes([SyntaxKind.CallExpression]).nodes) {
          if (!isHttpClientCall(code, call)) continue;
          clientCalls++;
          expect(named, call.getText()).toBe(true);
        }
      }
    }
    expect(toldNo).toBeGreaterThan(3);
    expect(clientCalls).toBeGreaterThanOrEqual(6);
  });

  it('uses the KeySchema of the template table named by the TableName variable', async () => {
    const sam = lines(
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Orders:',
      '    Type: AWS::DynamoDB::Table',
      '    Properties:',
      '      BillingMode: PAY_PER_REQUEST',
      '      AttributeDefinitions: [{ AttributeName: orderRef, AttributeType: S }]',
      '      KeySchema: [{ AttributeName: orderRef, KeyType: HASH }]',
      '  Worker:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Runtime: nodejs22.x',
      '      CodeUri: src/',
      '      Handler: app.handler',
      '      Environment:',
      '        Variables:',
      '          TABLE: !Ref Orders',
      '      Events:',
      '        Bus:',
      '          Type: EventBridgeRule',
      '          Properties:',
      '            Pattern: { source: [shop] }',
    );
    const code = (item: string) =>
      lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';",
        "import { v4 as uuid } from 'uuid';",
        'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
        `export const handler = async (event) => doc.send(new PutCommand({ TableName: process.env.TABLE, Item: ${item} }));`,
      );
    expect(positions(await lintFiles({ 'template.yaml': sam, 'src/app.mjs': code('{ orderRef: uuid(), id: event.id }') }), ID)).toEqual([genKey(5, 50, 5, 140)]);
    // `id` is not a key of this table: a generated id attribute beside the event's key is fine.
    expect(positions(await lintFiles({ 'template.yaml': sam, 'src/app.mjs': code('{ orderRef: event.id, id: uuid() }') }), ID)).toEqual([]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
