/**
 * The IAM permissions a handler's code can need, from its SDK facts: AWS SDK v3 commands (any client,
 * `@aws-sdk/lib-dynamodb` included), aggregated v3 and v2 client methods, paginators, pre-signed URLs
 * (the signer's role needs the presigned action), `@aws-sdk/lib-storage` uploads, and Powertools
 * Parameters and Idempotency. Only code the handler can run (or module scope) counts.
 *
 * The resource is kept as the code writes it (literal text, environment variable names, unknown
 * parts); binding it to the function's environment and template is `bindPermissions`' job.
 *
 * ```ts
 * for (const p of codePermissionsOf(code)) console.log(p.actions, p.resource?.kind, p.api);
 * ```
 */
import { Node, SyntaxKind, type CallExpression, type NewExpression, type ts } from '@lambda-lint/handler/ts-morph';
import type { HandlerCode } from './code.js';
import { evaluateString, moduleMemberOf, normalizeSpecifier, runCache, tableEntry } from './facts.js';
import { unwrapAwaited as unwrap } from './lazy.js';
import { descendantsByKind, methodNameOf, skipOuterAndAwait, skipOuterExpressions, type TsFunctionLike } from './syntax.js';
import type { Program } from './program.js';
import {
  iamActionsOf,
  iamPrefixOf,
  IAM_INPUT_DEPENDENT,
  IAM_PASSROLE_OPERATIONS,
  PARTIQL_ACTIONS,
  POWERTOOLS_IDEMPOTENCY_ACTIONS,
  POWERTOOLS_PARAMETER_ACTIONS,
  S3_BUCKET_ACTIONS,
  TRANSACT_WRITE_ACTIONS,
} from './data/iam-actions.js';
import { factNodeOf, ownCallsOf, sdkFactsOf, type OperationFact, type SdkFact, type SdkFacts } from './sdk.js';

/** A piece of a string the code builds: literal text, an environment variable, or something unknown. */
export type ValuePart =
  | { readonly kind: 'text'; readonly text: string }
  /** `process.env.X`; `guessed` when only a string argument names it (`requireEnv('X')`). */
  | { readonly kind: 'env'; readonly name: string; readonly guessed?: boolean }
  | { readonly kind: 'unknown' };

/** What the call acts on, as the code names it. */
export interface CodeResource {
  readonly kind: 'iam-role' | 'dynamodb-table' | 's3-bucket' | 's3-object' | 'sqs-queue' | 'sns-topic' | 'lambda-function' | 'secret' | 'ssm-parameter' | 'ssm-path' | 'state-machine' | 'event-bus' | 'kinesis-stream';
  /** The table, bucket, queue URL, topic ARN, function name, secret id, parameter name, bus name, stream name (or ARN). */
  readonly name: readonly ValuePart[];
  /** The index of a DynamoDB Query/Scan, the key of an S3 object. */
  readonly sub?: readonly ValuePart[];
}

export interface CodePermission {
  /** The IAM actions the call needs; with `anyOf`, only one of them (which one depends on input not known offline). */
  readonly actions: readonly string[];
  readonly anyOf?: boolean;
  /** Undefined: any resource (not known from the code). */
  readonly resource: CodeResource | undefined;
  /** The call to report: `client.send(...)`, `getSignedUrl(...)`, `getParameter(...)`, `new DynamoDBPersistenceLayer(...)`. */
  readonly node: Node;
  /** {@link node} as the compiler's node, which needs no ts-morph wrapper (reading `node` wraps it). */
  readonly compilerNode: ts.Node;
  /** What the code calls, for messages: `PutCommand`, `putItem()`, `paginateQuery`, `getSignedUrl(PutObjectCommand)`, `getParameter()`. */
  readonly api: string;
}

const UNKNOWN: readonly ValuePart[] = [{ kind: 'unknown' }];

/** A node of a consumer: wrapped or the compiler's. */
function compilerNodeOf(node: Node | ts.Node): ts.Node {
  return 'compilerNode' in node ? node.compilerNode : node;
}

/**
 * A permission whose node is wrapped (ts-morph) when first read: the permissions are derived from the
 * compiler nodes, and most are never reported (reading the node would wrap its file).
 */
function permission(program: Program, fields: Omit<CodePermission, 'node' | 'compilerNode'>, node: ts.Node): CodePermission {
  let wrapped: Node | undefined;
  return {
    ...fields,
    compilerNode: node,
    get node(): Node {
      return (wrapped ??= program.wrap(node));
    },
  };
}

function isProcessEnv(node: ts.Node): boolean {
  return skipOuterAndAwait(node).getText().replace(/\s+/g, '') === 'process.env';
}

/** The string parts an expression builds: literals, template literals, `+`, `process.env.X`, constants, `env('X')` helpers. */
export function valueParts(code: HandlerCode, expr: Node | ts.Node | undefined, depth = 0): ValuePart[] {
  if (!expr || depth > 8) return [...UNKNOWN];
  const program = code.run as Program;
  const e = skipOuterAndAwait(compilerNodeOf(expr));
  switch (e.kind) {
    case SyntaxKind.StringLiteral:
    case SyntaxKind.NoSubstitutionTemplateLiteral:
      return [{ kind: 'text', text: (e as ts.StringLiteral).text }];
    case SyntaxKind.TemplateExpression: {
      const { head, templateSpans } = e as ts.TemplateExpression;
      const out: ValuePart[] = [{ kind: 'text', text: head.text }];
      for (const span of templateSpans) out.push(...valueParts(code, span.expression, depth + 1), { kind: 'text', text: span.literal.text });
      return merge(out);
    }
    case SyntaxKind.BinaryExpression: {
      const { left, right, operatorToken } = e as ts.BinaryExpression;
      const op = operatorToken.kind;
      if (op === SyntaxKind.PlusToken) return merge([...valueParts(code, left, depth + 1), ...valueParts(code, right, depth + 1)]);
      // `process.env.X ?? 'default'`: the deployed value is the variable's.
      if (op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) return valueParts(code, left, depth + 1);
      return [...UNKNOWN];
    }
    case SyntaxKind.ElementAccessExpression: {
      const { expression, argumentExpression } = e as ts.ElementAccessExpression;
      if (!isProcessEnv(expression)) break;
      const name = argumentExpression ? evaluateString(program, argumentExpression) : undefined;
      return name ? [{ kind: 'env', name }] : [...UNKNOWN];
    }
    case SyntaxKind.CallExpression: {
      // `requireEnv('TABLE_NAME')`, `env('BUCKET')`: a helper reading the variable its argument names.
      const args = (e as ts.CallExpression).arguments;
      const name = args.length === 1 && args[0] ? evaluateString(program, args[0]) : undefined;
      if (name && /^[A-Z][A-Z0-9_]*$/.test(name)) return [{ kind: 'env', name, guessed: true }];
      return [...UNKNOWN];
    }
  }
  if (e.kind === SyntaxKind.PropertyAccessExpression && isProcessEnv((e as ts.PropertyAccessExpression).expression)) return [{ kind: 'env', name: (e as ts.PropertyAccessExpression).name.getText() }];
  if (e.kind === SyntaxKind.Identifier || e.kind === SyntaxKind.PropertyAccessExpression) {
    const b = code.referencedBinding(e);
    const init = b?.declaration.kind === SyntaxKind.VariableDeclaration ? (b.declaration as ts.VariableDeclaration).initializer : undefined;
    if (b && init && !b.bindingElement && b.kind === 'const') return valueParts(code, init, depth + 1);
    // `const { TABLE_NAME } = process.env`
    if (b?.bindingElement && init && isProcessEnv(init)) {
      const element = b.bindingElement;
      return [{ kind: 'env', name: (element.propertyName ?? element.name).getText() }];
    }
  }
  const literal = evaluateString(program, e);
  return literal !== undefined ? [{ kind: 'text', text: literal }] : [...UNKNOWN];
}

function merge(parts: ValuePart[]): ValuePart[] {
  const out: ValuePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text' && p.text === '') continue;
    if (p.kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind: 'text', text: last.text + p.text };
    else if (p.kind === 'unknown' && last?.kind === 'unknown') continue;
    else out.push(p);
  }
  return out.length ? out : [{ kind: 'text', text: '' }];
}

/** The object literal an expression stands for, directly or through a `const`; undefined when not visible. */
function objectOf(code: HandlerCode, expr: ts.Node | undefined, depth = 0): ts.ObjectLiteralExpression | undefined {
  if (!expr || depth > 4) return undefined;
  const e = skipOuterAndAwait(expr);
  if (e.kind === SyntaxKind.ObjectLiteralExpression) return e as ts.ObjectLiteralExpression;
  if (e.kind === SyntaxKind.Identifier) {
    const b = code.referencedBinding(e);
    const init = b && b.kind === 'const' && !b.bindingElement && b.declaration.kind === SyntaxKind.VariableDeclaration ? (b.declaration as ts.VariableDeclaration).initializer : undefined;
    if (init) return objectOf(code, init, depth + 1);
  }
  return undefined;
}

/** A property of an input object: its value node, `absent` when the literal has no such key, undefined when not visible. */
function property(code: HandlerCode, input: ts.Node | undefined, name: string): ts.Node | 'absent' | undefined {
  const obj = objectOf(code, input);
  if (!obj) return undefined;
  for (const p of obj.properties) {
    if (p.kind === SyntaxKind.PropertyAssignment) {
      const n = p.name;
      const key = n.kind === SyntaxKind.StringLiteral ? n.text : n.getText();
      if (key === name) return p.initializer;
    } else if (p.kind === SyntaxKind.ShorthandPropertyAssignment && p.name.getText() === name) {
      return p.name;
    } else if (p.kind === SyntaxKind.SpreadAssignment) {
      return undefined;
    }
  }
  return 'absent';
}

function partsOf(code: HandlerCode, input: ts.Node | undefined, name: string): ValuePart[] | undefined {
  const v = property(code, input, name);
  if (v === 'absent') return undefined;
  return valueParts(code, v);
}

/** Which resource an operation's input names, per service. */
function resourceOf(code: HandlerCode, prefix: string, action: string, input: ts.Node | undefined, operation: string): CodeResource | undefined {

  const first = (...names: string[]): ValuePart[] | undefined => {
    for (const n of names) {
      const p = partsOf(code, input, n);
      if (p) return p;
    }
    return undefined;
  };
  switch (prefix) {
    case 'dynamodb': {
      if (/^(Batch|Transact|Execute|List|Describe(Limits|Endpoints))/.test(operation) || operation === 'GetRecords' || operation === 'GetShardIterator') {
        return batchTable(code, input, operation);
      }
      const table = first('TableName');
      if (!table) return undefined;
      const index = operation === 'Query' || operation === 'Scan' ? first('IndexName') : undefined;
      return { kind: 'dynamodb-table', name: table, ...(index ? { sub: index } : {}) };
    }
    case 's3': {
      const bucket = first('Bucket');
      if (!bucket) return undefined;
      if (S3_BUCKET_ACTIONS.has(action) || /^s3:(Get|Put|Delete)Bucket/.test(action)) return { kind: 's3-bucket', name: bucket };
      return { kind: 's3-object', name: bucket, sub: first('Key') ?? [...UNKNOWN] };
    }
    case 'sqs': {
      const url = first('QueueUrl');
      return url ? { kind: 'sqs-queue', name: url } : undefined;
    }
    case 'sns': {
      const arn = first('TopicArn');
      return arn ? { kind: 'sns-topic', name: arn } : undefined;
    }
    case 'lambda': {
      const name = first('FunctionName');
      return name ? { kind: 'lambda-function', name } : undefined;
    }
    case 'secretsmanager': {
      const id = first('SecretId');
      return id ? { kind: 'secret', name: id } : undefined;
    }
    case 'ssm': {
      if (operation === 'GetParametersByPath') {
        const path = first('Path');
        return path ? { kind: 'ssm-path', name: path } : undefined;
      }
      const name = operation === 'GetParameters' ? undefined : first('Name');
      return name ? { kind: 'ssm-parameter', name } : undefined;
    }
    case 'states': {
      const arn = first('stateMachineArn');
      return arn ? { kind: 'state-machine', name: arn } : undefined;
    }
    case 'kinesis': {
      const stream = first('StreamARN', 'StreamName');
      return stream ? { kind: 'kinesis-stream', name: stream } : undefined;
    }
    case 'events': {
      if (operation !== 'PutEvents') return undefined;
      return eventBus(code, input);
    }
    default:
      return undefined;
  }
}

/** `BatchWriteItem` / `BatchGetItem` on one table: `RequestItems: { [TABLE]: [...] }`. */
function batchTable(code: HandlerCode, input: ts.Node | undefined, operation: string): CodeResource | undefined {
  if (operation !== 'BatchWriteItem' && operation !== 'BatchGetItem') return undefined;
  const items = property(code, input, 'RequestItems');
  const obj = items && items !== 'absent' ? objectOf(code, items) : undefined;
  if (!obj) return undefined;
  const props = obj.properties;
  const first = props[0];
  if (props.length !== 1 || first?.kind !== SyntaxKind.PropertyAssignment) return undefined;
  const nameNode = first.name;
  const name =
    nameNode.kind === SyntaxKind.ComputedPropertyName
      ? valueParts(code, nameNode.expression)
      : [{ kind: 'text' as const, text: nameNode.kind === SyntaxKind.StringLiteral ? nameNode.text : nameNode.getText() }];
  return { kind: 'dynamodb-table', name };
}

/** An array literal's elements, when an expression is one (parentheses, assertions and `await` aside). */
function arrayElementsOf(node: ts.Node | undefined): readonly ts.Expression[] | undefined {
  const list = node ? skipOuterAndAwait(node) : undefined;
  return list?.kind === SyntaxKind.ArrayLiteralExpression ? (list as ts.ArrayLiteralExpression).elements : undefined;
}

/** `PutEvents` entries all on one bus (the default bus when they name none). */
function eventBus(code: HandlerCode, input: ts.Node | undefined): CodeResource | undefined {
  const entries = property(code, input, 'Entries');
  const elements = entries && entries !== 'absent' ? arrayElementsOf(entries) : undefined;
  if (!elements) return undefined;
  let bus: ValuePart[] | undefined;
  for (const el of elements) {
    const b = partsOf(code, el, 'EventBusName') ?? (objectOf(code, el) ? [{ kind: 'text' as const, text: 'default' }] : undefined);
    if (!b) return undefined;
    if (bus && JSON.stringify(bus) !== JSON.stringify(b)) return undefined;
    bus = b;
  }
  return bus ? { kind: 'event-bus', name: bus } : undefined;
}

/** The actions of an operation whose action depends on its input (PartiQL verb, transaction items). */
function inputDependentActions(code: HandlerCode, key: string, input: ts.Node | undefined): { actions: readonly string[]; anyOf: boolean } {
  if (key === 'dynamodb:ExecuteStatement') {
    const statement = property(code, input, 'Statement');
    const text = statement && statement !== 'absent' ? valueParts(code, statement)[0] : undefined;
    const verb = text?.kind === 'text' ? /^\s*(\w+)/.exec(text.text)?.[1]?.toUpperCase() : undefined;
    const action = verb ? tableEntry(PARTIQL_ACTIONS, verb) : undefined;
    if (action) return { actions: [action], anyOf: false };
  }
  if (key === 'dynamodb:TransactWriteItems') {
    const items = property(code, input, 'TransactItems');
    const elements = items && items !== 'absent' ? arrayElementsOf(items) : undefined;
    if (elements) {
      const actions = new Set<string>();
      for (const el of elements) {
        const props = objectOf(code, el)?.properties ?? [];
        const only = props[0];
        // The property's name as written (ts-morph's getName()).
        const action = props.length === 1 && only?.kind === SyntaxKind.PropertyAssignment ? tableEntry(TRANSACT_WRITE_ACTIONS, only.name.getText()) : undefined;
        if (!action) return { actions: IAM_INPUT_DEPENDENT[key]!, anyOf: true };
        actions.add(action);
      }
      if (actions.size > 0) return { actions: [...actions], anyOf: false };
    }
  }
  return { actions: IAM_INPUT_DEPENDENT[key]!, anyOf: true };
}

function operationPermission(code: HandlerCode, service: string, operation: string, input: ts.Node | undefined, node: ts.Node, api: string): CodePermission[] {
  const program = code.run as Program;
  const prefix = iamPrefixOf(service);
  const key = `${prefix}:${operation}`;
  let actions = iamActionsOf(service, operation);
  let anyOf = false;
  if (IAM_INPUT_DEPENDENT[key]) ({ actions, anyOf } = inputDependentActions(code, key, input));
  if (actions.length === 0) return [];
  const passRole = passRolePermission(code, key, input, node, api);
  // CopyObject reads its source and writes its target: different resources, one permission each.
  const out: CodePermission[] =
    actions.length > 1 && !anyOf
      ? actions.map((a) => permission(program, { actions: [a], resource: resourceOf(code, prefix, a, input, operation), api }, node))
      : [permission(program, { actions, ...(anyOf ? { anyOf } : {}), resource: resourceOf(code, prefix, actions[0]!, input, operation), api }, node)];
  return passRole ? [...out, passRole] : out;
}

/** `iam:PassRole` on the role an operation hands to another service (`CreateSchedule` `Target.RoleArn`). */
function passRolePermission(code: HandlerCode, key: string, input: ts.Node | undefined, node: ts.Node, api: string): CodePermission | undefined {
  const path = IAM_PASSROLE_OPERATIONS[key];
  if (!path) return undefined;
  let cur: ts.Node | undefined = input;
  for (const name of path) {
    // `Targets: [{ RoleArn }]`: the first element stands for the list.
    const elements = arrayElementsOf(cur);
    const target = elements ? elements[0] : cur;
    const v = property(code, target, name);
    if (v === 'absent') return undefined;
    cur = v;
    if (!cur) break;
  }
  return permission(code.run as Program, { actions: ['iam:PassRole'], resource: { kind: 'iam-role', name: valueParts(code, cur) }, api }, node);
}

function apiOf(op: OperationFact): string {
  return op.style === 'command' ? op.written : `${op.written}()`;
}

const cache = new WeakMap<HandlerCode, readonly CodePermission[]>();

/** Every permission the handler's code can need, in source order; computed once per {@link HandlerCode}. */
export function codePermissionsOf(code: HandlerCode): readonly CodePermission[] {
  const cached = cache.get(code);
  if (cached) return cached;
  const result = permissionsWhere(code, undefined);
  cache.set(code, result);
  return result;
}

const inFileCache = new WeakMap<HandlerCode, { file: string; permissions: readonly CodePermission[] }>();

/**
 * {@link codePermissionsOf}'s permissions whose call lies in `file` (absolute, `/` separators, as a
 * finding's `Loc.file`), in the same order: for a run that wants one file's findings (the ESLint
 * plugin's run after an edit), what the calls of the other files need is not worked out (their
 * resources read), which each edit did again for every call of the functions reaching the file.
 */
export function codePermissionsIn(code: HandlerCode, file: string): readonly CodePermission[] {
  const whole = cache.get(code);
  const inFile = inFileTest(file);
  if (whole) return whole.filter((p) => inFile(p.compilerNode));
  const kept = inFileCache.get(code);
  if (kept?.file === file) return kept.permissions;
  const permissions = permissionsWhere(code, inFile);
  inFileCache.set(code, { file, permissions });
  return permissions;
}

/** Whether a node lies in `file` (a finding's path: `/` separators), the file looked up once per source file in a row. */
function inFileTest(file: string): (node: ts.Node) => boolean {
  let last: ts.SourceFile | undefined;
  let lastIn = false;
  return (node) => {
    const sf = node.getSourceFile();
    if (sf !== last) {
      last = sf;
      lastIn = (sf.fileName.includes('\\') ? sf.fileName.replace(/\\/g, '/') : sf.fileName) === file;
    }
    return lastIn;
  };
}

/** The permissions of the calls `keep` accepts (all without it), in source order. */
function permissionsWhere(code: HandlerCode, keep: ((node: ts.Node) => boolean) | undefined): CodePermission[] {
  const sdk = sdkFactsOf(code);
  // What a fact's call needs depends on its syntax and the run's resolution, not on the handler.
  const perFact = runCache<CodePermission[]>(code.run as Program, 'factPermissions');
  const out: CodePermission[] = [];
  let idempotent = false;
  for (const fact of sdk.all) {
    if (fact.scope === 'other') continue;
    // Read off every fact: whether the persistence layer's permissions count depends on the whole code.
    if (fact.kind === 'powertools' && fact.service === 'idempotency') idempotent = true;
    // A permission is placed at its fact's call.
    if (keep && !keep(fact.compilerNode)) continue;
    let found = perFact.get(fact.compilerNode);
    if (!found) {
      found = factPermissions(code, fact);
      perFact.set(fact.compilerNode, found);
    }
    out.push(...found);
  }
  // A persistence layer only acts when something is made idempotent with it; keep it then.
  const result = idempotent ? out : out.filter((p) => p.api !== 'DynamoDBPersistenceLayer');
  result.push(...uploads(code, keep), ...v2Uploads(code, keep));
  return result;
}

/** What a fact's call needs, read on the compiler nodes of the fact (its node and input are not wrapped). */
function factPermissions(code: HandlerCode, fact: SdkFact): CodePermission[] {
  const node = fact.compilerNode;
  const input = factNodeOf(fact, 'input');
  switch (fact.kind) {
    case 'operation':
      return operationPermission(code, fact.service, fact.operation, input, node, apiOf(fact));
    case 'paginator':
      return operationPermission(code, fact.service, fact.operation, input, node, fact.written);
    case 'presign':
      return fact.operation ? operationPermission(code, 's3', fact.operation, input, node, `${fact.function}(${fact.operation})`) : [];
    case 'powertools': {
      const actions = fact.service === 'parameters' ? POWERTOOLS_PARAMETER_ACTIONS[fact.name] : undefined;
      return actions ? parameterPermissions(code, fact.name, node, actions) : [];
    }
    case 'client':
      return fact.service === 'idempotency' && fact.name === 'DynamoDBPersistenceLayer' ? [idempotencyPermission(code, node, factNodeOf(fact, 'config'))] : [];
  }
}

function parameterPermissions(code: HandlerCode, name: string, node: ts.Node, actions: readonly string[]): CodePermission[] {
  const arg = node.kind === SyntaxKind.CallExpression ? (node as ts.CallExpression).arguments[0] : undefined;
  const api = `${name}()`;
  return actions.map((action) => {
    let resource: CodeResource | undefined;
    if (action === 'ssm:GetParameter') resource = { kind: 'ssm-parameter', name: valueParts(code, arg) };
    else if (action === 'ssm:GetParametersByPath') resource = { kind: 'ssm-path', name: valueParts(code, arg) };
    else if (action === 'secretsmanager:GetSecretValue') resource = { kind: 'secret', name: valueParts(code, arg) };
    return permission(code.run as Program, { actions: [action], resource, api }, node);
  });
}

function idempotencyPermission(code: HandlerCode, node: ts.Node, config: ts.Node | undefined): CodePermission {
  const table = partsOf(code, config, 'tableName');
  return permission(code.run as Program, { actions: POWERTOOLS_IDEMPOTENCY_ACTIONS, resource: table ? { kind: 'dynamodb-table', name: table } : undefined, api: 'DynamoDBPersistenceLayer' }, node);
}

/**
 * What `visit` finds in the calls (or constructions) of each reachable function, in order. Kept
 * per function for the run: a shared module's functions are visited once, not once per handler
 * reaching them, and only the functions not visited yet are read (no list of the handler's whole
 * reachable code). Only for facts that depend on syntax and the run's module resolution, not on
 * which handler reaches the code.
 */
function perReachableFunction<T>(
  code: HandlerCode,
  name: string,
  kind: SyntaxKind.CallExpression | SyntaxKind.NewExpression,
  test: (node: ts.Node) => boolean,
  visit: (node: Node, found: T[]) => void,
  keep?: (node: ts.Node) => boolean,
): T[] {
  const program = code.run as Program;
  const cache = runCache<T[]>(program, name);
  const out: T[] = [];
  for (const fn of code.reachableFunctionNodes) {
    // A function's own calls are in its file.
    if (keep && !keep(fn)) continue;
    let found = cache.get(fn);
    if (!found) {
      found = [];
      // The syntax test first: only the nodes it accepts get ts-morph wrappers.
      for (const n of ownCallsOf(fn as TsFunctionLike)) if (n.kind === kind && test(n)) visit(program.wrap(n), found);
      cache.set(fn, found);
    }
    // Most functions find nothing: one lookup each, and nothing to copy.
    if (found.length > 0) out.push(...found);
  }
  return out;
}

/**
 * Whether a file can hold a call of a method named `upload`: the name is written in the call's own
 * file, out or with a `\u` escape (the only escape a name can have). Kept per file for the run.
 */
const uploadFiles = new WeakMap<ts.SourceFile, boolean>();

function mayCallUpload(file: ts.SourceFile): boolean {
  let may = uploadFiles.get(file);
  if (may === undefined) uploadFiles.set(file, (may = file.text.includes('upload') || file.text.includes('\\u')));
  return may;
}

/** SDK v2 `s3.upload(params)` (managed, possibly multipart, upload): a PutObject. */
function v2Uploads(code: HandlerCode, keep?: (node: ts.Node) => boolean): CodePermission[] {
  // Reachable code is in the handler's files: without one that can call an `upload`, there is nothing to look for.
  if (!code.fileNodes.some(mayCallUpload)) return [];
  const program = code.run as Program;
  const sdk = sdkFactsOf(code);
  return perReachableFunction<CodePermission>(code, 'v2Uploads', SyntaxKind.CallExpression, (n) => methodNameOf(n as ts.CallExpression) === 'upload', (n, out) => {
    if (!Node.isCallExpression(n) || methodNameOf(n.compilerNode) !== 'upload') return;
    const callee = unwrap(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'upload') return;
    const client = sdk.clientOf(callee.getExpression());
    if (client?.category !== 'aws-v2' || client.service !== 's3') return;
    const input = n.getArguments()[0];
    out.push(permission(program, { actions: ['s3:PutObject'], resource: resourceOf(code, 's3', 's3:PutObject', input?.compilerNode, 'PutObject'), api: 'upload()' }, n.compilerNode));
  }, keep);
}

/**
 * Whether a file names `@aws-sdk/lib-storage`: the module a callee's member comes from is always
 * written in the callee's own file (an import, a `require`), so in no other file can a `new` be its
 * `Upload`. Kept per file: most files are never asked about again.
 */
const libStorageFiles = new WeakMap<ts.SourceFile, boolean>();

function mentionsLibStorage(file: ts.SourceFile): boolean {
  let mentions = libStorageFiles.get(file);
  if (mentions === undefined) libStorageFiles.set(file, (mentions = file.text.includes('@aws-sdk/lib-storage')));
  return mentions;
}

/** `new Upload({ client, params: { Bucket, Key } })` from `@aws-sdk/lib-storage`: a (multipart) PutObject. */
function uploads(code: HandlerCode, keep?: (node: ts.Node) => boolean): CodePermission[] {
  const program = code.run as Program;
  // Reachable code is in the handler's files: without one naming the package, there is nothing to look for.
  if (!code.fileNodes.some(mentionsLibStorage)) return [];
  return perReachableFunction<CodePermission>(code, 'uploads', SyntaxKind.NewExpression, (n) => mentionsLibStorage(n.getSourceFile()), (n, out) => {
    if (!Node.isNewExpression(n)) return;
    const member = code.moduleMemberOf(n.getExpression());
    if (member?.module !== '@aws-sdk/lib-storage' || member.path[member.path.length - 1] !== 'Upload') return;
    const params = property(code, n.compilerNode.arguments?.[0], 'params');
    const input = params && params !== 'absent' ? params : undefined;
    out.push(...['s3:PutObject', 's3:AbortMultipartUpload'].map((a) => permission(program, { actions: [a], resource: resourceOf(code, 's3', a, input, 'PutObject'), api: 'Upload' }, n.compilerNode)));
  }, keep);
}

/**
 * Libraries that call AWS APIs themselves, with actions lambda-lint does not derive: ORMs over DynamoDB,
 * middy middlewares that fetch parameters and secrets, queue consumers, signers.
 */
const OPAQUE_MODULES: readonly string[] = [
  'dynamodb-toolbox',
  'electrodb',
  'dynamoose',
  'sqs-consumer',
  'sqs-producer',
  '@middy/ssm',
  '@middy/secrets-manager',
  '@middy/sqs-partial-batch-failure',
  '@middy/rds-signer',
  '@middy/s3-object-response',
  '@middy/sts',
  '@middy/dynamodb',
  '@middy/appconfig',
  '@middy/service-discovery',
  '@aws-sdk/rds-signer',
  '@aws-sdk/credential-providers',
  '@aws-sdk/dsql-signer',
];

/** {@link OPAQUE_MODULES} for a look-up of the package a specifier names (the module itself or a subpath of it). */
const OPAQUE_MODULE_NAMES: ReadonlySet<string> = new Set(OPAQUE_MODULES);

/** The package a bare specifier names: its first segment, or its first two for a scope (`@middy/ssm/x` -> `@middy/ssm`). */
function packageNameOf(spec: string): string {
  const slash = spec.indexOf('/', spec.startsWith('@') ? spec.indexOf('/') + 1 : 0);
  return slash < 0 ? spec : spec.slice(0, slash);
}

/**
 * Why the code may call AWS actions that {@link codePermissionsOf} does not list, or undefined: a
 * library that calls AWS itself, a Powertools parameter provider, a command the code builds out of
 * sight (`client.send(makeCommand())`). Rules that report unused grants stay silent then.
 */
export function opaqueAwsUseOf(code: HandlerCode): string | undefined {
  if (opaqueCache.has(code)) return opaqueCache.get(code);
  const reason = opaqueReason(code);
  opaqueCache.set(code, reason);
  return reason;
}

const opaqueCache = new WeakMap<HandlerCode, string | undefined>();

function opaqueReason(code: HandlerCode): string | undefined {
  // `code.run` is the Program the code was read with.
  const program = code.run as Program;
  for (const file of code.fileNodes) {
    const reason = opaqueImportOf(program, file);
    if (reason) return reason;
  }
  const sdk = sdkFactsOf(code);
  const provider = sdk.clients.find((c) => c.service === 'parameters' && c.name.endsWith('Provider'));
  if (provider) return `it uses the Powertools ${provider.name}`;
  const handedOver = clientHandedToPackage(code);
  if (handedOver) return handedOver;
  return unseenCommand(code);
}

/**
 * A file's import of a library that calls AWS itself, or of code the analyzer cannot follow. Its
 * syntax and the run's module resolution only: kept per file for the run, not read again for each
 * handler that loads the file.
 */
function opaqueImportOf(program: Program, file: ts.SourceFile): string | undefined {
  const cache = runCache<string | null>(program, 'opaqueImport');
  const cached = cache.get(file);
  if (cached !== undefined) return cached ?? undefined;
  const reason = findOpaqueImport(program, file);
  cache.set(file, reason ?? null);
  return reason;
}

function findOpaqueImport(program: Program, file: ts.SourceFile): string | undefined {
  const imports: { spec: string; typeOnly: boolean }[] = [];
  for (const statement of file.statements) {
    // A broken import (a syntax error) has no string specifier: skip it.
    if (statement.kind !== SyntaxKind.ImportDeclaration) continue;
    const spec = (statement as ts.ImportDeclaration).moduleSpecifier;
    const clause = (statement as ts.ImportDeclaration).importClause;
    if (spec.kind === SyntaxKind.StringLiteral) imports.push({ spec: (spec as ts.StringLiteral).text, typeOnly: clause?.phaseModifier === SyntaxKind.TypeKeyword });
  }
  // The text is scanned for calls only when it holds one (most files have none).
  const text = file.text;
  const requires = text.includes('require(') ? [...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => ({ spec: m[1]!, typeOnly: false })) : [];
  const specifiers = [...imports, ...requires];
  for (const { spec } of specifiers) {
    const hit = packageNameOf(spec);
    if (OPAQUE_MODULE_NAMES.has(hit)) return `it imports ${hit}`;
  }
  // Code the analyzer cannot follow may call AWS (an alias to the project's own data-access module).
  // The SDK and the Lambda types are what the analysis reads, declared or not (a package.json may sit outside the linted directory).
  const unresolved = specifiers.find(
    ({ spec, typeOnly }) => !typeOnly && !TRANSPARENT_MODULE.test(spec) && spec !== 'aws-lambda' && program.isUnresolvedImport(file.fileName, spec),
  );
  if (unresolved) return `it imports ${unresolved.spec}, which the linter cannot resolve (a path alias without tsconfig.json paths, an undeclared package or a missing local file)`;
  return undefined;
}

/**
 * A command sent (or a v2 `makeRequest`) whose operation the code does not show. Whether a receiver
 * is an AWS client and which command an argument builds do not depend on the handler: kept per
 * function for the run.
 */
function mayNameCommand(sdk: SdkFacts, call: ts.Node): boolean {
  const method = methodNameOf(call as ts.CallExpression);
  if (method === 'makeRequest') return true;
  // A send() the SDK facts read as an operation has a visible command (they found it as this check would).
  return method === 'send' && sdk.factAt(call)?.kind !== 'operation';
}

function unseenCommand(code: HandlerCode): string | undefined {
  const sdk = sdkFactsOf(code);
  const found = perReachableFunction<string>(code, 'unseenCommand', SyntaxKind.CallExpression, (n) => mayNameCommand(sdk, n), (n, out) => {
    if (out.length > 0 || !Node.isCallExpression(n)) return;
    const method = methodNameOf(n.compilerNode);
    if (method !== 'send' && method !== 'makeRequest') return;
    const callee = unwrap(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee)) return;
    if (callee.getName() === 'makeRequest' && sdk.clientOf(callee.getExpression())?.category === 'aws-v2') {
      out.push(`makeRequest at line ${n.getStartLineNumber()} names its operation at run time`);
      return;
    }
    if (callee.getName() !== 'send') return;
    const client = sdk.clientOf(callee.getExpression());
    if (!client || (client.category !== 'aws-v3' && client.category !== 'document-client')) return;
    const arg = n.getArguments()[0];
    if (!arg || !sdk.commandOf(arg)) out.push(`a command sent at line ${n.getStartLineNumber()} is not visible`);
  });
  return found[0];
}

/** Modules whose functions receive AWS clients without calling AWS beyond what the code shows. */
const TRANSPARENT_MODULE = /^(@aws-sdk\/|aws-sdk(\/|$)|@aws-lambda-powertools\/|aws-xray-sdk)/;

/**
 * The Lambda types (`@types/aws-lambda`: no `main`, no value declared): whatever a file imports from
 * `aws-lambda` is a type, so nothing can be called through it (a value use does not compile, TS2693),
 * and it hands nothing to a package.
 */
const TYPES_ONLY_MODULE = 'aws-lambda';

/**
 * An import declaration that brings no value into the file: `import type { A } from 'm'`, or one whose
 * every name is `type` (`import { type A, type B } from 'm'`). Nothing can be called through its names
 * (a value use of one does not compile, TS1361), so it hands nothing to a package.
 */
function importsTypesOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false;
  if (clause.phaseModifier === SyntaxKind.TypeKeyword) return true;
  const named = clause.namedBindings;
  return !clause.name && named?.kind === SyntaxKind.NamedImports && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/**
 * Whether a callee is named through a type-only import (`import type { Repo } from 'm'; new Repo(...)`),
 * directly or through the `const` aliases and destructuring {@link moduleMemberOf} follows: the import
 * brings no value ({@link importsTypesOnly}), the same answer as the pre-check on the file's imports.
 */
function namedThroughTypeOnlyImport(program: Program, expression: ts.Node, depth = 0): boolean {
  let root: ts.Node = skipOuterExpressions(expression);
  while (root.kind === SyntaxKind.PropertyAccessExpression || root.kind === SyntaxKind.ElementAccessExpression) {
    root = skipOuterExpressions((root as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
  }
  if (root.kind !== SyntaxKind.Identifier || depth > 16) return false;
  const binding = program.resolveIdentifier(root as ts.Identifier);
  if (!binding) return false;
  const declaration = binding.declaration;
  if (!binding.importFrom) {
    // `const Repo = types.Repo`, `const { Repo } = types`: the value is the initialiser's.
    const initializer = binding.kind === 'const' && declaration.kind === SyntaxKind.VariableDeclaration ? (declaration as ts.VariableDeclaration).initializer : undefined;
    return !!initializer && namedThroughTypeOnlyImport(program, initializer, depth + 1);
  }
  switch (declaration.kind) {
    case SyntaxKind.ImportSpecifier:
      return (declaration as ts.ImportSpecifier).isTypeOnly || importsTypesOnly((declaration.parent as ts.NamedImports).parent);
    case SyntaxKind.NamespaceImport:
      return importsTypesOnly((declaration as ts.NamespaceImport).parent);
    case SyntaxKind.ImportClause:
      return importsTypesOnly(declaration as ts.ImportClause);
    case SyntaxKind.ImportEqualsDeclaration:
      return (declaration as ts.ImportEqualsDeclaration).isTypeOnly;
    default:
      return false;
  }
}

/**
 * Whether a file can hand nothing to a package function, told from its imports without looking at
 * its calls: a callee's module member always comes from an import, `require()` or `import()` of the
 * file itself, so a file whose only ones are import declarations of transparent or project modules
 * has none from a package. Text that may hold another (`require`, `import(`, an `import` word that is
 * not one of the top-level declarations, a Unicode escape, a namespace or module block) is not told.
 * A `\u` is the only escape an identifier can be written with (`requ\u0069re`); other backslashes
 * (`'\n'` in a string, a regular expression) hide no name the calls could be read with.
 */
function importsNoPackage(program: Program, file: ts.SourceFile): boolean {
  const text = file.text;
  if (text.includes('\\u') || text.includes('require')) return false;
  let declarations = 0;
  for (const statement of file.statements) {
    if (statement.kind === SyntaxKind.ModuleDeclaration) return false;
    if (statement.kind !== SyntaxKind.ImportDeclaration) continue;
    declarations++;
    const { moduleSpecifier, importClause } = statement as ts.ImportDeclaration;
    if (moduleSpecifier.kind !== SyntaxKind.StringLiteral) return false;
    const spec = (moduleSpecifier as ts.StringLiteral).text;
    if (TRANSPARENT_MODULE.test(spec)) continue;
    // Types bring no value: nothing of theirs can be called, or handed a client.
    if (spec === TYPES_ONLY_MODULE || importsTypesOnly(importClause)) continue;
    // Only a module the opaque-import check has resolved for this file (asked again, a lookup): resolving
    // any other could load a file no analysis asked for. A node: import is not.
    if (normalizeSpecifier(spec) !== spec) return false;
    if (!program.resolveModule(file.fileName, spec)) return false;
  }
  // Every `import` of the text is one of those declarations: no import() call, no import in a block.
  return importWordsAtMost(text, declarations) === declarations;
}

/** The number of `import` words of a text (as `/\bimport\b/g` counts them), counted up to one past `limit`. */
export function importWordsAtMost(text: string, limit: number): number {
  let count = 0;
  for (let at = text.indexOf('import'); at >= 0 && count <= limit; at = text.indexOf('import', at + 6)) {
    if (!isWordCharAt(text, at - 1) && !isWordCharAt(text, at + 6)) count++;
  }
  return count;
}

/** Whether a text has a word character (`\w`: an ASCII letter, digit or `_`) at an index; false outside it. */
function isWordCharAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * An AWS client handed to a package (`new Table({ documentClient })`, `createRepo(client)`): the
 * package calls AWS with it, out of sight (packages in node_modules are not read).
 */
function clientHandedToPackage(code: HandlerCode): string | undefined {
  for (const file of code.fileNodes) {
    const reason = clientHandedToPackageIn(code, file);
    if (reason) return reason;
  }
  return undefined;
}

/**
 * The first call of a file that hands an AWS client to a package function (not the SDK's own, not
 * a project module's).
 * Whether an expression is an AWS client does not depend on the handler (only the scope of its
 * facts does): kept per file for the run. Calls are sorted out on the compiler nodes; only those
 * into a package are wrapped.
 */
function clientHandedToPackageIn(code: HandlerCode, file: ts.SourceFile): string | undefined {
  const program = code.run as Program;
  const cache = runCache<string | null>(program, 'clientHandedToPackage');
  const cached = cache.get(file);
  if (cached !== undefined) return cached ?? undefined;
  if (importsNoPackage(program, file)) {
    cache.set(file, null);
    return undefined;
  }
  const sdk = sdkFactsOf(code);
  const isAwsClient = (n: Node): boolean => {
    const c = sdk.clientOf(n);
    return !!c && c.category !== 'database' && c.category !== 'http-agent' && c.category !== 'powertools';
  };
  let reason: string | undefined;
  const calls = [...descendantsByKind(file, SyntaxKind.CallExpression), ...descendantsByKind(file, SyntaxKind.NewExpression)] as (ts.CallExpression | ts.NewExpression)[];
  for (const callTs of calls) {
    if (!callTs.arguments?.length) continue;
    const member = moduleMemberOf(program, callTs.expression);
    // A function of a project module is read like the handler's own code: handing it a client hides nothing.
    if (!member || TRANSPARENT_MODULE.test(member.module) || program.resolveModule(file.fileName, member.module)) continue;
    // A name of the Lambda types or of a type-only import is no value: nothing is called (as importsNoPackage tells).
    if (member.module === TYPES_ONLY_MODULE || namedThroughTypeOnlyImport(program, callTs.expression)) continue;
    const call = program.wrap<CallExpression | NewExpression>(callTs);
    // Per argument: the argument, or the values of its properties when it is an object literal.
    const handsClient = call.getArguments().some((arg) => {
      const a = unwrap(arg);
      const values = Node.isObjectLiteralExpression(a)
        ? a.getProperties().flatMap((p) => (Node.isPropertyAssignment(p) ? [p.getInitializer()] : Node.isShorthandPropertyAssignment(p) ? [p.getNameNode()] : []))
        : [a];
      return values.some((v) => v && isAwsClient(v));
    });
    if (handsClient) {
      reason = `an AWS client is handed to ${member.module} at line ${call.getStartLineNumber()}`;
      break;
    }
  }
  cache.set(file, reason ?? null);
  return reason;
}
