import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { Program, type ParsedFile } from './program.js';
import { skipOuterExpressions } from './syntax.js';

const SK = ts.SyntaxKind;
const ROOT = '/p';

const FILES: Record<string, string> = {
  '/p/src/lib.ts': `export const table = { a: 1 };
export function f() { return 1; }
export default class K { m() { return this; } }
`,
  '/p/src/a.ts': `import { table, f } from './lib';
import * as lib from './lib';
const t = table;
const m = lib.f;
const e = lib['f'];
const r = require('./lib');
const frozen = Object.freeze({ b: 2 });
async function g() { const mod = await import('./lib'); return mod; }
class C { h() { return this; } }
const lit = [1, 2], n = new Map(), s = 'str', arrow = () => 1, o = { k: t, f }, sum = 1 + 2, re = /x/, tpl = \`\${s}\`;
export const handler = (event: unknown) => (event as any) ?? f();
`,
};

function programOf(): { program: Program; a: ParsedFile; lib: ParsedFile } {
  const program = new Program({ readFile: (p) => FILES[p] }, ROOT);
  const a = program.load('/p/src/a.ts');
  const lib = program.load('/p/src/lib.ts');
  if (typeof a === 'string' || typeof lib === 'string') throw new Error('not parsed');
  return { program, a, lib };
}

function allNodes(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    out.push(n);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(root, visit);
  return out;
}

/** The kinds valueOf follows; every other expression is its own value. */
const FOLLOWED = new Set([SK.Identifier, SK.PropertyAccessExpression, SK.ElementAccessExpression, SK.ThisKeyword, SK.CallExpression, SK.AwaitExpression]);

describe('Program.valueOf', () => {
  it('gives every expression of a kind it does not follow back unchanged, and the same answers in any order and when asked again', () => {
    const first = programOf();
    const nodes = allNodes(first.a.ts);
    const answers = nodes.map((n) => first.program.valueOf(n));
    // Asked again (kept answers), and by a fresh program in reverse order (nothing kept yet).
    expect(nodes.map((n) => first.program.valueOf(n))).toEqual(answers);
    const second = programOf();
    const secondNodes = allNodes(second.a.ts);
    const reversed = [...secondNodes].reverse().map((n) => second.program.valueOf(n)).reverse();
    const position = (v: ts.Node | undefined): string | undefined => (v ? `${v.getSourceFile().fileName}:${v.pos}:${v.end}:${SK[v.kind]}` : undefined);
    expect(reversed.map(position)).toEqual(answers.map(position));
    let unchanged = 0;
    for (const [i, n] of nodes.entries()) {
      const e = skipOuterExpressions(n);
      if (FOLLOWED.has(e.kind)) continue;
      expect(answers[i]).toBe(e);
      unchanged++;
    }
    expect(unchanged).toBeGreaterThan(50);
  });

  it('follows each kind it lists to another node', () => {
    const { program, a, lib } = programOf();
    const init = (name: string): ts.Expression => {
      const found = allNodes(a.ts).find((n): n is ts.VariableDeclaration => n.kind === SK.VariableDeclaration && (n as ts.VariableDeclaration).name.getText(a.ts) === name);
      return found!.initializer!;
    };
    const libTable = allNodes(lib.ts).find((n) => n.kind === SK.ObjectLiteralExpression)!;
    const libF = lib.ts.statements.find((s) => s.kind === SK.FunctionDeclaration)!;
    expect(program.valueOf(init('t'))).toBe(libTable); // identifier, through an import
    expect(program.valueOf(init('m'))).toBe(libF); // property access
    expect(program.valueOf(init('e'))).toBe(libF); // element access
    expect(program.valueOf(init('r'))).toBe(lib.ts); // require()
    expect(program.valueOf(init('frozen'))?.kind).toBe(SK.ObjectLiteralExpression); // Object.freeze(x) is x
    expect(program.valueOf(init('mod'))).toBe(lib.ts); // await import()
    const self = allNodes(a.ts).find((n) => n.kind === SK.ThisKeyword)!;
    expect(program.valueOf(self)?.kind).toBe(SK.ClassDeclaration); // this
  });

  it('keeps a lookup that found nothing as nothing, and still finds what exists', () => {
    const { program, lib } = programOf();
    for (let i = 0; i < 3; i++) {
      expect(program.findExport(lib, 'missing')).toBeUndefined();
      expect(program.findExport(lib, 'f')?.kind).toBe('binding');
      const table = program.valueOf(allNodes(lib.ts).find((n) => n.kind === SK.ObjectLiteralExpression)!)!;
      expect(program.memberOf(table, 'zzz')).toBeUndefined();
      expect(program.memberOf(table, 'a')?.kind).toBe('node');
    }
  });
});
