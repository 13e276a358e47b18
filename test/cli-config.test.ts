import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '@lambda-lint/core';
import { allRules } from '@lambda-lint/rules';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');

/** Runs the built CLI as users do (`pnpm test` builds it first). */
function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-config-'));
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content);
  return dir;
}

function write(dir: string, rel: string, content: string): void {
  const path = join(dir, rel);
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  writeFileSync(path, content);
}

/** A clean service whose only finding is memory-size on `memorySize: 3008` (line 6). */
const SERVICE = readFileSync(join(repoRoot, 'rules/suppressions/unused-suppression/fixtures/valid/serverless/serverless.yml'), 'utf8')
  .replace('runtime: nodejs22.x', 'runtime: nodejs24.x')
  .replace(/  # lambda-lint-disable-next-line.*\n/, '');
const HANDLER = readFileSync(join(repoRoot, 'rules/suppressions/unused-suppression/fixtures/valid/serverless/src/brands.ts'), 'utf8');
/** A second function with a memory-size finding of its own (`memorySize: 10240`). */
const withSecondFunction = (service: string) =>
  service.replace(
    '      - httpApi: GET /brands\n',
    '      - httpApi: GET /brands\n  get-brand:\n    handler: src/brands.handler\n    memorySize: 10240\n    deploymentSettings: { type: Canary10Percent5Minutes, alias: Live, alarms: [GetBrandErrorsAlarm] }\n    events:\n      - httpApi: GET /brands/{id}\n',
  );
const app = (extra: Record<string, string> = {}, service = SERVICE) => project({ 'serverless.yml': service, 'src/brands.ts': HANDLER, ...extra });

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  severity: string;
  file: string;
}
function findings(r: { stdout: string }): string[] {
  const out = JSON.parse(r.stdout) as { findings: JsonFinding[] };
  return out.findings.map((f) => `${f.file.replace(/^.*lambda-lint-config-[^/]+\//, '')}:${f.line}:${f.column} ${f.severity} ${f.ruleId}`);
}

describe('configuration files', () => {
  it('without a configuration the defaults apply', () => {
    const r = cli(['--format', 'json'], app());
    expect(findings(r)).toEqual(['serverless.yml:6:15 warning memory-size']);
    expect(r.code).toBe(0);
  });

  it.each([
    ['lambda-lint.config.json', '{ "rules": { "memory-size": "error" } }'],
    ['lambda-lint.config.yaml', 'rules:\n  memory-size: error\n'],
    ['lambda-lint.config.yml', 'rules:\n  memory-size: error\n'],
    ['.lambda-lintrc', 'rules:\n  memory-size: error\n'],
    ['.lambda-lintrc', '{ "rules": { "memory-size": "error" } }'],
    ['.lambda-lintrc', '{ rules: { memory-size: error } }'],
    ['package.json', '{ "name": "x", "lambda-lint": { "rules": { "memory-size": "error" } } }'],
  ])('reads %s', (name, content) => {
    const r = cli(['--format', 'json'], app({ [name]: content }));
    expect(findings(r)).toEqual(['serverless.yml:6:15 error memory-size']);
    expect(r.code).toBe(1);
  });

  it('takes the first file in the documented order, and --config over the search', () => {
    const dir = app({ 'lambda-lint.config.json': '{ "rules": { "memory-size": "error" } }', 'lambda-lint.config.yaml': 'rules:\n  memory-size: off\n' });
    expect(findings(cli(['--format', 'json'], dir))).toEqual(['serverless.yml:6:15 error memory-size']);
    write(dir, 'ci/lint.yaml', 'rules:\n  memory-size: info\n');
    expect(findings(cli(['--format', 'json', '--config', 'ci/lint.yaml'], dir))).toEqual(['serverless.yml:6:15 info memory-size']);
    // Globs of a --config file are relative to the working directory, not to the file's folder.
    write(dir, 'ci/ignore-all.yaml', 'ignore: [serverless.yml]\noverrides:\n  - files: [./serverless.yml]\n    rules: { memory-size: error }\n');
    expect(findings(cli(['--format', 'json', '--config', 'ci/ignore-all.yaml'], dir))).toEqual([]);
    write(dir, 'ci/override.yaml', 'overrides:\n  - files: [./serverless.yml]\n    rules: { memory-size: error }\n');
    expect(findings(cli(['--format', 'json', '--config', 'ci/override.yaml'], dir))).toEqual(['serverless.yml:6:15 error memory-size']);
    expect(cli(['--config', 'missing.json'], dir)).toMatchObject({ code: 2, stderr: 'lambda-lint: configuration file not found: missing.json\n' });
  });

  it('finds the configuration of the project root from a subdirectory', () => {
    const dir = app({ 'lambda-lint.config.yaml': 'rules:\n  memory-size: error\n' });
    const r = cli(['--format', 'json', '..'], join(dir, 'src'));
    // Run from src/ on the parent: the root is the parent, whose configuration applies.
    expect(findings(r)).toEqual(['../serverless.yml:6:15 error memory-size']);
  });

  it('presets: strict raises warnings to errors, rules on top win', () => {
    expect(findings(cli(['--format', 'json'], app({ 'lambda-lint.config.yaml': 'extends: strict\n' })))).toEqual(['serverless.yml:6:15 error memory-size']);
    const r = cli(['--format', 'json'], app({ 'lambda-lint.config.yaml': 'extends: strict\nrules:\n  memory-size: info\n' }));
    expect(findings(r)).toEqual(['serverless.yml:6:15 info memory-size']);
  });

  it('rule options are validated and applied', () => {
    const ok = cli(['--format', 'json'], app({ 'lambda-lint.config.yaml': 'rules:\n  memory-size: [warning, { suspiciousValues: [10240] }]\n' }));
    expect(findings(ok)).toEqual([]);
    const bad = cli([], app({ 'lambda-lint.config.yaml': 'rules:\n  memory-size: [warning, { suspiciousValue: [10240] }]\n' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'lambda-lint: invalid configuration lambda-lint.config.yaml:\n  lambda-lint.config.yaml:2:28 rules["memory-size"][1].suspiciousValue: rule "memory-size": unknown option "suspiciousValue"; did you mean "suspiciousValues"?\n',
    );
  });

  it('an unknown rule id is a usage error with its position and a suggestion', () => {
    const r = cli([], app({ 'lambda-lint.config.json': '{\n  "rules": {\n    "memroy-size": "off"\n  }\n}\n' }));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'lambda-lint: invalid configuration lambda-lint.config.json:\n  lambda-lint.config.json:3:5 rules["memroy-size"]: unknown rule "memroy-size"; did you mean "memory-size"?\n',
    );
  });

  it('a configuration that is not valid YAML is a usage error with its position', () => {
    const r = cli([], app({ 'lambda-lint.config.yaml': 'rules:\n  memory-size: [warning\n' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^lambda-lint: lambda-lint\.config\.yaml:\d+:\d+: /);
  });

  it('overrides apply per path of the finding, ignore skips files', () => {
    const dir = project({
      'services/api/serverless.yml': SERVICE,
      'services/api/src/brands.ts': HANDLER,
      'services/batch/serverless.yml': SERVICE,
      'services/batch/src/brands.ts': HANDLER,
      'legacy/serverless.yml': SERVICE,
      'legacy/src/brands.ts': HANDLER,
      'lambda-lint.config.yaml': 'ignore: [legacy/]\noverrides:\n  - files: [services/batch/**]\n    rules:\n      memory-size: error\n',
    });
    expect(findings(cli(['--format', 'json'], dir))).toEqual(['services/api/serverless.yml:6:15 warning memory-size', 'services/batch/serverless.yml:6:15 error memory-size']);
  });

  it('--print-config shows the effective configuration of a file', () => {
    const dir = app({ 'lambda-lint.config.yaml': 'overrides:\n  - files: [services/batch/**]\n    rules:\n      memory-size: error\nmandatory: [iam-wildcard-action]\nignore: [legacy/**]\n' });
    const forBatch = JSON.parse(cli(['--print-config', 'services/batch/serverless.yml'], dir).stdout);
    expect(forBatch).toMatchObject({ configFile: 'lambda-lint.config.yaml', file: 'services/batch/serverless.yml', ignored: false, mandatory: ['iam-wildcard-action'] });
    expect(forBatch.rules['memory-size']).toEqual(['error', { suspiciousValues: [3008, 10240] }]);
    const forApi = JSON.parse(cli(['--print-config', 'serverless.yml'], dir).stdout);
    expect(forApi.rules['memory-size']).toEqual(['warning', { suspiciousValues: [3008, 10240] }]);
    expect(JSON.parse(cli(['--print-config', 'legacy/x.yml'], dir).stdout).ignored).toBe(true);
  });

  it('init writes a starter configuration that loads, and refuses to overwrite', () => {
    const dir = app();
    const first = cli(['init'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Wrote lambda-lint.config.yaml');
    const written = readFileSync(join(dir, 'lambda-lint.config.yaml'), 'utf8');
    expect(findings(cli(['--format', 'json'], dir))).toEqual(['serverless.yml:6:15 warning memory-size']);
    const second = cli(['init'], dir);
    expect(second).toMatchObject({ code: 2, stderr: 'lambda-lint: lambda-lint.config.yaml already exists; not overwritten\n' });
    expect(readFileSync(join(dir, 'lambda-lint.config.yaml'), 'utf8')).toBe(written);
    const json = app();
    expect(cli(['init', '--format', 'json'], json).code).toBe(0);
    expect(existsSync(join(json, 'lambda-lint.config.json'))).toBe(true);
    expect(cli(['--format', 'json'], json).code).toBe(0);
  });

  it('init refuses when package.json holds the configuration', () => {
    const dir = app({ 'package.json': '{ "name": "x", "lambda-lint": { "extends": "strict" } }' });
    expect(cli(['init'], dir)).toMatchObject({ code: 2, stderr: 'lambda-lint: package.json has a "lambda-lint" configuration; not overwritten\n' });
    expect(existsSync(join(dir, 'lambda-lint.config.yaml'))).toBe(false);
  });

  it('--rule runs the named rule even when the configuration turns it off, and ignores settings of other rules', () => {
    const dir = app({ 'lambda-lint.config.yaml': 'rules:\n  memory-size: off\n  explicit-timeout: error\nmandatory: [iam-wildcard-action]\n' });
    expect(findings(cli(['--format', 'json'], dir))).toEqual([]);
    expect(findings(cli(['--format', 'json', '--rule', 'memory-size'], dir))).toEqual(['serverless.yml:6:15 warning memory-size']);
  });
});

describe('suppressions through the CLI', () => {
  const withComment = (comment: string) => SERVICE.replace('  memorySize: 3008\n', `${comment}\n  memorySize: 3008\n`);

  it('a suppression with a reason silences exactly one finding', () => {
    const service = withComment('  # lambda-lint-disable-next-line memory-size -- measured with power tuning');
    expect(findings(cli(['--format', 'json'], app({}, service)))).toEqual([]);
    // The same suppression does not silence the same rule's finding elsewhere.
    expect(findings(cli(['--format', 'json'], app({}, withSecondFunction(service))))).toEqual(['serverless.yml:21:17 warning memory-size']);
  });

  it('a suppression without a reason is reported', () => {
    const r = cli(['--format', 'json'], app({}, withComment('  # lambda-lint-disable-next-line memory-size')));
    expect(findings(r)).toEqual(['serverless.yml:6:3 warning suppression-without-reason']);
  });

  it('a mandatory rule cannot be suppressed', () => {
    const r = cli(['--format', 'json'], app({ 'lambda-lint.config.yaml': 'mandatory: [memory-size]\n' }, withComment('  # lambda-lint-disable-next-line memory-size -- measured')));
    expect(findings(r)).toEqual(['serverless.yml:6:35 info unused-suppression', 'serverless.yml:7:15 warning memory-size']);
  });

  it('eslint-disable comments with lambda-lint/ ids are honoured, as in the editor', () => {
    const handler = (comment: string) =>
      `import { writeFile, rm } from 'node:fs/promises';\n\nexport const handler = async () => {\n  try {\n    ${comment}\n    await writeFile('/tmp/brands.json', '[]');\n  } finally {\n    await rm('/tmp/brands.json', { force: true });\n  }\n  return { statusCode: 200, body: '[]' };\n};\n`;
    const service = SERVICE.replace('  memorySize: 3008\n', '  memorySize: 256\n');
    const plain = project({ 'serverless.yml': service, 'src/brands.ts': handler('// unrelated') });
    expect(findings(cli(['--format', 'json'], plain))).toEqual(['src/brands.ts:6:21 error fixed-tmp-path']);
    const annotated = project({ 'serverless.yml': service, 'src/brands.ts': handler('// eslint-disable-next-line lambda-lint/fixed-tmp-path -- one request at a time') });
    expect(findings(cli(['--format', 'json'], annotated))).toEqual([]);
  });

  it('--no-inline-config ignores suppressions', () => {
    const r = cli(['--format', 'json', '--no-inline-config'], app({}, withComment('  # lambda-lint-disable-next-line memory-size')));
    expect(findings(r)).toEqual(['serverless.yml:7:15 warning memory-size']);
  });
});

describe('baseline', () => {
  it('hides existing findings after unrelated edits, shows a new one, and says how many it hid', () => {
    const dir = app();
    const update = cli(['--update-baseline', '--baseline', '.lambda-lint/baseline.json'], dir);
    expect(update).toMatchObject({ code: 0, stderr: 'lambda-lint: wrote 1 finding to the baseline .lambda-lint/baseline.json\n' });
    const baseline = readFileSync(join(dir, '.lambda-lint/baseline.json'), 'utf8');
    expect(baseline).toMatch(/^\{\n {2}"version": 1,\n {2}"entries": \[\n {4}\{"fingerprint":"v1:[0-9a-f]{16}","ruleId":"memory-size","file":"serverless.yml","message":".*"\}\n {2}\]\n\}\n$/);

    // Lines inserted above the baselined finding, and a new finding below it.
    const edited = withSecondFunction(SERVICE.replace('provider:\n', '# the brand service\n# owned by the platform team\nprovider:\n'));
    write(dir, 'serverless.yml', edited);
    const r = cli(['--format', 'json', '--baseline', '.lambda-lint/baseline.json'], dir);
    expect(findings(r)).toEqual(['serverless.yml:22:17 warning memory-size']);
    expect(r.stderr).toBe('lambda-lint: 1 finding hidden by the baseline .lambda-lint/baseline.json, 1 not in it\n');
    // Fixing the baselined finding: the baseline says it has an entry that is gone.
    write(dir, 'serverless.yml', edited.replace('  memorySize: 3008\n', '  memorySize: 512\n'));
    expect(cli(['--format', 'json', '--baseline', '.lambda-lint/baseline.json'], dir).stderr).toBe(
      'lambda-lint: 0 findings hidden by the baseline .lambda-lint/baseline.json, 1 not in it; 1 finding of it no longer reported (remove with --update-baseline)\n',
    );
    write(dir, 'serverless.yml', edited);
    // Without the baseline both are reported.
    expect(findings(cli(['--format', 'json'], dir))).toHaveLength(2);
    // Updating again is stable: same content for the same findings.
    cli(['--update-baseline', '--baseline', 'b2.json'], dir);
    cli(['--update-baseline', '--baseline', 'b3.json'], dir);
    expect(readFileSync(join(dir, 'b2.json'), 'utf8')).toBe(readFileSync(join(dir, 'b3.json'), 'utf8'));
  });

  it('never hides or records findings of mandatory rules', () => {
    const dir = app({ 'lambda-lint.config.yaml': 'mandatory: [memory-size]\n' });
    expect(cli(['--update-baseline'], dir).stderr).toBe('lambda-lint: wrote 0 findings to the baseline lambda-lint-baseline.json\n');
    // A baseline written before the rule became mandatory does not hide it either.
    const before = app();
    cli(['--update-baseline'], before);
    write(before, 'lambda-lint.config.yaml', 'mandatory: [memory-size]\n');
    expect(findings(cli(['--format', 'json', '--baseline', 'lambda-lint-baseline.json'], before))).toEqual(['serverless.yml:6:15 warning memory-size']);
  });

  it('a missing or broken baseline is a usage error', () => {
    const dir = app({ 'broken.json': '{"version": 7, "entries": []}' });
    expect(cli(['--baseline', 'nope.json'], dir)).toMatchObject({ code: 2, stderr: 'lambda-lint: baseline file not found: nope.json (create it with --update-baseline)\n' });
    expect(cli(['--baseline', 'broken.json'], dir).stderr).toContain('broken.json is not a lambda-lint baseline: unsupported version 7');
  });
});

describe('configuration JSON Schema', () => {
  const schemaPath = join(repoRoot, 'packages/cli/schema/lambda-lint.config.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;

  it('is generated from the current rules (node scripts/generate-config-schema.mjs)', () => {
    expect(schema, 'stale: run pnpm build && node scripts/generate-config-schema.mjs').toEqual(JSON.parse(JSON.stringify(configJsonSchema(allRules))));
  });

  it('accepts valid configurations and rejects unknown rules, severities and options', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate({ extends: ['recommended'], rules: { 'memory-size': ['warning', { suspiciousValues: [3008] }], 'explicit-timeout': 'off' }, ignore: ['legacy/**'], overrides: [{ files: ['a/**'], rules: { 'memory-size': 'error' } }], mandatory: ['iam-wildcard-action'] })).toBe(true);
    expect(validate({ rules: { 'memroy-size': 'off' } })).toBe(false);
    expect(validate({ rules: { 'memory-size': 'warn' } })).toBe(false);
    expect(validate({ rules: { 'memory-size': ['warning', { suspiciousValue: [1] }] } })).toBe(false);
    expect(validate({ mandatory: ['nope'] })).toBe(false);
    expect(validate({ extends: 'strictest' })).toBe(false);
  });
});
