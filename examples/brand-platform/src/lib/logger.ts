/**
 * A tiny structured logger.
 *
 * Every entry is one object handed to a `console` method. With the function's log format set to
 * JSON (`provider.logs.lambda.logFormat: JSON`), the Lambda Node.js runtime writes it as
 * `{"timestamp", "level", "requestId", "message": {...this object...}}`, so every field is
 * queryable in CloudWatch Logs Insights (`filter message.brandId = "..."`) and the level follows
 * the console method, which makes `applicationLogLevel` filtering work.
 * Messages are constant strings; variable data goes into fields, never into the message text.
 */

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every entry. Returns a new logger; nothing is mutated. */
  child(fields: LogFields): Logger;
}

export function createLogger(base: LogFields = {}): Logger {
  const entry = (msg: string, fields: LogFields | undefined) => ({ ...base, ...fields, msg });
  return {
    debug: (msg, fields) => console.debug(entry(msg, fields)),
    info: (msg, fields) => console.info(entry(msg, fields)),
    warn: (msg, fields) => console.warn(entry(msg, fields)),
    error: (msg, fields) => console.error(entry(msg, fields)),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/** Errors do not serialise to JSON on their own (`JSON.stringify(new Error('x'))` is `{}`). */
export function serializeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, stack: err.stack?.split('\n') };
  }
  return { name: 'NonError', value: String(err) };
}

export const logger = createLogger({ service: process.env.SERVICE_NAME ?? 'brand-platform' });
