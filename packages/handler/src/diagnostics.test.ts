import type { HandlerRef } from '@lambda-lint/core';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, locOfNode } from './index.js';

const ROOT = '/project';

function setup(files: Record<string, string>): HandlerAnalyzer {
  return new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
}

function ref(handler: string): HandlerRef {
  const dot = handler.lastIndexOf('.');
  return {
    modulePath: `${ROOT}/${handler.slice(0, dot)}`,
    exportName: handler.slice(dot + 1),
    loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
}

describe('parse-error diagnostics', () => {
  it('reports TypeScript syntax errors at their exact range and still analyses the file', () => {
    const a = setup({ 'src/ingest.ts': 'export const handler = async (event) => {\n  const x = ;\n  return helper(x);\n};\nfunction helper(x) { return x }\n' });
    const r = a.resolve(ref('src/ingest.handler'));
    expect(r.ok).toBe(true);
    expect(a.diagnostics()).toEqual([
      { ruleId: 'parse-error', message: 'TypeScript syntax error: Expression expected.', loc: { file: '/project/src/ingest.ts', line: 2, column: 13, endLine: 2, endColumn: 14 } },
    ]);
    if (r.ok) expect(r.code.reachableFunctions.map((f) => r.code.functionName(f))).toEqual(['handler', 'helper']);
  });

  it('reports JavaScript syntax errors, each file once however many functions use it', () => {
    const a = setup({ 'src/a.js': "exports.one = async () => {};\nexports.two = async () => { if (x { } };\n" });
    a.resolve(ref('src/a.one'));
    a.resolve(ref('src/a.two'));
    expect(a.diagnostics()).toEqual([
      { ruleId: 'parse-error', message: "JavaScript syntax error: ')' expected.", loc: { file: '/project/src/a.js', line: 2, column: 35, endLine: 2, endColumn: 36 } },
    ]);
    expect(a.diagnostics()).toHaveLength(1);
  });

  it('reports syntax errors of the local modules the handler reaches as soon as it is resolved', () => {
    const a = setup({ 'src/a.ts': "import { f } from './lib';\nexport const handler = () => f();", 'src/lib.ts': 'export function f() {\n  return 1 +;\n}' });
    a.resolve(ref('src/a.handler'));
    expect(a.diagnostics().map((d) => `${d.loc.file}:${d.loc.line}:${d.loc.column} ${d.message}`)).toEqual(['/project/src/lib.ts:2:13 TypeScript syntax error: Expression expected.']);
  });

  it('does not parse binary files', () => {
    const a = setup({ 'src/a.js': 'exports.handler = 1;\0\0' });
    const r = a.resolve(ref('src/a.handler'));
    expect(r).toMatchObject({ ok: false, reason: 'export-not-found' });
    expect(a.diagnostics()).toEqual([
      { ruleId: 'parse-error', message: expect.stringContaining('NUL byte'), loc: { file: '/project/src/a.js', line: 1, column: 1, endLine: 1, endColumn: 1 } },
    ]);
  });

  it('counts the UTF-8 bytes of a file against the limit (3-byte characters), not its characters', () => {
    // 40 bytes of code, then 3-byte characters: the limit is 100 bytes.
    const code = 'exports.handler = () => 1;\n// '.padEnd(40, ' ');
    const analyse = (text: string) => {
      const a = new HandlerAnalyzer({ readFile: () => text }, ROOT, { maxFileBytes: 100 });
      return { ok: a.resolve(ref('src/a.handler')).ok, messages: a.diagnostics().map((d) => d.message) };
    };
    expect(Buffer.byteLength(code + '\u20ac'.repeat(20))).toBe(100);
    expect(analyse(code + '\u20ac'.repeat(20))).toEqual({ ok: true, messages: [] });
    // 61 characters, 103 bytes: under the limit in characters, over it in bytes.
    expect(analyse(code + '\u20ac'.repeat(21))).toEqual({ ok: false, messages: [expect.stringContaining('File is larger than the')] });
    // Every character of ASCII text is a byte: 100 characters pass, 101 do not.
    expect(analyse(code.padEnd(100, 'x'))).toEqual({ ok: true, messages: [] });
    expect(analyse(code.padEnd(101, 'x'))).toMatchObject({ ok: false });
  });

  it('does not parse a binary file whose path has a kept parse of another text (the runs of the ESLint plugin)', async () => {
    const { SourceCache } = await import('./source-cache.js');
    const sources = new SourceCache();
    const run = (text: string) => {
      const a = new HandlerAnalyzer({ readFile: () => text }, ROOT, { sources });
      return { ok: a.resolve(ref('src/a.handler')).ok, messages: a.diagnostics().map((d) => d.message) };
    };
    const clean = 'exports.handler = () => 1;\n';
    expect(run(clean)).toEqual({ ok: true, messages: [] });
    expect(run(clean)).toEqual({ ok: true, messages: [] });
    expect(sources.hits).toBe(1);
    for (let i = 0; i < 2; i++) expect(run(`${clean}\0`)).toEqual({ ok: false, messages: [expect.stringContaining('NUL byte')] });
    expect(run(clean)).toEqual({ ok: true, messages: [] });
  });

  it('does not parse files larger than 5 MB', () => {
    const a = setup({ 'src/a.js': `exports.handler = () => 1;\n//${'x'.repeat(5 * 1024 * 1024)}` });
    expect(a.resolve(ref('src/a.handler'))).toMatchObject({ ok: false, reason: 'export-not-found', message: expect.stringContaining('larger than 5 MB') });
    expect(a.diagnostics().map((d) => d.message)).toEqual([expect.stringContaining('larger than the 5 MB limit')]);
  });
});

describe('locOfNode', () => {
  it('gives 1-based line/column, exclusive end, from the first token (no leading comments)', () => {
    const a = setup({ 'src/a.ts': "// comment\nexport const handler = async () => {\n  /* c */ write('/tmp/x');\n};\n" });
    const r = a.resolve(ref('src/a.handler'));
    if (!r.ok) throw new Error(r.message);
    const lit = r.code.sourceFile.getDescendants().find((n) => n.getText() === "'/tmp/x'")!;
    expect(locOfNode(lit)).toEqual({ file: '/project/src/a.ts', line: 3, column: 17, endLine: 3, endColumn: 25 });
    const stmt = lit.getParentOrThrow().getParentOrThrow();
    expect(locOfNode(stmt)).toMatchObject({ line: 3, column: 11, endColumn: 27 });
    expect(locOfNode(r.code.handlerFunctions[0]!)).toEqual({ file: '/project/src/a.ts', line: 2, column: 24, endLine: 4, endColumn: 2 });
  });

  it('ignores a byte order mark and counts CRLF lines', () => {
    const a = setup({ 'src/a.ts': "\ufeffexport const handler = () => {\r\n  go('x');\r\n};\r\n" });
    const r = a.resolve(ref('src/a.handler'));
    if (!r.ok) throw new Error(r.message);
    const lit = r.code.sourceFile.getDescendants().find((n) => n.getText() === "'x'")!;
    expect(locOfNode(lit)).toEqual({ file: '/project/src/a.ts', line: 2, column: 6, endLine: 2, endColumn: 9 });
    expect(locOfNode(r.code.exportNode!)).toMatchObject({ line: 1, column: 14 });
  });
});
