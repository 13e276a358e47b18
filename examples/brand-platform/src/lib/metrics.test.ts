import { afterEach, describe, expect, it, vi } from 'vitest';
import { toEmfDocuments } from './emf.js';

describe('toEmfDocuments', () => {
  it('folds data points with the same name, unit and dimensions into one document with a value array', () => {
    const docs = toEmfDocuments('BrandPlatform', 'svc', [
      { name: 'AssetCreated', value: 1, unit: 'Count', dimensions: { kind: 'logo' } },
      { name: 'AssetCreated', value: 1, unit: 'Count', dimensions: { kind: 'logo' } },
      { name: 'AssetCreated', value: 1, unit: 'Count', dimensions: { kind: 'icon' } },
    ], 123);
    expect(docs).toEqual([
      {
        _aws: { Timestamp: 123, CloudWatchMetrics: [{ Namespace: 'BrandPlatform', Dimensions: [['service', 'kind']], Metrics: [{ Name: 'AssetCreated', Unit: 'Count' }] }] },
        service: 'svc',
        kind: 'logo',
        AssetCreated: [1, 1],
      },
      {
        _aws: { Timestamp: 123, CloudWatchMetrics: [{ Namespace: 'BrandPlatform', Dimensions: [['service', 'kind']], Metrics: [{ Name: 'AssetCreated', Unit: 'Count' }] }] },
        service: 'svc',
        kind: 'icon',
        AssetCreated: 1,
      },
    ]);
  });

  it('splits more than 100 values of one metric across documents (the EMF limit)', () => {
    const data = Array.from({ length: 250 }, (_, i) => ({ name: 'Latency', value: i, unit: 'Milliseconds' as const }));
    const docs = toEmfDocuments('N', 's', data);
    expect(docs.map((d) => (d.Latency as number[]).length)).toEqual([100, 100, 50]);
  });
});

describe('MetricsBatch', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it('hands the batch to the extension with one PUT keyed by the request id', async () => {
    vi.stubEnv('METRICS_EXTENSION_URL', 'http://127.0.0.1:4243/metrics');
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { MetricsBatch } = await import('./metrics.js');
    const batch = new MetricsBatch('req-1');
    batch.add('BrandCreated', 1, 'Count');
    await batch.flush();
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:4243/metrics/req-1');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(String(init.body))).toEqual([{ name: 'BrandCreated', value: 1, unit: 'Count' }]);
    expect(write).not.toHaveBeenCalled();
    expect(batch.size).toBe(0);
  });

  it('writes EMF to stdout when the extension does not answer, so no metric is lost', async () => {
    vi.stubEnv('METRICS_EXTENSION_URL', 'http://127.0.0.1:4243/metrics');
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('connect ECONNREFUSED'))));
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const { MetricsBatch } = await import('./metrics.js');
    const batch = new MetricsBatch('req-2');
    batch.add('UploadProcessed', 1, 'Count', { outcome: 'created' });
    await batch.flush();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ outcome: 'created', UploadProcessed: 1 });
  });

  it('does nothing for an empty batch', async () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    const { MetricsBatch } = await import('./metrics.js');
    await new MetricsBatch('req-3').flush();
    expect(fetch).not.toHaveBeenCalled();
  });
});
