import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'brands';
  process.env.AWS_REGION = 'eu-west-1';
});
// The deployment package root, where model/logo-classifier.json ships.
process.env.LAMBDA_TASK_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const { handler } = await import('./handler.js');
const { classify, readModel } = await import('./model.js');
const { UnsupportedImageError, decodePng } = await import('./png.js');

const ddb = mockClient(DynamoDBDocumentClient);
const BRAND = '0b5b0c55-35a1-4d59-8f39-8d3c1e0d7a11';
const context = { awsRequestId: 'req-1' } as Context;

/** A minimal RGBA PNG of one colour (CRCs left zero: the decoder relies on zlib's checksum). */
function png(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 4).fill(Buffer.from(rgba))]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

async function classifyRequest(body: string): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const event = { routeKey: 'POST /api/brands/{id}/logo/classify', pathParameters: { id: BRAND }, body, isBase64Encoded: false, headers: {} } as unknown as APIGatewayProxyEventV2;
  const r = (await handler(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: r.statusCode ?? 0, body: JSON.parse(r.body ?? '{}') as Record<string, unknown> };
}

beforeEach(() => {
  ddb.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
});

describe('logo classifier', () => {
  it('decodes a PNG to RGBA and refuses images above the pixel budget or not PNG', () => {
    const image = decodePng(png(2, 3, [200, 10, 10, 255]), 100);
    expect([image.width, image.height, [...image.data.subarray(0, 4)]]).toEqual([2, 3, [200, 10, 10, 255]]);
    expect(() => decodePng(png(20, 20, [0, 0, 0, 255]), 100)).toThrow(UnsupportedImageError);
    expect(() => decodePng(Buffer.from('GIF89a'), 100)).toThrow(UnsupportedImageError);
  });

  it('tells a grey logo from a saturated one with the shipped model', async () => {
    const model = await readModel(fileURLToPath(new URL('../../model/logo-classifier.json', import.meta.url)));
    expect(classify(model, decodePng(png(8, 8, [128, 128, 128, 255]), 1000))?.label).toBe('monochrome');
    expect(classify(model, decodePng(png(8, 8, [128, 128, 128, 255]), 1000))?.label).not.toBe(classify(model, decodePng(png(8, 8, [255, 0, 0, 255]), 1000))?.label);
    expect(classify(model, decodePng(png(8, 8, [255, 0, 0, 0]), 1000))).toBeNull();
  });

  it('stores the classification on an existing brand and returns it', async () => {
    ddb.on(UpdateCommand).resolves({});
    const r = await classifyRequest(JSON.stringify({ image: png(8, 8, [128, 128, 128, 255]).toString('base64') }));
    expect(r.statusCode).toBe(200);
    expect(r.body).toMatchObject({ brandId: BRAND, label: 'monochrome' });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({ Key: { pk: 'BRAND#' + BRAND, sk: 'BRAND' }, ConditionExpression: 'attribute_exists(pk)' });
  });

  it('answers 404 for an unknown brand, 415 for a non-PNG and 413 above 1 MiB', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'missing', $metadata: {} }));
    expect((await classifyRequest(JSON.stringify({ image: png(8, 8, [1, 2, 3, 255]).toString('base64') }))).statusCode).toBe(404);
    expect((await classifyRequest(JSON.stringify({ image: Buffer.from('not a png').toString('base64') }))).statusCode).toBe(415);
    expect((await classifyRequest(JSON.stringify({ image: 'A'.repeat(1_500_000) }))).statusCode).toBe(413);
  });
});
