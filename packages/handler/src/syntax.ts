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
  switch (node.kind) {
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
  if (isTsFunctionLike(node)) return true;
  if (node.kind === SK.ClassStaticBlockDeclaration) return true;
  return false;
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
 */
export function walkDescendants(root: ts.Node, enter: (node: ts.Node) => boolean | void): void {
  const stack: ts.Node[] = [];
  const children: ts.Node[] = [];
  const collect = (c: ts.Node): undefined => {
    children.push(c);
    return undefined;
  };
  const pushChildren = (n: ts.Node): void => {
    children.length = 0;
    ts.forEachChild(n, collect);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  };
  pushChildren(root);
  while (stack.length) {
    const n = stack.pop()!;
    if (enter(n) === false) continue;
    pushChildren(n);
  }
}

/**
 * Every descendant of a node in source order, listed with one walk per node for the whole run;
 * each kind asked for is then a filter of that list, kept too. A file's list is recorded by the
 * walk that follows its parsing (see rememberDescendants), so no second walk is needed.
 */
const descendantsCache = new WeakMap<ts.Node, { all: readonly ts.Node[]; byKind: Map<ts.SyntaxKind, ts.Node[]> }>();

/** Records the descendants of `root` in source order, as {@link walkDescendants} visits them, listed by a walk made anyway. */
export function rememberDescendants(root: ts.Node, all: readonly ts.Node[]): void {
  descendantsCache.set(root, { all, byKind: new Map() });
}

export function descendantsByKind(root: ts.Node, kind: ts.SyntaxKind): ts.Node[] {
  let entry = descendantsCache.get(root);
  if (!entry) {
    const all: ts.Node[] = [];
    walkDescendants(root, (n) => {
      all.push(n);
    });
    entry = { all, byKind: new Map() };
    descendantsCache.set(root, entry);
  }
  let found = entry.byKind.get(kind);
  if (!found) {
    found = entry.all.filter((n) => n.kind === kind);
    entry.byKind.set(kind, found);
  }
  return found;
}

/**
 * The nodes of a function's own code in source order: its parameters and body, nested functions
 * and classes included but not their insides. Syntax trees never change after parsing, so the list
 * is made once per function and shared by the call graph (edges), every rule and every handler that
 * reaches the function (a shared library module is reached by hundreds of handlers): they then filter
 * an array instead of walking the tree again.
 */
const ownNodesCache = new WeakMap<ts.Node, readonly ts.Node[]>();

export function ownNodesOf(fn: TsFunctionLike): readonly ts.Node[] {
  let out = ownNodesCache.get(fn);
  if (out) return out;
  const nodes: ts.Node[] = [];
  const visit = (n: ts.Node): boolean => {
    nodes.push(n);
    return !isCodeBoundary(n);
  };
  for (const p of fn.parameters) if (visit(p)) walkDescendants(p, visit);
  if (fn.body && visit(fn.body)) walkDescendants(fn.body, visit);
  out = nodes;
  ownNodesCache.set(fn, out);
  return out;
}
