import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, type HandlerCode } from '@lambda-lint/handler';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { importedName, mayNameAnyInReachableFiles, unwrapTs } from '../../support/code-facts.js';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { mayScan, SCAN_NAMES } from './rule.js';

const ID = 'scan-in-request-path';

const serverless = (events: string) =>
  `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  api:\n    handler: src/api.handler\n    logRetentionInDays: 30\n${events}`;
const HTTP = '    events:\n      - httpApi: GET /brands\n';
const SCHEDULE = '    events:\n      - schedule: rate(1 day)\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

async function found(handler: string, events = HTTP, file = 'src/api.ts') {
  return positions(await lintFiles({ 'serverless.yml': serverless(events), [file]: handler }), ID);
}

const req = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'scanInRequest', line, column, endLine, endColumn);
const cast = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'scanInBroadcast', line, column, endLine, endColumn);

const V3 = [
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", // 1
  "import { DynamoDBDocumentClient, ScanCommand, paginateScan } from '@aws-sdk/lib-dynamodb';", // 2
  'const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));', // 3
];


/** Scans, paginators and WebSocket posts in the forms the pre-checks on compiler nodes tell apart. */
const CALL_FORMS = lines(
  "import * as lib from '@aws-sdk/lib-dynamodb';",
  "import { DynamoDBDocument, paginateScan as ps, ScanCommand as SC } from '@aws-sdk/lib-dynamodb';",
  "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
  "import * as apigw from '@aws-sdk/client-apigatewaymanagementapi';",
  "import { ApiGatewayManagementApiClient, PostToConnectionCommand as PTC } from '@aws-sdk/client-apigatewaymanagementapi';",
  'const doc = DynamoDBDocument.from(new DynamoDBClient({}));',
  "const api = new ApiGatewayManagementApiClient({ endpoint: 'https://x' });",
  'export const handler = async () => {',
  "  await doc.send(new lib.ScanCommand({ TableName: 't' }));",
  '  await doc.send(new SC({}));',
  '  await doc.send(new (lib.ScanCommand)({}));',
  "  for await (const p of ps({ client: doc }, { TableName: 't' })) console.log(p);",
  '  for await (const p of lib.paginateScan({ client: doc }, {})) console.log(p);',
  "  await doc.scan({ TableName: 't' });",
  '  await doc.get({ TableName: \'t\', Key: {} });',
  '  await doc.send(new lib.GetCommand({ TableName: \'t\', Key: {} }));',
  "  const cmd = new PTC({ ConnectionId: 'c', Data: 'x' });",
  '  await api.send(cmd);',
  '  await api.send(new apigw.PostToConnectionCommand({ ConnectionId: \'c\' }));',
  '  await (api).send(new (PTC)({ ConnectionId: \'c\' }));',
  '  await api.send(new apigw.DeleteConnectionCommand({ ConnectionId: \'c\' }));',
  '  await api.send(await Promise.resolve(cmd));',
  '  await api.send();',
  "  return { statusCode: 200, body: '' };",
  '};',
);

/** The pre-check as it was, resolving every callee: the new one must give the same answer without resolving members of other names. */
function mayScanResolvingAll(code: HandlerCode, n: ts.Node): boolean {
  const callee = (n as ts.CallExpression | ts.NewExpression).expression;
  const name = importedName(code, callee, ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb']);
  if (n.kind === SyntaxKind.NewExpression) return name === 'ScanCommand';
  if (name === 'paginateScan') return true;
  const c = unwrapTs(callee);
  return c.kind === SyntaxKind.PropertyAccessExpression && (c as ts.PropertyAccessExpression).name.text === 'scan';
}

describe(ID, () => {
  it('reports a ScanCommand in an HTTP API handler at the command, naming the table', async () => {
    const r = await lintFiles({
      'serverless.yml': serverless(HTTP),
      'src/api.ts': lines(...V3, 'export const handler = async () => {', "  const out = await doc.send(new ScanCommand({ TableName: 'brands', FilterExpression: 'active = :t' }));", '  return out.Items;', '};'),
    });
    expect(positions(r, ID)).toEqual([req(5, 30, 5, 103)]);
    expect(r.findings.find((f) => f.ruleId === ID)!.message).toBe(
      'handler: ScanCommand scans table "brands" while serving HTTP API requests. A Scan reads every item of the table (a FilterExpression only filters after the read), so its latency and read cost grow with the table until requests time out and throttle. Model the access pattern as a Query on the key or a global secondary index (GSI) instead.',
    );
    expect(r.findings.find((f) => f.ruleId === ID)).toMatchObject({ severity: 'warning', function: 'api' });
  });

  it('reports paginateScan, a command built in a variable and v2 DocumentClient scan() in helpers', async () => {
    expect(
      await found(
        lines(
          ...V3,
          "import AWS from 'aws-sdk';", // 4
          'const v2 = new AWS.DynamoDB.DocumentClient();', // 5
          'async function all() {', // 6
          '  const items = [];', // 7
          "  for await (const page of paginateScan({ client: doc }, { TableName: 'brands' })) items.push(...(page.Items ?? []));", // 8
          '  return items;', // 9
          '}', // 10
          'export const handler = async () => {', // 11
          "  const cmd = new ScanCommand({ TableName: 'logos' });", // 12
          '  await doc.send(cmd);', // 13
          "  await v2.scan({ TableName: 'old' }).promise();", // 14
          '  return all();', // 15
          '};',
        ),
      ),
    ).toEqual([req(8, 28, 8, 82), req(12, 15, 12, 54), req(14, 9, 14, 38)]);
  });

  it('reports a scan that feeds a WebSocket broadcast, whatever triggers the function', async () => {
    expect(
      await found(
        lines(
          ...V3,
          "import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';", // 4
          "const ws = new ApiGatewayManagementApiClient({ endpoint: process.env.WS_ENDPOINT });", // 5
          'export const handler = async () => {', // 6
          "  const { Items = [] } = await doc.send(new ScanCommand({ TableName: 'connections' }));", // 7
          '  for (const c of Items) {', // 8
          '    try {', // 9
          "      await ws.send(new PostToConnectionCommand({ ConnectionId: c.id, Data: 'hi' }));", // 10
          '    } catch (err) {', // 11
          "      if ((err as Error).name === 'GoneException') continue;", // 12
          '      throw err;', // 13
          '    }', // 14
          '  }', // 15
          '};',
        ),
        '    events:\n      - stream: arn:aws:dynamodb:eu-west-1:123456789012:table/news/stream/2024\n',
      ),
    ).toEqual([cast(7, 41, 7, 86)]);
  });

  describe('not a finding', () => {
    it('a Query on a GSI', async () => {
      expect(
        await found(lines(...V3, "import { QueryCommand } from '@aws-sdk/lib-dynamodb';", 'export const handler = async () => doc.send(new QueryCommand({ TableName: "brands", IndexName: "byOwner", KeyConditionExpression: "o = :o" }));')),
      ).toEqual([]);
    });
    it('a scheduled batch job that scans', async () => {
      expect(await found(lines(...V3, "export const handler = async () => doc.send(new ScanCommand({ TableName: 'brands' }));"), SCHEDULE)).toEqual([]);
    });
    it('a scan at module scope or in a function the handler never calls', async () => {
      expect(
        await found(lines(...V3, "export const warm = () => doc.send(new ScanCommand({ TableName: 'brands' }));", 'export const handler = async () => ({ ok: true });')),
      ).toEqual([]);
    });
    it('a local object with a scan() method', async () => {
      expect(await found(lines('const index = { scan: (q: string) => [q] };', "export const handler = async () => index.scan('x');"))).toEqual([]);
    });
  });

  it('reads triggers from SAM and CloudFormation', async () => {
    const sam = await lintFiles({
      'template.yaml': lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Api:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      CodeUri: src/',
        '      Handler: app.handler',
        '      Events:',
        '        List:',
        '          Type: HttpApi',
        '          Properties: { Path: /brands, Method: get }',
      ),
      'src/app.mjs': lines("import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';", 'const db = new DynamoDBClient({});', "export const handler = async () => db.send(new ScanCommand({ TableName: 'b' }));"),
    });
    expect(positions(sam, ID)).toEqual([req(3, 44, 3, 79)]);
    const cfn = await lintFiles({
      'template.yaml': lines(
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Api:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      Handler: src/index.handler',
        '      Code: ./',
        '      Role: arn:aws:iam::123456789012:role/api',
        '  Url:',
        '    Type: AWS::Lambda::Url',
        '    Properties:',
        '      AuthType: AWS_IAM',
        '      TargetFunctionArn: !GetAtt Api.Arn',
      ),
      'src/index.js': lines("const { DynamoDB } = require('@aws-sdk/client-dynamodb');", 'const db = new DynamoDB({});', "exports.handler = async () => db.scan({ TableName: 'b' });"),
    });
    expect(positions(cfn, ID)).toEqual([req(3, 31, 3, 58)]);
  });

  it('tells a possible scan on the compiler node as resolving every callee does, on the fixtures, the demo and every form', async () => {
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-ts'].map((c) => fileURLToPath(new URL(`fixtures/${v}/${c}/`, import.meta.url))));
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url))),
      await lintFiles({ 'serverless.yml': serverless(HTTP), 'src/api.ts': CALL_FORMS }),
      // Names written with escapes (the method, the command's import), beside a regular expression with one.
      await lintFiles({
        'serverless.yml': serverless(HTTP),
        'src/api.ts': lines(
          "import { DynamoDBClient, Scan\\u0043ommand as Listing } from '@aws-sdk/client-dynamodb';",
          "import AWS from 'aws-sdk';",
          'const db = new DynamoDBClient({});',
          'const doc = new AWS.DynamoDB.DocumentClient();',
          'export const handler = async (key: string) => [await db.send(new Listing({ TableName: key.replace(/\\+/g, "") })), await doc.sc\\u0061n({ TableName: key }).promise()];',
        ),
      }),
      await lintFiles({ 'serverless.yml': serverless(HTTP), 'src/api.ts': lines('const plus = /\\+/g;', "export const handler = async (key: string) => key.replace(plus, ' ');") }),
    ];
    let accepted = 0;
    let rejected = 0;
    let toldNo = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        // The fallback is skipped for a handler whose files name no scan: none of its calls may be one.
        const named = mayNameAnyInReachableFiles(code, SCAN_NAMES);
        if (!named) toldNo++;
        for (const n of code.reachableNodes([SyntaxKind.NewExpression, SyntaxKind.CallExpression]).nodes) {
          const expected = mayScanResolvingAll(code, n);
          expect(mayScan(code, n), n.getText()).toBe(expected);
          if (expected) expect(named, n.getText()).toBe(true);
          if (expected) accepted++;
          else rejected++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(8);
    expect(rejected).toBeGreaterThan(50);
    expect(toldNo).toBeGreaterThan(2);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
