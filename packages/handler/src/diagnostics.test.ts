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
