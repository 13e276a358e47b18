import type { HandlerRef } from '@lambda-lint/core';
import fc from 'fast-check';
import { Node } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, locOfNode } from './index.js';

const ROOT = '/project';
const REF: HandlerRef = { modulePath: `${ROOT}/src/ingest`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };

/** Runs everything a rule may ask for; returns the number of reachable functions. */
function exercise(files: Record<string, string>): number {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const r = analyzer.resolve(REF);
  for (const d of analyzer.diagnostics()) {
    expect(d.loc.line).toBeGreaterThanOrEqual(1);
    expect(d.loc.column).toBeGreaterThanOrEqual(1);
    expect(d.loc.endLine * 1e6 + d.loc.endColumn).toBeGreaterThanOrEqual(d.loc.line * 1e6 + d.loc.column);
  }
  if (!r.ok) return 0;
  const code = r.code;
  code.forEachReachableNode((node, fn) => {
    if (Node.isIdentifier(node)) {
      code.resolveIdentifier(node);
      code.resolveReference(node);
    }
    if (Node.isCallExpression(node)) {
      code.moduleMemberOf(node.getExpression());
      for (const a of node.getArguments()) code.evaluateString(a);
      code.functionsOf(node.getExpression());
    }
    code.functionName(fn);
    locOfNode(node);
  });
  return code.reachableFunctions.length;
}

const SAMPLE = `import { put } from './lib/db.js';
import * as fs from 'node:fs';
let count = 0;
const cache = new Map<string, number>();
class Repo { save(x: unknown) { return this.write(x); } write(x: unknown) { return put(x); } }
const repo = new Repo();
export const handler = async (event: { id: string }, context: { awsRequestId: string }) => {
  count++;
  cache.set(event.id, count);
  fs.writeFileSync(\`/tmp/\${context.awsRequestId}.json\`, JSON.stringify(event));
  return [1, 2].map((n) => repo.save(n));
};
`;
const LIB = `export async function put(x: unknown) { return x; }\nexport const other = () => put(1);\n`;

describe('robustness', () => {
  it('never throws on mutated sources', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(SAMPLE.length), fc.nat(8), fc.string({ maxLength: 6 })), { maxLength: 6 }), (edits) => {
        let text = SAMPLE;
        for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
        exercise({ 'src/ingest.ts': text, 'src/lib/db.ts': LIB });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        exercise({ 'src/ingest.ts': `export const handler = () => {${text}};\n${text}`, 'src/ingest.js': text });
      }),
      { numRuns: 200 },
    );
  });

  it('stays fast on cycles: star re-exports, spreads, self-references', () => {
    const files: Record<string, string> = {
      'src/ingest.ts': "export * from './a';\nexport * from './b';\nexport * from './c';",
      'src/a.ts': "export * from './b';\nexport * from './c';\nexport * from './ingest';",
      'src/b.ts': "export * from './a';\nexport * from './c';\nexport * from './ingest';",
      'src/c.ts': "export * from './a';\nexport * from './b';\nexport * from './ingest';",
    };
    const t = Date.now();
    expect(new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT).resolve(REF)).toMatchObject({ ok: false, reason: 'export-not-found' });
    const spreads = [
      ...Array.from({ length: 30 }, (_, i) => `const o${i} = { ...o${(i + 1) % 30}, ...o${(i + 2) % 30}, ...o${(i + 3) % 30} };`),
      'const a = b; const b = a;',
      'function f() { return g(); } function g() { return f(); }',
      'export const handler = async () => { o0.run(); a(); f(); o5.x.y.z(); };',
    ].join('\n');
    expect(exercise({ 'src/ingest.ts': spreads })).toBe(3);
    expect(Date.now() - t).toBeLessThan(5000);
  });

  it('handles very long expressions in generated code', () => {
    const chain = Array.from({ length: 20000 }, (_, i) => `f(e.x${i})`).join(' + ');
    const n = exercise({ 'src/ingest.ts': `let n = 0;\nfunction f(a) { n++; return a; }\nexport const handler = (e) => ${chain};\n` });
    expect(n).toBe(2);
  });

  it('reports code nested too deeply to parse instead of throwing', () => {
    const files = { 'src/ingest.ts': `export const handler = () => ${'('.repeat(20000)}1${')'.repeat(20000)};` };
    const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1) as keyof typeof files] }, ROOT);
    expect(analyzer.resolve(REF)).toMatchObject({ ok: false, reason: 'export-not-found', message: expect.stringContaining('nested too deeply') });
    expect(analyzer.diagnostics()).toEqual([
      { ruleId: 'parse-error', message: 'TypeScript file could not be parsed: its code is nested too deeply; it was not analysed.', loc: { file: '/project/src/ingest.ts', line: 1, column: 1, endLine: 1, endColumn: 1 } },
    ]);
  });
});
