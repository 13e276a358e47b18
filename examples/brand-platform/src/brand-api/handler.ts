import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import {
  ASSET_SK_PREFIX,
  BRAND_LIST_PK,
  BRAND_SK,
  BRANDS_INDEX,
  COUNTERS_SK,
  TABLE_NAME,
  assetSk,
  brandListSk,
  brandPk,
  ddb,
} from '../lib/dynamo.js';
import { HttpError, json, noContent, parseJsonBody, uuidParam } from '../lib/http.js';
import { requireEnv } from '../lib/env.js';
import { type Route, type RouteTable, dispatch } from '../lib/router.js';
import { encodeCursor, parseAssetInput, parseBrandInput, parsePageRequest } from './validation.js';

type Item = Record<string, unknown>;

/** The brand-onboarding workflow, started for every new brand; one client per environment. */
const sfn = new SFNClient({});
const ONBOARDING_STATE_MACHINE_ARN = requireEnv('ONBOARDING_STATE_MACHINE_ARN');

/** Strips the storage keys (pk, sk, gsi1pk, gsi1sk) from an item before it is returned. */
function toDto(item: Item): Item {
  const { pk: _pk, sk: _sk, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...rest } = item;
  return rest;
}

async function getBrandItem(brandId: string): Promise<Item> {
  const result = await ddb.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: brandPk(brandId), sk: BRAND_SK } }));
  if (!result.Item) throw new HttpError(404, 'brand not found');
  return result.Item;
}

/** Runs a conditional write; a failed condition means the item is missing (404) or exists (409). */
async function conditional<T>(write: () => Promise<T>, status: 404 | 409, message: string): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) throw new HttpError(status, message);
    throw err;
  }
}

const listBrands: Route = async (event) => {
  const page = parsePageRequest(event, (key) => key.gsi1pk === BRAND_LIST_PK && typeof key.gsi1sk === 'string');
  const result = await ddb.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      IndexName: BRANDS_INDEX,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': BRAND_LIST_PK },
      Limit: page.limit,
      ExclusiveStartKey: page.startKey,
    }),
  );
  return json(200, { items: (result.Items ?? []).map(toDto), next: encodeCursor(result.LastEvaluatedKey) });
};

const createBrand: Route = async (event, log, metrics) => {
  const input = parseBrandInput(parseJsonBody(event));
  const id = randomUUID();
  const now = new Date().toISOString();
  const item: Item = {
    pk: brandPk(id),
    sk: BRAND_SK,
    gsi1pk: BRAND_LIST_PK,
    gsi1sk: brandListSk(input.name, id),
    id,
    ...input,
    createdAt: now,
    updatedAt: now,
  };
  await conditional(
    () =>
      ddb.send(new PutCommand({ TableName: TABLE_NAME, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    409,
    'brand already exists',
  );
  // The execution name is the brand id: starting it again (a client retry) cannot start a second one.
  await sfn.send(
    new StartExecutionCommand({ stateMachineArn: ONBOARDING_STATE_MACHINE_ARN, name: id, input: JSON.stringify({ brandId: id }) }),
  );
  metrics.add('BrandCreated', 1, 'Count');
  log.info('brand created', { brandId: id });
  return json(201, toDto(item), { location: '/api/brands/' + id });
};

/**
 * Request counter: an atomic `ADD` on the brand's counter item, so concurrent readers in different
 * execution environments never lose an increment (a read-modify-write would). The counter lives
 * beside the brand item, not on it, so counting views does not wake the brand-update stream.
 */
async function countView(brandId: string): Promise<number> {
  const result = await ddb.send(
    new UpdateCommand({
      TableName: TABLE_NAME,
      Key: { pk: brandPk(brandId), sk: COUNTERS_SK },
      UpdateExpression: 'ADD #views :one',
      ExpressionAttributeNames: { '#views': 'views' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const views = result.Attributes?.views;
  return typeof views === 'number' ? views : 0;
}

const getBrand: Route = async (event) => {
  const id = uuidParam(event, 'id');
  const brand = await getBrandItem(id);
  const views = await countView(id);
  return json(200, { ...toDto(brand), views });
};

const updateBrand: Route = async (event, log) => {
  const id = uuidParam(event, 'id');
  const input = parseBrandInput(parseJsonBody(event));
  const names: Record<string, string> = { '#name': 'name', '#gsi1sk': 'gsi1sk', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = {
    ':name': input.name,
    ':gsi1sk': brandListSk(input.name, id),
    ':now': new Date().toISOString(),
  };
  const set = ['#name = :name', '#gsi1sk = :gsi1sk', '#updatedAt = :now'];
  const remove: string[] = [];
  for (const field of ['website', 'description'] as const) {
    names['#' + field] = field;
    const value = input[field];
    if (value === undefined) {
      remove.push('#' + field);
    } else {
      set.push('#' + field + ' = :' + field);
      values[':' + field] = value;
    }
  }
  const result = await conditional(
    () =>
      ddb.send(
        new UpdateCommand({
          TableName: TABLE_NAME,
          Key: { pk: brandPk(id), sk: BRAND_SK },
          UpdateExpression: 'SET ' + set.join(', ') + (remove.length > 0 ? ' REMOVE ' + remove.join(', ') : ''),
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    404,
    'brand not found',
  );
  log.info('brand updated', { brandId: id });
  return json(200, toDto(result.Attributes ?? {}));
};

const deleteBrand: Route = async (event, log) => {
  const id = uuidParam(event, 'id');
  const assets = await ddb.send(
    new QueryCommand({
      TableName: TABLE_NAME,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': brandPk(id), ':prefix': ASSET_SK_PREFIX },
      ProjectionExpression: 'sk',
      Limit: 1,
    }),
  );
  if ((assets.Items ?? []).length > 0) throw new HttpError(409, 'delete the brand assets first');
  await conditional(
    () =>
      ddb.send(
        new DeleteCommand({
          TableName: TABLE_NAME,
          Key: { pk: brandPk(id), sk: BRAND_SK },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    404,
    'brand not found',
  );
  await ddb.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: brandPk(id), sk: COUNTERS_SK } }));
  log.info('brand deleted', { brandId: id });
  return noContent();
};

const listAssets: Route = async (event) => {
  const id = uuidParam(event, 'id');
  const page = parsePageRequest(
    event,
    (key) => key.pk === brandPk(id) && typeof key.sk === 'string' && key.sk.startsWith(ASSET_SK_PREFIX),
  );
  const [, result] = await Promise.all([
    getBrandItem(id),
    ddb.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': brandPk(id), ':prefix': ASSET_SK_PREFIX },
        Limit: page.limit,
        ExclusiveStartKey: page.startKey,
      }),
    ),
  ]);
  return json(200, { items: (result.Items ?? []).map(toDto), next: encodeCursor(result.LastEvaluatedKey) });
};

const createAsset: Route = async (event, log, metrics) => {
  const brandId = uuidParam(event, 'id');
  const input = parseAssetInput(parseJsonBody(event));
  await getBrandItem(brandId);
  const assetId = randomUUID();
  const item: Item = { pk: brandPk(brandId), sk: assetSk(assetId), assetId, brandId, ...input, createdAt: new Date().toISOString() };
  await conditional(
    () =>
      ddb.send(new PutCommand({ TableName: TABLE_NAME, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    409,
    'asset already exists',
  );
  metrics.add('AssetCreated', 1, 'Count', { kind: input.kind });
  log.info('asset created', { brandId, assetId, kind: input.kind });
  return json(201, toDto(item), { location: '/api/brands/' + brandId + '/assets/' + assetId });
};

const deleteAsset: Route = async (event, log) => {
  const brandId = uuidParam(event, 'id');
  const assetId = uuidParam(event, 'assetId');
  await conditional(
    () =>
      ddb.send(
        new DeleteCommand({
          TableName: TABLE_NAME,
          Key: { pk: brandPk(brandId), sk: assetSk(assetId) },
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ),
    404,
    'asset not found',
  );
  log.info('asset deleted', { brandId, assetId });
  return noContent();
};

/** Upper bound on the pages read for one stats request, to stay well inside the 10 s timeout. */
const MAX_STATS_PAGES = 10;

const brandStats: Route = async (event) => {
  const id = uuidParam(event, 'id');
  const [brand, counters] = await Promise.all([
    getBrandItem(id),
    ddb.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: brandPk(id), sk: COUNTERS_SK } })),
  ]);
  const byKind: Record<string, number> = {};
  let total = 0;
  let pages = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: TABLE_NAME,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':pk': brandPk(id), ':prefix': ASSET_SK_PREFIX },
        ProjectionExpression: '#kind',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const kind = String(item.kind);
      byKind[kind] = (byKind[kind] ?? 0) + 1;
      total += 1;
    }
    startKey = page.LastEvaluatedKey;
    pages += 1;
  } while (startKey !== undefined && pages < MAX_STATS_PAGES);
  return json(200, {
    brandId: id,
    assets: { total, byKind, complete: startKey === undefined },
    views: counters.Item?.views ?? 0,
    logo: brand.logo ?? null,
    updatedAt: brand.updatedAt,
  });
};

/** Route table: the HTTP API route key (`METHOD /path/{param}`) selects the function. */
const routes: RouteTable = Object.freeze({
  'GET /api/brands': listBrands,
  'POST /api/brands': createBrand,
  'GET /api/brands/{id}': getBrand,
  'PUT /api/brands/{id}': updateBrand,
  'DELETE /api/brands/{id}': deleteBrand,
  'GET /api/brands/{id}/assets': listAssets,
  'POST /api/brands/{id}/assets': createAsset,
  'DELETE /api/brands/{id}/assets/{assetId}': deleteAsset,
  'GET /api/brands/{id}/stats': brandStats,
});

export const handler: APIGatewayProxyHandlerV2 = (event, context) => dispatch(routes, event, context);
