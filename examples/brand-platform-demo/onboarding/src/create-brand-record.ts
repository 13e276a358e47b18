import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';

const dynamo = new DynamoDBClient({});

interface OnboardingInput {
  brandId: string;
  name: string;
  ownerEmail: string;
}

export const handler = async (input: OnboardingInput) => {
  await dynamo.send(
    new PutItemCommand({
      TableName: process.env.TABLE_NAME,
      Item: {
        pk: { S: `BRAND#${input.brandId}` },
        sk: { S: 'BRAND' },
        name: { S: input.name },
        owner: { S: input.ownerEmail },
        status: { S: 'ONBOARDING' },
      },
    }),
  );
  console.log(`created brand ${input.brandId} for ${input.ownerEmail}`);
  return input;
};
