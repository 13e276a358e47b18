import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { HttpError, isRecord } from '../lib/http.js';

export interface BrandInput {
  name: string;
  website?: string;
  description?: string;
}

export const ASSET_KINDS = ['logo', 'wordmark', 'icon', 'palette', 'typeface', 'guideline'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export interface AssetInput {
  kind: AssetKind;
  name: string;
  /** Where the file lives (S3 / CloudFront); the API stores metadata, never the file itself. */
  url: string;
}

export interface PageRequest {
  limit: number;
  startKey?: Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string, max: number, problems: string[]): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    problems.push(field + ' must be a non-empty string of at most ' + max + ' characters');
    return undefined;
  }
  return value.trim();
}

function httpsUrl(body: Record<string, unknown>, field: string, problems: string[]): string | undefined {
  const value = text(body, field, 2048, problems);
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:') {
    problems.push(field + ' must be an https URL');
    return undefined;
  }
  return value;
}

function reject(problems: string[]): never {
  throw new HttpError(400, 'invalid request body', problems);
}

export function parseBrandInput(body: unknown): BrandInput {
  if (!isRecord(body)) reject(['body must be a JSON object']);
  const problems: string[] = [];
  const name = text(body, 'name', 100, problems);
  const website = httpsUrl(body, 'website', problems);
  const description = text(body, 'description', 1000, problems);
  if (name === undefined && problems.length === 0) problems.push('name is required');
  if (problems.length > 0 || name === undefined) reject(problems);
  return { name, website, description };
}

export function parseAssetInput(body: unknown): AssetInput {
  if (!isRecord(body)) reject(['body must be a JSON object']);
  const problems: string[] = [];
  const kind = body.kind;
  if (typeof kind !== 'string' || !(ASSET_KINDS as readonly string[]).includes(kind)) {
    problems.push('kind must be one of ' + ASSET_KINDS.join(', '));
  }
  const name = text(body, 'name', 200, problems);
  const url = httpsUrl(body, 'url', problems);
  if (name === undefined) problems.push('name is required');
  if (url === undefined) problems.push('url is required');
  if (problems.length > 0 || name === undefined || url === undefined) reject(problems);
  return { kind: kind as AssetKind, name, url };
}

const MAX_CURSOR_LENGTH = 1024;

/**
 * `?limit=` (1-100, default 25) and `?cursor=` (opaque, from the previous page's `next`).
 * `isValidKey` checks that a decoded cursor belongs to this query, so a tampered cursor is a 400
 * rather than a DynamoDB ValidationException.
 */
export function parsePageRequest(
  event: APIGatewayProxyEventV2,
  isValidKey: (key: Record<string, unknown>) => boolean,
): PageRequest {
  const query = event.queryStringParameters ?? {};
  const limit = query.limit === undefined ? 25 : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new HttpError(400, 'limit must be an integer between 1 and 100');
  }
  const cursor = query.cursor;
  if (cursor === undefined) return { limit };
  if (cursor.length > MAX_CURSOR_LENGTH) throw new HttpError(400, 'cursor is malformed');
  try {
    const startKey: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!isRecord(startKey) || !isValidKey(startKey)) throw new Error('cursor does not match the query');
    return { limit, startKey };
  } catch {
    throw new HttpError(400, 'cursor is malformed');
  }
}

export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | null {
  return lastKey ? Buffer.from(JSON.stringify(lastKey)).toString('base64url') : null;
}
