import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../packages/cli/src/main.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-iam-'));
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    writeFileSync(path, content);
  }
  return dir;
}

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: { NO_COLOR: '1' }, isTTY: false };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

// An application lambda-lint has never seen: a catalog writer and a media uploader.
const APP = {
  'serverless.yml': lines(
    'service: media-catalog',
    'provider:',
    '  name: aws',
    '  runtime: nodejs22.x',
    '  environment:',
    '    TABLE_NAME: !Ref CatalogTable',
    'functions:',
    '  catalog-writer:',
    '    handler: src/writer.handler',
    '    environment:',
    '      EVENTS_QUEUE: !Ref Events',
    '      API_KEY_SECRET: media/api-key',
    '  uploader:',
    '    handler: src/uploader.handler',
    '    environment:',
    '      MEDIA_BUCKET: !Ref Media',
    'resources:',
    '  Resources:',
    '    CatalogTable:',
    '      Type: AWS::DynamoDB::Table',
    '    Events:',
    '      Type: AWS::SQS::Queue',
    '    Media:',
    '      Type: AWS::S3::Bucket',
  ),
  'src/writer.ts': lines(
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    "import { DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';",
    "import AWS from 'aws-sdk';",
    "import { getSecret } from '@aws-lambda-powertools/parameters/secrets';",
    'const docs = DynamoDBDocumentClient.from(new DynamoDBClient({}));',
    'const sqs = new AWS.SQS();',
    'export const handler = async (item: { id: string; owner: string }) => {',
    '  await getSecret(process.env.API_KEY_SECRET!);',
    '  await docs.send(new PutCommand({ TableName: process.env.TABLE_NAME, Item: item }));',
    "  for await (const page of paginateQuery({ client: docs }, { TableName: process.env.TABLE_NAME, IndexName: 'byOwner', KeyConditionExpression: 'o = :o' })) void page;",
    '  await sqs.sendMessage({ QueueUrl: process.env.EVENTS_QUEUE!, MessageBody: item.id }).promise();',
    '};',
  ),
  'src/uploader.ts': lines(
    "import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';",
    "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
    'const s3 = new S3Client({});',
    'export const handler = async (id: string) =>',
    "  getSignedUrl(s3, new PutObjectCommand({ Bucket: process.env.MEDIA_BUCKET, Key: `uploads/${id}.jpg`, ContentType: 'image/jpeg' }), { expiresIn: 300 });",
  ),
};

describe('lambda-lint iam', () => {
  it('prints per function exactly the actions the code calls, grouped by resource as the template names it (yaml)', async () => {
    const dir = project(APP);
    const r = await run(['iam'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      lines(
        '# catalog-writer (serverless.yml:8)',
        '- Effect: Allow',
        '  Action:',
        '    - dynamodb:PutItem',
        '  Resource:',
        '    - !GetAtt CatalogTable.Arn',
        '- Effect: Allow',
        '  Action:',
        '    - dynamodb:Query',
        '  Resource:',
        "    - !Sub '${CatalogTable.Arn}/index/byOwner'",
        '- Effect: Allow',
        '  Action:',
        '    - secretsmanager:GetSecretValue',
        '  Resource:',
        "    - !Sub 'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:media/api-key-??????'",
        '- Effect: Allow',
        '  Action:',
        '    - sqs:SendMessage',
        '  Resource:',
        '    - !GetAtt Events.Arn',
        '---',
        '# uploader (serverless.yml:13)',
        '- Effect: Allow',
        '  Action:',
        '    - s3:PutObject',
        '  Resource:',
        "    - !Sub '${Media.Arn}/uploads/*.jpg'",
      ),
    );
  });

  it('prints JSON policy documents for one function, and the printed actions are exactly those called', async () => {
    const dir = project(APP);
    const r = await run(['iam', '--function', 'catalog-writer', '--format', 'json', '.'], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { functions: { function: string; policy: { Statement: { Action: string[]; Resource: unknown[] }[] } }[] };
    expect(out.functions.map((f) => f.function)).toEqual(['catalog-writer']);
    const statements = out.functions[0]!.policy.Statement;
    expect(statements.flatMap((s) => s.Action).sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query', 'secretsmanager:GetSecretValue', 'sqs:SendMessage']);
    expect(statements[0]).toEqual({ Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: [{ 'Fn::GetAtt': ['CatalogTable', 'Arn'] }] });
    expect(statements[1]!.Resource).toEqual([{ 'Fn::Sub': '${CatalogTable.Arn}/index/byOwner' }]);
  });

  it('derives the actions of every route of a table the handler hands to a dispatcher in another module', async () => {
    const dir = project({
      'serverless.yml': lines(
        'service: brands',
        'provider:',
        '  name: aws',
        '  runtime: nodejs22.x',
        'functions:',
        '  brand-api:',
        '    handler: src/api.handler',
        '    environment:',
        '      TABLE_NAME: !Ref Brands',
        'resources:',
        '  Resources:',
        '    Brands:',
        '      Type: AWS::DynamoDB::Table',
      ),
      'src/api.ts': lines(
        "import { DynamoDBClient, DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';",
        "import { dispatch } from './lib/router.js';",
        'const db = new DynamoDBClient({});',
        'const listBrands = async () => db.send(new ScanCommand({ TableName: process.env.TABLE_NAME }));',
        "const deleteBrand = async (id: string) => db.send(new DeleteItemCommand({ TableName: process.env.TABLE_NAME, Key: { id: { S: id } } }));",
        "const routes = new Map([['GET /brands', listBrands], ['DELETE /brands/{id}', deleteBrand]]);",
        'export const handler = (event: { routeKey: string }) => dispatch(routes, event);',
      ),
      'src/lib/router.ts': lines(
        'export function dispatch(routes: Map<string, (id: string) => Promise<unknown>>, event: { routeKey: string }) {',
        "  return routes.get(event.routeKey)?.('id');",
        '}',
      ),
    });
    const r = await run(['iam'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      lines(
        '# brand-api (serverless.yml:6)',
        '- Effect: Allow',
        '  Action:',
        '    - dynamodb:DeleteItem',
        '    - dynamodb:Scan',
        '  Resource:',
        '    - !GetAtt Brands.Arn',
      ),
    );
  });

  it('says when a function calls no AWS API or its handler cannot be read, and rejects an unknown function', async () => {
    const dir = project({
      'serverless.yml': lines('service: s', 'provider:', '  name: aws', 'functions:', '  ping:', '    handler: src/ping.handler', '  lost:', '    handler: src/lost.handler'),
      'src/ping.ts': 'export const handler = async () => ({ ok: true });\n',
    });
    const r = await run(['iam'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      lines(
        '# ping (serverless.yml:5)',
        '# the code calls no AWS API: no statement needed beyond what the platform adds',
        '[]',
        '---',
        '# lost (serverless.yml:7)',
        '# handler code not found: nothing derived',
        '[]',
      ),
    );
    const unknown = await run(['iam', '--function', 'nope'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('lambda-lint: no function named nope (functions: ping, lost)\n');
  });
});
