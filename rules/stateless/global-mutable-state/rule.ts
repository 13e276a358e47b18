import { defineRule } from '@lambda-lint/core';
import {
  alwaysExits,
  codeOf,
  forEachDescendantNode,
  intersects,
  isNullish,
  keysTestedSet,
  keysTestedUnset,
  locOfNode,
  skipOuterExpressions,
  unwrapExpression as unwrap,
  type HandlerCode,
  type ReferenceKey,
  type ScopeBinding,
} from '@lambda-lint/handler';
import { Node, SyntaxKind, type BinaryExpression, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import { posix } from 'node:path';
import { forEachReachableWhere, STATEMENT_AND_WRITE_KINDS } from '../../support/code-facts.js';

const ARRAY_MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const MAP_MUTATORS = new Set(['set', 'delete', 'clear']);
const SET_MUTATORS = new Set(['add', 'delete', 'clear']);

/** The nodes that can write: assignments, `++`/`--`, `delete`, mutating calls (visited in the list of {@link STATEMENT_AND_WRITE_KINDS}). */
const WRITE_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.BinaryExpression,
  SyntaxKind.PrefixUnaryExpression,
  SyntaxKind.PostfixUnaryExpression,
  SyntaxKind.DeleteExpression,
  SyntaxKind.CallExpression,
]);

/** Binding kinds whose value is module state that a write changes. */
const STATE_KINDS = new Set(['var', 'let', 'const', 'class', 'function']);

type Container = 'array' | 'Map' | 'Set' | 'object';

interface Candidate {
  messageId: 'reassigned' | 'mutated';
  /** The variable, for a reassignment. */
  binding?: ScopeBinding;
  /** What is reported: the identifier for a reassignment, the property access or the call for a mutation. */
  node: Node;
  /** The assignment, when it is one (`x = ...`), to recognise resets of lazily initialised values. */
  assignment?: BinaryExpression;
  /** The function that writes and the written reference, to recognise initialisation functions called under a guard. */
  writer?: { fn: Node; key: string };
  /** Set once the write is known to be one-time initialisation. */
  lazy?: boolean;
  data: Record<string, string>;
}

/** `a.b[c].d` -> `a`, `this.x.y` -> `this`; undefined when the chain starts elsewhere (a call, a literal). */
function rootOf(node: Node): Node | undefined {
  let cur = unwrap(node);
  while (Node.isPropertyAccessExpression(cur) || Node.isElementAccessExpression(cur)) cur = unwrap(cur.getExpression());
  return Node.isIdentifier(cur) || Node.isThisExpression(cur) ? cur : undefined;
}

/** The static property names from the root to `node`: `a.b.c` -> ['b', 'c']; undefined if one is computed. */
function pathOf(node: Node): string[] | undefined {
  const names: string[] = [];
  let cur = unwrap(node);
  while (Node.isPropertyAccessExpression(cur) || Node.isElementAccessExpression(cur)) {
    if (Node.isPropertyAccessExpression(cur)) names.unshift(cur.getName());
    else {
      const arg = unwrap(cur.getArgumentExpression() ?? cur);
      if (!Node.isStringLiteral(arg) && !Node.isNoSubstitutionTemplateLiteral(arg)) return undefined;
      names.unshift(arg.getLiteralText());
    }
    cur = unwrap(cur.getExpression());
  }
  return names;
}

function isAssignmentOperator(kind: SyntaxKind): boolean {
  return kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;
}

/** A stable key for comparing two references to the same variable or member chain. */
function refKey(code: HandlerCode, node: Node): string | undefined {
  const n = unwrap(node);
  if (Node.isIdentifier(n)) {
    const b = code.resolveReference(n);
    return b ? `${b.file}:${b.nameNode.getStart()}` : `global:${n.getText()}`;
  }
  if (Node.isPropertyAccessExpression(n) || Node.isElementAccessExpression(n)) {
    const root = rootOf(n);
    if (!root) return undefined;
    const rootKey = Node.isThisExpression(root) ? 'this' : refKey(code, root);
    return `${rootKey}${n.getText().replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '').slice(root.getText().length)}`;
  }
  return undefined;
}

/** Keys of the references some statements assign (to tell which variables a guarded block initialises). */
function assignedIn(code: HandlerCode, statements: readonly Node[]): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): boolean => {
    if (Node.isFunctionLikeDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n)) return false;
    if (Node.isBinaryExpression(n) && isAssignmentOperator(n.getOperatorToken().getKind())) {
      const k = refKey(code, n.getLeft());
      if (k) out.add(k);
    }
    return true;
  };
  for (const st of statements) if (visit(st)) forEachDescendantNode(st, visit);
  return out;
}

/**
 * One-time initialisation of a module-level value rather than per-request state:
 * `x = x ?? make()`, `x = x || make()`, `if (!x) x = make()`, `if (x === undefined) { x = ... }`,
 * `if (x) return x; x = make()`, `x || (x = make())`, `x ?? (x = make())`, `x ? x : (x = make())`,
 * and other module-level values assigned in the same guarded block (`if (!token) { token = ...; fetchedAt = ... }`).
 */
function isLazyInit(code: HandlerCode, assignment: BinaryExpression, target: Node): boolean {
  const key = refKey(code, target);
  if (!key) return false;
  const right = unwrap(assignment.getRight());
  if (Node.isBinaryExpression(right)) {
    const op = right.getOperatorToken().getKind();
    if ((op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken) && refKey(code, right.getLeft()) === key) return true;
  }
  return isGuarded(code, assignment, key);
}

/**
 * Whether `start` (an assignment, or a call of an initialisation function) only runs while the
 * reference `key` is not set yet, judging by the code around it in its function.
 */
function isGuarded(code: HandlerCode, start: Node, key: string): boolean {
  const keyOf: ReferenceKey = (node) => refKey(code, node);
  let child: Node = start;
  let parent = child.getParent();
  while (parent && !Node.isSourceFile(parent)) {
    if (Node.isIfStatement(parent)) {
      const cond = parent.getExpression();
      if (child === parent.getThenStatement()) {
        // `if (!x) { x = ...; y = ... }`: x, and whatever else the guarded block sets up with it
        const unset = keysTestedUnset(cond, keyOf);
        if (unset.has(key) || (unset.size > 0 && intersects(unset, assignedIn(code, [child])))) return true;
      } else if (child === parent.getElseStatement()) {
        const set = keysTestedSet(cond, keyOf);
        if (set.has(key) || (set.size > 0 && intersects(set, assignedIn(code, [child])))) return true;
      }
    } else if (Node.isConditionalExpression(parent)) {
      const cond = parent.getCondition();
      if (child === parent.getWhenFalse() && keysTestedSet(cond, keyOf).has(key)) return true;
      if (child === parent.getWhenTrue() && keysTestedUnset(cond, keyOf).has(key)) return true;
    } else if (Node.isBinaryExpression(parent) && child === parent.getRight()) {
      const op = parent.getOperatorToken().getKind();
      if ((op === SyntaxKind.BarBarToken || op === SyntaxKind.QuestionQuestionToken) && refKey(code, parent.getLeft()) === key) return true;
      const left = parent.getLeft();
      if (op === SyntaxKind.AmpersandAmpersandToken && keysTestedUnset(left, keyOf).has(key)) return true;
    } else if (Node.isBlock(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent)) {
      // `if (x) return x; x = ...` (also `if (token && Date.now() < expiresAt) return token; token = ...; expiresAt = ...`)
      const statements = parent.getStatements();
      const index = statements.indexOf(child as (typeof statements)[number]);
      for (let i = 0; i < index; i++) {
        const st = statements[i]!;
        if (!Node.isIfStatement(st) || !alwaysExits(st.getThenStatement())) continue;
        const set = keysTestedSet(st.getExpression(), keyOf);
        if (set.has(key) || (set.size > 0 && intersects(set, assignedIn(code, statements.slice(i + 1, index + 1))))) return true;
      }
    }
    if (Node.isFunctionLikeDeclaration(parent) || Node.isArrowFunction(parent) || Node.isFunctionExpression(parent)) break;
    child = parent;
    parent = parent.getParent();
  }
  return false;
}

/** Module state a write can reach: a module-level binding, or a module-level instance of a class (through `this`). */
interface State {
  name: string;
  /** How the message calls it when it is not a known container: object, class, function, instance of X. */
  what: string;
  /** Where it is declared (the variable name). */
  declaredAt: Node;
  /** The variable binding, for reassignments. */
  binding?: ScopeBinding;
  /** The initial value at a property path (`[]` for the value itself). */
  initial(path: readonly string[]): Node | undefined;
}

function objectProperty(value: Node | undefined, name: string): Node | undefined {
  const v = value ? unwrap(value) : undefined;
  if (!v || !Node.isObjectLiteralExpression(v)) return undefined;
  const prop = v.getProperty(name);
  return prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
}

function walkPath(value: Node | undefined, path: readonly string[]): Node | undefined {
  let v = value;
  for (const name of path) v = objectProperty(v, name);
  return v;
}

/** The module-level binding a written reference starts at, if it is module state this rule tracks. */
function bindingState(code: HandlerCode, root: Node): State | undefined {
  if (!Node.isIdentifier(root)) return undefined;
  const b = code.resolveReference(root);
  if (!b || !b.moduleLevel || b.importFrom || !STATE_KINDS.has(b.kind)) return undefined;
  return { name: b.name, what: kindWord(b), declaredAt: b.nameNode, binding: b, initial: (path) => walkPath(b.initializer, path) };
}

/**
 * `this` in an instance method of a class whose every instance is created at module scope
 * (`const service = new Service()`): a singleton whose fields live as long as the environment.
 * Constructors and field initialisers run once per instance and are not per-request writes.
 */
function instanceState(code: HandlerCode, thisNode: Node): State | undefined {
  let cur = thisNode.getParent();
  while (cur && Node.isArrowFunction(cur)) cur = cur.getParent();
  while (cur && !Node.isMethodDeclaration(cur) && !Node.isGetAccessorDeclaration(cur) && !Node.isSetAccessorDeclaration(cur)) {
    if (Node.isFunctionDeclaration(cur) || Node.isFunctionExpression(cur) || Node.isConstructorDeclaration(cur) || Node.isPropertyDeclaration(cur) || Node.isClassStaticBlockDeclaration(cur) || Node.isSourceFile(cur)) {
      return undefined;
    }
    cur = cur.getParent();
    while (cur && Node.isArrowFunction(cur)) cur = cur.getParent();
  }
  if (!cur || cur.isStatic()) return undefined;
  const cls = cur.getParent();
  if (!Node.isClassDeclaration(cls) && !Node.isClassExpression(cls)) return undefined;
  const instances = code.instantiationsOf(cls);
  if (instances.length === 0 || instances.some((n) => !code.isAtModuleScope(n))) return undefined;
  const first = instances[0]!;
  let holder = first.getParent();
  while (holder && (Node.isParenthesizedExpression(holder) || Node.isAsExpression(holder) || Node.isSatisfiesExpression(holder))) holder = holder.getParent();
  const variable = holder && Node.isVariableDeclaration(holder) ? holder : undefined;
  const className = cls.getName() ?? 'anonymous class';
  return {
    name: variable ? variable.getName() : `new ${className}()`,
    what: `instance of ${className}`,
    declaredAt: variable ? variable.getNameNode() : first,
    initial: (path) => {
      if (path.length === 0) return undefined;
      const [field, ...rest] = path;
      let value: Node | undefined;
      const prop = cls.getProperty(field!);
      if (prop && !prop.isStatic()) value = prop.getInitializer();
      if (!value) {
        for (const ctor of cls.getConstructors()) {
          for (const st of ctor.getStatements()) {
            if (!Node.isExpressionStatement(st)) continue;
            const e = unwrap(st.getExpression());
            if (!Node.isBinaryExpression(e) || e.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) continue;
            const left = unwrap(e.getLeft());
            if (Node.isPropertyAccessExpression(left) && Node.isThisExpression(unwrap(left.getExpression())) && left.getName() === field) value = e.getRight();
          }
        }
      }
      return walkPath(value, rest);
    },
  };
}

function stateOf(code: HandlerCode, root: Node): State | undefined {
  return Node.isThisExpression(root) ? instanceState(code, root) : bindingState(code, root);
}

/** What kind of container a value is, from how it is created: `[]`, `new Map()`, `{...}`. */
function containerKind(value: Node | undefined): Container | undefined {
  if (!value) return undefined;
  const v = unwrap(value);
  if (Node.isArrayLiteralExpression(v)) return 'array';
  if (Node.isObjectLiteralExpression(v)) return 'object';
  if (Node.isNewExpression(v) || Node.isCallExpression(v)) {
    const callee = unwrap(v.getExpression()).getText();
    if (callee === 'Map' || callee === 'WeakMap') return 'Map';
    if (callee === 'Set' || callee === 'WeakSet') return 'Set';
    if (callee === 'Array' || callee === 'Array.from' || callee === 'Array.of') return 'array';
    if (callee === 'Object.create') return 'object';
  }
  return undefined;
}

/** Every method name {@link containerMutates} knows, and `Object.assign`. */
const MUTATING_METHODS = new Set(['assign', ...ARRAY_MUTATORS, ...MAP_MUTATORS, ...SET_MUTATORS]);

/**
 * Whether a node of {@link WRITE_KINDS} can write at all, read on the compiler node: an assignment,
 * `++`/`--`, `delete`, or a call of a method that mutates a container. Most calls are none of these
 * and are skipped before ts-morph wraps their parts.
 */
/**
 * After {@link mayWrite}: whether what a node writes may be module state, read on the compiler node
 * as the check reads it on the wrappers: the written expression's root is a module-level binding of
 * the module's own (not an import), or `this`. Most writes are to locals and need no wrappers.
 */
function mayWriteState(code: HandlerCode, n: ts.Node): boolean {
  switch (n.kind) {
    case SyntaxKind.BinaryExpression:
      return rootMayBeState(code, (n as ts.BinaryExpression).left);
    case SyntaxKind.PrefixUnaryExpression:
    case SyntaxKind.PostfixUnaryExpression:
      return rootMayBeState(code, (n as ts.PrefixUnaryExpression).operand);
    case SyntaxKind.DeleteExpression:
      return rootMayBeState(code, (n as ts.DeleteExpression).expression);
    case SyntaxKind.CallExpression: {
      const callee = skipOuterExpressions((n as ts.CallExpression).expression) as ts.PropertyAccessExpression;
      // `Object.assign(state, ...)` writes its first argument.
      return callee.name.text === 'assign' || rootMayBeState(code, callee.expression);
    }
    default:
      return true;
  }
}

function rootMayBeState(code: HandlerCode, target: ts.Node): boolean {
  let cur = skipOuterExpressions(target);
  // Destructuring (`[a, b] = ...`, `({ a } = ...)`, defaults): each element is looked at by the check.
  if (cur.kind === SyntaxKind.ArrayLiteralExpression || cur.kind === SyntaxKind.ObjectLiteralExpression || cur.kind === SyntaxKind.BinaryExpression) return true;
  while (cur.kind === SyntaxKind.PropertyAccessExpression || cur.kind === SyntaxKind.ElementAccessExpression) cur = skipOuterExpressions((cur as ts.PropertyAccessExpression).expression);
  if (cur.kind === SyntaxKind.ThisKeyword) return true;
  if (cur.kind !== SyntaxKind.Identifier) return false;
  const b = code.resolveReference(cur);
  return !!b && b.moduleLevel && !b.importFrom && STATE_KINDS.has(b.kind);
}

function mayWrite(n: ts.Node): boolean {
  switch (n.kind) {
    case SyntaxKind.BinaryExpression:
      return isAssignmentOperator((n as ts.BinaryExpression).operatorToken.kind);
    case SyntaxKind.PrefixUnaryExpression:
    case SyntaxKind.PostfixUnaryExpression: {
      const op = (n as ts.PrefixUnaryExpression).operator;
      return op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken;
    }
    case SyntaxKind.CallExpression: {
      const callee = skipOuterExpressions((n as ts.CallExpression).expression);
      return callee.kind === SyntaxKind.PropertyAccessExpression && MUTATING_METHODS.has((callee as ts.PropertyAccessExpression).name.text);
    }
    default:
      return true;
  }
}

function containerMutates(container: Container, method: string): boolean {
  if (container === 'array') return ARRAY_MUTATORS.has(method);
  if (container === 'Map') return MAP_MUTATORS.has(method);
  if (container === 'Set') return SET_MUTATORS.has(method);
  return false;
}

function operatorText(kind: SyntaxKind): string {
  switch (kind) {
    case SyntaxKind.PlusPlusToken:
      return '++';
    case SyntaxKind.MinusMinusToken:
      return '--';
    default:
      return '';
  }
}

export default defineRule({
  id: 'global-mutable-state',
  category: 'stateless',
  severity: 'error',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Module-scope state written per request: a module-level variable reassigned, or a module-level array, Map, Set or object mutated, in the handler or a function it calls.',
  messages: {
    reassigned:
      '{{function}}: module-level "{{name}}" ({{declared}}) is {{action}} on every invocation; warm environments keep module scope between requests, so its value leaks from one request into the next and differs between concurrent environments. Keep per-request state inside the handler; keep only reusable clients and caches at module scope, initialised once (`client ??= new Client()`).',
    mutated:
      '{{function}}: module-level {{what}} "{{name}}" ({{declared}}) is mutated by {{operation}} on every invocation; warm environments keep it between requests, so data of one request leaks into the next, grows without bound and differs between concurrent environments. Build per-request data inside the handler; if this is a deliberate cache, bound its size and suppress this finding with a reason.',
  },
  defaultOptions: {},
  check(ctx) {
    const root = ctx.model.root;
    for (const binding of ctx.handlers) {
      // Functions that share a handler share its analysis; the engine drops the identical findings.
      const code = codeOf(binding);
      const candidates: Candidate[] = [];
      const lazy = new Set<ScopeBinding>();

      const declared = (state: State, at: Node): string => {
        const line = state.declaredAt.getStartLineNumber();
        const file = state.declaredAt.getSourceFile().getFilePath();
        if (file === at.getSourceFile().getFilePath()) return `declared on line ${line}`;
        return `declared in ${posix.relative(root, file)}:${line}`;
      };

      /** `container` is what the written value is, at `path` below the state (`state.items` -> ['items']). */
      const mutated = (state: State, node: Node, fn: Node, container: Container | undefined, path: readonly string[], operation: string, writer?: Candidate['writer']): void => {
        const name = container ? [state.name, ...path].join('.') : state.name;
        const c: Candidate = {
          messageId: 'mutated',
          node,
          data: { function: code.functionName(fn), what: container ?? state.what, name, declared: declared(state, node), operation },
        };
        if (writer) c.writer = writer;
        candidates.push(c);
      };
      // Where each function is called from is only asked for a candidate that may initialise: the
      // calls of reachable code are wrapped then, not while looking for writes.
      let callersOf: Map<Node, Node[]> | undefined;
      const callers = (): Map<Node, Node[]> => {
        if (callersOf) return callersOf;
        callersOf = new Map();
        const calls = code.reachableNodes([SyntaxKind.CallExpression]);
        for (let i = 0; i < calls.nodes.length; i++) {
          // Read on the compiler node: only the calls of local functions are wrapped.
          const callee = (calls.nodes[i] as ts.CallExpression).expression;
          if (code.functionNodesOf(callee).length === 0) continue;
          const call = calls.node<CallExpression>(i);
          for (const target of code.functionsOf(callee)) {
            const sites = callersOf.get(target);
            if (sites) sites.push(call);
            else callersOf.set(target, [call]);
          }
        }
        return callersOf;
      };
      /** The module state each function assigns with `=`. */
      const assignedBy = new Map<Node, Set<string>>();
      const noteAssignment = (fn: Node, target: Node): void => {
        const key = refKey(code, target);
        if (!key) return;
        const keys = assignedBy.get(fn);
        if (keys) keys.add(key);
        else assignedBy.set(fn, new Set([key]));
      };

      const write = (target: Node, fn: Node, operator: SyntaxKind, assignment: BinaryExpression | undefined): void => {
        const t = unwrap(target);
        // Destructuring assignment: `[a, b] = ...`, `({ a } = ...)`
        if (Node.isArrayLiteralExpression(t)) {
          for (const el of t.getElements()) write(Node.isSpreadElement(el) ? el.getExpression() : el, fn, operator, undefined);
          return;
        }
        if (Node.isObjectLiteralExpression(t)) {
          for (const p of t.getProperties()) {
            if (Node.isShorthandPropertyAssignment(p)) write(p.getNameNode(), fn, operator, undefined);
            else if (Node.isPropertyAssignment(p)) write(p.getInitializerOrThrow(), fn, operator, undefined);
            else if (Node.isSpreadAssignment(p)) write(p.getExpression(), fn, operator, undefined);
          }
          return;
        }
        if (Node.isBinaryExpression(t) && t.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
          // a default value in a destructuring pattern: `[a = 1] = ...`
          write(t.getLeft(), fn, operator, undefined);
          return;
        }
        const isLazyOp = operator === SyntaxKind.QuestionQuestionEqualsToken || operator === SyntaxKind.BarBarEqualsToken;
        if (Node.isIdentifier(t)) {
          const state = bindingState(code, t);
          const b = state?.binding;
          if (!state || !b || (b.kind !== 'var' && b.kind !== 'let')) return;
          if (assignment && operator === SyntaxKind.EqualsToken) noteAssignment(fn, t);
          if (isLazyOp || (assignment && operator === SyntaxKind.EqualsToken && isLazyInit(code, assignment, t))) {
            lazy.add(b);
            return;
          }
          const action =
            operator === SyntaxKind.EqualsToken
              ? 'reassigned'
              : operator === SyntaxKind.PlusPlusToken
                ? 'incremented'
                : operator === SyntaxKind.MinusMinusToken
                  ? 'decremented'
                  : `updated with ${assignmentText(assignment)}`;
          const c: Candidate = { messageId: 'reassigned', binding: b, node: t, data: { function: code.functionName(fn), name: b.name, declared: declared(state, t), action } };
          if (assignment) c.assignment = assignment;
          const key = refKey(code, t);
          if (assignment && operator === SyntaxKind.EqualsToken && key) c.writer = { fn, key };
          candidates.push(c);
          return;
        }
        if (Node.isPropertyAccessExpression(t) || Node.isElementAccessExpression(t)) {
          const r = rootOf(t);
          const state = r ? stateOf(code, r) : undefined;
          if (!state) return;
          if (assignment && operator === SyntaxKind.EqualsToken) noteAssignment(fn, t);
          if (isLazyOp || (assignment && operator === SyntaxKind.EqualsToken && isLazyInit(code, assignment, t))) return;
          const key = assignment && operator === SyntaxKind.EqualsToken ? refKey(code, t) : undefined;
          const operation =
            operator === SyntaxKind.DeleteKeyword
              ? `delete ${compact(t)}`
              : operatorText(operator)
                ? `${compact(t)}${operatorText(operator)}`
                : `assigning ${compact(t)}`;
          mutated(state, t, fn, containerKind(state.initial([])), [], operation, key ? { fn, key } : undefined);
        }
      };

      forEachReachableWhere(code, (n) => WRITE_KINDS.has(n.kind) && mayWrite(n) && mayWriteState(code, n), (node, fn) => {
        if (Node.isBinaryExpression(node)) {
          const op = node.getOperatorToken().getKind();
          if (isAssignmentOperator(op)) write(node.getLeft(), fn, op, node);
          return;
        }
        if (Node.isPrefixUnaryExpression(node) || Node.isPostfixUnaryExpression(node)) {
          const op = node.getOperatorToken();
          if (op === SyntaxKind.PlusPlusToken || op === SyntaxKind.MinusMinusToken) write(node.getOperand(), fn, op, undefined);
          return;
        }
        if (Node.isDeleteExpression(node)) {
          write(node.getExpression(), fn, SyntaxKind.DeleteKeyword, undefined);
          return;
        }
        if (!Node.isCallExpression(node)) return;
        const callee = unwrap(node.getExpression());
        if (!Node.isPropertyAccessExpression(callee)) return;
        const method = callee.getName();
        const receiver = callee.getExpression();
        // Object.assign(state, ...)
        const objectGlobal = unwrap(receiver);
        if (method === 'assign' && Node.isIdentifier(objectGlobal) && objectGlobal.getText() === 'Object' && !code.resolveIdentifier(objectGlobal)) {
          const target = node.getArguments()[0];
          const r = target ? rootOf(target) : undefined;
          const state = r ? stateOf(code, r) : undefined;
          const path = target ? pathOf(target) : undefined;
          if (!state || !target) return;
          mutated(state, node, fn, path ? containerKind(state.initial(path)) : undefined, path ?? [], `Object.assign(${compact(target)}, ...)`);
          return;
        }
        const r = rootOf(receiver);
        const state = r ? stateOf(code, r) : undefined;
        const path = pathOf(receiver);
        if (!state || !path) return;
        const container = containerKind(state.initial(path));
        if (!container || !containerMutates(container, method)) return;
        mutated(state, node, fn, container, path, `${compact(receiver)}.${method}()`);
      }, STATEMENT_AND_WRITE_KINDS);

      // An initialisation function whose every call is guarded (`if (!db) await connect();` with `db = ...` in connect).
      // Every call must be guarded by a value the function sets up (`db`, and `openedAt` set along with it).
      const initialises = (writer: NonNullable<Candidate['writer']>): boolean => {
        const sites = callers().get(writer.fn);
        const keys = [...(assignedBy.get(writer.fn) ?? [writer.key])];
        return !!sites && sites.length > 0 && sites.every((site) => keys.some((k) => isGuarded(code, site, k)));
      };
      for (const c of candidates) {
        if (c.writer && initialises(c.writer)) {
          if (c.binding) lazy.add(c.binding);
          c.lazy = true;
        }
      }
      for (const c of candidates) {
        if (c.lazy) continue;
        // Resetting a lazily initialised value so that the next request recreates it (`client = undefined` after an error).
        if (c.messageId === 'reassigned' && c.binding && lazy.has(c.binding) && c.assignment && isNullish(c.assignment.getRight())) continue;
        ctx.report({ messageId: c.messageId, data: c.data, loc: locOfNode(c.node), fn: binding.fn });
      }
    }
  },
});

function compact(node: Node): string {
  const text = node.getText().replace(/\s+/g, '');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function assignmentText(assignment: BinaryExpression | undefined): string {
  return assignment ? assignment.getOperatorToken().getText() : '=';
}

function kindWord(b: ScopeBinding): string {
  if (b.kind === 'class') return 'class';
  if (b.kind === 'function') return 'function';
  return 'object';
}
