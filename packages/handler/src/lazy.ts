/**
 * One-time lazy initialisation told apart from per-request work: whether a node inside a
 * reachable function only runs while a module-level (or singleton `this.x`) value is not set yet.
 */
import { Node, SyntaxKind, ts, type AwaitExpression, type ParenthesizedExpression } from '@lambda-lint/handler/ts-morph';
import { forEachDescendantNode, type HandlerCode } from './code.js';
import { enclosingBoundary, isTsFunctionLike, walkDescendants } from './syntax.js';

const MAX_DEPTH = 6;

/** The expression inside parentheses, `!`, `as`, `satisfies` and type assertions. */
export function unwrap(node: Node): Node {
  let cur = node;
  // One kind read per level (rules call this on most expressions they look at).
  for (;;) {
    switch (cur.getKind()) {
      case SyntaxKind.ParenthesizedExpression:
      case SyntaxKind.NonNullExpression:
      case SyntaxKind.AsExpression:
      case SyntaxKind.SatisfiesExpression:
      case SyntaxKind.TypeAssertionExpression:
        cur = (cur as ParenthesizedExpression).getExpression();
        continue;
      default:
        return cur;
    }
  }
}

/** {@link unwrap}, and `await` too: the expression a value or a call comes from. */
export function unwrapAwaited(node: Node): Node {
  let cur = unwrap(node);
  while (cur.getKind() === SyntaxKind.AwaitExpression) cur = unwrap((cur as AwaitExpression).getExpression());
  return cur;
}

function isFunctionLike(n: Node): boolean {
  return Node.isFunctionDeclaration(n) || Node.isFunctionExpression(n) || Node.isArrowFunction(n) || Node.isMethodDeclaration(n) || Node.isConstructorDeclaration(n) || Node.isGetAccessorDeclaration(n) || Node.isSetAccessorDeclaration(n);
}

/**
 * A key for a value that outlives the invocation: a module-level variable (`client`), a member of
 * one (`clients.s3`, `cache.get(k)` for a module-level Map), or a field of `this`. Undefined for
 * locals, parameters and anything else.
 */
function persistentKey(code: HandlerCode, node: Node): string | undefined {
  let n = unwrap(node);
  // `cache.get(key)` / `cache.has(key)`: the cache itself
  if (Node.isCallExpression(n)) {
    const callee = unwrap(n.getExpression());
    if (Node.isPropertyAccessExpression(callee) && (callee.getName() === 'get' || callee.getName() === 'has')) n = unwrap(callee.getExpression());
    else return undefined;
  }
  let root = n;
  while (Node.isPropertyAccessExpression(root) || Node.isElementAccessExpression(root)) root = unwrap(root.getExpression());
  const suffix = n === root ? '' : n.getText().replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '').slice(root.getText().length);
  if (Node.isThisExpression(root)) return suffix ? `this${suffix}` : undefined;
  if (!Node.isIdentifier(root)) return undefined;
  const b = code.resolveReference(root);
  if (!b || b.importFrom) return undefined;
  if (b.kind !== 'let' && b.kind !== 'var' && b.kind !== 'const') return undefined;
  if (!b.moduleLevel && !isFactoryState(code, b.scope)) return undefined;
  return `${b.file}:${b.nameNode.getStart()}${suffix}`;
}

/**
 * Variables of a function that only runs at module scope (`const config = memoise(load)` with
 * `function memoise(f) { let p; return () => (p ??= f()); }`): its closure state outlives every
 * invocation, like a module-level variable.
 */
function isFactoryState(code: HandlerCode, scope: Node): boolean {
  // A variable of the function body is scoped to its block.
  const parent = scope.getParent();
  const fn = Node.isBlock(scope) && parent && isFunctionLike(parent) ? parent : scope;
  if (!isFunctionLike(fn) || code.isHandlerFunction(fn)) return false;
  const sites = callersOf(code, fn);
  return sites.length > 0 && sites.every((site) => code.isAtModuleScope(site));
}

/**
 * `memoise(async () => fetchConfig())`: the calls through which a function passed as an argument
 * runs, i.e. the calls of the matching parameter inside the function it is passed to.
 */
function callsThroughParameter(code: HandlerCode, fn: Node): Node[] {
  const call = fn.getParent();
  if (!call || !Node.isCallExpression(call)) return [];
  const index = call.getArguments().indexOf(fn);
  if (index < 0) return [];
  const out: Node[] = [];
  for (const callee of code.functionsOf(call.getExpression())) {
    const param = (callee as Node & { getParameters?(): Node[] }).getParameters?.()[index];
    if (!param) continue;
    forEachDescendantNode(callee, (d) => {
      if (Node.isCallExpression(d)) {
        const e = unwrap(d.getExpression());
        if (Node.isIdentifier(e) && code.resolveReference(e)?.declaration === param) out.push(d);
      }
      return true;
    });
    // The parameter escapes some other way (stored, passed on): its calls are not all known.
    let escapes = false;
    forEachDescendantNode(callee, (d) => {
      if (Node.isIdentifier(d) && d !== (param as Node & { getNameNode?(): Node }).getNameNode?.() && code.resolveReference(d)?.declaration === param) {
        const parent = d.getParent();
        if (!parent || !Node.isCallExpression(parent) || parent.getExpression() !== d) escapes = true;
      }
      return !escapes;
    });
    if (escapes) return [];
  }
  return out;
}

export function isNullish(node: Node): boolean {
  const n = unwrap(node);
  return Node.isNullLiteral(n) || (Node.isIdentifier(n) && n.getText() === 'undefined') || Node.isVoidExpression(n);
}

/** A key for comparing references (a variable, a member chain); undefined for what the caller does not track. */
export type ReferenceKey = (node: Node) => string | undefined;

/**
 * Keys of the references a condition requires to be unset: `!x`, `x == null`, `x === undefined`,
 * `typeof x === 'undefined'`, through `&&` / `||` (`!cache.has(k)` when `keyOf` maps `cache.has(k)` to the cache).
 */
export function keysTestedUnset(cond: Node, keyOf: ReferenceKey): Set<string> {
  const out = new Set<string>();
  const visit = (node: Node): void => {
    const c = unwrap(node);
    if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken) {
      addKey(out, keyOf, c.getOperand());
      return;
    }
    if (!Node.isBinaryExpression(c)) return;
    const op = c.getOperatorToken().getKind();
    if (op === SyntaxKind.AmpersandAmpersandToken || op === SyntaxKind.BarBarToken) {
      visit(c.getLeft());
      visit(c.getRight());
    } else if (op === SyntaxKind.EqualsEqualsToken || op === SyntaxKind.EqualsEqualsEqualsToken) {
      comparedWithNothing(c.getLeft(), c.getRight(), keyOf, out);
    }
  };
  visit(cond);
  return out;
}

/** Keys of the references a condition requires to be set: `x`, `!!x`, `x != null`, `x !== undefined`, `typeof x !== 'undefined'`, through `&&`. */
export function keysTestedSet(cond: Node, keyOf: ReferenceKey): Set<string> {
  const out = new Set<string>();
  const visit = (node: Node): void => {
    const c = unwrap(node);
    const direct = keyOf(c);
    if (direct) {
      out.add(direct);
      return;
    }
    if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken) {
      const inner = unwrap(c.getOperand());
      if (Node.isPrefixUnaryExpression(inner) && inner.getOperatorToken() === SyntaxKind.ExclamationToken) addKey(out, keyOf, inner.getOperand());
      return;
    }
    if (!Node.isBinaryExpression(c)) return;
    const op = c.getOperatorToken().getKind();
    if (op === SyntaxKind.AmpersandAmpersandToken) {
      visit(c.getLeft());
      visit(c.getRight());
    } else if (op === SyntaxKind.ExclamationEqualsToken || op === SyntaxKind.ExclamationEqualsEqualsToken) {
      comparedWithNothing(c.getLeft(), c.getRight(), keyOf, out);
    }
  };
  visit(cond);
  return out;
}

function addKey(out: Set<string>, keyOf: ReferenceKey, node: Node): void {
  const k = keyOf(node);
  if (k) out.add(k);
}

/** `x` compared (either side) with null / undefined, or `typeof x` with 'undefined'. */
function comparedWithNothing(left: Node, right: Node, keyOf: ReferenceKey, out: Set<string>): void {
  for (const [a, b] of [[left, right], [right, left]] as const) {
    if (isNullish(b)) addKey(out, keyOf, a);
    const t = unwrap(a);
    const o = unwrap(b);
    if (Node.isTypeOfExpression(t) && Node.isStringLiteral(o) && o.getLiteralText() === 'undefined') addKey(out, keyOf, t.getExpression());
  }
}

/** Persistent values written in some statements: assignments, and `cache.set(k, v)` on a module-level Map. */
function writtenIn(code: HandlerCode, nodes: readonly Node[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): boolean => {
    if (isFunctionLike(n) && !Node.isArrowFunction(n)) return false;
    if (Node.isBinaryExpression(n)) {
      const op = n.getOperatorToken().getKind();
      if (op >= SyntaxKind.FirstAssignment && op <= SyntaxKind.LastAssignment) {
        const k = persistentKey(code, n.getLeft());
        if (k) out.add(k);
      }
    } else if (Node.isCallExpression(n)) {
      const callee = unwrap(n.getExpression());
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'set') {
        const k = persistentKey(code, callee.getExpression());
        if (k) out.add(k);
      }
    }
    return true;
  };
  for (const st of nodes) if (visit(st)) forEachDescendantNode(st, visit);
  return out;
}

export function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

/** Whether a statement (or the last statement of a block) returns or throws. */
export function alwaysExits(stmt: Node | undefined): boolean {
  if (!stmt) return false;
  if (Node.isReturnStatement(stmt) || Node.isThrowStatement(stmt)) return true;
  if (Node.isBlock(stmt)) {
    const statements = stmt.getStatements();
    return alwaysExits(statements[statements.length - 1]);
  }
  return false;
}

/** Whether `start` sits, within its own function, in code that only runs while a persistent value is unset. */
function guardedInFunction(code: HandlerCode, start: Node): boolean {
  const keyOf: ReferenceKey = (node) => persistentKey(code, node);
  let child: Node = start;
  let parent = child.getParent();
  while (parent && !Node.isSourceFile(parent)) {
    if (Node.isIfStatement(parent)) {
      const cond = parent.getExpression();
      if (child === parent.getThenStatement()) {
        const unset = keysTestedUnset(cond, keyOf);
        if (unset.size && intersects(unset, writtenIn(code, [child]))) return true;
      } else if (child === parent.getElseStatement()) {
        const set = keysTestedSet(cond, keyOf);
        if (set.size && intersects(set, writtenIn(code, [child]))) return true;
      }
    } else if (Node.isConditionalExpression(parent)) {
      const cond = parent.getCondition();
      const keys = child === parent.getWhenFalse() ? keysTestedSet(cond, keyOf) : child === parent.getWhenTrue() ? keysTestedUnset(cond, keyOf) : new Set<string>();
      if (keys.size && intersects(keys, writtenIn(code, [child]))) return true;
    } else if (Node.isBinaryExpression(parent) && child === parent.getRight()) {
      const op = parent.getOperatorToken().getKind();
      const leftKey = persistentKey(code, parent.getLeft());
      // `client ??= new X()`, `client ||= new X()`
      if ((op === SyntaxKind.QuestionQuestionEqualsToken || op === SyntaxKind.BarBarEqualsToken) && leftKey) return true;
      // `client ?? (client = new X())`, `client || (client = new X())`
      if ((op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) && leftKey && writtenIn(code, [child]).has(leftKey)) return true;
      // `client = client ?? new X()`
      if (op === SyntaxKind.EqualsToken && leftKey) {
        const right = unwrap(parent.getRight());
        if (Node.isBinaryExpression(right)) {
          const rop = right.getOperatorToken().getKind();
          if ((rop === SyntaxKind.QuestionQuestionToken || rop === SyntaxKind.BarBarToken) && persistentKey(code, right.getLeft()) === leftKey) return true;
        }
      }
      if (op === SyntaxKind.AmpersandAmpersandToken) {
        const unset = keysTestedUnset(parent.getLeft(), keyOf);
        if (unset.size && intersects(unset, writtenIn(code, [child]))) return true;
      }
    } else if (Node.isBlock(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent)) {
      // `if (client) return client; client = new X(); return client;`
      const statements = parent.getStatements() as Node[];
      const index = statements.indexOf(child);
      for (let i = 0; i < index; i++) {
        const st = statements[i]!;
        if (!Node.isIfStatement(st) || !alwaysExits(st.getThenStatement())) continue;
        const set = keysTestedSet(st.getExpression(), keyOf);
        if (set.size && intersects(set, writtenIn(code, statements.slice(i + 1)))) return true;
      }
    }
    if (isFunctionLike(parent)) break;
    child = parent;
    parent = parent.getParent();
  }
  return false;
}

const callerCache = new WeakMap<HandlerCode, Map<ts.Node, readonly ts.Node[]>>();

/**
 * Call sites (and `new` sites of classes) of the functions of reachable code and of module scope, as
 * compiler nodes: the calls' callees are resolved on their syntax, and only the sites of a function
 * asked about are wrapped ({@link callersOf}), not every call of the handler's code.
 */
function callerNodesOf(code: HandlerCode): Map<ts.Node, readonly ts.Node[]> {
  let map = callerCache.get(code);
  if (map) return map;
  const m = new Map<ts.Node, ts.Node[]>();
  const note = (call: ts.Node): void => {
    for (const fn of code.functionNodesOf((call as ts.CallExpression).expression)) {
      const sites = m.get(fn);
      if (sites) sites.push(call);
      else m.set(fn, [call]);
    }
  };
  for (const call of code.reachableNodes([SyntaxKind.CallExpression]).nodes) note(call);
  for (const file of code.fileNodes) for (const call of moduleLevelCallsOf(file)) note(call);
  map = m;
  callerCache.set(code, map);
  return map;
}

/** The call sites of a function in reachable code and module scope, wrapped. */
function callersOf(code: HandlerCode, fn: Node): Node[] {
  return (callerNodesOf(code).get(fn.compilerNode) ?? []).map((site) => code.wrap(site));
}

/**
 * The calls of a file that run at module load (not inside a function, static block or instance
 * field), in source order. Syntax only: listed once per file, not walked and wrapped again for each
 * of the handlers that reach a shared module.
 */
const moduleLevelCallsCache = new WeakMap<ts.SourceFile, readonly ts.Node[]>();

function moduleLevelCallsOf(file: ts.SourceFile): readonly ts.Node[] {
  let out = moduleLevelCallsCache.get(file);
  if (!out) {
    const calls: ts.Node[] = [];
    walkDescendants(file, (n) => {
      if (isTsFunctionLike(n)) return false;
      if (n.kind === ts.SyntaxKind.CallExpression && enclosingBoundary(n) === undefined) calls.push(n);
      return true;
    });
    out = calls;
    moduleLevelCallsCache.set(file, out);
  }
  return out;
}

/**
 * Whether a node in handler code runs only as one-time initialisation, not on every invocation:
 * it is guarded by a module-level (or `this.x`) value that the guarded code sets
 * (`if (!client) client = new X()`, `client ??= new X()`, `client = client ?? new X()`,
 * `if (cached) return cached; cached = ...`, `if (!cache.has(k)) cache.set(k, ...)`), or it is in a
 * function (or a class constructor) whose every call (construction) is so guarded or runs at module
 * scope (`promise ??= connect()`, `const repo = new Repo()` at module scope). Memoised promises
 * (`p ??= (async () => ...)()`) count.
 */
export function isOneTimeInit(code: HandlerCode, node: Node, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if (code.isAtModuleScope(node)) return true;
  if (guardedInFunction(code, node)) return true;
  const fn = code.enclosingFunction(node);
  if (!fn) return false;
  if (code.isHandlerFunction(fn)) return false;
  let sites: Node[] = [];
  if (Node.isConstructorDeclaration(fn)) {
    const cls = fn.getParent();
    sites = code.instantiationsOf(cls);
  } else {
    sites = callersOf(code, fn);
    // A method of a class only constructed at module scope or lazily is not enough: methods run per call.
    // A function passed to a project helper runs where the helper calls it (`memoise(load)`), not
    // where the helper's result is called.
    if (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) {
      const through = callsThroughParameter(code, fn);
      if (through.length > 0) sites = through;
    }
  }
  if (sites.length === 0) return false;
  return sites.every((site) => site !== node && isOneTimeInit(code, site, depth + 1));
}
