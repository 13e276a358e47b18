import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { TABLE_NAME, db, json } from '../lib/db.js';
import { signToken, verifyToken } from './tokens.js';

const ssm = new SSMClient({});

function hashPassword(password: string, salt: string) {
  return scryptSync(password, salt, 64).toString('hex');
}

function body(event: APIGatewayProxyEventV2) {
  return JSON.parse(event.body ?? '{}') as { email?: string; password?: string; token?: string; refreshToken?: string };
}

/** The e-mail sender is configured per stage. */
async function mailerSettings() {
  const result = await ssm.send(new GetParameterCommand({ Name: '/brand-platform/mailer', WithDecryption: true }));
  return JSON.parse(result.Parameter!.Value!) as { from: string; webhook: string };
}

async function sendMail(to: string, subject: string, text: string) {
  const mailer = await mailerSettings();
  await fetch(mailer.webhook, { method: 'POST', body: JSON.stringify({ from: mailer.from, to, subject, text }) });
}

export const register = async (event: APIGatewayProxyEventV2) => {
  const { email, password } = body(event);
  if (!email || !password) return json(400, { message: 'email and password are required' });
  const salt = randomBytes(16).toString('hex');
  const verification = randomUUID();
  await db.send(
    new PutCommand({
      TableName: TABLE_NAME,
      Item: { pk: `USER#${email}`, sk: 'USER', salt, hash: hashPassword(password, salt), verified: false, verification },
    }),
  );
  console.log(`registered ${email}`);
  await sendMail(email, 'Verify your e-mail', `Your code: ${verification}`);
  return json(201, { email });
};

export const login = async (event: APIGatewayProxyEventV2) => {
  const { email, password } = body(event);
  const user = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `USER#${email}`, sk: 'USER' } }));
  if (!user.Item || user.Item.hash !== hashPassword(password ?? '', user.Item.salt)) {
    console.log(`failed login for ${email}`);
    return json(401, { message: 'invalid credentials' });
  }
  const refreshToken = randomUUID();
  await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `REFRESH#${refreshToken}`, sk: 'REFRESH', email } }));
  return json(200, { accessToken: signToken({ sub: email }, 900), refreshToken });
};

export const refresh = async (event: APIGatewayProxyEventV2) => {
  const { refreshToken } = body(event);
  const stored = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `REFRESH#${refreshToken}`, sk: 'REFRESH' } }));
  if (!stored.Item) return json(401, { message: 'invalid refresh token' });
  return json(200, { accessToken: signToken({ sub: stored.Item.email }, 900) });
};

export const logout = async (event: APIGatewayProxyEventV2) => {
  const { refreshToken } = body(event);
  await db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { pk: `REFRESH#${refreshToken}`, sk: 'REFRESH' } }));
  return json(204, {});
};

export const verifyEmail = async (event: APIGatewayProxyEventV2) => {
  const { email, token } = body(event);
  await db.send(
    new UpdateCommand({
      TableName: TABLE_NAME,
      Key: { pk: `USER#${email}`, sk: 'USER' },
      UpdateExpression: 'SET verified = :yes',
      ConditionExpression: 'verification = :token',
      ExpressionAttributeValues: { ':yes': true, ':token': token },
    }),
  );
  return json(200, { email, verified: true });
};

export const forgotPassword = async (event: APIGatewayProxyEventV2) => {
  const { email } = body(event);
  const token = randomUUID();
  await db.send(new PutCommand({ TableName: TABLE_NAME, Item: { pk: `RESET#${token}`, sk: 'RESET', email } }));
  await sendMail(email!, 'Reset your password', `Your reset code: ${token}`);
  return json(202, {});
};

export const resetPassword = async (event: APIGatewayProxyEventV2) => {
  const { token, password } = body(event);
  const reset = await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { pk: `RESET#${token}`, sk: 'RESET' } }));
  if (!reset.Item) return json(400, { message: 'invalid reset token' });
  const salt = randomBytes(16).toString('hex');
  await db.send(
    new UpdateCommand({
      TableName: TABLE_NAME,
      Key: { pk: `USER#${reset.Item.email}`, sk: 'USER' },
      UpdateExpression: 'SET salt = :salt, #hash = :hash',
      ExpressionAttributeNames: { '#hash': 'hash' },
      ExpressionAttributeValues: { ':salt': salt, ':hash': hashPassword(password ?? '', salt) },
    }),
  );
  return json(200, {});
};

export const me = async (event: APIGatewayProxyEventV2) => {
  const claims = verifyToken((event.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (!claims) return json(401, { message: 'unauthorized' });
  return json(200, { email: claims.sub });
};
