import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { Program } from './program.js';

const ROOT = '/project';

/** Every node of a tree with its JSDoc comments (if parsed) and their insides, in a fixed order, each with its parent. */
function nodesWithParents(root: ts.Node): { node: ts.Node; parent: ts.Node | undefined }[] {
  const out: { node: ts.Node; parent: ts.Node | undefined }[] = [];
  const stack: ts.Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    out.push({ node, parent: node.parent });
    const next: ts.Node[] = [];
    for (const doc of (node as { jsDoc?: ts.Node[] }).jsDoc ?? []) next.push(doc);
    ts.forEachChild(node, (c) => {
      next.push(c);
    });
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return out;
}

/** The parents of `mine` as indexes into its own node list, compared with TypeScript's `setParentNodes` parse of the same text. */
function expectSameParents(path: string, text: string): number {
  const program = new Program({ readFile: (p) => (p === path ? text : undefined) }, ROOT);
  const file = program.load(path);
  if (typeof file === 'string') throw new Error(`${path} was not parsed: ${file}`);
  // The analyzer parses without JSDoc (nothing reads it); the reference the same way.
  const reference = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true);
  const mine = nodesWithParents(file.ts);
  const theirs = nodesWithParents(reference);
  expect(mine.map((n) => n.node.kind)).toEqual(theirs.map((n) => n.node.kind));
  const indexIn = (list: { node: ts.Node }[]): Map<ts.Node, number> => new Map(list.map((n, i) => [n.node, i]));
  const mineIndex = indexIn(mine);
  const theirIndex = indexIn(theirs);
  const parentsOf = (list: { parent: ts.Node | undefined }[], index: Map<ts.Node, number>): (number | undefined)[] =>
    list.map((n) => (n.parent ? (index.get(n.parent) ?? -1) : undefined));
  expect(parentsOf(mine, mineIndex)).toEqual(parentsOf(theirs, theirIndex));
  return mine.length;
}

describe('parsing', () => {
  it('sets every parent pointer as TypeScript does, in a file documented with JSDoc', () => {
    const text = `/** The module. */
import { a } from './a.js';

/**
 * Adds.
 * @param {number} x the first
 * @param {{ y: Array<string | number> }} options more
 * @returns {Promise<number>} see {@link other}
 */
export async function add(x: number, options: { y: (string | number)[] }): Promise<number> {
  /** @type {number} */
  const n = x + options.y.length;
  return n > 0 ? n : (await a(() => { /** inner */ return 1; }));
}

export class C {
  /** @deprecated use b */
  m(@dec p: string): void {}
}
/** trailing */
`;
    expect(expectSameParents(`${ROOT}/src/add.ts`, text)).toBeGreaterThan(60);
  });

  it('does not parse JSDoc: a documented file has the nodes of its code only, positions unchanged', () => {
    const text = `/**\n * Reads.\n * @param {string} id the key\n */\nexport function read(id: string) {\n  /** @type {number} */\n  const n = 1;\n  return id + n;\n}\n`;
    const path = `${ROOT}/src/read.ts`;
    const file = new Program({ readFile: (p) => (p === path ? text : undefined) }, ROOT).load(path);
    if (typeof file === 'string') throw new Error(file);
    const full = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
    const docs = (nodes: { node: ts.Node }[]) => nodes.filter((n) => n.node.kind === ts.SyntaxKind.JSDoc).length;
    expect(docs(nodesWithParents(full))).toBe(2);
    expect(docs(nodesWithParents(file.ts))).toBe(0);
    // The code's nodes: forEachChild never enters JSDoc.
    const code = (root: ts.Node): number[][] => {
      const out: number[][] = [];
      const visit = (n: ts.Node): void => {
        out.push([n.kind, n.pos, n.end]);
        ts.forEachChild(n, visit);
      };
      visit(root);
      return out;
    };
    expect(code(file.ts)).toEqual(code(full));
    expect(code(file.ts).length).toBeGreaterThan(15);
  });

  it('sets the parents of JavaScript with JSDoc types and of deeply nested code', () => {
    const js = `/** @typedef {{ id: string }} Item */
/** @param {Item[]} items @returns {string[]} */
module.exports.ids = (items) => items.map((i) => i.id);
`;
    expect(expectSameParents(`${ROOT}/src/ids.js`, js)).toBeGreaterThan(20);
    const deep = `export const v = ${'('.repeat(450)}1${')'.repeat(450)} + ${Array.from({ length: 600 }, (_, i) => `x${i}`).join(' + ')};\n`;
    expect(expectSameParents(`${ROOT}/src/deep.ts`, deep)).toBeGreaterThan(2000);
  });
});
