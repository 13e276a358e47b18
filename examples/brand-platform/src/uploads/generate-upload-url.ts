/**
 * `generate-upload-url`: a pre-signed S3 PUT for one file, valid 15 minutes, bound to a content
 * type from the allowlist (S3 rejects the upload if the client sends another one). The file never
 * passes through Lambda, so its size is not limited by the 6 MB payload limit.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { BRAND_SK, TABLE_NAME, brandPk, ddb } from '../lib/dynamo.js';
import { HttpError, json, parseJsonBody, rejectOrRethrow, uuidParam } from '../lib/http.js';
import { logger } from '../lib/logger.js';
import { UPLOADS_BUCKET, newUploadKey, parseUploadRequest } from '../lib/uploads.js';

export const UPLOAD_URL_TTL_SECONDS = 15 * 60;

/**
 * A client for signing only, created once: by default the SDK would sign the CRC32 checksum of the
 * (empty) body it sees at signing time into the URL, and S3 would reject the real upload.
 */
const presigner = new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED' });

export const handler: APIGatewayProxyHandlerV2 = async (event) => {
  const log = logger.child({ routeKey: event.routeKey });
  try {
    const brandId = uuidParam(event, 'id');
    const { kind, contentType } = parseUploadRequest(parseJsonBody(event));
    const brand = await ddb.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: brandPk(brandId), sk: BRAND_SK }, ProjectionExpression: 'pk' }));
    if (!brand.Item) throw new HttpError(404, 'brand not found');
    const { key, assetId } = newUploadKey(brandId, kind);
    const uploadUrl = await getSignedUrl(presigner, new PutObjectCommand({ Bucket: UPLOADS_BUCKET, Key: key, ContentType: contentType }), {
      expiresIn: UPLOAD_URL_TTL_SECONDS,
      // Without this the presigner leaves Content-Type out of the signature and any type uploads.
      signableHeaders: new Set(['content-type']),
    });
    log.info('upload url issued', { brandId, assetId, kind, contentType });
    return json(201, { assetId, uploadUrl, method: 'PUT', headers: { 'content-type': contentType }, expiresIn: UPLOAD_URL_TTL_SECONDS });
  } catch (err) {
    return rejectOrRethrow(err, log);
  }
};
