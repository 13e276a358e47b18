import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.TABLE_NAME = 'brands';
  process.env.AUTH_CONFIG_PARAMETER = '/brand-platform/test/auth-config';
  process.env.SIGNING_KEY_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key';
  process.env.AWS_REGION = 'eu-west-1';
});

const { handler } = await import('./handler.js');
const { handler: authorize } = await import('./authorizer.js');
const { hashPassword } = await import('../lib/passwords.js');

const ddb = mockClient(DynamoDBDocumentClient);
const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const KEY = 'test-signing-key-'.padEnd(48, 'x');
const context = { awsRequestId: 'req-1' } as Context;

function request(routeKey: string, body: unknown): APIGatewayProxyEventV2 {
  return { routeKey, body: JSON.stringify(body), isBase64Encoded: false, headers: {} } as unknown as APIGatewayProxyEventV2;
}

async function call(routeKey: string, body: unknown): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const result = (await handler(request(routeKey, body), context, () => undefined)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: result.statusCode ?? 0, body: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
}

beforeEach(() => {
  ddb.reset();
  ssm.reset();
  secrets.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ issuer: 'https://brand-platform/test' }) } });
  secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: KEY });
  secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(Object.assign(new Error('no previous'), { name: 'ResourceNotFoundException' }));
});

describe('auth', () => {
  it('registers a user with a conditional put (no overwrite) and returns a token pair', async () => {
    ddb.on(PutCommand).resolves({});
    const r = await call('POST /api/auth/register', { email: 'Ada@Example.com', password: 'correct horse battery' });
    expect(r.statusCode).toBe(201);
    expect(r.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    const user = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(user.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(user.Item).toMatchObject({ pk: 'USER#ada@example.com', email: 'ada@example.com' });
    expect(String(user.Item?.passwordHash)).toMatch(/^scrypt\$/);
  });

  it('answers 409 for an existing account and 400 for a short password', async () => {
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    expect((await call('POST /api/auth/register', { email: 'ada@example.com', password: 'correct horse battery' })).statusCode).toBe(409);
    expect((await call('POST /api/auth/register', { email: 'ada@example.com', password: 'short' })).statusCode).toBe(400);
  });

  it('logs in with the right password only; the access token passes the authorizer', async () => {
    const passwordHash = await hashPassword('correct horse battery');
    ddb.on(GetCommand).resolves({ Item: { userId: 'u-1', passwordHash } });
    ddb.on(PutCommand).resolves({});
    expect((await call('POST /api/auth/login', { email: 'ada@example.com', password: 'wrong password here' })).statusCode).toBe(401);
    const ok = await call('POST /api/auth/login', { email: 'ada@example.com', password: 'correct horse battery' });
    expect(ok.statusCode).toBe(200);
    const event = { headers: { authorization: 'Bearer ' + String(ok.body.accessToken) }, routeArn: 'arn' } as unknown as APIGatewayRequestAuthorizerEventV2;
    expect(await authorize(event)).toEqual({ isAuthorized: true, context: { userId: 'u-1' } });
    // A refresh token is not an access token.
    const refresh = { ...event, headers: { authorization: 'Bearer ' + String(ok.body.refreshToken) } };
    expect(await authorize(refresh)).toEqual({ isAuthorized: false, context: {} });
  });

  it('answers 401 for an unknown user (and still compares a hash)', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await call('POST /api/auth/login', { email: 'nobody@example.com', password: 'correct horse battery' })).statusCode).toBe(401);
  });

  it('exchanges a refresh token once: the stored id is deleted conditionally, a reuse is 401', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(GetCommand).resolves({ Item: { userId: 'u-1', passwordHash: await hashPassword('correct horse battery') } });
    const login = await call('POST /api/auth/login', { email: 'ada@example.com', password: 'correct horse battery' });
    const refreshToken = String(login.body.refreshToken);
    ddb.on(DeleteCommand).resolvesOnce({}).rejects(new ConditionalCheckFailedException({ message: 'gone', $metadata: {} }));
    const first = await call('POST /api/auth/token', { refreshToken });
    expect(first.statusCode).toBe(200);
    const del = ddb.commandCalls(DeleteCommand)[0]!.args[0].input;
    expect(del.ConditionExpression).toBe('attribute_exists(pk) AND userId = :userId');
    expect(del.ExpressionAttributeValues).toEqual({ ':userId': 'u-1' });
    expect((await call('POST /api/auth/token', { refreshToken })).statusCode).toBe(401);
    expect((await call('POST /api/auth/token', { refreshToken: 'not.a.token' })).statusCode).toBe(401);
  });

  it('reads the configuration and the signing key once per execution environment', async () => {
    ddb.on(GetCommand).resolves({});
    await call('POST /api/auth/login', { email: 'a@example.com', password: 'correct horse battery' });
    const event = { headers: { authorization: 'Bearer x.y.z' }, routeArn: 'arn' } as unknown as APIGatewayRequestAuthorizerEventV2;
    await authorize(event);
    await authorize(event);
    // Earlier tests of this module loaded both already: no call since.
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
