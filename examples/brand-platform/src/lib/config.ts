/**
 * Configuration read from SSM Parameter Store and Secrets Manager at run time, never through
 * environment variables (which anyone with lambda:GetFunctionConfiguration can read in plain text).
 *
 * Each value is fetched once per execution environment, on first use, and the promise is memoised,
 * so concurrent first callers share one request and later invocations pay nothing. A failed fetch
 * is not memoised: the next invocation tries again. Execution environments are recycled within
 * hours, which bounds how long a rotated secret keeps its old value; `verifyToken` accepts the
 * previous signing key too, so a rotation never logs anybody out.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { requireEnv } from './env.js';

const ssm = new SSMClient({});
const secrets = new SecretsManagerClient({});

export interface AuthConfig {
  issuer: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
}

export interface SigningKeys {
  current: string;
  previous?: string;
}

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

export function parseAuthConfig(text: string): AuthConfig {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (typeof raw.issuer !== 'string' || raw.issuer === '') throw new Error('auth config: issuer is required');
  return {
    issuer: raw.issuer,
    accessTokenTtlSeconds: positiveInt(raw.accessTokenTtlSeconds, 15 * 60),
    refreshTokenTtlSeconds: positiveInt(raw.refreshTokenTtlSeconds, 30 * 24 * 3600),
  };
}

async function loadAuthConfig(): Promise<AuthConfig> {
  const result = await ssm.send(new GetParameterCommand({ Name: requireEnv('AUTH_CONFIG_PARAMETER') }));
  const text = result.Parameter?.Value;
  if (text === undefined) throw new Error('auth config parameter has no value');
  return parseAuthConfig(text);
}

async function secretVersion(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<string | undefined> {
  try {
    const result = await secrets.send(
      new GetSecretValueCommand({ SecretId: requireEnv('SIGNING_KEY_SECRET_ARN'), VersionStage: stage }),
    );
    return result.SecretString;
  } catch (err) {
    // A secret that was never rotated has no AWSPREVIOUS version.
    if (stage === 'AWSPREVIOUS' && err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

async function loadSigningKeys(): Promise<SigningKeys> {
  const [current, previous] = await Promise.all([secretVersion('AWSCURRENT'), secretVersion('AWSPREVIOUS')]);
  if (current === undefined || current.length < 32) throw new Error('signing key secret must hold at least 32 characters');
  return previous === undefined ? { current } : { current, previous };
}

let authConfigPromise: Promise<AuthConfig> | undefined;
let signingKeysPromise: Promise<SigningKeys> | undefined;

/** The auth settings, fetched on first use in this environment (a failed fetch is retried next time). */
export function authConfig(): Promise<AuthConfig> {
  authConfigPromise ??= loadAuthConfig().catch((err: unknown) => {
    authConfigPromise = undefined;
    throw err;
  });
  return authConfigPromise;
}

/** The token signing keys, fetched on first use in this environment (a failed fetch is retried next time). */
export function signingKeys(): Promise<SigningKeys> {
  signingKeysPromise ??= loadSigningKeys().catch((err: unknown) => {
    signingKeysPromise = undefined;
    throw err;
  });
  return signingKeysPromise;
}
