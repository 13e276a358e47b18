import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { allRules } from '@lambda-lint/rules';
import { docsUrl } from '@lambda-lint/core';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
const schemaPath = join(repoRoot, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The official SARIF 2.1.0 schema (draft-04 dialect) compiled by Ajv 8, with real checks for its three formats. */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // Ajv 8 speaks draft-07: the root's draft-04 `id` becomes `$id`; the schema uses no other draft-04-only keyword.
  const { $schema: _dialect, id, ...rest } = schema;
  // unicodeRegExp: false because the schema's `language` pattern is not valid in the u mode (a lone `]`).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
  ajv.addFormat('uri-reference', /^[^\s]*$/);
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile({ ...rest, $id: id as string });
}

const validate = sarifValidator();

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-sarif-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

const serverless = `service: brand-jobs
provider:
  name: aws
  runtime: nodejs24.x
  memorySize: 256
  logRetentionInDays: 30
  tracing:
    lambda: true
functions:
  process-jobs:
    handler: src/jobs.handler
    deploymentSettings: { type: Canary10Percent5Minutes, alias: Live, alarms: [ProcessJobsErrorsAlarm] }
    timeout: 60
    events:
      - sqs:
          arn: !GetAtt Jobs.Arn
          maximumConcurrency: 5
resources:
  Resources:
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 30
        RedrivePolicy:
          deadLetterTargetArn: !GetAtt JobsDeadLetters.Arn
          maxReceiveCount: 5
    JobsDeadLetters:
      Type: AWS::SQS::Queue
custom:
  alerts:
    definitions:
      functionDuration:
        statistic: p99
    alarms:
      - functionErrors
      - functionThrottles
      - functionDuration
plugins:
  - serverless-plugin-canary-deployments
`;
const handler = `import { writeFileSync } from 'node:fs';

export const handler = async (event: { Records: { body: string }[] }) => {
  for (const r of event.Records) writeFileSync('/tmp/job.json', r.body);
  return { ok: true };
};
`;

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> }; logicalLocations?: { name: string; kind: string }[] }[];
  relatedLocations?: { id: number; physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> }; message: { text: string } }[];
  partialFingerprints: Record<string, string>;
}

function sarifOf(dir: string): { log: { runs: { tool: { driver: { rules: Record<string, unknown>[] } }; results: SarifResult[] }[] }; code: number | null } {
  const r = cli(['--format', 'sarif', '.'], dir);
  expect(r.stderr).toBe('');
  return { log: JSON.parse(r.stdout), code: r.code };
}

describe('SARIF output', () => {
  it('of the example platform validates against the official SARIF 2.1.0 schema', () => {
    const r = cli(['--format', 'sarif', 'examples/brand-platform'], repoRoot);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(log.runs[0].tool.driver.name).toBe('lambda-lint');
  });

  it('of the demo platform validates and carries every finding of the JSON output, position for position', () => {
    const demo = 'examples/brand-platform-demo';
    const sarif = JSON.parse(cli(['--format', 'sarif', demo], repoRoot).stdout);
    expect(validate(sarif)).toBe(true);
    const json = JSON.parse(cli(['--format', 'json', demo], repoRoot).stdout) as {
      findings: { ruleId: string; severity: string; message: string; file: string; line: number; column: number; endLine: number; endColumn: number; related?: { file: string; line: number; column: number; message: string }[] }[];
    };
    const results = sarif.runs[0].results as SarifResult[];
    expect(json.findings.length).toBeGreaterThan(50);
    expect(results).toHaveLength(json.findings.length);
    const level = { error: 'error', warning: 'warning', info: 'note' } as Record<string, string>;
    const fromJson = json.findings.map((f) => ({
      ruleId: f.ruleId,
      level: level[f.severity],
      message: f.message,
      uri: f.file.split('/').map(encodeURIComponent).join('/'),
      region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
      related: (f.related ?? []).map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`),
    }));
    const fromSarif = results.map((r) => ({
      ruleId: r.ruleId,
      level: r.level,
      message: r.message.text,
      uri: r.locations[0]!.physicalLocation.artifactLocation.uri,
      region: r.locations[0]!.physicalLocation.region,
      related: (r.relatedLocations ?? []).map(
        (x) => `${decodeURIComponent(x.physicalLocation.artifactLocation.uri)}:${x.physicalLocation.region.startLine}:${x.physicalLocation.region.startColumn} ${x.message.text}`,
      ),
    }));
    expect(fromSarif).toEqual(fromJson);
    expect(fromSarif.some((r) => r.related.length > 0)).toBe(true);
    // Every result has its own fingerprint: equal ones would merge distinct alerts in code scanning.
    expect(new Set(results.map((r) => r.partialFingerprints['lambdaLint/v1'])).size).toBe(results.length);
  });

  it('of a project with findings validates too, and the validator rejects a broken log', () => {
    const { log } = sarifOf(project({ 'serverless.yml': serverless, 'src/jobs.ts': handler }));
    expect(validate(log)).toBe(true);
    const broken = structuredClone(log);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    const badLevel = structuredClone(log);
    (badLevel.runs[0].results[0] as { level: string }).level = 'fatal';
    expect(validate(badLevel)).toBe(false);
  });

  it('describes every rule of the catalog from its metadata', () => {
    const { log } = sarifOf(project({ 'serverless.yml': serverless, 'src/jobs.ts': handler }));
    const descriptors = log.runs[0]!.tool.driver.rules;
    expect(descriptors.map((d) => d.id)).toEqual(allRules.map((r) => r.id));
    const level = { error: 'error', warning: 'warning', info: 'note' } as const;
    for (const [i, rule] of allRules.entries()) {
      expect(descriptors[i]).toMatchObject({
        id: rule.id,
        fullDescription: { text: rule.description },
        helpUri: docsUrl(rule),
        help: { text: expect.stringContaining(docsUrl(rule)) },
        defaultConfiguration: { level: level[rule.severity as keyof typeof level], enabled: !rule.experimental },
      });
      expect((descriptors[i]!.shortDescription as { text: string }).text.length).toBeGreaterThan(10);
    }
  });

  it('gives exact regions, the rule index, related locations and the function as a logical location', () => {
    const { log, code } = sarifOf(project({ 'serverless.yml': serverless, 'src/jobs.ts': handler }));
    expect(code).toBe(1);
    const run = log.runs[0]!;
    const ids = run.tool.driver.rules.map((d) => d.id);
    const results = run.results;
    expect(results.map((r) => `${r.ruleId} ${r.level}`)).toEqual(['sqs-visibility-timeout error', 'fixed-tmp-path error']);
    for (const r of results) expect(ids[r.ruleIndex]).toBe(r.ruleId);

    const tmp = results[1]!;
    expect(tmp.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/jobs.ts', uriBaseId: '%SRCROOT%' },
      region: { startLine: 4, startColumn: 48, endLine: 4, endColumn: 63 },
    });
    expect(tmp.locations[0]!.logicalLocations).toEqual([{ name: 'process-jobs', fullyQualifiedName: 'ProcessDashjobsLambdaFunction', kind: 'function' }]);
    expect(handler.split('\n')[3]!.slice(47, 62)).toBe("'/tmp/job.json'");

    const queue = results[0]!;
    expect(queue.locations[0]!.physicalLocation.region).toEqual({ startLine: 23, startColumn: 28, endLine: 23, endColumn: 30 });
    expect(queue.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: { artifactLocation: { uri: 'serverless.yml', uriBaseId: '%SRCROOT%' }, region: expect.objectContaining({ startLine: 15, startColumn: 9 }) },
        message: { text: 'process-jobs consumes the queue here' },
      },
      {
        id: 2,
        physicalLocation: { artifactLocation: { uri: 'serverless.yml', uriBaseId: '%SRCROOT%' }, region: expect.objectContaining({ startLine: 13, startColumn: 14 }) },
        message: { text: 'process-jobs timeout: 60 s' },
      },
    ]);
  });

  it('keeps partialFingerprints across unrelated edits and changes them when the finding changes', () => {
    const before = sarifOf(project({ 'serverless.yml': serverless, 'src/jobs.ts': handler })).log.runs[0]!.results;
    const moved = sarifOf(
      project({
        'serverless.yml': '# the jobs service\n\n' + serverless,
        'src/jobs.ts': `// Processes jobs.\nimport { join } from 'node:path';\n\n${handler}export const unused = join('a', 'b');\n`,
      }),
    ).log.runs[0]!.results;
    expect(moved.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual([25, 7]);
    expect(moved.map((r) => r.partialFingerprints)).toEqual(before.map((r) => r.partialFingerprints));
    expect(before[0]!.partialFingerprints['lambdaLint/v1']).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(before[0]!.partialFingerprints['lambdaLint/v1']).not.toBe(before[1]!.partialFingerprints['lambdaLint/v1']);

    const otherPath = sarifOf(project({ 'serverless.yml': serverless, 'src/jobs.ts': handler.replace('/tmp/job.json', '/tmp/other.json') })).log.runs[0]!.results;
    expect(otherPath[1]!.partialFingerprints).not.toEqual(before[1]!.partialFingerprints);
    expect(otherPath[0]!.partialFingerprints).toEqual(before[0]!.partialFingerprints);
  });

  it('percent-encodes file names in URIs and has a file: base URI for %SRCROOT%', () => {
    const dir = project({ 'my service/serverless.yml': serverless, 'my service/src/jobs.ts': handler });
    const r = cli(['--format', 'sarif', '.'], dir);
    const log = JSON.parse(r.stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/\/.*\/$/);
    expect(log.runs[0].results.map((x: SarifResult) => x.locations[0]!.physicalLocation.artifactLocation.uri)).toEqual([
      'my%20service/serverless.yml',
      'my%20service/src/jobs.ts',
    ]);
  });
});
