import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { type AuthConfig, authConfig, signingKeys } from '../lib/config.js';
import { REFRESH_SK, TABLE_NAME, ddb, refreshPk } from '../lib/dynamo.js';
import { epochSeconds } from '../lib/time.js';
import { signToken } from '../lib/tokens.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/**
 * Issues an access token and a single-use refresh token. The refresh token's id is stored (and
 * expired by the table's TTL) so that `POST /api/auth/token` can consume it exactly once.
 */
export async function issueTokens(userId: string, nowMs: number = Date.now()): Promise<TokenPair> {
  const [config, keys] = await Promise.all([authConfig(), signingKeys()]);
  const iat = epochSeconds(nowMs);
  const refreshId = randomUUID();
  await ddb.send(
    new PutCommand({
      TableName: TABLE_NAME,
      Item: { pk: refreshPk(refreshId), sk: REFRESH_SK, userId, expiresAt: iat + config.refreshTokenTtlSeconds },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return {
    accessToken: signToken(claims(config, userId, 'access', randomUUID(), iat, config.accessTokenTtlSeconds), keys.current),
    refreshToken: signToken(claims(config, userId, 'refresh', refreshId, iat, config.refreshTokenTtlSeconds), keys.current),
    tokenType: 'Bearer',
    expiresIn: config.accessTokenTtlSeconds,
  };
}

function claims(config: AuthConfig, sub: string, use: 'access' | 'refresh', jti: string, iat: number, ttl: number) {
  return { iss: config.issuer, sub, use, jti, iat, exp: iat + ttl };
}
