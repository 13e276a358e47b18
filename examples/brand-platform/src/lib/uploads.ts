/**
 * Upload flow: a client asks `generate-upload-url` for a pre-signed PUT (or sends a small file to
 * `handle-small-upload`), the file lands in the uploads bucket under
 * `uploads/<brandId>/<kind>/<assetId>`, and `process-upload` turns it into a brand asset. Every
 * fact `process-upload` needs is in the key, so processing a redelivered event does the same thing.
 */
import { randomUUID } from 'node:crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { ASSET_KINDS, type AssetKind } from '../brand-api/validation.js';
import { requireEnv } from './env.js';
import { HttpError, isRecord } from './http.js';

/** Created once per execution environment and reused. */
export const s3 = new S3Client({});

export const UPLOADS_BUCKET = requireEnv('UPLOADS_BUCKET');
export const UPLOAD_PREFIX = 'uploads/';

/** What a brand may upload; anything else is refused before a URL is signed. */
export const ALLOWED_CONTENT_TYPES: ReadonlySet<string> = new Set(['image/png', 'image/jpeg', 'image/svg+xml', 'image/webp', 'application/pdf']);

export interface UploadRequest {
  kind: AssetKind;
  contentType: string;
}

export function parseUploadRequest(body: unknown): UploadRequest {
  if (!isRecord(body) || typeof body.kind !== 'string' || typeof body.contentType !== 'string') {
    throw new HttpError(400, 'body must be {"kind": "...", "contentType": "..."}');
  }
  const kind = ASSET_KINDS.find((k) => k === body.kind);
  if (kind === undefined) throw new HttpError(400, 'kind must be one of ' + ASSET_KINDS.join(', '));
  const contentType = body.contentType.toLowerCase();
  if (!ALLOWED_CONTENT_TYPES.has(contentType)) {
    throw new HttpError(415, 'contentType must be one of ' + [...ALLOWED_CONTENT_TYPES].join(', '));
  }
  return { kind, contentType };
}

export interface UploadKey {
  brandId: string;
  kind: AssetKind;
  assetId: string;
}

export function newUploadKey(brandId: string, kind: AssetKind): { key: string; assetId: string } {
  const assetId = randomUUID();
  return { key: UPLOAD_PREFIX + brandId + '/' + kind + '/' + assetId, assetId };
}

const KEY = /^uploads\/([0-9a-f-]{36})\/([a-z]+)\/([0-9a-f-]{36})$/;

/** The parts of an upload key, or undefined for an object that did not come through the API. */
export function parseUploadKey(key: string): UploadKey | undefined {
  const match = KEY.exec(key);
  if (!match) return undefined;
  const kind = ASSET_KINDS.find((k) => k === match[2]);
  return kind === undefined ? undefined : { brandId: match[1]!, kind, assetId: match[3]! };
}
