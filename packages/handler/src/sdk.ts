/**
 * Recognition of the AWS SDK (v3 and v2), Powertools for AWS Lambda, and common database and
 * HTTP clients in handler code, syntax only: imports are resolved by module specifier (named,
 * namespace, default, `require`, destructuring), never by type.
 *
 * ```ts
 * const sdk = sdkFactsOf(code);
 * for (const op of sdk.operations) if (op.service === 'dynamodb' && op.operation === 'Scan' && op.scope === 'invocation') ...
 * ```
 */
import { Node, SyntaxKind, ts, type CallExpression, type NewExpression } from '@lambda-lint/handler/ts-morph';
import type { FunctionLikeNode, HandlerCode, ScopeBinding } from './code.js';
import { descendantsByKind, isCodeBoundaryKind, isInstancePropertyInitializer, ownCodeNodesOf, skipOuterExpressions, walkDescendants, type TsFunctionLike } from './syntax.js';
import { unwrap } from './lazy.js';
import { moduleMemberOf, tableEntry, type ModuleMember } from './facts.js';
import type { Program } from './program.js';
import type { TsBinding } from './scope.js';

/** Where a fact's code runs. */
export type FactScope =
  /** At module load (cold start), once per execution environment. */
  | 'module'
  /** Inside a function the handler can run: on every invocation that takes that path. */
  | 'invocation'
  /** Inside a function the handler does not reach (e.g. a factory only called at module scope). */
  | 'other';

/** What family a constructed client belongs to. */
export type ClientCategory =
  /** `new S3Client({})`, `new DynamoDBClient({})` from `@aws-sdk/client-*`. */
  | 'aws-v3'
  /** Aggregated v3 client: `new DynamoDB({})`, `new S3({})` (methods per operation). */
  | 'aws-v3-aggregated'
  /** `DynamoDBDocumentClient.from(client)` (command style) from `@aws-sdk/lib-dynamodb`. */
  | 'document-client'
  /** `DynamoDBDocument.from(client)` (methods per operation) from `@aws-sdk/lib-dynamodb`. */
  | 'document-client-aggregated'
  /** `new AWS.S3()`, `new AWS.DynamoDB.DocumentClient()`, `new DynamoDB()` from `aws-sdk` / `aws-sdk/clients/*`. */
  | 'aws-v2'
  /** `pg` Pool/Client, `mysql2` createConnection/createPool, `ioredis`, `redis` createClient, `mongodb` MongoClient, `mongoose`, `postgres`. */
  | 'database'
  /** `http.Agent`, `https.Agent`, `undici` Agent/Pool/Client, `agentkeepalive`. */
  | 'http-agent'
  /** Powertools Logger, Metrics, Tracer, parameter providers, BatchProcessor, idempotency persistence/config. */
  | 'powertools';

interface FactBase {
  /**
   * The recognised expression: the `new X(...)`, `X.from(...)`, `createPool(...)` for a client;
   * the `client.send(...)` / `client.getItem(...)` / `docClient.put(...)` call for an operation;
   * the call for a paginator, presigner or Powertools function.
   */
  readonly node: Node;
  /** Module scope, per invocation, or an unreached function. */
  readonly scope: FactScope;
  /** The innermost function containing the node, undefined at module scope. */
  readonly fn: FunctionLikeNode | undefined;
  /** The module specifier the recognised name comes from, without `node:` (`@aws-sdk/client-dynamodb`, `aws-sdk`, `pg`). */
  readonly module: string;
  /**
   * The service: for AWS the `@aws-sdk/client-<service>` suffix (`dynamodb`, `s3`, `ssm`, `secrets-manager`,
   * `sqs`, `apigatewaymanagementapi`, ...; v2 class names are mapped to it); otherwise the package
   * (`pg`, `mysql2`, `ioredis`, `redis`, `mongodb`, `mongoose`, `postgres`, `http`, `https`, `undici`,
   * `agentkeepalive`) or the Powertools utility (`logger`, `metrics`, `tracer`, `parameters`, `idempotency`, `batch`).
   */
  readonly service: string;
}

/** A reusable client or resource being constructed. */
export interface ClientFact extends FactBase {
  readonly kind: 'client';
  readonly category: ClientCategory;
  /** The constructed name as imported: `S3Client`, `DynamoDBDocumentClient`, `DynamoDB.DocumentClient`, `Pool`, `createPool`. */
  readonly name: string;
  /** The node to report: the `new ...` or call expression (same as `node`). */
  readonly node: NewExpression | CallExpression;
  /** The first argument (configuration), if any. */
  readonly config: Node | undefined;
  /** A DynamoDB document client (`DynamoDBDocumentClient.from`, `DynamoDBDocument.from`, v2 `DocumentClient`). */
  readonly documentClient: boolean;
}

/** An AWS API call. */
export interface OperationFact extends FactBase {
  readonly kind: 'operation';
  /** `command`: `client.send(new XCommand(input))`; `method`: aggregated v3 or v2 `client.op(input)`. */
  readonly style: 'command' | 'method';
  /**
   * The AWS API operation in PascalCase: `PutItem`, `GetObject`, `GetSecretValue`. The DynamoDB
   * document client's `PutCommand` / `put()` are `PutItem` (Get -> GetItem, Update -> UpdateItem,
   * Delete -> DeleteItem, BatchWrite -> BatchWriteItem, BatchGet -> BatchGetItem,
   * TransactWrite -> TransactWriteItems, TransactGet -> TransactGetItems; Query/Scan unchanged).
   */
  readonly operation: string;
  /** What the code names: `PutItemCommand`, `PutCommand`, `putItem`, `put`. */
  readonly written: string;
  /** From `@aws-sdk/lib-dynamodb` or the v2 `DocumentClient` (marshalled items). */
  readonly documentClient: boolean;
  readonly sdk: 'v3' | 'v2';
  /** The call: `client.send(...)` or `client.putItem(...)`. For v2 see also `promiseCall`. */
  readonly node: CallExpression;
  /** The `new XCommand(...)` expression (command style), wherever it is written. */
  readonly command: NewExpression | undefined;
  /** The input: the command's first argument or the method's first argument (an object literal when written inline; follow it with `resolveValue`). */
  readonly input: Node | undefined;
  /** The expression the call is made on (`client` in `client.send(...)`). */
  readonly receiver: Node;
  /** The client the receiver stands for, when its construction can be seen. */
  readonly client: ClientFact | undefined;
  /** v2: the `.promise()` call wrapping this call, if any. */
  readonly promiseCall: CallExpression | undefined;
  /** v2: the last argument is a callback function. */
  readonly callback: boolean;
}

/** `paginateScan(config, input)`, `paginateQuery(...)`, `paginateListObjectsV2(...)`. */
export interface PaginatorFact extends FactBase {
  readonly kind: 'paginator';
  /** The paginated operation: `Scan`, `Query`, `ListObjectsV2`. */
  readonly operation: string;
  /** `paginateScan`. */
  readonly written: string;
  readonly documentClient: boolean;
  readonly node: CallExpression;
  /** The first argument (`{ client, pageSize }`). */
  readonly config: Node | undefined;
  /** The second argument (the operation input). */
  readonly input: Node | undefined;
}

/** `getSignedUrl(client, new PutObjectCommand(...), { expiresIn })`, `createPresignedPost(client, {...})`, v2 `s3.getSignedUrl('putObject', params)`. */
export interface PresignFact extends FactBase {
  readonly kind: 'presign';
  /** `getSignedUrl`, `createPresignedPost`, `getSignedUrlPromise`. */
  readonly function: string;
  readonly sdk: 'v3' | 'v2';
  /** The presigned operation: `PutObject`, `GetObject`; `PostObject` for createPresignedPost; undefined when not visible. */
  readonly operation: string | undefined;
  readonly node: CallExpression;
  /** The command expression passed (v3 getSignedUrl), resolved to its `new XCommand(...)` when visible. */
  readonly command: NewExpression | undefined;
  /** The operation input: the command's first argument, createPresignedPost's params, v2's params. */
  readonly input: Node | undefined;
  /** The options argument (v3 getSignedUrl's third argument); for createPresignedPost and v2 the params object. */
  readonly options: Node | undefined;
  /** The expiry expression: `expiresIn` (v3 getSignedUrl), `Expires` (createPresignedPost, v2). */
  readonly expires: Node | undefined;
  /** The expiry in seconds when it is a constant number; undefined when absent or dynamic (see `expires`). */
  readonly expiresSeconds: number | undefined;
}

/** A Powertools function call: parameters, idempotency, batch. Constructions (Logger, ...) are {@link ClientFact}s with category `powertools`. */
export interface PowertoolsFact extends FactBase {
  readonly kind: 'powertools';
  /** `parameters`, `idempotency`, `batch`. */
  readonly service: string;
  /** `getParameter`, `getParameters`, `getParametersByName`, `getSecret`, `getAppConfig`, `makeIdempotent`, `idempotent`, `makeHandlerIdempotent`, `processPartialResponse`, `processPartialResponseSync`. */
  readonly name: string;
  readonly node: CallExpression;
  /** Parameters: served from Powertools' built-in cache (false when `maxAge: 0` or `forceFetch: true` is passed). Always true otherwise. */
  readonly cached: boolean;
}

export type SdkFact = ClientFact | OperationFact | PaginatorFact | PresignFact | PowertoolsFact;

/** Everything recognised in a handler's code: module scope of the files holding reachable code, and reachable functions. */
export interface SdkFacts {
  readonly all: readonly SdkFact[];
  readonly clients: readonly ClientFact[];
  readonly operations: readonly OperationFact[];
  readonly paginators: readonly PaginatorFact[];
  readonly presigners: readonly PresignFact[];
  readonly powertools: readonly PowertoolsFact[];
  /** The fact recorded for a node (the `new`/call expression), if any. */
  factAt(node: Node | ts.Node): SdkFact | undefined;
  /**
   * The client an expression stands for: a construction written inline, or a variable, imported
   * binding, `this.x` field or `let` assigned (also lazily) to one. Works for clients anywhere in the
   * project, also in modules whose module scope is not listed in `clients`.
   */
  clientOf(expr: Node): ClientFact | undefined;
  /** Whether a `new X(...)` expression constructs an AWS SDK v3 command (`GetItemCommand`, lib-dynamodb `PutCommand`): its operation. */
  commandOf(expr: Node): { operation: string; written: string; service: string; module: string; documentClient: boolean; input: Node | undefined; node: NewExpression } | undefined;
}

// ---------------------------------------------------------------------------------------------

const DOC_OPERATIONS: Readonly<Record<string, string>> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  TransactWrite: 'TransactWriteItems',
  ExecuteStatement: 'ExecuteStatement',
  BatchExecuteStatement: 'BatchExecuteStatement',
  ExecuteTransaction: 'ExecuteTransaction',
};

/** v2 service class names whose `@aws-sdk/client-*` suffix is not the lowercased name. */
const V2_SERVICES: Readonly<Record<string, string>> = {
  SecretsManager: 'secrets-manager',
  StepFunctions: 'sfn',
  CloudWatchEvents: 'cloudwatch-events',
  CloudWatchLogs: 'cloudwatch-logs',
  EventBridge: 'eventbridge',
  ApiGatewayManagementApi: 'apigatewaymanagementapi',
  CognitoIdentityServiceProvider: 'cognito-identity-provider',
  KinesisVideo: 'kinesis-video',
  ElastiCache: 'elasticache',
  DynamoDBStreams: 'dynamodb-streams',
  IotData: 'iot-data-plane',
  SESV2: 'sesv2',
};

/** `aws-sdk/clients/<file>` names whose `@aws-sdk/client-*` suffix differs. */
const V2_CLIENT_MODULES: Readonly<Record<string, string>> = {
  secretsmanager: 'secrets-manager',
  stepfunctions: 'sfn',
  cloudwatchevents: 'cloudwatch-events',
  cloudwatchlogs: 'cloudwatch-logs',
  cognitoidentityserviceprovider: 'cognito-identity-provider',
  iotdata: 'iot-data-plane',
  dynamodbstreams: 'dynamodb-streams',
  kinesisvideo: 'kinesis-video',
};

/** `aws-sdk` top-level names that are not service clients. */
const V2_NON_CLIENTS = new Set(['Config', 'Credentials', 'Endpoint', 'HttpClient', 'Request', 'Response', 'Service', 'MetadataService', 'EventListeners', 'SequentialExecutor', 'ParamValidator', 'TemporaryCredentials', 'ChainableTemporaryCredentials', 'WebIdentityCredentials', 'CredentialProviderChain', 'Signers', 'Protocol', 'XML', 'JSON', 'Model', 'util', 'config']);

/** Non-operation methods of clients (v3 aggregated and v2). */
const NON_OPERATION_METHODS = new Set(['send', 'destroy', 'config', 'middlewareStack', 'on', 'once', 'promise', 'makeRequest', 'makeUnauthenticatedRequest', 'waitFor', 'setupRequestListeners', 'getSignedUrl', 'getSignedUrlPromise', 'createPresignedPost', 'createReadStream', 'upload', 'service', 'options']);

const PARAMETER_FUNCTIONS = new Set(['getParameter', 'getParameters', 'getParametersByName', 'getSecret', 'getAppConfig']);
const POWERTOOLS_CLASSES: Readonly<Record<string, string>> = {
  logger: 'Logger',
  metrics: 'Metrics',
  tracer: 'Tracer',
};

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `@aws-sdk/client-dynamodb` -> `dynamodb`; `@aws-sdk/lib-dynamodb` -> `dynamodb`. */
function awsV3Service(module: string): string | undefined {
  if (module.startsWith('@aws-sdk/client-')) return module.slice('@aws-sdk/client-'.length);
  if (module === '@aws-sdk/lib-dynamodb') return 'dynamodb';
  if (module === '@aws-sdk/lib-storage') return 's3';
  return undefined;
}

function v2Service(className: string): string {
  return tableEntry(V2_SERVICES, className) ?? className.toLowerCase();
}

/** `aws-sdk` member path of a v2 client class: `['DynamoDB']`, `['DynamoDB', 'DocumentClient']`; for `aws-sdk/clients/x` the default export is the class. */
function v2Client(member: ModuleMember): { service: string; name: string; documentClient: boolean } | undefined {
  let path = member.path;
  let service: string | undefined;
  if (member.module === 'aws-sdk' || member.module === 'aws-sdk/global') {
    if (path.length === 0) return undefined;
    if (path[0] === 'default') path = path.slice(1);
    const cls = path[0];
    if (!cls || !/^[A-Z]/.test(cls) || V2_NON_CLIENTS.has(cls) || cls.endsWith('Credentials')) return undefined;
    service = v2Service(cls);
    path = path.slice(1);
    if (path.length === 0) return { service, name: cls, documentClient: false };
    if (path.length === 1 && path[0] === 'DocumentClient' && cls === 'DynamoDB') return { service, name: 'DynamoDB.DocumentClient', documentClient: true };
    return undefined;
  }
  if (member.module.startsWith('aws-sdk/clients/')) {
    const file = member.module.slice('aws-sdk/clients/'.length);
    service = tableEntry(V2_CLIENT_MODULES, file) ?? file;
    if (path[0] === 'default') path = path.slice(1);
    if (path.length === 0) return { service, name: file, documentClient: false };
    if (path.length === 1 && path[0] === 'DocumentClient' && service === 'dynamodb') return { service, name: 'DynamoDB.DocumentClient', documentClient: true };
  }
  return undefined;
}

interface Construction {
  category: ClientCategory;
  service: string;
  name: string;
  module: string;
  /** For aggregated/v2 clients: methods map to operations of the document client. */
  documentClient: boolean;
}

const DB_NEW: Readonly<Record<string, readonly string[]>> = {
  pg: ['Pool', 'Client', 'native.Pool', 'native.Client'],
  'pg-pool': [''],
  ioredis: ['', 'Redis', 'Cluster', 'default', 'Redis.Cluster'],
  mongodb: ['MongoClient'],
  mysql2: [],
  redis: [],
};
const DB_CALL: Readonly<Record<string, readonly string[]>> = {
  mysql: ['createConnection', 'createPool', 'createPoolCluster'],
  mysql2: ['createConnection', 'createPool', 'createPoolCluster'],
  'mysql2/promise': ['createConnection', 'createPool', 'createPoolCluster'],
  redis: ['createClient', 'createCluster'],
  mongodb: ['MongoClient.connect'],
  mongoose: ['connect', 'createConnection'],
  postgres: [''],
};
const HTTP_NEW: Readonly<Record<string, readonly string[]>> = {
  http: ['Agent'],
  https: ['Agent'],
  undici: ['Agent', 'Pool', 'Client'],
  agentkeepalive: ['', 'HttpsAgent'],
};

function stripDefault(path: readonly string[]): string[] {
  return path[0] === 'default' ? path.slice(1) : [...path];
}

function constructionOf(member: ModuleMember, isNew: boolean): Construction | undefined {
  const { module } = member;
  // A call constructs only with lib-dynamodb's `X.from` or a database package's factory: most calls
  // (of any other module) are told apart by their module alone.
  if (!isNew && module !== '@aws-sdk/lib-dynamodb' && !tableEntry(DB_CALL, module)) return undefined;
  const path = stripDefault(member.path);
  const joined = path.join('.');
  if (isNew) {
    if (module.startsWith('@aws-sdk/client-') && path.length === 1) {
      const name = path[0]!;
      const service = awsV3Service(module)!;
      if (!/^[A-Z]/.test(name) || /(Command|Exception|Error)$/.test(name)) return undefined;
      if (name.endsWith('Client')) return { category: 'aws-v3', service, name, module, documentClient: false };
      return { category: 'aws-v3-aggregated', service, name, module, documentClient: false };
    }
    const v2 = v2Client(member);
    if (v2) return { category: 'aws-v2', service: v2.service, name: v2.name, module, documentClient: v2.documentClient };
    if (tableEntry(DB_NEW, module)?.includes(joined)) return { category: 'database', service: module, name: joined || module, module, documentClient: false };
    if (tableEntry(HTTP_NEW, module)?.includes(joined)) return { category: 'http-agent', service: module, name: joined || module, module, documentClient: false };
    if (module.startsWith('@aws-lambda-powertools/') && path.length === 1) {
      const utility = module.slice('@aws-lambda-powertools/'.length).split('/')[0]!;
      const name = path[0]!;
      if (tableEntry(POWERTOOLS_CLASSES, utility) === name) return { category: 'powertools', service: utility, name, module, documentClient: false };
      if (utility === 'parameters' && name.endsWith('Provider')) return { category: 'powertools', service: utility, name, module, documentClient: false };
      if (utility === 'batch' && /Processor/.test(name)) return { category: 'powertools', service: utility, name, module, documentClient: false };
      if (utility === 'idempotency' && (name.endsWith('PersistenceLayer') || name === 'IdempotencyConfig')) return { category: 'powertools', service: utility, name, module, documentClient: false };
    }
    return undefined;
  }
  if (module === '@aws-sdk/lib-dynamodb' && path.length === 2 && path[1] === 'from') {
    if (path[0] === 'DynamoDBDocumentClient') return { category: 'document-client', service: 'dynamodb', name: 'DynamoDBDocumentClient', module, documentClient: true };
    if (path[0] === 'DynamoDBDocument') return { category: 'document-client-aggregated', service: 'dynamodb', name: 'DynamoDBDocument', module, documentClient: true };
  }
  if (tableEntry(DB_CALL, module)?.includes(joined)) return { category: 'database', service: module === 'mysql2/promise' ? 'mysql2' : module, name: joined || module, module, documentClient: false };
  return undefined;
}

/**
 * What a lint run knows of its expressions, whichever handler asked first: which client an
 * expression stands for, which command it builds, what a call is. Syntax and module resolution
 * only, so shared by every handler that reaches a node (a shared library module is reached by
 * hundreds); only the scope of a fact (module, invocation, unreached) is the handler's.
 */
interface RunFacts {
  /** A `new`/call expression: the client it constructs. */
  constructions: Map<ts.Node, Construction | null>;
  /** An expression: the construction it stands for (a `new`/call expression of `constructions`). */
  clientNodes: Map<ts.Node, ts.Node | null>;
  /** A name's binding: the construction any use of the name stands for. */
  bindingClients: Map<TsBinding, ts.Node | null>;
  commands: Map<ts.Node, Command | null>;
  /** A `let`/`var` binding: the values assigned to it. */
  assigned: Map<ScopeBinding, ts.Node[]>;
  /** A `new`/call expression: the fact it is, without its scope. */
  recognised: Map<ts.Node, Recognised | null>;
  /** A fact's node: whether it runs at module load, and the function holding it. */
  sites: Map<ts.Node, { module: boolean; fn: FunctionLikeNode | undefined }>;
  /** A file (its module-load calls) or a function (its own calls): the calls among them that are facts. */
  factCalls: Map<ts.Node, readonly ts.Node[]>;
}

const runFacts = new WeakMap<object, RunFacts>();

function runFactsOf(code: HandlerCode): RunFacts {
  let out = runFacts.get(code.run);
  if (!out) {
    out = { constructions: new Map(), clientNodes: new Map(), bindingClients: new Map(), commands: new Map(), assigned: new Map(), recognised: new Map(), sites: new Map(), factCalls: new Map() };
    runFacts.set(code.run, out);
  }
  return out;
}

type Command = NonNullable<ReturnType<SdkFacts['commandOf']>>;

/** A fact without the handler's scope; an operation's client is its construction node. */
type Unscoped<F> = F extends unknown ? Omit<F, 'scope' | 'fn'> : never;
type Recognised = 'client' | { fact: Unscoped<Exclude<SdkFact, ClientFact>>; clientNode: Node | undefined };

interface Collector {
  code: HandlerCode;
  run: RunFacts;
  facts: SdkFact[];
  byNode: Map<ts.Node, SdkFact>;
  clientCache: Map<ts.Node, ClientFact | null>;
}

function scopeOf(c: Collector, node: Node): { scope: FactScope; fn: FunctionLikeNode | undefined } {
  const key = node.compilerNode;
  let site = c.run.sites.get(key);
  if (!site) {
    // Decorators (`@idempotent({...})`) are evaluated when the class is defined.
    const module = c.code.isAtModuleScope(node) || hasDecoratorAncestor(key);
    site = { module, fn: module ? undefined : c.code.enclosingFunction(node) };
    c.run.sites.set(key, site);
  }
  if (site.module) return { scope: 'module', fn: undefined };
  return { scope: c.code.isInReachableCode(node) ? 'invocation' : 'other', fn: site.fn };
}

function hasDecoratorAncestor(node: ts.Node): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.kind === SyntaxKind.Decorator) return true;
  return false;
}

/** The module member a `new`/call expression's callee names: asked by the construction, command and call recognisers alike. */
function calleeMemberOf(code: HandlerCode, node: CallExpression | NewExpression): ModuleMember | undefined {
  return calleeMemberOfTs(code, node.compilerNode);
}

/** {@link calleeMemberOf} on the compiler node: resolving a callee needs no ts-morph wrapper. */
function calleeMemberOfTs(code: HandlerCode, node: ts.CallExpression | ts.NewExpression): ModuleMember | undefined {
  // Kept for the run by moduleMemberOf itself, shared with the rules that ask it of the same callee.
  return moduleMemberOf(code.run as Program, node.expression);
}

/**
 * Whether a call or construction can be no fact, told from syntax and its callee's module member
 * without ts-morph wrappers (most calls of reachable code are none, and wrapping each cost more than
 * recognising it). The same tests {@link recogniseCall} makes first: a construction or a module
 * function is known by its callee's module member; any other call can only be a method call on a
 * client (`send`, or an operation's name on a v2 or aggregated v3 client).
 */
function cannotBeFact(run: RunFacts, code: HandlerCode, node: ts.Node): boolean {
  if (node.kind !== SyntaxKind.CallExpression && node.kind !== SyntaxKind.NewExpression) return true;
  if (constructionAtTs(run, code, node)) return false;
  if (node.kind === SyntaxKind.NewExpression) return true;
  // Paginators, presigners and Powertools functions are known by their module.
  const member = calleeMemberOfTs(code, node as ts.CallExpression);
  if (member && (awsV3Service(member.module) || member.module === '@aws-sdk/s3-request-presigner' || member.module === '@aws-sdk/s3-presigned-post' || member.module.startsWith('@aws-lambda-powertools/'))) return false;
  // As calleeName() reads the callee (unwrap: parentheses and type assertions, not await).
  const callee = skipOuterExpressions((node as ts.CallExpression).expression);
  let name: string;
  if (callee.kind === SyntaxKind.PropertyAccessExpression) name = (callee as ts.PropertyAccessExpression).name.text;
  else if (callee.kind === SyntaxKind.ElementAccessExpression) {
    const arg = (callee as ts.ElementAccessExpression).argumentExpression;
    if (arg.kind !== SyntaxKind.StringLiteral && arg.kind !== SyntaxKind.NoSubstitutionTemplateLiteral) return true;
    name = (arg as ts.StringLiteral).text;
  } else return true;
  if (name === 'send') return false;
  if (name !== 'getSignedUrl' && name !== 'getSignedUrlPromise' && (NON_OPERATION_METHODS.has(name) || !/^[a-z]/.test(name))) return true;
  // A method other than send() is an operation only on a v2 or aggregated v3 client.
  const target = clientNodeTs(run, code, (callee as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
  const k = target && constructionAtTs(run, code, target);
  return !k || !(k.category === 'aws-v2' || k.category === 'aws-v3-aggregated' || k.category === 'document-client-aggregated');
}

/** The client a `new`/call expression constructs, for any handler. */
function constructionAt(run: RunFacts, code: HandlerCode, node: Node): Construction | undefined {
  return constructionAtTs(run, code, node.compilerNode);
}

function constructionAtTs(run: RunFacts, code: HandlerCode, node: ts.Node): Construction | undefined {
  const cached = run.constructions.get(node);
  if (cached !== undefined) return cached ?? undefined;
  let k: Construction | undefined;
  if (node.kind === SyntaxKind.NewExpression || node.kind === SyntaxKind.CallExpression) {
    const member = calleeMemberOfTs(code, node as ts.CallExpression | ts.NewExpression);
    k = member ? constructionOf(member, node.kind === SyntaxKind.NewExpression) : undefined;
  }
  run.constructions.set(node, k ?? null);
  return k;
}

/** The client fact for a `new`/call expression that constructs one. */
function clientAt(c: Collector, node: Node): ClientFact | undefined {
  const cached = c.clientCache.get(node.compilerNode);
  if (cached !== undefined) return cached ?? undefined;
  let out: ClientFact | undefined;
  const k = constructionAt(c.run, c.code, node);
  if (k && (Node.isNewExpression(node) || Node.isCallExpression(node))) {
    const { scope, fn } = scopeOf(c, node);
    out = {
      kind: 'client',
      category: k.category,
      service: k.service,
      name: k.name,
      module: k.module,
      node,
      config: node.getArguments()[0],
      scope,
      fn,
      documentClient: k.documentClient,
    };
  }
  c.clientCache.set(node.compilerNode, out ?? null);
  return out;
}

/**
 * Values a `let`/`var` binding is assigned (`client = new X()`, `client ??= new X()`) within its
 * scope, as compiler nodes: the scope is walked on its syntax, not wrapped node by node.
 */
function assignedValues(binding: ScopeBinding): ts.Node[] {
  const out: ts.Node[] = [];
  if (binding.kind !== 'let' && binding.kind !== 'var') return out;
  walkDescendants(binding.scope.compilerNode, (n) => {
    if (n.kind !== SyntaxKind.BinaryExpression) return;
    const { operatorToken, left, right } = n as ts.BinaryExpression;
    const op = operatorToken.kind;
    if (op !== SyntaxKind.EqualsToken && op !== SyntaxKind.QuestionQuestionEqualsToken && op !== SyntaxKind.BarBarEqualsToken) return;
    const target = skipOuterExpressions(left);
    if (target.kind === SyntaxKind.Identifier && target.getText() === binding.name) out.push(right);
  });
  return out;
}

/** The client an expression stands for, scoped for the handler. */
function clientOfExpr(c: Collector, expr: Node): ClientFact | undefined {
  const node = clientNodeOf(c.run, c.code, expr);
  return node ? clientAt(c, node) : undefined;
}

/** The construction (a `new`/call expression) an expression stands for, for any handler. */
function clientNodeOf(run: RunFacts, code: HandlerCode, expr: Node): Node | undefined {
  const node = clientNodeTs(run, code, expr.compilerNode);
  return node && (code.run as Program).wrap(node);
}

/**
 * {@link clientNodeOf} on compiler nodes: the SDK facts ask it of the receiver of every method call
 * of reachable code, and wrapping each receiver cost more than resolving it.
 */
function clientNodeTs(run: RunFacts, code: HandlerCode, expr: ts.Node): ts.Node | undefined {
  const cached = run.clientNodes.get(expr);
  if (cached !== undefined) return cached ?? undefined;
  let e = skipOuterExpressions(expr);
  if (e.kind === SyntaxKind.AwaitExpression) e = skipOuterExpressions((e as ts.AwaitExpression).expression);
  // A name stands for what its declaration says wherever it is used (`logger.info`, `db.send` all
  // over a module): resolved once per binding, not once per use.
  const binding = e.kind === SyntaxKind.Identifier ? (code.run as Program).resolveIdentifier(e as ts.Identifier) : undefined;
  let node: ts.Node | undefined;
  if (binding) {
    let byBinding = run.bindingClients.get(binding);
    if (byBinding === undefined) run.bindingClients.set(binding, (byBinding = findClientNode(run, code, e, 0) ?? null));
    node = byBinding ?? undefined;
  } else node = findClientNode(run, code, e, 0);
  run.clientNodes.set(expr, node ?? null);
  return node;
}

function findClientNode(run: RunFacts, code: HandlerCode, expr: ts.Node, depth: number): ts.Node | undefined {
  if (depth > 6) return undefined;
  let e = skipOuterExpressions(expr);
  if (e.kind === SyntaxKind.AwaitExpression) e = skipOuterExpressions((e as ts.AwaitExpression).expression);
  if ((e.kind === SyntaxKind.NewExpression || e.kind === SyntaxKind.CallExpression) && constructionAtTs(run, code, e)) return e;
  if (e.kind === SyntaxKind.BinaryExpression) {
    const b = e as ts.BinaryExpression;
    const op = b.operatorToken.kind;
    if (op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) return findClientNode(run, code, b.right, depth + 1) ?? findClientNode(run, code, b.left, depth + 1);
    if (op === SyntaxKind.EqualsToken || op === SyntaxKind.QuestionQuestionEqualsToken || op === SyntaxKind.BarBarEqualsToken) return findClientNode(run, code, b.right, depth + 1);
    return undefined;
  }
  if (e.kind !== SyntaxKind.Identifier && e.kind !== SyntaxKind.PropertyAccessExpression && e.kind !== SyntaxKind.ElementAccessExpression && e.kind !== SyntaxKind.ThisKeyword) return undefined;
  const value = (code.run as Program).valueOf(e);
  if (value && value !== e && (value.kind === SyntaxKind.NewExpression || value.kind === SyntaxKind.CallExpression || value.kind === SyntaxKind.BinaryExpression || value.kind === SyntaxKind.AwaitExpression)) {
    const v = findClientNode(run, code, value, depth + 1);
    if (v) return v;
  }
  if (e.kind === SyntaxKind.Identifier) {
    const b = code.resolveReference(e);
    // Only a `let`/`var` is assigned later (checked first: reading its scope wraps it).
    if (b && (b.kind === 'let' || b.kind === 'var')) {
      let values = run.assigned.get(b);
      if (!values) {
        values = assignedValues(b);
        run.assigned.set(b, values);
      }
      for (const v of values) {
        const f = findClientNode(run, code, v, depth + 1);
        if (f) return f;
      }
    }
  }
  return undefined;
}

/** The command a `new XCommand(...)` expression (or a `const` bound to one) builds, for any handler. */
function commandOf(run: RunFacts, code: HandlerCode, expr: Node): Command | undefined {
  const cached = run.commands.get(expr.compilerNode);
  if (cached !== undefined) return cached ?? undefined;
  const command = commandAt(code, expr);
  run.commands.set(expr.compilerNode, command ?? null);
  return command;
}

function commandAt(code: HandlerCode, expr: Node, depth = 0): Command | undefined {
  if (depth > 6) return undefined;
  const e = unwrap(expr);
  if (Node.isIdentifier(e)) {
    const b = code.resolveReference(e);
    if (!b || b.kind !== 'const' || !b.initializer) return undefined;
    return commandAt(code, b.initializer, depth + 1);
  }
  if (!Node.isNewExpression(e)) return undefined;
  const member = calleeMemberOf(code, e);
  if (!member) return undefined;
  const service = awsV3Service(member.module);
  const path = stripDefault(member.path);
  if (!service || path.length !== 1 || !path[0]!.endsWith('Command')) return undefined;
  const written = path[0]!;
  const base = written.slice(0, -'Command'.length);
  const documentClient = member.module === '@aws-sdk/lib-dynamodb';
  const operation = documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base;
  return { operation, written, service, module: member.module, documentClient, input: e.getArguments()[0], node: e };
}

function calleeName(call: CallExpression): { receiver: Node; name: string } | undefined {
  const callee = unwrap(call.getExpression());
  if (Node.isPropertyAccessExpression(callee)) return { receiver: callee.getExpression(), name: callee.getName() };
  if (Node.isElementAccessExpression(callee)) {
    const arg = callee.getArgumentExpression();
    if (arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg))) return { receiver: callee.getExpression(), name: arg.getLiteralText() };
  }
  return undefined;
}

function objectProperty(obj: Node | undefined, name: string): Node | undefined {
  const o = obj ? unwrap(obj) : undefined;
  if (!o || !Node.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.getProperties()) {
    if (Node.isPropertyAssignment(p) && p.getName().replace(/^['"]|['"]$/g, '') === name) return p.getInitializer();
    if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) return p.getNameNode();
  }
  return undefined;
}

/**
 * The number a constant expression evaluates to: literals, `-x`, `* + - /` and `const` bindings, as
 * `60 * 15` or `const FIFTEEN_MINUTES = 15 * 60` are written. Bounded in depth, so that a binding
 * cycle the type checker would reject never loops here; unknown when anything is not constant.
 */
export function evaluateNumber(code: HandlerCode, expr: Node | undefined, depth = 0): number | undefined {
  if (!expr || depth > 12) return undefined;
  const e = unwrap(expr);
  if (Node.isNumericLiteral(e)) return e.getLiteralValue();
  if (Node.isPrefixUnaryExpression(e) && e.getOperatorToken() === SyntaxKind.MinusToken) {
    const v = evaluateNumber(code, e.getOperand(), depth + 1);
    return v === undefined ? undefined : -v;
  }
  if (Node.isBinaryExpression(e)) {
    const l = evaluateNumber(code, e.getLeft(), depth + 1);
    const r = evaluateNumber(code, e.getRight(), depth + 1);
    if (l === undefined || r === undefined) return undefined;
    switch (e.getOperatorToken().getKind()) {
      case SyntaxKind.AsteriskToken:
        return l * r;
      case SyntaxKind.PlusToken:
        return l + r;
      case SyntaxKind.MinusToken:
        return l - r;
      case SyntaxKind.SlashToken:
        return r === 0 ? undefined : l / r;
      default:
        return undefined;
    }
  }
  if (Node.isIdentifier(e)) {
    const b = code.resolveReference(e);
    if (b && b.kind === 'const' && b.initializer) return evaluateNumber(code, b.initializer, depth + 1);
  }
  return undefined;
}

/** What a call is, for any handler: a client construction, or a fact without its scope. */
function recogniseCall(run: RunFacts, code: HandlerCode, call: CallExpression): Recognised | undefined {
  if (constructionAt(run, code, call)) return 'client';
  const fact = recogniseUnscoped(run, code, call);
  return fact && { fact: fact.fact, clientNode: fact.clientNode };
}

function recogniseUnscoped(run: RunFacts, code: HandlerCode, call: CallExpression): { fact: Unscoped<Exclude<SdkFact, ClientFact>>; clientNode: Node | undefined } | undefined {
  const member = calleeMemberOf(code, call);
  if (member) {
    const path = stripDefault(member.path);
    const name = path.length === 1 ? path[0]! : undefined;
    // Paginators
    const service = awsV3Service(member.module);
    if (service && name && name.startsWith('paginate') && name.length > 'paginate'.length) {
      const base = name.slice('paginate'.length);
      const documentClient = member.module === '@aws-sdk/lib-dynamodb';
      return { clientNode: undefined, fact: { kind: 'paginator', operation: documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base, written: name, documentClient, node: call, config: call.getArguments()[0], input: call.getArguments()[1], module: member.module, service } };
    }
    // Presigners
    if ((member.module === '@aws-sdk/s3-request-presigner' && name === 'getSignedUrl') || (member.module === '@aws-sdk/s3-presigned-post' && name === 'createPresignedPost')) {
      const args = call.getArguments();
      if (name === 'getSignedUrl') {
        const command = args[1] ? commandOf(run, code, args[1]) : undefined;
        const options = args[2];
        const expires = objectProperty(options, 'expiresIn');
        return { clientNode: undefined, fact: { kind: 'presign', function: name, sdk: 'v3', operation: command?.operation, node: call, command: command?.node, input: command?.input, options, expires, expiresSeconds: evaluateNumber(code, expires), module: member.module, service: 's3' } };
      }
      const params = args[1];
      const expires = objectProperty(params, 'Expires');
      return { clientNode: undefined, fact: { kind: 'presign', function: name, sdk: 'v3', operation: 'PostObject', node: call, command: undefined, input: params, options: params, expires, expiresSeconds: evaluateNumber(code, expires), module: member.module, service: 's3' } };
    }
    // Powertools functions
    if (member.module.startsWith('@aws-lambda-powertools/') && name) {
      const utility = member.module.slice('@aws-lambda-powertools/'.length).split('/')[0]!;
      const known =
        (utility === 'parameters' && PARAMETER_FUNCTIONS.has(name)) ||
        (utility === 'idempotency' && (name === 'makeIdempotent' || name === 'idempotent' || name === 'makeHandlerIdempotent')) ||
        (utility === 'batch' && (name === 'processPartialResponse' || name === 'processPartialResponseSync'));
      if (known) {
        let cached = true;
        if (utility === 'parameters') {
          for (const a of call.getArguments()) {
            const maxAge = evaluateNumber(code, objectProperty(a, 'maxAge'));
            const force = objectProperty(a, 'forceFetch');
            if (maxAge === 0 || (force && force.getKind() === SyntaxKind.TrueKeyword)) cached = false;
          }
        }
        return { clientNode: undefined, fact: { kind: 'powertools', service: utility, name, node: call, cached, module: member.module } };
      }
    }
  }
  // Calls on clients: v3 `send`, aggregated v3 / v2 methods, v2 presigning.
  const callee = calleeName(call);
  if (!callee) return undefined;
  if (callee.name === 'send') {
    const arg = call.getArguments()[0];
    const command = arg ? commandOf(run, code, arg) : undefined;
    if (!command) return undefined;
    const clientNode = clientNodeOf(run, code, callee.receiver);
    return {
      clientNode,
      fact: {
      kind: 'operation',
      style: 'command',
      operation: command.operation,
      written: command.written,
      documentClient: command.documentClient,
      sdk: 'v3',
      node: call,
      command: command.node,
      input: command.input,
      receiver: callee.receiver,
      client: undefined,
      promiseCall: undefined,
      callback: false,
      module: command.module,
      service: command.service,
      },
    };
  }
  if (NON_OPERATION_METHODS.has(callee.name) && callee.name !== 'getSignedUrl' && callee.name !== 'getSignedUrlPromise') return undefined;
  const targetNode = clientNodeOf(run, code, callee.receiver);
  const target = targetNode && constructionAt(run, code, targetNode);
  if (!target || !(target.category === 'aws-v2' || target.category === 'aws-v3-aggregated' || target.category === 'document-client-aggregated')) return undefined;
  const sdk = target.category === 'aws-v2' ? 'v2' : 'v3';
  const args = call.getArguments();
  if (callee.name === 'getSignedUrl' || callee.name === 'getSignedUrlPromise') {
    if (sdk !== 'v2') return undefined;
    const opArg = args[0] ? unwrap(args[0]) : undefined;
    const op = opArg && (Node.isStringLiteral(opArg) || Node.isNoSubstitutionTemplateLiteral(opArg)) ? upperFirst(opArg.getLiteralText()) : undefined;
    const params = args[1];
    const expires = objectProperty(params, 'Expires');
    return { clientNode: undefined, fact: { kind: 'presign', function: callee.name, sdk: 'v2', operation: op, node: call, command: undefined, input: params, options: params, expires, expiresSeconds: evaluateNumber(code, expires), module: target.module, service: target.service } };
  }
  if (!/^[a-z]/.test(callee.name)) return undefined;
  const documentClient = target.documentClient;
  const base = upperFirst(callee.name);
  const operation = documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base;
  let promiseCall: CallExpression | undefined;
  const parent = call.getParent();
  if (parent && Node.isPropertyAccessExpression(parent) && parent.getName() === 'promise') {
    const gp = parent.getParent();
    if (gp && Node.isCallExpression(gp) && gp.getExpression() === parent) promiseCall = gp;
  }
  const last = args[args.length - 1];
  const callback = !!last && (Node.isArrowFunction(unwrap(last)) || Node.isFunctionExpression(unwrap(last)));
  return {
    clientNode: targetNode,
    fact: {
    kind: 'operation',
    style: 'method',
    operation,
    written: callee.name,
    documentClient,
    sdk,
    node: call,
    command: undefined,
    input: args[0] && !(Node.isArrowFunction(unwrap(args[0])) || Node.isFunctionExpression(unwrap(args[0]))) ? args[0] : undefined,
    receiver: callee.receiver,
    client: undefined,
    promiseCall,
    callback,
    module: target.module,
    service: target.service,
    },
  };
}

/**
 * What a `new`/call expression is for any handler, recognised once per run; a call that can be no
 * fact is told without a ts-morph wrapper.
 */
function recognisedAt(run: RunFacts, code: HandlerCode, n: ts.Node): Recognised | null {
  let r = run.recognised.get(n);
  if (r !== undefined) return r;
  if (cannotBeFact(run, code, n)) r = null;
  else {
    const node = (code.run as Program).wrap(n);
    r = (Node.isNewExpression(node) ? (constructionAt(run, code, node) ? 'client' : undefined) : Node.isCallExpression(node) ? recogniseCall(run, code, node) : undefined) ?? null;
  }
  run.recognised.set(n, r);
  return r;
}

/** The calls of a list (a file's module-load calls, a function's own calls) that are facts, kept per file or function for the run: a handler visits only those. */
function factCallsOf(run: RunFacts, code: HandlerCode, owner: ts.Node, calls: readonly ts.Node[]): readonly ts.Node[] {
  let out = run.factCalls.get(owner);
  if (!out) {
    out = calls.filter((n) => recognisedAt(run, code, n) !== null);
    run.factCalls.set(owner, out);
  }
  return out;
}

/** The fact a `new`/call expression is for the handler, scoped. */
function factAt(c: Collector, node: Node): SdkFact | undefined {
  const r = recognisedAt(c.run, c.code, node.compilerNode);
  if (r === null) return undefined;
  if (r === 'client') return clientAt(c, node);
  const { scope, fn } = scopeOf(c, node);
  if (r.fact.kind === 'operation') return { ...r.fact, client: r.clientNode ? clientAt(c, r.clientNode) : undefined, scope, fn };
  return { ...r.fact, scope, fn };
}

const cache = new WeakMap<HandlerCode, SdkFacts>();

/** Where a fact's node is, to sort facts: computed once per node (getStart skips trivia each time). */
const sortKeys = new WeakMap<ts.Node, { file: string; start: number; end: number }>();

function sortKeyOf(node: Node): { file: string; start: number; end: number } {
  let key = sortKeys.get(node.compilerNode);
  if (!key) {
    key = { file: node.getSourceFile().getFilePath() as string, start: node.getStart(), end: node.getEnd() };
    sortKeys.set(node.compilerNode, key);
  }
  return key;
}

/** Function-like nodes whose bodies do not run at module load. */
const MODULE_SCOPE_STOPS = new Set<SyntaxKind>([
  SyntaxKind.FunctionDeclaration,
  SyntaxKind.FunctionExpression,
  SyntaxKind.ArrowFunction,
  SyntaxKind.Constructor,
  SyntaxKind.GetAccessor,
  SyntaxKind.SetAccessor,
]);

/**
 * The calls and constructions of a file that run at module load (those of decorators included),
 * in source order. Syntax only, the same for every handler that loads the file: listed once per
 * file, not walked again for each of the hundreds of handlers that reach a shared module. Read off
 * the file's lists of calls and constructions (kept for the run, other checks read them too) rather
 * than by a walk of its module-level code.
 */
const moduleScopeCallsCache = new WeakMap<ts.SourceFile, readonly ts.Node[]>();

export function moduleScopeCallsOf(file: ts.SourceFile): readonly ts.Node[] {
  let out = moduleScopeCallsCache.get(file);
  if (out) return out;
  const calls =
    descendantsByKind(file, SyntaxKind.Decorator).length > 0
      ? [...descendantsByKind(file, SyntaxKind.CallExpression), ...descendantsByKind(file, SyntaxKind.NewExpression)].filter(runsAtModuleLoad)
      : undecoratedModuleLoadCalls(file);
  out = calls.sort((a, b) => a.pos - b.pos || b.end - a.end);
  moduleScopeCallsCache.set(file, out);
  return out;
}

/**
 * The module-load calls of a file without decorators: exactly those that no function, static block
 * or instance initialiser encloses. Found by a walk of the module-level code that skips those
 * (most of a file is in functions), not by a scan of all the file's calls with a look up the
 * ancestors of each.
 */
function undecoratedModuleLoadCalls(file: ts.SourceFile): ts.Node[] {
  const calls: ts.Node[] = [];
  walkDescendants(file, (n) => {
    const kind = n.kind;
    if (kind === SyntaxKind.CallExpression || kind === SyntaxKind.NewExpression) calls.push(n);
    else if (isCodeBoundaryKind(kind) || isInstancePropertyInitializer(n)) return false;
    return true;
  });
  return calls;
}

/**
 * Whether a call runs when its module loads: outside any function, method, accessor or constructor,
 * static block or instance property initialiser; or in a decorator (evaluated at class definition)
 * of module-level code, a method's included, and not inside a function expression of the decorator.
 * One look up the ancestors, and none past a function expression (most calls are in one).
 */
function runsAtModuleLoad(call: ts.Node): boolean {
  // The highest decorator, function-like or method above the call decides (the first one met coming down from the module).
  let highest: ts.Node | undefined;
  let belowHighest: ts.Node = call;
  let inInitializerOrBlock = false;
  for (let below: ts.Node = call, cur = call.parent; cur && cur.kind !== SyntaxKind.SourceFile; below = cur, cur = cur.parent) {
    const kind = cur.kind;
    // Never run at load: neither from module-level code nor from a decorator (whose function expressions are not entered).
    if (kind === SyntaxKind.ArrowFunction || kind === SyntaxKind.FunctionExpression) return false;
    if (kind === SyntaxKind.Decorator || kind === SyntaxKind.MethodDeclaration || MODULE_SCOPE_STOPS.has(kind)) {
      highest = cur;
      belowHighest = below;
    } else if (kind === SyntaxKind.ClassStaticBlockDeclaration || isInstancePropertyInitializer(cur)) inInitializerOrBlock = true;
  }
  if (!highest) return !inInitializerOrBlock;
  if (highest.kind === SyntaxKind.Decorator) return true;
  // Of a method, only its decorators run at class definition; its body runs when called.
  return highest.kind === SyntaxKind.MethodDeclaration && belowHighest.kind === SyntaxKind.Decorator;
}

const ownCallsCache = new WeakMap<ts.Node, readonly ts.Node[]>();

/**
 * The calls and constructions of a function's own code (nested functions not entered), in source
 * order: the nodes SDK facts and code permissions look at, listed once per function for the run.
 */
export function ownCallsOf(fn: TsFunctionLike): readonly ts.Node[] {
  let out = ownCallsCache.get(fn);
  if (!out) {
    // Picked by the kinds listed with the nodes, without reading each node.
    const { nodes, kinds } = ownCodeNodesOf(fn);
    const calls: ts.Node[] = [];
    for (let i = 0; i < kinds.length; i++) if (kinds[i] === SyntaxKind.CallExpression || kinds[i] === SyntaxKind.NewExpression) calls.push(nodes[i]!);
    out = calls;
    ownCallsCache.set(fn, out);
  }
  return out;
}

/** The SDK, Powertools, database and HTTP-client facts of a handler, computed once per {@link HandlerCode}. */
export function sdkFactsOf(code: HandlerCode): SdkFacts {
  let out = cache.get(code);
  if (out) return out;
  const c: Collector = { code, run: runFactsOf(code), facts: [], byNode: new Map(), clientCache: new Map() };
  const program = code.run as Program;
  const visit = (n: ts.Node, node: Node): void => {
    if (c.byNode.has(n)) return;
    const fact = factAt(c, node);
    if (fact) {
      c.facts.push(fact);
      c.byNode.set(n, fact);
    }
  };
  // Module scope of every file holding reachable code (cold start), then reachable code function by
  // function: only the calls that are facts for any handler, listed once per file and function for the run.
  for (const file of code.fileNodes) for (const n of factCallsOf(c.run, code, file, moduleScopeCallsOf(file))) visit(n, program.wrap(n));
  for (const fn of code.reachableFunctionNodes) for (const n of factCallsOf(c.run, code, fn, ownCallsOf(fn as TsFunctionLike))) visit(n, program.wrap(n));
  const keyed = c.facts.map((fact) => ({ fact, ...sortKeyOf(fact.node) }));
  keyed.sort((a, b) => (a.file === b.file ? a.start - b.start || a.end - b.end : a.file < b.file ? -1 : 1));
  const facts = keyed.map((k) => k.fact);
  out = {
    all: facts,
    clients: facts.filter((f): f is ClientFact => f.kind === 'client'),
    operations: facts.filter((f): f is OperationFact => f.kind === 'operation'),
    paginators: facts.filter((f): f is PaginatorFact => f.kind === 'paginator'),
    presigners: facts.filter((f): f is PresignFact => f.kind === 'presign'),
    powertools: facts.filter((f): f is PowertoolsFact => f.kind === 'powertools'),
    factAt: (node) => c.byNode.get('compilerNode' in node ? node.compilerNode : node),
    clientOf: (expr) => clientOfExpr(c, expr),
    commandOf: (expr) => commandOf(c.run, code, expr),
  };
  cache.set(code, out);
  return out;
}

