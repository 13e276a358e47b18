import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, S3Event } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'brands',
    UPLOADS_BUCKET: 'uploads-bucket',
    ASSETS_BUCKET: 'assets-bucket',
    ASSETS_BASE_URL: 'https://d111.cloudfront.net',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
  });
});

const generate = await import('./generate-upload-url.js');
const small = await import('./handle-small-upload.js');
const process_ = await import('./process-upload.js');

const ddb = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);
const context = { awsRequestId: 'req-1' } as Context;
const BRAND = '0b5b0c55-35a1-4d59-8f39-8d3c1e0d7a11';
const ASSET = '7f0e4d9a-5a7b-4c1e-9d2f-3b6a8c9e0f12';

function post(body: unknown): APIGatewayProxyEventV2 {
  return { routeKey: 'POST', pathParameters: { id: BRAND }, body: JSON.stringify(body), isBase64Encoded: false, headers: {} } as unknown as APIGatewayProxyEventV2;
}

async function status(h: typeof generate.handler, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return (await h(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2;
}

beforeEach(() => {
  ddb.reset();
  s3.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
});

describe('generate-upload-url', () => {
  it('signs a PUT bound to the content type, valid 15 minutes, under uploads/<brand>/<kind>/', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'BRAND#' + BRAND } });
    const r = await status(generate.handler, post({ kind: 'logo', contentType: 'image/png' }));
    expect(r.statusCode).toBe(201);
    const body = JSON.parse(r.body!) as { uploadUrl: string; expiresIn: number; headers: Record<string, string> };
    const url = new URL(body.uploadUrl);
    expect(url.hostname).toContain('uploads-bucket');
    expect(url.pathname).toMatch(new RegExp('/uploads/' + BRAND + '/logo/[0-9a-f-]{36}$'));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('content-type');
    // No checksum of the empty body seen at signing time (S3 would reject the real file).
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(body).toMatchObject({ expiresIn: 900, headers: { 'content-type': 'image/png' } });
  });

  it('refuses a content type outside the allowlist (415) and an unknown brand (404)', async () => {
    expect((await status(generate.handler, post({ kind: 'logo', contentType: 'text/html' }))).statusCode).toBe(415);
    ddb.on(GetCommand).resolves({});
    expect((await status(generate.handler, post({ kind: 'logo', contentType: 'image/png' }))).statusCode).toBe(404);
  });
});

describe('handle-small-upload', () => {
  it('stores a small file in the uploads bucket and answers 202', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'BRAND#' + BRAND } });
    s3.on(PutObjectCommand).resolves({});
    const data = Buffer.from('small svg').toString('base64');
    const r = await status(small.handler, post({ kind: 'icon', contentType: 'image/svg+xml', data }));
    expect(r.statusCode).toBe(202);
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ Bucket: 'uploads-bucket', ContentType: 'image/svg+xml' });
    expect(put.Key).toMatch(new RegExp('^uploads/' + BRAND + '/icon/'));
    expect(Buffer.from(put.Body as Buffer).toString()).toBe('small svg');
  });

  it('answers 413 above 1 MiB without decoding or storing anything', async () => {
    const data = Buffer.alloc(small.MAX_INLINE_BYTES + 1).toString('base64');
    const r = await status(small.handler, post({ kind: 'logo', contentType: 'image/png', data }));
    expect(r.statusCode).toBe(413);
    expect(JSON.parse(r.body!).error).toContain('request an upload URL');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(() => small.decodeInlineFile({ data: Buffer.alloc(small.MAX_INLINE_BYTES).toString('base64') })).not.toThrow();
  });
});

describe('process-upload', () => {
  const event = (key: string): S3Event =>
    ({ Records: [{ eventTime: '2026-11-28T00:00:00.000Z', s3: { bucket: { name: 'uploads-bucket' }, object: { key } } }] }) as unknown as S3Event;
  const key = 'uploads/' + BRAND + '/logo/' + ASSET;

  it('copies the upload to the assets bucket and records the asset under an id taken from the key', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentType: 'image/png', ContentLength: 2048 });
    s3.on(CopyObjectCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    await process_.handler(event(key), context);
    expect(s3.commandCalls(CopyObjectCommand)[0]!.args[0].input).toMatchObject({ Bucket: 'assets-bucket', Key: 'brands/' + BRAND + '/' + ASSET, CopySource: 'uploads-bucket/' + key });
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).toMatchObject({ pk: 'BRAND#' + BRAND, sk: 'ASSET#' + ASSET, kind: 'logo', url: 'https://d111.cloudfront.net/brands/' + BRAND + '/' + ASSET });
  });

  it('treats a redelivered event as done: the record exists, nothing fails', async () => {
    s3.on(HeadObjectCommand).resolves({ ContentType: 'image/png', ContentLength: 2048 });
    s3.on(CopyObjectCommand).resolves({});
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), child: vi.fn() };
    expect(await process_.processRecord(event(key).Records[0]!, log)).toBe('duplicate');
  });

  it('rejects foreign keys, disallowed content types and oversized files without writing', async () => {
    const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn(), child: vi.fn() };
    expect(await process_.processRecord(event('other/file.png').Records[0]!, log)).toBe('rejected');
    s3.on(HeadObjectCommand).resolvesOnce({ ContentType: 'text/html', ContentLength: 10 }).resolves({ ContentType: 'image/png', ContentLength: process_.MAX_ASSET_BYTES + 1 });
    expect(await process_.processRecord(event(key).Records[0]!, log)).toBe('rejected');
    expect(await process_.processRecord(event(key).Records[0]!, log)).toBe('rejected');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('lets an unexpected failure fail the invocation (retries, then the failure destination)', async () => {
    s3.on(HeadObjectCommand).rejects(new Error('throttled'));
    await expect(process_.handler(event(key), context)).rejects.toThrow('throttled');
  });

  it('decodes S3 event keys (URL encoding, + for space)', () => {
    expect(process_.objectKey(event('uploads/a+b%2Bc').Records[0]!)).toBe('uploads/a b+c');
  });
});
