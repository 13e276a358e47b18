/**
 * HS256 JSON Web Tokens with node:crypto: issued by the auth function, verified by the API's
 * Lambda authorizer and by the WebSocket `$connect` route. No dependency, nothing to patch.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SigningKeys } from './config.js';

export type TokenUse = 'access' | 'refresh';

export interface TokenClaims {
  iss: string;
  sub: string;
  /** `access` tokens call the API; `refresh` tokens only buy a new pair, once. */
  use: TokenUse;
  jti: string;
  iat: number;
  exp: number;
}

export class InvalidTokenError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'InvalidTokenError';
  }
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(key: string, signingInput: string): Buffer {
  return createHmac('sha256', key).update(signingInput).digest();
}

export function signToken(claims: TokenClaims, key: string): string {
  const signingInput = HEADER + '.' + Buffer.from(JSON.stringify(claims)).toString('base64url');
  return signingInput + '.' + signature(key, signingInput).toString('base64url');
}

function matches(key: string, signingInput: string, given: Buffer): boolean {
  const expected = signature(key, signingInput);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function isClaims(value: unknown): value is TokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.iss === 'string' &&
    typeof c.sub === 'string' &&
    (c.use === 'access' || c.use === 'refresh') &&
    typeof c.jti === 'string' &&
    typeof c.iat === 'number' &&
    typeof c.exp === 'number'
  );
}

/**
 * Checks signature (current or previous key, so a key rotation does not invalidate live tokens),
 * issuer, expiry and intended use. Throws InvalidTokenError with the reason otherwise.
 */
export function verifyToken(token: string, keys: SigningKeys, expected: { issuer: string; use: TokenUse; nowSeconds: number }): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) throw new InvalidTokenError('malformed token');
  const signingInput = parts[0] + '.' + parts[1];
  const given = Buffer.from(parts[2]!, 'base64url');
  const valid = matches(keys.current, signingInput, given) || (keys.previous !== undefined && matches(keys.previous, signingInput, given));
  if (!valid) throw new InvalidTokenError('bad signature');
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('malformed claims');
  }
  if (!isClaims(claims)) throw new InvalidTokenError('malformed claims');
  if (claims.iss !== expected.issuer) throw new InvalidTokenError('wrong issuer');
  if (claims.use !== expected.use) throw new InvalidTokenError('wrong token use');
  if (claims.exp <= expected.nowSeconds) throw new InvalidTokenError('expired');
  return claims;
}

/** `Authorization: Bearer <token>` -> token. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
