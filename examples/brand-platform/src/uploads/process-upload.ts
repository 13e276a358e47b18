/**
 * `process-upload`: S3 `ObjectCreated` under `uploads/` turns an uploaded file into a brand asset.
 *
 * S3 delivers events at least once and Lambda retries a failed asynchronous invocation twice, so
 * processing is idempotent: the asset id comes from the object key, the copy to the assets bucket
 * overwrites the same object, and the asset record is written with `attribute_not_exists(pk)`, so
 * a repeated event finds it and stops. An event that still fails after the retries goes to the
 * function's on-failure destination (an SQS queue with an alarm) instead of being dropped.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, S3Event, S3EventRecord } from 'aws-lambda';
import { TABLE_NAME, assetSk, brandPk, ddb } from '../lib/dynamo.js';
import { requireEnv } from '../lib/env.js';
import { type Logger, logger } from '../lib/logger.js';
import { MetricsBatch } from '../lib/metrics.js';
import { ALLOWED_CONTENT_TYPES, parseUploadKey, s3 } from '../lib/uploads.js';

const ASSETS_BUCKET = requireEnv('ASSETS_BUCKET');
/** Public base URL of the assets (the CloudFront distribution). */
const ASSETS_BASE_URL = requireEnv('ASSETS_BASE_URL');
/** Pre-signed PUTs cannot cap the size; this does, before anything is copied. */
export const MAX_ASSET_BYTES = 25 * 1024 * 1024;

export type Outcome = 'created' | 'duplicate' | 'rejected';

/** S3 event keys are URL-encoded, with `+` for spaces. */
export function objectKey(record: S3EventRecord): string {
  return decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
}

export async function processRecord(record: S3EventRecord, log: Logger): Promise<Outcome> {
  const bucket = record.s3.bucket.name;
  const key = objectKey(record);
  const upload = parseUploadKey(key);
  if (upload === undefined) {
    log.warn('object ignored: not an upload key', { bucket, key });
    return 'rejected';
  }
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const contentType = head.ContentType ?? '';
  const size = head.ContentLength ?? 0;
  if (!ALLOWED_CONTENT_TYPES.has(contentType) || size === 0 || size > MAX_ASSET_BYTES) {
    log.warn('upload rejected', { key, contentType, size });
    return 'rejected';
  }
  const assetKey = 'brands/' + upload.brandId + '/' + upload.assetId;
  await s3.send(
    new CopyObjectCommand({ Bucket: ASSETS_BUCKET, Key: assetKey, CopySource: bucket + '/' + encodeURI(key), ContentType: contentType, MetadataDirective: 'REPLACE' }),
  );
  try {
    await ddb.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: brandPk(upload.brandId),
          sk: assetSk(upload.assetId),
          assetId: upload.assetId,
          brandId: upload.brandId,
          kind: upload.kind,
          name: upload.kind + ' ' + upload.assetId.slice(0, 8),
          url: ASSETS_BASE_URL + '/' + assetKey,
          contentType,
          size,
          sourceEventTime: record.eventTime,
          createdAt: new Date().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) {
      log.info('upload already processed', { key, assetId: upload.assetId });
      return 'duplicate';
    }
    throw err;
  }
  log.info('asset created from upload', { brandId: upload.brandId, assetId: upload.assetId, kind: upload.kind, size });
  return 'created';
}

export const handler = async (event: S3Event, context: Context): Promise<void> => {
  const log = logger.child({ requestId: context.awsRequestId });
  const metrics = new MetricsBatch(context.awsRequestId);
  try {
    for (const record of event.Records) {
      const outcome = await processRecord(record, log);
      metrics.add('UploadProcessed', 1, 'Count', { outcome });
    }
  } finally {
    await metrics.flush();
  }
};
