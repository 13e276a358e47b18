import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'application/javascript',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Serves the site's files from the deployment package. */
export const handler = async (event: APIGatewayProxyEventV2) => {
  const path = event.pathParameters?.proxy ?? 'index.html';
  const file = readFileSync(join(process.env.LAMBDA_TASK_ROOT ?? '.', 'public', path));
  return {
    statusCode: 200,
    headers: { 'Content-Type': CONTENT_TYPES[extname(path)] ?? 'text/html' },
    body: file.toString('base64'),
    isBase64Encoded: true,
  };
};
