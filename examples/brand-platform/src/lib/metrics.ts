/**
 * Business metrics in CloudWatch Embedded Metric Format (EMF).
 *
 * CloudWatch Logs turns each EMF line into a metric data point asynchronously: no PutMetricData
 * call on the request path, no IAM permission, nothing to flush before the environment freezes.
 *
 * The document is written straight to stdout rather than through `console`: with the JSON log
 * format the runtime's console wraps every entry in `{"timestamp", "level", "message": ...}`,
 * and CloudWatch only extracts metrics from lines whose top level is the EMF document (this is
 * what the official EMF client does too since it gained JSON log format support).
 */

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

const NAMESPACE = process.env.METRICS_NAMESPACE ?? 'BrandPlatform';
const SERVICE = process.env.SERVICE_NAME ?? 'brand-platform';

export function emitMetric(
  name: string,
  value: number,
  unit: MetricUnit,
  dimensions: Readonly<Record<string, string>> = {},
): void {
  const document = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: NAMESPACE,
          Dimensions: [['service', ...Object.keys(dimensions)]],
          Metrics: [{ Name: name, Unit: unit }],
        },
      ],
    },
    service: SERVICE,
    ...dimensions,
    [name]: value,
  };
  process.stdout.write(JSON.stringify(document) + '\n');
}
