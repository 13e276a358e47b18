import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import { importedName, mayNameAnyInReachableFiles, methodNameOf, newExpressionOf, unwrap } from '../../support/code-facts.js';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { mayPostToConnection, POST_TO_CONNECTION_NAMES } from './rule.js';

const ID = 'websocket-gone-not-handled';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  broadcast:\n    handler: src/broadcast.handler\n    logRetentionInDays: 30\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

async function found(handler: string, file = 'src/broadcast.ts') {
  return positions(await lintFiles({ 'serverless.yml': SERVERLESS, [file]: handler }), ID);
}

const notHandled = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'notHandled', line, column, endLine, endColumn);
const notDeleted = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'goneNotDeleted', line, column, endLine, endColumn);

const HEAD = [
  "import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';", // 1
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", // 2
  "import { DynamoDBDocumentClient, DeleteCommand } from '@aws-sdk/lib-dynamodb';", // 3
  'const ws = new ApiGatewayManagementApiClient({ endpoint: process.env.WS_ENDPOINT });', // 4
  'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));', // 5
];

/** Sends in the forms the pre-check on compiler nodes tells apart. */
const SEND_FORMS = lines(
  "import * as apigw from '@aws-sdk/client-apigatewaymanagementapi';",
  "import { ApiGatewayManagementApiClient, PostToConnectionCommand as PTC } from '@aws-sdk/client-apigatewaymanagementapi';",
  "import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';",
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
  "const api = new ApiGatewayManagementApiClient({ endpoint: 'https://x' });",
  'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
  "const shared = new PTC({ ConnectionId: 'c', Data: 'x' });",
  'export const handler = async () => {',
  "  const cmd = new PTC({ ConnectionId: 'c', Data: 'x' });",
  '  await api.send(cmd);',
  '  await api.send(shared);',
  "  await api.send(new apigw.PostToConnectionCommand({ ConnectionId: 'c' }));",
  "  await (api).send((new (PTC)({ ConnectionId: 'c' })) as never);",
  "  await api.send(new apigw.DeleteConnectionCommand({ ConnectionId: 'c' }));",
  "  await doc.send(new GetCommand({ TableName: 't', Key: {} }));",
  '  await api.send(await Promise.resolve(cmd));',
  '  await api.send();',
  "  await api.postToConnection({ ConnectionId: 'c' });",
  "  return { statusCode: 200, body: '' };",
  '};',
);

/** What the check keeps of a call, as it read every `send()`: the pre-check must let each of these through. */
function keptByCheck(code: HandlerCode, n: CallExpression): boolean {
  const method = methodNameOf(n.compilerNode);
  if (method !== 'postToConnection' && method !== 'send') return false;
  const callee = unwrap(n.getExpression());
  if (!Node.isPropertyAccessExpression(callee)) return false;
  if (callee.getName() === 'postToConnection') return true;
  const arg = n.getArguments()[0];
  const ne = arg ? newExpressionOf(code, arg) : undefined;
  return !!ne && importedName(code, ne.getExpression(), ['@aws-sdk/client-apigatewaymanagementapi']) === 'PostToConnectionCommand';
}

describe(ID, () => {
  it('reports a send without try/catch at the send call', async () => {
    const r = await lintFiles({
      'serverless.yml': SERVERLESS,
      'src/broadcast.ts': lines(...HEAD, 'export const handler = async (event: { ids: string[] }) => {', "  for (const id of event.ids) await ws.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));", '};'),
    });
    expect(positions(r, ID)).toEqual([notHandled(7, 37, 7, 106)]);
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.message.startsWith('handler: send(PostToConnectionCommand) is not in a try/catch that handles GoneException (HTTP 410).')).toBe(true);
    expect(f).toMatchObject({ severity: 'warning', function: 'broadcast' });
  });

  it('reports a catch that ignores GoneException, or recognises it without deleting', async () => {
    expect(
      await found(
        lines(
          ...HEAD,
          'export const handler = async (event: { ids: string[] }) => {', // 6
          '  for (const id of event.ids) {', // 7
          '    try {', // 8
          "      await ws.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));", // 9
          '    } catch (err) {', // 10
          '      console.error({ err });', // 11
          '    }', // 12
          '    try {', // 13
          "      const cmd = new PostToConnectionCommand({ ConnectionId: id, Data: 'y' });", // 14
          '      await ws.send(cmd);', // 15
          '    } catch (err) {', // 16
          "      if ((err as Error).name !== 'GoneException') throw err;", // 17
          '    }', // 18
          '  }', // 19
          '};',
        ),
      ),
    ).toEqual([notHandled(9, 13, 9, 82), notDeleted(15, 13, 15, 25)]);
  });

  it('reports an SDK v3 send whose catch tests err.statusCode === 410, a v2 property that v3 errors lack', async () => {
    const code = (check: string) =>
      lines(
        ...HEAD,
        'export const handler = async (event: { id: string }) => {', // 6
        '  try {', // 7
        "    await ws.send(new PostToConnectionCommand({ ConnectionId: event.id, Data: 'x' }));", // 8
        '  } catch (err: any) {', // 9
        `    if (${check}) await doc.send(new DeleteCommand({ TableName: 'connections', Key: { id: event.id } }));`, // 10
        '    else throw err;', // 11
        '  }', // 12
        '};',
      );
    const r = await lintFiles({ 'serverless.yml': SERVERLESS, 'src/broadcast.ts': code('err.statusCode === 410') });
    expect(positions(r, ID)).toEqual([at(ID, 'statusCodeOnV3', 8, 11, 8, 86)]);
    expect(r.findings.find((f) => f.ruleId === ID)!.message).toContain('`err.statusCode === 410`, an AWS SDK v2 property');
    // The v3 ways to recognise it are fine, and so is the raw HTTP response.
    for (const check of ['err?.$metadata?.httpStatusCode === 410', "err.name === 'GoneException'", 'err.$response?.statusCode === 410']) {
      expect(await found(code(check))).toEqual([]);
    }
    // On SDK v2, statusCode is where the status is.
    const v2 = lines(
      "const AWS = require('aws-sdk');",
      'const api = new AWS.ApiGatewayManagementApi({ endpoint: process.env.WS_ENDPOINT });',
      "const db = new AWS.DynamoDB.DocumentClient();",
      'exports.handler = async (event) => {',
      "  try { await api.postToConnection({ ConnectionId: event.id, Data: 'x' }).promise(); }",
      "  catch (err) { if (err.statusCode === 410) await db.delete({ TableName: 'c', Key: { id: event.id } }).promise(); else throw err; }",
      '};',
    );
    expect(await found(v2, 'src/broadcast.js')).toEqual([]);
  });

  it('reports SDK v2 postToConnection', async () => {
    expect(
      await found(
        lines("const AWS = require('aws-sdk');", 'const api = new AWS.ApiGatewayManagementApi({ endpoint: process.env.WS_ENDPOINT });', 'exports.handler = async (event) => {', "  await api.postToConnection({ ConnectionId: event.id, Data: 'x' }).promise();", '};'),
        'src/broadcast.js',
      ),
    ).toEqual([notHandled(4, 9, 4, 68)]);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      [
        'a catch that checks the name and deletes the connection',
        [...HEAD, 'export const handler = async (event: { ids: string[] }) => {', '  await Promise.all(event.ids.map(async (id) => {', '    try {', "      await ws.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));", '    } catch (err) {', "      if ((err as Error).name !== 'GoneException') throw err;", "      await doc.send(new DeleteCommand({ TableName: 'connections', Key: { id } }));", '    }', '  }));', '};'],
      ],
      [
        'a 410 status check and a local helper that deletes',
        [...HEAD, "const forget = (id: string) => doc.send(new DeleteCommand({ TableName: 'connections', Key: { id } }));", 'async function post(id: string) {', "  await ws.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'x' }));", '}', 'export const handler = async (event: { id: string }) => {', '  try {', '    await post(event.id);', '  } catch (err) {', '    if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410) await forget(event.id);', '    else throw err;', '  }', '};'],
      ],
      [
        'an instanceof check in a chained .catch()',
        ["import { ApiGatewayManagementApiClient, PostToConnectionCommand, GoneException } from '@aws-sdk/client-apigatewaymanagementapi';", "import { removeConnection } from './store.js';", 'const ws = new ApiGatewayManagementApiClient({});', 'export const handler = async (event: { id: string }) => {', "  await ws.send(new PostToConnectionCommand({ ConnectionId: event.id, Data: 'x' })).catch(async (err) => {", '    if (err instanceof GoneException) return removeConnection(event.id);', '    throw err;', '  });', '};'],
      ],
      ['a send of another command', ["import { ApiGatewayManagementApiClient, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';", 'const ws = new ApiGatewayManagementApiClient({});', 'export const handler = async (event: { id: string }) => ws.send(new GetConnectionCommand({ ConnectionId: event.id }));']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(lines(...code))).toEqual([]);
      });
    }
  });

  it('lets through on the compiler node every call the check keeps, and not the sends of other commands, on the fixtures, the demo and every form', async () => {
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-ts'].map((c) => fileURLToPath(new URL(`fixtures/${v}/${c}/`, import.meta.url))));
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url))),
      await lintFiles({ 'serverless.yml': SERVERLESS, 'src/broadcast.ts': SEND_FORMS }),
      // Names written with escapes (the method, the command's import), beside a line break written as one.
      await lintFiles({
        'serverless.yml': SERVERLESS,
        'src/broadcast.ts': lines(
          "import { ApiGatewayManagementApiClient, PostToConnection\\u0043ommand as Post } from '@aws-sdk/client-apigatewaymanagementapi';",
          "import AWS from 'aws-sdk';",
          'const ws = new ApiGatewayManagementApiClient({});',
          'const v2 = new AWS.ApiGatewayManagementApi({});',
          "export const handler = async (event: { id: string }) => [await ws.send(new Post({ ConnectionId: event.id, Data: 'a\\n' })), await v2.p\\u006fstToConnection({ ConnectionId: event.id, Data: 'b' }).promise()];",
        ),
      }),
      await lintFiles({ 'serverless.yml': SERVERLESS, 'src/broadcast.ts': lines("export const handler = async (event: { id: string }) => `${event.id}\\n`;") }),
    ];
    let kept = 0;
    let sendsSkipped = 0;
    let toldNo = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        // The fallback is skipped for a handler whose files name no post to a connection: the check keeps none of its calls.
        const named = mayNameAnyInReachableFiles(code, POST_TO_CONNECTION_NAMES);
        if (!named) toldNo++;
        const calls = code.reachableNodes([SyntaxKind.CallExpression]);
        for (let i = 0; i < calls.nodes.length; i++) {
          const call = calls.nodes[i] as ts.CallExpression;
          const pre = mayPostToConnection(code, call);
          if (keptByCheck(code, calls.node<CallExpression>(i))) {
            expect(pre, call.getText()).toBe(true);
            expect(named, call.getText()).toBe(true);
            kept++;
          } else if (methodNameOf(call) === 'send' && !pre) sendsSkipped++;
        }
      }
    }
    expect(kept).toBeGreaterThan(8);
    expect(sendsSkipped).toBeGreaterThan(5);
    expect(toldNo).toBeGreaterThan(2);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
