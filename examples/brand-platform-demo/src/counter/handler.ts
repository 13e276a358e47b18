import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

// Requests served so far: shown on the demo dashboard.
let requestCount = 0;

export const handler = async (event: APIGatewayProxyEventV2) => {
  const client = new DynamoDBClient({});
  requestCount++;
  const page = event.queryStringParameters?.page ?? 'home';
  await client.send(
    new UpdateItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: `COUNTER#${page}` }, sk: { S: 'COUNTER' } },
      UpdateExpression: 'SET hits = :count',
      ExpressionAttributeValues: { ':count': { N: String(requestCount) } },
    }),
  );
  return { statusCode: 200, body: JSON.stringify({ page, hits: requestCount }) };
};
