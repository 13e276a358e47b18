/**
 * `authorizer`: the HTTP API's Lambda authorizer (simple responses). It verifies the access token
 * with the signing key from Secrets Manager (cached per execution environment); API Gateway caches
 * each decision for the token for five minutes, so most requests never reach this function.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { authConfig, signingKeys } from '../lib/config.js';
import { logger } from '../lib/logger.js';
import { epochSeconds } from '../lib/time.js';
import { InvalidTokenError, bearerToken, verifyToken } from '../lib/tokens.js';

export interface AuthorizerContext {
  userId: string;
}

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext | Record<string, never>>;

const DENY: Result = { isAuthorized: false, context: {} };

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
  const token = bearerToken(event.headers?.authorization);
  if (token === undefined) return DENY;
  const [config, keys] = await Promise.all([authConfig(), signingKeys()]);
  try {
    const claims = verifyToken(token, keys, { issuer: config.issuer, use: 'access', nowSeconds: epochSeconds() });
    return { isAuthorized: true, context: { userId: claims.sub } };
  } catch (err) {
    if (!(err instanceof InvalidTokenError)) throw err;
    logger.info('token rejected', { routeArn: event.routeArn, reason: err.message });
    return DENY;
  }
};
