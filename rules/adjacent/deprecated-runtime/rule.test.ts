import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUNTIME_LIFECYCLE } from '../../support/runtimes.js';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

/** A CDK cloud assembly with one stack (`cdk.out`), its template printed as `cdk synth` does (JSON, one-space indent). */
const cdk = (resources: Record<string, unknown>) => ({
  'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
  'cdk.out/Shop.template.json': JSON.stringify({ Resources: resources }, undefined, 1),
});
const cdkFunction = (props: Record<string, unknown> = {}) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Code: { S3Bucket: 'assets', S3Key: 'handler.zip' },
    Handler: 'index.handler',
    Role: 'arn:aws:iam::123456789012:role/shop',
    Runtime: 'nodejs22.x',
    MemorySize: 256,
    Timeout: 10,
    ...props,
  },
  Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/Resource' },
});

const RULE = 'deprecated-runtime';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === RULE);
const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('deprecated-runtime', () => {
  describe('serverless.yml', () => {
    const app = (runtime: string, fn = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: ${runtime}\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n${fn}`,
      'src/ingest.ts': handler,
    });

    it('reports a runtime past its deprecation date as an error, naming the date and the successor', async () => {
      const r = await lintFiles(app('nodejs20.x'), { today: day('2026-06-01') });
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 4, 12, 4, 22)]);
      expect(own(r)[0]?.severity).toBe('error');
      expect(own(r)[0]?.message).toMatch(/^ingest: runtime nodejs20\.x \(Node\.js 20\) \(from provider\.runtime\) was deprecated on 2026-04-30: .*Upgrade to nodejs24\.x/);
    });

    it('warns within 180 days of the date and is silent before', async () => {
      const soon = await lintFiles(app('nodejs22.x'), { today: day('2026-12-01') });
      expect(positions(soon, RULE)).toEqual([at(RULE, 'soon', 4, 12, 4, 22)]);
      expect(own(soon)[0]?.severity).toBe('warning');
      expect(own(soon)[0]?.message).toContain('is deprecated on 2027-04-30, in 150 days');
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2026-11-01') }), RULE)).toEqual([at(RULE, 'soon', 4, 12, 4, 22)]);
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2026-10-31') }), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2026-06-01') }), RULE)).toEqual([]);
    });

    it('reports the deprecation date itself as an error', async () => {
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2027-04-30') }), RULE)).toEqual([at(RULE, 'deprecated', 4, 12, 4, 22)]);
    });

    it('reports a function runtime at the function value', async () => {
      const r = await lintFiles(app('nodejs22.x', '    runtime: python3.9\n'), { today: day('2026-06-01') });
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 11, 14, 11, 23)]);
      expect(own(r)[0]?.message).toContain('Upgrade to python3.14');
    });

    it('reports a provider runtime shared by two functions once, naming both', async () => {
      const r = await lintFiles(app('nodejs18.x', '  report:\n    handler: src/ingest.handler\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 4, 12, 4, 22)]);
      expect(own(r)[0]?.message).toMatch(/^ingest, report: runtime nodejs18\.x/);
      expect(own(r)[0]?.function).toBeUndefined();
    });

    it('stays silent on runtimes it does not know and on values that cannot be resolved', async () => {
      expect(positions(await lintFiles(app('nodejs26.x')), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('${ssm:/brand/runtime}')), RULE)).toEqual([]);
    });

    it('takes the warning window from options', async () => {
      const config = { rules: { [RULE]: ['error', { warnDays: 30 }] as ['error', Record<string, unknown>] } };
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2026-12-01'), config }), RULE)).toEqual([]);
      expect(positions(await lintFiles(app('nodejs22.x'), { today: day('2027-04-15'), config }), RULE)).toEqual([at(RULE, 'soon', 4, 12, 4, 22)]);
    });
  });

  describe('CloudFormation YAML', () => {
    const template = (runtime: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: ${runtime}\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n      MemorySize: 256\n      Timeout: 10\n`,
    });

    it('reports python3.8 as an error at the value and accepts python3.13', async () => {
      const r = await lintFiles(template('python3.8'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 6, 16, 6, 25)]);
      expect(own(r)[0]?.message).toContain('was deprecated on 2024-10-14');
      expect(positions(await lintFiles(template('python3.13')), RULE)).toEqual([]);
    });
  });

  describe('CloudFormation JSON', () => {
    const template = (runtime: string) => ({
      'template.json': `{\n  "Resources": {\n    "Ingest": {\n      "Type": "AWS::Lambda::Function",\n      "Properties": {\n        "Runtime": "${runtime}",\n        "Handler": "index.handler",\n        "Role": "arn:aws:iam::123456789012:role/ingest",\n        "Code": { "ZipFile": "exports.handler = async () => {}" },\n        "MemorySize": 256,\n        "Timeout": 10\n      }\n    }\n  }\n}\n`,
    });

    it('warns about java11 121 days before its date', async () => {
      const r = await lintFiles(template('java11'), { today: day('2026-03-01') });
      expect(positions(r, RULE)).toEqual([at(RULE, 'soon', 6, 20, 6, 28)]);
      expect(own(r)[0]?.message).toContain('in 121 days');
      expect(own(r)[0]?.message).toContain('java25');
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: ingest.handler\n      MemorySize: 256\n      Timeout: 10\n${props}  Report:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: ingest.handler\n      MemorySize: 256\n      Timeout: 10\n`,
      'src/ingest.ts': handler,
    });

    it('reports a Globals runtime shared by two functions once, at Globals', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Runtime: nodejs20.x\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 4, 14, 4, 24)]);
      expect(own(r)[0]?.message).toMatch(/^Ingest, Report: runtime nodejs20\.x \(Node\.js 20\) \(from Globals\.Function\.Runtime\)/);
    });

    it('lets a function override the Globals runtime', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Runtime: nodejs20.x\n', '      Runtime: nodejs22.x\n'));
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 4, 14, 4, 24)]);
      expect(own(r)[0]?.message).toMatch(/^Report: /);
    });
  });

  it('keeps a dated table whose successors are all supported runtimes', () => {
    for (const [id, entry] of Object.entries(RUNTIME_LIFECYCLE)) {
      expect(entry.deprecated, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(RUNTIME_LIFECYCLE[entry.successor], `${id} -> ${entry.successor}`).toBeDefined();
    }
    expect(RUNTIME_LIFECYCLE['nodejs22.x']?.deprecated).toBe('2027-04-30');
    expect(RUNTIME_LIFECYCLE['nodejs24.x']?.deprecated).toBe('2028-04-30');
  });

  describe('CDK synth output', () => {
    it('reports Runtime nodejs18.x at the value, named by construct path', async () => {
      const r = await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction({ Runtime: 'nodejs18.x' }) }));
      expect(positions(r, RULE)).toEqual([at(RULE, 'deprecated', 12, 16, 12, 28)]);
      expect(own(r)[0]?.message).toMatch(/^Shop\/Api\/Handler: runtime nodejs18\.x \(Node\.js 18\) was deprecated on 2025-09-01/);
      expect(positions(await lintFiles(cdk({ ApiHandler5E7490E8: cdkFunction() })), RULE)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), RULE);
});
