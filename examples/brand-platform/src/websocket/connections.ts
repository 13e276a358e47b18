/**
 * `websocket-connections`: the WebSocket API's `$connect`, `$disconnect` and `$default` routes.
 *
 * - `$connect?token=<access token>` (browsers cannot set headers on a WebSocket): the token is
 *   verified like the HTTP API's authorizer does, and the connection is stored with a TTL, so a
 *   connection whose `$disconnect` never arrived expires on its own.
 * - `$default` takes `{"action": "subscribe" | "unsubscribe", "brandId": "<uuid>"}`; a subscribed
 *   connection is in the GSI under `SUBSCRIBERS#<brandId>`, which the broadcast queries.
 * - `$disconnect` deletes the connection.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { authConfig, signingKeys } from '../lib/config.js';
import { CONNECTION_SK, TABLE_NAME, connectionPk, ddb, subscribersPk } from '../lib/dynamo.js';
import { HttpError, isRecord } from '../lib/http.js';
import { type Logger, logger, serializeError } from '../lib/logger.js';
import { epochSeconds } from '../lib/time.js';
import { InvalidTokenError, verifyToken } from '../lib/tokens.js';

/** API Gateway closes a WebSocket connection after 2 hours at most. */
const CONNECTION_TTL_SECONDS = 2 * 3600 + 300;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MAX_MESSAGE_BYTES = 4096;

/** `$connect` events carry the query string, which the v2 WebSocket event type leaves out. */
type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & { queryStringParameters?: Record<string, string | undefined> };

const ok = (): APIGatewayProxyResultV2 => ({ statusCode: 200 });

async function connect(event: WebSocketEvent, log: Logger): Promise<APIGatewayProxyResultV2> {
  const token = event.queryStringParameters?.token;
  if (token === undefined) throw new HttpError(401, 'token query parameter required');
  const [config, keys] = await Promise.all([authConfig(), signingKeys()]);
  let userId: string;
  try {
    userId = verifyToken(token, keys, { issuer: config.issuer, use: 'access', nowSeconds: epochSeconds() }).sub;
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new HttpError(401, 'invalid token');
    throw err;
  }
  const connectionId = event.requestContext.connectionId;
  await ddb.send(
    new PutCommand({
      TableName: TABLE_NAME,
      Item: { pk: connectionPk(connectionId), sk: CONNECTION_SK, connectionId, userId, expiresAt: epochSeconds() + CONNECTION_TTL_SECONDS },
    }),
  );
  log.info('connected', { connectionId, userId });
  return ok();
}

async function disconnect(event: WebSocketEvent, log: Logger): Promise<APIGatewayProxyResultV2> {
  const connectionId = event.requestContext.connectionId;
  await ddb.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: connectionPk(connectionId), sk: CONNECTION_SK } }));
  log.info('disconnected', { connectionId });
  return ok();
}

export interface SubscriptionMessage {
  action: 'subscribe' | 'unsubscribe';
  brandId: string;
}

export function parseMessage(body: string | undefined): SubscriptionMessage {
  if (body === undefined || Buffer.byteLength(body) > MAX_MESSAGE_BYTES) throw new HttpError(400, 'message missing or too large');
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'message is not JSON');
  }
  if (!isRecord(message) || (message.action !== 'subscribe' && message.action !== 'unsubscribe') || typeof message.brandId !== 'string' || !UUID.test(message.brandId)) {
    throw new HttpError(400, 'message must be {"action": "subscribe" | "unsubscribe", "brandId": "<uuid>"}');
  }
  return { action: message.action, brandId: message.brandId.toLowerCase() };
}

async function message(event: WebSocketEvent, log: Logger): Promise<APIGatewayProxyResultV2> {
  const connectionId = event.requestContext.connectionId;
  const { action, brandId } = parseMessage(event.body);
  const update =
    action === 'subscribe'
      ? { UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk', ExpressionAttributeValues: { ':pk': subscribersPk(brandId), ':sk': connectionId } }
      : { UpdateExpression: 'REMOVE gsi1pk, gsi1sk' };
  try {
    await ddb.send(
      new UpdateCommand({ TableName: TABLE_NAME, Key: { pk: connectionPk(connectionId), sk: CONNECTION_SK }, ConditionExpression: 'attribute_exists(pk)', ...update }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new HttpError(410, 'connection is gone');
    throw err;
  }
  log.info('subscription changed', { connectionId, action, brandId });
  return ok();
}

const routes: Readonly<Record<string, (event: WebSocketEvent, log: Logger) => Promise<APIGatewayProxyResultV2>>> = Object.freeze({
  $connect: connect,
  $disconnect: disconnect,
  $default: message,
});

export const handler = async (event: WebSocketEvent): Promise<APIGatewayProxyResultV2> => {
  const log = logger.child({ routeKey: event.requestContext.routeKey });
  const route = routes[event.requestContext.routeKey];
  if (route === undefined) return { statusCode: 404 };
  try {
    return await route(event, log);
  } catch (err) {
    if (err instanceof HttpError) {
      log.warn('request rejected', { statusCode: err.statusCode, reason: err.message });
      return { statusCode: err.statusCode, body: JSON.stringify({ error: err.message }) };
    }
    log.error('request failed', { error: serializeError(err) });
    throw err;
  }
};
