/**
 * Business metrics of one invocation.
 *
 * A handler adds data points to a `MetricsBatch` created for its invocation and flushes it once
 * before it returns. The batch goes to the metrics-flusher extension (the layer every function
 * carries) with one local HTTP PUT keyed by the request id: the extension folds the data points of
 * many invocations into a few EMF documents and writes them after the responses have been sent, and
 * a retried invocation (same request id) replaces its batch instead of counting twice.
 *
 * Without the extension (local runs, unit tests) or when it does not answer, the batch is written
 * as EMF to stdout directly, so a metric is never lost. `process.stdout.write`, not `console`: with
 * the JSON log format the console wraps entries, and CloudWatch only extracts metrics from lines
 * whose top level is the EMF document.
 */
import { type MetricDatum, type MetricUnit, toEmfDocuments } from './emf.js';

export type { MetricUnit } from './emf.js';

const NAMESPACE = process.env.METRICS_NAMESPACE ?? 'BrandPlatform';
const SERVICE = process.env.SERVICE_NAME ?? 'brand-platform';
/** `http://127.0.0.1:4243/metrics` when the layer is attached (set in the function environment). */
const EXTENSION_URL = process.env.METRICS_EXTENSION_URL;
/** The extension answers locally in well under a millisecond; never hold a response longer. */
const EXTENSION_TIMEOUT_MS = 200;

export class MetricsBatch {
  private readonly data: MetricDatum[] = [];

  constructor(private readonly requestId: string) {}

  add(name: string, value: number, unit: MetricUnit, dimensions?: Readonly<Record<string, string>>): void {
    this.data.push(dimensions ? { name, value, unit, dimensions } : { name, value, unit });
  }

  get size(): number {
    return this.data.length;
  }

  /** Hands the batch over; never throws, because losing a metric must not fail a request. */
  async flush(): Promise<void> {
    if (this.data.length === 0) return;
    const data = this.data.splice(0);
    if (EXTENSION_URL !== undefined && (await sendToExtension(EXTENSION_URL, this.requestId, data))) return;
    writeEmf(data);
  }
}

async function sendToExtension(url: string, requestId: string, data: readonly MetricDatum[]): Promise<boolean> {
  try {
    const response = await fetch(url + '/' + encodeURIComponent(requestId), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(data),
      signal: AbortSignal.timeout(EXTENSION_TIMEOUT_MS),
    });
    return response.ok;
  } catch {
    return false;
  }
}

export function writeEmf(data: readonly MetricDatum[]): void {
  for (const doc of toEmfDocuments(NAMESPACE, SERVICE, data)) process.stdout.write(JSON.stringify(doc) + '\n');
}
