import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@lambda-lint/handler';
import { SyntaxKind } from '@lambda-lint/handler/ts-morph';
import { calleeMemberTs, mayNameAnyInReachableFiles } from '../../support/code-facts.js';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { FS_MODULE_WORDS, fsPathArguments } from './rule.js';

const ID = 'fixed-tmp-path';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    logRetentionInDays: 30\n    tracing: Active\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function app(handler: string, extra: Record<string, string> = {}, file = 'src/ingest.ts'): Record<string, string> {
  return { 'serverless.yml': SERVERLESS, [file]: handler, ...extra };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const fixed = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'fixedPath', line, column, endLine, endColumn);

describe(ID, () => {
  it('reports a literal /tmp path at the path argument, naming path and function', async () => {
    const r = await lintFiles(
      app(lines("import { writeFileSync } from 'node:fs';", '', 'export const handler = async (event: { body: string }) => {', "  writeFileSync('/tmp/output.json', event.body);", '  return { ok: true };', '};')),
    );
    expect(positions(r, ID)).toEqual([fixed(4, 17, 4, 35)]);
    expect(r.findings.filter((f) => f.ruleId === 'fixed-tmp-path')[0]!.message).toBe(
      'handler: writeFileSync() uses the fixed path "/tmp/output.json". /tmp survives between invocations of a warm environment, so this request reads or overwrites what an earlier request left there: stale or leaked data, half-written files after a timeout, and a full disk as files pile up. Make the path unique per request, e.g. path.join(os.tmpdir(), `${context.awsRequestId}-output.json`) or randomUUID(), or create a directory with fs.mkdtemp(), and remove it in a finally block.',
    );
    expect(r.findings.filter((f) => f.ruleId === 'fixed-tmp-path')[0]).toMatchObject({ severity: 'error', function: 'ingest' });
  });

  it('evaluates path.join, os.tmpdir(), templates, concatenation and const bindings', async () => {
    expect(
      await found(
        app(
          lines(
            "import fs from 'fs';", // 1
            "import * as path from 'node:path';", // 2
            "import os from 'node:os';", // 3
            "import { writeFile, readFile } from 'node:fs/promises';", // 4
            "import { REPORT } from './paths.js';", // 5
            "const OUT = '/tmp/export.csv';", // 6
            "const NAME = 'data.json';", // 7
            'export const handler = async () => {', // 8
            "  fs.writeFileSync(path.join('/tmp', 'out.json'), '');", // 9
            "  await writeFile(`${os.tmpdir()}/${NAME}`, '');", // 10
            "  await readFile(os.tmpdir() + '/cache.bin');", // 11
            '  fs.createWriteStream(OUT);', // 12
            '  await fs.promises.appendFile(REPORT, "x");', // 13
            '};',
          ),
          { 'src/paths.ts': "export const REPORT = '/tmp/report.txt';\n" },
        ),
      ),
    ).toEqual([fixed(9, 20, 9, 49), fixed(10, 19, 10, 43), fixed(11, 18, 11, 44), fixed(12, 24, 12, 27), fixed(13, 32, 13, 38)]);
  });

  it('reports both paths of copy and rename', async () => {
    expect(
      await found(app(lines("const fs = require('fs');", 'exports.handler = async (event) => {', "  fs.copyFileSync('/tmp/a.json', '/tmp/b.json');", "  fs.renameSync(event.from, '/tmp/c.json');", '};'), {}, 'src/ingest.js')),
    ).toEqual([fixed(3, 19, 3, 32), fixed(3, 34, 3, 47), fixed(4, 29, 4, 42)]);
  });

  it('follows helpers in local modules and names the function', async () => {
    const r = await lintFiles(
      app(lines("import { save } from './lib/store.js';", 'export const handler = async (event: { body: string }) => save(event.body);'), {
        'src/lib/store.ts': lines("import { createWriteStream } from 'node:fs';", 'export function save(body: string) {', "  const out = createWriteStream('/tmp/store.ndjson');", '  out.end(body);', '}'),
      }),
    );
    expect(positions(r, ID)).toEqual([fixed(3, 33, 3, 52)]);
    expect(r.findings.filter((f) => f.ruleId === 'fixed-tmp-path')[0]!.loc.file).toBe('/project/src/lib/store.ts');
    expect(r.findings.filter((f) => f.ruleId === 'fixed-tmp-path')[0]!.message.startsWith('save: createWriteStream() uses the fixed path "/tmp/store.ndjson"')).toBe(true);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a path with the request id', ["import { writeFile } from 'node:fs/promises';", 'export const handler = async (event: unknown, context: { awsRequestId: string }) => {', '  await writeFile(`/tmp/${context.awsRequestId}.json`, "");', '};']],
      ['a path with randomUUID()', ["import { writeFileSync } from 'node:fs';", "import { join } from 'node:path';", "import { tmpdir } from 'node:os';", "import { randomUUID } from 'node:crypto';", 'export const handler = async () => {', "  writeFileSync(join(tmpdir(), `${randomUUID()}.csv`), '');", '};']],
      ['a file in a directory from mkdtemp', ["import { mkdtemp, writeFile, rm } from 'node:fs/promises';", "import path from 'node:path';", "import os from 'node:os';", 'export const handler = async () => {', "  const dir = await mkdtemp(path.join(os.tmpdir(), 'job-'));", '  try {', "    await writeFile(path.join(dir, 'out.json'), '{}');", '  } finally {', '    await rm(dir, { recursive: true, force: true });', '  }', '};']],
      ['a path from the event', ["import { readFileSync } from 'node:fs';", 'export const handler = async (event: { key: string }) => readFileSync(`/tmp/${event.key}`);']],
      ['a let binding (may change)', ["import { readFileSync } from 'node:fs';", "let path = '/tmp/a';", 'export const handler = async () => readFileSync(path);']],
      ['paths outside /tmp', ["import { readFileSync } from 'node:fs';", 'export const handler = async () => {', "  readFileSync('/var/task/data.json');", "  readFileSync('/tmpfiles/x');", "  readFileSync('/tmp');", '};']],
      ['fs APIs that neither read nor write contents', ["import fs from 'node:fs';", 'export const handler = async () => {', "  fs.mkdirSync('/tmp/work', { recursive: true });", "  if (fs.existsSync('/tmp/work/lock')) fs.rmSync('/tmp/work/lock');", "  fs.unlinkSync('/tmp/old.json');", '};']],
      ['writes at module load (cold start)', ["import { writeFileSync } from 'node:fs';", "writeFileSync('/tmp/warm.json', '{}');", 'export const handler = async () => ({ ok: true });']],
      ['a local object with fs-like method names', ['const storage = { writeFile(p: string, d: string) { return p + d; } };', "export const handler = async () => storage.writeFile('/tmp/x.json', '');"]],
      ['a function the handler never calls', ["import { writeFileSync } from 'node:fs';", "export function unused() { writeFileSync('/tmp/x.json', ''); }", 'export const handler = async () => ({ ok: true });']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(app(lines(...code)))).toEqual([]);
      });
    }
  });

  it('reports fs calls whose module is named with escapes', async () => {
    const escaped = lines(
      "import { writeFileSync } from 'node:f\\x73';", // 1
      "const fsp = require('f\\u0073/promises');", // 2
      'export const handler = async () => {', // 3
      "  writeFileSync('/tmp/out.json', '{}');", // 4
      "  await fsp.readFile('/tmp/in.json');", // 5
      '};',
    );
    expect(await found(app(escaped))).toEqual([fixed(4, 17, 4, 32), fixed(5, 22, 5, 36)]);
  });

  it('tells the handlers whose files name no fs module as the look at every call finds, on the fixtures, the demo and every module form', async () => {
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => fileURLToPath(new URL(`fixtures/${v}/${c}/`, import.meta.url))));
    const cases = [
      lines("import { writeFile } from 'fs/promises';", "export const handler = async () => writeFile('/tmp/a', 'b');"),
      lines("import fse from 'fs-extra';", "export const handler = async () => fse.outputJson('/tmp/a.json', {});"),
      lines("const gfs = require('graceful-fs');", "export const handler = async () => gfs.createWriteStream('/tmp/a');"),
      lines("import * as fs from 'node:fs';", "export const handler = async () => fs.promises.appendFile('/tmp/a', 'b');"),
      lines("import { writeFileSync } from 'node:f\\x73';", "export const handler = async () => writeFileSync('/tmp/a', 'b');"),
      lines('const plus = /\\+/g;', "export const handler = async (k: string) => k.replace(plus, ' ');"),
    ];
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url))),
      ...(await Promise.all(cases.map((c) => lintFiles(app(c))))),
    ];
    let toldNo = 0;
    let fsCalls = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        const named = mayNameAnyInReachableFiles(code, FS_MODULE_WORDS);
        if (!named) toldNo++;
        for (const call of code.reachableNodes([SyntaxKind.CallExpression]).nodes) {
          if (fsPathArguments(calleeMemberTs(code, call)) === undefined) continue;
          fsCalls++;
          expect(named, call.getText()).toBe(true);
        }
      }
    }
    expect(toldNo).toBeGreaterThan(3);
    expect(fsCalls).toBeGreaterThan(8);
  });

  it('works whatever configuration points at the handler (CloudFormation, SAM)', async () => {
    const cfn = await lintFiles({
      'template.yaml': lines(
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Export:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs20.x',
        '      Handler: src/index.handler',
        '      Code: ./',
        '      MemorySize: 256',
        '      Timeout: 10',
        '      Role: arn:aws:iam::123456789012:role/export',
      ),
      'src/index.js': lines("const fs = require('node:fs');", "exports.handler = async () => fs.readFileSync('/tmp/in.json', 'utf8');"),
    });
    expect(positions(cfn, ID)).toEqual([fixed(2, 47, 2, 61)]);
    const sam = await lintFiles({
      'template.yaml': lines('Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Export:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs20.x', '      CodeUri: src/', '      Handler: app.handler', '      MemorySize: 256', '      Timeout: 10'),
      'src/app.mjs': lines("import { writeFile } from 'fs/promises';", "export const handler = async () => writeFile('/tmp/a.txt', 'x');"),
    });
    expect(positions(sam, ID)).toEqual([fixed(2, 46, 2, 58)]);
  });

  it('never throws on broken or unusual code', async () => {
    const base = lines(
      "import fs, { writeFileSync } from 'node:fs';",
      "import path from 'node:path';",
      "const OUT = path.join('/tmp', 'out.json');",
      'export const handler = async (event: { body: string }) => {',
      "  writeFileSync(OUT + '.bak', event.body);",
      '  fs.promises.writeFile(`/tmp/${OUT}`, event.body);',
      '  return fs.readFileSync(OUT);',
      '};',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.constantFrom('', '(', ')', '`', '${', '}', '+', "'", '/tmp/', 'require(', ',')), { maxLength: 5 }), async (edits) => {
        let text = base;
        for (const [pos, del, ins] of edits) text = text.slice(0, pos) + ins + text.slice(pos + del);
        const r = await lintFiles(app(text));
        for (const f of r.findings) expect(f.loc.line).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
