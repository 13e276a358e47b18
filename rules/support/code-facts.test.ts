import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, skipOuterExpressions, unwrapAwaited as unwrap } from '@lambda-lint/handler';
import { lintDirectory, lintFiles } from '../test-support/harness.js';
import { Node, Project, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { callSitesOf, calleeMemberTs, mayNameInReachableFiles, calleeName, calleeNameTs, hasSpread, moduleMember, propertyValue, propertyValueTs, wrapperText } from './code-facts.js';

/** The property look-up as it was written on the wrappers (getProperties, getName), to hold the compiler-node one to. */
function propertyValueByWrappers(obj: Node | undefined, name: string): Node | undefined {
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.getProperties()) {
    if (Node.isPropertyAssignment(p)) {
      const n = p.getNameNode();
      const text = Node.isStringLiteral(n) ? n.getLiteralValue() : n.getText();
      if (text === name) return p.getInitializer();
    } else if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) {
      return p.getNameNode();
    }
  }
  return undefined;
}

/** Callees and object literals in every form the helpers distinguish. */
const SOURCE = `
import { randomUUID as uuid } from 'node:crypto';
declare const a: any, k: string, items: any[];
class C { #secret() { return 1; } run() { return this.#secret(); } }
export async function f() {
  uuid();
  r\\u0061ndomUUID();
  Date.now();
  (Date).now();
  Math['random']();
  a[k]();
  a!.b();
  (a as any).c();
  (await a).d();
  (a satisfies any).e?.();
  a.b.c.d();
  items.map((x) => x)();
  new Date();
  new a.Client();
  new (a as any)();
  const o = { id: uuid(), 'pk': 1, "sk": 2, 3: 'three', [k]: 4, S: 's', N, B() { return 1; }, get G() { return 1; }, ...a, \`tpl\`: 5 };
  const m = { S: { S: 'x' }, N: { N: '1' }, id };
  const e = {};
  const dup = { id: 1, 'id': 2, k, k: 4, [k]: 5, [k]: 6 };
  return { o, m, e, dup };
}
`;

function sourceFile() {
  return new Project({ useInMemoryFileSystem: true }).createSourceFile('/facts.ts', SOURCE);
}

describe('code facts on compiler nodes', () => {
  it('wrapperText gives the text getText() gives on the wrapper, for every node', () => {
    const nodes = sourceFile().getDescendants();
    expect(nodes.filter((n) => wrapperText(n.compilerNode) !== n.getText()).map((n) => n.getText())).toEqual([]);
    // The escaped identifier is where the source text and the name differ.
    expect(nodes.some((n) => Node.isIdentifier(n) && n.compilerNode.getText() !== n.getText())).toBe(true);
  });

  it('calleeNameTs names each callee as calleeName does on the wrappers', () => {
    const calls = sourceFile().getDescendants().filter((n) => Node.isCallExpression(n) || Node.isNewExpression(n));
    expect(calls.length).toBeGreaterThan(15);
    const names = calls.map((c) => [c.getText(), calleeNameTs((c.compilerNode as ts.CallExpression | ts.NewExpression).expression)]);
    expect(names).toEqual(calls.map((c) => [c.getText(), calleeName((c as Node & { getExpression(): Node }).getExpression())]));
    // Not all alike: the forms give names (an escaped identifier's resolved) and none.
    expect(names.map(([, n]) => n)).toEqual(expect.arrayContaining(['uuid', 'randomUUID', 'now', 'random', '#secret', 'd', undefined]));
  });

  it('propertyValue and propertyValueTs find the property the wrappers find, for every name and literal', () => {
    const file = sourceFile();
    const literals = file.getDescendantsOfKind(SyntaxKind.ObjectLiteralExpression);
    const names = ['id', 'pk', "'pk'", 'sk', '3', '[k]', 'k', 'S', 'N', 'B', 'G', 'tpl', 'a', 'missing', ''];
    let found = 0;
    for (const literal of literals) {
      for (const name of names) {
        const expected = propertyValueByWrappers(literal, name);
        expect(propertyValue(literal, name), `${name} in ${literal.getText()}`).toBe(expected);
        expect(propertyValueTs(literal.compilerNode, name), `${name} in ${literal.getText()}`).toBe(expected?.compilerNode);
        if (expected) found++;
      }
    }
    expect(found).toBeGreaterThan(8);
    // Not an object literal (or nothing): nothing, as on the wrappers.
    const call = file.getFirstDescendantByKindOrThrow(SyntaxKind.CallExpression);
    expect(propertyValueTs(call.compilerNode, 'id')).toBeUndefined();
    expect(propertyValue(call, 'id')).toBeUndefined();
    expect(propertyValueTs(undefined, 'id')).toBeUndefined();
    expect(literals.map((l) => hasSpread(l))).toEqual(literals.map((l) => l.getProperties().some((p) => Node.isSpreadAssignment(p))));
    expect(literals.map((l) => hasSpread(l))).toContain(true);
  });

  it('moduleMember and calleeMemberTs, kept per run, give what moduleMemberOf gives for every callee of the demo', async () => {
    const demo = await lintDirectory(fileURLToPath(new URL('../../examples/brand-platform-demo/', import.meta.url)));
    const names = new Set(['readFile', 'send', 'from']);
    let resolved = 0;
    for (const binding of demo.handlers) {
      const code = codeOf(binding);
      for (const call of code.reachableNodes([SyntaxKind.CallExpression, SyntaxKind.NewExpression]).nodes) {
        const expression = (call as ts.CallExpression).expression;
        const expected = code.moduleMemberOf(expression);
        expect(moduleMember(code, expression)).toEqual(expected);
        expect(moduleMember(code, expression)).toBe(moduleMember(code, expression));
        expect(calleeMemberTs(code, call)).toEqual(expected);
        const callee = skipOuterExpressions(expression);
        const method = callee.kind === SyntaxKind.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression).name.text : undefined;
        expect(calleeMemberTs(code, call, names)).toEqual(method !== undefined && !names.has(method) ? undefined : expected);
        if (expected) resolved++;
      }
    }
    expect(resolved).toBeGreaterThan(10);
  });

  it('callSitesOf finds, testing compiler nodes, the calls a walk over the wrapped calls finds, for every reachable function of the demo and the base64 fixtures', async () => {
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-ts'].map((c) => fileURLToPath(new URL(`../files/base64-upload-size/fixtures/${v}/${c}/`, import.meta.url))));
    const results = [await lintDirectory(fileURLToPath(new URL('../../examples/brand-platform-demo/', import.meta.url))), ...(await Promise.all(dirs.map((d) => lintDirectory(d))))];
    let sites = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        for (const fn of code.reachableFunctions) {
          // As callSitesOf was written: every reachable call wrapped, its callee's functions wrapped and compared.
          const expected: Node[] = [];
          code.forEachReachableNode((n) => {
            if (!Node.isCallExpression(n)) return;
            const callee = unwrap(n.getExpression());
            if (!Node.isIdentifier(callee) && !Node.isPropertyAccessExpression(callee)) return;
            if (code.functionsOf(callee).some((f) => f === fn)) expected.push(n);
          }, [SyntaxKind.CallExpression]);
          const actual = callSitesOf(code, fn);
          expect(actual.length).toBe(expected.length);
          actual.forEach((site, i) => expect(site).toBe(expected[i]));
          sites += expected.length;
        }
      }
    }
    expect(sites).toBeGreaterThan(20);
  });

  it('mayNameInReachableFiles says no only for handlers with no identifier of that name in reachable code, escaped or not', async () => {
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const dirs = ['files/base64-upload-size', 'observability/structured-logging'].flatMap((r) => ['valid', 'invalid'].flatMap((v) => ['sam', 'serverless-ts'].map((c) => here(`../${r}/fixtures/${v}/${c}/`))));
    const serverless = 'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  f:\n    handler: src/f.handler\n';
    const results = [
      await lintDirectory(here('../../examples/brand-platform-demo/')),
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintFiles({ 'serverless.yml': serverless, 'src/f.ts': "export const handler = async (e: { b: string }) => B\\u0075ffer.from(e.b, 'base64').length + (\\u0063onsole.log(e.b), 1);\n" }),
      await lintFiles({ 'serverless.yml': serverless, 'src/f.ts': 'export const handler = async (e: { b: string }) => e.b.length;\n' }),
    ];
    let no = 0;
    let yes = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        for (const name of ['console', 'Buffer']) {
          const named = code.reachableNodes([SyntaxKind.Identifier]).nodes.some((n) => (n as ts.Identifier).text === name);
          if (named) expect(mayNameInReachableFiles(code, name)).toBe(true);
          if (mayNameInReachableFiles(code, name)) yes++;
          else no++;
        }
      }
    }
    expect(no).toBeGreaterThan(3);
    expect(yes).toBeGreaterThan(3);
  });
});
