import { describe, expect, it } from 'vitest';
import { pos, run } from './testing.js';

const base = (fn: string, top = '') =>
  `service: brand\nprovider:\n  name: aws\n  stage: prod\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    events:\n      - httpApi: GET /brands\n      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs\n${fn}${top}`;
const plugin = 'plugins:\n  - serverless-plugin-canary-deployments\n';

describe('deployment plugins', () => {
  it('reads serverless-plugin-canary-deployments: alias, deployment and qualified events', () => {
    const r = run(base('    deploymentSettings:\n      type: Linear10PercentEvery1Minute\n      alias: Live\n      alarms:\n        - IngestErrorsAlarm\n        - name: brand-ingest-p99\n', plugin));
    const fn = r.fn('ingest');
    expect(fn.alias?.name.value).toBe('Live');
    expect(pos(fn.alias?.loc)).toBe('11:5-11:23');
    expect(fn.deployment?.strategy).toBe('linear');
    expect(fn.deployment?.type?.value).toBe('Linear10PercentEvery1Minute');
    expect(fn.deployment?.alarms.map((a) => a.value)).toEqual(['IngestErrorsAlarm', 'brand-ingest-p99']);
    expect(fn.events.map((t) => t.qualifier)).toEqual([
      { kind: 'alias', logicalId: 'IngestLambdaFunctionAliasLive' },
      { kind: 'alias', logicalId: 'IngestLambdaFunctionAliasLive' },
    ]);
  });

  it('merges custom.deploymentSettings defaults under the function settings', () => {
    const top = `${plugin}custom:\n  deploymentSettings:\n    type: Canary10Percent5Minutes\n    alias: Live\n    alarms: [BrandAlarm]\n`;
    const fn = run(base('    deploymentSettings:\n      alias: Canary\n', top)).fn('ingest');
    expect(fn.alias?.name.value).toBe('Canary');
    expect(fn.deployment?.strategy).toBe('canary');
    expect(fn.deployment?.alarms.map((a) => a.value)).toEqual(['BrandAlarm']);
  });

  it('ignores deploymentSettings without the plugin, outside the listed stages, and versionFunctions', () => {
    const settings = '    deploymentSettings:\n      type: Canary10Percent5Minutes\n      alias: Live\n';
    expect(run(base(settings)).fn('ingest').alias).toBeUndefined();
    const stages = `${plugin}custom:\n  deploymentSettings:\n    stages: [dev]\n`;
    expect(run(base(settings, stages)).fn('ingest').alias).toBeUndefined();
    expect(run(base(settings, stages), {}, { stage: 'dev' }).fn('ingest').alias?.name.value).toBe('Live');
    const versioned = run(base('', '').replace('  stage: prod\n', '  stage: prod\n  versionFunctions: true\n')).fn('ingest');
    expect(versioned.alias).toBeUndefined();
    expect(versioned.events.every((t) => t.qualifier === undefined)).toBe(true);
  });

  it('keeps function URLs on $LATEST under the canary plugin, but not under provisionedConcurrency', () => {
    const settings = '    deploymentSettings:\n      type: Canary10Percent5Minutes\n      alias: Live\n    url: true\n';
    const canary = run(base(settings, plugin)).fn('ingest');
    expect(canary.events.find((t) => t.type === 'functionUrl')?.qualifier).toBeUndefined();
    const provisioned = run(base(settings + '    provisionedConcurrency: 1\n', plugin)).fn('ingest');
    expect(provisioned.alias?.name.value).toBe('Live');
    expect(provisioned.events.find((t) => t.type === 'functionUrl')?.qualifier).toEqual({ kind: 'alias', logicalId: 'IngestProvConcLambdaAlias' });
  });

  it('reads serverless-aws-alias: an alias named after the stage', () => {
    const fn = run(base('', 'plugins:\n  modules:\n    - serverless-aws-alias\n')).fn('ingest');
    expect(fn.alias?.name.value).toBe('prod');
    expect(fn.deployment).toBeUndefined();
    expect(fn.events.every((t) => t.qualifier?.kind === 'alias')).toBe(true);
  });
});
