import { defineRule } from '@lambda-lint/core';
import { codeOf, locOfTsNode, sdkFactsOf, skipOuterExpressions as unwrap, walkDescendants, type HandlerCode, type SdkFacts } from '@lambda-lint/handler';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { inFileTest, mayNameAnyInReachableFiles, mayNameInReachableFiles, moduleMember, STATEMENT_AND_WRITE_KINDS, wrapperText } from '../../support/code-facts.js';


const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);
const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);
const TIMERS = new Set(['setTimeout', 'setImmediate', 'setInterval', 'queueMicrotask']);
/** The names a call {@link mayMatter} takes needs: a timer's, `.nextTick(...)`, `.forEach(...)`. */
const CALL_NAMES: readonly string[] = [...TIMERS, 'nextTick', 'forEach'];
/** The name an assignment {@link mayMatter} takes needs. */
const NO_WAIT = 'callbackWaitsForEmptyEventLoop';

/*
 * The whole rule reads compiler nodes: a finding needs a position only, and a ts-morph wrapper of a
 * node wraps its file (most runs report nothing here, and wrapping the handler modules cost more
 * than the rule). Names and texts are read as the wrappers' `getText()` and `getName()` give them.
 */

/** What ts-morph's `getText()` gives: an identifier's name (escapes resolved), otherwise the source text from the first token. */
const textOf = wrapperText;

function compact(node: ts.Node): string {
  const text = textOf(node).replace(/\s*\n\s*/g, '').replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The name of `x.name`, as the wrapper's `getName()` gives it. */
function accessName(access: ts.PropertyAccessExpression): string {
  return textOf(access.name);
}

/** `client.send()` for a call: the callee as written, arguments elided. */
function shown(node: ts.Node): string {
  const n = unwrap(node);
  if (n.kind === SyntaxKind.CallExpression) {
    const callee = unwrap((n as ts.CallExpression).expression);
    if (callee.kind === SyntaxKind.PropertyAccessExpression) {
      const access = callee as ts.PropertyAccessExpression;
      const name = accessName(access);
      if (CHAIN_METHODS.has(name) || name === 'promise') return `${shown(access.expression)}.${name}(...)`;
    }
    return `${compact(callee)}(...)`;
  }
  if (n.kind === SyntaxKind.NewExpression) return `new ${compact((n as ts.NewExpression).expression)}(...)`;
  return compact(n);
}

/** An identifier that names a global (nothing in scope declares it). */
function isGlobal(code: HandlerCode, node: ts.Node, name: string): boolean {
  const n = unwrap(node);
  return n.kind === SyntaxKind.Identifier && (n as ts.Identifier).text === name && !code.resolveReference(n);
}

function isAsyncFunction(fn: ts.Node): boolean {
  const f = fn as ts.FunctionLikeDeclaration;
  if (f.kind !== SyntaxKind.ArrowFunction && f.kind !== SyntaxKind.FunctionExpression && f.kind !== SyntaxKind.FunctionDeclaration && f.kind !== SyntaxKind.MethodDeclaration) return false;
  if (!f.modifiers?.some((m) => m.kind === SyntaxKind.AsyncKeyword)) return false;
  return !f.asteriskToken;
}

/**
 * Whether an expression evaluates to a promise, as far as syntax tells: AWS SDK v3 calls, v2
 * `.promise()`, `.then/.catch/.finally` chains, `Promise.all/allSettled/race/any`, `new Promise`,
 * `fetch()`, `fs/promises` and `timers/promises` functions, and calls of local async functions.
 * Read on the compiler nodes: asked of most calls of reachable code, which need no wrappers for it.
 */
function isPromise(code: HandlerCode, sdk: SdkFacts, expr: ts.Node, depth = 0): boolean {
  if (depth > 4) return false;
  const e = unwrap(expr);
  if (e.kind === SyntaxKind.NewExpression) return isGlobal(code, (e as ts.NewExpression).expression, 'Promise');
  if (e.kind !== SyntaxKind.CallExpression) return false;
  const call = e as ts.CallExpression;
  const fact = sdk.factAt(call);
  if (fact && fact.kind === 'operation' && fact.sdk === 'v3' && !fact.callback) return true;
  const callee = unwrap(call.expression);
  if (callee.kind === SyntaxKind.PropertyAccessExpression) {
    const access = callee as ts.PropertyAccessExpression;
    const name = access.name.text;
    if (CHAIN_METHODS.has(name)) return true;
    if (PROMISE_COMBINATORS.has(name) && isGlobal(code, access.expression, 'Promise')) return true;
    if (name === 'promise' && call.arguments.length === 0) {
      const inner = sdk.factAt(unwrap(access.expression));
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

/** The function-like kinds with a body (a nested one is not the own code of its enclosing function). */
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
function isPromiseExecutor(code: HandlerCode, fn: ts.Node): boolean {
  const parent = fn.parent;
  return !!parent && parent.kind === SyntaxKind.NewExpression && isGlobal(code, (parent as ts.NewExpression).expression, 'Promise') && (parent as ts.NewExpression).arguments?.[0] === fn;
}

/**
 * Whether a visited node can give a finding at all, read on the compiler node: an expression
 * statement of a call, `new` or `void`; a plain-named variable initialised with a call or `new`; a
 * timer or `forEach` call; an assignment to `callbackWaitsForEmptyEventLoop`. Most nodes are none
 * of these and are skipped before ts-morph wraps their parts.
 */
export function mayMatter(n: ts.Node): boolean {
  switch (n.kind) {
    case SyntaxKind.ExpressionStatement: {
      const kind = unwrap((n as ts.ExpressionStatement).expression).kind;
      return kind === SyntaxKind.VoidExpression || kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression;
    }
    case SyntaxKind.VariableDeclaration: {
      const decl = n as ts.VariableDeclaration;
      if (!decl.initializer || decl.name.kind !== SyntaxKind.Identifier) return false;
      const kind = unwrap(decl.initializer).kind;
      return kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression;
    }
    case SyntaxKind.CallExpression:
      return mayBeTimer(n as ts.CallExpression) || calledMethod(n as ts.CallExpression) === 'forEach';
    case SyntaxKind.BinaryExpression: {
      const b = n as ts.BinaryExpression;
      if (b.operatorToken.kind !== SyntaxKind.EqualsToken) return false;
      const left = unwrap(b.left);
      return left.kind === SyntaxKind.PropertyAccessExpression && (left as ts.PropertyAccessExpression).name.text === NO_WAIT;
    }
    default:
      return false;
  }
}

/**
 * Whether a handler's calls, and its binary expressions, can be nodes that {@link mayMatter}: a call
 * matters as a timer or a forEach, an assignment as `callbackWaitsForEmptyEventLoop = ...`, and a
 * handler whose files name none of these (most: each name is written in the call's own file, escapes
 * aside, which the test of the files reads) has those nodes skipped before their parts are read.
 */
export function kindsThatMatter(code: HandlerCode): { callsMatter: boolean; writesMatter: boolean } {
  return { callsMatter: mayNameAnyInReachableFiles(code, CALL_NAMES), writesMatter: mayNameInReachableFiles(code, NO_WAIT) };
}

/**
 * After {@link mayMatter}: whether a statement or declaration gives a finding unless its function is
 * excused (a promise executor, a timer's callback). Read on the compiler nodes, as the check reads them
 * on the wrappers: most statements call something that is no promise, and need no wrappers.
 */
function mayReport(code: HandlerCode, sdk: SdkFacts, n: ts.Node): boolean {
  if (n.kind === SyntaxKind.VariableDeclaration) return isPromise(code, sdk, (n as ts.VariableDeclaration).initializer!);
  if (n.kind !== SyntaxKind.ExpressionStatement) return true;
  const e = unwrap((n as ts.ExpressionStatement).expression);
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
  const callee = unwrap(call.expression);
  return callee.kind === SyntaxKind.PropertyAccessExpression ? (callee as ts.PropertyAccessExpression).name.text : undefined;
}

/** The compiler-node test {@link timerCall} starts with: a timer's name, or `.nextTick(...)`. */
function mayBeTimer(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return callee.kind === SyntaxKind.Identifier ? TIMERS.has((callee as ts.Identifier).text) : calledMethod(call) === 'nextTick';
}

/** A timer call (`setTimeout(cb)`, `process.nextTick(cb)`) and its callback. */
function timerCall(code: HandlerCode, node: ts.Node): { name: string; callback: ts.Node } | undefined {
  if (node.kind !== SyntaxKind.CallExpression) return undefined;
  const call = node as ts.CallExpression;
  const callee = unwrap(call.expression);
  let name: string | undefined;
  if (callee.kind === SyntaxKind.Identifier && TIMERS.has(textOf(callee)) && !code.resolveIdentifier(callee as ts.Identifier)) name = textOf(callee);
  else if (callee.kind === SyntaxKind.PropertyAccessExpression && accessName(callee as ts.PropertyAccessExpression) === 'nextTick' && isGlobal(code, (callee as ts.PropertyAccessExpression).expression, 'process')) {
    name = 'process.nextTick';
  }
  const cb = call.arguments[0];
  if (!name || !cb) return undefined;
  return { name, callback: unwrap(cb) };
}

/** Whether a function does asynchronous work: it is async, or starts a promise in its own body. */
function doesAsyncWork(code: HandlerCode, sdk: SdkFacts, fn: ts.Node): boolean {
  if (isAsyncFunction(fn)) return true;
  if (!FUNCTION_KINDS.has(fn.kind)) return false;
  let found = false;
  walkDescendants(fn, (n) => {
    if (found || FUNCTION_KINDS.has(n.kind)) return false;
    if (n.kind === SyntaxKind.CallExpression && isPromise(code, sdk, n)) found = true;
    return !found;
  });
  return found;
}

/** Whether an identifier other than `except` in a function names the variable `decl` declares. */
function refersTo(code: HandlerCode, fn: ts.Node, decl: ts.Node, name: string, except: readonly ts.Node[]): boolean {
  let used = false;
  walkDescendants(fn, (n) => {
    if (used) return false;
    if (n.kind === SyntaxKind.Identifier && !except.includes(n) && textOf(n) === name && code.lexicalBinding(n as ts.Identifier)?.declaration === decl) used = true;
    return !used;
  });
  return used;
}

/** Whether a variable declared with a plain name is read anywhere in its scope. */
function isRead(code: HandlerCode, decl: ts.VariableDeclaration, fn: ts.Node): boolean {
  const nameNode = decl.name;
  if (nameNode.kind !== SyntaxKind.Identifier) return true;
  return refersTo(code, fn, decl, textOf(nameNode), [nameNode]);
}

/**
 * `p.catch(() => {})` on a promise variable that is also used elsewhere (`await p` later): the
 * handler attached to avoid an unhandled rejection, not dropped work.
 */
function chainOnAwaitedVariable(code: HandlerCode, e: ts.Node, fn: ts.Node): boolean {
  let root = e;
  for (;;) {
    const r = unwrap(root);
    if (r.kind !== SyntaxKind.CallExpression) break;
    const callee = unwrap((r as ts.CallExpression).expression);
    if (callee.kind !== SyntaxKind.PropertyAccessExpression || !CHAIN_METHODS.has(accessName(callee as ts.PropertyAccessExpression))) break;
    root = (callee as ts.PropertyAccessExpression).expression;
  }
  root = unwrap(root);
  if (root === unwrap(e) || root.kind !== SyntaxKind.Identifier) return false;
  const b = code.lexicalBinding(root as ts.Identifier);
  if (!b || b.moduleLevel) return false;
  return refersTo(code, fn, b.declaration, textOf(root), [root, b.nameNode]);
}

/** The line a node starts on, counted as ts-morph's `getStartLineNumber()` counts it (line feeds only). */
function startLine(node: ts.Node): number {
  const text = node.getSourceFile().text;
  const start = node.getStart();
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < start; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

interface Pending {
  /** The node reported; its line is asked only for a `noWaitPending` finding (counting lines reads the file's text). */
  node: ts.Node;
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
      const noWait: { node: ts.Node; fn: ts.Node }[] = [];
      /** Functions whose own floating work is reported once, at the timer. */
      const timerCallbacks = new Set<ts.Node>();
      // One pass over reachable code finds the timers' callbacks and the nodes that can give a finding;
      // the nodes are judged once every timer callback is known.
      const reachable = code.reachableNodes(STATEMENT_AND_WRITE_KINDS);
      // Only one file's findings wanted: every finding is placed at a node judged, so the nodes of other
      // files need judging only for `callbackWaitsForEmptyEventLoop = false`, whose finding lists the
      // pending work of every file (then all are judged). Timers are looked for everywhere: a timer
      // elsewhere excuses its callback here.
      const inFile = ctx.findingsIn === undefined ? undefined : inFileTest(code, reachable, ctx.findingsIn);
      if (ctx.findingsIn !== undefined && !inFile) continue;
      let candidates: number[] = [];
      let mayNotWait = false;
      const { callsMatter, writesMatter } = kindsThatMatter(code);
      for (let i = 0; i < reachable.nodes.length; i++) {
        const n = reachable.nodes[i]!;
        const kind = n.kind;
        if (kind === SyntaxKind.CallExpression) {
          if (!callsMatter) continue;
          if (mayBeTimer(n as ts.CallExpression)) {
            const t = timerCall(code, n);
            if (t) timerCallbacks.add(t.callback);
          }
        } else if (kind === SyntaxKind.BinaryExpression && !writesMatter) continue;
        if (!mayMatter(n)) continue;
        if (n.kind === SyntaxKind.BinaryExpression) mayNotWait = true;
        if ((!inFile || inFile(i)) && mayReport(code, sdk, n)) candidates.push(i);
      }
      if (inFile && mayNotWait) candidates = reachable.nodes.flatMap((n, i) => (mayMatter(n) && mayReport(code, sdk, n) ? [i] : []));

      const found: { messageId: string; node: ts.Node; data: Record<string, string> }[] = [];
      const report = (messageId: string, node: ts.Node, fn: ts.Node, data: Record<string, string>): void => {
        pending.push({ node, what: data.what ?? data.timer ?? data.method ?? '' });
        found.push({ messageId, node, data: { function: code.functionName(fn), ...data } });
      };

      const executors = new Map<ts.Node, boolean>();
      const judge = (node: ts.Node, fn: ts.Node): void => {
        let executor = executors.get(fn);
        if (executor === undefined) executors.set(fn, (executor = isPromiseExecutor(code, fn)));
        if (executor || timerCallbacks.has(fn)) return;
        if (node.kind === SyntaxKind.ExpressionStatement) {
          const e = unwrap((node as ts.ExpressionStatement).expression);
          if (e.kind === SyntaxKind.VoidExpression) {
            const inner = unwrap((e as ts.VoidExpression).expression);
            if (isPromise(code, sdk, inner)) report('voided', e, fn, { what: shown(inner) });
            return;
          }
          if (isPromise(code, sdk, e) && !chainOnAwaitedVariable(code, e, fn)) {
            report('floating', e, fn, { what: shown(e) });
            return;
          }
          if (e.kind === SyntaxKind.CallExpression) {
            const call = e as ts.CallExpression;
            // SDK v2 with a callback in an async function: nothing waits for the callback.
            const fact = sdk.factAt(call);
            if (fact && fact.kind === 'operation' && fact.callback && isAsyncFunction(fn)) {
              report('floating', e, fn, { what: shown(e) });
              return;
            }
            // `items.map(async (x) => ...)` whose array of promises is dropped
            const callee = unwrap(call.expression);
            const cb = call.arguments[0];
            if (callee.kind === SyntaxKind.PropertyAccessExpression && accessName(callee as ts.PropertyAccessExpression) === 'map' && cb && isAsyncFunction(unwrap(cb))) {
              report('floating', e, fn, { what: `${compact(callee)}(async ...)` });
            }
          }
          return;
        }
        if (node.kind === SyntaxKind.VariableDeclaration) {
          const decl = node as ts.VariableDeclaration;
          const init = decl.initializer;
          if (!init || decl.name.kind !== SyntaxKind.Identifier) return;
          if (isPromise(code, sdk, init) && !isRead(code, decl, fn)) report('unusedPromise', decl.name, fn, { name: textOf(decl.name), what: shown(init) });
          return;
        }
        if (node.kind === SyntaxKind.CallExpression) {
          const call = node as ts.CallExpression;
          const t = timerCall(code, call);
          if (t && doesAsyncWork(code, sdk, t.callback)) {
            report('timer', call, fn, { timer: t.name });
            return;
          }
          const callee = unwrap(call.expression);
          const cb = call.arguments[0];
          if (callee.kind === SyntaxKind.PropertyAccessExpression && accessName(callee as ts.PropertyAccessExpression) === 'forEach' && cb && isAsyncFunction(unwrap(cb))) {
            report('asyncCallback', call, fn, { method: `${compact(callee)}` });
          }
          return;
        }
        if (node.kind === SyntaxKind.BinaryExpression && (node as ts.BinaryExpression).operatorToken.kind === SyntaxKind.EqualsToken) {
          const b = node as ts.BinaryExpression;
          const left = unwrap(b.left);
          if (left.kind === SyntaxKind.PropertyAccessExpression && accessName(left as ts.PropertyAccessExpression) === 'callbackWaitsForEmptyEventLoop' && unwrap(b.right).kind === SyntaxKind.FalseKeyword) {
            noWait.push({ node, fn });
          }
        }
      };
      for (const i of candidates) judge(reachable.nodes[i]!, reachable.fnNode(i));

      // A callback-style handler (not async, `(event, context, callback)`) ends when the event loop is
      // empty: work it leaves running still completes, unless callbackWaitsForEmptyEventLoop is false.
      const handlers = code.handlerFunctionNodes;
      const callbackStyle = handlers.length > 0 && handlers.every((h) => !isAsyncFunction(h) && (h as ts.FunctionLikeDeclaration).parameters.length >= 3);
      if (!callbackStyle || noWait.length > 0) {
        for (const f of found) ctx.report({ messageId: f.messageId, data: f.data, loc: locOfTsNode(f.node), fn: binding.fn });
      }
      if (noWait.length === 0 || pending.length === 0) continue;
      const lines = pending.map((p) => ({ line: startLine(p.node), what: p.what })).sort((a, b) => a.line - b.line);
      const first = lines[0]!;
      for (const { node, fn } of noWait) {
        const more = pending.length > 1 ? ` and ${pending.length - 1} more` : '';
        ctx.report({
          messageId: 'noWaitPending',
          data: { function: code.functionName(fn), pending: `${first.what} on line ${first.line}${more}` },
          loc: locOfTsNode(node),
          fn: binding.fn,
        });
      }
    }
  },
});
