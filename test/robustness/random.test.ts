// Property-based tests over the whole linter with fully random documents: random text and bytes,
// token soups, and random CloudFormation / SAM / Serverless structures whose keys are the ones the
// readers look for (so that every reader meets every type where it expects another).
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { tag, toYaml, generateProject } from '../../bench/corpus/generate.mjs';
import { TOKENS, TS_STATEMENTS, VALUES } from '../../bench/corpus/mutate.mjs';
import { budget, describeFiles, lintAndCheck, SCALE, seeds, under, type Files } from './support.js';

async function check(files: Files): Promise<void> {
  try {
    await lintAndCheck(under('app', files));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- project:\n${describeFiles(files)}`);
  }
}

const HANDLER = 'export const handler = async (event: { body: string }) => ({ statusCode: 200, body: event.body });\n';
const SERVERLESS = 'service: s\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  api:\n    handler: src/h.handler\n    events:\n      - http: GET /\n';
const SAM = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: h.handler\n      Runtime: nodejs20.x\n";

/** Where a random document goes: each name is read as a different format. */
const CONFIG_NAMES = [
  'serverless.yml', 'serverless.ts', 'template.yaml', 'template.json', 'stack.template.json', 'infra/app.yaml', 'infra/app.json',
  '.serverless/cloudformation-template-update-stack.json', 'cdk.out/manifest.json', 'cdk.out/Stack.template.json',
];

// -------------------------------------------------------------------------------------------
// Random structures with the readers' vocabulary

const KEYS = [
  'Type', 'Properties', 'Resources', 'Metadata', 'Condition', 'DependsOn', 'FunctionName', 'Handler', 'Runtime', 'CodeUri', 'Code', 'ZipFile',
  'MemorySize', 'Timeout', 'Role', 'Policies', 'PolicyDocument', 'PolicyName', 'Statement', 'Effect', 'Action', 'NotAction', 'Resource',
  'ManagedPolicyArns', 'Roles', 'Environment', 'Variables', 'VpcConfig', 'SubnetIds', 'DeadLetterConfig', 'DeadLetterQueue', 'TargetArn',
  'TracingConfig', 'Tracing', 'Mode', 'LoggingConfig', 'LogFormat', 'LogGroup', 'LogGroupName', 'RetentionInDays', 'Events', 'Path', 'Method',
  'Queue', 'Topic', 'Bucket', 'Schedule', 'Pattern', 'EventSourceArn', 'DestinationConfig', 'OnFailure', 'Destination', 'Targets', 'Arn', 'Id',
  'VisibilityTimeout', 'RedrivePolicy', 'deadLetterTargetArn', 'ScalingConfig', 'MaximumConcurrency', 'EventInvokeConfig', 'AutoPublishAlias',
  'DeploymentPreference', 'Alarms', 'Hooks', 'Globals', 'Function', 'Api', 'HttpApi', 'Auth', 'Definition', 'DefinitionString', 'DefinitionUri',
  'DefinitionSubstitutions', 'States', 'StartAt', 'Retry', 'Catch', 'Branches', 'Iterator', 'ItemProcessor', 'DistributionConfig', 'Origins',
  'DomainName', 'DefaultCacheBehavior', 'CacheBehaviors', 'PathPattern', 'TargetOriginId', 'StageName', 'MethodSettings', 'AccessLogSetting',
  'AccessLogSettings', 'Format', 'DestinationArn', 'TracingEnabled', 'DefaultRouteSettings', 'ThrottlingBurstLimit', 'AuthType', 'TargetFunctionArn',
  'Principal', 'SourceArn', 'MetricName', 'Namespace', 'Dimensions', 'Name', 'Value', 'ExtendedStatistic', 'Statistic', 'Integration', 'IntegrationUri',
  'RouteKey', 'Target', 'RestApiId', 'ResourceId', 'HttpMethod', 'ReservedConcurrentExecutions', 'BuildProperties', 'EntryPoints', 'Default',
  'aws:cdk:path', 'aws:asset:path', 'lambda-lint', 'ignore', 'reason',
  'service', 'provider', 'functions', 'handler', 'events', 'http', 'httpApi', 'websocket', 'sqs', 'sns', 's3', 'stream', 'schedule', 'eventBridge',
  'cloudwatchLog', 'alb', 'arn', 'path', 'method', 'route', 'batchSize', 'maximumConcurrency', 'bucket', 'event', 'type', 'destinations', 'onFailure',
  'onError', 'url', 'authorizer', 'iam', 'role', 'statements', 'managedPolicies', 'iamRoleStatements', 'iamManagedPolicies', 'environment', 'vpc',
  'memorySize', 'timeout', 'runtime', 'stage', 'region', 'tracing', 'lambda', 'apiGateway', 'logs', 'restApi', 'logFormat', 'logRetentionInDays',
  'custom', 'resources', 'Outputs', 'stepFunctions', 'stateMachines', 'definition', 'alerts', 'plugins', 'package', 'params', 'stages', 'layers',
  'reservedConcurrency', 'image', 'name', 'deploymentSettings', 'alias', 'Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::If', 'Fn::Join', '<<', '',
];

const TYPES = [
  'AWS::Lambda::Function', 'AWS::Serverless::Function', 'AWS::Serverless::Api', 'AWS::Serverless::HttpApi', 'AWS::Serverless::StateMachine',
  'AWS::Serverless::SimpleTable', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::SNS::Subscription', 'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Permission', 'AWS::Lambda::EventInvokeConfig', 'AWS::Lambda::Alias', 'AWS::Lambda::Version', 'AWS::Lambda::Url', 'AWS::IAM::Role',
  'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::RolePolicy', 'AWS::S3::Bucket', 'AWS::Events::Rule', 'AWS::ApiGateway::RestApi',
  'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Resource', 'AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage',
  'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route', 'AWS::CloudFront::Distribution', 'AWS::CloudWatch::Alarm', 'AWS::Logs::LogGroup',
  'AWS::StepFunctions::StateMachine', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::AppSync::GraphQLApi', 'AWS::CloudFormation::Stack',
  'AWS::DynamoDB::Table', 'Custom::Thing', 'AWS::Nope::Nope', 'AWS::Lambda', '',
];

const IDS = ['Fn', 'Api', 'Queue', 'Dlq', 'Role', 'Topic', 'Bucket', 'Table', 'Machine', 'Stage', 'Alarm', 'api', 'brand-api'];
const INTRINSICS = ['Ref', 'Fn::GetAtt', 'Fn::Sub', 'Fn::If', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::ImportValue', 'Fn::FindInMap', 'Fn::Base64', 'Condition', 'Fn::Equals', 'Fn::Not'];

const scalar = fc.oneof(
  fc.constantFrom(...VALUES.filter((v) => !v.includes('\n'))),
  fc.constantFrom(...IDS, ...TYPES, 'src/h.handler', 'h.handler', 'src/', '*', 's3:*', 'Allow', 'Deny', 'NONE', 'JSON', 'Active', 'SQS', 'Api', 'Task'),
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -5, max: 100_000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const { value } = fc.letrec<{ value: unknown; list: unknown[]; map: Record<string, unknown>; intrinsic: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('list'), tie('map'), tie('intrinsic')),
  list: fc.array(tie('value'), { maxLength: 3 }),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
  intrinsic: fc
    .tuple(fc.constantFrom(...INTRINSICS), fc.oneof(fc.constantFrom(...IDS, 'Fn.Arn', '${Fn.Arn}'), tie('list'), tie('value')), fc.boolean())
    .map(([fn, arg, short]) => (short ? tag(fn === 'Ref' || fn === 'Condition' ? `!${fn}` : `!${fn.slice(4)}`, arg) : { [fn]: arg })),
}));

const resource = fc.record(
  { Type: fc.oneof(fc.constantFrom(...TYPES), value), Properties: fc.oneof(value, fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 })), Metadata: value, Condition: value, DependsOn: value },
  { requiredKeys: ['Type'] },
);

const template = fc.record(
  {
    AWSTemplateFormatVersion: fc.constantFrom('2010-09-09', 2010, null),
    Transform: fc.oneof(fc.constantFrom('AWS::Serverless-2016-10-31', ['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions']), value),
    Globals: fc.oneof(fc.record({ Function: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }) }), value),
    Parameters: fc.oneof(fc.dictionary(fc.constantFrom(...IDS), fc.record({ Type: fc.constant('String'), Default: value })), value),
    Conditions: value,
    Resources: fc.oneof({ weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...IDS), resource, { minKeys: 1, maxKeys: 6 }) }, { weight: 1, arbitrary: value }),
  },
  { requiredKeys: ['Resources'] },
);

const fnConfig = fc.oneof(
  fc.record(
    {
      handler: fc.oneof(fc.constantFrom('src/h.handler', 'src/missing.handler', '../outside.handler', 'h', '.handler'), value),
      events: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('http', 'httpApi', 'websocket', 'sqs', 'sns', 's3', 'stream', 'schedule', 'eventBridge', 'alb', 'cloudwatchLog'), value, { minKeys: 1, maxKeys: 1 }), { maxLength: 4 }), value),
      memorySize: value,
      timeout: value,
      environment: value,
      destinations: value,
      url: value,
      iamRoleStatements: value,
      vpc: value,
      reservedConcurrency: value,
    },
    { requiredKeys: ['handler'] },
  ),
  value,
);

const serverless = fc.record(
  {
    service: value,
    frameworkVersion: value,
    provider: fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 8 }), value),
    functions: fc.oneof({ weight: 5, arbitrary: fc.dictionary(fc.constantFrom(...IDS), fnConfig, { minKeys: 1, maxKeys: 4 }) }, { weight: 1, arbitrary: value }),
    custom: value,
    resources: fc.oneof(fc.record({ Resources: fc.dictionary(fc.constantFrom(...IDS), resource, { maxKeys: 4 }) }), value),
    stepFunctions: value,
    plugins: value,
    params: value,
  },
  { requiredKeys: ['functions'] },
);

/** Random text of every kind: any code unit (lone surrogates included), graphemes, ASCII. */
const anyText = fc.constantFrom('binary', 'grapheme', 'grapheme-ascii', 'binary-ascii' as const).chain((unit) => fc.string({ unit, maxLength: 400 }));

/** JSON of a structure with short-form tags spelled long-form. */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (x !== null && typeof x === 'object' && '__tag' in (x as object)) {
      const t = x as { __tag: string; value: unknown };
      const fn = t.__tag === '!Ref' || t.__tag === '!Condition' ? t.__tag.slice(1) : `Fn::${t.__tag.slice(1)}`;
      return { [fn]: t.value };
    }
    return typeof x === 'number' && !Number.isFinite(x) ? String(x) : x;
  });
}

describe('robustness: random documents, whole linter', () => {
  it('random text under every configuration name and as handler code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_NAMES, 'src/h.ts'), anyText, async (name, text) => {
        await check({ 'serverless.yml': SERVERLESS, 'src/h.ts': HANDLER, [name]: text });
      }),
      budget(40),
    );
  });

  it('random bytes under every configuration name and as handler code', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_NAMES, 'src/h.ts', 'src/h.js'), fc.uint8Array({ maxLength: 600 }), async (name, bytes) => {
        await check({ 'template.yaml': SAM, 'src/h.ts': HANDLER, [name]: bytes });
      }),
      budget(30),
    );
  });

  it('token soups: YAML-, JSON- and TypeScript-like noise', async () => {
    const words = [...TOKENS, ...KEYS.map((k) => `${k}: `), ...VALUES, '\n', '\n  ', '\n    - ', ' ', ', ', '"', ...TS_STATEMENTS];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONFIG_NAMES, 'src/h.ts'), fc.array(fc.constantFrom(...words), { maxLength: 60 }), async (name, parts) => {
        await check({ 'serverless.yml': SERVERLESS, 'src/h.ts': HANDLER, [name]: parts.join('') });
      }),
      budget(40),
    );
  });

  it('random CloudFormation and SAM templates (YAML with short-form tags, and JSON)', async () => {
    await fc.assert(
      fc.asyncProperty(template, fc.constantFrom('template.yaml', 'template.json', 'infra/app.yaml', 'x.template.json'), async (t, name) => {
        await check({ [name]: name.endsWith('.json') ? toJson(t) : toYaml(t), 'src/h.ts': HANDLER, 'h.ts': HANDLER });
      }),
      budget(60),
    );
  });

  it('random serverless.yml structures', async () => {
    await fc.assert(
      fc.asyncProperty(serverless, fc.boolean(), async (config, asJson) => {
        await check({ 'serverless.yml': asJson ? toJson(config) : toYaml(config), 'src/h.ts': HANDLER, 'config.yml': 'a: 1\n' });
      }),
      budget(60),
    );
  });

  it('projects of the corpus generator (synthesized and mutated), random seeds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(1000), async (seed, index) => {
        await check(generateProject(seeds, seed, index, { scale: SCALE }).files);
      }),
      budget(40),
    );
  });
});
