import { describe, expect, it } from 'vitest';
import { InvalidTokenError, bearerToken, signToken, verifyToken } from './tokens.js';

const KEY = 'k'.repeat(40);
const OTHER = 'o'.repeat(40);
const claims = { iss: 'https://brand-platform/test', sub: 'user-1', use: 'access' as const, jti: 'j1', iat: 1000, exp: 2000 };
const expected = { issuer: claims.iss, use: 'access' as const, nowSeconds: 1500 };

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidTokenError) return err.message;
    throw err;
  }
  return 'accepted';
}

describe('tokens', () => {
  it('verifies a token it signed and returns its claims', () => {
    expect(verifyToken(signToken(claims, KEY), { current: KEY }, expected)).toEqual(claims);
  });

  it('accepts a token signed with the previous key during a rotation, and not with an unknown key', () => {
    const token = signToken(claims, OTHER);
    expect(verifyToken(token, { current: KEY, previous: OTHER }, expected).sub).toBe('user-1');
    expect(reason(() => verifyToken(token, { current: KEY }, expected))).toBe('bad signature');
  });

  it('rejects expired, wrong-issuer, wrong-use, tampered and malformed tokens', () => {
    const token = signToken(claims, KEY);
    expect(reason(() => verifyToken(token, { current: KEY }, { ...expected, nowSeconds: 2000 }))).toBe('expired');
    expect(reason(() => verifyToken(token, { current: KEY }, { ...expected, issuer: 'https://evil' }))).toBe('wrong issuer');
    expect(reason(() => verifyToken(token, { current: KEY }, { ...expected, use: 'refresh' }))).toBe('wrong token use');
    const [header, , signature] = token.split('.');
    const forged = header + '.' + Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url') + '.' + signature;
    expect(reason(() => verifyToken(forged, { current: KEY }, expected))).toBe('bad signature');
    expect(reason(() => verifyToken('a.b', { current: KEY }, expected))).toBe('malformed token');
  });

  it('reads the bearer token of an Authorization header', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
