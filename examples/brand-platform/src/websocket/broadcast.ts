/**
 * `broadcast-brand-update`: the brands table's stream (brand items only, by an event filter) pushes
 * each brand update to the WebSocket connections that follow the brand. Subscribers come from a
 * `Query` on the GSI (`SUBSCRIBERS#<brandId>`), never a Scan; a connection that is gone (410) is
 * deleted, so it is not tried again. Records are reported one by one (`ReportBatchItemFailures`):
 * a failed record is retried from that record on, and after the retries it goes to the mapping's
 * on-failure queue. Sending an update twice is harmless: the message carries `updatedAt`.
 */
import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { BRANDS_INDEX, CONNECTION_SK, TABLE_NAME, connectionPk, ddb, subscribersPk } from '../lib/dynamo.js';
import { requireEnv } from '../lib/env.js';
import { type Logger, logger, serializeError } from '../lib/logger.js';
import { MetricsBatch } from '../lib/metrics.js';

/** `https://<api id>.execute-api.<region>.amazonaws.com/<stage>`; one client per environment. */
const connections = new ApiGatewayManagementApiClient({ endpoint: requireEnv('WEBSOCKET_ENDPOINT') });

export interface BrandUpdate {
  type: 'brand.updated';
  brandId: string;
  name: string | null;
  updatedAt: string | null;
}

export function brandUpdateOf(record: DynamoDBRecord): BrandUpdate | undefined {
  const image = record.dynamodb?.NewImage;
  if (image === undefined) return undefined;
  const brandId = image.id?.S;
  if (brandId === undefined) return undefined;
  return { type: 'brand.updated', brandId, name: image.name?.S ?? null, updatedAt: image.updatedAt?.S ?? null };
}

async function subscribers(brandId: string): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        IndexName: BRANDS_INDEX,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': subscribersPk(brandId) },
        ProjectionExpression: 'connectionId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) if (typeof item.connectionId === 'string') ids.push(item.connectionId);
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return ids;
}

/** Sends to one connection; true when it was delivered, false when the connection is gone (and now deleted). */
async function send(connectionId: string, data: Uint8Array): Promise<boolean> {
  try {
    await connections.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    return true;
  } catch (err) {
    if (!(err instanceof GoneException)) throw err;
    await ddb.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: connectionPk(connectionId), sk: CONNECTION_SK } }));
    return false;
  }
}

export async function broadcast(update: BrandUpdate, log: Logger, metrics: MetricsBatch): Promise<void> {
  const ids = await subscribers(update.brandId);
  const data = new TextEncoder().encode(JSON.stringify(update));
  const delivered = await Promise.all(ids.map((id) => send(id, data)));
  const gone = delivered.filter((d) => !d).length;
  metrics.add('BroadcastDelivered', delivered.length - gone, 'Count');
  if (gone > 0) metrics.add('StaleConnectionsRemoved', gone, 'Count');
  log.info('brand update broadcast', { brandId: update.brandId, connections: ids.length, gone });
}

export const handler = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
  const log = logger.child({ requestId: context.awsRequestId });
  const metrics = new MetricsBatch(context.awsRequestId);
  try {
    for (const record of event.Records) {
      const update = brandUpdateOf(record);
      if (update === undefined) continue;
      try {
        await broadcast(update, log, metrics);
      } catch (err) {
        log.error('broadcast failed', { brandId: update.brandId, error: serializeError(err) });
        // This record and the ones after it are retried; the ones before are done.
        return { batchItemFailures: [{ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' }] };
      }
    }
    return { batchItemFailures: [] };
  } finally {
    await metrics.flush();
  }
};
