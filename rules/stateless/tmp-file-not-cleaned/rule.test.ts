import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'tmp-file-not-cleaned';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  render:\n    handler: src/render.handler\n    logRetentionInDays: 30\n    tracing: Active\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

async function found(handler: string, file = 'src/render.ts', extra: Record<string, string> = {}) {
  return positions(await lintFiles({ 'serverless.yml': SERVERLESS, [file]: handler, ...extra }), ID);
}

const notRemoved = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'notRemoved', line, column, endLine, endColumn);
const notInFinally = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'notInFinally', line, column, endLine, endColumn);

const HEAD = [
  "import { mkdtemp, writeFile, rm, unlink, mkdir } from 'node:fs/promises';", // 1
  "import { createWriteStream } from 'node:fs';", // 2
  "import { join } from 'node:path';", // 3
  "import { tmpdir } from 'node:os';", // 4
  "import { randomUUID } from 'node:crypto';", // 5
];

describe(ID, () => {
  it('reports a per-request file that is never removed, at the creating call', async () => {
    const r = await lintFiles({
      'serverless.yml': SERVERLESS,
      'src/render.ts': lines(...HEAD, 'export const handler = async (event: { html: string }, context: { awsRequestId: string }) => {', '  const file = join(tmpdir(), `${context.awsRequestId}.html`);', '  await writeFile(file, event.html);', '  return { file: file.length };', '};'),
    });
    expect(positions(r, ID)).toEqual([notRemoved(8, 9, 8, 36)]);
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.message.startsWith('handler: writeFile() creates a per-request file in /tmp (`file`) and nothing removes it.')).toBe(true);
    expect(f).toMatchObject({ severity: 'warning', function: 'render' });
  });

  it('reports mkdtemp without cleanup once (not the files inside), and removal outside finally', async () => {
    expect(
      await found(
        lines(
          ...HEAD,
          'export const handler = async (event: { rows: string[] }) => {', // 6
          "  const dir = await mkdtemp(join(tmpdir(), 'job-'));", // 7
          "  await writeFile(join(dir, 'a.csv'), event.rows.join('\\n'));", // 8
          '  const out = `/tmp/${randomUUID()}.json`;', // 9
          "  await writeFile(out, '{}');", // 10
          '  await unlink(out);', // 11
          '};',
        ),
      ),
    ).toEqual([notRemoved(7, 21, 7, 52), notInFinally(10, 9, 10, 29)]);
  });

  it('reports createWriteStream and mkdir in a helper, CommonJS', async () => {
    expect(
      await found(
        lines(
          "const fs = require('fs');",
          "const path = require('path');",
          'function open(id) {',
          "  fs.mkdirSync(path.join('/tmp', id), { recursive: true });",
          "  return fs.createWriteStream(path.join('/tmp', id, 'log.txt'));",
          '}',
          'exports.handler = async (event, context) => {',
          '  const out = open(context.awsRequestId);',
          '  out.end(String(event));',
          '};',
        ),
        'src/render.js',
      ),
    ).toEqual([notRemoved(4, 3, 4, 59)]);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a mkdtemp directory removed in finally', ['export const handler = async () => {', "  const dir = await mkdtemp(join(tmpdir(), 'job-'));", '  try {', "    await writeFile(join(dir, 'a'), 'x');", '  } finally {', '    await rm(dir, { recursive: true, force: true });', '  }', '};']],
      ['a file removed in finally through a cleanup helper', ['async function cleanup(p: string) { await rm(p, { force: true }); }', 'export const handler = async (event: { id: string }) => {', '  const file = join(tmpdir(), `${event.id}.bin`);', '  try {', "    await writeFile(file, 'x');", '  } finally {', '    await cleanup(file);', '  }', '};']],
      ['a file inside a directory removed in finally', ['export const handler = async (event: { id: string }) => {', '  const dir = join(tmpdir(), event.id);', '  try {', '    await mkdir(dir, { recursive: true });', "    createWriteStream(join(dir, 'out.log')).end('x');", '  } finally {', '    await rm(dir, { recursive: true, force: true });', '  }', '};']],
      ['a fixed path (overwritten, reported by fixed-tmp-path)', ["export const handler = async () => { await mkdir('/tmp/cache', { recursive: true }); };"]],
      ['a helper that returns the path to its caller', ['export async function temp(data: string) {', '  const file = join(tmpdir(), randomUUID());', '  await writeFile(file, data);', '  return file;', '}', 'export const handler = async (event: { d: string }) => {', '  const f = await temp(event.d);', '  try { return f.length; } finally { await unlink(f); }', '};']],
      ['paths outside /tmp', ['export const handler = async (event: { id: string }) => writeFile(join(process.cwd(), event.id), "x");']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(lines(...HEAD, ...code))).toEqual([]);
      });
    }
  });

  describe("removed in a caller's finally block", () => {
    const HELPER = [
      'export async function save(event: { id: string }) {', // 6
      "  await writeFile(`/tmp/${event.id}.json`, '{}');", // 7
      '}',
    ];
    it('is no finding when the handler removes the same path in finally, in another module too', async () => {
      const handler = ['export const handler = async (event: { id: string }) => {', '  try {', '    await save(event);', '  } finally {', '    await rm(`/tmp/${event.id}.json`, { force: true });', '  }', '};'];
      expect(await found(lines(...HEAD, ...HELPER, ...handler))).toEqual([]);
      const other = lines(...HEAD, "import { save } from './save';", ...handler);
      expect(await found(other, 'src/render.ts', { 'src/save.ts': lines(...HEAD, ...HELPER) })).toEqual([]);
    });

    it('is no finding when a function holding the creating callback removes the path in finally', async () => {
      const code = lines(
        ...HEAD,
        'export const handler = async (event: { id: string }) => {', // 6
        "  const write = async () => writeFile(`/tmp/${event.id}.json`, '{}');", // 7
        '  try {',
        '    await write();',
        '  } finally {',
        '    await unlink(`/tmp/${event.id}.json`);',
        '  }',
        '};',
      );
      expect(await found(code)).toEqual([]);
    });

    it('is a finding when the finally blocks remove other paths, or a caller removes it outside finally', async () => {
      const otherPath = ['export const handler = async (event: { id: string }) => {', '  try {', '    await save(event);', '  } finally {', '    await rm(`/tmp/${event.id}.txt`, { force: true });', '  }', '};'];
      expect(await found(lines(...HEAD, ...HELPER, ...otherPath))).toEqual([notRemoved(7, 9, 7, 49)]);
      const outside = ['export const handler = async (event: { id: string }) => {', '  await save(event);', '  await rm(`/tmp/${event.id}.json`, { force: true });', '};'];
      expect(await found(lines(...HEAD, ...HELPER, ...outside))).toEqual([notRemoved(7, 9, 7, 49)]);
    });
  });

  it('never throws on broken or unusual code', async () => {
    const base = lines(...HEAD, 'async function clean(p: string) { await rm(p, { force: true }); }', 'export const handler = async (event: { id: string }) => {', "  const dir = await mkdtemp(join(tmpdir(), 'x-'));", '  const f = `/tmp/${event.id}`;', '  try {', "    await writeFile(join(dir, 'a'), 'x');", "    createWriteStream(f).end('y');", '  } finally {', '    await clean(dir);', '  }', '};');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.constantFrom('', '(', ')', '{', '}', '`', '${', 'finally', 'try {', ',', 'await ')), { maxLength: 5 }), async (edits) => {
        let text = base;
        for (const [pos, del, ins] of edits) text = text.slice(0, pos) + ins + text.slice(pos + del);
        const r = await lintFiles({ 'serverless.yml': SERVERLESS, 'src/render.ts': text });
        for (const f of r.findings) expect(f.loc.line).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
