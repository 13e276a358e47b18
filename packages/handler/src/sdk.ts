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
import { SyntaxKind, ts, type CallExpression, type NewExpression, type Node } from '@lambda-lint/handler/ts-morph';
import type { FunctionLikeNode, HandlerCode } from './code.js';
import { descendantsByKind, enclosingBoundary, isCodeBoundaryKind, isInstancePropertyInitializer, isTsFunctionLike, ownCodeNodesOf, skipOuterExpressions, walkDescendants, type TsFunctionLike } from './syntax.js';
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
  /** {@link node} as the compiler's node, which needs no ts-morph wrapper (the node fields of a fact are wrapped when first read). */
  readonly compilerNode: ts.Node;
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
  clientOf(expr: Node | ts.Node): ClientFact | undefined;
  /** Whether a `new X(...)` expression constructs an AWS SDK v3 command (`GetItemCommand`, lib-dynamodb `PutCommand`): its operation. */
  commandOf(expr: Node | ts.Node): { operation: string; written: string; service: string; module: string; documentClient: boolean; input: Node | undefined; node: NewExpression } | undefined;
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
const IDEMPOTENCY_FUNCTIONS = new Set(['makeIdempotent', 'idempotent', 'makeHandlerIdempotent']);
const BATCH_FUNCTIONS = new Set(['processPartialResponse', 'processPartialResponseSync']);
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

/**
 * The last member names a call's callee can have when the call is a module function's fact: a
 * construction (`DynamoDBDocumentClient.from`, a database package's factory, `postgres.default`), a
 * paginator (`paginate*`), a presigner or a Powertools function. A method call of any other name
 * (`logger.info`, `items.map`) is recognised, if at all, as a call on a client: its callee's module
 * member is not looked up.
 */
const MODULE_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'from',
  'default',
  'getSignedUrl',
  'createPresignedPost',
  ...PARAMETER_FUNCTIONS,
  ...IDEMPOTENCY_FUNCTIONS,
  ...BATCH_FUNCTIONS,
  ...Object.values(DB_CALL).flatMap((paths) => paths.map((p) => p.slice(p.lastIndexOf('.') + 1))),
]);

/** Whether a method name can end the callee of a module function's fact ({@link MODULE_FUNCTION_NAMES}). */
function mayNameModuleFunction(name: string): boolean {
  return MODULE_FUNCTION_NAMES.has(name) || name.startsWith('paginate');
}

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
  commands: Map<ts.Node, CompiledCommand | null>;
  /** A `let`/`var` binding: the values assigned to it. */
  assigned: Map<TsBinding, ts.Node[]>;
  /** A `new`/call expression: the fact it is, without its scope. */
  recognised: Map<ts.Node, Recognised | null>;
  /** A fact's node: whether it runs at module load, and the function holding it. */
  sites: Map<ts.Node, { module: boolean; fn: ts.Node | undefined }>;
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

/** The fields of facts (and commands) that hold nodes: kept as compiler nodes, wrapped when a consumer reads one. */
type NodeKey = 'node' | 'config' | 'input' | 'receiver' | 'command' | 'promiseCall' | 'options' | 'expires';
const NODE_KEYS: ReadonlySet<string> = new Set<NodeKey>(['node', 'config', 'input', 'receiver', 'command', 'promiseCall', 'options', 'expires']);

/** A fact (or command) as recognised on compiler nodes, without the handler's scope. */
type Compiled<F> = F extends unknown
  ? { readonly [K in Exclude<keyof F, 'scope' | 'fn' | 'client' | 'compilerNode'>]: K extends NodeKey ? (undefined extends F[K] ? ts.Node | undefined : ts.Node) : F[K] }
  : never;
type CompiledCommand = Compiled<Command>;
type Recognised = 'client' | { fact: Compiled<Exclude<SdkFact, ClientFact>>; clientNode: ts.Node | undefined };

/**
 * A fact as the rules read it. Recognition works on compiler nodes, and most facts are only
 * counted or tested on their kind, service and operation: a node field is wrapped (ts-morph)
 * when first read, so that a file none of whose fact nodes is read is never wrapped.
 */
class LazyFact {
  readonly compilerNode: ts.Node;
  readonly scope: FactScope;
  readonly #program: Program;
  readonly #nodes: Partial<Record<NodeKey, ts.Node>> = {};
  readonly #fnNode: ts.Node | undefined;
  #wrapped: Partial<Record<NodeKey | 'fn', Node>> | undefined;

  constructor(program: Program, compiled: Compiled<SdkFact>, scope: FactScope, fn: ts.Node | undefined, client: ClientFact | undefined) {
    this.#program = program;
    this.compilerNode = compiled.node;
    this.scope = scope;
    this.#fnNode = fn;
    const self = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries(compiled)) {
      if (NODE_KEYS.has(key)) {
        if (value) this.#nodes[key as NodeKey] = value as ts.Node;
      } else self[key] = value;
    }
    if (compiled.kind === 'operation') self.client = client;
  }

  /** A node field as the compiler's node, without wrapping it. */
  nodeOf(key: NodeKey | 'fn'): ts.Node | undefined {
    return key === 'fn' ? this.#fnNode : this.#nodes[key];
  }

  #wrap(key: NodeKey | 'fn'): Node | undefined {
    const n = key === 'fn' ? this.#fnNode : this.#nodes[key];
    if (!n) return undefined;
    const wrapped = (this.#wrapped ??= {});
    return (wrapped[key] ??= this.#program.wrap(n));
  }

  get node(): Node {
    return this.#wrap('node')!;
  }
  get fn(): Node | undefined {
    return this.#wrap('fn');
  }
  get config(): Node | undefined {
    return this.#wrap('config');
  }
  get input(): Node | undefined {
    return this.#wrap('input');
  }
  get receiver(): Node | undefined {
    return this.#wrap('receiver');
  }
  get command(): Node | undefined {
    return this.#wrap('command');
  }
  get promiseCall(): Node | undefined {
    return this.#wrap('promiseCall');
  }
  get options(): Node | undefined {
    return this.#wrap('options');
  }
  get expires(): Node | undefined {
    return this.#wrap('expires');
  }
}

interface Collector {
  code: HandlerCode;
  program: Program;
  run: RunFacts;
  facts: SdkFact[];
  byNode: Map<ts.Node, SdkFact>;
  clientCache: Map<ts.Node, ClientFact | null>;
}

function scopeOf(c: Collector, node: ts.Node): { scope: FactScope; fn: ts.Node | undefined } {
  let site = c.run.sites.get(node);
  if (!site) {
    // Decorators (`@idempotent({...})`) are evaluated when the class is defined.
    const module = enclosingBoundary(node) === undefined || hasDecoratorAncestor(node);
    site = { module, fn: module ? undefined : enclosingFunctionTs(node) };
    c.run.sites.set(node, site);
  }
  if (site.module) return { scope: 'module', fn: undefined };
  return { scope: c.code.isInReachableCode(node) ? 'invocation' : 'other', fn: site.fn };
}

/** The innermost function-like node containing a node (as {@link HandlerCode.enclosingFunction}, unwrapped). */
function enclosingFunctionTs(node: ts.Node): ts.Node | undefined {
  for (let cur = node.parent; cur; cur = cur.parent) if (isTsFunctionLike(cur)) return cur;
  return undefined;
}

function hasDecoratorAncestor(node: ts.Node): boolean {
  for (let cur = node.parent; cur; cur = cur.parent) if (cur.kind === SyntaxKind.Decorator) return true;
  return false;
}

/** The module member a `new`/call expression's callee names: asked by the construction, command and call recognisers alike. */
function calleeMemberOf(code: HandlerCode, node: ts.CallExpression | ts.NewExpression): ModuleMember | undefined {
  // Kept for the run by moduleMemberOf itself, shared with the rules that ask it of the same callee.
  return moduleMemberOf(code.run as Program, node.expression);
}

/**
 * Whether a call or construction can be no fact, told from syntax and its callee's module member
 * alone (most calls of reachable code are none). The same tests {@link recogniseCall} makes first:
 * a construction or a module function is known by its callee's module member; any other call can
 * only be a method call on a client (`send`, or an operation's name on a v2 or aggregated v3 client).
 */
function cannotBeFact(run: RunFacts, code: HandlerCode, node: ts.Node): boolean {
  if (node.kind !== SyntaxKind.CallExpression && node.kind !== SyntaxKind.NewExpression) return true;
  const callee = skipOuterExpressions((node as ts.CallExpression | ts.NewExpression).expression);
  // A method of another name is no module function (its member path ends with that name): no look-up.
  if (node.kind === SyntaxKind.NewExpression || callee.kind !== SyntaxKind.PropertyAccessExpression || mayNameModuleFunction((callee as ts.PropertyAccessExpression).name.text)) {
    if (constructionAt(run, code, node)) return false;
    if (node.kind === SyntaxKind.NewExpression) return true;
    // Paginators, presigners and Powertools functions are known by their module.
    const member = calleeMemberOf(code, node as ts.CallExpression);
    if (member && (awsV3Service(member.module) || member.module === '@aws-sdk/s3-request-presigner' || member.module === '@aws-sdk/s3-presigned-post' || member.module.startsWith('@aws-lambda-powertools/'))) return false;
  }
  // As calleeName() reads the callee, but on the name's value (an escaped name is told apart there).
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
  const target = clientNodeOf(run, code, (callee as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
  const k = target && constructionAt(run, code, target);
  return !k || !(k.category === 'aws-v2' || k.category === 'aws-v3-aggregated' || k.category === 'document-client-aggregated');
}

/** The client a `new`/call expression constructs, for any handler. */
function constructionAt(run: RunFacts, code: HandlerCode, node: ts.Node): Construction | undefined {
  const cached = run.constructions.get(node);
  if (cached !== undefined) return cached ?? undefined;
  let k: Construction | undefined;
  if (node.kind === SyntaxKind.NewExpression || node.kind === SyntaxKind.CallExpression) {
    const member = calleeMemberOf(code, node as ts.CallExpression | ts.NewExpression);
    k = member ? constructionOf(member, node.kind === SyntaxKind.NewExpression) : undefined;
  }
  run.constructions.set(node, k ?? null);
  return k;
}

/** The arguments of a call or construction (`new X` has none). */
function argumentsOf(node: ts.Node): readonly ts.Expression[] {
  return (node as ts.CallExpression | ts.NewExpression).arguments ?? [];
}

/** The client fact for a `new`/call expression that constructs one. */
function clientAt(c: Collector, node: ts.Node): ClientFact | undefined {
  const cached = c.clientCache.get(node);
  if (cached !== undefined) return cached ?? undefined;
  let out: ClientFact | undefined;
  const k = constructionAt(c.run, c.code, node);
  if (k && (node.kind === SyntaxKind.NewExpression || node.kind === SyntaxKind.CallExpression)) {
    const { scope, fn } = scopeOf(c, node);
    const compiled: Compiled<ClientFact> = { kind: 'client', category: k.category, service: k.service, name: k.name, module: k.module, node, config: argumentsOf(node)[0], documentClient: k.documentClient };
    out = new LazyFact(c.program, compiled, scope, fn, undefined) as unknown as ClientFact;
  }
  c.clientCache.set(node, out ?? null);
  return out;
}

/**
 * Values a `let`/`var` binding is assigned (`client = new X()`, `client ??= new X()`) within its
 * scope, as compiler nodes: the scope is walked on its syntax, not wrapped node by node.
 */
function assignedValues(binding: TsBinding): ts.Node[] {
  const out: ts.Node[] = [];
  if (binding.kind !== 'let' && binding.kind !== 'var') return out;
  walkDescendants(binding.scope, (n) => {
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
function clientOfExpr(c: Collector, expr: ts.Node): ClientFact | undefined {
  const node = clientNodeOf(c.run, c.code, expr);
  return node ? clientAt(c, node) : undefined;
}

/**
 * The construction (a `new`/call expression) an expression stands for, for any handler. The SDK
 * facts ask it of the receiver of every method call of reachable code.
 */
function clientNodeOf(run: RunFacts, code: HandlerCode, expr: ts.Node): ts.Node | undefined {
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
  if ((e.kind === SyntaxKind.NewExpression || e.kind === SyntaxKind.CallExpression) && constructionAt(run, code, e)) return e;
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
    const b = code.referencedBinding(e);
    // Only a `let`/`var` is assigned later.
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

/** The initialiser of a `const` declared with a plain name that an expression refers to (imports followed). */
function constInitializerOf(code: HandlerCode, expr: ts.Node): ts.Expression | undefined {
  const b = code.referencedBinding(expr);
  if (!b || b.kind !== 'const' || b.bindingElement || b.declaration.kind !== SyntaxKind.VariableDeclaration) return undefined;
  return (b.declaration as ts.VariableDeclaration).initializer;
}

/** The command a `new XCommand(...)` expression (or a `const` bound to one) builds, for any handler. */
function commandOf(run: RunFacts, code: HandlerCode, expr: ts.Node): CompiledCommand | undefined {
  const cached = run.commands.get(expr);
  if (cached !== undefined) return cached ?? undefined;
  const command = commandAt(code, expr);
  run.commands.set(expr, command ?? null);
  return command;
}

function commandAt(code: HandlerCode, expr: ts.Node, depth = 0): CompiledCommand | undefined {
  if (depth > 6) return undefined;
  const e = skipOuterExpressions(expr);
  if (e.kind === SyntaxKind.Identifier) {
    const init = constInitializerOf(code, e);
    return init ? commandAt(code, init, depth + 1) : undefined;
  }
  if (e.kind !== SyntaxKind.NewExpression) return undefined;
  const member = calleeMemberOf(code, e as ts.NewExpression);
  if (!member) return undefined;
  const service = awsV3Service(member.module);
  const path = stripDefault(member.path);
  if (!service || path.length !== 1 || !path[0]!.endsWith('Command')) return undefined;
  const written = path[0]!;
  const base = written.slice(0, -'Command'.length);
  const documentClient = member.module === '@aws-sdk/lib-dynamodb';
  const operation = documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base;
  return { operation, written, service, module: member.module, documentClient, input: argumentsOf(e)[0], node: e };
}

/** `x.name(...)` / `x['name'](...)`: the receiver and the name as written (ts-morph's `getName()` is the name's text). */
function calleeName(call: ts.CallExpression): { receiver: ts.Node; name: string } | undefined {
  const callee = skipOuterExpressions(call.expression);
  if (callee.kind === SyntaxKind.PropertyAccessExpression) {
    const access = callee as ts.PropertyAccessExpression;
    return { receiver: access.expression, name: access.name.getText() };
  }
  if (callee.kind === SyntaxKind.ElementAccessExpression) {
    const { expression, argumentExpression: arg } = callee as ts.ElementAccessExpression;
    if (arg.kind === SyntaxKind.StringLiteral || arg.kind === SyntaxKind.NoSubstitutionTemplateLiteral) return { receiver: expression, name: (arg as ts.StringLiteral).text };
  }
  return undefined;
}

function objectProperty(obj: ts.Node | undefined, name: string): ts.Node | undefined {
  const o = obj ? skipOuterExpressions(obj) : undefined;
  if (!o || o.kind !== SyntaxKind.ObjectLiteralExpression) return undefined;
  for (const p of (o as ts.ObjectLiteralExpression).properties) {
    // The key as written, quotes taken off (as ts-morph's getName() reads it).
    if (p.kind === SyntaxKind.PropertyAssignment && p.name.getText().replace(/^['"]|['"]$/g, '') === name) return (p as ts.PropertyAssignment).initializer;
    if (p.kind === SyntaxKind.ShorthandPropertyAssignment && p.name.getText() === name) return p.name;
  }
  return undefined;
}

function isFunctionExpression(node: ts.Node): boolean {
  const e = skipOuterExpressions(node);
  return e.kind === SyntaxKind.ArrowFunction || e.kind === SyntaxKind.FunctionExpression;
}

/**
 * The number a constant expression evaluates to: literals, `-x`, `* + - /` and `const` bindings, as
 * `60 * 15` or `const FIFTEEN_MINUTES = 15 * 60` are written. Bounded in depth, so that a binding
 * cycle the type checker would reject never loops here; unknown when anything is not constant.
 */
export function evaluateNumber(code: HandlerCode, expr: Node | ts.Node | undefined, depth = 0): number | undefined {
  if (!expr || depth > 12) return undefined;
  const e = skipOuterExpressions('compilerNode' in expr ? expr.compilerNode : expr);
  switch (e.kind) {
    case SyntaxKind.NumericLiteral: {
      // As ts-morph's getLiteralValue() reads it.
      const text = (e as ts.NumericLiteral).text;
      return text.indexOf('.') >= 0 ? parseFloat(text) : parseInt(text, 10);
    }
    case SyntaxKind.PrefixUnaryExpression: {
      const { operator, operand } = e as ts.PrefixUnaryExpression;
      if (operator !== SyntaxKind.MinusToken) return undefined;
      const v = evaluateNumber(code, operand, depth + 1);
      return v === undefined ? undefined : -v;
    }
    case SyntaxKind.BinaryExpression: {
      const { left, right, operatorToken } = e as ts.BinaryExpression;
      const l = evaluateNumber(code, left, depth + 1);
      const r = evaluateNumber(code, right, depth + 1);
      if (l === undefined || r === undefined) return undefined;
      switch (operatorToken.kind) {
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
    case SyntaxKind.Identifier: {
      const init = constInitializerOf(code, e);
      return init ? evaluateNumber(code, init, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** What a call is, for any handler: a client construction, or a fact without its scope. */
function recogniseCall(run: RunFacts, code: HandlerCode, call: ts.CallExpression): Recognised | undefined {
  if (constructionAt(run, code, call)) return 'client';
  return recogniseUnscoped(run, code, call);
}

function recogniseUnscoped(run: RunFacts, code: HandlerCode, call: ts.CallExpression): Exclude<Recognised, 'client'> | undefined {
  const args = call.arguments;
  const member = calleeMemberOf(code, call);
  if (member) {
    const path = stripDefault(member.path);
    const name = path.length === 1 ? path[0]! : undefined;
    // Paginators
    const service = awsV3Service(member.module);
    if (service && name && name.startsWith('paginate') && name.length > 'paginate'.length) {
      const base = name.slice('paginate'.length);
      const documentClient = member.module === '@aws-sdk/lib-dynamodb';
      return { clientNode: undefined, fact: { kind: 'paginator', operation: documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base, written: name, documentClient, node: call, config: args[0], input: args[1], module: member.module, service } };
    }
    // Presigners
    if ((member.module === '@aws-sdk/s3-request-presigner' && name === 'getSignedUrl') || (member.module === '@aws-sdk/s3-presigned-post' && name === 'createPresignedPost')) {
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
        (utility === 'idempotency' && IDEMPOTENCY_FUNCTIONS.has(name)) ||
        (utility === 'batch' && BATCH_FUNCTIONS.has(name));
      if (known) {
        let cached = true;
        if (utility === 'parameters') {
          for (const a of args) {
            const maxAge = evaluateNumber(code, objectProperty(a, 'maxAge'));
            const force = objectProperty(a, 'forceFetch');
            if (maxAge === 0 || (force && force.kind === SyntaxKind.TrueKeyword)) cached = false;
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
    const arg = args[0];
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
  if (callee.name === 'getSignedUrl' || callee.name === 'getSignedUrlPromise') {
    if (sdk !== 'v2') return undefined;
    const opArg = args[0] ? skipOuterExpressions(args[0]) : undefined;
    const op = opArg && (opArg.kind === SyntaxKind.StringLiteral || opArg.kind === SyntaxKind.NoSubstitutionTemplateLiteral) ? upperFirst((opArg as ts.StringLiteral).text) : undefined;
    const params = args[1];
    const expires = objectProperty(params, 'Expires');
    return { clientNode: undefined, fact: { kind: 'presign', function: callee.name, sdk: 'v2', operation: op, node: call, command: undefined, input: params, options: params, expires, expiresSeconds: evaluateNumber(code, expires), module: target.module, service: target.service } };
  }
  if (!/^[a-z]/.test(callee.name)) return undefined;
  const documentClient = target.documentClient;
  const base = upperFirst(callee.name);
  const operation = documentClient ? tableEntry(DOC_OPERATIONS, base) ?? base : base;
  let promiseCall: ts.Node | undefined;
  const parent = call.parent;
  if (parent && parent.kind === SyntaxKind.PropertyAccessExpression && (parent as ts.PropertyAccessExpression).name.getText() === 'promise') {
    const gp = parent.parent;
    if (gp && gp.kind === SyntaxKind.CallExpression && (gp as ts.CallExpression).expression === parent) promiseCall = gp;
  }
  const last = args[args.length - 1];
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
      input: args[0] && !isFunctionExpression(args[0]) ? args[0] : undefined,
      receiver: callee.receiver,
      promiseCall,
      callback: !!last && isFunctionExpression(last),
      module: target.module,
      service: target.service,
    },
  };
}

/** What a `new`/call expression is for any handler, recognised once per run on its compiler node. */
function recognisedAt(run: RunFacts, code: HandlerCode, n: ts.Node): Recognised | null {
  let r = run.recognised.get(n);
  if (r !== undefined) return r;
  if (cannotBeFact(run, code, n)) r = null;
  else r = (n.kind === SyntaxKind.NewExpression ? (constructionAt(run, code, n) ? 'client' : undefined) : n.kind === SyntaxKind.CallExpression ? recogniseCall(run, code, n as ts.CallExpression) : undefined) ?? null;
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

/** The node fields of a fact: the recognised expression, its input, configuration, command... and the function holding it. */
export type FactNodeKey = NodeKey | 'fn';

/**
 * A node field of a fact as the compiler's node, which needs no ts-morph wrapper (reading the field
 * itself wraps the node, and with it its file): for a check that reads only the syntax.
 */
export function factNodeOf(fact: SdkFact, key: FactNodeKey): ts.Node | undefined {
  return (fact as unknown as LazyFact).nodeOf(key);
}

/** The fact a `new`/call expression is for the handler, scoped. */
function factAt(c: Collector, node: ts.Node): SdkFact | undefined {
  const r = recognisedAt(c.run, c.code, node);
  if (r === null) return undefined;
  if (r === 'client') return clientAt(c, node);
  const { scope, fn } = scopeOf(c, node);
  const client = r.fact.kind === 'operation' && r.clientNode ? clientAt(c, r.clientNode) : undefined;
  return new LazyFact(c.program, r.fact, scope, fn, client) as unknown as SdkFact;
}

const cache = new WeakMap<HandlerCode, SdkFacts>();

/** Where a fact's node is, to sort facts: computed once per node (getStart skips trivia each time). */
const sortKeys = new WeakMap<ts.Node, { file: string; start: number; end: number }>();

function sortKeyOf(node: ts.Node): { file: string; start: number; end: number } {
  let key = sortKeys.get(node);
  if (!key) {
    // The file's name is the path ts-morph's getFilePath() gives; getStart as ts-morph's (no JSDoc is parsed).
    const file = node.getSourceFile();
    key = { file: file.fileName, start: node.getStart(file), end: node.end };
    sortKeys.set(node, key);
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
  const program = code.run as Program;
  const c: Collector = { code, program, run: runFactsOf(code), facts: [], byNode: new Map(), clientCache: new Map() };
  const visit = (n: ts.Node): void => {
    if (c.byNode.has(n)) return;
    const fact = factAt(c, n);
    if (fact) {
      c.facts.push(fact);
      c.byNode.set(n, fact);
    }
  };
  // Module scope of every file holding reachable code (cold start), then reachable code function by
  // function: only the calls that are facts for any handler, listed once per file and function for the run.
  for (const file of code.fileNodes) for (const n of factCallsOf(c.run, code, file, moduleScopeCallsOf(file))) visit(n);
  for (const fn of code.reachableFunctionNodes) for (const n of factCallsOf(c.run, code, fn, ownCallsOf(fn as TsFunctionLike))) visit(n);
  const keyed = c.facts.map((fact) => ({ fact, ...sortKeyOf(fact.compilerNode) }));
  keyed.sort((a, b) => (a.file === b.file ? a.start - b.start || a.end - b.end : a.file < b.file ? -1 : 1));
  const facts = keyed.map((k) => k.fact);
  const compilerNodeOf = (node: Node | ts.Node): ts.Node => ('compilerNode' in node ? node.compilerNode : node);
  out = {
    all: facts,
    clients: facts.filter((f): f is ClientFact => f.kind === 'client'),
    operations: facts.filter((f): f is OperationFact => f.kind === 'operation'),
    paginators: facts.filter((f): f is PaginatorFact => f.kind === 'paginator'),
    presigners: facts.filter((f): f is PresignFact => f.kind === 'presign'),
    powertools: facts.filter((f): f is PowertoolsFact => f.kind === 'powertools'),
    factAt: (node) => c.byNode.get(compilerNodeOf(node)),
    clientOf: (expr) => clientOfExpr(c, compilerNodeOf(expr)),
    commandOf: (expr) => {
      const command = commandOf(c.run, code, compilerNodeOf(expr));
      return command && { ...command, input: command.input && program.wrap(command.input), node: program.wrap<NewExpression>(command.node) };
    },
  };
  cache.set(code, out);
  return out;
}
