// Lambda extension: registers with the Extensions API, buffers metric lines that the function
// appends to /tmp/metrics.log, and ships them to the metrics endpoint on every event and on SHUTDOWN.
import { readFile, writeFile } from 'node:fs/promises';

const RUNTIME_API = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2020-01-01/extension`;
const BUFFER = '/tmp/metrics.log';

async function register() {
  const response = await fetch(`${RUNTIME_API}/register`, {
    method: 'POST',
    headers: { 'Lambda-Extension-Name': 'metrics-flusher' },
    body: JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }),
  });
  return response.headers.get('lambda-extension-identifier');
}

async function next(extensionId) {
  const response = await fetch(`${RUNTIME_API}/event/next`, { headers: { 'Lambda-Extension-Identifier': extensionId } });
  return response.json();
}

async function flush() {
  const lines = await readFile(BUFFER, 'utf8').catch(() => '');
  if (!lines) return;
  await fetch(process.env.METRICS_ENDPOINT ?? 'http://localhost:8125/metrics', { method: 'POST', body: lines });
  await writeFile(BUFFER, '');
}

const extensionId = await register();
for (;;) {
  const event = await next(extensionId);
  await flush();
  if (event.eventType === 'SHUTDOWN') break;
}
