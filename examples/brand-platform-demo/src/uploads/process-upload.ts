import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, S3Event } from 'aws-lambda';
import { TABLE_NAME, db } from '../lib/db.js';

const s3 = new S3Client({});

/** Records every uploaded file: size, checksum and where the scan copy lives. */
export const handler = async (event: S3Event, context: Context) => {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await object.Body!.transformToByteArray();

    // Keep a copy for the virus scanner, and the latest upload for the preview tool.
    const scanCopy = `/tmp/${context.awsRequestId}-${key.split('/').pop()}`;
    await writeFile(scanCopy, bytes);
    await writeFile('/tmp/latest-upload.bin', bytes);

    const checksum = createHash('sha256').update(await readFile(scanCopy)).digest('hex');
    await db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: {
          pk: `UPLOAD#${randomUUID()}`,
          sk: 'UPLOAD',
          bucket,
          key,
          size: bytes.length,
          checksum,
          scanCopy,
          uploadedAt: new Date().toISOString(),
        },
      }),
    );
    console.log(`processed ${key} (${bytes.length} bytes)`);
  }
};
