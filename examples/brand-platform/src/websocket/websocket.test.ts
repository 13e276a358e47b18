import { ApiGatewayManagementApiClient, GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'brands',
    AUTH_CONFIG_PARAMETER: '/brand-platform/test/auth-config',
    SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:key',
    WEBSOCKET_ENDPOINT: 'https://ws.example.com/test',
    AWS_REGION: 'eu-west-1',
  });
});

const connections = await import('./connections.js');
const broadcast = await import('./broadcast.js');
const { signToken } = await import('../lib/tokens.js');

const ddb = mockClient(DynamoDBDocumentClient);
const api = mockClient(ApiGatewayManagementApiClient);
const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const KEY = 'test-signing-key-'.padEnd(48, 'x');
const ISSUER = 'https://brand-platform/test';
const BRAND = '0b5b0c55-35a1-4d59-8f39-8d3c1e0d7a11';
const context = { awsRequestId: 'req-1' } as Context;

type WsEvent = Parameters<typeof connections.handler>[0];
const ws = (routeKey: string, extra: Partial<WsEvent> = {}): WsEvent =>
  ({ requestContext: { routeKey, connectionId: 'conn-1' }, ...extra }) as WsEvent;

beforeEach(() => {
  for (const m of [ddb, api, ssm, secrets]) m.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: JSON.stringify({ issuer: ISSUER }) } });
  secrets.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: KEY });
  secrets.on(GetSecretValueCommand, { VersionStage: 'AWSPREVIOUS' }).rejects(Object.assign(new Error('none'), { name: 'ResourceNotFoundException' }));
});

describe('websocket-connections', () => {
  it('$connect stores the connection of a valid access token, with a TTL', async () => {
    ddb.on(PutCommand).resolves({});
    const now = Math.floor(Date.now() / 1000);
    const token = signToken({ iss: ISSUER, sub: 'u-1', use: 'access', jti: 'j', iat: now, exp: now + 60 }, KEY);
    expect(await connections.handler(ws('$connect', { queryStringParameters: { token } }))).toEqual({ statusCode: 200 });
    const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    expect(item).toMatchObject({ pk: 'CONNECTION#conn-1', userId: 'u-1' });
    expect(item.expiresAt).toBeGreaterThan(now + 7200);
  });

  it('$connect refuses a missing or invalid token with 401 and stores nothing', async () => {
    expect((await connections.handler(ws('$connect'))) as { statusCode: number }).toMatchObject({ statusCode: 401 });
    expect((await connections.handler(ws('$connect', { queryStringParameters: { token: 'a.b.c' } }))) as { statusCode: number }).toMatchObject({ statusCode: 401 });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('$default subscribes the connection to a brand through the GSI keys', async () => {
    ddb.on(UpdateCommand).resolves({});
    await connections.handler(ws('$default', { body: JSON.stringify({ action: 'subscribe', brandId: BRAND }) }));
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'CONNECTION#conn-1', sk: 'CONNECTION' },
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#' + BRAND, ':sk': 'conn-1' },
    });
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'gone', $metadata: {} }));
    expect(await connections.handler(ws('$default', { body: JSON.stringify({ action: 'unsubscribe', brandId: BRAND }) }))).toMatchObject({ statusCode: 410 });
    expect(await connections.handler(ws('$default', { body: '{"action":"shout"}' }))).toMatchObject({ statusCode: 400 });
  });

  it('$disconnect deletes the connection', async () => {
    ddb.on(DeleteCommand).resolves({});
    await connections.handler(ws('$disconnect'));
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({ pk: 'CONNECTION#conn-1', sk: 'CONNECTION' });
  });
});

describe('broadcast-brand-update', () => {
  const stream = (...ids: string[]): DynamoDBStreamEvent => ({
    Records: ids.map((id, i) => ({ eventName: 'MODIFY', dynamodb: { SequenceNumber: String(i + 1), NewImage: { id: { S: id }, name: { S: 'Acme' }, updatedAt: { S: '2026-11-28' } } } })),
  });

  it('queries the GSI for subscribers, sends the update and deletes connections that are gone', async () => {
    ddb.on(QueryCommand).resolvesOnce({ Items: [{ connectionId: 'a' }], LastEvaluatedKey: { pk: 'x' } }).resolves({ Items: [{ connectionId: 'b' }] });
    api.on(PostToConnectionCommand, { ConnectionId: 'a' }).resolves({});
    api.on(PostToConnectionCommand, { ConnectionId: 'b' }).rejects(new GoneException({ message: 'gone', $metadata: {} }));
    ddb.on(DeleteCommand).resolves({});
    expect(await broadcast.handler(stream(BRAND), context)).toEqual({ batchItemFailures: [] });
    const query = ddb.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: 'gsi1', ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#' + BRAND } });
    expect(ddb.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey).toEqual({ pk: 'x' });
    const sent = JSON.parse(Buffer.from(api.commandCalls(PostToConnectionCommand)[0]!.args[0].input.Data as Uint8Array).toString());
    expect(sent).toEqual({ type: 'brand.updated', brandId: BRAND, name: 'Acme', updatedAt: '2026-11-28' });
    expect(ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([{ pk: 'CONNECTION#b', sk: 'CONNECTION' }]);
  });

  it('reports the first failed record so the batch resumes from it', async () => {
    const other = '1c6f4a3e-8b2d-4e5f-9a1b-2c3d4e5f6a7b';
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#' + BRAND } }).resolves({ Items: [] });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'SUBSCRIBERS#' + other } }).rejects(new Error('throttled'));
    expect(await broadcast.handler(stream(BRAND, other, BRAND), context)).toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
  });
});
