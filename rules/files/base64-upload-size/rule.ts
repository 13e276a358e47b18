import { defineRule } from '@lambda-lint/core';
import { codeOf, forEachDescendantCompilerNode, locOfNode, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type BinaryExpression, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import { callSitesOf, enclosingFunctionOf, forEachReachableWhere, mayNameInReachableFiles, methodNameOf, onlyNonRequestTriggers, textKey, unwrap, unwrapTs } from '../../support/code-facts.js';

function rootIdentifier(node: Node): Node | undefined {
  let cur = unwrap(node);
  while (Node.isPropertyAccessExpression(cur) || Node.isElementAccessExpression(cur)) cur = unwrap(cur.getExpression());
  return Node.isIdentifier(cur) ? cur : undefined;
}

const COMPARISONS = new Set([
  SyntaxKind.GreaterThanToken,
  SyntaxKind.GreaterThanEqualsToken,
  SyntaxKind.LessThanToken,
  SyntaxKind.LessThanEqualsToken,
]);
const NOT_UPLOAD = /header|authori[sz]ation|token|jwt|cursor|signature|secret|nonce|salt|hash|digest|hmac|\biv\b|apikey|api_key/i;
const SIZE_PROPS = new Set(['length', 'byteLength', 'size']);

/**
 * `<name Buffer>.from(...)`, read on the compiler node as {@link isBufferFrom} reads the wrappers (an
 * identifier's escapes resolved): most `.from()` calls (`DynamoDBDocumentClient.from`, `Array.from`)
 * are not, and wrapping them wraps their file (in the ESLint plugin, the edited buffer's new tree on every edit).
 */
export function mayBeBufferFrom(call: ts.CallExpression): boolean {
  if (methodNameOf(call) !== 'from') return false;
  const obj = unwrapTs((unwrapTs(call.expression) as ts.PropertyAccessExpression).expression);
  return obj.kind === SyntaxKind.Identifier && (obj as ts.Identifier).text === 'Buffer';
}

/** `Buffer` the global (or imported from `buffer`), not a local name. */
function isBufferFrom(code: HandlerCode, call: CallExpression): boolean {
  const callee = unwrap(call.getExpression());
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'from') return false;
  const obj = unwrap(callee.getExpression());
  if (!Node.isIdentifier(obj) || obj.getText() !== 'Buffer') return false;
  const b = code.resolveIdentifier(obj);
  return !b || code.moduleMemberOf(obj)?.module === 'buffer';
}

/** The texts an expression is known by: its own text and, through `const x = <init>`, its initialiser's. */
function aliases(code: HandlerCode, expr: Node, depth = 0): Set<string> {
  const out = new Set<string>([textKey(expr)]);
  const e = unwrap(expr);
  if (depth < 4 && Node.isIdentifier(e)) {
    const b = code.resolveIdentifier(e);
    if (b && (b.kind === 'const' || b.kind === 'let') && b.initializer) for (const a of aliases(code, b.initializer, depth + 1)) out.add(a);
    // `const { body } = event`
    if (b && b.bindingElement && b.declaration && Node.isVariableDeclaration(b.declaration)) {
      const init = b.declaration.getInitializer();
      const prop = b.bindingElement.getPropertyNameNode()?.getText() ?? b.name;
      if (init) out.add(`${textKey(init)}.${prop}`);
    }
  }
  // `event.body ?? ''`, `body || ''`
  if (Node.isBinaryExpression(e)) {
    const op = e.getOperatorToken().getKind();
    if (op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) for (const a of aliases(code, e.getLeft(), depth + 1)) out.add(a);
  }
  return out;
}

/** What a size operand measures: `x.length`, `x.byteLength`, `Buffer.byteLength(x)`, `Number(headers['content-length'])`. */
function measured(code: HandlerCode, operand: Node): Set<string> | 'header' | undefined {
  const e = unwrap(operand);
  if (/content-length/i.test(e.getText())) return 'header';
  if (Node.isPropertyAccessExpression(e) && SIZE_PROPS.has(e.getName())) return aliases(code, e.getExpression());
  if (Node.isCallExpression(e)) {
    const c = unwrap(e.getExpression());
    if (Node.isPropertyAccessExpression(c) && c.getName() === 'byteLength' && e.getArguments()[0]) return aliases(code, e.getArguments()[0]!);
  }
  if (Node.isIdentifier(e)) {
    // `const size = Buffer.byteLength(body); if (size > MAX)`
    const b = code.resolveIdentifier(e);
    if (b && b.kind === 'const' && b.initializer) return measured(code, b.initializer);
  }
  return undefined;
}

/** Whether a comparison in `scope` measures one of `subjects` (or the Content-Length header). */
function sizeChecked(code: HandlerCode, scopes: readonly Node[], subjects: Set<string>): boolean {
  let found = false;
  for (const scope of scopes) {
    // Tested on the compiler nodes: only the comparisons are wrapped, not every node of the scopes.
    forEachDescendantCompilerNode(scope, (d, wrap) => {
      if (found) return false;
      if (d.kind === SyntaxKind.BinaryExpression && COMPARISONS.has((d as ts.BinaryExpression).operatorToken.kind)) {
        const comparison = wrap<BinaryExpression>(d);
        for (const side of [comparison.getLeft(), comparison.getRight()]) {
          const m = measured(code, side);
          if (m === 'header' || (m && [...m].some((t) => subjects.has(t)))) found = true;
        }
      }
      return !found;
    });
    if (found) return true;
  }
  return false;
}

export default defineRule({
  id: 'base64-upload-size',
  category: 'files',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    "A handler that decodes a Base64 request body (`Buffer.from(x, 'base64')`) and stores or processes it without checking its size first.",
  messages: {
    unchecked:
      "{{function}}: Buffer.from({{input}}, '{{encoding}}') decodes an upload without checking its size. Payloads near the hard limits (API Gateway 10 MB, Lambda 6 MB synchronous payload) are decoded in memory (the Base64 text is a third larger than the file), slow every request and fail with 413 or out-of-memory errors instead of a clear answer; above about 1 MB a file should not go through the function at all. Check the size before decoding (e.g. `if (Buffer.byteLength(body) > MAX_BASE64_CHARS) return 413`) and have clients upload large files straight to S3 with a pre-signed URL.",
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      // Queue, stream and schedule payloads are capped far below the request limits.
      if (onlyNonRequestTriggers(binding.fn)) continue;
      const code = codeOf(binding);
      // `Buffer.from` names Buffer where it is called: a handler whose files never name it decodes nothing.
      if (!mayNameInReachableFiles(code, 'Buffer')) continue;
      forEachReachableWhere(code, (n) => mayBeBufferFrom(n as ts.CallExpression), (node, fn) => {
        if (!Node.isCallExpression(node) || !isBufferFrom(code, node)) return;
        const [input, enc] = node.getArguments();
        if (!input || !enc || Node.isSpreadElement(input)) return;
        const encoding = code.evaluateString(enc);
        if (encoding !== 'base64' && encoding !== 'base64url') return;
        // A constant or configuration value is not an upload.
        if (code.evaluateString(input) !== undefined || /\bprocess\.env\b/.test(input.getText())) return;
        // Tokens, signatures, cursors and headers are small by construction, not uploads.
        if (NOT_UPLOAD.test(input.getText())) return;
        const subjects = aliases(code, input);
        // base64url is mostly cursors and tokens: only a request body counts.
        if (encoding === 'base64url' && ![...subjects].some((t) => /\bbody\b/i.test(t))) return;
        // The decoded buffer measured afterwards counts too.
        // (`const buf = event.isBase64Encoded ? Buffer.from(b, 'base64') : Buffer.from(b)`, `.toString()` of it)
        let holder: Node | undefined = node.getParent();
        while (holder) {
          if (Node.isConditionalExpression(holder) || Node.isParenthesizedExpression(holder) || Node.isAsExpression(holder) || Node.isNonNullExpression(holder)) holder = holder.getParent();
          else if (Node.isPropertyAccessExpression(holder) && holder.getName() === 'toString' && holder.getParent() && Node.isCallExpression(holder.getParent()!)) holder = holder.getParent()!.getParent();
          else break;
        }
        if (holder && Node.isVariableDeclaration(holder) && Node.isIdentifier(holder.getNameNode())) subjects.add(holder.getName());
        const scopes: Node[] = [fn, ...code.handlerFunctions.filter((h) => h !== fn)];
        // A helper decoding its parameter: the callers' argument may be checked before the call.
        const root = unwrap(input);
        const rootId = Node.isPropertyAccessExpression(root) ? rootIdentifier(root) : root;
        const b = rootId && Node.isIdentifier(rootId) ? code.resolveIdentifier(rootId) : undefined;
        if (b && b.kind === 'parameter' && Node.isParameterDeclaration(b.declaration)) {
          const index = b.declaration.getChildIndex();
          const owner = b.declaration.getParent();
          const paramIndex = owner && 'getParameters' in owner ? (owner as unknown as { getParameters(): Node[] }).getParameters().indexOf(b.declaration) : index;
          for (const site of callSitesOf(code, fn)) {
            const arg = site.getArguments()[paramIndex];
            if (arg) for (const a of aliases(code, arg)) subjects.add(Node.isPropertyAccessExpression(root) ? textKey(input).replace(b.name, a) : a);
            const caller = enclosingFunctionOf(site);
            if (caller) scopes.push(caller);
          }
        }
        if (sizeChecked(code, scopes, subjects)) return;
        ctx.report({
          messageId: 'unchecked',
          data: { function: code.functionName(fn), input: input.getText().replace(/\s+/g, ' ').slice(0, 60), encoding },
          loc: locOfNode(node),
          fn: binding.fn,
        });
        // Reported at the call visited: the calls of other files need no look when one file's findings are wanted.
      }, [SyntaxKind.CallExpression], { onlyFile: ctx.findingsIn });
    }
  },
});
