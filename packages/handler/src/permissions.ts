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
import { Node, SyntaxKind, type CallExpression, type NewExpression, type SourceFile } from '@lambda-lint/handler/ts-morph';
import { descendantsOfKind, type HandlerCode } from './code.js';
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
import { sdkFactsOf, type OperationFact } from './sdk.js';

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
  /** What the code calls, for messages: `PutCommand`, `putItem()`, `paginateQuery`, `getSignedUrl(PutObjectCommand)`, `getParameter()`. */
  readonly api: string;
}

const UNKNOWN: readonly ValuePart[] = [{ kind: 'unknown' }];

function unwrap(node: Node): Node {
  let cur = node;
  while (Node.isParenthesizedExpression(cur) || Node.isNonNullExpression(cur) || Node.isAsExpression(cur) || Node.isSatisfiesExpression(cur) || Node.isTypeAssertion(cur) || Node.isAwaitExpression(cur)) {
    cur = cur.getExpression();
  }
  return cur;
}

function isProcessEnv(node: Node): boolean {
  return unwrap(node).getText().replace(/\s+/g, '') === 'process.env';
}

/** The string parts an expression builds: literals, template literals, `+`, `process.env.X`, constants, `env('X')` helpers. */
export function valueParts(code: HandlerCode, expr: Node | undefined, depth = 0): ValuePart[] {
  if (!expr || depth > 8) return [...UNKNOWN];
  const e = unwrap(expr);
  if (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) return [{ kind: 'text', text: e.getLiteralText() }];
  if (Node.isTemplateExpression(e)) {
    const out: ValuePart[] = [{ kind: 'text', text: e.getHead().getLiteralText() }];
    for (const span of e.getTemplateSpans()) {
      out.push(...valueParts(code, span.getExpression(), depth + 1), { kind: 'text', text: span.getLiteral().getLiteralText() });
    }
    return merge(out);
  }
  if (Node.isBinaryExpression(e)) {
    const op = e.getOperatorToken().getKind();
    if (op === SyntaxKind.PlusToken) return merge([...valueParts(code, e.getLeft(), depth + 1), ...valueParts(code, e.getRight(), depth + 1)]);
    // `process.env.X ?? 'default'`: the deployed value is the variable's.
    if (op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) return valueParts(code, e.getLeft(), depth + 1);
    return [...UNKNOWN];
  }
  if (Node.isPropertyAccessExpression(e) && isProcessEnv(e.getExpression())) return [{ kind: 'env', name: e.getName() }];
  if (Node.isElementAccessExpression(e) && isProcessEnv(e.getExpression())) {
    const arg = e.getArgumentExpression();
    const name = arg ? code.evaluateString(arg) : undefined;
    return name ? [{ kind: 'env', name }] : [...UNKNOWN];
  }
  if (Node.isCallExpression(e)) {
    // `requireEnv('TABLE_NAME')`, `env('BUCKET')`: a helper reading the variable its argument names.
    const args = e.getArguments();
    const name = args.length === 1 && args[0] ? code.evaluateString(args[0]) : undefined;
    if (name && /^[A-Z][A-Z0-9_]*$/.test(name)) return [{ kind: 'env', name, guessed: true }];
    return [...UNKNOWN];
  }
  if (Node.isIdentifier(e) || Node.isPropertyAccessExpression(e)) {
    const b = code.resolveReference(e);
    if (b?.initializer && b.kind === 'const') return valueParts(code, b.initializer, depth + 1);
    // `const { TABLE_NAME } = process.env`
    if (b?.bindingElement) {
      const decl = b.declaration;
      const init = Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
      if (init && isProcessEnv(init)) {
        const prop = b.bindingElement.getPropertyNameNode()?.getText() ?? b.bindingElement.getName();
        return [{ kind: 'env', name: prop }];
      }
    }
  }
  const literal = code.evaluateString(e);
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
function objectOf(code: HandlerCode, expr: Node | undefined, depth = 0): Node | undefined {
  if (!expr || depth > 4) return undefined;
  const e = unwrap(expr);
  if (Node.isObjectLiteralExpression(e)) return e;
  if (Node.isIdentifier(e)) {
    const b = code.resolveReference(e);
    if (b?.initializer && b.kind === 'const') return objectOf(code, b.initializer, depth + 1);
  }
  return undefined;
}

/** A property of an input object: its value node, `absent` when the literal has no such key, undefined when not visible. */
function property(code: HandlerCode, input: Node | undefined, name: string): Node | 'absent' | undefined {
  const obj = objectOf(code, input);
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  for (const p of obj.getProperties()) {
    if (Node.isPropertyAssignment(p)) {
      const n = p.getNameNode();
      const key = Node.isStringLiteral(n) ? n.getLiteralValue() : n.getText();
      if (key === name) return p.getInitializer();
    } else if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) {
      return p.getNameNode();
    } else if (Node.isSpreadAssignment(p)) {
      return undefined;
    }
  }
  return 'absent';
}

function partsOf(code: HandlerCode, input: Node | undefined, name: string): ValuePart[] | undefined {
  const v = property(code, input, name);
  if (v === 'absent') return undefined;
  return valueParts(code, v);
}

/** Which resource an operation's input names, per service. */
function resourceOf(code: HandlerCode, prefix: string, action: string, input: Node | undefined, operation: string): CodeResource | undefined {
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
function batchTable(code: HandlerCode, input: Node | undefined, operation: string): CodeResource | undefined {
  if (operation !== 'BatchWriteItem' && operation !== 'BatchGetItem') return undefined;
  const items = property(code, input, 'RequestItems');
  const obj = items && items !== 'absent' ? objectOf(code, items) : undefined;
  if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
  const props = obj.getProperties();
  if (props.length !== 1 || !Node.isPropertyAssignment(props[0]!)) return undefined;
  const nameNode = props[0].getNameNode();
  const name = Node.isComputedPropertyName(nameNode) ? valueParts(code, nameNode.getExpression()) : [{ kind: 'text' as const, text: Node.isStringLiteral(nameNode) ? nameNode.getLiteralValue() : nameNode.getText() }];
  return { kind: 'dynamodb-table', name };
}

/** `PutEvents` entries all on one bus (the default bus when they name none). */
function eventBus(code: HandlerCode, input: Node | undefined): CodeResource | undefined {
  const entries = property(code, input, 'Entries');
  const list = entries && entries !== 'absent' ? unwrap(entries) : undefined;
  if (!list || !Node.isArrayLiteralExpression(list)) return undefined;
  let bus: ValuePart[] | undefined;
  for (const el of list.getElements()) {
    const b = partsOf(code, el, 'EventBusName') ?? (objectOf(code, el) ? [{ kind: 'text' as const, text: 'default' }] : undefined);
    if (!b) return undefined;
    if (bus && JSON.stringify(bus) !== JSON.stringify(b)) return undefined;
    bus = b;
  }
  return bus ? { kind: 'event-bus', name: bus } : undefined;
}

/** The actions of an operation whose action depends on its input (PartiQL verb, transaction items). */
function inputDependentActions(code: HandlerCode, key: string, input: Node | undefined): { actions: readonly string[]; anyOf: boolean } {
  if (key === 'dynamodb:ExecuteStatement') {
    const statement = property(code, input, 'Statement');
    const text = statement && statement !== 'absent' ? valueParts(code, statement)[0] : undefined;
    const verb = text?.kind === 'text' ? /^\s*(\w+)/.exec(text.text)?.[1]?.toUpperCase() : undefined;
    const action = verb ? PARTIQL_ACTIONS[verb] : undefined;
    if (action) return { actions: [action], anyOf: false };
  }
  if (key === 'dynamodb:TransactWriteItems') {
    const items = property(code, input, 'TransactItems');
    const list = items && items !== 'absent' ? unwrap(items) : undefined;
    if (list && Node.isArrayLiteralExpression(list)) {
      const actions = new Set<string>();
      for (const el of list.getElements()) {
        const obj = objectOf(code, el);
        const props = obj && Node.isObjectLiteralExpression(obj) ? obj.getProperties() : [];
        const action = props.length === 1 && Node.isPropertyAssignment(props[0]!) ? TRANSACT_WRITE_ACTIONS[props[0].getName()] : undefined;
        if (!action) return { actions: IAM_INPUT_DEPENDENT[key]!, anyOf: true };
        actions.add(action);
      }
      if (actions.size > 0) return { actions: [...actions], anyOf: false };
    }
  }
  return { actions: IAM_INPUT_DEPENDENT[key]!, anyOf: true };
}

function operationPermission(code: HandlerCode, service: string, operation: string, input: Node | undefined, node: Node, api: string): CodePermission[] {
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
      ? actions.map((a) => ({ actions: [a], resource: resourceOf(code, prefix, a, input, operation), node, api }))
      : [{ actions, ...(anyOf ? { anyOf } : {}), resource: resourceOf(code, prefix, actions[0]!, input, operation), node, api }];
  return passRole ? [...out, passRole] : out;
}

/** `iam:PassRole` on the role an operation hands to another service (`CreateSchedule` `Target.RoleArn`). */
function passRolePermission(code: HandlerCode, key: string, input: Node | undefined, node: Node, api: string): CodePermission | undefined {
  const path = IAM_PASSROLE_OPERATIONS[key];
  if (!path) return undefined;
  let cur: Node | undefined = input;
  for (const name of path) {
    const obj = cur ? unwrap(cur) : undefined;
    // `Targets: [{ RoleArn }]`: the first element stands for the list.
    const target = obj && Node.isArrayLiteralExpression(obj) ? obj.getElements()[0] : cur;
    const v = property(code, target, name);
    if (v === 'absent') return undefined;
    cur = v;
    if (!cur) break;
  }
  return { actions: ['iam:PassRole'], resource: { kind: 'iam-role', name: valueParts(code, cur) }, node, api };
}

function apiOf(op: OperationFact): string {
  return op.style === 'command' ? op.written : `${op.written}()`;
}

const cache = new WeakMap<HandlerCode, readonly CodePermission[]>();

/** Every permission the handler's code can need, in source order; computed once per {@link HandlerCode}. */
export function codePermissionsOf(code: HandlerCode): readonly CodePermission[] {
  const cached = cache.get(code);
  if (cached) return cached;
  const sdk = sdkFactsOf(code);
  const out: CodePermission[] = [];
  let idempotent = false;
  for (const fact of sdk.all) {
    if (fact.scope === 'other') continue;
    switch (fact.kind) {
      case 'operation':
        out.push(...operationPermission(code, fact.service, fact.operation, fact.input, fact.node, apiOf(fact)));
        break;
      case 'paginator':
        out.push(...operationPermission(code, fact.service, fact.operation, fact.input, fact.node, fact.written));
        break;
      case 'presign':
        if (fact.operation) out.push(...operationPermission(code, 's3', fact.operation, fact.input, fact.node, `${fact.function}(${fact.operation})`));
        break;
      case 'powertools': {
        const actions = fact.service === 'parameters' ? POWERTOOLS_PARAMETER_ACTIONS[fact.name] : undefined;
        if (actions) out.push(...parameterPermissions(code, fact.name, fact.node, actions));
        if (fact.service === 'idempotency') idempotent = true;
        break;
      }
      case 'client':
        if (fact.service === 'idempotency' && fact.name === 'DynamoDBPersistenceLayer') out.push(idempotencyPermission(code, fact.node, fact.config));
        break;
    }
  }
  // A persistence layer only acts when something is made idempotent with it; keep it then.
  const result = idempotent ? out : out.filter((p) => p.api !== 'DynamoDBPersistenceLayer');
  result.push(...uploads(code), ...v2Uploads(code));
  cache.set(code, result);
  return result;
}

function parameterPermissions(code: HandlerCode, name: string, node: Node, actions: readonly string[]): CodePermission[] {
  const arg = Node.isCallExpression(node) ? node.getArguments()[0] : undefined;
  const api = `${name}()`;
  return actions.map((action) => {
    let resource: CodeResource | undefined;
    if (action === 'ssm:GetParameter') resource = { kind: 'ssm-parameter', name: valueParts(code, arg) };
    else if (action === 'ssm:GetParametersByPath') resource = { kind: 'ssm-path', name: valueParts(code, arg) };
    else if (action === 'secretsmanager:GetSecretValue') resource = { kind: 'secret', name: valueParts(code, arg) };
    return { actions: [action], resource, node, api };
  });
}

function idempotencyPermission(code: HandlerCode, node: Node, config: Node | undefined): CodePermission {
  const table = partsOf(code, config, 'tableName');
  return { actions: POWERTOOLS_IDEMPOTENCY_ACTIONS, resource: table ? { kind: 'dynamodb-table', name: table } : undefined, node, api: 'DynamoDBPersistenceLayer' };
}

/** SDK v2 `s3.upload(params)` (managed, possibly multipart, upload): a PutObject. */
function v2Uploads(code: HandlerCode): CodePermission[] {
  const sdk = sdkFactsOf(code);
  const out: CodePermission[] = [];
  code.forEachReachableNode((n) => {
    if (!Node.isCallExpression(n)) return;
    const callee = unwrap(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'upload') return;
    const client = sdk.clientOf(callee.getExpression());
    if (client?.category !== 'aws-v2' || client.service !== 's3') return;
    const input = n.getArguments()[0];
    out.push({ actions: ['s3:PutObject'], resource: resourceOf(code, 's3', 's3:PutObject', input, 'PutObject'), node: n, api: 'upload()' });
  }, [SyntaxKind.CallExpression]);
  return out;
}

/** `new Upload({ client, params: { Bucket, Key } })` from `@aws-sdk/lib-storage`: a (multipart) PutObject. */
function uploads(code: HandlerCode): CodePermission[] {
  const out: CodePermission[] = [];
  code.forEachReachableNode((n) => {
    if (!Node.isNewExpression(n)) return;
    const member = code.moduleMemberOf(n.getExpression());
    if (member?.module !== '@aws-sdk/lib-storage' || member.path[member.path.length - 1] !== 'Upload') return;
    const params = property(code, n.getArguments()[0], 'params');
    const input = params && params !== 'absent' ? params : undefined;
    out.push(...['s3:PutObject', 's3:AbortMultipartUpload'].map((a) => ({ actions: [a], resource: resourceOf(code, 's3', a, input, 'PutObject'), node: n, api: 'Upload' })));
  }, [SyntaxKind.NewExpression]);
  return out;
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
  for (const file of code.files) {
    const imports = file.getImportDeclarations().flatMap((d) => {
      // A broken import (a syntax error) has no string specifier: skip it.
      const spec = d.compilerNode.moduleSpecifier;
      return spec.kind === SyntaxKind.StringLiteral ? [{ spec: (spec as unknown as { text: string }).text, typeOnly: d.isTypeOnly() }] : [];
    });
    const requires = [...file.getFullText().matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => ({ spec: m[1]!, typeOnly: false }));
    const specifiers = [...imports, ...requires];
    for (const { spec } of specifiers) {
      const hit = OPAQUE_MODULES.find((m) => spec === m || spec.startsWith(`${m}/`));
      if (hit) return `it imports ${hit}`;
    }
    // Code the analyzer cannot follow may call AWS (an alias to the project's own data-access module).
    // The SDK and the Lambda types are what the analysis reads, declared or not (a package.json may sit outside the linted directory).
    const unresolved = specifiers.find(
      ({ spec, typeOnly }) => !typeOnly && !TRANSPARENT_MODULE.test(spec) && spec !== 'aws-lambda' && program.isUnresolvedImport(file.getFilePath(), spec),
    );
    if (unresolved) return `it imports ${unresolved.spec}, which the linter cannot resolve (a path alias without tsconfig.json paths, an undeclared package or a missing file)`;
  }
  const sdk = sdkFactsOf(code);
  const provider = sdk.clients.find((c) => c.service === 'parameters' && c.name.endsWith('Provider'));
  if (provider) return `it uses the Powertools ${provider.name}`;
  const handedOver = clientHandedToPackage(code);
  if (handedOver) return handedOver;
  let unseen: string | undefined;
  code.forEachReachableNode((n) => {
    if (unseen || !Node.isCallExpression(n)) return;
    const callee = unwrap(n.getExpression());
    if (!Node.isPropertyAccessExpression(callee)) return;
    if (callee.getName() === 'makeRequest' && sdk.clientOf(callee.getExpression())?.category === 'aws-v2') {
      unseen = `makeRequest at line ${n.getStartLineNumber()} names its operation at run time`;
      return;
    }
    if (callee.getName() !== 'send') return;
    const client = sdk.clientOf(callee.getExpression());
    if (!client || (client.category !== 'aws-v3' && client.category !== 'document-client')) return;
    const arg = n.getArguments()[0];
    if (!arg || !sdk.commandOf(arg)) unseen = `a command sent at line ${n.getStartLineNumber()} is not visible`;
  }, [SyntaxKind.CallExpression]);
  return unseen;
}

/** Modules whose functions receive AWS clients without calling AWS beyond what the code shows. */
const TRANSPARENT_MODULE = /^(@aws-sdk\/|aws-sdk(\/|$)|@aws-lambda-powertools\/|aws-xray-sdk)/;

/**
 * An AWS client handed to a package (`new Table({ documentClient })`, `createRepo(client)`): the
 * package calls AWS with it, out of sight (packages in node_modules are not read).
 */
function clientHandedToPackage(code: HandlerCode): string | undefined {
  const sdk = sdkFactsOf(code);
  const isAwsClient = (n: Node): boolean => {
    const c = sdk.clientOf(n);
    return !!c && c.category !== 'database' && c.category !== 'http-agent' && c.category !== 'powertools';
  };
  for (const file of code.files) {
    for (const { call, module, argValues } of packageCallsOf(code, file)) {
      for (const values of argValues) {
        if (values.some((v) => v && isAwsClient(v))) return `an AWS client is handed to ${module} at line ${call.getStartLineNumber()}`;
      }
    }
  }
  return undefined;
}

interface PackageCall {
  call: CallExpression | NewExpression;
  module: string;
  /** Per argument: the argument, or the values of its properties when it is an object literal. */
  argValues: (Node | undefined)[][];
}

/**
 * The calls of a file that hand arguments to a package function (not the SDK's own): syntax and
 * module resolution only, the same for every handler that loads the file, so computed once per file.
 */
const packageCallsCache = new WeakMap<object, WeakMap<SourceFile, PackageCall[]>>();

function packageCallsOf(code: HandlerCode, file: SourceFile): PackageCall[] {
  // Per run: module resolution of a kept file changes when a file it imports is edited.
  let ofRun = packageCallsCache.get(code.run);
  if (!ofRun) packageCallsCache.set(code.run, (ofRun = new WeakMap()));
  let out = ofRun.get(file);
  if (out) return out;
  out = [];
  for (const call of [...descendantsOfKind(file, SyntaxKind.CallExpression), ...descendantsOfKind(file, SyntaxKind.NewExpression)]) {
    const args = call.getArguments();
    if (args.length === 0) continue;
    const member = code.moduleMemberOf(call.getExpression());
    if (!member || TRANSPARENT_MODULE.test(member.module)) continue;
    const argValues = args.map((arg) => {
      const a = unwrap(arg);
      return Node.isObjectLiteralExpression(a)
        ? a.getProperties().flatMap((p) => (Node.isPropertyAssignment(p) ? [p.getInitializer()] : Node.isShorthandPropertyAssignment(p) ? [p.getNameNode()] : []))
        : [a];
    });
    out.push({ call, module: member.module, argValues });
  }
  ofRun.set(file, out);
  return out;
}
