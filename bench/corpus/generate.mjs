// Deterministic generator of a synthetic corpus of serverless projects, for the stress run
// (bench/corpus/run.mjs) and the robustness tests. Every project is a function of (seeds, seed):
// the same repository state and seed give the same corpus, byte for byte.
//
// Projects come from two sources, then get random mutations (bench/corpus/mutate.mjs):
// - the repository's own fixtures and examples (rules/**/fixtures, examples, packages/*/fixtures);
// - synthesized applications: serverless.yml, SAM, CloudFormation YAML/JSON and CDK-like synth
//   output (cdk.out/manifest.json + *.template.json with aws:cdk:path metadata), with handlers.
// Nothing here is copied from public projects; see README.md.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MUTATION_NAMES, mutate, rng } from './mutate.mjs';

// ---------------------------------------------------------------------------------------------
// Seeds: the repository's fixtures and examples

function walk(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === '__snapshots__') continue;
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else if (s.size <= 2 * 1024 * 1024) out.push(p);
  }
  return out;
}

function subdirs(dir) {
  try {
    return readdirSync(dir)
      .sort()
      .map((n) => join(dir, n))
      .filter((p) => statSync(p).isDirectory());
  } catch {
    return [];
  }
}

/**
 * The repository's sample projects: every `rules/<category>/<rule>/fixtures/{valid,invalid}/<case>`,
 * every `examples/<app>` and every `packages/<pkg>/fixtures/<case>`, as `{ name, files }` with
 * file contents keyed by relative path. Sorted, so the list is stable for a given checkout.
 */
export function loadSeeds(repoRoot) {
  const dirs = [];
  for (const category of subdirs(join(repoRoot, 'rules'))) {
    for (const rule of subdirs(category)) {
      for (const kind of ['valid', 'invalid']) dirs.push(...subdirs(join(rule, 'fixtures', kind)));
    }
  }
  dirs.push(...subdirs(join(repoRoot, 'examples')));
  for (const pkg of subdirs(join(repoRoot, 'packages'))) dirs.push(...subdirs(join(pkg, 'fixtures')));
  const seeds = [];
  for (const dir of dirs) {
    const files = {};
    for (const f of walk(dir)) {
      const rel = relative(dir, f).split('\\').join('/');
      if (/\.(md|snap|png|jpg|onnx|bin)$/i.test(rel)) continue;
      files[rel] = readFileSync(f, 'utf8');
    }
    if (Object.keys(files).length > 0) seeds.push({ name: relative(repoRoot, dir).split('\\').join('/'), files });
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------------
// A small YAML emitter (block style, CloudFormation short-form tags)

/** A short-form tag in emitted YAML: `tag('!Ref', 'X')` -> `!Ref X`. */
export function tag(name, value) {
  return { __tag: name, value };
}

function scalarText(v) {
  if (v === null) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  if (s === '' || /^[\s\-?:,[\]{}#&*!|>'"%@`]|[:#]\s|\s$|^(true|false|null|~|yes|no|on|off|-?\d[\d._e+-]*|0x[\da-f]+|\.inf|\.nan)$/i.test(s) || /[\n\r\t\0\\]/.test(s)) {
    return JSON.stringify(s);
  }
  return s;
}

function isTag(v) {
  return v !== null && typeof v === 'object' && '__tag' in v;
}

function inline(v) {
  if (isTag(v)) return `${v.__tag} ${isScalarish(v.value) ? scalarText(v.value) : flow(v.value)}`;
  if (Array.isArray(v) || (v !== null && typeof v === 'object')) return flow(v);
  return scalarText(v);
}

function isScalarish(v) {
  return v === null || typeof v !== 'object';
}

function flow(v) {
  if (isTag(v)) return inline(v);
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${scalarText(k)}: ${flow(x)}`).join(', ')}}`;
  return scalarText(v);
}

/** Block-style YAML for plain data with {@link tag} values. */
export function toYaml(value, indent = 0) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return `${pad}[]\n`;
    return value
      .map((item) => {
        if (!isTag(item) && item !== null && typeof item === 'object' && Object.keys(item).length > 0) {
          const body = toYaml(item, indent + 2);
          return `${pad}- ${body.slice(indent + 2)}`;
        }
        return `${pad}- ${inline(item)}\n`;
      })
      .join('');
  }
  if (value !== null && typeof value === 'object' && !isTag(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, v]) => {
        const key = scalarText(k);
        if (!isTag(v) && v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)) {
          return `${pad}${key}:\n${toYaml(v, Array.isArray(v) ? indent : indent + 2)}`;
        }
        return `${pad}${key}: ${inline(v)}\n`;
      })
      .join('');
  }
  return `${pad}${inline(value)}\n`;
}

/** Long-form intrinsics for JSON templates. */
function longForm(v) {
  if (isTag(v)) {
    const fn = v.__tag === '!Ref' ? 'Ref' : v.__tag === '!Condition' ? 'Condition' : `Fn::${v.__tag.slice(1)}`;
    const inner = longForm(v.value);
    return { [fn]: fn === 'Fn::GetAtt' && typeof inner === 'string' ? inner.split('.') : inner };
  }
  if (Array.isArray(v)) return v.map(longForm);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, longForm(x)]));
  return v;
}

// ---------------------------------------------------------------------------------------------
// Synthesized applications

const RUNTIMES = ['nodejs20.x', 'nodejs22.x', 'nodejs18.x', 'nodejs16.x', 'nodejs24.x', 'python3.12', 'provided.al2023'];
const MEMORY = [undefined, 128, 256, 512, 1024, 1769, 3008, 10240, 0, -1];
const TIMEOUTS = [undefined, 3, 6, 10, 29, 30, 60, 300, 900, 901];
const NAMES = ['ingest', 'api', 'brand-api', 'worker', 'notify', 'thumbnail', 'report', 'auth', 'ws-connect', 'cron', 'export', 'site'];
const ACTIONS = ['dynamodb:GetItem', 'dynamodb:*', 's3:GetObject', 's3:*Object*', 's3:GetObject*', 'sqs:SendMessage', 'sns:Publish', '*', 'iam:PassRole', 'logs:CreateLogGroup', 'xray:PutTraceSegments', 'ec2:CreateNetworkInterface'];
const RESOURCES = ['*', 'arn:aws:dynamodb:us-east-1:123456789012:table/Brands', 'arn:aws:s3:::bucket/*'];
const PATHS = ['/brands', '/brands/{id}', '/static/{proxy+}', '/assets/app.js', '/favicon.ico', '/login', '/public/logo.png', '/{proxy+}'];
const VARIABLES = ['${self:custom.tableName}', "${opt:stage, 'dev'}", "${env:TABLE, 'brands'}", '${ssm:/app/secret}', '${self:provider.stage}', '${sls:stage}', '${aws:region}', '${file(./config.yml):table}', '${self:custom.${opt:stage}}', '${cf:other.Output}', '${self:custom.missing}', '${file(../../outside.yml):x}'];

function maybe(r, p, v) {
  return r.chance(p) ? v : undefined;
}

function compact(o) {
  if (Array.isArray(o)) return o.filter((x) => x !== undefined).map(compact);
  if (o !== null && typeof o === 'object' && !isTag(o)) {
    const out = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = compact(v);
    return out;
  }
  if (isTag(o)) return tag(o.__tag, compact(o.value));
  return o;
}

function statement(r) {
  const s = {
    Effect: r.pick(['Allow', 'Allow', 'Deny']),
    [r.chance(0.9) ? 'Action' : 'NotAction']: r.chance(0.5) ? r.pick(ACTIONS) : [r.pick(ACTIONS), r.pick(ACTIONS)],
    Resource: r.chance(0.2) ? tag('!GetAtt', 'Brands.Arn') : r.pick(RESOURCES),
  };
  return s;
}

const HANDLER_IMPORTS = [
  "import { writeFileSync, readFileSync, createWriteStream, unlinkSync } from 'node:fs';",
  "import { join } from 'node:path';",
  "import { tmpdir } from 'node:os';",
  "import { randomUUID } from 'node:crypto';",
  "import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';",
  "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
  "import { helper } from './lib/helper';",
];
const MODULE_STATE = ['let count = 0;', 'const cache = new Map<string, unknown>();', 'const seen: string[] = [];', 'let client: DynamoDBClient | undefined;', 'const db = new DynamoDBClient({});', 'var last = null;'];
const BODY = [
  "writeFileSync('/tmp/output.json', JSON.stringify(event));",
  'writeFileSync(`/tmp/${context.awsRequestId}.json`, body);',
  "writeFileSync(join(tmpdir(), 'out.json'), body);",
  "const f = join('/tmp', randomUUID()); writeFileSync(f, body); unlinkSync(f);",
  'count++;',
  'cache.set(event.id, event);',
  'seen.push(event.id);',
  'client ??= new DynamoDBClient({});',
  'const c = new SQSClient({}); await c.send(new SendMessageCommand({ QueueUrl: process.env.Q, MessageBody: body }));',
  'await db.send(new ScanCommand({ TableName: process.env.TABLE }));',
  'console.log(`processing ${event.id}`);',
  "console.log({ msg: 'processing', id: event.id });",
  'last = event;',
  'helper(event);',
  "readFileSync('/tmp/config.json');",
  'const body = JSON.stringify(event);',
];

function handlerSource(r) {
  const lines = [];
  for (const imp of HANDLER_IMPORTS) if (r.chance(0.4)) lines.push(imp);
  for (const s of MODULE_STATE) if (r.chance(0.25)) lines.push(s);
  const body = ['  const body = JSON.stringify(event);'];
  for (let i = 0, n = r.int(5); i < n; i++) body.push(`  ${r.pick(BODY)}`);
  body.push("  return { statusCode: 200, body: 'ok' };");
  const form = r.int(6);
  if (form === 0) lines.push('export const handler = async (event: any, context: any) => {', ...body, '};');
  else if (form === 1) lines.push('export async function handler(event: any, context: any) {', ...body, '}');
  else if (form === 2) lines.push('const impl = async (event: any, context: any) => {', ...body, '};', 'export const handler = middy(impl).use(jsonBodyParser());');
  else if (form === 3) lines.push('async function impl(event: any, context: any) {', ...body, '}', 'export { impl as handler };');
  else if (form === 4) lines.push('module.exports.handler = async (event, context) => {', ...body, '};');
  else lines.push('export const other = () => 1;');
  return lines.join('\n') + '\n';
}

const HELPER = "import { writeFileSync } from 'node:fs';\nlet calls = 0;\nexport function helper(e: unknown) {\n  calls++;\n  writeFileSync('/tmp/helper.log', String(e));\n}\n";

function serverlessEvent(r) {
  switch (r.int(9)) {
    case 0:
      return { http: { path: r.pick(PATHS), method: r.pick(['get', 'post', 'any']) } };
    case 1:
      return { httpApi: r.chance(0.5) ? '*' : { path: r.pick(PATHS), method: 'GET' } };
    case 2:
      return { sqs: { arn: r.chance(0.5) ? tag('!GetAtt', 'Jobs.Arn') : 'arn:aws:sqs:us-east-1:123456789012:jobs', batchSize: 10, maximumConcurrency: maybe(r, 0.3, 5) } };
    case 3:
      return { s3: { bucket: 'uploads', event: 's3:ObjectCreated:*' } };
    case 4:
      return { sns: r.chance(0.5) ? 'topic' : { arn: tag('!Ref', 'BrandEvents') } };
    case 5:
      return { schedule: 'rate(5 minutes)' };
    case 6:
      return { websocket: { route: r.pick(['$connect', '$default', 'sendMessage']) } };
    case 7:
      return { stream: { type: 'dynamodb', arn: tag('!GetAtt', 'Brands.StreamArn'), destinations: maybe(r, 0.5, { onFailure: 'arn:aws:sqs:us-east-1:1:dlq' }) } };
    default:
      return { eventBridge: { pattern: { source: ['app'] } } };
  }
}

function cfnResources(r, prefix, opts) {
  const res = {};
  const fnCount = 1 + r.int(3);
  res.Jobs = { Type: 'AWS::SQS::Queue', Properties: compact({ VisibilityTimeout: r.pick([undefined, 5, 30, 60, 900]), RedrivePolicy: maybe(r, 0.5, { deadLetterTargetArn: tag('!GetAtt', 'JobsDlq.Arn'), maxReceiveCount: 3 }) }) };
  res.JobsDlq = { Type: 'AWS::SQS::Queue' };
  res.Brands = { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] } };
  res.Role = {
    Type: 'AWS::IAM::Role',
    Properties: compact({
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      ManagedPolicyArns: maybe(r, 0.3, [r.pick(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonS3FullAccess'])]),
      Policies: [{ PolicyName: 'p', PolicyDocument: { Version: '2012-10-17', Statement: [statement(r), statement(r)] } }],
    }),
  };
  for (let i = 0; i < fnCount; i++) {
    const name = `${prefix}${r.pick(['Ingest', 'Api', 'Worker', 'Notify'])}${i}`;
    const handlerFile = `src/h${i}`;
    opts.handlers.push(handlerFile);
    res[name] = {
      Type: 'AWS::Lambda::Function',
      Metadata: opts.cdk ? { 'aws:cdk:path': `Stack/${name}/Resource`, 'aws:asset:path': `asset.${i}` } : undefined,
      Properties: compact({
        Runtime: r.pick(RUNTIMES),
        Handler: opts.cdk ? 'index.handler' : `${handlerFile.slice(4)}.handler`,
        Code: opts.cdk ? { S3Bucket: { 'Fn::Sub': 'cdk-${AWS::AccountId}' }, S3Key: 'x.zip' } : r.chance(0.5) ? { ZipFile: 'exports.handler = async () => 1;' } : { S3Bucket: 'b', S3Key: 'k' },
        MemorySize: r.pick(MEMORY),
        Timeout: r.pick(TIMEOUTS),
        Role: tag('!GetAtt', 'Role.Arn'),
        TracingConfig: maybe(r, 0.5, { Mode: r.pick(['Active', 'PassThrough']) }),
        DeadLetterConfig: maybe(r, 0.3, { TargetArn: tag('!GetAtt', 'JobsDlq.Arn') }),
        Environment: maybe(r, 0.6, { Variables: { TABLE_NAME: tag('!Ref', 'Brands'), DB_PASSWORD: r.pick(['hunter2', '{{resolve:ssm-secure:/db}}', tag('!Ref', 'Secret')]), API_KEY_ARN: 'arn:x' } }),
        LoggingConfig: maybe(r, 0.3, { LogFormat: 'JSON' }),
        VpcConfig: maybe(r, 0.2, { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] }),
      }),
    };
    if (r.chance(0.5)) res[`${name}Mapping`] = { Type: 'AWS::Lambda::EventSourceMapping', Properties: { EventSourceArn: tag('!GetAtt', 'Jobs.Arn'), FunctionName: tag('!Ref', name) } };
    if (r.chance(0.4)) res[`${name}Permission`] = { Type: 'AWS::Lambda::Permission', Properties: { Action: 'lambda:InvokeFunction', FunctionName: tag('!GetAtt', `${name}.Arn`), Principal: r.pick(['s3.amazonaws.com', 'sns.amazonaws.com', 'events.amazonaws.com', 'apigateway.amazonaws.com']) } };
    if (r.chance(0.3)) res[`${name}Rule`] = { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [{ Arn: tag('!GetAtt', `${name}.Arn`), Id: 't' }] } };
    if (r.chance(0.2)) res[`${name}Url`] = { Type: 'AWS::Lambda::Url', Properties: { AuthType: r.pick(['NONE', 'AWS_IAM']), TargetFunctionArn: tag('!GetAtt', `${name}.Arn`) } };
    if (r.chance(0.2)) res[`${name}Alarm`] = { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: r.pick(['Errors', 'Throttles', 'Duration']), Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: tag('!Ref', name) }] } };
  }
  if (r.chance(0.3)) {
    res.Machine = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { DefinitionString: tag('!Sub', JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, Retry: r.chance(0.5) ? [{ ErrorEquals: ['States.ALL'] }] : undefined } } })) },
    };
  }
  if (r.chance(0.2)) {
    res.Cdn = {
      Type: 'AWS::CloudFront::Distribution',
      Properties: { DistributionConfig: { Enabled: true, Origins: [{ Id: 'api', DomainName: tag('!Sub', '${Api}.execute-api.${AWS::Region}.amazonaws.com'), CustomOriginConfig: { OriginProtocolPolicy: 'https-only' } }], DefaultCacheBehavior: { TargetOriginId: 'api', ViewerProtocolPolicy: 'redirect-to-https' } } },
    };
  }
  return res;
}

function samTemplate(r, opts) {
  const resources = {};
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const name = `${r.pick(['Ingest', 'Api', 'Worker', 'Notify'])}Function${i}`;
    const file = `src/s${i}`;
    opts.handlers.push(file);
    const events = {};
    for (let k = 0, m = r.int(3); k < m; k++) {
      const kind = r.pick(['Api', 'HttpApi', 'SQS', 'S3', 'SNS', 'Schedule', 'EventBridgeRule']);
      events[`E${k}`] = {
        Type: kind,
        Properties: kind === 'Api' || kind === 'HttpApi' ? { Path: r.pick(PATHS), Method: 'get' } : kind === 'SQS' ? { Queue: tag('!GetAtt', 'Jobs.Arn') } : kind === 'S3' ? { Bucket: tag('!Ref', 'Uploads'), Events: 's3:ObjectCreated:*' } : kind === 'SNS' ? { Topic: tag('!Ref', 'Topic') } : kind === 'Schedule' ? { Schedule: 'rate(1 day)' } : { Pattern: { source: ['x'] } },
      };
    }
    resources[name] = {
      Type: 'AWS::Serverless::Function',
      Properties: compact({
        CodeUri: r.chance(0.7) ? 'src/' : undefined,
        Handler: r.chance(0.7) ? `s${i}.handler` : `src/s${i}.handler`,
        Runtime: maybe(r, 0.5, r.pick(RUNTIMES)),
        MemorySize: r.pick(MEMORY),
        Timeout: r.pick(TIMEOUTS),
        Events: Object.keys(events).length ? events : undefined,
        Policies: maybe(r, 0.6, r.pick([['AmazonDynamoDBFullAccess'], [{ DynamoDBCrudPolicy: { TableName: tag('!Ref', 'Brands') } }], [{ Statement: [statement(r)] }], 'AdministratorAccess'])),
        DeadLetterQueue: maybe(r, 0.3, { Type: 'SQS', TargetArn: tag('!GetAtt', 'Jobs.Arn') }),
        AutoPublishAlias: maybe(r, 0.3, 'live'),
        DeploymentPreference: maybe(r, 0.2, { Type: 'Canary10Percent5Minutes' }),
        Tracing: maybe(r, 0.4, 'Active'),
      }),
      Metadata: maybe(r, 0.2, { BuildMethod: 'esbuild', BuildProperties: { EntryPoints: [`s${i}.ts`] } }),
    };
  }
  resources.Jobs = { Type: 'AWS::SQS::Queue', Properties: compact({ VisibilityTimeout: r.pick([undefined, 30, 900]) }) };
  resources.Uploads = { Type: 'AWS::S3::Bucket' };
  resources.Topic = { Type: 'AWS::SNS::Topic' };
  resources.Brands = { Type: 'AWS::Serverless::SimpleTable' };
  return compact({
    AWSTemplateFormatVersion: maybe(r, 0.7, '2010-09-09'),
    Transform: 'AWS::Serverless-2016-10-31',
    Globals: maybe(r, 0.6, { Function: compact({ Runtime: r.pick(RUNTIMES), Timeout: r.pick(TIMEOUTS), MemorySize: r.pick(MEMORY), Tracing: maybe(r, 0.5, 'Active'), Environment: maybe(r, 0.3, { Variables: { STAGE: 'prod' } }) }) }),
    Parameters: maybe(r, 0.4, { Stage: { Type: 'String', Default: maybe(r, 0.5, 'prod') } }),
    Resources: resources,
  });
}

function serverlessConfig(r, opts) {
  const functions = {};
  for (let i = 0, n = 1 + r.int(4); i < n; i++) {
    const name = `${r.pick(NAMES)}${i}`;
    const file = `src/${name}`;
    opts.handlers.push(file);
    const events = [];
    for (let k = 0, m = r.int(3); k < m; k++) events.push(serverlessEvent(r));
    functions[name] = compact({
      handler: r.chance(0.9) ? `${file}.handler` : r.pick(VARIABLES),
      memorySize: r.pick(MEMORY),
      timeout: r.pick(TIMEOUTS),
      events: events.length ? events : undefined,
      environment: maybe(r, 0.4, { TABLE: r.pick(VARIABLES), SECRET_TOKEN: r.pick(['ghp_abcdefghijklmnopqrstuvwxyz0123456789', '${ssm:/token}', 'x']) }),
      destinations: maybe(r, 0.2, { onFailure: 'arn:aws:sqs:us-east-1:1:dlq' }),
      onError: maybe(r, 0.1, 'arn:aws:sns:us-east-1:1:errors'),
      url: maybe(r, 0.1, true),
      iamRoleStatements: maybe(r, 0.2, [statement(r)]),
      vpc: maybe(r, 0.1, { securityGroupIds: ['sg-1'], subnetIds: ['subnet-1'] }),
    });
  }
  return compact({
    service: r.pick(['brand-platform', 'svc', '${self:custom.name}']),
    frameworkVersion: maybe(r, 0.5, r.pick(['3', '4'])),
    plugins: maybe(r, 0.3, ['serverless-iam-roles-per-function', 'serverless-step-functions']),
    custom: { tableName: 'brands', name: 'svc', dev: { x: 1 }, prod: { x: 2 }, ...(r.chance(0.2) ? { loop: '${self:custom.loop2}', loop2: '${self:custom.loop}' } : {}) },
    provider: compact({
      name: 'aws',
      runtime: r.pick(RUNTIMES),
      stage: maybe(r, 0.5, "${opt:stage, 'dev'}"),
      region: maybe(r, 0.5, 'eu-west-1'),
      memorySize: r.pick(MEMORY),
      timeout: r.pick(TIMEOUTS),
      logRetentionInDays: maybe(r, 0.5, 30),
      tracing: maybe(r, 0.4, { lambda: true, apiGateway: r.chance(0.5) }),
      logs: maybe(r, 0.3, { lambda: { logFormat: 'JSON' } }),
      environment: maybe(r, 0.5, { TABLE_NAME: r.pick(VARIABLES) }),
      iam: maybe(r, 0.6, { role: { statements: [statement(r), statement(r)] } }),
      iamRoleStatements: maybe(r, 0.2, [statement(r)]),
    }),
    functions,
    stepFunctions: maybe(r, 0.2, { stateMachines: { flow: { definition: { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } } } } }),
    resources: maybe(r, 0.6, { Resources: cfnResources(r, 'Extra', { handlers: [] }) }),
  });
}

function cdkOutput(r, opts) {
  const template = { Resources: cfnResources(r, 'Fn', { ...opts, cdk: true }), Metadata: undefined };
  const files = {
    'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Stack: { type: 'aws:cloudformation:stack', environment: 'aws://unknown-account/unknown-region', properties: { templateFile: 'Stack.template.json' } } } }, null, 1),
    'cdk.out/Stack.template.json': JSON.stringify(longForm(compact(template)), null, 1),
  };
  for (const [i] of opts.handlers.entries()) files[`cdk.out/asset.${i}/index.js`] = 'exports.handler = async () => ({ statusCode: 200 });\n';
  opts.handlers.length = 0;
  return files;
}

/** A synthesized application of one of the supported kinds, with its handler sources. */
export function synthesizeProject(r) {
  const opts = { handlers: [] };
  const files = {};
  const kind = r.pick(['serverless', 'serverless', 'serverless-ts', 'sam', 'cloudformation-yaml', 'cloudformation-json', 'cdk']);
  if (kind === 'serverless' || kind === 'serverless-ts') {
    const config = serverlessConfig(r, opts);
    if (kind === 'serverless') files['serverless.yml'] = toYaml(config);
    // serverless.ts: the same configuration as an exported object literal (read statically, never run).
    else files['serverless.ts'] = `import type { AWS } from '@serverless/typescript';\n\nconst config: AWS = ${JSON.stringify(longForm(config), null, 2)};\n\n${r.chance(0.5) ? 'export default config;' : 'module.exports = config;'}\n`;
    if (r.chance(0.3)) files['config.yml'] = 'table: brands\nstage: ${opt:stage}\n';
    // `sls package` output next to the configuration.
    if (r.chance(0.25)) files['.serverless/cloudformation-template-update-stack.json'] = JSON.stringify(longForm({ AWSTemplateFormatVersion: '2010-09-09', Resources: cfnResources(r, 'Pkg', { handlers: [] }) }), null, 2);
  } else if (kind === 'sam') {
    files['template.yaml'] = toYaml(samTemplate(r, opts));
  } else if (kind === 'cloudformation-yaml') {
    files[r.pick(['template.yaml', 'infra/stack.yaml', 'cfn/app.yml'])] = toYaml({ AWSTemplateFormatVersion: '2010-09-09', Resources: cfnResources(r, 'Fn', opts) });
  } else if (kind === 'cloudformation-json') {
    files[r.pick(['template.json', 'app.template.json', 'infra/stack.json'])] = JSON.stringify(longForm({ AWSTemplateFormatVersion: '2010-09-09', Resources: cfnResources(r, 'Fn', opts) }), null, r.pick([2, 4]));
  } else {
    Object.assign(files, cdkOutput(r, opts));
  }
  for (const h of opts.handlers) {
    if (r.chance(0.05)) continue; // a missing handler file
    const ext = r.pick(['.ts', '.ts', '.ts', '.js', '.mjs']);
    const source = handlerSource(r);
    // JavaScript handlers: the same code without type annotations.
    files[`${h}${ext}`] = ext === '.ts' ? source : source.replace(/: any|: unknown|: string\[\]|: DynamoDBClient \| undefined|<string, unknown>/g, '');
  }
  if (Object.values(files).some((t) => typeof t === 'string' && t.includes("'./lib/helper'"))) files['src/lib/helper.ts'] = HELPER;
  return { kind, files };
}

// ---------------------------------------------------------------------------------------------
// Projects: a seed or a synthesized app, then mutations

const MUTABLE = /\.(ya?ml|json|template|[cm]?[jt]s)$/;

/**
 * Mutates some files of a project in place: 0-3 text mutations, sometimes a file-level change
 * (a file deleted, a configuration's content under another format's name, random bytes).
 * Returns what was done, for reproduction.
 */
export function mutateProject(files, r, { scale = 1, maxMutations = 3 } = {}) {
  const applied = [];
  const names = Object.keys(files).filter((n) => MUTABLE.test(n));
  if (names.length === 0) return applied;
  const n = r.int(maxMutations + 1);
  for (let i = 0; i < n; i++) {
    const file = r.pick(names);
    const name = r.pick(MUTATION_NAMES);
    const seed = r.int(2 ** 31);
    files[file] = mutate(files[file], name, seed, scale);
    applied.push({ file, mutation: name, seed });
  }
  if (r.chance(0.1)) {
    const op = r.int(4);
    const file = r.pick(names);
    if (op === 0) {
      delete files[file];
      applied.push({ file, op: 'delete' });
    } else if (op === 1) {
      const to = r.pick(['template.json', 'template.yaml', 'serverless.yml', 'x.template.json']);
      files[to] = files[file];
      applied.push({ file, op: `copy to ${to}` });
    } else if (op === 2) {
      const bytes = new Uint8Array(1 + r.int(512));
      for (let i = 0; i < bytes.length; i++) bytes[i] = r.int(256);
      files[file] = bytes;
      applied.push({ file, op: 'random bytes' });
    } else {
      const to = `nested/${r.pick(['serverless.yml', 'template.yaml'])}`;
      files[to] = r.chance(0.5) ? '' : '\uFEFF' + String(files[file]).replace(/\n/g, '\r\n');
      applied.push({ file, op: `copy to ${to} (BOM, CRLF) or empty` });
    }
  }
  return applied;
}

/**
 * Project number `index` of the corpus with base seed `seed`: half from the repository's seeds,
 * half synthesized, most of them mutated. Deterministic in (seeds, seed, index).
 */
export function generateProject(seeds, seed, index, { scale = 1 } = {}) {
  const r = rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  let name;
  let files;
  if (seeds.length > 0 && r.chance(0.5)) {
    const s = r.pick(seeds);
    name = s.name;
    files = { ...s.files };
  } else {
    const app = synthesizeProject(r);
    name = `synthesized-${app.kind}`;
    files = app.files;
  }
  const mutations = r.chance(0.8) ? mutateProject(files, r, { scale }) : [];
  return { id: index, name, files, mutations };
}

/** `count` projects of the corpus with base seed `seed`. */
export function* generateCorpus(seeds, { count = 1000, seed = 1, scale = 1 } = {}) {
  for (let i = 0; i < count; i++) yield generateProject(seeds, seed, i, { scale });
}
