import { defineRule } from '@lambda-lint/core';
import { codeOf, forEachDescendantNode, locOfNode, sdkFactsOf, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import {
  callSitesOf,
  calleeName,
  chainedCatchHandlers,
  enclosingFunctionOf,
  enclosingTryBlocks,
  forEachReachableWhere,
  importedName,
  isInFile,
  mayNameAnyInReachableFiles,
  methodNameOf,
  newExpressionOf,
  unwrap,
  unwrapTs,
} from '../../support/code-facts.js';

const APIGW_V3 = ['@aws-sdk/client-apigatewaymanagementapi'];
/** The names a post to WebSocket connections is written with, in the file of the call. */
export const POST_TO_CONNECTION_NAMES = ['PostToConnectionCommand', 'postToConnection'];
const DELETE_COMMANDS = new Set(['DeleteItemCommand', 'DeleteCommand', 'BatchWriteItemCommand', 'BatchWriteCommand', 'TransactWriteItemsCommand', 'TransactWriteCommand']);
/** Callee names that remove a stored connection (DynamoDB v2 `delete`/`deleteItem`, Redis `del`/`srem`, local helpers). */
const DELETE_NAME = /^(delete|remove|del|drop|prune|purge|forget|evict|unregister|srem|hdel|zrem|disconnect)/i;

/** The PostToConnection sends of reachable code: `client.send(new PostToConnectionCommand(...))`, `client.postToConnection(...)`. */
function postToConnectionCalls(code: HandlerCode, onlyFile: string | undefined): CallExpression[] {
  const out = new Set<CallExpression>();
  // Each is reported at its call: with one file's findings wanted (`onlyFile`), the other files' calls are not judged.
  for (const op of sdkFactsOf(code).operations) {
    if (op.scope === 'invocation' && op.service === 'apigatewaymanagementapi' && op.operation === 'PostToConnection' && isInFile(op.compilerNode, onlyFile)) out.add(op.node);
  }
  // Fallback by import / method name, for what the SDK facts do not see. Both names are written in the
  // file of the call (the method, the command's import): a handler whose files name neither has none.
  if (!mayNameAnyInReachableFiles(code, POST_TO_CONNECTION_NAMES)) return [...out].sort((a, b) => a.getStart() - b.getStart());
  forEachReachableWhere(code, (n) => mayPostToConnection(code, n as ts.CallExpression), (n) => {
    if (!Node.isCallExpression(n)) return;
    const callee = unwrap(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee)) return;
    const name = callee.getName();
    if (name === 'postToConnection') {
      out.add(n);
      return;
    }
    if (name !== 'send') return;
    const arg = n.getArguments()[0];
    const ne = arg ? newExpressionOf(code, arg) : undefined;
    if (ne && importedName(code, ne.getExpression(), APIGW_V3) === 'PostToConnectionCommand') out.add(n);
  }, [SyntaxKind.CallExpression], { onlyFile });
  return [...out].sort((a, b) => a.getStart() - b.getStart());
}

/**
 * Whether a call can be one {@link postToConnectionCalls} keeps, read on the compiler node: a
 * `postToConnection()`, or a `send()` of a `new PostToConnectionCommand()` written inline or of a name
 * (followed there). Most calls are sends of other commands, and need no wrappers.
 */
export function mayPostToConnection(code: HandlerCode, call: ts.CallExpression): boolean {
  const method = methodNameOf(call);
  if (method === 'postToConnection') return true;
  const arg = method === 'send' ? call.arguments[0] : undefined;
  if (!arg) return false;
  const sent = unwrapTs(arg);
  if (sent.kind === SyntaxKind.NewExpression) return importedName(code, (sent as ts.NewExpression).expression, APIGW_V3) === 'PostToConnectionCommand';
  return sent.kind === SyntaxKind.Identifier;
}

type GoneCheck = 'gone' | 'statusCodeOnV3' | undefined;

/**
 * How an error handler recognizes GoneException: by name or by 410 (`gone`), or only by
 * `err.statusCode === 410`, which SDK v3 errors do not have (`statusCodeOnV3`, for a v3 call).
 */
function goneCheckIn(node: Node, v3: boolean): GoneCheck {
  let found: GoneCheck;
  forEachDescendantNode(node, (d) => {
    if (found === 'gone') return false;
    if (Node.isIdentifier(d) && d.getText() === 'GoneException') found = 'gone';
    else if (Node.isStringLiteral(d) || Node.isNoSubstitutionTemplateLiteral(d)) {
      if (d.getLiteralValue() === 'GoneException') found = 'gone';
    } else if (Node.isNumericLiteral(d) && d.getLiteralValue() === 410) {
      found = v3 && comparedWithV2StatusCode(d) ? 'statusCodeOnV3' : 'gone';
    }
    return found !== 'gone';
  });
  return found;
}

/** `err.statusCode === 410` (the v2 error property); not `err.$metadata.httpStatusCode` nor `err.$response.statusCode`. */
function comparedWithV2StatusCode(literal: Node): boolean {
  const parent = literal.getParent();
  if (!parent || !Node.isBinaryExpression(parent)) return false;
  const op = parent.getOperatorToken().getKind();
  if (![SyntaxKind.EqualsEqualsEqualsToken, SyntaxKind.EqualsEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken, SyntaxKind.ExclamationEqualsToken].includes(op)) return false;
  const other = unwrap(parent.getLeft() === literal ? parent.getRight() : parent.getLeft());
  if (!Node.isPropertyAccessExpression(other) || other.getName() !== 'statusCode') return false;
  const owner = unwrap(other.getExpression());
  return !(Node.isPropertyAccessExpression(owner) && owner.getName() === '$response');
}

/** Whether code deletes something: a DynamoDB delete command, a delete-like call, or a local function that does (two levels). */
function deletes(code: HandlerCode, node: Node, depth = 0): boolean {
  let found = false;
  forEachDescendantNode(node, (d) => {
    if (found) return false;
    if (Node.isNewExpression(d)) {
      const name = calleeName(d.getExpression());
      if (name && DELETE_COMMANDS.has(name)) found = true;
    } else if (Node.isCallExpression(d)) {
      const callee = d.getExpression();
      const name = calleeName(callee);
      if (name && DELETE_NAME.test(name)) found = true;
      else if (depth < 2) {
        const c = unwrap(callee);
        if (Node.isIdentifier(c) || Node.isPropertyAccessExpression(c)) {
          for (const fn of code.functionsOf(c)) {
            if (fn.getBody() && deletes(code, fn.getBody()!, depth + 1)) {
              found = true;
              break;
            }
          }
        }
      }
    }
    return !found;
  });
  return found;
}

type Verdict = 'handled' | 'goneNotDeleted' | 'statusCodeOnV3' | 'notHandled';
const RANK: Record<Verdict, number> = { notHandled: 0, statusCodeOnV3: 1, goneNotDeleted: 2, handled: 3 };

/** The best verdict over the error handlers that see the call's rejection (`v3`: the call is an SDK v3 send). */
function verdictAt(code: HandlerCode, call: Node, v3: boolean): Verdict {
  const handlers: Node[] = [];
  for (const t of enclosingTryBlocks(call)) {
    const c = t.getCatchClause();
    if (c) handlers.push(c.getBlock());
  }
  handlers.push(...chainedCatchHandlers(call));
  let best: Verdict = 'notHandled';
  for (const h of handlers) {
    const check = goneCheckIn(h, v3);
    if (check === 'statusCodeOnV3') {
      if (RANK[best] < RANK.statusCodeOnV3) best = 'statusCodeOnV3';
      continue;
    }
    if (!check) continue;
    if (deletes(code, h)) return 'handled';
    best = 'goneNotDeleted';
  }
  return best;
}

export default defineRule({
  id: 'websocket-gone-not-handled',
  category: 'reliability',
  severity: 'warning',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A WebSocket PostToConnection (SDK v3 PostToConnectionCommand, v2 postToConnection) whose GoneException (410) is not handled by deleting the stale connection.',
  messages: {
    notHandled:
      "{{function}}: {{api}} is not in a try/catch that handles GoneException (HTTP 410). A client that disconnected without a clean $disconnect (network loss, closed laptop) leaves its connection id behind; posting to it throws, which fails this invocation (and a broadcast loop stops at the first stale id) while the dead id stays in the table forever. Catch the error, and when it is a GoneException (err.name === 'GoneException' or err.$metadata?.httpStatusCode === 410) delete the connection id from the connections table; rethrow anything else.",
    statusCodeOnV3:
      "{{function}}: {{api}} is caught, but the handler looks for GoneException with `err.statusCode === 410`, an AWS SDK v2 property: SDK v3 errors carry the status in `err.$metadata.httpStatusCode`, so the check never matches, the stale connection id is never deleted and the error goes the other way (usually rethrown). Test `err.name === 'GoneException'` (or `err.$metadata?.httpStatusCode === 410`).",
    goneNotDeleted:
      '{{function}}: {{api}} catches GoneException (HTTP 410) but does not delete the stale connection. The dead connection id stays in the table, so every later broadcast posts to it again, paying for the call and the error. Delete the connection (e.g. DeleteCommand on the connections table) in the GoneException branch.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      for (const call of postToConnectionCalls(code, ctx.findingsIn)) {
        const callee = unwrap(call.getExpression());
        const v2 = Node.isPropertyAccessExpression(callee) && callee.getName() === 'postToConnection';
        let verdict = verdictAt(code, call, !v2);
        // A helper that posts without a try: its callers may handle the error.
        const fn = enclosingFunctionOf(call);
        if (verdict !== 'handled' && fn) {
          for (const site of callSitesOf(code, fn)) {
            const v = verdictAt(code, site, !v2);
            if (RANK[v] > RANK[verdict]) verdict = v;
            if (verdict === 'handled') break;
          }
        }
        if (verdict === 'handled') continue;
        const api = v2 ? 'postToConnection()' : 'send(PostToConnectionCommand)';
        ctx.report({
          messageId: verdict,
          data: { function: fn ? code.functionName(fn) : code.exportName, api },
          loc: locOfNode(call),
          fn: binding.fn,
        });
      }
    }
  },
});
