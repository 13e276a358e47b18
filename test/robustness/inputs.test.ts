// Bad input, one row per kind (issue 3, item 7): each is a diagnostic at an exact line and column,
// and the other files of the run are still linted.
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { lint, lintFiles, memoryHost, type Host, type LintResult } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { ALIAS_BOMB } from '../../bench/corpus/mutate.mjs';
import { checkRun } from '../../bench/corpus/check.mjs';
import { yamlErrors, type Files } from './support.js';

const INPUT_RULES = new Set(['parse-error', 'unresolved-handler', 'unresolved-variable']);

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const fixedTmp = "import { writeFileSync } from 'node:fs';\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/out.json', event.body);\n};\n";

/** A service next to every bad input: its missing timeout must still be reported. */
const good: Files = {
  'good/serverless.yml': 'service: good\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\nfunctions:\n  api:\n    handler: src/api.handler\n',
  'good/src/api.ts': handler,
};
const GOOD_FINDING = 'explicit-timeout good/serverless.yml:7:3-7:6';

/** A serverless.yml whose function `api` uses `src/api.handler`; `extra` is appended. */
function serverless(extra = '', h = 'src/api.handler'): string {
  return `service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  api:\n    handler: ${h}\n${extra}`;
}

function pos(f: Finding): string {
  const l = f.loc;
  return `${f.ruleId} ${l.file.slice('/project/'.length)}:${l.line}:${l.column}-${l.endLine}:${l.endColumn}`;
}

/** The input diagnostics of a run, outside `good/`. */
function inputFindings(r: LintResult): string[] {
  return r.findings.filter((f) => INPUT_RULES.has(f.ruleId) && !f.loc.file.startsWith('/project/good/')).map(pos);
}

function message(r: LintResult, ruleId: string): string {
  return r.findings.find((f) => f.ruleId === ruleId && !f.loc.file.startsWith('/project/good/'))?.message ?? '';
}

/** Lints the files with the good service beside them; checks the run's invariants too. */
async function run(files: Files): Promise<LintResult> {
  const all = { ...files, ...good };
  const r = await lintFiles(all);
  expect(r.internalErrors).toEqual([]);
  expect(r.findings.map(pos)).toContain(GOOD_FINDING);
  expect(checkRun(all, r, { yamlErrors })).toEqual([]);
  return r;
}

interface Row {
  name: string;
  files: Files;
  /** Every input diagnostic outside `good/`, in order. */
  expected: string[];
  /** Words the first input diagnostic's message must contain. */
  says?: string[];
}

const bytes = (s: string, ...insert: [number, number[]][]): Uint8Array => {
  const b = [...new TextEncoder().encode(s)];
  for (const [at, add] of insert.reverse()) b.splice(at, 0, ...add);
  return Uint8Array.from(b);
};

const ROWS: Row[] = [
  {
    name: 'invalid YAML (a key indented off its mapping): at the indentation',
    files: { 'serverless.yml': 'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n functions: {}\n' },
    expected: ['parse-error serverless.yml:5:1-5:2'],
    says: ['Invalid YAML', 'same column'],
  },
  {
    name: 'invalid YAML (unclosed quote): at the opening quote',
    files: { 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09\nResources: {}\n" },
    expected: ['parse-error template.yaml:1:27-1:28'],
    says: ['Invalid YAML', 'quote'],
  },
  {
    name: 'invalid JSON (trailing comma)',
    files: { 'template.json': '{\n  "AWSTemplateFormatVersion": "2010-09-09",\n  "Resources": {\n    "Fn": { "Type": "AWS::SQS::Queue", }\n  }\n}\n' },
    expected: ['parse-error template.json:4:40-4:41'],
    says: ['Invalid JSON'],
  },
  {
    name: 'unknown YAML tag',
    files: { 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Sub2 x-${AWS::Region}\n" },
    expected: ['parse-error template.yaml:6:18-6:23'],
    says: ['Unknown YAML tag !Sub2'],
  },
  {
    name: 'duplicate keys (YAML): the second key',
    files: { 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n  Queue:\n    Type: AWS::SNS::Topic\n" },
    expected: ['parse-error template.yaml:5:3-5:8'],
    says: ['duplicate key', '"Queue"'],
  },
  {
    name: 'duplicate keys (JSON): the second key, quotes included',
    files: { 'template.json': '{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {"A": {"Type": "AWS::SQS::Queue"}},\n "Resources": {}}\n' },
    expected: ['parse-error template.json:3:2-3:13'],
    says: ['duplicate key'],
  },
  {
    name: 'YAML alias bomb: at the alias whose expansion passes the limit',
    files: { 'serverless.yml': serverless(ALIAS_BOMB.replace('bomb:', 'custom:')), 'src/api.ts': handler },
    expected: ['parse-error serverless.yml:16:10-16:12'],
    says: ['alias bomb'],
  },
  {
    name: 'YAML alias to itself',
    files: { 'serverless.yml': serverless('custom:\n  a: &a [1, *a]\n'), 'src/api.ts': handler },
    expected: ['parse-error serverless.yml:11:13-11:15'],
    says: ['refers to itself'],
  },
  {
    name: 'YAML alias without anchor',
    files: { 'serverless.yml': serverless('custom:\n  a: *nowhere\n'), 'src/api.ts': handler },
    expected: ['parse-error serverless.yml:11:6-11:14'],
  },
  {
    name: 'binary configuration file: the file, naming the first NUL byte',
    files: { 'template.yaml': bytes("AWSTemplateFormatVersion: '2010-09-09'\nResources: x\n", [41, [0, 1, 2]]) },
    expected: ['parse-error template.yaml:1:1-1:1'],
    says: ['binary', 'the first at 2:3'],
  },
  {
    name: 'binary configuration file with its NUL byte far from the start',
    files: { 'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n${'# padding\n'.repeat(1000)}x: "\0"\n` },
    expected: ['parse-error template.yaml:1:1-1:1'],
    says: ['binary', 'the first at 1003:5'],
  },
  {
    name: 'binary handler file',
    files: { 'serverless.yml': serverless(), 'src/api.ts': `${handler}\0\0` },
    expected: ['unresolved-handler serverless.yml:9:14-9:29', 'parse-error src/api.ts:1:1-1:1'],
    says: ['binary'],
  },
  {
    name: 'byte order mark: positions count from after it (YAML error)',
    files: { 'serverless.yml': '\uFEFFservice: s\nprovider: [\n' },
    expected: ['parse-error serverless.yml:3:1-3:1'],
  },
  {
    name: 'two byte order marks: the second one is content, and JSON does not allow it',
    files: { 'template.json': '\uFEFF\uFEFF{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}' },
    expected: ['parse-error template.json:1:1-1:2'],
    says: ['Invalid JSON'],
  },
  {
    name: 'CRLF line endings: an error never points past the end of its line',
    files: { 'template.yaml': "AWSTemplateFormatVersion: '2010-09-09'\r\nResources:\r\n  Q:\r\n    Type: AWS::SQS::Queue\r\n   Properties: {}\r\n" },
    expected: ['parse-error template.yaml:5:1-5:2'],
  },
  {
    name: 'empty configuration file',
    files: { 'serverless.yml': '' },
    expected: ['parse-error serverless.yml:1:1-1:1'],
    says: ['empty'],
  },
  {
    name: 'blank template (whitespace and newlines only)',
    files: { 'template.json': '  \n\t\n' },
    expected: ['parse-error template.json:1:1-1:1'],
    says: ['empty', 'JSON object'],
  },
  {
    name: 'configuration with comments only',
    files: { 'serverless.yml': '# nothing here yet\n' },
    expected: ['parse-error serverless.yml:1:1-1:1'],
    says: ['no content'],
  },
  {
    name: 'configuration that is a list, not a mapping',
    files: { 'serverless.yml': '- service: s\n- provider: {}\n' },
    expected: ['parse-error serverless.yml:1:1-1:1'],
    says: ['a YAML mapping', 'a list'],
  },
  {
    name: 'template that is a single value',
    files: { 'template.json': '"AWSTemplateFormatVersion"\n' },
    expected: ['parse-error template.json:1:1-1:27'],
    says: ['a JSON object', 'single value'],
  },
  {
    name: 'several YAML documents in one configuration',
    files: { 'serverless.yml': 'service: s\n---\nservice: t\n' },
    expected: ['parse-error serverless.yml:2:1-2:4'],
    says: ['more than one YAML document'],
  },
  {
    name: 'TypeScript syntax error in the handler (and the handler is still analysed)',
    files: { 'serverless.yml': serverless(), 'src/api.ts': "import { writeFileSync } from 'node:fs';\nexport const handler = async (event: { body: string }) => {\n  writeFileSync('/tmp/out.json', event.body;\n};\n" },
    expected: ['parse-error src/api.ts:3:44-3:45'],
    says: ["TypeScript syntax error: ')' expected."],
  },
  {
    name: 'JavaScript syntax error in a module the handler imports',
    files: { 'serverless.yml': serverless(), 'src/api.ts': "import { go } from './lib.js';\nexport const handler = async () => go();\n", 'src/lib.js': 'export function go() {\n  return [1, 2;\n}\n' },
    expected: ['parse-error src/lib.js:2:15-2:16'],
    says: ['JavaScript syntax error'],
  },
  {
    name: 'missing handler file',
    files: { 'serverless.yml': serverless('', 'src/missing.handler'), 'src/api.ts': handler },
    expected: ['unresolved-handler serverless.yml:9:14-9:33'],
    says: ['src/missing', 'not found'],
  },
  {
    name: 'missing handler export',
    files: { 'serverless.yml': serverless('', 'src/api.main'), 'src/api.ts': handler },
    expected: ['unresolved-handler serverless.yml:9:14-9:26'],
    says: ['no export "main"', '"handler"'],
  },
  {
    name: 'SAM handler outside the project root',
    files: { 'template.yaml': 'Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: ../../elsewhere/\n      Handler: app.handler\n      Runtime: nodejs22.x\n' },
    expected: ['unresolved-handler template.yaml:7:16-7:27'],
    says: ['outside the project root'],
  },
  {
    name: 'variable cycle: once, where the cycle closes',
    files: { 'serverless.yml': serverless('custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n  t: ${self:custom.a}\n'), 'src/api.ts': handler },
    expected: ['unresolved-variable serverless.yml:12:6-12:22'],
    says: ['cycle'],
  },
  {
    name: 'a chain of 300 variables, each referring to the next: unresolved past 100 links, no stack overflow',
    files: { 'serverless.yml': serverless(`custom:\n${Array.from({ length: 300 }, (_, i) => `  a${i}: \${self:custom.a${i + 1}}`).join('\n')}\n  a300: 1\n`), 'src/api.ts': handler },
    expected: ['unresolved-variable serverless.yml:111:9-111:28', 'unresolved-variable serverless.yml:212:9-212:28'],
    says: ['more than 100 variables'],
  },
  {
    name: 'variables nested 100 deep inside one another',
    files: { 'serverless.yml': serverless(`custom:\n  v: ${'${self:custom.'.repeat(100)}x${'}'.repeat(100)}\n`), 'src/api.ts': handler },
    expected: ['unresolved-variable serverless.yml:11:902-11:904'],
    says: ['nested more than 64 levels'],
  },
  {
    name: 'variables that nest values deeper than the limit once resolved',
    files: { 'serverless.yml': serverless(`custom:\n${Array.from({ length: 300 }, (_, i) => `  a${i}:\n    x: \${self:custom.a${i + 1}}`).join('\n')}\n  a300: 1\n`), 'src/api.ts': handler },
    expected: ['unresolved-variable serverless.yml:406:8-406:27'],
    says: ['more than 200 levels'],
  },
  {
    name: 'YAML nested deeper than the limit (flow): at the first collection past it',
    files: { 'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: ${'['.repeat(5000)}${']'.repeat(5000)}\n` },
    expected: ['parse-error template.yaml:3:204-3:205'],
    says: ['nested more than 200 levels'],
  },
  {
    name: 'YAML nested deeper than the limit (block mappings)',
    files: { 'serverless.yml': `custom:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n` },
    expected: ['parse-error serverless.yml:201:201-201:202'],
    says: ['nested more than 200 levels'],
  },
  {
    name: 'JSON nested deeper than the limit',
    files: { 'template.json': `{"Resources": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}` },
    expected: ['parse-error template.json:1:1209-1:1210'],
    says: ['JSON nested more than 200 levels'],
  },
  {
    name: 'aliases that nest deeper than the limit once expanded: at the alias',
    files: { 'serverless.yml': `custom:\n${Array.from({ length: 300 }, (_, i) => `  a${i}: &a${i} [${i ? `*a${i - 1}` : 1}]`).join('\n')}\n` },
    expected: ['parse-error serverless.yml:200:16-200:21'],
    says: ['aliases', 'more than 200 levels'],
  },
  {
    name: 'TypeScript nested too deeply to parse',
    files: { 'serverless.yml': serverless(), 'src/api.ts': `export const handler = () => ${'('.repeat(50_000)}1${')'.repeat(50_000)};\n` },
    expected: ['unresolved-handler serverless.yml:9:14-9:29', 'parse-error src/api.ts:1:1-1:1'],
    says: ['nested too deeply'],
  },
  {
    name: 'TypeScript nested 2,000 levels deep that still parses (generated code): analysed, no stack overflow',
    files: { 'serverless.yml': serverless(), 'src/api.ts': `export const handler = async (x: number) => {\n${'if (x) '.repeat(2000)}f();\n};\nfunction f() {}\n` },
    expected: [],
  },
  {
    name: 'a 10,000-term expression in handler code: analysed, no stack overflow',
    files: { 'serverless.yml': serverless(), 'src/api.ts': `export const handler = async (e: { x: string }) => '' + ${Array.from({ length: 10_000 }, (_, i) => `g(e.x${i % 7})`).join(' + ')};\nfunction g(s: string) { return s; }\n` },
    expected: [],
  },
  {
    name: 'invalid UTF-8: read with a replacement character, columns after it still right',
    // Two bytes of a truncated 3-byte sequence become one U+FFFD: one column.
    files: { 'template.yaml': bytes("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Q: {Description: caf, Type: AWS::SQS::Queue, Properties: !Nope x}\n", [72, [0xe2, 0x82]]) },
    expected: ['parse-error template.yaml:3:61-3:66'],
  },
  {
    name: 'lone surrogates in handler code',
    files: { 'serverless.yml': serverless(), 'src/api.ts': `${handler}const s = '\uD800\uDC00\uDFFF';\n` },
    expected: [],
  },
];

describe('input diagnostics: exact positions, the rest of the run goes on', () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const r = await run(row.files);
      expect(inputFindings(r)).toEqual(row.expected);
      const first = r.findings.find((f) => INPUT_RULES.has(f.ruleId) && !f.loc.file.startsWith('/project/good/'));
      for (const word of row.says ?? []) expect(first?.message).toContain(word);
    });
  }

  it('is just as exact with a byte order mark and CRLF line endings (findings of other rules too)', async () => {
    const lf = { 'serverless.yml': serverless().replace('  timeout: 10\n', ''), 'src/api.ts': fixedTmp };
    const crlf = { 'serverless.yml': `\uFEFF${lf['serverless.yml'].replace(/\n/g, '\r\n')}`, 'src/api.ts': `\uFEFF${fixedTmp.replace(/\n/g, '\r\n')}` };
    const a = await run(lf);
    const b = await run(crlf);
    expect(b.findings.map(pos)).toEqual(a.findings.map(pos));
    expect(a.findings.map(pos)).toEqual(expect.arrayContaining(['explicit-timeout serverless.yml:7:3-7:6', 'fixed-tmp-path src/api.ts:3:17-3:32']));
  });

  it('reads files nested exactly to the limit', async () => {
    const json = `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}, "Metadata": ${'['.repeat(199)}${']'.repeat(199)}}`;
    const r = await run({ 'template.json': json });
    expect(inputFindings(r)).toEqual([]);
  });

  it('reports files over the size limit, configuration and code, without reading them', async () => {
    const files: Files = {
      ...good,
      'serverless.yml': serverless(`custom:\n  pad: "${'x'.repeat(3000)}"\n`),
      'big/serverless.yml': serverless(),
      'big/src/api.ts': `${handler}// ${'x'.repeat(3000)}\n`,
      'src/api.ts': handler,
    };
    const r = lint({ host: memoryHost(files, '/project'), paths: ['/project'], root: '/project', rules: allRules, maxFileBytes: 2048, today: new Date('2026-06-01') });
    expect(r.internalErrors).toEqual([]);
    expect(inputFindings(r)).toEqual([
      'unresolved-handler big/serverless.yml:9:14-9:29',
      'parse-error big/src/api.ts:1:1-1:1',
      'parse-error serverless.yml:1:1-1:1',
    ]);
    expect(message(r, 'parse-error')).toMatch(/limit/);
    expect(r.findings.map(pos)).toContain(GOOD_FINDING);
  });

  it('never reads ${file()} outside the project root, even when the file exists', async () => {
    const files: Files = {
      ...good,
      'serverless.yml': serverless('custom:\n  a: ${file(../secrets.yml):password}\n  b: ${file(/etc/passwd)}\n  c: ${file(./inside.yml):x}\n'),
      'inside.yml': 'x: 1\n',
      'src/api.ts': handler,
    };
    const inner = memoryHost({ ...files, '../secrets.yml': 'password: hunter2\n' }, '/project');
    const reads: string[] = [];
    const host: Host = { ...inner, readFile: (p) => (reads.push(p), inner.readFile(p)) };
    const r = lint({ host, paths: ['/project'], root: '/project', rules: allRules, today: new Date('2026-06-01') });
    expect(r.internalErrors).toEqual([]);
    expect(reads.filter((p) => !p.startsWith('/project/'))).toEqual([]);
    expect(reads).toContain('/project/inside.yml');
    expect(inputFindings(r)).toEqual(['unresolved-variable serverless.yml:11:6-11:38', 'unresolved-variable serverless.yml:12:6-12:26']);
    expect(message(r, 'unresolved-variable')).toContain('outside the project root');
    expect(JSON.stringify(r.model.documents)).not.toContain('hunter2');
  });

  it('lints a 4 MB valid template to the end', async () => {
    const resources: Record<string, unknown> = {};
    for (let i = 0; i < 5200; i++) {
      resources[`Fn${i}`] = {
        Type: 'AWS::Lambda::Function',
        Metadata: { 'aws:cdk:path': `Stack/Fn${i}/Resource` },
        Properties: { Runtime: 'nodejs22.x', Handler: 'index.handler', MemorySize: 512, Timeout: 30, Role: { 'Fn::GetAtt': [`Role${i}`, 'Arn'] }, Code: { S3Bucket: 'assets', S3Key: `fn-${i}.zip` }, TracingConfig: { Mode: 'Active' } },
      };
      resources[`Role${i}`] = { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } } };
    }
    const text = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }, null, 2);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(text.length).toBeLessThan(5 * 1024 * 1024);
    const r = await run({ 'big.template.json': text });
    expect(inputFindings(r)).toEqual([]);
    expect(r.functionCount).toBe(5201);
  }, 120_000);
  it('reads SDK services and operations named after Object.prototype members as plain names in every rule', async () => {
    const code = [
      "import { ConstructorClient, GetThingCommand } from '@aws-sdk/client-constructor';",
      "import { ToStringClient, ListThingsCommand } from '@aws-sdk/client-tostring';",
      'export const handler = async () => {',
      '  await new ConstructorClient({}).send(new GetThingCommand({}));',
      '  await new ToStringClient({}).send(new ListThingsCommand({}));',
      '};',
      '',
    ].join('\n');
    // run() fails on any internal error: client-in-handler and iam-missing-permission stopped on these names.
    // An SQS trigger: not-idempotent looks the service up in its table of publishing operations.
    const r = await run({ 'svc/serverless.yml': serverless('    events:\n      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs\n'), 'svc/src/api.ts': code });
    const missing = r.findings.filter((f) => f.ruleId === 'iam-missing-permission').map((f) => f.message);
    expect(missing.some((m) => m.includes('needs constructor:GetThing'))).toBe(true);
    expect(missing.some((m) => m.includes('needs tostring:ListThings'))).toBe(true);
  });
});
