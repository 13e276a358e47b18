import { defineRule, get, type Distribution, type Prop } from '@lambda-lint/core';
import { codeOf, descendantsOfKind, locOfNode, walkDescendants, type HandlerCode, type ModuleMember } from '@lambda-lint/handler';
import { Node, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { calleeMember, calleeMemberTs, forEachReachableWhere, objectLiteralOf, unwrap } from '../../support/code-facts.js';

const ASSET_PREFIX = /^\/?(static|assets|public)(\/|$)/i;
const ASSET_FILE = /\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|eot|html?)$/i;

/** Methods that can serve a file; `POST /assets` is an API that manages assets, not a file server. */
const READ_METHOD = /^(GET|HEAD|ANY|\*)$/i;

/** True for a route (optionally `METHOD /path`) or CloudFront path pattern that names static files. */
export function isAssetPath(path: string): boolean {
  const m = /^\s*([A-Za-z]+|\*)\s+(\S.*)$/.exec(path);
  if (m && !READ_METHOD.test(m[1]!)) return false;
  const p = (m ? m[2]! : path).trim();
  return ASSET_PREFIX.test(p) || ASSET_FILE.test(p) || /(^|\/)favicon\.ico$/i.test(p);
}

function readsFiles(method: Prop<string> | undefined): boolean {
  // An unknown method (unresolved, or a route key that carries it) may be GET.
  return method?.value === undefined || READ_METHOD.test(method.value.trim().split(/\s+/)[0]!);
}

/** Asset path patterns sent to S3: the static files are already off Lambda, the default behaviour is the app (SSR). */
function servesAssetsFromS3(d: Distribution): boolean {
  return d.behaviors.some((b) => !b.isDefault && b.target === 's3' && b.pathPattern?.value !== undefined && isAssetPath(b.pathPattern.value.replace(/\*+$/, '')));
}

/** Content types of static files: a response with one of these is a file server. */
const ASSET_CONTENT_TYPE = /^\s*(text\/css|text\/html|application\/javascript|text\/javascript|image\/[\w.+-]+|font\/[\w.+-]+)\s*(;|$)/i;
const FS_READS = new Set(['readFile', 'readFileSync', 'createReadStream']);

/** `fs.readFile(Sync)`, `fs.promises.readFile`, `readFile` from `fs/promises`, `createReadStream` (also `fs-extra`). */
function isFileRead(member: ModuleMember | undefined): boolean {
  if (!member) return false;
  const { module, path } = member;
  if (module !== 'fs' && module !== 'fs/promises' && module !== 'fs-extra' && module !== 'graceful-fs') return false;
  const name = path.length === 1 ? path[0] : path.length === 2 && path[0] === 'promises' ? path[1] : undefined;
  return name !== undefined && FS_READS.has(name);
}

/**
 * Whether a path expression points into the deployment package: built from `__dirname`,
 * `process.env.LAMBDA_TASK_ROOT` or `import.meta` (`dirname`, `url`), or a relative (or
 * `/var/task/...`) constant path. `/tmp` and other absolute paths are not the bundle.
 */
function inBundle(code: HandlerCode, expr: Node | undefined, depth = 0): boolean {
  if (!expr || depth > 4) return false;
  const e = unwrap(expr);
  if (/\b__dirname\b|\bLAMBDA_TASK_ROOT\b|\bimport\.meta\b/.test(e.getText())) return true;
  if (Node.isIdentifier(e)) {
    const b = code.resolveReference(e);
    if (b?.initializer && (b.kind === 'const' || b.kind === 'let')) return inBundle(code, b.initializer, depth + 1);
  }
  const value = code.evaluateString(e);
  if (value === undefined || value.length === 0) return false;
  return !value.startsWith('/') || value === '/var/task' || value.startsWith('/var/task/');
}

/** The asset content type(s) an expression may evaluate to: a constant, either branch of `a ? b : c`, a lookup in a const table. */
function assetContentType(code: HandlerCode, expr: Node): string | undefined {
  const e = unwrap(expr);
  if (Node.isConditionalExpression(e)) return assetContentType(code, e.getWhenTrue()) ?? assetContentType(code, e.getWhenFalse());
  if (Node.isBinaryExpression(e) && (e.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken || e.getOperatorToken().getKind() === SyntaxKind.BarBarToken)) {
    return assetContentType(code, e.getLeft()) ?? assetContentType(code, e.getRight());
  }
  if (Node.isElementAccessExpression(e)) {
    // `MIME_TYPES[ext]` on a table of file types.
    const table = objectLiteralOf(code, e.getExpression());
    if (!table || !Node.isObjectLiteralExpression(table)) return undefined;
    const types = table.getProperties().flatMap((p) => {
      const v = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
      const text = v ? code.evaluateString(v) : undefined;
      return text && ASSET_CONTENT_TYPE.test(text) ? [text.trim()] : [];
    });
    if (types.length === 0) return undefined;
    return types.length > 3 ? `${types.slice(0, 3).join(', ')}, ...` : types.join(', ');
  }
  const text = code.evaluateString(e);
  return text && ASSET_CONTENT_TYPE.test(text) ? text.trim() : undefined;
}

/**
 * The read whose content is the `body` of the response holding this Content-Type property
 * (`{ headers: { 'Content-Type': ... }, body }`): the read call itself, a `const` holding it, its
 * `.toString(...)`.
 */
function bodyRead(code: HandlerCode, contentType: Node, reads: readonly Node[]): Node | undefined {
  const headers = contentType.getParent();
  const headersProp = headers?.getParent();
  const response = headersProp?.getParent();
  if (!headersProp || !Node.isPropertyAssignment(headersProp) || !response || !Node.isObjectLiteralExpression(response)) return undefined;
  const body = response.getProperty('body');
  let e: Node | undefined = Node.isPropertyAssignment(body) ? body.getInitializer() : Node.isShorthandPropertyAssignment(body) ? body.getNameNode() : undefined;
  for (let depth = 0; e && depth < 6; depth++) {
    e = unwrap(e);
    if (reads.includes(e)) return e;
    if (Node.isCallExpression(e)) {
      const callee = unwrap(e.getExpression());
      e = Node.isPropertyAccessExpression(callee) && callee.getName() === 'toString' ? callee.getExpression() : undefined;
    } else if (Node.isIdentifier(e)) {
      const b = code.resolveIdentifier(e);
      e = b && (b.kind === 'const' || b.kind === 'let') ? b.initializer : undefined;
    } else e = undefined;
  }
  return undefined;
}

export interface ServedFile {
  /** The Content-Type value. */
  value: Node;
  contentType: string;
  read: Node;
  functionName: string;
}

/** Per file: whether it can hold a function that serves a file ({@link mayServeFiles}). */
const mayServeCache = new WeakMap<ts.SourceFile, boolean>();

/**
 * Whether a file can hold a function that reads a file and answers with its Content-Type: the read's
 * callee names one of {@link FS_READS} in the file itself (an import, a property access, a
 * destructuring: the module member is always found in the callee's own file), and the `Content-Type`
 * property is in the same function. Told by the text; a file with a backslash (an escape may spell
 * either) by its identifiers and strings as the parser read them. Nearly no file names both.
 */
export function mayServeFiles(file: ts.SourceFile): boolean {
  let may = mayServeCache.get(file);
  if (may === undefined) {
    const text = file.text;
    may = text.includes('\\') ? namesReadAndContentType(file) : mayNameRead(text) && CONTENT_TYPE_WORD.test(text);
    mayServeCache.set(file, may);
  }
  return may;
}

const CONTENT_TYPE_WORD = /content-type/i;
const IDENTIFIER = SyntaxKind.Identifier;
const STRING_LITERAL = SyntaxKind.StringLiteral;
const NO_SUBSTITUTION_TEMPLATE_LITERAL = SyntaxKind.NoSubstitutionTemplateLiteral;

function mayNameRead(text: string): boolean {
  return text.includes('readFile') || text.includes('createReadStream');
}

/** {@link mayServeFiles} of a file whose text has escapes: its identifiers' and strings' values, escapes resolved. */
function namesReadAndContentType(file: ts.SourceFile): boolean {
  let read = false;
  let contentType = false;
  walkDescendants(file, (n) => {
    const kind = n.kind;
    if (kind !== IDENTIFIER && kind !== STRING_LITERAL && kind !== NO_SUBSTITUTION_TEMPLATE_LITERAL) return;
    const value = (n as ts.Identifier | ts.StringLiteral).text;
    read ||= mayNameRead(value);
    contentType ||= kind !== IDENTIFIER && CONTENT_TYPE_WORD.test(value);
  });
  return read && contentType;
}

/**
 * Functions of the handler that read a file of the bundle and answer with an asset Content-Type.
 * `everyHandler`: look at the reachable code even when none of its files can hold one (to test the shortcut).
 * `onlyFile`: the functions of that file only (a finding lies in the function that reads and answers).
 */
export function servedFiles(code: HandlerCode, everyHandler = false, onlyFile?: string): ServedFile[] {
  if (!everyHandler && !code.fileNodes.some(mayServeFiles)) return [];
  // Every file read per function; the ones of the bundle are marked.
  const reads = new Map<Node, Node[]>();
  const bundle = new Set<Node>();
  forEachReachableWhere(
    code,
    // The callee resolved on the compiler node: only file reads get wrappers.
    (n) => isFileRead(calleeMemberTs(code, n, FS_READS)),
    (n, fn) => {
      if (!Node.isCallExpression(n) || !isFileRead(calleeMember(code, n, FS_READS))) return;
      reads.set(fn, [...(reads.get(fn) ?? []), n]);
      if (inBundle(code, n.getArguments()[0])) bundle.add(n);
    },
    [SyntaxKind.CallExpression],
    // The reads are kept per function, and a finding is placed in the function holding them.
    { onlyFile },
  );
  const out: ServedFile[] = [];
  for (const [fn, fnReads] of reads) {
    const firstBundleRead = fnReads.find((r) => bundle.has(r));
    if (!firstBundleRead) continue;
    for (const p of descendantsOfKind(fn, SyntaxKind.PropertyAssignment)) {
      const nameNode = p.getNameNode();
      const name = Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText();
      if (name.toLowerCase() !== 'content-type' || code.enclosingFunction(p) !== fn) continue;
      const value = p.getInitializer();
      const contentType = value ? assetContentType(code, value) : undefined;
      if (!value || !contentType) continue;
      // HTML read from the bundle may be a template rendered per request: only a body that is the file itself counts.
      // The body is a file read: report when that file is in the bundle. Otherwise (not traced), CSS,
      // scripts, images and fonts are files served as they are; HTML may be a template rendered per request.
      const traced = bodyRead(code, p, fnReads);
      const read = traced ? (bundle.has(traced) ? traced : undefined) : /^\s*text\/html/i.test(contentType) ? undefined : firstBundleRead;
      if (read) out.push({ value, contentType, read, functionName: code.functionName(fn) });
    }
  }
  return out.sort((a, b) => a.value.getStart() - b.value.getStart());
}

export default defineRule({
  id: 'static-assets-via-lambda',
  category: 'architecture',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Static files served through Lambda: HTTP routes for asset paths, a CloudFront distribution whose default behaviour or asset path pattern targets API Gateway or a function URL, or a handler that reads files from its bundle and returns them as CSS, HTML, JavaScript, images or fonts.',
  messages: {
    route:
      '{{name}}: route {{path}} serves static files through Lambda; every asset request pays an invocation and a possible cold start, and responses are capped at 6 MB. Serve assets from S3 behind CloudFront and keep Lambda for the API.',
    distribution:
      '{{distribution}}: the {{behavior}} sends {{what}} to {{target}}, so static files are served through Lambda, paying an invocation per asset. Point it at an S3 origin and route only `/api/*` to the API.',
    code:
      '{{name}}: {{function}} reads a file from the deployment package and returns it as {{contentType}}, so static files are served through Lambda, paying an invocation (and a possible cold start) per file, with no edge caching and a 6 MB response cap. Upload the files to S3 and serve them through CloudFront; keep the function for the API.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      for (const trigger of fn.events) {
        if (trigger.type !== 'http' && trigger.type !== 'httpApi' && trigger.type !== 'alb') continue;
        const path = trigger.path;
        if (!path?.value || !isAssetPath(path.value) || !readsFiles(trigger.method)) continue;
        ctx.report({ messageId: 'route', data: { name: fn.name, path: path.value }, loc: path.loc, fn });
      }
    }
    for (const d of ctx.model.distributions) {
      const assetsOnS3 = servesAssetsFromS3(d);
      for (const b of d.behaviors) {
        if (b.target !== 'api-gateway' && b.target !== 'function-url') continue;
        const pattern = b.pathPattern?.value;
        if (b.isDefault ? assetsOnS3 : !(pattern && isAssetPath(pattern.replace(/\*+$/, '')))) continue;
        // The default behaviour is a block of settings; the line to change is its origin.
        const origin = b.isDefault ? get(d.resource.properties, 'DistributionConfig', 'DefaultCacheBehavior', 'TargetOriginId') : undefined;
        ctx.report({
          messageId: 'distribution',
          data: {
            distribution: d.resource.constructPath ?? d.resource.logicalId,
            behavior: b.isDefault ? 'default cache behaviour' : `cache behaviour ${pattern}`,
            what: b.isDefault ? 'every path that no other behaviour matches (the site itself)' : 'asset requests',
            target: b.target === 'api-gateway' ? 'API Gateway' : 'a Lambda function URL',
          },
          loc: b.isDefault ? (origin?.loc ?? b.loc) : (b.pathPattern?.loc ?? b.loc),
          resource: d.resource.constructPath ?? d.resource.logicalId,
        });
      }
    }
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      for (const served of servedFiles(code, false, ctx.findingsIn)) {
        ctx.report({
          messageId: 'code',
          data: { name: binding.fn.name, function: served.functionName, contentType: served.contentType },
          loc: locOfNode(served.value),
          fn: binding.fn,
          related: [{ loc: locOfNode(served.read), message: 'reads the file from the deployment package here' }],
        });
      }
    }
  },
});
