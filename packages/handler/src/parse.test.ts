import { describe, expect, it } from 'vitest';
import { ts } from '@lambda-lint/handler/ts-morph';
import { Program } from './program.js';

const ROOT = '/project';

/** Every node of a tree with its JSDoc comments and their insides, in a fixed order, each with its parent. */
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
  const reference = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
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
  it('sets every parent pointer as TypeScript does, JSDoc comments and their tags included', () => {
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
