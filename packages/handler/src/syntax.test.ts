import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { Program } from './program.js';
import { descendantsByKind, isCodeBoundary, isCodeBoundaryKind, isTsFunctionLike, ownCodeNodesOf, subtreeEnds, walkDescendants } from './syntax.js';

const ROOT = '/project';
const SK = ts.SyntaxKind;

/** A file parsed as the analyzer parses it: parents set and its walk index recorded. */
function parsed(text: string, path = `${ROOT}/src/a.ts`): ts.SourceFile {
  const program = new Program({ readFile: (p) => (p === path ? text : undefined) }, ROOT);
  const file = program.load(path);
  if (typeof file === 'string') throw new Error(`${path} was not parsed: ${file}`);
  return file.ts;
}

/** The reference walk: recursion over `forEachChild`, pre-order, `enter` returning false skips the children. */
function referenceWalk(root: ts.Node, enter: (n: ts.Node) => boolean | void): void {
  ts.forEachChild(root, (c) => {
    if (enter(c) !== false) referenceWalk(c, enter);
    return undefined;
  });
}

function allNodes(root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  referenceWalk(root, (n) => {
    out.push(n);
  });
  return out;
}

/** Visits of a walk that skips the insides of every function and of every third node it meets. */
function visits(walk: typeof walkDescendants, root: ts.Node): ts.Node[] {
  const out: ts.Node[] = [];
  walk(root, (n) => {
    out.push(n);
    return out.length % 3 !== 0 && !isTsFunctionLike(n);
  });
  return out;
}

const SAMPLE = `/** The module. */
import { a, b as c } from './a.js';
export async function handler(event: { id: string }, { x = 1, y: [z] }: any = {}) {
  const f = (v) => v + 1, g = function named() { return 2; };
  if (event) { var hoisted = 1; } else for (const k of [1, 2]) { label: while (k) { break label; } }
  try { await a(() => { return f(1); }); } catch (err) { c(err); } finally { b(); }
  switch (event.id) { case 'x': { var s = 1; break; } default: s = 2; }
  class K { static { var inStatic = 1; } m() { var inMethod = 1; } p = () => 1; }
  return { ...event, [z]: \`t\${x}\`, async m() { return new K(); }, get g() { return 1; } };
}
namespace N { var inNamespace = 1; export const q = 2; }
`;

describe('walk index', () => {
  it('walks a file, and any node of it, as forEachChild does: same nodes, same order, same skips', () => {
    const files = [
      parsed(SAMPLE),
      // Recovery from syntax errors, and deep nesting (checkpoints, long chains of one position).
      parsed('export const h = async (e) => { if (e { return e. ; } const = 1; function (x) { x( }\n', `${ROOT}/src/broken.ts`),
      parsed(`export const v = ${'('.repeat(300)}1${')'.repeat(300)} + ${Array.from({ length: 400 }, (_, i) => `x${i}`).join(' + ')};\n`, `${ROOT}/src/deep.ts`),
    ];
    let roots = 0;
    for (const file of files) {
      for (const root of [file, ...allNodes(file)]) {
        expect(visits(walkDescendants, root)).toEqual(visits(referenceWalk, root));
        roots++;
      }
    }
    expect(roots).toBeGreaterThan(1500);
  });

  it('walks nodes of files it has no index of (not parsed by the analyzer) and nodes outside the index (JSDoc)', () => {
    const plain = ts.createSourceFile(`${ROOT}/src/plain.ts`, SAMPLE, ts.ScriptTarget.Latest, true);
    for (const root of [plain, ...allNodes(plain)]) expect(visits(walkDescendants, root)).toEqual(visits(referenceWalk, root));
    // The analyzer parses without JSDoc; another parser's tree (ESLint's, TypeScript's default) has it.
    const doc = (plain.statements[0] as unknown as { jsDoc?: ts.Node[] }).jsDoc?.[0];
    expect(doc?.kind).toBe(SK.JSDoc);
    const tags = `/** @param {string} x the name */\nexport function f(x) { return x; }\n`;
    const withTags = ts.createSourceFile(`${ROOT}/src/tags.js`, tags, ts.ScriptTarget.Latest, true);
    const tagDoc = (withTags.statements[0] as unknown as { jsDoc: ts.Node[] }).jsDoc[0]!;
    expect(visits(walkDescendants, tagDoc).map((n) => SK[n.kind])).toEqual(visits(referenceWalk, tagDoc).map((n) => SK[n.kind]));
    expect(visits(walkDescendants, tagDoc).length).toBeGreaterThan(2);
  });

  it('lists the descendants of a kind in walk order, for files with and without an index', () => {
    const file = parsed(SAMPLE);
    const plain = ts.createSourceFile(`${ROOT}/src/plain.ts`, SAMPLE, ts.ScriptTarget.Latest, true);
    for (const root of [file, plain, ...allNodes(file).filter(isTsFunctionLike)]) {
      for (const kind of [SK.CallExpression, SK.Identifier, SK.ReturnStatement, SK.ArrowFunction]) {
        expect(descendantsByKind(root, kind)).toEqual(allNodes(root).filter((n) => n.kind === kind));
      }
    }
    expect(descendantsByKind(file, SK.CallExpression).length).toBe(4);
  });

  it("lists a function's own nodes with their kinds: parameters and body, nested functions but not their insides", () => {
    const reference = (fn: ts.Node & { parameters: ts.NodeArray<ts.Node>; body?: ts.Node }): ts.Node[] => {
      const out: ts.Node[] = [];
      const visit = (n: ts.Node): boolean => {
        out.push(n);
        return !isCodeBoundary(n);
      };
      for (const part of [...fn.parameters, ...(fn.body ? [fn.body] : [])]) if (visit(part)) referenceWalk(part, visit);
      return out;
    };
    const file = parsed(SAMPLE);
    const plain = ts.createSourceFile(`${ROOT}/src/plain.ts`, SAMPLE, ts.ScriptTarget.Latest, true);
    let functions = 0;
    for (const fn of [...allNodes(file), ...allNodes(plain)].filter(isTsFunctionLike)) {
      const own = ownCodeNodesOf(fn);
      expect(own.nodes).toEqual(reference(fn));
      expect(own.kinds).toEqual(own.nodes.map((n) => n.kind));
      functions++;
    }
    expect(functions).toBe(2 * 8);
    const handler = file.statements.find((s): s is ts.FunctionDeclaration => s.kind === SK.FunctionDeclaration)!;
    const kinds = ownCodeNodesOf(handler).kinds;
    // The arrow function and the function expression are listed; what they contain is not.
    expect(kinds.filter(isCodeBoundaryKind).length).toBeGreaterThan(2);
    expect(ownCodeNodesOf(handler).nodes.some((n) => n.kind === SK.BinaryExpression && n.parent.kind === SK.ArrowFunction)).toBe(false);
  });

  it('finds the end of every subtree from the depths of a depth-first list', () => {
    //           a  b  c  d  e  f  g
    const depths = [1, 2, 3, 3, 2, 1, 2];
    expect([...subtreeEnds(depths)]).toEqual([5, 4, 3, 4, 5, 7, 7]);
    expect([...subtreeEnds([])]).toEqual([]);
    expect([...subtreeEnds([1, 1, 1])]).toEqual([1, 2, 3]);
    // Nested deeper than its reused stack of open subtrees starts out (256): the stack grows.
    const deep = [...Array.from({ length: 600 }, (_, i) => i + 1), 1];
    expect([...subtreeEnds(deep)]).toEqual([...Array.from({ length: 600 }, () => 600), 601]);
  });
});
