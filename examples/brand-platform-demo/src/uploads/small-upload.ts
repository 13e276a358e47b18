import { randomUUID } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { json } from '../lib/db.js';

const s3 = new S3Client({});

/** Logos and favicons posted as Base64 in the request body. */
export const handler = async (event: APIGatewayProxyEventV2) => {
  const file = Buffer.from(event.body ?? '', 'base64');
  const key = `uploads/${randomUUID()}/${event.queryStringParameters?.fileName ?? 'logo.png'}`;
  await s3.send(
    new PutObjectCommand({
      Bucket: process.env.UPLOAD_BUCKET,
      Key: key,
      Body: file,
      ContentType: event.headers['content-type'],
    }),
  );
  return json(201, { key, size: file.length });
};
