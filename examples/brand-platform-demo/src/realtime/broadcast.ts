import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { CONNECTIONS_TABLE, db } from '../lib/db.js';

const api = new ApiGatewayManagementApiClient({ endpoint: process.env.WEBSOCKET_ENDPOINT });

/** Pushes every brand change to every connected browser. */
export const handler = async (event: SQSEvent) => {
  const connections = await db.send(new ScanCommand({ TableName: CONNECTIONS_TABLE, ProjectionExpression: 'connectionId' }));
  for (const record of event.Records) {
    const update = JSON.parse(record.body) as { brandId: string; change: string };
    console.log(`broadcasting ${update.change} of ${update.brandId} to ${connections.Count} connections`);
    await Promise.all(
      (connections.Items ?? []).map((connection) =>
        api.send(new PostToConnectionCommand({ ConnectionId: connection.connectionId, Data: JSON.stringify(update) })),
      ),
    );
  }
};
