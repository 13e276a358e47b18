import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsBuffer, receive } from './main.js';

describe('metrics-flusher', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) s.close();
  });

  async function listen(buffer: MetricsBuffer): Promise<string> {
    const server = createServer((req, res) => {
      void receive(buffer, req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return 'http://127.0.0.1:' + (server.address() as AddressInfo).port;
  }

  it('keeps one batch per request id, so a retried invocation replaces its batch instead of counting twice', () => {
    const buffer = new MetricsBuffer();
    buffer.put('r1', [{ name: 'BrandCreated', value: 1, unit: 'Count' }], 120_000);
    buffer.put('r1', [{ name: 'BrandCreated', value: 1, unit: 'Count' }], 120_500);
    buffer.put('r2', [{ name: 'BrandCreated', value: 1, unit: 'Count' }], 121_000);
    const lines = buffer.drain();
    expect(lines.map((l) => JSON.parse(l).BrandCreated)).toEqual([[1, 1]]);
    expect(buffer.drain()).toEqual([]);
  });

  it('stamps data points with the minute they arrived in, not the time of the flush', () => {
    const buffer = new MetricsBuffer();
    buffer.put('r1', [{ name: 'LoginFailed', value: 1, unit: 'Count' }], 60_000 * 5 + 10);
    buffer.put('r2', [{ name: 'LoginFailed', value: 2, unit: 'Count' }], 60_000 * 9 + 10);
    const docs = buffer.drain().map((l) => JSON.parse(l) as { _aws: { Timestamp: number }; LoginFailed: number });
    expect(docs.map((d) => [d._aws.Timestamp, d.LoginFailed])).toEqual([
      [300_000, 1],
      [540_000, 2],
    ]);
  });

  it('accepts PUT /metrics/<request id> with valid data points and refuses anything else', async () => {
    const buffer = new MetricsBuffer();
    const base = await listen(buffer);
    const put = (path: string, body: unknown) => fetch(base + path, { method: 'PUT', body: JSON.stringify(body) });
    expect((await put('/metrics/r1', [{ name: 'LoginFailed', value: 1, unit: 'Count' }])).status).toBe(204);
    expect((await put('/metrics/r2', [{ name: 'LoginFailed', value: 'x', unit: 'Count' }])).status).toBe(400);
    expect((await put('/other', [])).status).toBe(404);
    expect((await fetch(base + '/metrics/r3')).status).toBe(404);
    expect(buffer.drain().map((l) => JSON.parse(l).LoginFailed)).toEqual([1]);
  });
});
