import { defineRule } from '@lambda-lint/core';
import { codeOf, forEachDescendantNode, locOfNode, sdkFactsOf, skipOuterExpressions, unwrapExpression as unwrap, walkDescendants, type FunctionLikeNode, type HandlerCode, type SdkFacts } from '@lambda-lint/handler';
import { Node, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { moduleMember, STATEMENT_AND_WRITE_KINDS } from '../../support/code-facts.js';


const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
const TIMERS = new Set(['setTimeout', 'setImmediate', 'setInterval', 'queueMicrotask']);

function compact(node: Node): string {
  const text = node.getText().replace(/\s*\n\s*/g, '').replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `client.send()` for a call: the callee as written, arguments elided. */
function shown(node: Node): string {
  const n = unwrap(node);
  if (Node.isCallExpression(n)) {
    const callee = unwrap(n.getExpression());
    if (Node.isPropertyAccessExpression(callee) && (CHAIN_METHODS.has(callee.getName()) || callee.getName() === 'promise')) return `${shown(callee.getExpression())}.${callee.getName()}(...)`;
    return `${compact(callee)}(...)`;
  }
  if (Node.isNewExpression(n)) return `new ${compact(n.getExpression())}(...)`;
  return compact(n);
}

/** An identifier that names a global (nothing in scope declares it). */
function isGlobal(code: HandlerCode, node: Node | ts.Node, name: string): boolean {
  const n = skipOuterExpressions(Node.isNode(node) ? node.compilerNode : node);
  return n.kind === SyntaxKind.Identifier && (n as ts.Identifier).text === name && !code.resolveReference(n);
}

function isAsyncFunction(fn: Node | ts.Node): boolean {
  const f = (Node.isNode(fn) ? fn.compilerNode : fn) as ts.FunctionLikeDeclaration;
  if (f.kind !== SyntaxKind.ArrowFunction && f.kind !== SyntaxKind.FunctionExpression && f.kind !== SyntaxKind.FunctionDeclaration && f.kind !== SyntaxKind.MethodDeclaration) return false;
  if (!f.modifiers?.some((m) => m.kind === SyntaxKind.AsyncKeyword)) return false;
  return !f.asteriskToken;
}

function isFunctionNode(n: Node): boolean {
  return Node.isArrowFunction(n) || Node.isFunctionExpression(n) || Node.isFunctionDeclaration(n) || Node.isMethodDeclaration(n) || Node.isConstructorDeclaration(n) || Node.isGetAccessorDeclaration(n) || Node.isSetAccessorDeclaration(n);
}

/**
 * Whether an expression evaluates to a promise, as far as syntax tells: AWS SDK v3 calls, v2
 * `.promise()`, `.then/.catch/.finally` chains, `Promise.all/allSettled/race/any`, `new Promise`,
 * `fetch()`, `fs/promises` and `timers/promises` functions, and calls of local async functions.
 * Read on the compiler nodes: asked of most calls of reachable code, which need no wrappers for it.
 */
function isPromise(code: HandlerCode, sdk: SdkFacts, expr: Node | ts.Node, depth = 0): boolean {
  if (depth > 4) return false;
  const e = skipOuterExpressions(Node.isNode(expr) ? expr.compilerNode : expr);
  if (e.kind === SyntaxKind.NewExpression) return isGlobal(code, (e as ts.NewExpression).expression, 'Promise');
  if (e.kind !== SyntaxKind.CallExpression) return false;
  const call = e as ts.CallExpression;
  const fact = sdk.factAt(call);
  if (fact && fact.kind === 'operation' && fact.sdk === 'v3' && !fact.callback) return true;
  const callee = skipOuterExpressions(call.expression);
  if (callee.kind === SyntaxKind.PropertyAccessExpression) {
    const access = callee as ts.PropertyAccessExpression;
    const name = access.name.text;
    if (CHAIN_METHODS.has(name)) return true;
    if (PROMISE_COMBINATORS.has(name) && isGlobal(code, access.expression, 'Promise')) return true;
    if (name === 'promise' && call.arguments.length === 0) {
      const inner = sdk.factAt(skipOuterExpressions(access.expression));
      if (inner && inner.kind === 'operation' && inner.sdk === 'v2') return true;
    }
  }
  if (isGlobal(code, callee, 'fetch')) return true;
  const member = moduleMember(code, callee);
  if (member && !member.module.startsWith('.') && !member.module.startsWith('/')) {
    if ((member.module === 'fs/promises' || member.module === 'timers/promises' || member.module === 'dns/promises' || member.module === 'stream/promises') && member.path.length === 1) return true;
    if (member.module === 'fs' && member.path.length === 2 && member.path[0] === 'promises') return true;
    return false;
  }
  const fns = code.functionNodesOf(callee);
  return fns.length > 0 && fns.every((f) => isAsyncFunction(f) || returnsPromise(code, sdk, f, depth + 1));
}

/** A non-async function that returns a promise: `() => client.send(...)`, or whose every `return` returns one. */
function returnsPromise(code: HandlerCode, sdk: SdkFacts, fn: ts.Node, depth: number): boolean {
  if (fn.kind === SyntaxKind.ArrowFunction) {
    const body = (fn as ts.ArrowFunction).body;
    if (body.kind !== SyntaxKind.Block) return isPromise(code, sdk, body, depth);
  }
  if (!FUNCTION_KINDS.has(fn.kind)) return false;
  const returned = returnedExpressions(fn);
  return returned.length > 0 && returned.every((e) => isPromise(code, sdk, e, depth));
}

/** Syntax never changes during a run: each function's returned expressions are collected once, however many call sites ask. */
const returnedCache = new WeakMap<ts.Node, ts.Node[]>();

/** The kinds {@link isFunctionNode} accepts, for walks on compiler nodes. */
const FUNCTION_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.ArrowFunction,
  SyntaxKind.FunctionExpression,
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.MethodDeclaration,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

/** The expressions a function's own `return` statements return, as compiler nodes (none is wrapped). */
function returnedExpressions(fn: ts.Node): ts.Node[] {
  let returned = returnedCache.get(fn);
  if (returned) return returned;
  const found: ts.Node[] = [];
  walkDescendants(fn, (n) => {
    if (FUNCTION_KINDS.has(n.kind)) return false;
    if (n.kind === SyntaxKind.ReturnStatement) {
      const e = (n as ts.ReturnStatement).expression;
      if (e) found.push(e);
    }
    return true;
  });
  returned = found;
  returnedCache.set(fn, returned);
  return returned;
}

/** The executor of `new Promise((resolve, reject) => ...)`: work inside it settles the promise. */
function isPromiseExecutor(code: HandlerCode, fn: Node): boolean {
  const parent = fn.getParent();
  return !!parent && Node.isNewExpression(parent) && isGlobal(code, parent.getExpression(), 'Promise') && parent.getArguments()[0] === fn;
}

/**
 * Whether a visited node can give a finding at all, read on the compiler node: an expression
 * statement of a call, `new` or `void`; a plain-named variable initialised with a call or `new`; a
 * timer or `forEach` call; an assignment to `callbackWaitsForEmptyEventLoop`. Most nodes are none
 * of these and are skipped before ts-morph wraps their parts.
 */
function mayMatter(n: ts.Node): boolean {
  switch (n.kind) {
    case SyntaxKind.ExpressionStatement: {
      const kind = skipOuterExpressions((n as ts.ExpressionStatement).expression).kind;
      return kind === SyntaxKind.VoidExpression || kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression;
    }
    case SyntaxKind.VariableDeclaration: {
      const decl = n as ts.VariableDeclaration;
      if (!decl.initializer || decl.name.kind !== SyntaxKind.Identifier) return false;
      const kind = skipOuterExpressions(decl.initializer).kind;
      return kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression;
    }
    case SyntaxKind.CallExpression:
      return mayBeTimer(n as ts.CallExpression) || calledMethod(n as ts.CallExpression) === 'forEach';
    case SyntaxKind.BinaryExpression: {
      const b = n as ts.BinaryExpression;
      if (b.operatorToken.kind !== SyntaxKind.EqualsToken) return false;
      const left = skipOuterExpressions(b.left);
      return left.kind === SyntaxKind.PropertyAccessExpression && (left as ts.PropertyAccessExpression).name.text === 'callbackWaitsForEmptyEventLoop';
    }
    default:
      return false;
  }
}

/**
 * After {@link mayMatter}: whether a statement or declaration gives a finding unless its function is
 * excused (a promise executor, a timer's callback). Read on the compiler nodes, as the check reads them
 * on the wrappers: most statements call something that is no promise, and need no wrappers.
 */
function mayReport(code: HandlerCode, sdk: SdkFacts, n: ts.Node): boolean {
  if (n.kind === SyntaxKind.VariableDeclaration) return isPromise(code, sdk, (n as ts.VariableDeclaration).initializer!);
  if (n.kind !== SyntaxKind.ExpressionStatement) return true;
  const e = skipOuterExpressions((n as ts.ExpressionStatement).expression);
  if (e.kind === SyntaxKind.VoidExpression) return isPromise(code, sdk, (e as ts.VoidExpression).expression);
  if (isPromise(code, sdk, e)) return true;
  if (e.kind !== SyntaxKind.CallExpression) return false;
  // An SDK v2 call with a callback, `items.map(async ...)`.
  const fact = sdk.factAt(e);
  if (fact && fact.kind === 'operation' && fact.callback) return true;
  return calledMethod(e as ts.CallExpression) === 'map';
}

/** `x.name(...)`: the method's name, from the compiler node. */
function calledMethod(call: ts.CallExpression): string | undefined {
  const callee = skipOuterExpressions(call.expression);
  return callee.kind === SyntaxKind.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression).name.text : undefined;
}

/** The compiler-node test {@link timerCall} starts with: a timer's name, or `.nextTick(...)`. */
function mayBeTimer(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  return callee.kind === SyntaxKind.Identifier ? TIMERS.has((callee as ts.Identifier).text) : calledMethod(call) === 'nextTick';
}

/** A timer call (`setTimeout(cb)`, `process.nextTick(cb)`) and its callback. */
function timerCall(code: HandlerCode, call: Node): { name: string; callback: Node } | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = unwrap(call.getExpression());
  let name: string | undefined;
  if (Node.isIdentifier(callee) && TIMERS.has(callee.getText()) && !code.resolveIdentifier(callee)) name = callee.getText();
  else if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'nextTick' && isGlobal(code, callee.getExpression(), 'process')) name = 'process.nextTick';
  const cb = call.getArguments()[0];
  if (!name || !cb) return undefined;
  return { name, callback: unwrap(cb) };
}

/** Whether a function does asynchronous work: it is async, or starts a promise in its own body. */
function doesAsyncWork(code: HandlerCode, sdk: SdkFacts, fn: Node): boolean {
  if (isAsyncFunction(fn)) return true;
  if (!isFunctionNode(fn)) return false;
  let found = false;
  forEachDescendantNode(fn, (n) => {
    if (found || (n !== fn && isFunctionNode(n))) return false;
    if (Node.isCallExpression(n) && isPromise(code, sdk, n)) found = true;
    return !found;
  });
  return found;
}

/** Whether a variable declared with a plain name is read anywhere in its scope. */
function isRead(code: HandlerCode, decl: Node, fn: FunctionLikeNode): boolean {
  if (!Node.isVariableDeclaration(decl)) return true;
  const nameNode = decl.getNameNode();
  if (!Node.isIdentifier(nameNode)) return true;
  const name = nameNode.getText();
  let used = false;
  forEachDescendantNode(fn, (n) => {
    if (used) return false;
    if (Node.isIdentifier(n) && n !== nameNode && n.getText() === name) {
      const b = code.resolveIdentifier(n);
      if (b && b.declaration === decl) used = true;
    }
    return !used;
  });
  return used;
}

/**
 * `p.catch(() => {})` on a promise variable that is also used elsewhere (`await p` later): the
 * handler attached to avoid an unhandled rejection, not dropped work.
 */
function chainOnAwaitedVariable(code: HandlerCode, e: Node, fn: FunctionLikeNode): boolean {
  let root = e;
  for (;;) {
    const r = unwrap(root);
    if (!Node.isCallExpression(r)) break;
    const callee = unwrap(r.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || !CHAIN_METHODS.has(callee.getName())) break;
    root = callee.getExpression();
  }
  root = unwrap(root);
  if (root === unwrap(e) || !Node.isIdentifier(root)) return false;
  const b = code.resolveIdentifier(root);
  if (!b || b.moduleLevel) return false;
  let others = false;
  forEachDescendantNode(fn, (n) => {
    if (others) return false;
    if (Node.isIdentifier(n) && n !== root && n !== b.nameNode && n.getText() === root.getText() && code.resolveIdentifier(n)?.declaration === b.declaration) others = true;
    return !others;
  });
  return others;
}

interface Pending {
  /** The node reported; its line is asked only for a `noWaitPending` finding (counting lines reads the file's text). */
  node: Node;
  what: string;
}

export default defineRule({
  id: 'floating-promise',
  category: 'reliability',
  severity: 'error',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Asynchronous work started in the handler that nothing waits for (a promise neither awaited nor returned, async work in timers or forEach callbacks, callbackWaitsForEmptyEventLoop = false with pending work): it is frozen or lost when the invocation ends.',
  messages: {
    floating:
      '{{function}}: the promise of {{what}} is neither awaited nor returned. When the handler returns, Lambda freezes the execution environment: the work stops mid-flight, may never complete or resume during a later, unrelated request, and its errors are never seen. Await it (use `await Promise.all([...])` for parallel work) or return it.',
    unusedPromise:
      '{{function}}: "{{name}}" holds the promise of {{what}} but is never awaited, returned or used. The work is lost or frozen when the handler returns and its errors are never seen. Await it before the handler returns.',
    voided:
      '{{function}}: `void {{what}}` discards the promise on purpose, but in Lambda nothing runs after the handler returns: the environment is frozen, so the work may never finish and its errors are lost. Await it; if it must not delay the response, send it to a queue (SQS, EventBridge) or use a Lambda extension.',
    timer:
      '{{function}}: {{timer}}() schedules asynchronous work that the invocation does not wait for. Once the handler returns, the environment is frozen: the callback may never run, run during a later request, or fail unseen. Do the work before returning (`await`), or wrap the timer in a promise that is awaited.',
    asyncCallback:
      '{{function}}: {{method}}() does not wait for the promises its async callback returns, so the handler can return while that work is still running; it is then frozen or lost and its errors unhandled. Use `for (const x of items) await ...` or `await Promise.all(items.map(async (x) => ...))`.',
    noWaitPending:
      '{{function}}: `callbackWaitsForEmptyEventLoop = false` lets the invocation end as soon as the handler responds, while work it started is still pending ({{pending}}). That work is frozen with the environment and lost or resumed during a later request. Await the pending work before responding.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      const sdk = sdkFactsOf(code);
      const pending: Pending[] = [];
      const noWait: { node: Node; fn: FunctionLikeNode }[] = [];
      /** Functions whose own floating work is reported once, at the timer. */
      const timerCallbacks = new Set<Node>();
      // One pass over reachable code finds the timers' callbacks and the nodes that can give a finding;
      // the nodes are judged once every timer callback is known.
      const reachable = code.reachableNodes(STATEMENT_AND_WRITE_KINDS);
      const candidates: number[] = [];
      for (let i = 0; i < reachable.nodes.length; i++) {
        const n = reachable.nodes[i]!;
        if (n.kind === SyntaxKind.CallExpression && mayBeTimer(n as ts.CallExpression)) {
          const t = timerCall(code, reachable.node(i));
          if (t) timerCallbacks.add(t.callback);
        }
        if (mayMatter(n) && mayReport(code, sdk, n)) candidates.push(i);
      }

      const found: { messageId: string; node: Node; data: Record<string, string> }[] = [];
      const report = (messageId: string, node: Node, fn: FunctionLikeNode, data: Record<string, string>): void => {
        pending.push({ node, what: data.what ?? data.timer ?? data.method ?? '' });
        found.push({ messageId, node, data: { function: code.functionName(fn), ...data } });
      };

      const executors = new Map<Node, boolean>();
      const judge = (node: Node, fn: FunctionLikeNode): void => {
        let executor = executors.get(fn);
        if (executor === undefined) executors.set(fn, (executor = isPromiseExecutor(code, fn)));
        if (executor || timerCallbacks.has(fn)) return;
        if (Node.isExpressionStatement(node)) {
          const e = unwrap(node.getExpression());
          if (Node.isVoidExpression(e)) {
            const inner = unwrap(e.getExpression());
            if (isPromise(code, sdk, inner)) report('voided', e, fn, { what: shown(inner) });
            return;
          }
          if (isPromise(code, sdk, e) && !chainOnAwaitedVariable(code, e, fn)) {
            report('floating', e, fn, { what: shown(e) });
            return;
          }
          if (Node.isCallExpression(e)) {
            // SDK v2 with a callback in an async function: nothing waits for the callback.
            const fact = sdk.factAt(e);
            if (fact && fact.kind === 'operation' && fact.callback && isAsyncFunction(fn)) {
              report('floating', e, fn, { what: shown(e) });
              return;
            }
            // `items.map(async (x) => ...)` whose array of promises is dropped
            const callee = unwrap(e.getExpression());
            const cb = e.getArguments()[0];
            if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'map' && cb && isAsyncFunction(unwrap(cb))) report('floating', e, fn, { what: `${compact(callee)}(async ...)` });
          }
          return;
        }
        if (Node.isVariableDeclaration(node)) {
          const init = node.getInitializer();
          if (!init || !Node.isIdentifier(node.getNameNode())) return;
          if (isPromise(code, sdk, init) && !isRead(code, node, fn)) report('unusedPromise', node.getNameNode(), fn, { name: node.getName(), what: shown(init) });
          return;
        }
        if (Node.isCallExpression(node)) {
          const t = timerCall(code, node);
          if (t && doesAsyncWork(code, sdk, t.callback)) {
            report('timer', node, fn, { timer: t.name });
            return;
          }
          const callee = unwrap(node.getExpression());
          const cb = node.getArguments()[0];
          if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'forEach' && cb && isAsyncFunction(unwrap(cb))) {
            report('asyncCallback', node, fn, { method: `${compact(callee)}` });
          }
          return;
        }
        if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
          const left = unwrap(node.getLeft());
          if (Node.isPropertyAccessExpression(left) && left.getName() === 'callbackWaitsForEmptyEventLoop' && unwrap(node.getRight()).getKind() === SyntaxKind.FalseKeyword) {
            noWait.push({ node, fn });
          }
        }
      };
      for (const i of candidates) judge(reachable.node(i), reachable.fn(i));

      // A callback-style handler (not async, `(event, context, callback)`) ends when the event loop is
      // empty: work it leaves running still completes, unless callbackWaitsForEmptyEventLoop is false.
      const callbackStyle = code.handlerFunctions.length > 0 && code.handlerFunctions.every((h) => !isAsyncFunction(h) && h.getParameters().length >= 3);
      if (!callbackStyle || noWait.length > 0) {
        for (const f of found) ctx.report({ messageId: f.messageId, data: f.data, loc: locOfNode(f.node), fn: binding.fn });
      }
      if (noWait.length === 0 || pending.length === 0) continue;
      const lines = pending.map((p) => ({ line: p.node.getStartLineNumber(), what: p.what })).sort((a, b) => a.line - b.line);
      const first = lines[0]!;
      for (const { node, fn } of noWait) {
        const more = pending.length > 1 ? ` and ${pending.length - 1} more` : '';
        ctx.report({
          messageId: 'noWaitPending',
          data: { function: code.functionName(fn), pending: `${first.what} on line ${first.line}${more}` },
          loc: locOfNode(node),
          fn: binding.fn,
        });
      }
    }
  },
});
