/**
 * metrics-flusher: a Lambda extension (shipped as a layer) that takes the functions' metric
 * batches over local HTTP and writes them as Embedded Metric Format after the responses are sent.
 *
 * - Registers with the Extensions API for INVOKE and SHUTDOWN and loops on `event/next`.
 * - Listens on 127.0.0.1:<METRICS_FLUSHER_PORT> for `PUT /metrics/<request id>`: a retried
 *   invocation replaces its batch rather than adding to it.
 * - Flushes when the next event arrives (the previous invocations are done by then, and the
 *   flush does not delay any response) and on SHUTDOWN, within the 2 s the runtime grants, so a
 *   recycled environment loses nothing. Batches of many invocations fold into a few documents.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { type MetricDatum, isMetricDatum, toEmfDocuments } from '../../lib/emf.js';

const NAME = 'metrics-flusher';
const RUNTIME_API = process.env.AWS_LAMBDA_RUNTIME_API;
const PORT = Number(process.env.METRICS_FLUSHER_PORT ?? '4243');
const NAMESPACE = process.env.METRICS_NAMESPACE ?? 'BrandPlatform';
const SERVICE = process.env.SERVICE_NAME ?? 'brand-platform';
const MAX_BODY_BYTES = 256 * 1024;

const MINUTE_MS = 60_000;

/** Batches received since the last flush, by request id. Owned by this process, not by a handler. */
export class MetricsBuffer {
  private batches = new Map<string, { receivedAt: number; data: MetricDatum[] }>();

  put(requestId: string, data: MetricDatum[], receivedAt: number = Date.now()): void {
    this.batches.set(requestId, { receivedAt, data });
  }

  /**
   * Takes everything buffered and returns it as EMF lines, one set of documents per minute of
   * arrival (stamped with that minute), so a flush after an idle period does not move data points
   * to the time of the flush.
   */
  drain(): string[] {
    const byMinute = new Map<number, MetricDatum[]>();
    for (const { receivedAt, data } of this.batches.values()) {
      const minute = Math.floor(receivedAt / MINUTE_MS) * MINUTE_MS;
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), ...data]);
    }
    this.batches = new Map();
    return [...byMinute.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([minute, data]) => toEmfDocuments(NAMESPACE, SERVICE, data, minute).map((doc) => JSON.stringify(doc)));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.byteLength;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `PUT /metrics/<request id>` with a JSON array of data points. */
export async function receive(buffer: MetricsBuffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const match = /^\/metrics\/([^/]+)$/.exec(req.url ?? '');
  if (req.method !== 'PUT' || !match) {
    res.writeHead(404).end();
    return;
  }
  try {
    const data: unknown = JSON.parse(await readBody(req));
    if (!Array.isArray(data) || !data.every(isMetricDatum)) {
      res.writeHead(400).end();
      return;
    }
    buffer.put(decodeURIComponent(match[1]!), data);
    res.writeHead(204).end();
  } catch {
    res.writeHead(400).end();
  }
}

function flush(buffer: MetricsBuffer): void {
  for (const line of buffer.drain()) process.stdout.write(line + '\n');
}

async function register(): Promise<string> {
  const res = await fetch(`http://${RUNTIME_API}/2020-01-01/extension/register`, {
    method: 'POST',
    headers: { 'Lambda-Extension-Name': NAME, 'content-type': 'application/json' },
    body: JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }),
  });
  const id = res.headers.get('lambda-extension-identifier');
  if (!res.ok || id === null) throw new Error('extension registration failed: HTTP ' + res.status);
  return id;
}

async function nextEvent(extensionId: string): Promise<{ eventType: string }> {
  const res = await fetch(`http://${RUNTIME_API}/2020-01-01/extension/event/next`, {
    headers: { 'Lambda-Extension-Identifier': extensionId },
  });
  if (!res.ok) throw new Error('event/next failed: HTTP ' + res.status);
  return (await res.json()) as { eventType: string };
}

async function main(): Promise<void> {
  if (RUNTIME_API === undefined) throw new Error('AWS_LAMBDA_RUNTIME_API is not set: not running inside Lambda');
  const buffer = new MetricsBuffer();
  const server = createServer((req, res) => {
    void receive(buffer, req, res);
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const extensionId = await register();
  for (;;) {
    const event = await nextEvent(extensionId);
    flush(buffer);
    if (event.eventType === 'SHUTDOWN') {
      server.close();
      return;
    }
  }
}

// Only when started as the extension's entry point, not when a test imports this module.
if (process.argv[1]?.endsWith('/metrics-flusher/main.js')) {
  main().catch((err: unknown) => {
    console.error(JSON.stringify({ extension: NAME, error: err instanceof Error ? err.message : String(err) }));
    process.exit(1);
  });
}
