/**
 * `handle-small-upload`: a file of at most 1 MiB sent inline as Base64 JSON, for clients that
 * cannot do a second request. Larger files get a 413 that points at the pre-signed URL route; the
 * size is checked on the encoded text before anything is decoded.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { BRAND_SK, TABLE_NAME, brandPk, ddb } from '../lib/dynamo.js';
import { HttpError, isRecord, json, parseJsonBody, rejectOrRethrow, uuidParam } from '../lib/http.js';
import { logger } from '../lib/logger.js';
import { UPLOADS_BUCKET, newUploadKey, parseUploadRequest, s3 } from '../lib/uploads.js';

export const MAX_INLINE_BYTES = 1024 * 1024;
const MAX_BASE64_CHARS = Math.ceil(MAX_INLINE_BYTES / 3) * 4;
/** The JSON envelope around the Base64 data. */
const MAX_REQUEST_BYTES = MAX_BASE64_CHARS + 1024;

const TOO_LARGE = 'inline uploads are limited to ' + MAX_INLINE_BYTES + ' bytes; request an upload URL instead';

export function decodeInlineFile(body: unknown): Buffer {
  if (!isRecord(body) || typeof body.data !== 'string' || body.data === '') {
    throw new HttpError(400, 'body must hold "data": "<Base64-encoded file>"');
  }
  if (body.data.length > MAX_BASE64_CHARS) throw new HttpError(413, TOO_LARGE);
  const bytes = Buffer.from(body.data, 'base64');
  if (bytes.byteLength === 0) throw new HttpError(400, 'data is not Base64');
  if (bytes.byteLength > MAX_INLINE_BYTES) throw new HttpError(413, TOO_LARGE);
  return bytes;
}

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const log = logger.child({ routeKey: event.routeKey });
  try {
    const brandId = uuidParam(event, 'id');
    let body: unknown;
    try {
      body = parseJsonBody(event, MAX_REQUEST_BYTES);
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 413) throw new HttpError(413, TOO_LARGE);
      throw err;
    }
    const { kind, contentType } = parseUploadRequest(body);
    const file = decodeInlineFile(body);
    const brand = await ddb.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: brandPk(brandId), sk: BRAND_SK }, ProjectionExpression: 'pk' }));
    if (!brand.Item) throw new HttpError(404, 'brand not found');
    const { key, assetId } = newUploadKey(brandId, kind);
    await s3.send(new PutObjectCommand({ Bucket: UPLOADS_BUCKET, Key: key, Body: file, ContentType: contentType }));
    log.info('inline upload stored', { brandId, assetId, kind, contentType, bytes: file.byteLength });
    // 202: the asset appears once process-upload has handled the object.
    return json(202, { assetId, status: 'processing' });
  } catch (err) {
    return rejectOrRethrow(err, log);
  }
};
