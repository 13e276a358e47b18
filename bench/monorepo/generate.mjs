// Deterministic generator of a synthetic serverless monorepo for the performance benchmark
// (bench/run.mjs). The same seed and sizes give the same tree, byte for byte.
//
//   node bench/monorepo/generate.mjs --out /tmp/mono --handlers 1000 --functions 200 [--seed 1]
//
// Layout: packages/shared/src/*.ts (libraries every handler imports), and services/svc-NN/ with
// ten functions each, configured by a serverless.yml (half of the services), a SAM template or a
// CloudFormation template (a quarter each). A function is a directory of TypeScript files: the
// handler module and the modules it imports (routes, service, repository, validation, mappers).
// Every code file is reachable from some handler, so the linter and ESLint see the same files.
// About one function in six has a problem a rule finds (a client created per request, a fixed
// /tmp path, module state written per request, a floating promise, a Scan behind an API, string
// logs); configurations vary timeouts, memory, IAM statements, queues and alarms.

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { rng } from '../corpus/mutate.mjs';
import { tag, toYaml } from '../corpus/generate.mjs';

/** Shared library modules under packages/shared/src (counted in the handler files). */
const SHARED = ['logger', 'http', 'dynamo', 'config', 'metrics', 'errors', 'events', 'ids'];

const STYLES = ['api-router', 'sqs-consumer', 's3-processor', 'eventbridge', 'powertools-api', 'schedule'];
const ENTITIES = ['brand', 'asset', 'campaign', 'invoice', 'order', 'customer', 'report', 'upload', 'palette', 'font', 'license', 'review'];
const PROBLEMS = ['client-in-handler', 'fixed-tmp-path', 'global-mutable-state', 'floating-promise', 'scan-in-request-path', 'string-log'];

const cap = (s) => s[0].toUpperCase() + s.slice(1);

/**
 * The files of a monorepo with `handlers` code files and `functions` functions, as a map from a
 * relative path to its content. Sizes are exact: there are `handlers` .ts files in total.
 */
export function generateMonorepo({ handlers = 1000, functions = 200, seed = 1 } = {}) {
  if (functions < 1 || handlers < functions + SHARED.length) throw new Error(`need at least functions + ${SHARED.length} handler files`);
  const r = rng(seed);
  const files = {};
  for (const name of SHARED) files[`packages/shared/src/${name}.ts`] = sharedModule(name);
  files['package.json'] = JSON.stringify({ name: 'bench-monorepo', private: true, type: 'module' }, null, 2) + '\n';
  files['tsconfig.json'] = JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true } }, null, 2) + '\n';

  // Code files per function: the handler plus an even share of the rest (the first ones get one more).
  const extra = handlers - SHARED.length - functions;
  const perFunction = Array.from({ length: functions }, (_, i) => 1 + Math.floor(extra / functions) + (i < extra % functions ? 1 : 0));
  const services = Math.ceil(functions / 10);
  let index = 0;
  for (let s = 0; s < services; s++) {
    const format = s % 4 === 0 || s % 4 === 2 ? 'serverless' : s % 4 === 1 ? 'sam' : 'cloudformation';
    const dir = `services/svc-${String(s).padStart(3, '0')}`;
    const fns = [];
    for (let k = 0; k < 10 && index < functions; k++, index++) {
      const fn = functionSpec(r, index, perFunction[index]);
      fns.push(fn);
      Object.assign(files, Object.fromEntries(Object.entries(functionCode(fn)).map(([p, c]) => [`${dir}/${p}`, c])));
    }
    if (format === 'serverless') files[`${dir}/serverless.yml`] = serverlessYml(r, s, fns);
    else files[`${dir}/template.yaml`] = format === 'sam' ? samTemplate(r, s, fns) : cfnTemplate(r, s, fns);
  }
  return files;
}

export function writeMonorepo(out, options) {
  rmSync(out, { recursive: true, force: true });
  const files = generateMonorepo(options);
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(out, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return files;
}

// ---------------------------------------------------------------------------------------------
// Functions

function functionSpec(r, index, fileCount) {
  const style = STYLES[index % STYLES.length];
  const entity = ENTITIES[r.int(ENTITIES.length)];
  const name = `${entity}-${style.split('-')[0]}-${index}`;
  const problem = r.chance(1 / 6) ? PROBLEMS[r.int(PROBLEMS.length)] : undefined;
  return { index, name, style, entity, Entity: cap(entity), problem, fileCount, timeout: r.pick([undefined, 6, 10, 20, 29, 60]), memory: r.pick([undefined, 256, 512, 1024, 1769]) };
}

/** The module names of a function's files after the handler, in import order. */
function moduleNames(fn) {
  const base = ['service', 'repository', 'validation', 'mapper'];
  const names = [];
  for (let i = 0; i < fn.fileCount - 1; i++) names.push(i < base.length ? base[i] : `helpers-${i - base.length + 1}`);
  return names;
}

function functionCode(fn) {
  const dir = `src/functions/${fn.name}`;
  const modules = moduleNames(fn);
  const out = { [`${dir}/handler.ts`]: handlerModule(fn, modules) };
  modules.forEach((m, i) => {
    out[`${dir}/${m}.ts`] = libraryModule(fn, m, modules.slice(i + 1));
  });
  return out;
}

const SHARED_IMPORT = '../../../../../packages/shared/src';

function handlerModule(fn, modules) {
  const { Entity, entity, problem } = fn;
  const imports = [
    `import { logger } from '${SHARED_IMPORT}/logger.js';`,
    `import { json, errorResponse, HttpError } from '${SHARED_IMPORT}/http.js';`,
    `import { emitMetric } from '${SHARED_IMPORT}/metrics.js';`,
  ];
  if (modules.includes('service')) imports.push(`import { ${entity}Service } from './service.js';`);
  const call = modules.includes('service') ? `${entity}Service.process(input)` : `Promise.resolve(input)`;
  const prelude = [];
  const perRequest = [];
  if (problem === 'client-in-handler') {
    imports.push("import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';");
    perRequest.push('  const client = new DynamoDBClient({});', `  await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: 'x' } } }));`);
  } else if (problem === 'fixed-tmp-path') {
    imports.push("import { writeFileSync } from 'node:fs';");
    perRequest.push(`  writeFileSync('/tmp/${entity}.json', JSON.stringify(input));`);
  } else if (problem === 'global-mutable-state') {
    prelude.push('const recent: string[] = [];');
    perRequest.push('  recent.push(String(input.id));');
  } else if (problem === 'floating-promise') {
    perRequest.push(`  emitMetric('${Entity}Received', 1);`, `  fetch('https://hooks.example.com/${entity}', { method: 'POST' });`);
  } else if (problem === 'scan-in-request-path') {
    imports.push("import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';", "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    prelude.push('const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));');
    perRequest.push('  const all = await doc.send(new ScanCommand({ TableName: process.env.TABLE_NAME }));', '  input.count = all.Count ?? 0;');
  } else if (problem === 'string-log') {
    perRequest.push(`  console.log(\`processing ${entity} \${input.id} for \${input.owner}\`);`);
  }
  switch (fn.style) {
    case 'api-router':
      return `${imports.join('\n')}
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
${prelude.join('\n')}

type Route = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

const routes: Record<string, Route> = {
  'GET /${entity}s': async (event) => json(200, { items: [], next: event.queryStringParameters?.cursor ?? null }),
  'POST /${entity}s': async (event) => {
    const input = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
${perRequest.map((l) => '  ' + l).join('\n')}
    return json(201, await ${call});
  },
  'GET /${entity}s/{id}': async (event) => json(200, { id: event.pathParameters?.id }),
  'DELETE /${entity}s/{id}': async () => ({ statusCode: 204, body: '' }),
};

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const log = logger.child({ requestId: event.requestContext.requestId, route: event.routeKey });
  const route = routes[event.routeKey];
  if (!route) return json(404, { message: 'not found' });
  try {
    const result = await route(event);
    await emitMetric('${Entity}Request', 1);
    return result;
  } catch (error) {
    if (error instanceof HttpError) return errorResponse(error);
    log.error({ message: 'request failed', error: String(error) });
    return json(500, { message: 'internal error' });
  }
};
`;
    case 'sqs-consumer':
      return `${imports.join('\n')}
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
${prelude.join('\n')}

async function processRecord(record: SQSRecord): Promise<void> {
  const input = JSON.parse(record.body) as Record<string, unknown>;
${perRequest.join('\n')}
  await ${call};
  logger.info({ message: '${entity} processed', messageId: record.messageId });
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await processRecord(record);
    } catch (error) {
      logger.warn({ message: 'record failed', messageId: record.messageId, error: String(error) });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  await emitMetric('${Entity}Batch', event.Records.length);
  return { batchItemFailures };
};
`;
    case 's3-processor':
      return `${imports.join('\n')}
import type { S3Event } from 'aws-lambda';
${prelude.join('\n')}

export async function handler(event: S3Event): Promise<void> {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, ' '));
    const input: Record<string, unknown> = { id: key, bucket: record.s3.bucket.name, size: record.s3.object.size };
    if (record.s3.object.size > 50 * 1024 * 1024) {
      logger.warn({ message: 'object too large', key });
      continue;
    }
${perRequest.map((l) => '  ' + l).join('\n')}
    await ${call};
  }
  await emitMetric('${Entity}Objects', event.Records.length);
}
`;
    case 'eventbridge':
      return `${imports.join('\n')}
import type { EventBridgeEvent } from 'aws-lambda';
${prelude.join('\n')}

interface ${Entity}Changed {
  id: string;
  owner: string;
  version: number;
}

export const handler = async (event: EventBridgeEvent<'${Entity}Changed', ${Entity}Changed>): Promise<{ ok: boolean }> => {
  const input: Record<string, unknown> = { ...event.detail, source: event.source };
  if (event.detail.version < 1) throw new HttpError(400, 'version must be positive');
${perRequest.join('\n')}
  await ${call};
  return { ok: true };
};
`;
    case 'powertools-api':
      return `${imports.join('\n')}
import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
${prelude.join('\n')}

const powertoolsLogger = new Logger({ serviceName: '${fn.name}' });
const tracer = new Tracer({ serviceName: '${fn.name}' });
const metrics = new Metrics({ namespace: 'Bench', serviceName: '${fn.name}' });

export const handler = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
  powertoolsLogger.addContext(context);
  const segment = tracer.getSegment();
  try {
    const input = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
${perRequest.join('\n')}
    const result = await ${call};
    metrics.addMetric('${Entity}Created', MetricUnit.Count, 1);
    return { statusCode: 200, body: JSON.stringify(result) };
  } catch (error) {
    powertoolsLogger.error('request failed', error as Error);
    return { statusCode: 500, body: JSON.stringify({ message: 'internal error' }) };
  } finally {
    metrics.publishStoredMetrics();
    void segment;
  }
};
`;
    default:
      return `${imports.join('\n')}
import type { ScheduledEvent } from 'aws-lambda';
${prelude.join('\n')}

export const handler = async (event: ScheduledEvent): Promise<void> => {
  const input: Record<string, unknown> = { id: event.id, time: event.time };
${perRequest.join('\n')}
  const started = Date.now();
  await ${call};
  logger.info({ message: 'scheduled run done', durationMs: Date.now() - started });
};
`;
  }
}

/** A module of a function: business logic that calls the next module in the chain. */
function libraryModule(fn, name, rest) {
  const { entity, Entity } = fn;
  const next = rest[0];
  const nextImport = next ? `import * as ${camel(next)} from './${next}.js';\n` : '';
  const nextCall = next ? `${camel(next)}.step(value)` : 'value';
  if (name === 'service') {
    return `import { logger } from '${SHARED_IMPORT}/logger.js';
import { HttpError } from '${SHARED_IMPORT}/errors.js';
import { newEnvelope, newId } from '${SHARED_IMPORT}/ids.js';
${nextImport}
export interface ${Entity}Input {
  id?: string;
  owner?: string;
  [key: string]: unknown;
}

export const ${entity}Service = {
  async process(input: ${Entity}Input): Promise<Record<string, unknown>> {
    if (input.owner !== undefined && typeof input.owner !== 'string') throw new HttpError(400, 'owner must be a string');
    const value: Record<string, unknown> = { ...input, id: input.id ?? newId() };
    logger.debug({ message: 'processing ${entity}', event: newEnvelope('${Entity}Received', { id: value.id }) });
    return step(value);
  },
};

export async function step(value: Record<string, unknown>): Promise<Record<string, unknown>> {
  return ${next ? `await ${nextCall}` : 'value'};
}
`;
  }
  if (name === 'repository') {
    return `import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '${SHARED_IMPORT}/dynamo.js';
${nextImport}
const PK_PREFIX = '${entity.toUpperCase()}#';

export async function get${Entity}(id: string): Promise<Record<string, unknown> | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: { pk: PK_PREFIX + id, sk: 'META' } }));
  return out.Item;
}

export async function list${Entity}s(owner: string, limit = 25): Promise<Record<string, unknown>[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :owner',
      ExpressionAttributeValues: { ':owner': owner },
      Limit: limit,
    }),
  );
  return out.Items ?? [];
}

export async function step(value: Record<string, unknown>): Promise<Record<string, unknown>> {
  const item = { pk: PK_PREFIX + String(value.id), sk: 'META', ...value };
  await ddb.send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  return ${next ? nextCall : 'value'};
}
`;
  }
  if (name === 'validation') {
    return `import { HttpError } from '${SHARED_IMPORT}/errors.js';
${nextImport}
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_TAGS = 20;

export function validate${Entity}(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (typeof value.name === 'string' && !NAME.test(value.name)) problems.push('name must be lowercase letters, digits and dashes');
  if (Array.isArray(value.tags) && value.tags.length > MAX_TAGS) problems.push(\`at most \${MAX_TAGS} tags\`);
  if (value.createdAt !== undefined && Number.isNaN(Date.parse(String(value.createdAt)))) problems.push('createdAt must be a date');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && v.length > 4096) problems.push(\`\${key} is longer than 4096 characters\`);
  }
  return problems;
}

export function step(value: Record<string, unknown>): Record<string, unknown> | Promise<Record<string, unknown>> {
  const problems = validate${Entity}(value);
  if (problems.length > 0) throw new HttpError(400, problems.join('; '));
  return ${nextCall};
}
`;
  }
  const depth = name === 'mapper' ? 0 : Number(name.split('-')[1]);
  return `${nextImport}
export interface ${Entity}View${depth} {
  id: string;
  label: string;
  updatedAt: string;
  attributes: Record<string, string>;
}

function label(value: Record<string, unknown>): string {
  const parts = [value.name, value.owner, value.id].filter((p): p is string => typeof p === 'string' && p.length > 0);
  return parts.length > 0 ? parts.join(' / ') : 'unnamed ${entity}';
}

export function toView(value: Record<string, unknown>): ${Entity}View${depth} {
  const attributes: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    attributes[key] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return { id: String(value.id), label: label(value), updatedAt: new Date(0).toISOString(), attributes };
}

export function step(value: Record<string, unknown>): Record<string, unknown> | Promise<Record<string, unknown>> {
  const view = toView(value);
  const merged = { ...value, view };
  return ${next ? `${camel(next)}.step(merged)` : 'merged'};
}
`;
}

function camel(name) {
  return name.replace(/-(\w)/g, (_, c) => c.toUpperCase());
}

function sharedModule(name) {
  switch (name) {
    case 'logger':
      return `export type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const threshold = LEVELS[(process.env.LOG_LEVEL as Level | undefined) ?? 'info'] ?? 20;

export interface Logger {
  debug(entry: Record<string, unknown>): void;
  info(entry: Record<string, unknown>): void;
  warn(entry: Record<string, unknown>): void;
  error(entry: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function make(fields: Record<string, unknown>): Logger {
  const write = (level: Level, entry: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    process.stdout.write(JSON.stringify({ level, time: new Date().toISOString(), ...fields, ...entry }) + '\\n');
  };
  return {
    debug: (e) => write('debug', e),
    info: (e) => write('info', e),
    warn: (e) => write('warn', e),
    error: (e) => write('error', e),
    child: (more) => make({ ...fields, ...more }),
  };
}

export const logger = make({ service: process.env.SERVICE_NAME });
`;
    case 'http':
      return `import { HttpError } from './errors.js';
export { HttpError } from './errors.js';

export interface HttpResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function errorResponse(error: HttpError): HttpResult {
  return json(error.status, { message: error.message });
}
`;
    case 'dynamo':
      return `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const TABLE_NAME = process.env.TABLE_NAME ?? '';

export function tableName(): string {
  return TABLE_NAME;
}

export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
`;
    case 'config':
      return `export const config = Object.freeze({
  stage: process.env.STAGE ?? 'dev',
  region: process.env.AWS_REGION ?? 'eu-west-1',
  tableName: process.env.TABLE_NAME ?? '',
});

export function currentStage(): string {
  return config.stage;
}
`;
    case 'metrics':
      return `import { currentStage } from './config.js';

/** Embedded Metric Format: one JSON line CloudWatch turns into a metric. */
export async function emitMetric(name: string, value: number): Promise<void> {
  process.stdout.write(
    JSON.stringify({
      _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Bench', Dimensions: [['stage']], Metrics: [{ Name: name, Unit: 'Count' }] }] },
      stage: currentStage(),
      [name]: value,
    }) + '\\n',
  );
}
`;
    case 'errors':
      return `export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpError';
  }
}
`;
    case 'events':
      return `export interface Envelope<T> {
  id: string;
  type: string;
  detail: T;
}

export function envelope<T>(type: string, id: string, detail: T): Envelope<T> {
  return { id, type, detail };
}
`;
    default:
      return `import { randomUUID } from 'node:crypto';
import { envelope } from './events.js';

export function newId(): string {
  return randomUUID();
}

export function newEnvelope<T>(type: string, detail: T) {
  return envelope(type, newId(), detail);
}
`;
  }
}

// ---------------------------------------------------------------------------------------------
// Configurations

function handlerPath(fn) {
  return `src/functions/${fn.name}/handler.handler`;
}

function serverlessYml(r, s, fns) {
  const functions = {};
  const resources = {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] } },
  };
  for (const fn of fns) {
    const events = [];
    if (fn.style === 'api-router' || fn.style === 'powertools-api') {
      for (const [method, path] of [['GET', `/${fn.entity}s`], ['POST', `/${fn.entity}s`], ['GET', `/${fn.entity}s/{id}`]]) events.push({ httpApi: { method, path: `/${fn.index}${path}` } });
    } else if (fn.style === 'sqs-consumer') {
      const q = `${fn.Entity}Queue${fn.index}`;
      resources[q] = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 6 * (fn.timeout ?? 6), RedrivePolicy: { deadLetterTargetArn: tag('!GetAtt', `${q}Dlq.Arn`), maxReceiveCount: 5 } } };
      resources[`${q}Dlq`] = { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } };
      events.push({ sqs: { arn: tag('!GetAtt', `${q}.Arn`), batchSize: 10, functionResponseType: 'ReportBatchItemFailures' } });
    } else if (fn.style === 's3-processor') {
      events.push({ s3: { bucket: `bench-${s}-${fn.index}-uploads`, event: 's3:ObjectCreated:*' } });
    } else if (fn.style === 'eventbridge') {
      events.push({ eventBridge: { pattern: { source: ['bench.app'], 'detail-type': [`${fn.Entity}Changed`] } } });
    } else {
      events.push({ schedule: 'rate(1 hour)' });
    }
    functions[fn.name] = {
      handler: handlerPath(fn),
      timeout: fn.timeout,
      memorySize: fn.memory,
      environment: { TABLE_NAME: tag('!Ref', 'Table') },
      iamRoleStatements: [
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: r.chance(0.15) ? '*' : tag('!GetAtt', 'Table.Arn') },
      ],
      destinations: fn.style === 's3-processor' || fn.style === 'eventbridge' ? (r.chance(0.7) ? { onFailure: `arn:aws:sqs:eu-west-1:123456789012:bench-${s}-failures` } : undefined) : undefined,
      events,
    };
  }
  return toYaml(
    strip({
      service: `bench-svc-${s}`,
      frameworkVersion: '3',
      plugins: ['serverless-iam-roles-per-function'],
      provider: {
        name: 'aws',
        runtime: r.pick(['nodejs20.x', 'nodejs22.x', 'nodejs24.x']),
        region: 'eu-west-1',
        stage: "${opt:stage, 'dev'}",
        logRetentionInDays: r.chance(0.7) ? 30 : undefined,
        tracing: r.chance(0.5) ? { lambda: true } : undefined,
        environment: { SERVICE_NAME: '${self:service}', STAGE: '${sls:stage}' },
      },
      functions,
      resources: { Resources: resources },
    }),
  );
}

function samTemplate(r, s, fns) {
  const resources = {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } },
  };
  for (const fn of fns) {
    const id = `${fn.Entity}${fn.index}Function`;
    const events = {};
    if (fn.style === 'api-router' || fn.style === 'powertools-api') {
      events.List = { Type: 'HttpApi', Properties: { Path: `/${fn.index}/${fn.entity}s`, Method: 'GET' } };
      events.Create = { Type: 'HttpApi', Properties: { Path: `/${fn.index}/${fn.entity}s`, Method: 'POST' } };
    } else if (fn.style === 'sqs-consumer') {
      const q = `${fn.Entity}Queue${fn.index}`;
      resources[q] = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 6 * (fn.timeout ?? 3), RedrivePolicy: { deadLetterTargetArn: tag('!GetAtt', `${q}Dlq.Arn`), maxReceiveCount: 5 } } };
      resources[`${q}Dlq`] = { Type: 'AWS::SQS::Queue' };
      events.Queue = { Type: 'SQS', Properties: { Queue: tag('!GetAtt', `${q}.Arn`), BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] } };
    } else if (fn.style === 's3-processor') {
      const b = `${fn.Entity}Bucket${fn.index}`;
      resources[b] = { Type: 'AWS::S3::Bucket' };
      events.Upload = { Type: 'S3', Properties: { Bucket: tag('!Ref', b), Events: 's3:ObjectCreated:*' } };
    } else if (fn.style === 'eventbridge') {
      events.Changed = { Type: 'EventBridgeRule', Properties: { Pattern: { source: ['bench.app'], 'detail-type': [`${fn.Entity}Changed`] } } };
    } else {
      events.Hourly = { Type: 'Schedule', Properties: { Schedule: 'rate(1 hour)' } };
    }
    resources[id] = {
      Type: 'AWS::Serverless::Function',
      Properties: {
        CodeUri: '.',
        Handler: handlerPath(fn),
        Timeout: fn.timeout,
        MemorySize: fn.memory,
        Policies: [r.chance(0.8) ? { DynamoDBCrudPolicy: { TableName: tag('!Ref', 'Table') } } : 'AmazonDynamoDBFullAccess'],
        DeadLetterQueue: fn.style === 's3-processor' || fn.style === 'eventbridge' ? { Type: 'SQS', TargetArn: `arn:aws:sqs:eu-west-1:123456789012:bench-${s}-failures` } : undefined,
        Events: events,
      },
      Metadata: { BuildMethod: 'esbuild', BuildProperties: { EntryPoints: [`src/functions/${fn.name}/handler.ts`] } },
    };
  }
  return toYaml(
    strip({
      AWSTemplateFormatVersion: '2010-09-09',
      Transform: 'AWS::Serverless-2016-10-31',
      Description: `bench service ${s}`,
      Globals: { Function: { Runtime: r.pick(['nodejs20.x', 'nodejs22.x', 'nodejs24.x']), Architectures: ['arm64'], Tracing: r.chance(0.5) ? 'Active' : undefined, Environment: { Variables: { TABLE_NAME: tag('!Ref', 'Table') } } } },
      Resources: resources,
    }),
  );
}

function cfnTemplate(r, s, fns) {
  const resources = {
    Table: { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }] } },
    FunctionRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
        ManagedPolicyArns: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
        Policies: [{ PolicyName: 'table', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], Resource: r.chance(0.2) ? '*' : tag('!GetAtt', 'Table.Arn') }] } }],
      },
    },
  };
  for (const fn of fns) {
    const id = `${fn.Entity}${fn.index}Function`;
    resources[id] = {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Runtime: r.pick(['nodejs20.x', 'nodejs22.x', 'nodejs24.x']),
        Handler: handlerPath(fn),
        Code: '.',
        Role: tag('!GetAtt', 'FunctionRole.Arn'),
        Timeout: fn.timeout,
        MemorySize: fn.memory,
        TracingConfig: r.chance(0.5) ? { Mode: 'Active' } : undefined,
        Environment: { Variables: { TABLE_NAME: tag('!Ref', 'Table') } },
      },
    };
    resources[`${id}LogGroup`] = { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: tag('!Sub', `/aws/lambda/\${${id}}`), RetentionInDays: 30 } };
    if (fn.style === 'sqs-consumer') {
      const q = `${fn.Entity}Queue${fn.index}`;
      resources[q] = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 6 * (fn.timeout ?? 3), RedrivePolicy: { deadLetterTargetArn: tag('!GetAtt', `${q}Dlq.Arn`), maxReceiveCount: 5 } } };
      resources[`${q}Dlq`] = { Type: 'AWS::SQS::Queue' };
      resources[`${id}Mapping`] = { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: tag('!GetAtt', `${q}.Arn`), FunctionName: tag('!Ref', id), BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] } };
    } else if (fn.style === 'schedule' || fn.style === 'eventbridge') {
      resources[`${id}Rule`] = { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Arn: tag('!GetAtt', `${id}.Arn`), Id: 'target' }] } };
      resources[`${id}Permission`] = { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: tag('!Ref', id), Principal: 'events.amazonaws.com', SourceArn: tag('!GetAtt', `${id}Rule.Arn`) } };
    }
  }
  return toYaml(strip({ AWSTemplateFormatVersion: '2010-09-09', Description: `bench service ${s}`, Resources: resources }));
}

/** Drops undefined values (toYaml keeps keys of undefined otherwise). */
function strip(v) {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(strip);
  if (v !== null && typeof v === 'object' && !('__tag' in v)) {
    const out = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = strip(x);
    return out;
  }
  if (v !== null && typeof v === 'object') return tag(v.__tag, strip(v.value));
  return v;
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const args = { out: undefined, handlers: 1000, functions: undefined, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i];
    if (a === '--out') args.out = value();
    else if (a === '--handlers') args.handlers = Number(value());
    else if (a === '--functions') args.functions = Number(value());
    else if (a === '--seed') args.seed = Number(value());
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.out) throw new Error('usage: generate.mjs --out <dir> [--handlers 1000] [--functions handlers/5] [--seed 1]');
  args.functions ??= Math.max(1, Math.round(args.handlers / 5));
  return args;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = parseArgs(process.argv.slice(2));
  const files = writeMonorepo(args.out, args);
  const code = Object.keys(files).filter((f) => f.endsWith('.ts')).length;
  process.stdout.write(`${args.out}: ${code} handler files, ${args.functions} functions, ${Object.keys(files).length} files\n`);
}
