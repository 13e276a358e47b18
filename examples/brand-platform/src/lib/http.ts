import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type Logger, serializeError } from './logger.js';

export type HttpResult = APIGatewayProxyStructuredResultV2;

/** An expected failure that maps to a 4xx response (anything else is a bug and is rethrown). */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details?: readonly string[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): HttpResult {
  return { statusCode: 204 };
}

export function errorResponse(err: HttpError): HttpResult {
  return json(err.statusCode, err.details ? { error: err.message, details: err.details } : { error: err.message });
}

/**
 * The end of a failed request: an {@link HttpError} is logged as a warning and answered with its
 * 4xx response. Anything else is unexpected: it is logged and rethrown, so that it fails the
 * invocation, counts in the Errors metric (alarm, canary rollback) and X-Ray marks the trace as a
 * fault; the client gets a 500.
 */
export function rejectOrRethrow(err: unknown, log: Logger): HttpResult {
  if (err instanceof HttpError) {
    log.warn('request rejected', { statusCode: err.statusCode, reason: err.message });
    return errorResponse(err);
  }
  log.error('request failed', { error: serializeError(err) });
  throw err;
}

/** Default cap for JSON request bodies of the CRUD routes. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * Parses a JSON request body after checking its size, so an oversized payload is rejected
 * before it is decoded or parsed. HTTP APIs Base64-encode bodies whose content type is not text.
 */
export function parseJsonBody(event: APIGatewayProxyEventV2, maxBytes: number = MAX_JSON_BODY_BYTES): unknown {
  const body = event.body;
  if (body === undefined || body === '') throw new HttpError(400, 'a JSON request body is required');
  const encodedLimit = event.isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 : maxBytes;
  if (Buffer.byteLength(body) > encodedLimit) {
    throw new HttpError(413, 'request body is larger than ' + maxBytes + ' bytes');
  }
  const text = event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A path parameter that must be a UUID (brand and asset ids are generated with randomUUID()). */
export function uuidParam(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (value === undefined || !UUID.test(value)) {
    throw new HttpError(400, 'path parameter ' + name + ' must be a UUID');
  }
  return value.toLowerCase();
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
