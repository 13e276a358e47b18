import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from './env.js';

/**
 * One DynamoDB client per execution environment: created during init, reused by every
 * invocation (connection reuse, no per-request TLS handshake, no per-request credential lookup).
 */
export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** Single-table design: a brand and its assets share the partition `BRAND#<id>`. */
export const TABLE_NAME = requireEnv('TABLE_NAME');

/** GSI listing every brand ordered by name (`gsi1pk = BRANDS`, `gsi1sk = <name>#<id>`). */
export const BRANDS_INDEX = 'gsi1';
export const BRAND_LIST_PK = 'BRANDS';
export const BRAND_SK = 'BRAND';
/** The brand's counters (views), beside the brand item so that counting does not touch it. */
export const COUNTERS_SK = 'COUNTERS';
export const ASSET_SK_PREFIX = 'ASSET#';

export const brandPk = (brandId: string): string => 'BRAND#' + brandId;
export const assetSk = (assetId: string): string => ASSET_SK_PREFIX + assetId;
export const brandListSk = (name: string, brandId: string): string =>
  name.trim().toLowerCase() + '#' + brandId;

/** Users: `USER#<email>`; refresh tokens: `REFRESH#<token id>` (expired by the table's TTL). */
export const USER_SK = 'USER';
export const REFRESH_SK = 'REFRESH';
export const userPk = (email: string): string => 'USER#' + email;
export const refreshPk = (tokenId: string): string => 'REFRESH#' + tokenId;

/**
 * WebSocket connections: `CONNECTION#<id>`. A connection that follows a brand is also in the
 * overloaded GSI under `gsi1pk = SUBSCRIBERS#<brandId>`, which the broadcast queries.
 */
export const CONNECTION_SK = 'CONNECTION';
export const connectionPk = (connectionId: string): string => 'CONNECTION#' + connectionId;
export const subscribersPk = (brandId: string): string => 'SUBSCRIBERS#' + brandId;
