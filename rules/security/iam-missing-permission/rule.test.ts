import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'iam-missing-permission';
const own = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID);
const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** A serverless app whose provider statements start at line 8 and whose handler is src/api.ts. */
function serverless(statements: string[], fnExtra: string[] = ['    environment:', '      TABLE: brands'], providerExtra: string[] = []): string {
  return lines(
    'service: brand', // 1
    'provider:', // 2
    '  name: aws', // 3
    '  runtime: nodejs22.x', // 4
    '  iam:', // 5
    '    role:', // 6
    '      statements:', // 7
    ...statements,
    ...providerExtra,
    'functions:',
    '  api:',
    '    handler: src/api.handler',
    ...fnExtra,
  );
}

const DYNAMO = lines(
  "import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';", // 1
  'const db = new DynamoDBClient({});', // 2
  'export const handler = async (id: string) => {', // 3
  '  await db.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } }));', // 4
  '  await db.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: id } } }));', // 5
  '};',
);
const PUT_CALL = at(ID, 'missing', 5, 9, 5, 95);

const grant = (actions: string, resource = 'arn:aws:dynamodb:eu-west-1:123456789012:table/brands', effect = 'Allow') => [
  `        - Effect: ${effect}`,
  `          Action: ${actions}`,
  `          Resource: ${resource}`,
];

async function found(statements: string[], code = DYNAMO, fnExtra?: string[], providerExtra?: string[]) {
  return lintFiles({ 'serverless.yml': serverless(statements, fnExtra, providerExtra), 'src/api.ts': code });
}

describe(ID, () => {
  it('reports a call the role does not grant at the call, with the role statement as related location', async () => {
    const r = await found(grant('dynamodb:GetItem'));
    expect(positions(r, ID)).toEqual([PUT_CALL]);
    const f = own(r)[0]!;
    expect(f).toMatchObject({ severity: 'error', function: 'api' });
    expect(f.loc.file).toMatch(/src\/api\.ts$/);
    expect(f.message).toBe(
      "api: PutItemCommand needs dynamodb:PutItem on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/brands, which role IamRoleLambdaExecution does not grant: the call fails with AccessDenied in production. Add dynamodb:PutItem on that resource to the function's role (`lambda-lint iam` prints the policy the code needs).",
    );
    expect(f.related?.map((x) => [x.loc.file.replace(/.*\//, ''), x.loc.line, x.loc.column, x.message])).toEqual([
      ['serverless.yml', 8, 11, 'role IamRoleLambdaExecution: this statement grants dynamodb actions, but not dynamodb:PutItem on arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/brands'],
    ]);
  });

  it('reports a call shared by several functions of one role once, naming every function', async () => {
    const env = ['    environment:', '      TABLE: brands'];
    const r = await lintFiles({
      'serverless.yml': serverless(grant('dynamodb:GetItem'), [...env, '  admin:', '    handler: src/admin.handler', ...env]),
      'src/api.ts': DYNAMO,
      'src/admin.ts': "import { handler as api } from './api.js';\nexport const handler = async (id: string) => api(id);\n",
    });
    expect(positions(r, ID)).toEqual([PUT_CALL]);
    const f = own(r)[0]!;
    expect(f.function).toBeUndefined();
    expect(f.message).toMatch(/^api, admin: PutItemCommand needs dynamodb:PutItem on /);
  });

  it('knows the IAM action of an operation named differently: ListBuckets needs s3:ListAllMyBuckets', async () => {
    const code = lines(
      "import { S3Client, ListBucketsCommand } from '@aws-sdk/client-s3';",
      'const s3 = new S3Client({});',
      'export const handler = async () => (await s3.send(new ListBucketsCommand({}))).Buckets;',
    );
    expect(positions(await found(grant('s3:ListAllMyBuckets', "'*'"), code), ID)).toEqual([]);
    expect(own(await found(grant('s3:GetObject', 'arn:aws:s3:::logos/*'), code))[0]!.message).toContain('ListBucketsCommand needs s3:ListAllMyBuckets');
  });

  it('points at the role when no statement grants the service', async () => {
    const r = await found(grant('s3:GetObject', 'arn:aws:s3:::logos/*'));
    expect(positions(r, ID)).toEqual([at(ID, 'missing', 4, 9, 4, 94), PUT_CALL]);
    expect(own(r)[0]!.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[6, 5, 'role IamRoleLambdaExecution: no statement grants dynamodb:GetItem']]);
  });

  it('reports a grant on another table, and one on the table where the call needs an index', async () => {
    expect(positions(await found(grant('[dynamodb:GetItem, dynamodb:PutItem]', 'arn:aws:dynamodb:eu-west-1:123456789012:table/other')), ID)).toEqual([
      at(ID, 'missing', 4, 9, 4, 94),
      PUT_CALL,
    ]);
    const query = lines(
      "import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      "export const handler = async () => db.send(new QueryCommand({ TableName: process.env.TABLE, IndexName: 'byOwner', KeyConditionExpression: 'o = :o' }));",
    );
    expect(positions(await found(grant('dynamodb:Query'), query), ID)).toEqual([at(ID, 'missing', 3, 36, 3, 151)]);
    expect(positions(await found(grant('dynamodb:Query', 'arn:aws:dynamodb:eu-west-1:123456789012:table/brands/index/*'), query), ID)).toEqual([]);
  });

  it('reports an action a Deny statement forbids, with the Deny as related location', async () => {
    const r = await found([...grant('dynamodb:*', "'*'"), ...grant('dynamodb:PutItem', "'*'", 'Deny')]);
    expect(positions(r, ID)).toEqual([at(ID, 'denied', 5, 9, 5, 95)]);
    expect(own(r)[0]!.related?.map((x) => [x.loc.line, x.loc.column])).toEqual([[11, 11]]);
  });

  it('reads v2 clients, pre-signed URLs and Powertools Parameters', async () => {
    const code = lines(
      "import AWS from 'aws-sdk';", // 1
      "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';", // 2
      "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';", // 3
      "import { getParameter } from '@aws-lambda-powertools/parameters/ssm';", // 4
      'const docs = new AWS.DynamoDB.DocumentClient();', // 5
      'const s3 = new S3Client({});', // 6
      'export const handler = async (id: string) => {', // 7
      "  await docs.put({ TableName: 'brands', Item: { id } }).promise();", // 8
      "  await getParameter('/brand/config');", // 9
      "  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'logos', Key: `${id}.png`, ContentType: 'image/png' }), { expiresIn: 300 });", // 10
      '};',
    );
    expect(positions(await found(grant('dynamodb:GetItem'), code), ID)).toEqual([
      at(ID, 'missing', 8, 9, 8, 56),
      at(ID, 'missing', 9, 9, 9, 38),
      at(ID, 'missing', 10, 10, 10, 133),
    ]);
  });

  it('reports a PartiQL statement built at run time only when the role grants none of the PartiQL actions', async () => {
    const partiql = lines(
      "import { DynamoDBClient, ExecuteStatementCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      'export const handler = async (statement: string) => db.send(new ExecuteStatementCommand({ Statement: statement }));',
    );
    expect(positions(await found(grant('dynamodb:GetItem'), partiql), ID)).toEqual([at(ID, 'missingAny', 3, 53, 3, 115)]);
    expect(positions(await found(grant('dynamodb:PartiQLSelect', "'*'"), partiql), ID)).toEqual([]);
  });

  describe('not a finding', () => {
    it('a grant through an action wildcard, a resource wildcard or an Allow with NotAction', async () => {
      expect(positions(await found(grant('dynamodb:*Item')), ID)).toEqual([]);
      expect(positions(await found(grant('[dynamodb:GetItem, dynamodb:PutItem]', 'arn:aws:dynamodb:*:*:table/*')), ID)).toEqual([]);
      expect(positions(await found(['        - Effect: Allow', '          NotAction: s3:*', "          Resource: '*'"]), ID)).toEqual([]);
    });
    it('a table the code does not name (the resource is unknown: any grant of the action counts)', async () => {
      expect(positions(await found(grant('[dynamodb:GetItem, dynamodb:PutItem]', 'arn:aws:dynamodb:eu-west-1:123456789012:table/other'), DYNAMO, []), ID)).toEqual([]);
    });
    it('a Deny with a condition, which may not apply', async () => {
      expect(positions(await found([...grant('dynamodb:*', "'*'"), ...grant('dynamodb:PutItem', "'*'", 'Deny'), '          Condition:', '            Bool:', "              aws:SecureTransport: 'false'"]), ID)).toEqual([]);
    });
    it('a role with a managed policy lambda-lint cannot see, or a role defined elsewhere', async () => {
      expect(positions(await found(grant('dynamodb:GetItem'), DYNAMO, undefined, ['      managedPolicies:', '      - arn:aws:iam::123456789012:policy/brand-data']), ID)).toEqual([]);
      expect(positions(await found(grant('dynamodb:GetItem'), DYNAMO, ['    role: arn:aws:iam::123456789012:role/brand-api', '    environment:', '      TABLE: brands']), ID)).toEqual([]);
    });
    it('a call in code the handler never runs', async () => {
      const code = DYNAMO.replace('export const handler', 'export const unused');
      expect(positions(await lintFiles({ 'serverless.yml': serverless(grant('dynamodb:GetItem')), 'src/api.ts': `${code}export const handler = async () => ({ ok: true });\n` }), ID)).toEqual([]);
    });
  });

  it('still judges a role whose managed policies are known AWS ones', async () => {
    expect(positions(await found(grant('dynamodb:GetItem'), DYNAMO, undefined, ['      managedPolicies:', '      - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']), ID)).toEqual([PUT_CALL]);
  });

  it('reads SAM policy templates and CloudFormation roles with GetAtt resources', async () => {
    const sam = (policy: string[]) =>
      lines(
        'Transform: AWS::Serverless-2016-10-31',
        'Resources:',
        '  Api:',
        '    Type: AWS::Serverless::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      CodeUri: src/',
        '      Handler: api.handler',
        '      Environment:',
        '        Variables:',
        '          TABLE: !Ref Brands',
        '      Policies:',
        ...policy,
        '  Brands:',
        '    Type: AWS::DynamoDB::Table',
      );
    const read = await lintFiles({ 'template.yaml': sam(['        - DynamoDBReadPolicy:', '            TableName: !Ref Brands']), 'src/api.ts': DYNAMO });
    expect(positions(read, ID)).toEqual([PUT_CALL]);
    const crud = await lintFiles({ 'template.yaml': sam(['        - DynamoDBCrudPolicy:', '            TableName: !Ref Brands']), 'src/api.ts': DYNAMO });
    expect(positions(crud, ID)).toEqual([]);
    // A template the project's table does not know may grant anything.
    const unknown = await lintFiles({ 'template.yaml': sam(['        - SomeFuturePolicy:', '            TableName: !Ref Brands']), 'src/api.ts': DYNAMO });
    expect(positions(unknown, ID)).toEqual([]);
  });

  it('stays silent on a named role when a policy may be attached to it by name', async () => {
    const cfn = (policyRoles: string) =>
      lines(
        'Resources:',
        '  Role:',
        '    Type: AWS::IAM::Role',
        '    Properties:',
        '      RoleName: brand-api',
        '      AssumeRolePolicyDocument:',
        '        Statement:',
        '          - { Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }',
        '  Extra:',
        '    Type: AWS::IAM::Policy',
        '    Properties:',
        '      PolicyName: extra',
        `      Roles: [${policyRoles}]`,
        '      PolicyDocument:',
        '        Statement:',
        '          - { Effect: Allow, Action: dynamodb:PutItem, Resource: "*" }',
        '  Api:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      Handler: src/api.handler',
        '      Code: ./',
        '      Role: !GetAtt Role.Arn',
        '      Environment:',
        '        Variables:',
        '          TABLE: brands',
      );
    const byName = await lintFiles({ 'template.yaml': cfn('brand-api'), 'src/api.ts': DYNAMO });
    expect(byName.functionCount).toBe(1);
    expect(positions(byName, ID)).toEqual([]);
    // Attached by reference, the policy is part of the role: GetItem is what is missing.
    const byRef = await lintFiles({ 'template.yaml': cfn('!Ref Role'), 'src/api.ts': DYNAMO });
    expect(positions(byRef, ID)).toEqual([at(ID, 'missing', 4, 9, 4, 94)]);
  });

  it('reads CDK synth output: grants from the role\'s DefaultPolicy, the handler from the app source', async () => {
    const dir = fileURLToPath(new URL('fixtures/invalid/cdk', import.meta.url));
    const files: Record<string, string> = {};
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else files[p.slice(dir.length + 1)] = readFileSync(p, 'utf8');
      }
    };
    walk(dir);
    const r = await lintFiles(files);
    expect(positions(r, ID)).toEqual([at(ID, 'missing', 15, 9, 15, 108)]);
    expect(own(r)[0]!.related?.map((x) => [x.loc.file.replace(/.*\/cdk\.out\//, ''), x.loc.line])).toEqual([['BrandStack.template.json', 32]]);
    const readWrite = { ...files, 'cdk.out/BrandStack.template.json': files['cdk.out/BrandStack.template.json']!.replace('"dynamodb:GetItem",', '"dynamodb:GetItem",\n        "dynamodb:PutItem",') };
    expect(positions(await lintFiles(readWrite), ID)).toEqual([]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
