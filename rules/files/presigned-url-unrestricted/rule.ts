import { defineRule } from '@lambda-lint/core';
import { codeOf, forEachDescendantNode, locOfNode, sdkFactsOf, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind } from '@lambda-lint/handler/ts-morph';
import { evaluateNumber, hasSpread, objectLiteralOf, propertyValue, textKey, unwrap } from '../../support/code-facts.js';

export interface Options {
  /** The longest accepted lifetime of an upload URL, in seconds. */
  maxExpiresInSeconds: number;
}

/** The values a function returns under property `prop` (`return { contentType }`); undefined when one return is not such an object. */
function returnedProperty(code: HandlerCode, fn: Node, prop: string): Node[] | undefined {
  const body = (fn as Node & { getBody?(): Node | undefined }).getBody?.();
  if (!body) return undefined;
  const returned: Node[] = [];
  if (!Node.isBlock(body)) returned.push(body);
  else {
    forEachDescendantNode(body, (d) => {
      if (d !== body && (Node.isFunctionDeclaration(d) || Node.isFunctionExpression(d) || Node.isArrowFunction(d) || Node.isMethodDeclaration(d))) return false;
      if (Node.isReturnStatement(d)) {
        const e = d.getExpression();
        if (e) returned.push(e);
      }
      return true;
    });
  }
  const out: Node[] = [];
  for (const r of returned) {
    const obj = objectLiteralOf(code, r);
    const v = obj ? propertyValue(obj, prop) : undefined;
    if (!v) return undefined;
    out.push(v);
  }
  return out.length > 0 ? out : undefined;
}

/**
 * `const { contentType } = parseRequest(body)`: a property of what a project function returns,
 * where that function checks it against an allowlist before returning it (validation helpers).
 */
function allowlistedByHelper(code: HandlerCode, init: Node, prop: string, depth: number): boolean {
  const call = unwrap(init);
  if (!Node.isCallExpression(call)) return false;
  for (const fn of code.functionsOf(call.getExpression())) {
    const values = returnedProperty(code, fn, prop);
    if (values && values.every((v) => allowlisted(code, v, [fn], depth + 1))) return true;
  }
  return false;
}

/**
 * Whether a ContentType value comes from an allowlist: a constant, a lookup in a constant table,
 * a value that code checks with `.includes(v)` / `.has(v)` (or compares with `===`) before, or a
 * property returned by a helper that checks it so.
 */
function allowlisted(code: HandlerCode, value: Node, scopes: readonly Node[], depth = 0): boolean {
  if (depth > 3) return false;
  if (code.evaluateString(value) !== undefined) return true;
  const v = unwrap(value);
  // `ALLOWED_TYPES[ext]`, `TYPES.get(ext)` on a module-level constant
  const table = Node.isElementAccessExpression(v) ? v.getExpression() : Node.isCallExpression(v) && Node.isPropertyAccessExpression(unwrap(v.getExpression())) && (unwrap(v.getExpression()) as Node & { getName(): string }).getName() === 'get' ? (unwrap(v.getExpression()) as Node & { getExpression(): Node }).getExpression() : undefined;
  if (table) {
    const t = unwrap(table);
    const b = Node.isIdentifier(t) ? code.resolveReference(t) : undefined;
    if (b && b.kind === 'const' && b.moduleLevel) return true;
  }
  const names = new Set<string>([textKey(value)]);
  if (Node.isIdentifier(v)) {
    const b = code.resolveIdentifier(v);
    if (b && b.kind === 'const' && b.initializer) {
      if (allowlisted(code, b.initializer, scopes, depth + 1)) return true;
      names.add(textKey(b.initializer));
    }
    if (b && b.bindingElement && b.declaration && Node.isVariableDeclaration(b.declaration)) {
      const init = b.declaration.getInitializer();
      const prop = b.bindingElement.getPropertyNameNode()?.getText() ?? b.name;
      if (init) names.add(`${textKey(init)}.${prop}`);
      if (init && allowlistedByHelper(code, init, prop, depth)) return true;
    }
  }
  // `parseRequest(body).contentType`
  if (Node.isPropertyAccessExpression(v) && allowlistedByHelper(code, v.getExpression(), v.getName(), depth)) return true;
  let found = false;
  for (const scope of scopes) {
    forEachDescendantNode(scope, (d) => {
      if (found) return false;
      if (Node.isCallExpression(d)) {
        const c = unwrap(d.getExpression());
        const arg = d.getArguments()[0];
        if (Node.isPropertyAccessExpression(c) && (c.getName() === 'includes' || c.getName() === 'has') && arg && names.has(textKey(arg))) found = true;
      } else if (Node.isBinaryExpression(d)) {
        const op = d.getOperatorToken().getKind();
        if ((op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.ExclamationEqualsEqualsToken) && (names.has(textKey(d.getLeft())) || names.has(textKey(d.getRight())))) {
          const other = names.has(textKey(d.getLeft())) ? d.getRight() : d.getLeft();
          if (code.evaluateString(other) !== undefined) found = true;
        }
      } else if (Node.isSwitchStatement(d) && names.has(textKey(d.getExpression()))) found = true;
      return !found;
    });
    if (found) return true;
  }
  return false;
}

/** A presigned POST policy that pins the content type: `Fields['Content-Type']` or a `$Content-Type` condition. */
function postRestrictsType(code: HandlerCode, params: Node, scopes: readonly Node[]): boolean {
  const conditions = propertyValue(params, 'Conditions');
  if (conditions && /\$Content-Type/i.test(conditions.getText())) return true;
  const fields = objectLiteralOf(code, propertyValue(params, 'Fields'));
  const ct = propertyValue(fields, 'Content-Type');
  return !!ct && allowlisted(code, ct, scopes);
}

export default defineRule<Options>({
  id: 'presigned-url-unrestricted',
  category: 'files',
  severity: 'warning',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A pre-signed S3 upload (`getSignedUrl` for a PutObjectCommand, `createPresignedPost`) without a ContentType taken from an allowlist, or valid for longer than an hour.',
  messages: {
    contentType:
      '{{function}}: {{api}} signs an S3 upload {{reason}}. Whoever holds the URL can upload any file type - HTML or SVG with scripts served back from your bucket or CDN, executables, content your pipeline does not expect. Set ContentType from an allowlist (check the requested type with ALLOWED_TYPES.includes(type) first) so S3 rejects an upload with another Content-Type, and cap the size with a presigned POST content-length-range.',
    expiresIn:
      '{{function}}: the upload URL is valid for {{seconds}} s, longer than {{max}} s. A leaked or logged URL keeps accepting uploads for that long. Sign for the time the client needs to start the upload (minutes; {{max}} s at most) and issue a new URL when it is needed.',
  },
  defaultOptions: { maxExpiresInSeconds: 3600 },
  check(ctx) {
    const max = ctx.options.maxExpiresInSeconds;
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      const checkExpires = (node: Node | undefined, fnName: string): void => {
        if (!node) return;
        const seconds = evaluateNumber(code, node);
        if (seconds === undefined || seconds <= max) return;
        ctx.report({ messageId: 'expiresIn', data: { function: fnName, seconds, max }, loc: locOfNode(node), fn: binding.fn });
      };
      for (const p of sdkFactsOf(code).presigners) {
        if (p.scope !== 'invocation' || !p.fn) continue;
        const post = p.function === 'createPresignedPost';
        if (!post && p.operation !== 'PutObject') continue;
        const fn = p.fn;
        const fnName = code.functionName(fn);
        const scopes = [fn, ...code.handlerFunctions.filter((h) => h !== fn)];
        const input = objectLiteralOf(code, p.input);
        if (input && !hasSpread(input)) {
          let reason: string | undefined;
          if (post) {
            if (!postRestrictsType(code, input, scopes)) reason = 'without a Content-Type field or condition taken from an allowlist';
          } else {
            const ct = propertyValue(input, 'ContentType');
            if (!ct) reason = 'without a ContentType';
            else if (!allowlisted(code, ct, scopes)) reason = `with a ContentType (${ct.getText().replace(/\s+/g, ' ')}) that is not checked against an allowlist`;
          }
          if (reason) {
            const api = post ? 'createPresignedPost()' : p.sdk === 'v3' ? 'getSignedUrl(PutObjectCommand)' : `${p.function}('putObject')`;
            ctx.report({ messageId: 'contentType', data: { function: fnName, api, reason }, loc: locOfNode(p.node), fn: binding.fn });
          }
        }
        checkExpires(p.expires, fnName);
      }
    }
  },
});
