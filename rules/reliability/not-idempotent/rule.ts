import { defineRule, get, items, referencedLogicalId, str, type AppModel, type LambdaFunction, type RelatedLocation, type Trigger, type TriggerType } from '@lambda-lint/core';
import { codeOf, factNodeOf, locOfNode, sdkFactsOf, walkDescendants, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { calleeNameTs, forEachReachableWhere, mayNameAnyInReachableFiles, methodNameOf, moduleMember, propertyValueTs, unwrap, unwrapTs, wrapperText } from '../../support/code-facts.js';

/** Sources that deliver an event at least once: the same event can invoke the handler twice. */
const AT_LEAST_ONCE: Readonly<Record<string, string>> = {
  sqs: 'SQS',
  sns: 'SNS',
  eventbridge: 'EventBridge',
  schedule: 'schedule',
  s3: 'S3',
  kinesis: 'Kinesis',
  dynamodbStream: 'DynamoDB stream',
};

/** Default key attribute names when the table's KeySchema is not in the application. */
const DEFAULT_KEYS = ['id', 'pk', 'PK', 'sk', 'SK'];

/** Calls that produce a new value on every call. */
const GENERATORS = new Set(['randomUUID', 'uuid', 'v1', 'v4', 'v7', 'uuidv4', 'uuidv1', 'uuidv7', 'nanoid', 'ulid', 'cuid', 'createId', 'ksuid', 'now', 'random', 'randomBytes']);

const PUBLISH: Readonly<Record<string, readonly string[]>> = {
  sqs: ['SendMessage', 'SendMessageBatch'],
  sns: ['Publish', 'PublishBatch'],
  eventbridge: ['PutEvents'],
  'cloudwatch-events': ['PutEvents'],
};

/** The DynamoDB operations whose repetition {@link dynamoWrites} looks for: counter updates and puts keyed by a generated id. */
const DYNAMO_WRITES = new Set(['UpdateItem', 'PutItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * The object literal an input expression stands for, following `const`s (as objectLiteralOf) and
 * `resolveValue`. Read on the compiler nodes: an operation's input is only searched, and wrapping it
 * would wrap its file.
 */
function literal(code: HandlerCode, expr: ts.Node | undefined): ts.ObjectLiteralExpression | undefined {
  if (!expr) return undefined;
  const e = unwrapTs(expr);
  if (e.kind === SyntaxKind.ObjectLiteralExpression) return e as ts.ObjectLiteralExpression;
  if (e.kind === SyntaxKind.Identifier) {
    const b = code.resolveIdentifier(e as ts.Identifier);
    const init = b && (b.kind === 'const' || b.kind === 'let') ? b.initializerNode : undefined;
    if (init && unwrapTs(init).kind === SyntaxKind.ObjectLiteralExpression) return unwrapTs(init) as ts.ObjectLiteralExpression;
  }
  const v = code.resolveValueNode(expr);
  return v?.kind === SyntaxKind.ObjectLiteralExpression ? (v as ts.ObjectLiteralExpression) : undefined;
}

/**
 * The name of a generator call in an expression (`randomUUID()`, `Date.now()`, `new Date()`), following
 * `const`s once. Read on the compiler nodes, in the order of a walk of the expression: an item's values
 * need no wrappers to be searched.
 */
function generatorIn(code: HandlerCode, expr: ts.Node | undefined, depth = 0): string | undefined {
  if (!expr || depth > 3) return undefined;
  let found: string | undefined;
  // Not a recursive walk: it would overflow on deep generated code.
  const visit = (n: ts.Node): boolean => {
    if (found === undefined) found = generatorAt(code, n, depth);
    return found === undefined;
  };
  if (visit(expr)) walkDescendants(expr, visit);
  return found;
}

function generatorAt(code: HandlerCode, n: ts.Node, depth: number): string | undefined {
  if (n.kind === SyntaxKind.CallExpression) {
    const callee = (n as ts.CallExpression).expression;
    const name = calleeNameTs(callee);
    if (!name || !GENERATORS.has(name)) return undefined;
    const written = wrapperText(unwrapTs(callee));
    if (name === 'now' && !/^Date\.now$/.test(written)) return undefined;
    if (name === 'random' && !/^Math\.random$/.test(written)) return undefined;
    return `${written}()`;
  }
  if (n.kind === SyntaxKind.NewExpression) {
    const e = n as ts.NewExpression;
    return wrapperText(e.expression) === 'Date' && (e.arguments?.length ?? 0) === 0 ? 'new Date()' : undefined;
  }
  if (n.kind === SyntaxKind.Identifier) {
    const b = code.resolveReference(n);
    // Module level first: reading the initialiser wraps it, and most names in an item are module constants or parameters.
    if (b && b.kind === 'const' && !code.isModuleLevelDeclaration(b) && b.initializerNode) return generatorIn(code, b.initializerNode, depth + 1);
  }
  return undefined;
}

/** The key attribute names of the table a write names, from the template when its TableName comes from a bound env var. */
function keyAttributes(model: AppModel, fn: LambdaFunction, code: HandlerCode, tableExpr: ts.Node | undefined): string[] | undefined {
  if (!tableExpr) return undefined;
  const e = unwrapTs(tableExpr);
  let envName = processEnvName(e);
  if (e.kind === SyntaxKind.Identifier) {
    const init = code.resolveReference(e)?.initializerNode;
    const name = init ? processEnvName(unwrapTs(init)) : undefined;
    if (name !== undefined) envName = name;
  }
  if (!envName) return undefined;
  const env = fn.environment.find((v) => v.name === envName);
  const id = referencedLogicalId(env?.source ?? env?.value);
  const table = id ? model.resources.find((r) => r.logicalId === id) : undefined;
  if (!table) return undefined;
  if (table.type === 'AWS::Serverless::SimpleTable') return [str(get(table.properties, 'PrimaryKey', 'Name')) ?? 'id'];
  if (table.type !== 'AWS::DynamoDB::Table' && table.type !== 'AWS::DynamoDB::GlobalTable') return undefined;
  const names = items(get(table.properties, 'KeySchema')).map((k) => str(get(k, 'AttributeName'))).filter((n): n is string => !!n);
  return names.length ? names : undefined;
}

/** `process.env.NAME`: the name as written (ts-morph's getName()). */
function processEnvName(e: ts.Node): string | undefined {
  if (e.kind !== SyntaxKind.PropertyAccessExpression) return undefined;
  const access = e as ts.PropertyAccessExpression;
  return /^process\.env$/.test(access.expression.getText()) ? access.name.getText() : undefined;
}

/** An attribute's value: the document client value itself, or the `S`/`N`/`B` of a marshalled attribute. */
function attributeValue(v: ts.Node): ts.Node {
  const u = unwrapTs(v);
  if (u.kind === SyntaxKind.ObjectLiteralExpression) return propertyValueTs(u, 'S') ?? propertyValueTs(u, 'N') ?? propertyValueTs(u, 'B') ?? u;
  return u;
}

/** A generated key in a put `Item`: which attribute and which generator. Read on the compiler nodes (an item's properties need no wrappers). */
function generatedKey(code: HandlerCode, literal: ts.ObjectLiteralExpression | undefined, keys: string[] | undefined): { attribute: string; generator: string } | undefined {
  if (!literal) return undefined;
  const first = literal.properties[0];
  const firstName = first && (first.kind === SyntaxKind.PropertyAssignment || first.kind === SyntaxKind.ShorthandPropertyAssignment) ? wrapperText(first.name).replace(/^['"]|['"]$/g, '') : undefined;
  const keyNames = keys ?? [...DEFAULT_KEYS, ...(firstName ? [firstName] : [])];
  for (const k of keyNames) {
    const v = propertyValueTs(literal, k);
    if (!v) continue;
    const g = generatorIn(code, attributeValue(v));
    if (g) return { attribute: k, generator: g };
  }
  return undefined;
}

/** Whether a write carries a condition that makes a repetition fail (anything but a bare `attribute_exists`). */
function guarded(code: HandlerCode, input: ts.Node | undefined): boolean {
  const c = propertyValueTs(input, 'ConditionExpression');
  if (!c) return false;
  const text = code.evaluateString(c);
  if (text === undefined) return true; // not known: assume it guards
  return !/^\s*attribute_exists\s*\([^)]*\)\s*$/i.test(text);
}

/** `ADD`, `SET a = a + :n`, `SET a = if_not_exists(a, :z) + :n`, `list_append(...)`. */
function counterUpdate(text: string): string | undefined {
  const add = /(?:^|\s)(ADD\s+[#\w.[\]]+\s+[:\w]+)/i.exec(text);
  if (add) return add[1]!;
  const m = /([#\w.[\]]+)\s*=\s*(if_not_exists\s*\([^)]*\)|[#\w.[\]]+)\s*[+-]\s*[:#\w][\w.]*/i.exec(text);
  if (m) return m[0].trim();
  if (/list_append\s*\(/i.test(text)) return 'list_append';
  return undefined;
}

/** Every object literal under a node whose property `name` is set (`PutRequest`, `Put`, `Update` entries of batch and transaction writes). */
function nested(code: HandlerCode, input: ts.Node | undefined, name: string): ts.ObjectLiteralExpression[] {
  const root = literal(code, input);
  if (!root) return [];
  const out: ts.ObjectLiteralExpression[] = [];
  // In source order, as the walk of the literal finds them.
  walkDescendants(root, (p) => {
    if (p.kind !== SyntaxKind.PropertyAssignment) return;
    const n = (p as ts.PropertyAssignment).name.getText().replace(/^['"]|['"]$/g, '');
    if (n !== name) return;
    const v = literal(code, (p as ts.PropertyAssignment).initializer);
    if (v) out.push(v);
  });
  return out;
}

interface Write {
  node: Node;
  messageId: 'counterUpdate' | 'generatedKey' | 'publish' | 'httpPost';
  data: Record<string, string>;
}

function dynamoWrites(ctx: { model: AppModel }, fn: LambdaFunction, code: HandlerCode): Write[] {
  const out: Write[] = [];
  for (const op of sdkFactsOf(code).operations) {
    if (op.scope !== 'invocation') continue;
    // Only writes and publishes can repeat an outcome: the other operations are not read.
    const dynamo = op.service === 'dynamodb';
    if (dynamo ? !DYNAMO_WRITES.has(op.operation) : !(Object.hasOwn(PUBLISH, op.service) && PUBLISH[op.service]!.includes(op.operation))) continue;
    // The input is searched on its compiler nodes; the node is wrapped (ts-morph) only for a write reported.
    const inputNode = factNodeOf(op, 'input');
    const nodeOf = (): Node => op.command ?? op.node;
    const api = factNodeOf(op, 'command') ? op.written : `${op.written}()`;
    if (dynamo) {
      const input = literal(code, inputNode);
      const table = propertyValueTs(input, 'TableName');
      const tableName = table ? code.evaluateString(table) : undefined;
      const tableText = tableName ? `table "${tableName}"` : table ? `the table ${unwrapTs(table).getText()}` : 'the table';
      // A transaction with a guarded entry (a Put of a processed-marker with attribute_not_exists) fails as a whole on repetition.
      if (op.operation === 'TransactWriteItems' && ['Put', 'Update', 'ConditionCheck', 'Delete'].some((k) => nested(code, input, k).some((e) => guarded(code, e)))) continue;
      const updates: ts.ObjectLiteralExpression[] = op.operation === 'UpdateItem' ? (input ? [input] : []) : op.operation === 'TransactWriteItems' ? nested(code, input, 'Update') : [];
      for (const u of updates) {
        const expr = propertyValueTs(u, 'UpdateExpression');
        const text = expr ? code.evaluateString(expr) : undefined;
        const counter = text ? counterUpdate(text) : undefined;
        if (!counter || guarded(code, u)) continue;
        out.push({ node: nodeOf(), messageId: 'counterUpdate', data: { api, table: tableText, expression: counter } });
        break;
      }
      const puts: ts.ObjectLiteralExpression[] =
        op.operation === 'PutItem' ? (input ? [input] : []) : op.operation === 'BatchWriteItem' ? nested(code, input, 'PutRequest') : op.operation === 'TransactWriteItems' ? nested(code, input, 'Put') : [];
      for (const p of puts) {
        const keys = keyAttributes(ctx.model, fn, code, propertyValueTs(p, 'TableName') ?? table);
        const g = generatedKey(code, literal(code, propertyValueTs(p, 'Item')), keys);
        if (!g) continue;
        out.push({ node: nodeOf(), messageId: 'generatedKey', data: { api, table: tableText, attribute: g.attribute, generator: g.generator } });
        break;
      }
      continue;
    }
    const input = literal(code, inputNode);
    if (input && (propertyValueTs(input, 'MessageDeduplicationId') || input.getText().includes('MessageDeduplicationId'))) continue;
    const target = propertyValueTs(input, 'QueueUrl') ?? propertyValueTs(input, 'TopicArn') ?? propertyValueTs(input, 'Entries');
    out.push({ node: nodeOf(), messageId: 'publish', data: { api, target: target ? unwrapTs(target).getText() : op.service } });
  }
  return out;
}

/** `fetch(url, { method: 'POST' })`, `axios.post(...)`, `axios({ method: 'post' })`, `got.post(...)`, `ky.post(...)` without an `Idempotency-Key` header. */
/** The last member names of the HTTP client calls {@link httpPosts} recognises (`default` is skipped there). */
const HTTP_CLIENT_METHODS = new Set(['post', 'request', 'fetch', 'default']);

/** A method call can be an HTTP client's only by these names (`axios.post`, `got.default`...). */
const HTTP_CLIENT_MODULES = ['axios', 'got', 'ky', 'node-fetch', 'undici', 'superagent'];

/**
 * What a call {@link isHttpClientCall} accepts is written with in its own file: the global `fetch`, or
 * the specifier of the client's module (an import, a require).
 */
export const HTTP_CLIENT_WORDS: readonly string[] = ['fetch', ...HTTP_CLIENT_MODULES];

/** Whether a call is a global fetch() or an HTTP client's, read on the compiler node (most calls are neither). */
export function isHttpClientCall(code: HandlerCode, call: ts.Node): boolean {
  const method = methodNameOf(call as ts.CallExpression);
  if (method !== undefined && !HTTP_CLIENT_METHODS.has(method)) return false;
  const callee = unwrapTs((call as ts.CallExpression).expression);
  if (callee.kind === SyntaxKind.Identifier && (callee as ts.Identifier).text === 'fetch' && !code.resolveReference(callee)) return true;
  const mm = moduleMember(code, callee);
  return !!mm && HTTP_CLIENT_MODULES.includes(mm.module);
}

/** `onlyFile`: the calls of that file only (each post is reported at its call). */
function httpPosts(code: HandlerCode, onlyFile: string | undefined): Write[] {
  const out: Write[] = [];
  const hasKeyHeader = (opts: ts.Node | undefined) => !!opts && /idempotency-key|idempotency_key|x-idempotency/i.test(opts.getText());
  // Nearly no handler's files name fetch or an HTTP client: their calls need no look.
  if (!mayNameAnyInReachableFiles(code, HTTP_CLIENT_WORDS)) return out;
  forEachReachableWhere(
    code,
    (n) => isHttpClientCall(code, n),
    (n) => {
      if (!Node.isCallExpression(n)) return;
      const callee = unwrap(n.getExpression());
      if (Node.isIdentifier(callee) && callee.getText() === 'fetch' && !code.resolveIdentifier(callee)) {
        const args = n.compilerNode.arguments;
        const opts = literal(code, args[1]);
        const method = propertyValueTs(opts, 'method');
        const m = method ? code.evaluateString(method) : undefined;
        if (m?.toUpperCase() === 'POST' && !hasKeyHeader(opts)) out.push({ node: n, messageId: 'httpPost', data: { api: 'fetch POST' } });
        return;
      }
      const mm = code.moduleMemberOf(callee);
      if (!mm || !HTTP_CLIENT_MODULES.includes(mm.module)) return;
      const args = n.compilerNode.arguments;
      const path = mm.path.filter((p) => p !== 'default');
      if (path.length === 1 && path[0] === 'post') {
        if (!hasKeyHeader(literal(code, args[2])) && !hasKeyHeader(literal(code, args[1]))) out.push({ node: n, messageId: 'httpPost', data: { api: `${mm.module}.post` } });
      } else if (path.length === 0 || (path.length === 1 && ['request', 'fetch'].includes(path[0]!))) {
        const opts = literal(code, args[args.length - 1]);
        const method = propertyValueTs(opts, 'method');
        const m = method ? code.evaluateString(method) : undefined;
        if (m?.toUpperCase() === 'POST' && !hasKeyHeader(opts)) out.push({ node: n, messageId: 'httpPost', data: { api: `${mm.module} POST` } });
      }
    },
    [SyntaxKind.CallExpression],
    { onlyFile },
  );
  return out;
}

export default defineRule({
  id: 'not-idempotent',
  category: 'reliability',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A handler for an at-least-once source (SQS, SNS, EventBridge and schedules, S3, Kinesis, DynamoDB streams) whose write changes the outcome when repeated (a counter update, a put keyed by a generated id, a publish, an HTTP POST) with no idempotency mechanism.',
  messages: {
    counterUpdate:
      '{{function}}: {{api}} applies `{{expression}}` to {{table}}, but {{source}} delivers events at least once: a redelivered or retried event applies it again and the value drifts. Make the handler idempotent: wrap it with Powertools makeIdempotent keyed on the event id, or add a ConditionExpression on the last processed event id (e.g. `attribute_not_exists(processed.#id)` / `lastEventId <> :id`).',
    generatedKey:
      '{{function}}: {{api}} writes {{table}} with key {{attribute}} from {{generator}}, but {{source}} delivers events at least once: every redelivery or retry creates a duplicate item. Derive the key from the event (message id, object key, business id) so a repetition overwrites the same item, or wrap the handler with Powertools makeIdempotent.',
    publish:
      '{{function}}: {{api}} publishes to {{target}}, but {{source}} delivers events at least once: a redelivered or retried event publishes again and downstream consumers see duplicates. Wrap the processing with Powertools makeIdempotent keyed on the event id, or publish to a FIFO queue/topic with a MessageDeduplicationId derived from the event.',
    httpPost:
      '{{function}}: {{api}} sends a request that creates something, but {{source}} delivers events at least once: a redelivered or retried event sends it again (double charge, duplicate order). Send an Idempotency-Key header derived from the event id if the API supports one, or wrap the processing with Powertools makeIdempotent.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const fn = binding.fn;
      const sources: Trigger[] = fn.events.filter((t) => AT_LEAST_ONCE[t.type as TriggerType] !== undefined);
      if (!sources.length) continue;
      const code = codeOf(binding);
      if (code.handlerFunctionNodes.length === 0) continue;
      if (sdkFactsOf(code).powertools.some((p) => p.service === 'idempotency' && p.scope !== 'other')) continue;
      const writes = [...dynamoWrites(ctx, fn, code), ...httpPosts(code, ctx.findingsIn)].sort((a, b) => a.node.getStart() - b.node.getStart());
      const labels = [...new Set(sources.map((t) => AT_LEAST_ONCE[t.type]!))];
      const related: RelatedLocation[] = sources.map((t) => ({ loc: t.loc, message: `${AT_LEAST_ONCE[t.type]} trigger: at-least-once delivery` }));
      const seen = new Set<Node>();
      for (const w of writes) {
        if (seen.has(w.node)) continue;
        seen.add(w.node);
        const f = code.enclosingFunction(w.node);
        ctx.report({
          messageId: w.messageId,
          data: { ...w.data, function: f ? code.functionName(f) : code.exportName, source: labels.join(' / ') },
          loc: locOfNode(w.node),
          fn,
          related,
        });
      }
    }
  },
});
