import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({});
const FOLDERS = ['logos', 'fonts', 'colors', 'guidelines'];

export const handler = async (input: { brandId: string }) => {
  await Promise.all(
    FOLDERS.map((folder) =>
      s3.send(new PutObjectCommand({ Bucket: process.env.ASSETS_BUCKET, Key: `${input.brandId}/${folder}/.keep`, Body: '' })),
    ),
  );
  return { ...input, folders: FOLDERS };
};
