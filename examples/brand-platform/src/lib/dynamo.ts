import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One DynamoDB client per execution environment: created during init, reused by every
 * invocation (connection reuse, no per-request TLS handshake, no per-request credential lookup).
 */
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error('missing required environment variable ' + name);
  return value;
}

/** Single-table design: a brand and its assets share the partition `BRAND#<id>`. */
export const TABLE_NAME = requireEnv('TABLE_NAME');

/** GSI listing every brand ordered by name (`gsi1pk = BRANDS`, `gsi1sk = <name>#<id>`). */
export const BRANDS_INDEX = 'gsi1';
export const BRAND_LIST_PK = 'BRANDS';
export const BRAND_SK = 'BRAND';
export const ASSET_SK_PREFIX = 'ASSET#';

export const brandPk = (brandId: string): string => 'BRAND#' + brandId;
export const assetSk = (assetId: string): string => ASSET_SK_PREFIX + assetId;
export const brandListSk = (name: string, brandId: string): string =>
  name.trim().toLowerCase() + '#' + brandId;
