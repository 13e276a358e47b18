import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE_NAME, db, json } from '../lib/db.js';
import { classifyLogo } from './classifier.js';

const sqs = new SQSClient({});

type Route = (event: APIGatewayProxyEventV2) => Promise<ReturnType<typeof json>>;

/** Tells the WebSocket clients that a brand changed. */
function notifyBrandUpdate(brandId: string, change: string) {
  return sqs.send(
    new SendMessageCommand({
      QueueUrl: process.env.BRAND_UPDATES_QUEUE_URL,
      MessageBody: JSON.stringify({ brandId, change, at: Date.now() }),
    }),
  );
}

const routes: Record<string, Route> = {
  'GET /brands': async () => {
    const result = await db.send(new ScanCommand({ TableName: TABLE_NAME, FilterExpression: 'sk = :brand', ExpressionAttributeValues: { ':brand': 'BRAND' } }));
    return json(200, result.Items ?? []);
  },
  'POST /brands': async (event) => {
    const brand = JSON.parse(event.body ?? '{}');
    const id = randomUUID();
    await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `BRAND#${id}`, sk: 'BRAND', id, ...brand } }));
    notifyBrandUpdate(id, 'created');
    return json(201, { id, ...brand });
  },
  'GET /brands/{id}': async (event) => {
    const id = event.pathParameters!.id;
    const result = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `BRAND#${id}`, sk: 'BRAND' } }));
    return result.Item ? json(200, result.Item) : json(404, { message: 'not found' });
  },
  'PUT /brands/{id}': async (event) => {
    const id = event.pathParameters!.id;
    const brand = JSON.parse(event.body ?? '{}');
    await db.send(
      new UpdateCommand({
        TableName: TABLE_NAME,
        Key: { pk: `BRAND#${id}`, sk: 'BRAND' },
        UpdateExpression: 'SET #name = :name, website = :website',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': brand.name, ':website': brand.website },
      }),
    );
    notifyBrandUpdate(id!, 'updated');
    return json(200, { id, ...brand });
  },
  'DELETE /brands/{id}': async (event) => {
    const id = event.pathParameters!.id;
    await db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: `BRAND#${id}`, sk: 'BRAND' } }));
    return json(204, {});
  },
  'GET /brands/{id}/assets': async (event) => {
    const id = event.pathParameters!.id;
    const result = await db.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :asset)',
        ExpressionAttributeValues: { ':pk': `BRAND#${id}`, ':asset': 'ASSET#' },
      }),
    );
    return json(200, result.Items ?? []);
  },
  'POST /brands/{id}/assets': async (event) => {
    const id = event.pathParameters!.id;
    const asset = JSON.parse(event.body ?? '{}');
    const assetId = randomUUID();
    await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `BRAND#${id}`, sk: `ASSET#${assetId}`, assetId, ...asset } }));
    return json(201, { assetId, ...asset });
  },
  'DELETE /brands/{id}/assets/{assetId}': async (event) => {
    const { id, assetId } = event.pathParameters!;
    await db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: `BRAND#${id}`, sk: `ASSET#${assetId}` } }));
    return json(204, {});
  },
  'GET /brands/{id}/stats': async (event) => {
    const id = event.pathParameters!.id;
    const result = await db.send(
      new QueryCommand({ TableName: TABLE_NAME, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `BRAND#${id}` } }),
    );
    return json(200, { id, assets: (result.Count ?? 1) - 1 });
  },
  'POST /brands/{id}/logo/classify': async (event) => {
    const id = event.pathParameters!.id;
    const pixels = new Float32Array(Buffer.from(event.body ?? '', 'base64').buffer);
    const prediction = await classifyLogo(pixels);
    console.log(`classified logo of brand ${id} as ${prediction.label}`);
    return json(200, prediction);
  },
};

export const handler = async (event: APIGatewayProxyEventV2) => {
  console.log(`${event.routeKey} from ${event.requestContext.http.sourceIp}`);
  const route = routes[event.routeKey];
  if (!route) return json(404, { message: 'no such route' });
  try {
    return await route(event);
  } catch (err) {
    console.error('request failed: ' + (err as Error).message);
    return json(500, { message: 'internal error' });
  }
};
