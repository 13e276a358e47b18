import { join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyHandlerV2 } from 'aws-lambda';
import { BRAND_SK, TABLE_NAME, brandPk, ddb } from '../lib/dynamo.js';
import { HttpError, isRecord, json, parseJsonBody, rejectOrRethrow, uuidParam } from '../lib/http.js';
import { logger } from '../lib/logger.js';
import { MetricsBatch } from '../lib/metrics.js';
import { type Model, classify, readModel } from './model.js';
import { type RgbaImage, UnsupportedImageError, decodePng } from './png.js';

/** The model ships inside the deployment package (`package.patterns: model/**`), read-only. */
const MODEL_PATH = join(process.env.LAMBDA_TASK_ROOT ?? process.cwd(), 'model', 'logo-classifier.json');

/** Logos are small: 1 MiB of PNG and 4 megapixels at most. Larger files belong in S3. */
const MAX_LOGO_BYTES = 1024 * 1024;
const MAX_LOGO_PIXELS = 4_000_000;
const MAX_BASE64_CHARS = Math.ceil(MAX_LOGO_BYTES / 3) * 4;
/** The JSON envelope around the Base64 image. */
const MAX_REQUEST_BYTES = MAX_BASE64_CHARS + 1024;

/**
 * Loaded once per execution environment, on the first request, and shared by every later
 * request of that environment (the promise is memoised, so concurrent first callers share it).
 */
let modelPromise: Promise<Model> | undefined;
function loadModel(): Promise<Model> {
  modelPromise ??= readModel(MODEL_PATH);
  return modelPromise;
}

/** Request body: `{ "image": "<Base64-encoded PNG>" }`. Size is checked before decoding. */
function readLogo(body: unknown): Buffer {
  if (!isRecord(body) || typeof body.image !== 'string' || body.image === '') {
    throw new HttpError(400, 'body must be {"image": "<Base64-encoded PNG>"}');
  }
  if (body.image.length > MAX_BASE64_CHARS) {
    throw new HttpError(413, 'the logo is larger than ' + MAX_LOGO_BYTES + ' bytes; upload it to S3 instead');
  }
  const bytes = Buffer.from(body.image, 'base64');
  if (bytes.byteLength === 0 || bytes.byteLength > MAX_LOGO_BYTES) {
    throw new HttpError(413, 'the logo must be between 1 and ' + MAX_LOGO_BYTES + ' bytes');
  }
  return bytes;
}

function decodeLogo(logo: Buffer): RgbaImage {
  try {
    return decodePng(logo, MAX_LOGO_PIXELS);
  } catch (err) {
    if (err instanceof UnsupportedImageError) throw new HttpError(415, err.message);
    throw err;
  }
}

export const handler: APIGatewayProxyHandlerV2 = async (event, context) => {
  const log = logger.child({ routeKey: event.routeKey });
  const metrics = new MetricsBatch(context.awsRequestId);
  try {
    const brandId = uuidParam(event, 'id');
    const logo = readLogo(parseJsonBody(event, MAX_REQUEST_BYTES));
    const image = decodeLogo(logo);
    const model = await loadModel();
    const started = performance.now();
    const result = classify(model, image);
    const inferenceMs = performance.now() - started;
    if (result === null) throw new HttpError(422, 'the logo has no opaque pixels');
    const classifiedAt = new Date().toISOString();
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: TABLE_NAME,
          Key: { pk: brandPk(brandId), sk: BRAND_SK },
          UpdateExpression: 'SET #logo = :logo, #updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#logo': 'logo', '#updatedAt': 'updatedAt' },
          ExpressionAttributeValues: { ':logo': { ...result, classifiedAt }, ':now': classifiedAt },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new HttpError(404, 'brand not found');
      throw err;
    }
    metrics.add('LogoClassified', 1, 'Count', { label: result.label });
    metrics.add('LogoInferenceTime', inferenceMs, 'Milliseconds');
    log.info('logo classified', { brandId, label: result.label, confidence: result.confidence, width: image.width, height: image.height });
    return json(200, { brandId, ...result, classifiedAt });
  } catch (err) {
    return rejectOrRethrow(err, log);
  } finally {
    await metrics.flush();
  }
};
