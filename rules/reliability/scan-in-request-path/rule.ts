import { defineRule } from '@lambda-lint/core';
import { codeOf, locOfNode, sdkFactsOf, skipOuterExpressions, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { forEachReachableWhere, importedName, mayNameAnyInReachableFiles, methodNameOf, objectLiteralOf, propertyValue, requestTriggers, unwrap, unwrapTs } from '../../support/code-facts.js';

const DYNAMO_V3 = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
const APIGW_V3 = ['@aws-sdk/client-apigatewaymanagementapi'];

/** Whether an expression is (or names) an SDK v2 DynamoDB / DocumentClient, or a v3 aggregated client. */
function isDynamoClient(code: HandlerCode, expr: Node): boolean {
  let e = unwrap(expr);
  if (Node.isIdentifier(e)) {
    const b = code.resolveReference(e);
    if (!b || !b.initializer) return false;
    e = unwrap(b.initializer);
  } else if (Node.isPropertyAccessExpression(e) && Node.isThisExpression(unwrap(e.getExpression()))) {
    return false;
  }
  let target: Node | undefined;
  if (Node.isNewExpression(e)) target = e.getExpression();
  else if (Node.isCallExpression(e)) target = e.getExpression(); // DynamoDBDocument.from(...)
  if (!target) return false;
  const m = code.moduleMemberOf(target);
  if (!m) return false;
  if (m.module === 'aws-sdk' || m.module === 'aws-sdk/clients/dynamodb') {
    const p = m.path.join('.');
    return p === 'DynamoDB' || p === 'DynamoDB.DocumentClient' || p === 'DocumentClient' || p === '';
  }
  if (DYNAMO_V3.includes(m.module)) {
    const p = m.path.join('.');
    return p === 'DynamoDB' || p === 'DynamoDBDocument.from' || p === 'DynamoDBDocument';
  }
  return false;
}

/** Where reachable code scans DynamoDB: `new ScanCommand(...)`, `paginateScan(...)`, `client.scan(...)`. */
export function dynamoScans(code: HandlerCode, onlyFile?: string): { node: Node; api: string; table: string | undefined }[] {
  const out: { node: Node; api: string; table: string | undefined }[] = [];
  const seen = new Set<Node>();
  const tableOf = (params: Node | undefined): string | undefined => {
    const v = propertyValue(objectLiteralOf(code, params), 'TableName');
    return v ? code.evaluateString(v) : undefined;
  };
  const sdk = sdkFactsOf(code);
  for (const op of sdk.operations) {
    if (op.scope !== 'invocation' || op.service !== 'dynamodb' || op.operation !== 'Scan') continue;
    const node = op.command ?? op.node;
    seen.add(node);
    out.push({ node, api: op.command ? op.written : `${op.written}()`, table: tableOf(op.input) });
  }
  for (const p of sdk.paginators) {
    if (p.scope !== 'invocation' || p.operation !== 'Scan' || !p.module.includes('dynamodb')) continue;
    seen.add(p.node);
    out.push({ node: p.node, api: p.written, table: tableOf(p.input) });
  }
  // Fallback recognition by import, for what the SDK facts do not see. Each names what it calls in
  // its own file (the import, the method): a handler whose files name none of them has none.
  if (!mayNameAnyInReachableFiles(code, SCAN_NAMES)) return out.sort((a, b) => a.node.getStart() - b.node.getStart());
  forEachReachableWhere(
    code,
    (n) => mayScan(code, n),
    (n) => {
      if (seen.has(n)) return;
      if (Node.isNewExpression(n)) {
        if (importedName(code, n.getExpression(), DYNAMO_V3) === 'ScanCommand') out.push({ node: n, api: 'ScanCommand', table: tableOf(n.getArguments()[0]) });
        return;
      }
      if (!Node.isCallExpression(n)) return;
      const callee = n.getExpression();
      if (importedName(code, callee, DYNAMO_V3) === 'paginateScan') {
        out.push({ node: n, api: 'paginateScan', table: tableOf(n.getArguments()[1]) });
        return;
      }
      const c = unwrap(callee);
      if (Node.isPropertyAccessExpression(c) && c.getName() === 'scan' && isDynamoClient(code, c.getExpression())) {
        out.push({ node: n, api: 'scan()', table: tableOf(n.getArguments()[0]) });
      }
    },
    [SyntaxKind.NewExpression, SyntaxKind.CallExpression],
    // Each is reported at the node visited: with one file's findings wanted, the other files' nodes are skipped.
    { onlyFile },
  );
  return out.sort((a, b) => a.node.getStart() - b.node.getStart());
}

/** The names a scan {@link mayScan} finds is written with, in the file of the call. */
export const SCAN_NAMES = ['ScanCommand', 'paginateScan', 'scan'];

/** The names a post to WebSocket connections is written with, in the file of the call. */
const POST_TO_CONNECTION_NAMES = ['PostToConnectionCommand', 'postToConnection'];

/**
 * A `new ScanCommand()`, a `paginateScan(...)` (by any local name) or an `x.scan(...)`, read on the
 * compiler node (most calls and constructions are none, and need no wrappers).
 */
export function mayScan(code: HandlerCode, n: ts.Node): boolean {
  const callee = (n as ts.CallExpression | ts.NewExpression).expression;
  // A member's import path ends with its name: `x.get(...)`, `new x.Other()` need no resolving.
  const access = skipOuterExpressions(callee);
  if (access.kind === SyntaxKind.PropertyAccessExpression) {
    const member = (access as ts.PropertyAccessExpression).name.text;
    if (n.kind === SyntaxKind.NewExpression ? member !== 'ScanCommand' : member !== 'paginateScan' && member !== 'scan') return false;
  }
  const name = importedName(code, callee, DYNAMO_V3);
  if (n.kind === SyntaxKind.NewExpression) return name === 'ScanCommand';
  if (name === 'paginateScan') return true;
  const c = unwrapTs(callee);
  return c.kind === SyntaxKind.PropertyAccessExpression && (c as ts.PropertyAccessExpression).name.text === 'scan';
}

/** Whether `new <callee>()` constructs `name` imported from the API Gateway management client; a member of another name is told without resolving. */
function mayConstruct(code: HandlerCode, callee: ts.Node, name: string): boolean {
  const access = skipOuterExpressions(callee);
  if (access.kind === SyntaxKind.PropertyAccessExpression && (access as ts.PropertyAccessExpression).name.text !== name) return false;
  return importedName(code, callee, APIGW_V3) === name;
}

/** Whether reachable code posts to WebSocket connections (a broadcast). */
function broadcasts(code: HandlerCode): boolean {
  if (sdkFactsOf(code).operations.some((op) => op.scope === 'invocation' && op.operation === 'PostToConnection')) return true;
  if (!mayNameAnyInReachableFiles(code, POST_TO_CONNECTION_NAMES)) return false;
  let found = false;
  forEachReachableWhere(
    code,
    (n) =>
      !found &&
      (n.kind === SyntaxKind.NewExpression ? mayConstruct(code, (n as ts.NewExpression).expression, 'PostToConnectionCommand') : methodNameOf(n as ts.CallExpression) === 'postToConnection'),
    (n) => {
      if (found) return;
      if (Node.isNewExpression(n) && importedName(code, n.getExpression(), APIGW_V3) === 'PostToConnectionCommand') found = true;
      else if (Node.isCallExpression(n) && methodNameOf(n.compilerNode) === 'postToConnection') found = true;
    },
    [SyntaxKind.NewExpression, SyntaxKind.CallExpression],
  );
  return found;
}

const TRIGGER_LABEL: Record<string, string> = {
  http: 'REST API',
  httpApi: 'HTTP API',
  websocket: 'WebSocket API',
  alb: 'Application Load Balancer',
  functionUrl: 'function URL',
};

export default defineRule({
  id: 'scan-in-request-path',
  category: 'reliability',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A DynamoDB Scan (ScanCommand, paginateScan, v2 `scan()`) in a function that serves requests (API, WebSocket, ALB, function URL) or broadcasts to WebSocket connections.',
  messages: {
    scanInRequest:
      '{{function}}: {{api}} scans {{table}} while serving {{trigger}} requests. A Scan reads every item of the table (a FilterExpression only filters after the read), so its latency and read cost grow with the table until requests time out and throttle. Model the access pattern as a Query on the key or a global secondary index (GSI) instead.',
    scanInBroadcast:
      '{{function}}: {{api}} scans {{table}} to find WebSocket connections to broadcast to. Every broadcast reads the whole table, so latency and read cost grow with it. Keep connections under a shared partition key (or a GSI, e.g. per room or topic) and Query them instead.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const triggers = requestTriggers(binding.fn);
      const code = codeOf(binding);
      let messageId: 'scanInRequest' | 'scanInBroadcast';
      if (triggers.length) messageId = 'scanInRequest';
      else if (broadcasts(code)) messageId = 'scanInBroadcast';
      else continue;
      for (const scan of dynamoScans(code, ctx.findingsIn)) {
        const fn = code.enclosingFunction(scan.node);
        ctx.report({
          messageId,
          data: {
            function: fn ? code.functionName(fn) : code.exportName,
            api: scan.api,
            table: scan.table ? `table "${scan.table}"` : 'the table',
            trigger: triggers.map((t) => TRIGGER_LABEL[t] ?? t).join(' / '),
          },
          loc: locOfNode(scan.node),
          fn: binding.fn,
        });
      }
    }
  },
});
