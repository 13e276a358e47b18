import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { allRules } from '@lambda-lint/rules';
import { discover, lint, lintFiles, memoryHost, type LintResult } from './index.js';

const PKG = '.serverless/cloudformation-template-update-stack.json';
const code = 'export const handler = async () => ({ statusCode: 200 });\n';

const yml = `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 512
  iam:
    role:
      statements:
        - Effect: Allow
          Action: 's3:*'
          Resource: arn:aws:s3:::brand-uploads/*
functions:
  ingest:
    handler: src/ingest.handler
    timeout: 900
  api:
    handler: src/api.handler
    events:
      - http: GET /brands
`;

const lambda = (name: string, timeout: number) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { S3Bucket: { Ref: 'ServerlessDeploymentBucket' }, S3Key: 'serverless/brand/dev/1/brand.zip' },
    Handler: `src/${name}.handler`,
    Runtime: 'nodejs22.x',
    FunctionName: `brand-dev-${name}`,
    MemorySize: 512,
    Timeout: timeout,
    Role: { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] },
  },
});

/** What `sls package` writes for the configuration above (abridged). */
function packageOutput(ingestTimeout = 900): string {
  return JSON.stringify(
    {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        ServerlessDeploymentBucket: { Type: 'AWS::S3::Bucket' },
        IamRoleLambdaExecution: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                PolicyName: 'brand-dev-lambda',
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:CreateLogGroup'], Resource: [{ 'Fn::Sub': 'arn:${AWS::Partition}:logs:*:*:log-group:/aws/lambda/brand-dev*:*' }] },
                    { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::brand-uploads/*' },
                  ],
                },
              },
            ],
          },
        },
        IngestLambdaFunction: lambda('ingest', ingestTimeout),
        ApiLambdaFunction: lambda('api', 6),
      },
    },
    null,
    2,
  );
}

type At = [file: string, ruleId: string, messageId: string, line: number, column: number, endLine: number, endColumn: number];
const at = (f: Finding): At => [f.loc.file.replace('/project/', ''), f.ruleId, f.messageId, f.loc.line, f.loc.column, f.loc.endLine, f.loc.endColumn];
const of = (r: LintResult, ...ruleIds: string[]) => r.findings.filter((f) => ruleIds.includes(f.ruleId)).map(at);
const RULES = ['explicit-timeout', 'iam-wildcard-action'];

/** Lints only the given paths of an in-memory project (the rest of it is on "disk"). */
function lintPaths(files: Record<string, string>, paths: string[]): LintResult {
  return lint({ host: memoryHost(files), paths: paths.map((p) => `/project/${p}`), root: '/project', rules: allRules, today: new Date('2026-06-01T00:00:00Z') });
}

describe('sls package output', () => {
  const expected: At[] = [
    ['serverless.yml', 'iam-wildcard-action', 'service', 10, 19, 10, 25],
    ['serverless.yml', 'explicit-timeout', 'maximum', 15, 14, 15, 17],
    ['serverless.yml', 'explicit-timeout', 'missing', 16, 3, 16, 6],
  ];

  it('with serverless.yml present: reported once, in serverless.yml, as without the package output', async () => {
    const alone = await lintFiles({ 'serverless.yml': yml, 'src/ingest.ts': code, 'src/api.ts': code });
    const both = await lintFiles({ 'serverless.yml': yml, [PKG]: packageOutput(), 'src/ingest.ts': code, 'src/api.ts': code });
    expect(of(both, ...RULES)).toEqual(expected);
    expect(both.findings.map(at)).toEqual(alone.findings.map(at));
    expect(both.findings.filter((f) => f.loc.file.includes('.serverless'))).toEqual([]);
    expect(both.fileCount).toBe(alone.fileCount + 1);
    expect(both.functionCount).toBe(2);
  });

  it('fills a deploy-time value from the package output, reported at the variable', async () => {
    const files = {
      'serverless.yml': yml.replace('timeout: 900', "timeout: ${ssm:/brand/ingest-timeout}"),
      [PKG]: packageOutput(900),
      'src/ingest.ts': code,
      'src/api.ts': code,
    };
    // Without the package output the value is unknown, and the rule stays silent on it.
    const { [PKG]: _omitted, ...withoutPackage } = files;
    expect(of(await lintFiles(withoutPackage), 'explicit-timeout')).toEqual([['serverless.yml', 'explicit-timeout', 'missing', 16, 3, 16, 6]]);
    const r = await lintFiles(files);
    expect(of(r, 'explicit-timeout')).toEqual([
      ['serverless.yml', 'explicit-timeout', 'maximum', 15, 14, 15, 42],
      ['serverless.yml', 'explicit-timeout', 'missing', 16, 3, 16, 6],
    ]);
  });

  it('linted on its own with serverless.yml beside it: mapped to serverless.yml lines', () => {
    const r = lintPaths({ 'serverless.yml': yml, [PKG]: packageOutput(), 'src/ingest.ts': code, 'src/api.ts': code }, [PKG]);
    expect(of(r, ...RULES)).toEqual(expected);
    const missing = r.findings.find((f) => f.ruleId === 'explicit-timeout' && f.messageId === 'missing')!;
    // The framework wrote its 6 s default into the JSON: the finding names it and the serverless.yml key.
    expect(missing).toMatchObject({ function: 'api', resource: 'ApiLambdaFunction' });
    expect(missing.message).toContain('default of 6 s');
    expect(missing.message).toContain('`timeout`');
    expect(r.findings.filter((f) => f.ruleId === 'unresolved-handler')).toEqual([]);
  });

  it('without serverless.yml: CloudFormation, findings in the JSON', async () => {
    const json = packageOutput();
    const lines = json.split('\n');
    const line = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
    const r = await lintFiles({ [PKG]: json, 'src/ingest.ts': code, 'src/api.ts': code });
    expect(of(r, ...RULES)).toEqual([
      [PKG, 'iam-wildcard-action', 'service', line('"Action": "s3:*"'), 29, line('"Action": "s3:*"'), 35],
      [PKG, 'explicit-timeout', 'maximum', line('"Timeout": 900'), 20, line('"Timeout": 900'), 23],
    ]);
    expect(r.findings.filter((f) => f.ruleId === 'unresolved-handler')).toEqual([]);
  });

  it('reads only that file of .serverless/, and reports it when it is not JSON', async () => {
    const host = memoryHost({
      'serverless.yml': yml,
      [PKG]: packageOutput(),
      '.serverless/cloudformation-template-create-stack.json': '{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"B":{"Type":"AWS::S3::Bucket"}}}',
      '.serverless/serverless-state.json': '{"service":{"provider":{"compiledCloudFormationTemplate":{"Resources":{"X":{"Type":"AWS::S3::Bucket"}}}}}}',
      '.serverless/nested/template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\n",
    });
    expect(discover(host, ['/project'])).toEqual([
      { path: `/project/${PKG}`, kind: 'serverless-package' },
      { path: '/project/serverless.yml', kind: 'serverless' },
    ]);
    expect(discover(host, ['/project/.serverless'])).toEqual([{ path: `/project/${PKG}`, kind: 'serverless-package' }]);
    const broken = await lintFiles({ [PKG]: '{\n  "Resources": {\n}\n' });
    expect(of(broken, 'parse-error')).toEqual([[PKG, 'parse-error', 'diagnostic', 4, 1, 4, 1]]);
  });

  it('lints the package output of a configuration computed by code, in the JSON', async () => {
    const r = await lintFiles({ 'serverless.js': 'module.exports = async () => require("./config");\n', [PKG]: packageOutput(), 'src/ingest.ts': code, 'src/api.ts': code });
    expect(of(r, 'unresolved-variable', 'explicit-timeout').map(([file, id, , line]) => [file, id, line])).toEqual([
      [PKG, 'explicit-timeout', packageOutput().split('\n').findIndex((l) => l.includes('"Timeout": 900')) + 1],
      ['serverless.js', 'unresolved-variable', 1],
    ]);
  });

  it('does not lint a package output whose serverless.yml cannot be read: the parse error comes first', async () => {
    const r = await lintFiles({ 'serverless.yml': 'service: brand\nfunctions: [\n', [PKG]: packageOutput() });
    expect(r.findings.map((f) => [f.loc.file.replace('/project/', ''), f.ruleId])).toEqual([['serverless.yml', 'parse-error']]);
  });
});

describe('serverless.ts and serverless.js', () => {
  const ts = `import type { AWS } from '@serverless/typescript';
import { shared } from './config/shared';

const provider = {
  name: 'aws',
  runtime: 'nodejs22.x',
  iam: { role: { statements: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] } },
} as const;

const serverlessConfiguration: AWS = {
  service: 'brand',
  provider,
  functions: {
    ingest: { handler: 'src/ingest.handler', timeout: 900 },
    api: { handler: 'src/api.handler', events: [{ http: { method: 'get', path: '/brands' } }] },
    jobs: { ...shared, handler: 'src/ingest.handler' },
  },
};

module.exports = serverlessConfiguration;
`;

  it('discovers serverless.ts and reports at positions in it, never guessing what a spread hides', async () => {
    const r = await lintFiles({ 'serverless.ts': ts, 'src/ingest.ts': code, 'src/api.ts': code });
    expect(of(r, ...RULES)).toEqual([
      ['serverless.ts', 'iam-wildcard-action', 'service', 7, 58, 7, 70],
      ['serverless.ts', 'explicit-timeout', 'maximum', 14, 55, 14, 58],
      ['serverless.ts', 'explicit-timeout', 'missing', 15, 5, 15, 8],
    ]);
    expect(r.functionCount).toBe(3);
    expect(r.findings.filter((f) => f.ruleId === 'unresolved-handler')).toEqual([]);
  });

  it('resolves serverless variables in its strings, reporting an unresolved one inside the quotes', async () => {
    const r = await lintFiles({
      'serverless.ts': "export default {\n  custom: { t: 900 },\n  functions: {\n    a: { handler: 'src/ingest.handler', timeout: '${self:custom.t}', memorySize: 'x${self:custom.nope}' },\n  },\n};\n",
      'src/ingest.ts': code,
    });
    expect(of(r, 'explicit-timeout', 'unresolved-variable')).toEqual([
      ['serverless.ts', 'explicit-timeout', 'maximum', 4, 50, 4, 68],
      ['serverless.ts', 'unresolved-variable', 'diagnostic', 4, 84, 4, 103],
    ]);
  });

  it('follows relative imports of plain values, with positions in the imported file', async () => {
    const r = await lintFiles({
      'serverless.ts': "import functions from './serverless/functions';\nimport { api } from './serverless/api.js';\nexport default {\n  service: 'brand',\n  provider: { name: 'aws', runtime: 'nodejs22.x' },\n  functions: { ...functions, api },\n};\n",
      'serverless/functions.ts': "const ingest = { handler: 'src/ingest.handler', timeout: 900 };\nexport default { ingest };\n",
      'serverless/api.ts': "export const api = { handler: 'src/api.handler', timeout: 10 };\n",
      'src/ingest.ts': code,
      'src/api.ts': code,
    });
    expect(r.functionCount).toBe(2);
    expect(of(r, 'explicit-timeout', 'unresolved-variable', 'unresolved-handler')).toEqual([['serverless/functions.ts', 'explicit-timeout', 'maximum', 1, 58, 1, 61]]);
  });

  it('says where an import it cannot follow or a call hides part of it, instead of linting nothing silently', async () => {
    const r = await lintFiles({
      'serverless.ts': "import functions from '@functions/index';\nexport default {\n  service: 'brand',\n  provider: { name: 'aws', runtime: 'nodejs22.x', stage: process.env.STAGE },\n  functions,\n};\n",
      'src/ingest.ts': code,
    });
    expect(r.functionCount).toBe(0);
    expect(of(r, 'unresolved-variable')).toEqual([['serverless.ts', 'unresolved-variable', 'diagnostic', 5, 3, 5, 12]]);
    expect(r.findings.find((f) => f.ruleId === 'unresolved-variable')!.message).toContain("`functions` is imported from '@functions/index'");
    // A relative module that is not there, and a call in a module that is.
    const missing = await lintFiles({ 'serverless.ts': ts, 'src/ingest.ts': code, 'src/api.ts': code });
    expect(of(missing, 'unresolved-variable')).toEqual([['serverless.ts', 'unresolved-variable', 'diagnostic', 16, 16, 16, 22]]);
    const call = await lintFiles({
      'serverless.ts': "import { fns } from './fns';\nexport default { service: 's', provider: { name: 'aws', runtime: 'nodejs22.x' }, functions: fns };\n",
      'fns.ts': "export const fns = { a: { handler: handlerPath(__dirname) + '/a.handler' } };\n",
    });
    expect(of(call, 'unresolved-variable')).toEqual([['fns.ts', 'unresolved-variable', 'diagnostic', 1, 36, 1, 73]]);
  });

  it('reads serverless.js (CommonJS) the same way', async () => {
    const js = "'use strict';\nmodule.exports = {\n  service: 'brand',\n  provider: { name: 'aws', runtime: 'nodejs22.x' },\n  functions: { ingest: { handler: 'src/ingest.handler', timeout: 900 } },\n};\n";
    const r = await lintFiles({ 'serverless.js': js, 'src/ingest.ts': code });
    expect(of(r, 'explicit-timeout')).toEqual([['serverless.js', 'explicit-timeout', 'maximum', 5, 66, 5, 69]]);
  });

  it('reports a syntax error at its position', async () => {
    const r = await lintFiles({ 'serverless.ts': "export default {\n  service: 'brand'\n  provider: {},\n};\n" });
    expect(of(r, 'parse-error')).toEqual([['serverless.ts', 'parse-error', 'diagnostic', 3, 3, 3, 11]]);
    expect(r.findings[0]!.message).toBe("TypeScript syntax error: ',' expected.");
  });

  it('uses the configuration the framework would: serverless.yml before serverless.ts', async () => {
    const r = await lintFiles({ 'serverless.yml': yml, 'serverless.ts': ts, 'src/ingest.ts': code, 'src/api.ts': code });
    expect(r.findings.filter((f) => f.loc.file.endsWith('serverless.ts'))).toEqual([]);
    expect(r.functionCount).toBe(2);
  });

  it('maps a package output to serverless.ts positions too', () => {
    const r = lintPaths({ 'serverless.ts': ts, [PKG]: packageOutput(), 'src/ingest.ts': code, 'src/api.ts': code }, [PKG]);
    expect(of(r, 'explicit-timeout')).toEqual([
      ['serverless.ts', 'explicit-timeout', 'maximum', 14, 55, 14, 58],
      ['serverless.ts', 'explicit-timeout', 'missing', 15, 5, 15, 8],
    ]);
  });
});

describe('serverless framework behaviour through the rules', () => {
  it('an `http` event with `async: true` needs a failure destination', async () => {
    const r = await lintFiles({
      'serverless.yml': 'service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  jobs:\n    handler: src/ingest.handler\n    timeout: 10\n    events:\n      - http:\n          path: /jobs\n          method: post\n          async: true\n',
      'src/ingest.ts': code,
    });
    expect(of(r, 'async-without-dlq')).toEqual([['serverless.yml', 'async-without-dlq', 'async', 6, 3, 6, 7]]);
    expect(r.findings.find((f) => f.ruleId === 'async-without-dlq')!.message).toContain('API Gateway (asynchronous integration)');
  });

  it('a provider statement shared by several roles is reported once', async () => {
    const r = await lintFiles({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  iamRoleStatements:
    - Effect: Allow
      Action: 's3:*'
      Resource: arn:aws:s3:::b/*
custom:
  serverless-iam-roles-per-function:
    defaultInherit: true
functions:
  a:
    handler: src/ingest.handler
    timeout: 10
    iamRoleStatements:
      - Effect: Allow
        Action: sqs:SendMessage
        Resource: arn:aws:sqs:eu-west-1:1:q
  b:
    handler: src/ingest.handler
    timeout: 10
    iamRoleStatements:
      - Effect: Allow
        Action: sns:Publish
        Resource: arn:aws:sns:eu-west-1:1:t
  c:
    handler: src/ingest.handler
    timeout: 10
`,
      'src/ingest.ts': code,
    });
    // Three roles hold the statement (a's, b's and the provider role of c).
    expect(r.model.roles.filter((role) => role.statements.some((s) => s.actions.some((x) => x.value === 's3:*')))).toHaveLength(3);
    expect(of(r, 'iam-wildcard-action')).toEqual([['serverless.yml', 'iam-wildcard-action', 'service', 7, 15, 7, 21]]);
  });
});
