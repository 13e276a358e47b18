import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { allRules } from '@lambda-lint/rules';
import { cacheKey, inputsUnchanged, readCacheEntry, recordingHost, writeCacheEntry, type RecordedInputs } from './cache.js';
import { findConfigFile, loadConfigFile } from './config-file.js';
import { memoryHost, type Host } from './host.js';
import { lint } from './lint.js';

const root = '/project';

const project: Record<string, string> = {
  'serverless.yml': `service: shop
provider:
  name: aws
  runtime: nodejs22.x
  environment:
    TABLE: \${env:TABLE_NAME, 'orders'}
functions:
  api:
    handler: src/api.handler
    timeout: 10
    memorySize: 512
`,
  'src/api.ts': `import { save } from './lib/store.js';
export const handler = async (event: { id: string }) => {
  await save(event.id);
  return { statusCode: 200 };
};
`,
  'src/lib/store.ts': `export async function save(id: string): Promise<void> {
  console.log(JSON.stringify({ id }));
}
`,
  'lambda-lint.config.json': '{ "rules": { "memory-size": "off" } }\n',
  'README.md': '# shop\n',
};

/** Lints like the CLI does (configuration file, then the project) through `host`, and returns the inputs recorded. */
function recordRun(host: Host): { inputs: RecordedInputs; findings: string[] } {
  const recorder = recordingHost(host);
  const configFile = findConfigFile(recorder.host, root, root);
  const config = configFile ? loadConfigFile(recorder.host, configFile, allRules).config : undefined;
  const result = lint({ host: recorder.host, paths: [root], root, rules: allRules, today: new Date('2026-06-01T00:00:00Z'), ...(config ? { config } : {}) });
  return { inputs: recorder.inputs(), findings: result.findings.map((f) => `${f.ruleId} ${f.loc.file}:${f.loc.line}`) };
}

const hostWith = (changes: Record<string, string | undefined>, env: Record<string, string> = {}): Host => {
  const files: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...project, ...changes })) if (v !== undefined) files[k] = v;
  return memoryHost(files, root, env);
};

describe('recorded inputs', () => {
  const { inputs } = recordRun(hostWith({}));

  it('records the configuration, the handler, the module it imports and the directories listed', () => {
    expect(inputs.files).toHaveProperty('/project/serverless.yml');
    expect(inputs.files).toHaveProperty('/project/src/api.ts');
    expect(inputs.files).toHaveProperty('/project/src/lib/store.ts');
    expect(inputs.files).toHaveProperty('/project/lambda-lint.config.json');
    expect(inputs.dirs).toHaveProperty('/project');
    expect(inputs.env).toHaveProperty('TABLE_NAME', null);
  });

  it('an unchanged tree gives the same answers: the stored result may be used', () => {
    expect(inputsUnchanged(inputs, hostWith({}))).toBe(true);
    // A file nobody reads is not an input.
    expect(inputsUnchanged(inputs, hostWith({ 'README.md': '# changed\n' }))).toBe(true);
    // node_modules is never linted, and the cache itself is written there.
    expect(inputsUnchanged(inputs, hostWith({ 'node_modules/.cache/lambda-lint/run-x.json': '{}' }))).toBe(true);
  });

  it.each([
    ['a changed handler', { 'src/api.ts': project['src/api.ts'] + '// edited\n' }],
    ['a changed module the handler imports', { 'src/lib/store.ts': project['src/lib/store.ts']!.replace('JSON.stringify({ id })', '`saved ${id}`') }],
    ['a changed template', { 'serverless.yml': project['serverless.yml']!.replace('timeout: 10', 'timeout: 900') }],
    ['a changed configuration file', { 'lambda-lint.config.json': '{ "rules": {} }\n' }],
    ['a deleted module', { 'src/lib/store.ts': undefined }],
    ['a new template in a listed directory', { 'template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n' }],
    ['a removed configuration file', { 'lambda-lint.config.json': undefined }],
  ])('%s invalidates', (_name, changes) => {
    expect(inputsUnchanged(inputs, hostWith(changes))).toBe(false);
  });

  it('a changed environment variable that the configuration reads invalidates', () => {
    expect(inputsUnchanged(inputs, hostWith({}, { TABLE_NAME: 'other' }))).toBe(false);
    expect(inputsUnchanged(inputs, hostWith({}, { UNRELATED: 'x' }))).toBe(true);
  });

  it('the inputs of a changed tree give its own findings again (the cache never hides a change)', () => {
    const before = recordRun(hostWith({}));
    const after = recordRun(hostWith({ 'serverless.yml': project['serverless.yml']!.replace('timeout: 10', 'timeout: 900') }));
    expect(after.findings).not.toEqual(before.findings);
    expect(after.findings.some((f) => f.startsWith('explicit-timeout '))).toBe(true);
  });
});

describe('cache entries on disk', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stores a value and returns it while the inputs are unchanged, for the same key only', () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-lint-cache-'));
    const { inputs } = recordRun(hostWith({}));
    const key = cacheKey({ argv: ['.'], day: '2026-06-01' });
    expect(writeCacheEntry(dir, key, inputs, { report: 'stored' })).toBe(true);
    expect(readCacheEntry(dir, key, hostWith({}))).toEqual({ report: 'stored' });
    expect(readCacheEntry(dir, cacheKey({ argv: ['--quiet', '.'], day: '2026-06-01' }), hostWith({}))).toBeUndefined();
    expect(readCacheEntry(dir, key, hostWith({ 'src/api.ts': '' }))).toBeUndefined();
    // Written through a temporary file that is renamed: nothing else is left behind.
    expect(readdirSync(dir).every((n) => /^run-[\w-]+\.json$/.test(n))).toBe(true);
  });

  it('keys do not depend on the order of object keys', () => {
    expect(cacheKey({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(cacheKey({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(cacheKey({ a: 1 })).not.toBe(cacheKey({ a: 2 }));
  });

  it('a corrupt or missing entry is a miss, not an error', () => {
    dir = mkdtempSync(join(tmpdir(), 'lambda-lint-cache-'));
    expect(readCacheEntry(dir, 'k', hostWith({}))).toBeUndefined();
    expect(readCacheEntry(join(dir, 'not-json.json'), 'k', hostWith({}))).toBeUndefined();
  });
});
