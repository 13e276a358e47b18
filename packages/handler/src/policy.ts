/**
 * The code's permissions bound to one function (its environment and template), and IAM policy
 * evaluation against its role: what it grants, what denies, what the platform itself uses.
 *
 * Resources are handled as CloudFormation `Fn::Sub` text (`${BrandsTable.Arn}/index/*`,
 * `arn:${AWS::Partition}:s3:::${Bucket}/*`): that is how the user writes them, so it renders back as
 * written, and it expands to a glob (`*` for what is not known offline) for matching. An unknown part
 * matches any grant: the evaluation errs towards "granted", never towards a false AccessDenied.
 */
import {
  entry,
  get,
  intrinsic,
  str,
  templateText,
  type AppModel,
  type IamStatement,
  type LambdaFunction,
  type Resource,
  type Role,
  type Value,
} from '@lambda-lint/core';
import type { Node } from 'ts-morph';
import type { HandlerCode } from './code.js';
import {
  IMPLICIT_PREFIXES,
  KNOWN_MANAGED_POLICIES,
  PLATFORM_DESTINATION_ACTIONS,
  PLATFORM_LOG_ACTIONS,
  PLATFORM_POLL_ACTIONS,
  PLATFORM_VPC_ACTIONS,
  PLATFORM_XRAY_ACTIONS,
} from './data/iam-platform.js';
import { tableEntry } from './facts.js';
import { codePermissionsOf, type CodePermission, type CodeResource, type ValuePart } from './permissions.js';
import { sdkFactsOf } from './sdk.js';

/** A permission of one function's code, its resource as `Fn::Sub` text (`*` where unknown). */
export interface BoundPermission {
  readonly actions: readonly string[];
  readonly anyOf: boolean;
  /** `Fn::Sub` text of the resource ARN; `*` when nothing is known. */
  readonly resource: string;
  readonly node: Node;
  readonly api: string;
}

const PSEUDO = '${AWS::Partition}';
const REGION = '${AWS::Region}';
const ACCOUNT = '${AWS::AccountId}';

// ---------------------------------------------------------------------------------------------
// Binding the code's resources to the function's environment

function envText(fn: LambdaFunction, name: string): string {
  const v = fn.environment.find((e) => e.name === name);
  if (!v || v.alternatives) return '*';
  const value = v.value.kind === 'scalar' ? v.value : (v.source ?? v.value);
  if (value.kind === 'unknown') return '*';
  const text = templateText(value);
  // Keep `${Id}`, `${Id.Attr}` and `${AWS::...}`; any other placeholder (a `Fn::Sub` variable map entry) is unknown.
  return text === undefined ? '*' : text.replace(/\$\{(?!AWS::)([^}]*[^A-Za-z0-9.}][^}]*)\}/g, '*');
}

function partsText(fn: LambdaFunction, parts: readonly ValuePart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : p.kind === 'env' ? envText(fn, p.name) : '*')).join('');
}

const REF_RE = /^\$\{([A-Za-z0-9]+)\}$/;
const ATT_RE = /^\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}$/;

function resourceById(model: AppModel, file: string, logicalId: string): Resource | undefined {
  return model.resources.find((r) => r.logicalId === logicalId && r.file === file) ?? model.resources.find((r) => r.logicalId === logicalId);
}

/** `${X}` or `${X.QueueUrl}` of a resource of one of `types`: its logical id. */
function referenced(model: AppModel, file: string, text: string, types: readonly string[], attrs: readonly string[] = []): string | undefined {
  const ref = REF_RE.exec(text);
  const att = ATT_RE.exec(text);
  const id = ref?.[1] ?? (att && attrs.includes(att[2]!) ? att[1] : undefined);
  if (!id) return undefined;
  const r = resourceById(model, file, id);
  return r && types.includes(r.type) ? id : undefined;
}

const TABLES = ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::Serverless::SimpleTable'];
const FUNCTIONS = ['AWS::Lambda::Function', 'AWS::Serverless::Function'];

function arn(service: string, resource: string, regional = true): string {
  return `arn:${PSEUDO}:${service}:${regional ? REGION : ''}:${regional ? ACCOUNT : ''}:${resource}`;
}

/** The ARN (as `Fn::Sub` text) a code resource stands for. */
export function resourceArn(model: AppModel, fn: LambdaFunction, r: CodeResource | undefined): string {
  if (!r) return '*';
  const name = partsText(fn, r.name);
  const sub = r.sub ? partsText(fn, r.sub) : undefined;
  const isArn = name.startsWith('arn:');
  const f = fn.file;
  switch (r.kind) {
    case 'iam-role': {
      const att = ATT_RE.exec(name);
      if (att && att[2] === 'Arn') return name;
      const id = referenced(model, f, name, ['AWS::IAM::Role']);
      if (id) return `\${${id}.Arn}`;
      return isArn ? name : `arn:${PSEUDO}:iam::${ACCOUNT}:role/${name}`;
    }
    case 'dynamodb-table': {
      const id = referenced(model, f, name, TABLES);
      const table = id ? `\${${id}.Arn}` : isArn ? name : arn('dynamodb', `table/${name}`);
      return sub ? `${table}/index/${sub}` : table;
    }
    case 's3-bucket':
    case 's3-object': {
      const id = referenced(model, f, name, ['AWS::S3::Bucket']);
      const bucket = id ? `\${${id}.Arn}` : isArn ? name : arn('s3', name, false);
      return r.kind === 's3-bucket' ? bucket : `${bucket}/${sub ?? '*'}`;
    }
    case 'sqs-queue': {
      const id = referenced(model, f, name, ['AWS::SQS::Queue'], ['QueueUrl']);
      if (id) return `\${${id}.Arn}`;
      if (isArn) return name;
      return arn('sqs', name.slice(name.lastIndexOf('/') + 1) || '*');
    }
    case 'sns-topic': {
      // The code passes an ARN, and a `Ref` of a topic is its ARN.
      if (REF_RE.test(name)) return name;
      return isArn ? name : arn('sns', name);
    }
    case 'lambda-function': {
      const id = referenced(model, f, name, FUNCTIONS);
      if (id) return `\${${id}.Arn}`;
      return isArn ? name : arn('lambda', `function:${name}`);
    }
    case 'secret': {
      // `Ref` of a secret is its ARN.
      if (referenced(model, f, name, ['AWS::SecretsManager::Secret'])) return name;
      // A secret's ARN ends in `-` and six random characters.
      return isArn ? name : arn('secretsmanager', `secret:${name}-??????`);
    }
    case 'ssm-parameter':
    case 'ssm-path': {
      if (isArn) return name;
      const path = name.startsWith('/') || REF_RE.test(name) ? name : `/${name}`;
      return arn('ssm', `parameter${path}${r.kind === 'ssm-path' ? '/*' : ''}`);
    }
    case 'state-machine': {
      // The code passes an ARN, and a `Ref` of a state machine is its ARN (also for serverless-step-functions).
      if (REF_RE.test(name)) return name;
      return isArn ? name : arn('states', `stateMachine:${name}`);
    }
    case 'event-bus': {
      const id = referenced(model, f, name, ['AWS::Events::EventBus']);
      if (id) return `\${${id}.Arn}`;
      return isArn ? name : arn('events', `event-bus/${name}`);
    }
    case 'kinesis-stream': {
      const id = referenced(model, f, name, ['AWS::Kinesis::Stream']);
      if (id) return `\${${id}.Arn}`;
      return isArn ? name : arn('kinesis', `stream/${name}`);
    }
  }
}

/** The permissions of a function's code with their resources bound to its environment and template. */
export function boundPermissionsOf(model: AppModel, fn: LambdaFunction, code: HandlerCode): BoundPermission[] {
  return codePermissionsOf(code).map((p) => bindPermission(model, fn, p));
}

/** One permission of a function's code with its resource bound to the function's environment and template. */
export function bindPermission(model: AppModel, fn: LambdaFunction, p: CodePermission): BoundPermission {
  return {
    actions: p.actions,
    anyOf: p.anyOf === true,
    resource: resourceArn(model, fn, p.resource),
    // Read through: the node is wrapped (ts-morph) only for the permissions a rule reports.
    get node() {
      return p.node;
    },
    api: p.api,
  };
}

// ---------------------------------------------------------------------------------------------
// `Fn::Sub` text -> glob

interface TypeInfo {
  nameProp?: string;
  ref: 'name' | 'arn' | 'url' | 'id';
  arn: (name: string) => string;
  attrs?: Record<string, (name: string) => string>;
}

const G = (service: string, resource: string, regional = true) => `arn:*:${service}:${regional ? '*' : ''}:${regional ? '*' : ''}:${resource}`;

const TYPES: Readonly<Record<string, TypeInfo>> = {
  'AWS::DynamoDB::Table': { nameProp: 'TableName', ref: 'name', arn: (n) => G('dynamodb', `table/${n}`), attrs: { StreamArn: (n) => G('dynamodb', `table/${n}/stream/*`) } },
  'AWS::DynamoDB::GlobalTable': { nameProp: 'TableName', ref: 'name', arn: (n) => G('dynamodb', `table/${n}`), attrs: { StreamArn: (n) => G('dynamodb', `table/${n}/stream/*`) } },
  'AWS::Serverless::SimpleTable': { nameProp: 'TableName', ref: 'name', arn: (n) => G('dynamodb', `table/${n}`) },
  'AWS::S3::Bucket': { nameProp: 'BucketName', ref: 'name', arn: (n) => G('s3', n, false) },
  'AWS::SQS::Queue': { nameProp: 'QueueName', ref: 'url', arn: (n) => G('sqs', n), attrs: { QueueName: (n) => n, QueueUrl: (n) => `https://sqs.*/${n}` } },
  'AWS::SNS::Topic': { nameProp: 'TopicName', ref: 'arn', arn: (n) => G('sns', n), attrs: { TopicArn: (n) => G('sns', n), TopicName: (n) => n } },
  'AWS::Lambda::Function': { nameProp: 'FunctionName', ref: 'name', arn: (n) => G('lambda', `function:${n}`) },
  'AWS::Serverless::Function': { nameProp: 'FunctionName', ref: 'name', arn: (n) => G('lambda', `function:${n}`) },
  'AWS::SecretsManager::Secret': { nameProp: 'Name', ref: 'arn', arn: (n) => G('secretsmanager', `secret:${n}-*`) },
  'AWS::SSM::Parameter': { nameProp: 'Name', ref: 'name', arn: (n) => G('ssm', `parameter${n.startsWith('/') ? '' : '/'}${n}`) },
  'AWS::StepFunctions::StateMachine': { nameProp: 'StateMachineName', ref: 'arn', arn: (n) => G('states', `stateMachine:${n}`), attrs: { Name: (n) => n } },
  'AWS::Serverless::StateMachine': { nameProp: 'Name', ref: 'arn', arn: (n) => G('states', `stateMachine:${n}`), attrs: { Name: (n) => n } },
  'AWS::Events::EventBus': { nameProp: 'Name', ref: 'name', arn: (n) => G('events', `event-bus/${n}`) },
  'AWS::Kinesis::Stream': { nameProp: 'Name', ref: 'name', arn: (n) => G('kinesis', `stream/${n}`) },
  // A role's ARN holds its `Path` before the name.
  'AWS::IAM::Role': { nameProp: 'RoleName', ref: 'name', arn: (n) => G('iam', `role/*${n}`, false) },
  'AWS::KMS::Key': { ref: 'id', arn: (n) => G('kms', `key/${n}`), attrs: { KeyId: (n) => n } },
};

/** In a glob: any run of characters within one ARN segment (no `/` or `:`), as in generated physical names. */
const SEGMENT = '\u0001';

/** The physical name of a resource as a glob: its name property, or one containing the logical id for a generated one (`stack-Logos-1A2B3C`). */
function physicalName(model: AppModel, r: Resource, depth: number): string {
  const info = tableEntry(TYPES, r.type);
  const node = info?.nameProp ? get(r.properties, info.nameProp) : undefined;
  if (!node) return `${SEGMENT}${r.logicalId}${SEGMENT}`;
  const values = model.valuesOf(r.file, node);
  const first = values[0];
  if (values.length === 1 && first?.kind === 'scalar' && typeof first.value === 'string') return first.value;
  const text = templateText(node);
  return text === undefined ? '*' : expand(model, r.file, text, depth + 1);
}

function attributeGlob(model: AppModel, file: string, id: string, attr: string | undefined, depth: number): string {
  const r = resourceById(model, file, id);
  if (!r || depth > 4) return '*';
  const info = tableEntry(TYPES, r.type);
  if (!info) return attr === undefined ? `${SEGMENT}${id}${SEGMENT}` : '*';
  const name = physicalName(model, r, depth);
  if (attr === undefined) {
    if (info.ref === 'arn') return info.arn(name);
    if (info.ref === 'url') return `https://sqs.*/${name}`;
    return name;
  }
  if (attr === 'Arn') return info.arn(name);
  return info.attrs?.[attr]?.(name) ?? '*';
}

/** `Fn::Sub` text -> glob: pseudo parameters and unknown references become `*`, resources their names and ARNs. */
export function expand(model: AppModel, file: string, text: string, depth = 0): string {
  if (depth > 0) return expandText(model, file, text, depth);
  // The same resource texts are expanded for every grant they are compared with: once per model and file.
  let byText = expansions.get(model)?.get(file);
  if (!byText) {
    let byFile = expansions.get(model);
    if (!byFile) expansions.set(model, (byFile = new Map()));
    byFile.set(file, (byText = new Map()));
  }
  let glob = byText.get(text);
  if (glob === undefined) byText.set(text, (glob = expandText(model, file, text, 0)));
  return glob;
}

const expansions = new WeakMap<AppModel, Map<string, Map<string, string>>>();

function expandText(model: AppModel, file: string, text: string, depth: number): string {
  return text.replace(/\$\{([^}]*)\}/g, (_whole, inner: string) => {
    if (inner.startsWith('AWS::') || inner.startsWith('!')) return '*';
    const dot = inner.indexOf('.');
    const id = dot < 0 ? inner : inner.slice(0, dot);
    if (!/^[A-Za-z0-9]+$/.test(id)) return '*';
    return attributeGlob(model, file, id, dot < 0 ? undefined : inner.slice(dot + 1), depth);
  });
}

/** A statement's resources (or not-resources) as globs; a value not known offline is `*`. Kept per list and file: a statement is judged for every function and action it concerns. */
function statementGlobs(model: AppModel, file: string, props: IamStatement['resources']): string[] {
  let entry = statementGlobsCache.get(props);
  if (entry?.model !== model) statementGlobsCache.set(props, (entry = { model, byFile: new Map() }));
  let globs = entry.byFile.get(file);
  if (!globs) entry.byFile.set(file, (globs = computeStatementGlobs(model, file, props)));
  return globs;
}

const statementGlobsCache = new WeakMap<IamStatement['resources'], { model: AppModel; byFile: Map<string, string[]> }>();

function computeStatementGlobs(model: AppModel, file: string, props: IamStatement['resources']): string[] {
  return props.map((p) => {
    if (p.value !== undefined && !p.value.includes('${')) return p.value.trim();
    const text = p.value ?? templateText(p.node);
    return text === undefined ? '*' : expand(model, file, text);
  });
}

// ---------------------------------------------------------------------------------------------
// Glob matching

/** Whether some string matches both globs (`*` any run, `?` one character); ARN partition, region and account fields are ignored. */
export function globsIntersect(a: string, b: string): boolean {
  const fa = arnFields(a);
  const fb = fa && arnFields(b);
  if (fa && fb) return intersect(fa.service, fb.service) && intersect(fa.resource, fb.resource);
  return intersect(a, b);
}

const SEPARATORS = '/:';

/** Longer patterns are not compared (the walk is recursive): they count as matching, never as a false finding. */
const MAX_PATTERN = 2000;

function intersect(pa: string, pb: string): boolean {
  if (pa.length > MAX_PATTERN || pb.length > MAX_PATTERN) return true;
  // Against a text without wildcards, some string matches both exactly when the glob matches that text.
  if (!hasWildcard(pb, true)) return matcherOf(pa, true)(pb);
  if (!hasWildcard(pa, true)) return matcherOf(pb, true)(pa);
  // Both sides have wildcards (a grant's `${Table.Arn}/index/*` and the code's `table/${TABLE}`): the
  // same pairs come back for every function holding the grant, so each is compared once.
  let byB = intersections.get(pa);
  if (!byB) remember(intersections, pa, (byB = new Map()));
  let result = byB.get(pb);
  if (result === undefined) remember(byB, pb, (result = intersectWildcards(pa, pb)));
  return result;
}

const intersections = new Map<string, Map<string, boolean>>();

function intersectWildcards(pa: string, pb: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (MAX_PATTERN + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === pa.length && j === pb.length) r = true;
    else if (pa[i] === '*' || pa[i] === SEGMENT) r = go(i + 1, j) || (j < pb.length && (pa[i] === '*' || !SEPARATORS.includes(pb[j]!)) && go(i, j + 1));
    else if (pb[j] === '*' || pb[j] === SEGMENT) r = go(i, j + 1) || (i < pa.length && (pb[j] === '*' || !SEPARATORS.includes(pa[i]!)) && go(i + 1, j));
    else if (i < pa.length && j < pb.length && (pa[i] === pb[j] || pa[i] === '?' || pb[j] === '?')) r = go(i + 1, j + 1);
    else r = false;
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>`; undefined for anything else. Split once per string (the same ARNs are compared for every function and grant). */
function arnFields(s: string): { service: string; resource: string } | undefined {
  let fields = arnFieldsCache.get(s);
  if (fields === undefined) {
    const parts = s.split(':');
    fields = parts[0] !== 'arn' || parts.length < 6 ? null : { service: parts[2]!, resource: parts.slice(5).join(':') };
    remember(arnFieldsCache, s, fields);
  }
  return fields ?? undefined;
}

const arnFieldsCache = new Map<string, { service: string; resource: string } | null>();

/** Whether glob `g` matches every string `c` can stand for (`c`'s wildcards only absorbed by `g`'s `*`). */
export function globCovers(g: string, c: string): boolean {
  const fg = arnFields(g);
  const fc = fg && arnFields(c);
  if (fg && fc) return covers(fg.service, fc.service) && covers(fg.resource, fc.resource);
  return covers(g, c);
}

function covers(g: string, c: string): boolean {
  if (g.length > MAX_PATTERN || c.length > MAX_PATTERN) return false;
  return matcherOf(g, false)(c);
}

/** Whether a glob has a wildcard: `*`, the segment wildcard, and `?` when `single` makes it one. */
function hasWildcard(p: string, single: boolean): boolean {
  return p.includes('*') || p.includes(SEGMENT) || (single && p.includes('?'));
}

/**
 * {@link globMatch} with its pattern compiled once: IAM actions and ARNs are mostly written
 * without wildcards (`dynamodb:GetItem`) or with one trailing `*` (`s3:Get*`, `table/x/index/*`),
 * and each pattern is tried against every action of every function using the grant.
 */
function matcherOf(p: string, single: boolean): (text: string) => boolean {
  const cache = single ? singleMatchers : matchers;
  let m = cache.get(p);
  if (!m) {
    const stars = p.split('*').length - 1;
    if (!hasWildcard(p, single)) m = (t) => t === p;
    else if (stars === 1 && p.endsWith('*') && !p.includes(SEGMENT) && !(single && p.includes('?'))) {
      const prefix = p.slice(0, -1);
      m = (t) => t.startsWith(prefix);
    } else m = (t) => globMatch(p, t, single);
    remember(cache, p, m);
  }
  return m;
}

const matchers = new Map<string, (text: string) => boolean>();
const singleMatchers = new Map<string, (text: string) => boolean>();

/** Keeps a computed value; a long-lived process (the ESLint plugin) starts over past a bound instead of growing without end. */
function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  if (cache.size >= 50_000) cache.clear();
  cache.set(key, value);
}

/**
 * Whether glob `p` matches the text `t` (`*` any run, the segment wildcard any run without `/` or `:`,
 * `?` one character when `single` is set, else itself), by dynamic programming: no backtracking.
 */
function globMatch(p: string, t: string, single: boolean): boolean {
  let prev: boolean[] = new Array<boolean>(t.length + 1).fill(false);
  prev[0] = true;
  for (let i = 1; i <= p.length; i++) {
    const ch = p[i - 1]!;
    const cur: boolean[] = new Array<boolean>(t.length + 1).fill(false);
    const star = ch === '*' || ch === SEGMENT;
    cur[0] = star && prev[0]!;
    for (let j = 1; j <= t.length; j++) {
      const tc = t[j - 1]!;
      if (star) cur[j] = prev[j]! || (cur[j - 1]! && (ch === '*' || !SEPARATORS.includes(tc)));
      else cur[j] = prev[j - 1]! && (ch === tc || (single && ch === '?'));
    }
    prev = cur;
  }
  return prev[t.length]!;
}

/** IAM action pattern match, case-insensitive as IAM does. */
export function actionPatternMatches(pattern: string, action: string): boolean {
  let m = actionMatchers.get(pattern);
  if (!m) {
    const p = pattern.trim().toLowerCase();
    m = p.length > MAX_PATTERN ? () => false : matcherOf(p, true);
    remember(actionMatchers, pattern, m);
  }
  return m(lowerAction(action));
}

/** By the pattern as written (trimmed and lowercased once). */
const actionMatchers = new Map<string, (text: string) => boolean>();
const lowerActions = new Map<string, string>();

function lowerAction(action: string): string {
  let lower = lowerActions.get(action);
  if (lower === undefined) remember(lowerActions, action, (lower = action.trim().toLowerCase()));
  return lower;
}

// ---------------------------------------------------------------------------------------------
// Roles

function managedPolicyName(p: Role['managedPolicies'][number]): string | undefined {
  const text = p.value ?? templateText(p.node);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf('/') + 1);
}

/**
 * The statements a role grants that lambda-lint can see, or undefined when it has a policy it cannot
 * see (a customer or AWS managed policy outside the known table, a SAM policy template not expanded).
 * Known AWS managed policies count as `Allow <actions> on *` statements.
 */
export function knownStatements(model: AppModel, role: Role): { statements: IamStatement[]; managed: string[] } | undefined {
  // A named role can get policies attached by name (`Roles: [my-role]`), which the model keeps apart.
  if (get(role.resource?.properties, 'RoleName') && model.otherStatements.length > 0) return undefined;
  const managed: string[] = [];
  const extra: IamStatement[] = [];
  for (const p of role.managedPolicies) {
    const text = p.value;
    if (text?.startsWith('template:')) {
      const name = text.slice('template:'.length);
      if (!role.statements.some((s) => s.policyTemplate === name)) return undefined;
      continue;
    }
    // A customer managed policy of the template: its statements were added to the role.
    const fn = intrinsic(p.node);
    const ref = fn?.fn === 'Ref' ? str(fn.arg) : undefined;
    if (ref && model.resources.some((r) => r.logicalId === ref && r.type === 'AWS::IAM::ManagedPolicy')) continue;
    const name = managedPolicyName(p);
    const actions = name ? tableEntry(KNOWN_MANAGED_POLICIES, name) : undefined;
    if (!actions) return undefined;
    managed.push(name!);
    const star: Value = { kind: 'scalar', value: '*', loc: p.loc };
    extra.push({
      effect: { value: 'Allow', loc: p.loc, node: p.node },
      actions: actions.map((a) => ({ value: a, loc: p.loc, node: p.node })),
      notActions: [],
      resources: [{ value: '*', loc: p.loc, node: star }],
      notResources: [],
      loc: p.loc,
      node: p.node,
      origin: 'managed',
    });
  }
  return { statements: [...role.statements, ...extra], managed };
}

export type Grant =
  | { kind: 'granted'; by: IamStatement | undefined }
  | { kind: 'denied'; by: IamStatement }
  | { kind: 'missing' };

function hasCondition(s: IamStatement): boolean {
  return entry(s.node, 'Condition') !== undefined || entry(s.node, 'condition') !== undefined;
}

/** How a set of statements treats one action on one resource (`Fn::Sub` text), erring towards granted where values are unknown. */
export function evaluate(model: AppModel, file: string, statements: readonly IamStatement[], action: string, resourceText: string): Grant {
  const resource = expand(model, file, resourceText);
  let allowedBy: IamStatement | undefined;
  let allowed = false;
  for (const s of statements) {
    const effect = s.effect.value;
    if (effect === 'Deny') {
      if (hasCondition(s) || s.notResources.length > 0) continue;
      const actionSure = s.notActions.length > 0 ? s.notActions.every((a) => a.value !== undefined && !actionPatternMatches(a.value, action)) : s.actions.some((a) => a.value !== undefined && actionPatternMatches(a.value, action));
      if (!actionSure) continue;
      const globs = statementGlobs(model, file, s.resources);
      if (s.resources.every((r, i) => r.value !== undefined || globs[i] !== '*') && globs.some((g) => globCovers(g, resource))) return { kind: 'denied', by: s };
      continue;
    }
    if (effect !== undefined && effect !== 'Allow') continue;
    const actionMatch = s.notActions.length > 0 ? !s.notActions.some((a) => a.value !== undefined && actionPatternMatches(a.value, action)) : s.actions.some((a) => a.value === undefined || actionPatternMatches(a.value, action));
    if (!actionMatch) continue;
    const resourceMatch =
      s.notResources.length > 0
        ? !statementGlobs(model, file, s.notResources).some((g) => globCovers(g, resource))
        : s.resources.length === 0 || statementGlobs(model, file, s.resources).some((g) => globsIntersect(g, resource));
    if (!resourceMatch) continue;
    allowed = true;
    allowedBy ??= s;
  }
  return allowed ? { kind: 'granted', by: allowedBy } : { kind: 'missing' };
}

// ---------------------------------------------------------------------------------------------
// What uses a grant

/** Actions Lambda performs with the function's role for its own configuration (logs, tracing, VPC, triggers, failure destinations). */
export function platformActionsOf(fn: LambdaFunction, code: HandlerCode | undefined): string[] {
  const out = [...PLATFORM_LOG_ACTIONS];
  const tracer = code ? sdkFactsOf(code).clients.some((c) => c.service === 'tracer') : false;
  if (fn.tracing === undefined ? tracer : fn.tracing.value !== 'PassThrough') out.push(...PLATFORM_XRAY_ACTIONS);
  if (fn.vpc) out.push(...PLATFORM_VPC_ACTIONS);
  for (const t of [...fn.events, ...(fn.disabledEvents ?? [])]) out.push(...(PLATFORM_POLL_ACTIONS[t.type] ?? []));
  if (fn.asyncFailureTargets.length > 0 || fn.events.some((t) => t.onFailure)) out.push(...PLATFORM_DESTINATION_ACTIONS);
  return out;
}

/** Actions that encrypted resources use implicitly (KMS): never reported as unused. */
export function isImplicitlyUsed(pattern: string): boolean {
  const prefix = pattern.trim().split(':')[0]?.toLowerCase() ?? '';
  return IMPLICIT_PREFIXES.includes(prefix);
}

/** Whether a grant (an action pattern of an Allow statement) is used by a function: by its code on the statement's resources, or by the platform. */
export function grantUsedBy(model: AppModel, statement: IamStatement, pattern: string, fn: LambdaFunction, permissions: readonly BoundPermission[], platform: readonly string[]): boolean {
  if (isImplicitlyUsed(pattern)) return true;
  if (platform.some((a) => actionPatternMatches(pattern, a) || actionPatternMatches(a, pattern))) return true;
  const globs = statement.notResources.length > 0 ? ['*'] : statement.resources.length ? statementGlobs(model, fn.file, statement.resources) : ['*'];
  return permissions.some((p) => p.actions.some((a) => actionPatternMatches(pattern, a)) && globs.some((g) => globsIntersect(g, expand(model, fn.file, p.resource))));
}

// ---------------------------------------------------------------------------------------------
// Least-privilege policy

export interface PolicyStatement {
  actions: string[];
  /** `Fn::Sub` texts, `*` when the code does not say. */
  resources: string[];
}

/** The least-privilege statements for a function's code: actions grouped by the resources they act on. */
export function leastPrivilege(permissions: readonly BoundPermission[]): PolicyStatement[] {
  const byResource = new Map<string, Set<string>>();
  for (const p of permissions) {
    let set = byResource.get(p.resource);
    if (!set) byResource.set(p.resource, (set = new Set()));
    for (const a of p.actions) set.add(a);
  }
  const byActions = new Map<string, PolicyStatement>();
  for (const [resource, actions] of byResource) {
    const list = [...actions].sort();
    const key = list.join(',');
    const s = byActions.get(key);
    if (s) s.resources.push(resource);
    else byActions.set(key, { actions: list, resources: [resource] });
  }
  const out = [...byActions.values()];
  for (const s of out) s.resources.sort();
  return out.sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!) || a.resources[0]!.localeCompare(b.resources[0]!));
}
