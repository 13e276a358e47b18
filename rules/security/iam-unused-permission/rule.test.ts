import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'iam-unused-permission';
const own = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID);
const lines = (...l: string[]): string => `${l.join('\n')}\n`;

/** Provider statements from line 8; the function `api` (handler src/api.ts) after them. */
function serverless(statements: string[], fnExtra: string[] = [], more: string[] = []): string {
  return lines(
    'service: brand', // 1
    'provider:', // 2
    '  name: aws', // 3
    '  runtime: nodejs22.x', // 4
    '  iam:', // 5
    '    role:', // 6
    '      statements:', // 7
    ...statements,
    'functions:',
    '  api:',
    '    handler: src/api.handler',
    '    environment:',
    '      TABLE: brands',
    ...fnExtra,
    ...more,
  );
}

const statement = (actions: string[], resource = 'arn:aws:dynamodb:eu-west-1:123456789012:table/brands') => [
  '        - Effect: Allow', // 8
  '          Action:', // 9
  ...actions.map((a) => `            - ${a}`), // 10...
  `          Resource: ${resource}`,
];

const GET = lines(
  "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
  'const db = new DynamoDBClient({});',
  'export const handler = async (id: string) => db.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } }));',
);

async function found(statements: string[], code = GET, fnExtra?: string[], more?: string[]) {
  return lintFiles({ 'serverless.yml': serverless(statements, fnExtra, more), 'src/api.ts': code });
}

describe(ID, () => {
  it('reports a granted action no code path calls, at its action entry', async () => {
    const r = await found(statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']));
    expect(positions(r, ID)).toEqual([at(ID, 'unused', 11, 15, 11, 31), at(ID, 'unused', 12, 15, 12, 34)]);
    expect(own(r)[0]).toMatchObject({ severity: 'warning', function: 'api' });
    expect(own(r)[0]!.message).toBe(
      'Role IamRoleLambdaExecution: dynamodb:PutItem is granted, but no code path of api calls it, and Lambda does not use it for logs, tracing, VPC, triggers or failure destinations. An unused grant is what a bug or a compromised dependency gets for free. Remove it from the statement.',
    );
  });

  it('reports an action the code calls only on other resources', async () => {
    const query = lines(
      "import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      "export const handler = async () => db.send(new QueryCommand({ TableName: process.env.TABLE, IndexName: 'byOwner', KeyConditionExpression: 'o = :o' }));",
    );
    const r = await found(
      [...statement(['dynamodb:Query']), ...statement(['dynamodb:Query'], 'arn:aws:dynamodb:eu-west-1:123456789012:table/brands/index/*')],
      query,
    );
    expect(positions(r, ID)).toEqual([at(ID, 'otherResource', 10, 15, 10, 29)]);
    expect(own(r)[0]!.message).toBe(
      'Role IamRoleLambdaExecution: dynamodb:Query is granted on arn:aws:dynamodb:eu-west-1:123456789012:table/brands, but the code of api only calls it on other resources. Remove it here, or scope the statement to the resources the code uses (`lambda-lint iam` prints them).',
    );
  });

  it('reads per-function roles (serverless-iam-roles-per-function), SAM and CloudFormation statements', async () => {
    const perFunction = await lintFiles({
      'serverless.yml': lines(
        'service: brand',
        'provider:',
        '  name: aws',
        '  runtime: nodejs22.x',
        'functions:',
        '  api:',
        '    handler: src/api.handler',
        '    environment:',
        '      TABLE: brands',
        '    iamRoleStatements:',
        '      - Effect: Allow',
        '        Action: [dynamodb:GetItem, dynamodb:Scan]',
        '        Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/brands',
      ),
      'src/api.ts': GET,
    });
    expect(positions(perFunction, ID)).toEqual([at(ID, 'unused', 12, 36, 12, 49)]);
    const sam = await lintFiles({
      'template.yaml': lines(
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
        '        - DynamoDBCrudPolicy:',
        '            TableName: !Ref Brands',
        '        - Statement:',
        '            - Effect: Allow',
        '              Action: [dynamodb:GetItem, sqs:SendMessage]',
        "              Resource: '*'",
        '  Brands:',
        '    Type: AWS::DynamoDB::Table',
      ),
      'src/api.ts': GET,
    });
    // The policy template is coarse by design: only the inline statement is judged.
    expect(positions(sam, ID)).toEqual([at(ID, 'unused', 17, 42, 17, 57)]);
  });

  it('judges the routes of a table the handler hands to a dispatcher in another module', async () => {
    const routed = lines(
      "import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';",
      "import { dispatch } from './router.js';",
      'const db = new DynamoDBClient({});',
      "const getBrand = async (id: string) => db.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } }));",
      "const putBrand = async (id: string) => db.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: id } } }));",
      "const routes = { 'GET /brands/{id}': getBrand, 'PUT /brands/{id}': putBrand };",
      'export const handler = (event: { routeKey: string; id: string }) => dispatch(routes, event);',
    );
    const router = lines(
      'type Route = (id: string) => Promise<unknown>;',
      'export function dispatch(routes: Record<string, Route>, event: { routeKey: string; id: string }) {',
      '  return routes[event.routeKey]!(event.id);',
      '}',
    );
    const r = await lintFiles({
      'serverless.yml': serverless(statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'])),
      'src/api.ts': routed,
      'src/router.ts': router,
    });
    // Only the grant no route uses is reported.
    expect(positions(r, ID)).toEqual([at(ID, 'unused', 12, 15, 12, 34)]);
    expect(own(r)[0]!.message).toContain('dynamodb:DeleteItem is granted');
  });

  describe('path aliases', () => {
    const aliased = (spec: string) =>
      lines(
        "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
        `import { putBrand } from '${spec}';`,
        'const db = new DynamoDBClient({});',
        'export const handler = async (id: string) => { await putBrand(id); return db.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } })); };',
      );
    const lib = lines(
      "import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';",
      'const db = new DynamoDBClient({});',
      'export const putBrand = (id: string) => db.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { id: { S: id } } }));',
    );
    const grants = statement(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem']);
    const packageJson = JSON.stringify({ name: 'brand', dependencies: { '@aws-sdk/client-dynamodb': '^3.0.0' } });

    it('follows tsconfig.json compilerOptions.paths (and baseUrl) into the aliased module', async () => {
      const tsconfig = '{\n  // comments and trailing commas as tsc accepts them\n  "compilerOptions": { "baseUrl": ".", "paths": { "@libs/*": ["src/libs/*"], }, },\n}\n';
      const r = await lintFiles({ 'serverless.yml': serverless(grants), 'src/api.ts': aliased('@libs/db'), 'src/libs/db.ts': lib, 'tsconfig.json': tsconfig, 'package.json': packageJson });
      expect(positions(r, ID)).toEqual([at(ID, 'unused', 12, 15, 12, 34)]);
      const baseUrl = '{ "compilerOptions": { "baseUrl": "./src" } }\n';
      const r2 = await lintFiles({ 'serverless.yml': serverless(grants), 'src/api.ts': aliased('libs/db'), 'src/libs/db.ts': lib, 'tsconfig.json': baseUrl, 'package.json': packageJson });
      expect(positions(r2, ID)).toEqual([at(ID, 'unused', 12, 15, 12, 34)]);
      // `paths` in a base config the tsconfig extends (a monorepo's tsconfig.base.json), relative to the base config.
      const base = '{ "compilerOptions": { "paths": { "@libs/*": ["./src/libs/*"] } } }\n';
      const r3 = await lintFiles({
        'serverless.yml': serverless(grants),
        'src/api.ts': aliased('@libs/db'),
        'src/libs/db.ts': lib,
        'tsconfig.json': '{ "extends": "./config/../tsconfig.base", "compilerOptions": { "strict": true } }\n',
        'tsconfig.base.json': base,
        'package.json': packageJson,
      });
      expect(positions(r3, ID)).toEqual([at(ID, 'unused', 12, 15, 12, 34)]);
    });

    it('judges the grants when the handler hands its client to a function of a project module (that module is read too)', async () => {
      const handler = lines(
        "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        "import { getBrand } from './repo';",
        'const db = new DynamoDBClient({});',
        'export const handler = async (id: string) => getBrand(db, id);',
      );
      const repo = lines(
        "import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';",
        'export const getBrand = (client: DynamoDBClient, id: string) => client.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } }));',
      );
      const r = await lintFiles({ 'serverless.yml': serverless(grants), 'src/api.ts': handler, 'src/repo.ts': repo, 'package.json': packageJson });
      expect(positions(r, ID)).toEqual([at(ID, 'unused', 11, 15, 11, 31), at(ID, 'unused', 12, 15, 12, 34)]);
    });

    it('stays silent when the handler imports a module it cannot resolve: an alias without tsconfig paths, a package.json that does not declare it', async () => {
      const files = { 'serverless.yml': serverless(grants), 'src/libs/db.ts': lib };
      expect(positions(await lintFiles({ ...files, 'src/api.ts': aliased('@libs/db'), 'package.json': packageJson }), ID)).toEqual([]);
      expect(positions(await lintFiles({ ...files, 'src/api.ts': aliased('~/libs/db') }), ID)).toEqual([]);
      expect(positions(await lintFiles({ ...files, 'src/api.ts': aliased('./libs/missing') }), ID)).toEqual([]);
      // A declared package that receives no client stays transparent: the grants are judged.
      const declared = JSON.stringify({ name: 'brand', dependencies: { '@aws-sdk/client-dynamodb': '^3.0.0', '@libs/db': '1.0.0' } });
      expect(positions(await lintFiles({ ...files, 'src/api.ts': aliased('@libs/db'), 'package.json': declared }), ID)).toEqual([
        at(ID, 'unused', 11, 15, 11, 31),
        at(ID, 'unused', 12, 15, 12, 34),
      ]);
    });
  });

  describe('not a finding', () => {
    it('what Lambda itself uses: logs, X-Ray with active tracing, VPC interfaces, polling its SQS trigger, its DLQ', async () => {
      const platform = [
        ...statement(['dynamodb:GetItem']),
        ...statement(['logs:CreateLogStream', 'logs:PutLogEvents'], "'*'"),
        ...statement(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], "'*'"),
        ...statement(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface'], "'*'"),
        ...statement(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'arn:aws:sqs:eu-west-1:123456789012:jobs'),
        ...statement(['sns:Publish'], 'arn:aws:sns:eu-west-1:123456789012:failures'),
        ...statement(['kms:Decrypt'], 'arn:aws:kms:eu-west-1:123456789012:key/1234'),
      ];
      const fnExtra = [
        '    tracing: Active',
        '    onError: arn:aws:sns:eu-west-1:123456789012:failures',
        '    vpc:',
        '      securityGroupIds: [sg-1]',
        '      subnetIds: [subnet-1]',
        '    events:',
        '      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs',
      ];
      expect(positions(await found(platform, GET, fnExtra), ID)).toEqual([]);
    });
    it('polling a disabled SQS trigger: Lambda checks the role when it creates the mapping, enabled or not', async () => {
      const grants = [...statement(['dynamodb:GetItem']), ...statement(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], 'arn:aws:sqs:eu-west-1:123456789012:jobs')];
      const fnExtra = ['    events:', '      - sqs:', '          arn: arn:aws:sqs:eu-west-1:123456789012:jobs', '          enabled: false'];
      expect(positions(await found(grants, GET, fnExtra), ID)).toEqual([]);
    });
    it('a wildcard the code uses part of', async () => {
      expect(positions(await found(statement(['dynamodb:Get*', 'dynamodb:*Item'])), ID)).toEqual([]);
    });
    it('a shared role when one of its handlers cannot be read', async () => {
      expect(positions(await found(statement(['dynamodb:GetItem', 'dynamodb:PutItem']), GET, [], ['  worker:', '    handler: src/missing.handler']), ID)).toEqual([]);
    });
    it('code whose AWS calls are not all visible: a library that calls AWS itself, a Powertools provider, a command built elsewhere', async () => {
      const grants = statement(['dynamodb:GetItem', 'dynamodb:PutItem']);
      const toolbox = `import { Table } from 'dynamodb-toolbox';\nexport const table = Table;\n${GET}`;
      expect(positions(await found(grants, toolbox), ID)).toEqual([]);
      const provider = `import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';\nconst ssm = new SSMProvider();\nexport const config = () => ssm.get('/x');\n${GET}`;
      expect(positions(await found(grants, provider), ID)).toEqual([]);
      const built = lines(
        "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
        "import { makeCommand } from './commands';",
        'const db = new DynamoDBClient({});',
        'export const handler = async (id: string) => { await db.send(new GetItemCommand({ TableName: process.env.TABLE, Key: { id: { S: id } } })); return db.send(makeCommand(id)); };',
      );
      expect(positions(await lintFiles({ 'serverless.yml': serverless(grants), 'src/api.ts': built, 'src/commands.ts': 'export const makeCommand = (id: string): any => id;\n' }), ID)).toEqual([]);
    });
    it('a role other services assume too', async () => {
      const cfn = await lintFiles({
        'template.yaml': lines(
          'Resources:',
          '  Role:',
          '    Type: AWS::IAM::Role',
          '    Properties:',
          '      AssumeRolePolicyDocument:',
          '        Statement:',
          '          - Effect: Allow',
          '            Principal: { Service: [lambda.amazonaws.com, states.amazonaws.com] }',
          '            Action: sts:AssumeRole',
          '      Policies:',
          '        - PolicyName: p',
          '          PolicyDocument:',
          '            Statement:',
          '              - Effect: Allow',
          '                Action: [dynamodb:GetItem, lambda:InvokeFunction]',
          "                Resource: '*'",
          '  Api:',
          '    Type: AWS::Lambda::Function',
          '    Properties:',
          '      Runtime: nodejs22.x',
          '      Handler: src/api.handler',
          '      Code: ./',
          '      Role: !GetAtt Role.Arn',
        ),
        'src/api.ts': GET,
      });
      expect(cfn.functionCount).toBe(1);
      expect(positions(cfn, ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
