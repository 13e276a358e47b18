/**
 * Small syntax facts shared by the handler-code rules of the files / reliability / stateless
 * categories: unwrapping, AWS SDK construct recognition by import, try/catch/finally structure,
 * numeric constants and the function's trigger kinds.
 *
 * SDK recognition here is by import (module + name); when `@lambda-lint/handler` exposes its own
 * SDK facts (sdk.ts), these helpers are the single place to switch over.
 */
import type { LambdaFunction, TriggerType } from '@lambda-lint/core';
import { skipOuterExpressions, walkDescendants, type FunctionLikeNode, type HandlerCode, type ModuleMember } from '@lambda-lint/handler';
import type { ReachableNodes } from '@lambda-lint/handler';

// One copy of each, in the handler package (the SDK facts and permissions use them too): `unwrap` skips
// parentheses, type assertions, `satisfies`, `!` and `await`; `unwrapTs` is the same on a compiler node.
export { methodNameOf, skipOuterAndAwait as unwrapTs, unwrapAwaited as unwrap } from '@lambda-lint/handler';
import { skipOuterAndAwait as unwrapTs, unwrapAwaited as unwrap } from '@lambda-lint/handler';
export { evaluateNumber } from '@lambda-lint/handler';
import { Node, SyntaxKind, type CallExpression, type NewExpression, type SourceFile, type TryStatement, type ts } from '@lambda-lint/handler/ts-morph';

/**
 * `code.forEachReachableNode(cb, kinds)`: the list is made once per handler and set of kinds
 * ({@link HandlerCode.reachableNodes}). A rule that can reject most nodes on their syntax should
 * walk `code.reachableNodes(kinds)` itself and wrap only the nodes it keeps.
 */
export function forEachReachable(code: HandlerCode, cb: (node: Node, fn: FunctionLikeNode) => void, kinds: readonly SyntaxKind[]): void {
  code.forEachReachableNode(cb, kinds);
}

/**
 * {@link forEachReachable} for the nodes that pass a test of their syntax: `test` sees the compiler
 * node, and only the nodes it accepts (and their functions) get ts-morph wrappers. Most nodes of a
 * kind are not what a rule looks for (a call of another name), and wrapping each cost more than the test.
 */
export function forEachReachableWhere<T extends Node = Node>(
  code: HandlerCode,
  test: (node: ts.Node) => boolean,
  cb: (node: T, fn: FunctionLikeNode) => void,
  kinds: readonly SyntaxKind[],
  options?: WalkOptions,
): void {
  const found = code.reachableNodes(kinds);
  const nodes = found.nodes;
  const onlyFile = options?.onlyFile;
  if (onlyFile === undefined) {
    for (let i = 0; i < nodes.length; i++) if (test(nodes[i]!)) cb(found.node<T>(i), found.fn(i));
    return;
  }
  // A handler whose code never enters the file has nothing to visit in it.
  const inFile = inFileTest(code, found, onlyFile);
  if (!inFile) return;
  for (let i = 0; i < nodes.length; i++) if (inFile(i) && test(nodes[i]!)) cb(found.node<T>(i), found.fn(i));
}

/**
 * {@link forEachReachableWhere} on compiler nodes: `cb` gets each accepted node and its innermost
 * function unwrapped. For a rule that reads only their syntax and reports positions (`locOfTsNode`):
 * a ts-morph wrapper of one node wraps its whole file.
 */
export function forEachReachableTsWhere(code: HandlerCode, test: (node: ts.Node) => boolean, cb: (node: ts.Node, fn: ts.Node) => void, kinds: readonly SyntaxKind[], options?: WalkOptions): void {
  const found = code.reachableNodes(kinds);
  const nodes = found.nodes;
  const onlyFile = options?.onlyFile;
  const inFile = onlyFile === undefined ? undefined : inFileTest(code, found, onlyFile);
  if (onlyFile !== undefined && !inFile) return;
  for (let i = 0; i < nodes.length; i++) if ((!inFile || inFile(i)) && test(nodes[i]!)) cb(nodes[i]!, found.fnNode(i));
}

/**
 * For nodes of reachable code: whether `found.nodes[i]` lies in `onlyFile`; undefined when the
 * handler's code never enters that file. The nodes come grouped by function: the file is looked up
 * once per function, not per node.
 */
export function inFileTest(code: HandlerCode, found: ReachableNodes, onlyFile: string): ((i: number) => boolean) | undefined {
  const wanted = reachedFile(code, onlyFile);
  if (!wanted) return undefined;
  let fnNode: ts.Node | undefined;
  let inFile = false;
  return (i) => {
    const f = found.fnNode(i);
    if (f !== fnNode) {
      fnNode = f;
      inFile = f.getSourceFile() === wanted;
    }
    return inFile;
  };
}

/**
 * How a rule walks reachable code. `onlyFile`: visit only the nodes of that file (absolute path as in
 * `Loc.file`). A rule passes its `ctx.findingsIn` when it reports each finding at the node visited
 * (or in that node's file by construction), so the nodes of other files could only give reports the
 * engine drops; evidence the rule looks up elsewhere is still read everywhere.
 */
export interface WalkOptions {
  onlyFile?: string | undefined;
}

/** The reachable file of a handler that a finding's `Loc.file` names, if its code enters that file. */
export function reachedFile(code: HandlerCode, file: string): ts.SourceFile | undefined {
  return code.fileNodes.find((f) => locFileOf(f) === file);
}

/** Whether a node (wrapped or the compiler's) lies in the file a finding's `Loc.file` names; true when no file is wanted. */
export function isInFile(node: Node | ts.Node, file: string | undefined): boolean {
  if (file === undefined) return true;
  const n = 'compilerNode' in node ? node.compilerNode : node;
  return locFileOf(n.getSourceFile()) === file;
}

/** The path of a file as findings name it (`locOfNode`: `/` separators). */
function locFileOf(sf: ts.SourceFile): string {
  return sf.fileName.includes('\\') ? sf.fileName.replace(/\\/g, '/') : sf.fileName;
}

/**
 * `code.moduleMemberOf(call.getExpression())` (kept per node for the run by the handler): several rules
 * ask it of every call of reachable code (is it an fs write, a file read, an HTTP client?), for every
 * handler reaching the call. With `lastNames`, undefined for a method call of any other name.
 */
export function calleeMember(code: HandlerCode, call: CallExpression | NewExpression, lastNames?: ReadonlySet<string>): ModuleMember | undefined {
  return calleeMemberTs(code, call.compilerNode, lastNames);
}

/** {@link calleeMember} on the compiler node: a rule can test a call before it wraps it. */
export function calleeMemberTs(code: HandlerCode, call: ts.Node, lastNames?: ReadonlySet<string>): ModuleMember | undefined {
  const expression = (call as ts.CallExpression | ts.NewExpression).expression;
  // `x.name(...)`: the member's path ends with `name`; a rule that wants only some names skips the others unresolved.
  const callee = lastNames && skipOuterExpressions(expression);
  if (callee && callee.kind === SyntaxKind.PropertyAccessExpression && !lastNames!.has((callee as ts.PropertyAccessExpression).name.text)) return undefined;
  return moduleMember(code, expression);
}

/**
 * The statements, declarations and expressions floating-promise and global-mutable-state look at, as
 * one list: reachable code is listed once per handler for both rules ({@link HandlerCode.reachableNodes}
 * keeps a list per set of kinds). Each rule tests the kinds it wants first.
 */
export const STATEMENT_AND_WRITE_KINDS: readonly SyntaxKind[] = [
  SyntaxKind.ExpressionStatement,
  SyntaxKind.VariableDeclaration,
  SyntaxKind.CallExpression,
  SyntaxKind.BinaryExpression,
  SyntaxKind.PrefixUnaryExpression,
  SyntaxKind.PostfixUnaryExpression,
  SyntaxKind.DeleteExpression,
];

/**
 * `code.moduleMemberOf(expr)` for a wrapper or a compiler node. The handler keeps the answer per node
 * for the run: the rules ask it of the same callees (an fs function, a file read, an HTTP client, a
 * promise API?), each for every handler reaching the call.
 */
export function moduleMember(code: HandlerCode, expr: Node | ts.Node): ModuleMember | undefined {
  return code.moduleMemberOf(expr);
}

/** Per file and name: whether the file's text can hold an identifier of that name. */
const namesInFiles = new WeakMap<ts.SourceFile, Map<string, boolean>>();

/**
 * Whether some file of the handler's reachable code can hold an identifier `name` (`console`,
 * `Buffer`): its text has the name written out, or a Unicode escape (the only escape an identifier
 * may be written with, `\u0063onsole`). A check that needs such an identifier at the call it looks
 * for skips a handler whose files have none, without testing its calls. Kept per file and name.
 */
export function mayNameInReachableFiles(code: HandlerCode, name: string): boolean {
  // The compiler's files: reading their text needs no ts-morph wrapper.
  return code.fileNodes.some((file) => {
    let byName = namesInFiles.get(file);
    if (!byName) namesInFiles.set(file, (byName = new Map()));
    let may = byName.get(name);
    if (may === undefined) {
      const text = file.text;
      byName.set(name, (may = text.includes(name) || text.includes('\\u')));
    }
    return may;
  });
}

/** Per file, per list of names: whether the file can name one of them ({@link mayNameAnyInReachableFiles}). */
const anyNameInFiles = new WeakMap<ts.SourceFile, Map<string, boolean>>();

/**
 * Whether some file of the handler's reachable code can name one of `names` as an identifier or in a
 * string (a method, an imported class, a property read by element access). Told by the text; a file
 * holding a backslash by its identifiers and strings as parsed (escapes resolved: `'\x73can'`,
 * `\u0073can`), so the `\n` of a log line or the `\+` of a regular expression does not send it to
 * the look at its calls. A check of calls that need such a name in their own file skips a handler
 * whose files have none. Kept per file and list of names.
 */
export function mayNameAnyInReachableFiles(code: HandlerCode, names: readonly string[]): boolean {
  const key = names.join('\0');
  return code.fileNodes.some((file) => {
    let byNames = anyNameInFiles.get(file);
    if (!byNames) anyNameInFiles.set(file, (byNames = new Map()));
    let may = byNames.get(key);
    if (may === undefined) byNames.set(key, (may = fileMayNameAny(file, names)));
    return may;
  });
}

function fileMayNameAny(file: ts.SourceFile, names: readonly string[]): boolean {
  const text = file.text;
  if (!text.includes('\\')) return names.some((name) => text.includes(name));
  let found = false;
  walkDescendants(file, (n) => {
    if (found) return false;
    const kind = n.kind;
    if (kind === SyntaxKind.Identifier || kind === SyntaxKind.StringLiteral || kind === SyntaxKind.NoSubstitutionTemplateLiteral) {
      const value = (n as ts.Identifier | ts.StringLiteral).text;
      found = names.some((name) => value.includes(name));
    }
    return !found;
  });
  return found;
}

/** Source text without whitespace, for comparing expressions written the same way. */
export function textKey(node: Node): string {
  return unwrap(node).getText().replace(/\s+/g, '').replace(/\?\./g, '.');
}

/** `a.b.c` -> 'c', `f` -> 'f', `a['b']` -> 'b'. */
export function calleeName(expr: Node): string | undefined {
  const e = unwrap(expr);
  if (Node.isIdentifier(e)) return e.getText();
  if (Node.isPropertyAccessExpression(e)) return e.getName();
  if (Node.isElementAccessExpression(e)) {
    const a = e.getArgumentExpression();
    if (a && Node.isStringLiteral(a)) return a.getLiteralValue();
  }
  return undefined;
}

/** What a wrapper's getText() gives for a compiler node: an identifier's name (escapes resolved), otherwise the source text. */
export function wrapperText(n: ts.Node): string {
  return n.kind === SyntaxKind.Identifier || n.kind === SyntaxKind.PrivateIdentifier ? (n as ts.Identifier).text : n.getText();
}

/** {@link calleeName} on a compiler node. */
export function calleeNameTs(expr: ts.Node): string | undefined {
  const e = unwrapTs(expr);
  if (e.kind === SyntaxKind.Identifier) return (e as ts.Identifier).text;
  if (e.kind === SyntaxKind.PropertyAccessExpression) return (e as ts.PropertyAccessExpression).name.text;
  if (e.kind === SyntaxKind.ElementAccessExpression) {
    const a = (e as ts.ElementAccessExpression).argumentExpression;
    if (a.kind === SyntaxKind.StringLiteral) return (a as ts.StringLiteral).text;
  }
  return undefined;
}

/** An AWS SDK v3 module (`@aws-sdk/client-s3`, `@aws-sdk/lib-dynamodb`, ...). */
export function isSdkV3Module(module: string): boolean {
  return module.startsWith('@aws-sdk/');
}

/** An AWS SDK v2 module (`aws-sdk`, `aws-sdk/clients/dynamodb`, `aws-sdk/global`). */
export function isSdkV2Module(module: string): boolean {
  return module === 'aws-sdk' || module.startsWith('aws-sdk/');
}

/** The imported export an expression names when it comes from one of `modules`: `ScanCommand` from `@aws-sdk/lib-dynamodb`. */
export function importedName(code: HandlerCode, expr: Node | ts.Node, modules: readonly string[]): string | undefined {
  const m = moduleMember(code, expr);
  if (!m || !modules.includes(m.module) || m.path.length === 0) return undefined;
  return m.path[m.path.length - 1];
}

/**
 * The `new X(...)` an expression stands for: the expression itself, or the initialiser of the
 * `const` it names (`const cmd = new PutObjectCommand(...); send(cmd)`).
 */
export function newExpressionOf(code: HandlerCode, expr: Node): NewExpression | undefined {
  const e = unwrap(expr);
  if (Node.isNewExpression(e)) return e;
  if (Node.isIdentifier(e)) {
    const b = code.resolveIdentifier(e);
    if (b && (b.kind === 'const' || b.kind === 'let') && b.initializer) {
      const init = unwrap(b.initializer);
      if (Node.isNewExpression(init)) return init;
    }
  }
  return undefined;
}

/** The object literal an expression stands for (directly or through a `const`). */
export function objectLiteralOf(code: HandlerCode, expr: Node | undefined): Node | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  if (Node.isObjectLiteralExpression(e)) return e;
  if (Node.isIdentifier(e)) {
    const b = code.resolveIdentifier(e);
    if (b && (b.kind === 'const' || b.kind === 'let') && b.initializer) {
      const init = unwrap(b.initializer);
      if (Node.isObjectLiteralExpression(init)) return init;
    }
  }
  return undefined;
}

/** The value of property `name` in an object literal (`{ name: v }` or shorthand `{ name }`). */
export function propertyValue(obj: Node | undefined, name: string): Node | undefined {
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  // Found on the compiler nodes: only the value is wrapped, not every property before it.
  const value = propertyValueTs(obj.compilerNode, name);
  return value && (obj as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node })._getNodeFromCompilerNode(value);
}

/** {@link propertyValue} on compiler nodes. */
export function propertyValueTs(obj: ts.Node | undefined, name: string): ts.Node | undefined {
  if (!obj || obj.kind !== SyntaxKind.ObjectLiteralExpression) return undefined;
  return propertiesByName(obj as ts.ObjectLiteralExpression).get(name);
}

/** Syntax never changes: each literal's properties are read once, however many names, rules and handlers ask. */
const propertiesCache = new WeakMap<ts.ObjectLiteralExpression, Map<string, ts.Node>>();

/** An object literal's values by property name, the first property of a name winning (as a look-up in order finds it). */
function propertiesByName(obj: ts.ObjectLiteralExpression): Map<string, ts.Node> {
  let byName = propertiesCache.get(obj);
  if (byName) return byName;
  byName = new Map();
  for (const p of obj.properties) {
    let name: string;
    let value: ts.Node;
    if (p.kind === SyntaxKind.PropertyAssignment) {
      // As the wrappers' getName() reads it: a string's value, an identifier's name, otherwise the source text (`[k]`, `1`).
      const n = p.name;
      name = n.kind === SyntaxKind.StringLiteral ? n.text : wrapperText(n);
      value = p.initializer;
    } else if (p.kind === SyntaxKind.ShorthandPropertyAssignment) {
      name = p.name.text;
      value = p.name;
    } else continue;
    if (!byName.has(name)) byName.set(name, value);
  }
  propertiesCache.set(obj, byName);
  return byName;
}

/** Whether an object literal has a spread (`{ ...params }`): its properties are not all known. */
export function hasSpread(obj: Node | undefined): boolean {
  return !!obj && Node.isObjectLiteralExpression(obj) && obj.compilerNode.properties.some((p) => p.kind === SyntaxKind.SpreadAssignment);
}

/** The innermost function-like node around a node (undefined at module scope). */
export function enclosingFunctionOf(node: Node): Node | undefined {
  return findAncestor(node, isFunctionLike);
}

export function isFunctionLike(n: Node): boolean {
  return (
    Node.isFunctionDeclaration(n) ||
    Node.isFunctionExpression(n) ||
    Node.isArrowFunction(n) ||
    Node.isMethodDeclaration(n) ||
    Node.isConstructorDeclaration(n) ||
    Node.isGetAccessorDeclaration(n) ||
    Node.isSetAccessorDeclaration(n)
  );
}

export function findAncestor(node: Node, pred: (n: Node) => boolean): Node | undefined {
  let cur = node.getParent();
  while (cur) {
    if (pred(cur)) return cur;
    cur = cur.getParent();
  }
  return undefined;
}

/**
 * The try statements whose `try` block contains a node, innermost first, within its function
 * and through inline callbacks passed to calls (`await Promise.all(ids.map(async (id) => send(id)))`
 * inside a `try`); stops at a declared function.
 */
export function enclosingTryBlocks(node: Node): TryStatement[] {
  const out: TryStatement[] = [];
  let child: Node = node;
  let cur = node.getParent();
  while (cur) {
    if (Node.isTryStatement(cur) && cur.getTryBlock() === child) out.push(cur);
    if (isFunctionLike(cur)) {
      const p = cur.getParent();
      const inlineCallback = (Node.isArrowFunction(cur) || Node.isFunctionExpression(cur)) && p && (Node.isCallExpression(p) || Node.isNewExpression(p));
      if (!inlineCallback) break;
    }
    child = cur;
    cur = cur.getParent();
  }
  return out;
}

/** Whether a node lies inside the `finally` block of a try statement (in the same function). */
export function finallyOf(node: Node): TryStatement | undefined {
  let child: Node = node;
  let cur = node.getParent();
  while (cur && !isFunctionLike(cur)) {
    if (Node.isTryStatement(cur) && cur.getFinallyBlock() === child) return cur;
    child = cur;
    cur = cur.getParent();
  }
  return undefined;
}

/**
 * The error handlers that run when the promise of `call` rejects: `.catch(cb)` / `.then(_, cb)`
 * chained on it.
 */
export function chainedCatchHandlers(call: Node): Node[] {
  const out: Node[] = [];
  let cur: Node = call;
  for (;;) {
    const p = cur.getParent();
    if (!p || !Node.isPropertyAccessExpression(p) || p.getExpression() !== cur) break;
    const c = p.getParent();
    if (!c || !Node.isCallExpression(c) || c.getExpression() !== p) break;
    const name = p.getName();
    const args = c.getArguments();
    if (name === 'catch' && args[0]) out.push(args[0]);
    if (name === 'then' && args[1]) out.push(args[1]);
    if (name !== 'catch' && name !== 'then' && name !== 'finally' && name !== 'promise') break;
    cur = c;
  }
  return out;
}

/**
 * The calls in reachable code whose callee may run `fn` (one level of callers). Tested on the
 * compiler nodes: only the calls kept are wrapped, not every call of reachable code.
 */
export function callSitesOf(code: HandlerCode, fn: Node): CallExpression[] {
  const out: CallExpression[] = [];
  const target = fn.compilerNode;
  const calls = code.reachableNodes([SyntaxKind.CallExpression]);
  for (let i = 0; i < calls.nodes.length; i++) {
    const callee = unwrapTs((calls.nodes[i] as ts.CallExpression).expression);
    if (callee.kind !== SyntaxKind.Identifier && callee.kind !== SyntaxKind.PropertyAccessExpression) continue;
    if (code.functionNodesOf(callee).includes(target)) out.push(calls.node<CallExpression>(i));
  }
  return out;
}

/** Triggers through which a function serves a request and answers it. */
export const REQUEST_TRIGGERS: ReadonlySet<TriggerType> = new Set<TriggerType>(['http', 'httpApi', 'websocket', 'alb', 'functionUrl']);

export function requestTriggers(fn: LambdaFunction): TriggerType[] {
  return [...new Set(fn.events.map((e) => e.type).filter((t) => REQUEST_TRIGGERS.has(t)))];
}

/** The function has triggers and none of them is a request (only queues, streams, schedules, ...). */
export function onlyNonRequestTriggers(fn: LambdaFunction): boolean {
  return fn.events.length > 0 && requestTriggers(fn).length === 0;
}
