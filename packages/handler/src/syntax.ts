import { ts } from '@lambda-lint/handler/ts-morph';

/** A function-like node with a body that can run: what the call graph is made of. */
export type TsFunctionLike =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

const SK = ts.SyntaxKind;

export function isTsFunctionLike(node: ts.Node): node is TsFunctionLike {
  return isFunctionLikeKind(node.kind);
}

function isFunctionLikeKind(kind: number): boolean {
  switch (kind) {
    case SK.FunctionDeclaration:
    case SK.FunctionExpression:
    case SK.ArrowFunction:
    case SK.MethodDeclaration:
    case SK.Constructor:
    case SK.GetAccessor:
    case SK.SetAccessor:
      return true;
    default:
      return false;
  }
}

/**
 * A node whose descendants do not run as part of the enclosing code: function-like nodes,
 * class static blocks and instance property initialisers (they run per construction).
 */
export function isCodeBoundary(node: ts.Node): boolean {
  return isCodeBoundaryKind(node.kind);
}

/** Strips parentheses, type assertions, `satisfies` and non-null assertions. */
export function skipOuterExpressions(node: ts.Node): ts.Node {
  let cur = node;
  for (;;) {
    switch (cur.kind) {
      case SK.ParenthesizedExpression:
      case SK.AsExpression:
      case SK.SatisfiesExpression:
      case SK.NonNullExpression:
      case SK.TypeAssertionExpression:
        cur = (cur as ts.ParenthesizedExpression).expression;
        continue;
      default:
        return cur;
    }
  }
}

/**
 * `x.name(...)`: the method's name read on the compiler node (parentheses, type assertions and
 * `await` aside), undefined for any other callee. A test most calls fail, made before ts-morph
 * wraps their parts.
 */
export function methodNameOf(call: ts.CallExpression): string | undefined {
  const callee = skipOuterAndAwait(call.expression);
  return callee.kind === SK.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression).name.text : undefined;
}

/** {@link skipOuterExpressions}, and `await` too (the compiler-node form of the handler's `unwrapAwaited`). */
export function skipOuterAndAwait(node: ts.Node): ts.Node {
  let cur = skipOuterExpressions(node);
  while (cur.kind === SK.AwaitExpression) cur = skipOuterExpressions((cur as ts.AwaitExpression).expression);
  return cur;
}

/** The static text of a string-like literal (no substitutions), or undefined. */
export function stringLiteralValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.kind === SK.StringLiteral || node.kind === SK.NoSubstitutionTemplateLiteral) {
    return (node as ts.StringLiteral).text;
  }
  return undefined;
}

/** The name of a property name node when it is static (`a`, `'a'`, `["a"]`, `1`). */
export function propertyNameText(name: ts.Node | undefined): string | undefined {
  if (!name) return undefined;
  switch (name.kind) {
    case SK.Identifier:
    case SK.PrivateIdentifier:
      return (name as ts.Identifier).text;
    case SK.StringLiteral:
    case SK.NoSubstitutionTemplateLiteral:
    case SK.NumericLiteral:
      return (name as ts.StringLiteral).text;
    case SK.ComputedPropertyName:
      return stringLiteralValue(skipOuterExpressions((name as ts.ComputedPropertyName).expression));
    default:
      return undefined;
  }
}

/** `a.b` -> 'b'; `a['b']` -> 'b'; otherwise undefined. */
export function accessedName(node: ts.Node): string | undefined {
  if (node.kind === SK.PropertyAccessExpression) return (node as ts.PropertyAccessExpression).name.text;
  if (node.kind === SK.ElementAccessExpression) {
    return stringLiteralValue(skipOuterExpressions((node as ts.ElementAccessExpression).argumentExpression));
  }
  return undefined;
}

export function isAccess(node: ts.Node): node is ts.PropertyAccessExpression | ts.ElementAccessExpression {
  return node.kind === SK.PropertyAccessExpression || node.kind === SK.ElementAccessExpression;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  const mods = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
  if (!mods) return false;
  for (const m of mods) if (m.kind === kind) return true;
  return false;
}

export function isBlockScopedList(list: ts.VariableDeclarationList): boolean {
  return (list.flags & ts.NodeFlags.BlockScoped) !== 0;
}

export type VarKind = 'var' | 'let' | 'const' | 'using';

export function varKindOf(list: ts.VariableDeclarationList): VarKind {
  const f = list.flags & ts.NodeFlags.BlockScoped;
  if (f === 0) return 'var';
  if (f === ts.NodeFlags.Let) return 'let';
  if (f === ts.NodeFlags.Const) return 'const';
  return 'using';
}

/** Calls `cb` for every identifier a binding name (possibly a destructuring pattern) declares. */
export function forEachBindingIdentifier(name: ts.BindingName, cb: (id: ts.Identifier, element: ts.BindingElement | undefined) => void, element?: ts.BindingElement): void {
  if (name.kind === SK.Identifier) {
    cb(name, element);
    return;
  }
  for (const el of (name as ts.ObjectBindingPattern | ts.ArrayBindingPattern).elements) {
    if (el.kind === SK.OmittedExpression) continue;
    forEachBindingIdentifier((el as ts.BindingElement).name, cb, el as ts.BindingElement);
  }
}

/** True for assignment operators (`=`, `+=`, `??=`, ...). */
export function isAssignmentOperator(kind: ts.SyntaxKind): boolean {
  return kind >= SK.FirstAssignment && kind <= SK.LastAssignment;
}

/** `require('x')` where `require` is the free CommonJS function: returns the specifier. */
export function requireSpecifier(node: ts.Node): string | undefined {
  if (node.kind !== SK.CallExpression) return undefined;
  const call = node as ts.CallExpression;
  if (call.expression.kind !== SK.Identifier || (call.expression as ts.Identifier).text !== 'require') return undefined;
  if (call.arguments.length !== 1) return undefined;
  return stringLiteralValue(call.arguments[0]);
}

/** The nearest ancestor that is a code boundary (function-like, static block), or undefined at module scope. */
export function enclosingBoundary(node: ts.Node): ts.Node | undefined {
  let cur = node.parent;
  while (cur) {
    if (isCodeBoundary(cur)) return cur;
    if (isInstancePropertyInitializer(cur)) return cur;
    cur = cur.parent;
  }
  return undefined;
}

/** A non-static class property declaration: its initialiser runs per instance, not at module load. */
export function isInstancePropertyInitializer(node: ts.Node): boolean {
  return node.kind === SK.PropertyDeclaration && !hasModifier(node, SK.StaticKeyword) && ts.isClassLike(node.parent);
}

/** The nearest enclosing function-like node. */
export function enclosingFunction(node: ts.Node): TsFunctionLike | undefined {
  let cur = node.parent;
  while (cur) {
    if (isTsFunctionLike(cur)) return cur;
    cur = cur.parent;
  }
  return undefined;
}

/**
 * Visits the descendants of `root` depth-first in source order without recursion, so that very
 * deep trees (long `a + b + ...` chains in generated code) cannot overflow the stack. `enter`
 * returns `false` to skip a node's children.
 *
 * A node of a file indexed after parsing ({@link rememberDescendants}) is walked along that index,
 * an array: no `forEachChild` per node, which cost more than most callers' visits.
 */
export function walkDescendants(root: ts.Node, enter: (node: ts.Node) => boolean | void): void {
  const tree = flatTreeOf(root);
  const at = tree ? indexIn(tree, root) : -1;
  if (tree && at !== NOT_FOUND) {
    const { nodes, ends } = tree;
    const to = at === FILE ? nodes.length : ends[at]!;
    for (let i = at + 1; i < to; ) i = enter(nodes[i]!) === false ? ends[i]! : i + 1;
    return;
  }
  walkChildren(root, enter);
}

/** {@link walkDescendants} by `forEachChild`, for nodes of files that were not indexed. */
function walkChildren(root: ts.Node, enter: (node: ts.Node) => boolean | void): void {
  const stack: ts.Node[] = [];
  // Children of one node, in order; reused (counted, never truncated: `length = 0` frees the store).
  const children: ts.Node[] = [];
  let count = 0;
  const collect = (c: ts.Node): undefined => {
    children[count++] = c;
    return undefined;
  };
  const pushChildren = (n: ts.Node): void => {
    count = 0;
    ts.forEachChild(n, collect);
    for (let i = count - 1; i >= 0; i--) stack.push(children[i]!);
  };
  pushChildren(root);
  while (stack.length) {
    const n = stack.pop()!;
    if (enter(n) === false) continue;
    pushChildren(n);
  }
}

/**
 * A file's descendants in the order {@link walkDescendants} visits them (depth-first, source order),
 * as parallel arrays: the nodes, their kinds, their `pos`, and for each the index just past its
 * subtree. A subtree is the slice from its root to that index, so a walk skips a node's children by
 * jumping there; kinds let a filter pick nodes without reading each node (at this scale, reading a
 * node's fields is a cache miss: the arrays are read in order). Syntax trees never change after
 * parsing, so the index is made once, by the walk that sets the parents.
 */
export interface FlatTree {
  readonly nodes: readonly ts.Node[];
  // Typed arrays: the garbage collector neither scans nor moves their contents (a list per file, kept for the run).
  readonly kinds: Uint16Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

const flatTrees = new WeakMap<ts.SourceFile, FlatTree>();

/** {@link indexIn}: the root is the file itself (its descendants are the whole index). */
const FILE = -1;
/** {@link indexIn}: the node is not in the index (a JSDoc node, a token ts-morph made, another tree). */
const NOT_FOUND = -2;

/**
 * Records a file's index, listed by the walk that follows its parsing: its descendants in walk order
 * with their kinds, `pos` and depth below the file (1 for a statement).
 */
export function rememberDescendants(file: ts.SourceFile, nodes: readonly ts.Node[], kinds: Uint16Array, starts: Int32Array, depths: ArrayLike<number>): void {
  flatTrees.set(file, { nodes, kinds, starts, ends: subtreeEnds(depths) });
}

/** {@link subtreeEnds}' stack of open subtrees, reused (grown when a file nests deeper than any before). */
let openScratch = new Int32Array(256);

/** For each node of a depth-first list, the index past its subtree: the next node no deeper than it. */
export function subtreeEnds(depths: ArrayLike<number>): Int32Array {
  const n = depths.length;
  const ends = new Int32Array(n);
  let open = openScratch;
  let top = 0;
  for (let i = 0; i < n; i++) {
    const d = depths[i]!;
    while (top > 0 && depths[open[top - 1]!]! >= d) ends[open[--top]!] = i;
    if (top === open.length) {
      const grown = new Int32Array(open.length * 2);
      grown.set(open);
      open = openScratch = grown;
    }
    open[top++] = i;
  }
  while (top > 0) ends[open[--top]!] = n;
  return ends;
}

/** The index of the file a node belongs to, if it was indexed. */
function flatTreeOf(node: ts.Node): FlatTree | undefined {
  let file: ts.Node | undefined = node;
  while (file && file.kind !== SK.SourceFile) file = file.parent;
  return file ? flatTrees.get(file as ts.SourceFile) : undefined;
}

/**
 * Where a node is in its file's index: found by its `pos` (non-decreasing in walk order, as children
 * come in source order), then among the nodes that start there (a node and its first descendants) by
 * identity. A tree whose positions are out of order (recovery from syntax errors may make such) only
 * costs the fallback walk: a node not found is walked by `forEachChild`.
 */
function indexIn(tree: FlatTree, node: ts.Node): number {
  if (node.kind === SK.SourceFile) return flatTrees.get(node as ts.SourceFile) === tree ? FILE : NOT_FOUND;
  const { starts, nodes } = tree;
  const pos = node.pos;
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < starts.length && starts[i] === pos; i++) if (nodes[i] === node) return i;
  return NOT_FOUND;
}

/** The descendants of a node that are of some kinds, in walk order, read from its file's index; undefined when the file has none. */
function flatDescendantsOfKind(root: ts.Node, kind: ts.SyntaxKind): ts.Node[] | undefined {
  const tree = flatTreeOf(root);
  const at = tree ? indexIn(tree, root) : NOT_FOUND;
  if (!tree || at === NOT_FOUND) return undefined;
  const { nodes, kinds, ends } = tree;
  const to = at === FILE ? nodes.length : ends[at]!;
  const out: ts.Node[] = [];
  for (let i = at + 1; i < to; i++) if (kinds[i] === kind) out.push(nodes[i]!);
  return out;
}

/** The descendants of each kind asked for, per node, kept: several rules ask the same file for its calls. */
const byKindCache = new WeakMap<ts.Node, Map<ts.SyntaxKind, ts.Node[]>>();

export function descendantsByKind(root: ts.Node, kind: ts.SyntaxKind): ts.Node[] {
  let byKind = byKindCache.get(root);
  if (!byKind) byKindCache.set(root, (byKind = new Map()));
  let found = byKind.get(kind);
  if (!found) {
    found = flatDescendantsOfKind(root, kind);
    if (!found) {
      const list: ts.Node[] = [];
      walkChildren(root, (n) => {
        if (n.kind === kind) list.push(n);
      });
      found = list;
    }
    byKind.set(kind, found);
  }
  return found;
}

/**
 * The nodes of a function's own code in source order: its parameters and body, nested functions
 * and classes included but not their insides; with their kinds. Syntax trees never change after
 * parsing, so the list is made once per function and shared by the call graph (edges), every rule and
 * every handler that reaches the function (a shared library module is reached by hundreds of
 * handlers): they then filter an array (by kind, without reading the nodes) instead of walking the tree again.
 */
export interface OwnNodes {
  readonly nodes: readonly ts.Node[];
  readonly kinds: readonly number[];
}

const ownNodesCache = new WeakMap<ts.Node, OwnNodes>();

export function ownNodesOf(fn: TsFunctionLike): readonly ts.Node[] {
  return ownCodeNodesOf(fn).nodes;
}

/** {@link ownNodesOf} with the kind of each node. */
export function ownCodeNodesOf(fn: TsFunctionLike): OwnNodes {
  let out = ownNodesCache.get(fn);
  if (out) return out;
  const nodes: ts.Node[] = [];
  const kinds: number[] = [];
  const tree = flatTreeOf(fn);
  const add = (part: ts.Node): void => {
    const at = tree ? indexIn(tree, part) : NOT_FOUND;
    if (tree && at >= 0) {
      // The part and its descendants, skipping the insides of nested functions: a slice of the index.
      const { nodes: all, kinds: allKinds, ends } = tree;
      nodes.push(part);
      kinds.push(allKinds[at]!);
      if (isCodeBoundaryKind(allKinds[at]!)) return;
      for (let i = at + 1, to = ends[at]!; i < to; ) {
        const kind = allKinds[i]!;
        nodes.push(all[i]!);
        kinds.push(kind);
        i = isCodeBoundaryKind(kind) ? ends[i]! : i + 1;
      }
      return;
    }
    const visit = (n: ts.Node): boolean => {
      nodes.push(n);
      kinds.push(n.kind);
      return !isCodeBoundary(n);
    };
    if (visit(part)) walkChildren(part, visit);
  };
  for (const p of fn.parameters) add(p);
  if (fn.body) add(fn.body);
  out = { nodes, kinds };
  ownNodesCache.set(fn, out);
  return out;
}

/** {@link isCodeBoundary} by kind (it depends on nothing else). */
export function isCodeBoundaryKind(kind: number): boolean {
  return isFunctionLikeKind(kind) || kind === SK.ClassStaticBlockDeclaration;
}
