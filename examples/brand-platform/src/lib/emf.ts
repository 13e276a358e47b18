/**
 * CloudWatch Embedded Metric Format (EMF) documents, shared by the functions (fallback path) and
 * the metrics-flusher extension (normal path).
 *
 * CloudWatch Logs turns each EMF line into metric data points asynchronously: no PutMetricData
 * call, no IAM permission. Data points with the same name, unit and dimensions are folded into one
 * document whose value is an array (EMF accepts up to 100 values per metric and document), which is
 * what keeps the log volume of busy functions small.
 */

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

export interface MetricDatum {
  name: string;
  value: number;
  unit: MetricUnit;
  dimensions?: Readonly<Record<string, string>>;
}

/** EMF limit: values of one metric in one document. */
const MAX_VALUES_PER_DOCUMENT = 100;

export type EmfDocument = Record<string, unknown>;

function groupKey(datum: MetricDatum): string {
  const dims = Object.entries(datum.dimensions ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([datum.name, datum.unit, dims]);
}

function document(namespace: string, service: string, sample: MetricDatum, values: number[], timestamp: number): EmfDocument {
  const dimensions = sample.dimensions ?? {};
  return {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['service', ...Object.keys(dimensions)]],
          Metrics: [{ Name: sample.name, Unit: sample.unit }],
        },
      ],
    },
    service,
    ...dimensions,
    [sample.name]: values.length === 1 ? values[0] : values,
  };
}

/** Folds data points into as few EMF documents as the format allows. */
export function toEmfDocuments(
  namespace: string,
  service: string,
  data: readonly MetricDatum[],
  timestamp: number = Date.now(),
): EmfDocument[] {
  const groups = new Map<string, { sample: MetricDatum; values: number[] }>();
  for (const datum of data) {
    const key = groupKey(datum);
    const group = groups.get(key);
    if (group) group.values.push(datum.value);
    else groups.set(key, { sample: datum, values: [datum.value] });
  }
  const documents: EmfDocument[] = [];
  for (const { sample, values } of groups.values()) {
    for (let i = 0; i < values.length; i += MAX_VALUES_PER_DOCUMENT) {
      documents.push(document(namespace, service, sample, values.slice(i, i + MAX_VALUES_PER_DOCUMENT), timestamp));
    }
  }
  return documents;
}

/** Validates a data point received from outside (the extension's local endpoint). */
export function isMetricDatum(value: unknown): value is MetricDatum {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const unitOk = v.unit === 'Count' || v.unit === 'Milliseconds' || v.unit === 'Bytes';
  const dims = v.dimensions;
  const dimsOk =
    dims === undefined ||
    (typeof dims === 'object' && dims !== null && Object.values(dims).every((d) => typeof d === 'string'));
  return typeof v.name === 'string' && v.name !== '' && typeof v.value === 'number' && Number.isFinite(v.value) && unitOk && dimsOk;
}
