import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const TABLE_NAME = process.env.TABLE_NAME!;
export const CONNECTIONS_TABLE = process.env.CONNECTIONS_TABLE!;

export const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export function json(statusCode: number, body: unknown) {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
