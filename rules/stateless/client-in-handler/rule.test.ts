import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'client-in-handler';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  orders:\n    handler: src/orders.handler\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function app(handler: string, extra: Record<string, string> = {}, file = 'src/orders.ts'): Record<string, string> {
  return { 'serverless.yml': SERVERLESS, [file]: handler, ...extra };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const pos = (messageId: string, line: number, column: number, endLine: number, endColumn: number) => at(ID, messageId, line, column, endLine, endColumn);

describe(ID, () => {
  it('reports an SDK v3 client created in the handler, at the new expression', async () => {
    const r = await lintFiles(
      app(
        lines(
          "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
          '',
          'export const handler = async (event: { id: string }) => {',
          '  const client = new DynamoDBClient({});',
          "  return client.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: event.id } } }));",
          '};',
        ),
      ),
    );
    expect(positions(r, ID)).toEqual([pos('sdkClient', 4, 18, 4, 40)]);
    const own = r.findings.filter((f) => f.ruleId === ID);
    expect(own[0]!.message).toBe(
      'handler: new DynamoDBClient() creates an AWS SDK client on every invocation. Warm execution environments are reused, but a client made per request throws away its connection pool, TLS sessions and resolved credentials, adding tens to hundreds of milliseconds to each request and extra load under concurrency. Create it once at module scope (outside the handler) and reuse it, or lazily once (`client ??= new DynamoDBClient()`).',
    );
    expect(own[0]).toMatchObject({ severity: 'warning', function: 'orders' });
  });

  it('reports document clients, v2 clients, databases, HTTP agents and providers in called helpers', async () => {
    expect(
      await found(
        app(
          lines(
            "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", // 1
            "import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';", // 2
            "import AWS from 'aws-sdk';", // 3
            "import { Pool } from 'pg';", // 4
            "import mysql from 'mysql2/promise';", // 5
            "import Redis from 'ioredis';", // 6
            "import https from 'node:https';", // 7
            "import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';", // 8
            "import { db } from './db.js';", // 9
            'const base = new DynamoDBClient({});', // 10
            'export const handler = async () => {', // 11
            '  const doc = DynamoDBDocumentClient.from(base);', // 12
            '  const wrapped = DynamoDBDocumentClient.from(new DynamoDBClient({}));', // 13
            '  const s3 = new AWS.S3();', // 14
            '  const pool = new Pool({ max: 1 });', // 15
            '  const conn = await mysql.createConnection({});', // 16
            '  const redis = new Redis(process.env.REDIS_URL!);', // 17
            '  const agent = new https.Agent({ keepAlive: true });', // 18
            '  const provider = new SSMProvider();', // 19
            '  return [doc, wrapped, s3, pool, conn, redis, agent, provider, db()];', // 20
            '};',
          ),
          { 'src/db.ts': lines("import { MongoClient } from 'mongodb';", "export const db = () => new MongoClient('mongodb://db');") },
        ),
      ),
    ).toEqual([
      pos('connection', 2, 25, 2, 56), // src/db.ts
      pos('sdkClient', 12, 15, 12, 48),
      pos('sdkClient', 13, 47, 13, 69),
      pos('sdkClient', 14, 14, 14, 26),
      pos('connection', 15, 16, 15, 36),
      pos('connection', 16, 22, 16, 48),
      pos('connection', 17, 17, 17, 50),
      pos('httpAgent', 18, 17, 18, 53),
      pos('parametersProvider', 19, 20, 19, 37),
    ]);
    const r = await lintFiles(app(lines("import { db } from './db.js';", 'export const handler = async () => db();'), { 'src/db.ts': lines("import { MongoClient } from 'mongodb';", "export const db = () => new MongoClient('mongodb://db');") }));
    expect(positions(r, ID)).toEqual([pos('connection', 2, 25, 2, 56)]);
    const mine = r.findings.filter((f) => f.ruleId === ID);
    expect(mine[0]!.loc.file).toBe('/project/src/db.ts');
    expect(mine[0]!.message.startsWith('db: new MongoClient() opens a mongodb connection on every invocation.')).toBe(true);
  });

  it('reports configuration and secrets fetched on every call (v3 and v2)', async () => {
    const r = await lintFiles(
      app(
        lines(
          "const { SSMClient, GetParameterCommand } = require('@aws-sdk/client-ssm');", // 1
          "const AWS = require('aws-sdk');", // 2
          'const ssm = new SSMClient({});', // 3
          'const sm = new AWS.SecretsManager();', // 4
          'exports.handler = async () => {', // 5
          "  const p = await ssm.send(new GetParameterCommand({ Name: '/orders/url' }));", // 6
          "  const s = await sm.getSecretValue({ SecretId: 'orders/db' }).promise();", // 7
          '  return [p, s];', // 8
          '};',
        ),
        {},
        'src/orders.js',
      ),
    );
    expect(positions(r, ID)).toEqual([pos('configFetch', 6, 19, 6, 77), pos('configFetch', 7, 19, 7, 63)]);
    const fetches = r.findings.filter((f) => f.ruleId === ID);
    expect(fetches[0]!.message.startsWith('handler: SSM GetParameter is called on every invocation with no module-level cache.')).toBe(true);
    expect(fetches[1]!.message.startsWith('handler: Secrets Manager GetSecretValue is called')).toBe(true);
  });

  it('reports a call in a helper that several functions reach once, naming every function concerned', async () => {
    const serverless = `${SERVERLESS}  register:\n    handler: src/register.handler\n  forgot-password:\n    handler: src/forgot.handler\n`;
    const r = await lintFiles({
      'serverless.yml': serverless,
      'src/orders.ts': 'export const handler = async () => ({ ok: true });\n',
      'src/mailer.ts': lines(
        "import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';", // 1
        'const ssm = new SSMClient({});', // 2
        'export async function mailerSettings() {', // 3
        "  return ssm.send(new GetParameterCommand({ Name: '/mailer' }));", // 4
        '}',
      ),
      'src/register.ts': "import { mailerSettings } from './mailer.js';\nexport const handler = async () => mailerSettings();\n",
      'src/forgot.ts': "import { mailerSettings } from './mailer.js';\nexport const handler = async () => mailerSettings();\n",
    });
    expect(positions(r, ID)).toEqual([pos('configFetch', 4, 10, 4, 64)]);
    const finding = r.findings.find((f) => f.ruleId === ID)!;
    expect(finding.message.startsWith('register, forgot-password (in mailerSettings): SSM GetParameter is called on every invocation')).toBe(true);
    expect(finding.function).toBeUndefined();
  });

  describe('a loader passed to a memoising helper', () => {
    const helper = (body: string[]) =>
      lines(
        "import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';", // 1
        'const ssm = new SSMClient({});', // 2
        ...body, // 3-
        "const config = memoise(async () => (await ssm.send(new GetParameterCommand({ Name: '/app/config' }))).Parameter?.Value);",
        'export const handler = async () => ({ value: await config() });',
      );

    it('is not a finding when the helper calls it once, under a closure guard set at module scope', async () => {
      const once = ['function memoise<T>(load: () => Promise<T>): () => Promise<T> {', '  let pending: Promise<T> | undefined;', '  return () => {', '    pending ??= load().catch((err: unknown) => {', '      pending = undefined;', '      throw err;', '    });', '    return pending;', '  };', '}'];
      expect(await found(app(helper(once)))).toEqual([]);
    });

    it('is reported when the helper calls it on every call, or the guard is a per-call local', async () => {
      const always = ['function memoise<T>(load: () => Promise<T>): () => Promise<T> {', '  return () => load();', '}'];
      expect(await found(app(helper(always)))).toEqual([pos('configFetch', 6, 43, 6, 101)]);
      const local = ['function memoise<T>(load: () => Promise<T>): () => Promise<T> {', '  return () => {', '    let pending: Promise<T> | undefined;', '    pending ??= load();', '    return pending;', '  };', '}'];
      expect(await found(app(helper(local)))).toEqual([pos('configFetch', 10, 43, 10, 101)]);
    });
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a client at module scope', ["import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';", 'const s3 = new S3Client({});', "export const handler = async () => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));"]],
      ['lazy initialisation with if (!client)', ["import { S3Client } from '@aws-sdk/client-s3';", 'let s3: S3Client | undefined;', 'export const handler = async () => {', '  if (!s3) s3 = new S3Client({});', '  return s3.config;', '};']],
      ['lazy initialisation with ??=', ["import { Pool } from 'pg';", 'let pool: Pool | undefined;', 'export const handler = async () => {', '  pool ??= new Pool();', "  return pool.query('select 1');", '};']],
      ['a memoised connection promise', ["import { MongoClient } from 'mongodb';", 'let connecting: Promise<MongoClient> | undefined;', 'const connect = async () => { const c = new MongoClient(process.env.URI!); await c.connect(); return c; };', 'export const handler = async () => {', '  connecting ??= connect();', '  const client = await connecting;', "  return client.db('orders');", '};']],
      ['a getter that caches (if (x) return x)', ["import { createClient } from 'redis';", 'let redis: ReturnType<typeof createClient> | undefined;', 'async function getRedis() {', '  if (redis) return redis;', '  redis = createClient();', '  await redis.connect();', '  return redis;', '}', "export const handler = async () => (await getRedis()).get('k');"]],
      ['a client with per-request credentials (assumed tenant role)', ["import { S3Client } from '@aws-sdk/client-s3';", 'export const handler = async (event: { credentials: any }) => new S3Client({ credentials: event.credentials }).config;']],
      ['a secret cached at module level', ["import { SecretsManagerClient, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';", 'const sm = new SecretsManagerClient({});', 'let secret: string | undefined;', 'export const handler = async () => {', '  if (!secret) {', "    const r = await sm.send(new GetSecretValueCommand({ SecretId: 'db' }));", '    secret = r.SecretString;', '  }', '  return secret;', '};']],
      ['Powertools Parameters (built-in cache)', ["import { getParameter } from '@aws-lambda-powertools/parameters/ssm';", "import { getSecret } from '@aws-lambda-powertools/parameters/secrets';", "export const handler = async () => [await getParameter('/orders/url'), await getSecret('orders/db')];"]],
      ['Powertools Logger, Metrics and Tracer at module scope', ["import { Logger } from '@aws-lambda-powertools/logger';", "import { Metrics } from '@aws-lambda-powertools/metrics';", 'const logger = new Logger();', 'const metrics = new Metrics();', "export const handler = async () => { logger.info('x'); metrics.addDimension('a', 'b'); };"]],
      ['a local class named like a client', ['class S3Client { constructor(readonly o: object) {} }', 'export const handler = async () => new S3Client({});']],
      ['a client in a function the handler never calls', ["import { S3Client } from '@aws-sdk/client-s3';", 'export function unused() { return new S3Client({}); }', 'export const handler = async () => ({ ok: true });']],
      ['a client made by a factory called at module scope', ["import { S3Client } from '@aws-sdk/client-s3';", 'function makeClient() { return new S3Client({}); }', 'const s3 = makeClient();', 'export const handler = async () => s3.config;']],
      ['a singleton service constructed at module scope', ["import { DynamoDBClient } from '@aws-sdk/client-dynamodb';", 'class Repo { readonly db: DynamoDBClient; constructor() { this.db = new DynamoDBClient({}); } }', 'const repo = new Repo();', 'export const handler = async () => repo.db.config;']],
      ['GetParameter inside a cache keyed per name', ["import { SSMClient, GetParameterCommand } from '@aws-sdk/client-ssm';", 'const ssm = new SSMClient({});', 'const cache = new Map<string, Promise<unknown>>();', 'export const handler = async (event: { name: string }) => {', '  if (!cache.has(event.name)) cache.set(event.name, ssm.send(new GetParameterCommand({ Name: event.name })));', '  return cache.get(event.name);', '};']],
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
      'src/index.js': lines("const { SQSClient } = require('@aws-sdk/client-sqs');", 'exports.handler = async () => new SQSClient({}).config;'),
    });
    expect(positions(cfn, ID)).toEqual([pos('sdkClient', 2, 31, 2, 48)]);
    const sam = await lintFiles({
      'template.yaml': lines('Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Orders:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs22.x', '      CodeUri: src/', '      Handler: app.handler', '      MemorySize: 256', '      Timeout: 10'),
      'src/app.mjs': lines("import { Agent } from 'undici';", 'export const handler = async () => new Agent();'),
    });
    expect(positions(sam, ID)).toEqual([pos('httpAgent', 2, 36, 2, 47)]);
  });

  it('never throws on broken or unusual code', async () => {
    const base = lines(
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { Pool } from 'pg';",
      'let pool: Pool | undefined;',
      'export const handler = async () => {',
      '  pool ??= new Pool();',
      '  if (!pool) { pool = new Pool(); }',
      '  return new S3Client({}).send(pool as never);',
      '};',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.constantFrom('', '(', ')', '{', '}', 'new ', '??=', '!', 'if (', ',')), { maxLength: 5 }), async (edits) => {
        let text = base;
        for (const [p, del, ins] of edits) text = text.slice(0, p) + ins + text.slice(p + del);
        const r = await lintFiles(app(text));
        for (const f of r.findings) expect(f.loc.line).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
