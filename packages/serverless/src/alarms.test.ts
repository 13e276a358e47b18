import { describe, expect, it } from 'vitest';
import { run } from './testing.js';

const base = 'service: brand\nprovider:\n  name: aws\nfunctions:\n  api:\n    handler: a.handler\n';

describe('serverless-plugin-aws-alerts', () => {
  it('applies the default definitions to every function, percentiles as extended statistics', () => {
    const r = run(`${base}  worker:\n    handler: w.handler\n    alarms:\n      - name: tail\n        metric: Duration\n        statistic: p99\ncustom:\n  alerts:\n    alarms:\n      - functionErrors\n      - functionDuration\n`);
    const summary = r.model.alarms.map((a) => [a.functionIds[0]!.split('#')[1], a.metricName?.value, a.namespace?.value, a.statistic?.value ?? a.extendedStatistic?.value, a.extendedStatistic ? 'ext' : 'basic', a.source]);
    expect(summary).toEqual([
      ['api', 'Errors', 'AWS/Lambda', 'Sum', 'basic', 'aws-alerts'],
      ['api', 'Duration', 'AWS/Lambda', 'p50', 'ext', 'aws-alerts'],
      ['worker', 'Errors', 'AWS/Lambda', 'Sum', 'basic', 'aws-alerts'],
      ['worker', 'Duration', 'AWS/Lambda', 'p50', 'ext', 'aws-alerts'],
      ['worker', 'Duration', undefined, 'p99', 'ext', 'aws-alerts'],
    ]);
    // Located at the list entry that creates the alarm.
    expect(r.model.alarms[0]!.loc.line).toBe(16);
  });

  it('merges definitions over the defaults, honours enabled: false and the stages filter', () => {
    const cfg = (stages: string) =>
      `${base}    alarms:\n      - name: functionThrottles\n        enabled: false\ncustom:\n  alerts:\n${stages}    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionThrottles\n      - functionDuration\n`;
    const r = run(cfg(''));
    expect(r.model.alarms.map((a) => [a.metricName?.value, a.extendedStatistic?.value])).toEqual([['Duration', 'p99']]);
    expect(r.model.alarms[0]!.extendedStatistic?.loc.line).toBe(14);
    expect(run(cfg('    stages:\n      - prod\n')).model.alarms).toEqual([]);
    expect(run(cfg('    stages:\n      - prod\n'), {}, { stage: 'prod' }).model.alarms).toHaveLength(1);
  });
});
