/**
 * `auth`: register, login and token refresh, on their own function (and role): the only code
 * that reads password hashes or holds refresh tokens, separate from the WebSocket functions.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { authConfig, signingKeys } from '../lib/config.js';
import { REFRESH_SK, TABLE_NAME, USER_SK, ddb, refreshPk, userPk } from '../lib/dynamo.js';
import { HttpError, isRecord, json, parseJsonBody } from '../lib/http.js';
import { hashPassword, verifyPassword } from '../lib/passwords.js';
import { type Route, type RouteTable, dispatch } from '../lib/router.js';
import { epochSeconds } from '../lib/time.js';
import { InvalidTokenError, verifyToken } from '../lib/tokens.js';
import { issueTokens } from './session.js';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const MIN_PASSWORD = 12;
const MAX_PASSWORD = 256;
/** Compared against when the user does not exist, so both cases take as long (no user enumeration). */
const DUMMY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$' + Buffer.alloc(64).toString('base64');

export interface Credentials {
  email: string;
  password: string;
}

export function parseCredentials(body: unknown): Credentials {
  if (!isRecord(body) || typeof body.email !== 'string' || typeof body.password !== 'string') {
    throw new HttpError(400, 'body must be {"email": "...", "password": "..."}');
  }
  const email = body.email.trim().toLowerCase();
  if (!EMAIL.test(email)) throw new HttpError(400, 'email is not a valid address');
  if (body.password.length < MIN_PASSWORD || body.password.length > MAX_PASSWORD) {
    throw new HttpError(400, 'password must have ' + MIN_PASSWORD + ' to ' + MAX_PASSWORD + ' characters');
  }
  return { email, password: body.password };
}

const register: Route = async (event, log, metrics) => {
  const { email, password } = parseCredentials(parseJsonBody(event));
  const userId = randomUUID();
  try {
    await ddb.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: { pk: userPk(email), sk: USER_SK, userId, email, passwordHash: await hashPassword(password), createdAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new HttpError(409, 'an account with this email exists');
    throw err;
  }
  metrics.add('UserRegistered', 1, 'Count');
  log.info('user registered', { userId });
  return json(201, { userId, ...(await issueTokens(userId)) });
};

const login: Route = async (event, log, metrics) => {
  const { email, password } = parseCredentials(parseJsonBody(event));
  const result = await ddb.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: userPk(email), sk: USER_SK } }));
  const user = result.Item;
  const ok = await verifyPassword(password, typeof user?.passwordHash === 'string' ? user.passwordHash : DUMMY_HASH);
  if (!user || !ok || typeof user.userId !== 'string') {
    metrics.add('LoginFailed', 1, 'Count');
    throw new HttpError(401, 'wrong email or password');
  }
  log.info('user logged in', { userId: user.userId });
  return json(200, await issueTokens(user.userId));
};

/** Refresh tokens are single use: the stored id is deleted on the exchange (rotation). */
const refresh: Route = async (event, log) => {
  const body = parseJsonBody(event);
  if (!isRecord(body) || typeof body.refreshToken !== 'string') throw new HttpError(400, 'body must be {"refreshToken": "..."}');
  const [config, keys] = await Promise.all([authConfig(), signingKeys()]);
  let userId: string;
  let tokenId: string;
  try {
    const claims = verifyToken(body.refreshToken, keys, { issuer: config.issuer, use: 'refresh', nowSeconds: epochSeconds() });
    userId = claims.sub;
    tokenId = claims.jti;
  } catch (err) {
    if (err instanceof InvalidTokenError) throw new HttpError(401, 'invalid refresh token');
    throw err;
  }
  try {
    await ddb.send(
      new DeleteCommand({
        TableName: TABLE_NAME,
        Key: { pk: refreshPk(tokenId), sk: REFRESH_SK },
        ConditionExpression: 'attribute_exists(pk) AND userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new HttpError(401, 'refresh token already used or revoked');
    throw err;
  }
  log.info('tokens refreshed', { userId });
  return json(200, await issueTokens(userId));
};

const routes: RouteTable = Object.freeze({
  'POST /api/auth/register': register,
  'POST /api/auth/login': login,
  'POST /api/auth/token': refresh,
});

export const handler: APIGatewayProxyHandlerV2 = (event, context) => dispatch(routes, event, context);
