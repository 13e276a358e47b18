import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json } from '../lib/db.js';

const s3 = new S3Client({});

/** Returns a URL the browser PUTs the file to, straight into S3. */
export const handler = async (event: APIGatewayProxyEventV2) => {
  const fileName = event.queryStringParameters?.fileName ?? 'upload';
  const contentType = event.queryStringParameters?.contentType ?? 'application/octet-stream';
  const key = `uploads/${randomUUID()}/${fileName}`;
  const command = new PutObjectCommand({ Bucket: process.env.UPLOAD_BUCKET, Key: key, ContentType: contentType });
  // A day, so that the link in the demo e-mail keeps working.
  const url = await getSignedUrl(s3, command, { expiresIn: 86400 });
  return json(200, { url, key });
};
