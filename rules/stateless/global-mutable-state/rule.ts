import { defineRule } from '@lambda-lint/core';
import { codeOf, locOfNode, type HandlerCode, type ScopeBinding } from '@lambda-lint/handler';
import { Node, SyntaxKind, type BinaryExpression, type Identifier, type StringLiteral } from 'ts-morph';
import { posix } from 'node:path';

const ARRAY_MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const MAP_MUTATORS = new Set(['set', 'delete', 'clear']);
const SET_MUTATORS = new Set(['add', 'delete', 'clear']);

/** Binding kinds whose value is module state that a write changes. */
const STATE_KINDS = new Set(['var', 'let', 'const', 'class', 'function']);

type Container = 'array' | 'Map' | 'Set' | 'object';

interface Candidate {
  messageId: 'reassigned' | 'mutated';
  binding: ScopeBinding;
  /** What is reported: the identifier for a reassignment, the property access or the call for a mutation. */
  node: Node;
  fn: Node;
  /** The assignment, when it is one (`x = ...`), to recognise resets of lazily initialised values. */
  assignment?: BinaryExpression;
  data: Record<string, string>;
}

function unwrap(node: Node): Node {
  let cur = node;
  while (Node.isParenthesizedExpression(cur) || Node.isNonNullExpression(cur) || Node.isAsExpression(cur) || Node.isSatisfiesExpression(cur) || Node.isTypeAssertion(cur)) {
    cur = cur.getExpression();
  }
  return cur;
}

/** `a.b[c].d` -> `a`; undefined when the chain does not start at an identifier. */
function rootIdentifier(node: Node): Node | undefined {
  let cur = unwrap(node);
  while (Node.isPropertyAccessExpression(cur) || Node.isElementAccessExpression(cur)) cur = unwrap(cur.getExpression());
  return Node.isIdentifier(cur) ? cur : undefined;
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
    const root = rootIdentifier(n);
    if (!root) return undefined;
    const rootKey = refKey(code, root);
    return `${rootKey}${n.getText().replace(/\s+/g, '').replace(/\?\./g, '.').replace(/!/g, '').slice(root.getText().length)}`;
  }
  return undefined;
}

function isNullish(node: Node): boolean {
  const n = unwrap(node);
  return Node.isNullLiteral(n) || (Node.isIdentifier(n) && n.getText() === 'undefined') || Node.isVoidExpression(n);
}

function isTypeofUndefined(test: Node, other: Node, refs: (n: Node) => boolean): boolean {
  const t = unwrap(test);
  return Node.isTypeOfExpression(t) && refs(t.getExpression()) && Node.isStringLiteral(unwrap(other)) && (unwrap(other) as StringLiteral).getLiteralText() === 'undefined';
}

/** References whose falsiness a condition tests (`!x`, `x == null`, `x === undefined`, `typeof x === 'undefined'`, in `&&` / `||`). */
function falsyTested(code: HandlerCode, cond: Node, out: Set<string>): void {
  const c = unwrap(cond);
  if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const k = refKey(code, c.getOperand());
    if (k) out.add(k);
    return;
  }
  if (!Node.isBinaryExpression(c)) return;
  const op = c.getOperatorToken().getKind();
  if (op === SyntaxKind.AmpersandAmpersandToken || op === SyntaxKind.BarBarToken) {
    falsyTested(code, c.getLeft(), out);
    falsyTested(code, c.getRight(), out);
    return;
  }
  if (op === SyntaxKind.EqualsEqualsToken || op === SyntaxKind.EqualsEqualsEqualsToken) {
    const [l, r] = [c.getLeft(), c.getRight()];
    for (const [a, b] of [[l, r], [r, l]] as const) {
      if (isNullish(b)) {
        const k = refKey(code, a);
        if (k) out.add(k);
      }
      const t = unwrap(a);
      if (Node.isTypeOfExpression(t) && isTypeofUndefined(t, b, () => true)) {
        const k = refKey(code, t.getExpression());
        if (k) out.add(k);
      }
    }
  }
}

/** Whether a condition is true only when `key` is set (`x`, `!!x`, `x != null`, `x !== undefined`, in `&&`). */
function truthyTests(code: HandlerCode, cond: Node, key: string): boolean {
  const c = unwrap(cond);
  if (refKey(code, c) === key) return true;
  if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const inner = unwrap(c.getOperand());
    return Node.isPrefixUnaryExpression(inner) && inner.getOperatorToken() === SyntaxKind.ExclamationToken && refKey(code, inner.getOperand()) === key;
  }
  if (!Node.isBinaryExpression(c)) return false;
  const op = c.getOperatorToken().getKind();
  if (op === SyntaxKind.AmpersandAmpersandToken) return truthyTests(code, c.getLeft(), key) || truthyTests(code, c.getRight(), key);
  if (op === SyntaxKind.ExclamationEqualsToken || op === SyntaxKind.ExclamationEqualsEqualsToken) {
    const [l, r] = [c.getLeft(), c.getRight()];
    for (const [a, b] of [[l, r], [r, l]] as const) {
      if (isNullish(b) && refKey(code, a) === key) return true;
      const t = unwrap(a);
      if (Node.isTypeOfExpression(t) && refKey(code, t.getExpression()) === key && isTypeofUndefined(t, b, () => true)) return true;
    }
  }
  return false;
}

function alwaysExits(stmt: Node | undefined): boolean {
  if (!stmt) return false;
  if (Node.isReturnStatement(stmt) || Node.isThrowStatement(stmt)) return true;
  if (Node.isBlock(stmt)) {
    const statements = stmt.getStatements();
    return alwaysExits(statements[statements.length - 1]);
  }
  return false;
}

/** Keys of the references a statement assigns with `=` (to tell which variables an `if` initialises). */
function assignedIn(code: HandlerCode, stmt: Node): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): void => {
    if (Node.isBinaryExpression(n) && isAssignmentOperator(n.getOperatorToken().getKind())) {
      const k = refKey(code, n.getLeft());
      if (k) out.add(k);
    }
  };
  visit(stmt);
  stmt.forEachDescendant((n, traversal) => {
    if (Node.isFunctionLikeDeclaration(n) || Node.isArrowFunction(n) || Node.isFunctionExpression(n)) {
      traversal.skip();
      return;
    }
    visit(n);
  });
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
  let child: Node = assignment;
  let parent = child.getParent();
  while (parent && !Node.isSourceFile(parent)) {
    if (Node.isIfStatement(parent)) {
      const cond = parent.getExpression();
      if (child === parent.getThenStatement()) {
        const tested = new Set<string>();
        falsyTested(code, cond, tested);
        if (tested.has(key)) return true;
        if (tested.size) {
          const assigned = assignedIn(code, parent.getThenStatement());
          for (const t of tested) if (assigned.has(t)) return true;
        }
      } else if (child === parent.getElseStatement() && truthyTests(code, cond, key)) {
        return true;
      }
    } else if (Node.isConditionalExpression(parent)) {
      const cond = parent.getCondition();
      if (child === parent.getWhenFalse() && truthyTests(code, cond, key)) return true;
      if (child === parent.getWhenTrue()) {
        const tested = new Set<string>();
        falsyTested(code, cond, tested);
        if (tested.has(key)) return true;
      }
    } else if (Node.isBinaryExpression(parent) && child === parent.getRight()) {
      const op = parent.getOperatorToken().getKind();
      if ((op === SyntaxKind.BarBarToken || op === SyntaxKind.QuestionQuestionToken) && refKey(code, parent.getLeft()) === key) return true;
      if (op === SyntaxKind.AmpersandAmpersandToken) {
        const tested = new Set<string>();
        falsyTested(code, parent.getLeft(), tested);
        if (tested.has(key)) return true;
      }
    } else if (Node.isBlock(parent) || Node.isCaseClause(parent) || Node.isDefaultClause(parent)) {
      // `if (x) return x;` before the assignment, in the same statement list
      for (const st of parent.getStatements()) {
        if (st === child) break;
        if (Node.isIfStatement(st) && alwaysExits(st.getThenStatement()) && truthyTests(code, st.getExpression(), key)) return true;
      }
    }
    if (Node.isFunctionLikeDeclaration(parent) || Node.isArrowFunction(parent) || Node.isFunctionExpression(parent)) break;
    child = parent;
    parent = parent.getParent();
  }
  return false;
}

/** The module-level binding a written reference belongs to, if it is module state this rule tracks. */
function moduleState(code: HandlerCode, root: Node): ScopeBinding | undefined {
  if (!Node.isIdentifier(root)) return undefined;
  const b = code.resolveReference(root);
  if (!b || !b.moduleLevel || b.importFrom || !STATE_KINDS.has(b.kind)) return undefined;
  return b;
}

/** What a module-level container holds, from its declaration: `[]`, `new Map()`, `{...}`. */
function containerOf(binding: ScopeBinding, receiver: Node): Container | undefined {
  let value: Node | undefined = binding.initializer;
  // Walk `state.items.list` through nested object literals.
  const names: string[] = [];
  let cur = unwrap(receiver);
  while (Node.isPropertyAccessExpression(cur)) {
    names.unshift(cur.getName());
    cur = unwrap(cur.getExpression());
  }
  if (!Node.isIdentifier(cur)) return undefined;
  for (const name of names) {
    value = value ? unwrap(value) : undefined;
    if (!value || !Node.isObjectLiteralExpression(value)) return undefined;
    const prop = value.getProperty(name);
    value = prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
  }
  if (!value) return undefined;
  value = unwrap(value);
  if (Node.isArrayLiteralExpression(value)) return 'array';
  if (Node.isObjectLiteralExpression(value)) return 'object';
  if (Node.isNewExpression(value) || Node.isCallExpression(value)) {
    const callee = unwrap(value.getExpression()).getText();
    if (callee === 'Map' || callee === 'WeakMap') return 'Map';
    if (callee === 'Set' || callee === 'WeakSet') return 'Set';
    if (callee === 'Array' || callee === 'Array.from' || callee === 'Array.of') return 'array';
    if (callee === 'Object.create') return 'object';
  }
  return undefined;
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

      const declared = (b: ScopeBinding, at: Node): string => {
        const line = b.nameNode.getStartLineNumber();
        if (b.file === at.getSourceFile().getFilePath()) return `declared on line ${line}`;
        return `declared in ${posix.relative(root, b.file)}:${line}`;
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
          const b = moduleState(code, t);
          if (!b || (b.kind !== 'var' && b.kind !== 'let')) return;
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
          const c: Candidate = { messageId: 'reassigned', binding: b, node: t, fn, data: { function: code.functionName(fn), name: b.name, declared: declared(b, t), action } };
          if (assignment) c.assignment = assignment;
          candidates.push(c);
          return;
        }
        if (Node.isPropertyAccessExpression(t) || Node.isElementAccessExpression(t)) {
          const r = rootIdentifier(t);
          const b = r ? moduleState(code, r) : undefined;
          if (!b) return;
          if (isLazyOp || (assignment && operator === SyntaxKind.EqualsToken && isLazyInit(code, assignment, t))) return;
          const operation =
            operator === SyntaxKind.DeleteKeyword
              ? `delete ${compact(t)}`
              : operatorText(operator)
                ? `${compact(t)}${operatorText(operator)}`
                : `assigning ${compact(t)}`;
          candidates.push({
            messageId: 'mutated',
            binding: b,
            node: t,
            fn,
            data: { function: code.functionName(fn), what: containerOf(b, r!) ?? kindWord(b), name: b.name, declared: declared(b, t), operation },
          });
        }
      };

      code.forEachReachableNode((node, fn) => {
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
        if (method === 'assign' && Node.isIdentifier(unwrap(receiver)) && unwrap(receiver).getText() === 'Object' && !code.resolveIdentifier(unwrap(receiver) as Identifier)) {
          const target = node.getArguments()[0];
          const r = target ? rootIdentifier(target) : undefined;
          const b = r ? moduleState(code, r) : undefined;
          if (!b || !target) return;
          candidates.push({
            messageId: 'mutated',
            binding: b,
            node,
            fn,
            data: { function: code.functionName(fn), what: containerOf(b, target) ?? kindWord(b), name: b.name, declared: declared(b, node), operation: `Object.assign(${compact(target)}, ...)` },
          });
          return;
        }
        const r = rootIdentifier(receiver);
        const b = r ? moduleState(code, r) : undefined;
        if (!b) return;
        const container = containerOf(b, receiver);
        if (!container || !containerMutates(container, method)) return;
        candidates.push({
          messageId: 'mutated',
          binding: b,
          node,
          fn,
          data: { function: code.functionName(fn), what: container, name: b.name, declared: declared(b, node), operation: `${compact(receiver)}.${method}()` },
        });
      });

      for (const c of candidates) {
        // Resetting a lazily initialised value so that the next request recreates it (`client = undefined` after an error).
        if (c.messageId === 'reassigned' && lazy.has(c.binding) && c.assignment && isNullish(c.assignment.getRight())) continue;
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
