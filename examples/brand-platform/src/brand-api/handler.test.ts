import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  Object.assign(process.env, {
    TABLE_NAME: 'brands',
    ONBOARDING_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:onboarding',
    AWS_REGION: 'eu-west-1',
  });
});

const { handler } = await import('./handler.js');

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
const BRAND = '0b5b0c55-35a1-4d59-8f39-8d3c1e0d7a11';
const context = { awsRequestId: 'req-1' } as Context;

async function call(routeKey: string, extra: Partial<APIGatewayProxyEventV2> = {}): Promise<{ statusCode: number; body: Record<string, unknown> }> {
  const event = { routeKey, pathParameters: { id: BRAND }, isBase64Encoded: false, headers: {}, ...extra } as APIGatewayProxyEventV2;
  const r = (await handler(event, context, () => undefined)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: r.statusCode ?? 0, body: r.body ? (JSON.parse(r.body) as Record<string, unknown>) : {} };
}

beforeEach(() => {
  ddb.reset();
  sfn.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  for (const level of ['info', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation(() => undefined);
});

describe('brand-api-standard', () => {
  it('counts a view with an atomic ADD on the counter item, not on the brand item', async () => {
    ddb.on(GetCommand).resolves({ Item: { pk: 'BRAND#' + BRAND, sk: 'BRAND', id: BRAND, name: 'Acme' } });
    ddb.on(UpdateCommand).resolves({ Attributes: { views: 42 } });
    const r = await call('GET /api/brands/{id}');
    expect(r).toEqual({ statusCode: 200, body: { id: BRAND, name: 'Acme', views: 42 } });
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'BRAND#' + BRAND, sk: 'COUNTERS' },
      UpdateExpression: 'ADD #views :one',
      ExpressionAttributeValues: { ':one': 1 },
    });
  });

  it('does not count views of a brand that does not exist', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await call('GET /api/brands/{id}')).statusCode).toBe(404);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('creates a brand with a conditional put and starts its onboarding, named after the brand', async () => {
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec' });
    const r = await call('POST /api/brands', { body: JSON.stringify({ name: 'Acme', website: 'https://acme.example' }) });
    expect(r.statusCode).toBe(201);
    const id = String(r.body.id);
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:onboarding',
      name: id,
      input: JSON.stringify({ brandId: id }),
    });
  });

  it('lists brands from the GSI with validated pagination', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'BRAND#1', sk: 'BRAND', gsi1pk: 'BRANDS', gsi1sk: 'acme#1', id: '1', name: 'Acme' }] });
    const r = await call('GET /api/brands', { queryStringParameters: { limit: '10' } });
    expect(r).toEqual({ statusCode: 200, body: { items: [{ id: '1', name: 'Acme' }], next: null } });
    expect(ddb.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({ IndexName: 'gsi1', Limit: 10 });
    expect((await call('GET /api/brands', { queryStringParameters: { limit: '1000' } })).statusCode).toBe(400);
  });

  it('answers 404 for an unknown route, a route key named like an Object property included', async () => {
    expect((await call('GET /api/unknown')).statusCode).toBe(404);
    expect((await call('constructor')).statusCode).toBe(404);
    expect((await call('__proto__')).statusCode).toBe(404);
  });
});
