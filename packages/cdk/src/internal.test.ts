/** The functions the CDK framework adds to a stack (singletons, providers) are marked and not linted. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '@lambda-lint/linter';
import { isFrameworkInternalPath } from './index.js';

function fixture(name: string): Record<string, string> {
  const base = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)).replace(/\/$/, '');
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(base);
  return out;
}

const INTERNAL = [
  'Shop/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a',
  'Shop/AWS679f53fac002430cb0da5b7982bd2287',
  'Shop/BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
  'Shop/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C',
  'Shop/Orders/Provider/framework-onEvent',
];

describe('CDK framework-internal functions', () => {
  it('recognises the construct paths of the functions the CDK adds', () => {
    expect(INTERNAL.map(isFrameworkInternalPath)).toEqual([true, true, true, true, true]);
    expect(
      ['Shop/Api', 'Shop/Custom/Handler', 'Shop/Orders/Provider/onEvent', 'Shop/framework-onEventual', 'Shop/Deadbeef'].map(isFrameworkInternalPath),
    ).toEqual([false, false, false, false, false]);
  });

  it('marks them frameworkInternal in the model and reports nothing about them, only about the app function', async () => {
    const result = await lintFiles(fixture('framework-internal'));
    expect(result.model.functions.map((f) => [f.name, f.frameworkInternal === true])).toEqual([
      ['Shop/Api', false],
      ...INTERNAL.map((name) => [name, true]),
    ]);
    expect([...new Set(result.findings.map((f) => f.resource))]).toEqual(['Shop/Api']);
    expect(result.functionCount).toBe(1);
    expect(result.findings.map((f) => f.ruleId).sort()).toEqual(['explicit-timeout', 'log-retention', 'memory-size', 'missing-alarms', 'tracing-disabled']);
  });

  it('counts only the app function in the CLI summary', () => {
    const bin = fileURLToPath(new URL('../../cli/bin/lambda-lint.js', import.meta.url));
    const dir = fileURLToPath(new URL('../fixtures/framework-internal', import.meta.url));
    const r = spawnSync(process.execPath, [bin, dir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(r.stdout).toMatch(/problems \(.*\) in 1 function in 2 files\.\n$/);
  });
});
