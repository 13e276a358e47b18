import { ts } from '@lambda-lint/handler/ts-morph';
import {
  enclosingBoundary,
  forEachBindingIdentifier,
  isCodeBoundary,
  isTsFunctionLike,
  requireSpecifier,
  skipOuterExpressions,
  stringLiteralValue,
  propertyNameText,
  varKindOf,
  walkDescendants,
} from './syntax.js';

const SK = ts.SyntaxKind;

export type BindingKind =
  | 'var'
  | 'let'
  | 'const'
  | 'using'
  | 'parameter'
  | 'function'
  | 'class'
  | 'enum'
  | 'namespace'
  | 'import'
  | 'catch'
  /** The own name of a function or class expression, visible inside it. */
  | 'function-name'
  | 'class-name';

/** Where a binding comes from when it is imported (ESM import, `import x = require()`, or a `require()`/`import()` initialiser). */
export interface ImportOrigin {
  /** The module specifier as written (`'fs'`, `'./lib/db.js'`). */
  specifier: string;
  /** `'default'`, `'*'` for the whole module (namespace import, `const x = require('m')`), or the imported name. */
  importedName: string;
}

/** A declared name, on compiler nodes. The public form is {@link ScopeBinding}. */
export interface TsBinding {
  name: string;
  kind: BindingKind;
  nameNode: ts.Identifier;
  /**
   * The declaring node: VariableDeclaration, ParameterDeclaration, FunctionDeclaration,
   * ClassDeclaration/ClassExpression, FunctionExpression (own name), EnumDeclaration,
   * ModuleDeclaration, ImportClause, ImportSpecifier, NamespaceImport,
   * ImportEqualsDeclaration, or the catch clause's VariableDeclaration.
   */
  declaration: ts.Node;
  /** Set when the name is declared inside a destructuring pattern. */
  bindingElement: ts.BindingElement | undefined;
  /** The node that owns the scope the name is declared in. */
  scope: ts.Node;
  /** Declared at module scope: not inside any function, method, or class static block. */
  moduleLevel: boolean;
  importFrom: ImportOrigin | undefined;
}

type Table = Map<string, TsBinding>;

/**
 * Lexical scope resolution, built lazily per scope and cached. One index serves every file of a
 * program. A node finds its scope by walking up a few levels; past SHORT_WALK levels (generated
 * code) the nearest enclosing scope of each node passed is remembered, so that identifiers deep in
 * such code do not rewalk their ancestors: resolution stays amortised O(1) per ancestor.
 */
export class ScopeIndex {
  readonly #tables = new Map<ts.Node, Table>();
  readonly #nearest = new Map<ts.Node, ts.Node | null>();
  readonly #resolved = new Map<ts.Identifier, TsBinding | null>();

  /**
   * The binding an identifier refers to, walking enclosing scopes; undefined for globals and
   * property names. Remembered per identifier: rules ask again for every handler that reaches it.
   */
  resolve(id: ts.Identifier): TsBinding | undefined {
    const known = this.#resolved.get(id);
    if (known !== undefined) return known ?? undefined;
    const binding = this.#resolveUncached(id);
    this.#resolved.set(id, binding ?? null);
    return binding;
  }

  #resolveUncached(id: ts.Identifier): TsBinding | undefined {
    if (isPropertyNameIdentifier(id)) return undefined;
    let start: ts.Node = id;
    // The name of a function/class declaration lives in the enclosing scope.
    const p = id.parent;
    if (p && (p.kind === SK.FunctionDeclaration || p.kind === SK.ClassDeclaration) && (p as ts.FunctionDeclaration).name === id) {
      start = p;
    }
    return this.resolveName(id.text, start);
  }

  /** Looks `name` up from the position of `from`, walking outward. */
  resolveName(name: string, from: ts.Node): TsBinding | undefined {
    let scope = this.#scopeAbove(from);
    while (scope) {
      const b = this.table(scope).get(name);
      if (b) return b;
      scope = this.#scopeAbove(scope);
    }
    return undefined;
  }

  /** The nearest ancestor of `node` that is a scope for it. */
  #scopeAbove(node: ts.Node): ts.Node | undefined {
    // Code is a few levels below its scope: a plain walk up costs less than the cache's lookups.
    let child = node;
    let cur = node.parent;
    for (let steps = 0; cur && steps < SHORT_WALK; steps++) {
      if (isScopeOf(cur, child)) return cur;
      child = cur;
      cur = cur.parent;
    }
    return cur ? this.#scopeAboveRemembered(node) : undefined;
  }

  /** {@link #scopeAbove} for a node deep below its scope (generated code): the answer is kept for every node passed. */
  #scopeAboveRemembered(node: ts.Node): ts.Node | undefined {
    const path: ts.Node[] = [];
    let child = node;
    let cur = node.parent;
    let found: ts.Node | null = null;
    while (cur) {
      if (isScopeOf(cur, child)) {
        found = cur;
        break;
      }
      const known = this.#nearest.get(child);
      if (known !== undefined && child !== node) {
        found = known;
        break;
      }
      path.push(child);
      child = cur;
      cur = cur.parent;
    }
    // Everything between `node` and the scope found shares it (the starting node excepted: it may be the class name).
    for (let i = 1; i < path.length; i++) this.#nearest.set(path[i]!, found);
    return found ?? undefined;
  }

  /** All names declared directly in a scope node. */
  declarationsOf(scope: ts.Node): ReadonlyMap<string, TsBinding> {
    return this.table(scope);
  }

  private table(scope: ts.Node): Table {
    let t = this.#tables.get(scope);
    if (!t) {
      t = buildTable(scope);
      this.#tables.set(scope, t);
    }
    return t;
  }
}

/** `a.b` (b), `{ b: 1 }` (b), `class { b() {} }` (b), labels: identifiers that never name a variable. */
export function isPropertyNameIdentifier(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  switch (p.kind) {
    case SK.PropertyAccessExpression:
      return (p as ts.PropertyAccessExpression).name === id;
    case SK.QualifiedName:
      return (p as ts.QualifiedName).right === id;
    case SK.PropertyAssignment:
    case SK.PropertyDeclaration:
    case SK.PropertySignature:
    case SK.MethodDeclaration:
    case SK.MethodSignature:
    case SK.GetAccessor:
    case SK.SetAccessor:
    case SK.EnumMember:
      return (p as ts.PropertyAssignment).name === id;
    case SK.BindingElement:
      return (p as ts.BindingElement).propertyName === id;
    case SK.LabeledStatement:
    case SK.BreakStatement:
    case SK.ContinueStatement:
      return true;
    case SK.ImportSpecifier:
    case SK.ExportSpecifier:
      return (p as ts.ImportSpecifier).propertyName === id;
    case SK.JsxAttribute:
      return true;
    default:
      return false;
  }
}

/** Levels {@link ScopeIndex} walks up from a node before it remembers the walk. */
const SHORT_WALK = 32;

/** Whether `node` is the scope of its child `child`: a class expression's own name is not in the class's scope; every other child is. */
function isScopeOf(node: ts.Node, child: ts.Node): boolean {
  return isScopeNode(node) && !(node.kind === SK.ClassExpression && (node as ts.ClassExpression).name === child);
}

function isScopeNode(node: ts.Node): boolean {
  switch (node.kind) {
    case SK.SourceFile:
    case SK.CaseBlock:
    case SK.ModuleBlock:
    case SK.ClassStaticBlockDeclaration:
      return true;
    case SK.Block: {
      // A function's (or static block's) body block belongs to the function scope.
      const p = node.parent;
      return !(p && (isTsFunctionLike(p) || p.kind === SK.ClassStaticBlockDeclaration));
    }
    case SK.ForStatement:
    case SK.ForInStatement:
    case SK.ForOfStatement: {
      const init = (node as ts.ForStatement).initializer;
      return !!init && init.kind === SK.VariableDeclarationList && (init.flags & ts.NodeFlags.BlockScoped) !== 0;
    }
    case SK.CatchClause:
      return !!(node as ts.CatchClause).variableDeclaration;
    case SK.ClassExpression:
      return !!(node as ts.ClassExpression).name;
    default:
      return isTsFunctionLike(node);
  }
}

function isModuleLevelScope(scope: ts.Node): boolean {
  if (scope.kind === SK.SourceFile) return true;
  if (isCodeBoundary(scope) || scope.kind === SK.ClassExpression) return false;
  return enclosingBoundary(scope) === undefined;
}

/** Declares a name in the table being built (see buildTable). */
type AddBinding = (name: string, kind: BindingKind, nameNode: ts.Identifier, declaration: ts.Node, bindingElement?: ts.BindingElement, importFrom?: ImportOrigin) => void;

function buildTable(scope: ts.Node): Table {
  const table: Table = new Map();
  const moduleLevel = isModuleLevelScope(scope);
  const add: AddBinding = (name, kind, nameNode, declaration, bindingElement, importFrom) => {
    const existing = table.get(name);
    if (existing) {
      // Keep the first declaration, except that a function implementation wins over its overload signatures.
      const overload = existing.kind === 'function' && !(existing.declaration as ts.FunctionDeclaration).body && kind === 'function';
      if (!overload) return;
    }
    // Made once, with every key (the optional ones undefined): every binding has one shape, which the
    // lookups of the call graph and the rules read in every handler.
    table.set(name, { name, kind, nameNode, declaration, bindingElement, importFrom, scope, moduleLevel });
  };

  const addVariableList = (list: ts.VariableDeclarationList): void => {
    const kind = varKindOf(list);
    for (const decl of list.declarations) {
      forEachBindingIdentifier(decl.name, (id, element) => add(id.text, kind, id, decl, element, importOriginOfVariable(decl, element)));
    }
  };

  const addStatements = (statements: readonly ts.Statement[], includeVar: boolean): void => {
    for (const st of statements) {
      switch (st.kind) {
        case SK.VariableStatement: {
          const list = (st as ts.VariableStatement).declarationList;
          if (includeVar || varKindOf(list) !== 'var') addVariableList(list);
          break;
        }
        case SK.FunctionDeclaration: {
          const fn = st as ts.FunctionDeclaration;
          if (fn.name) add(fn.name.text, 'function', fn.name, fn);
          break;
        }
        case SK.ClassDeclaration: {
          const c = st as ts.ClassDeclaration;
          if (c.name) add(c.name.text, 'class', c.name, c);
          break;
        }
        case SK.EnumDeclaration: {
          const e = st as ts.EnumDeclaration;
          add(e.name.text, 'enum', e.name, e);
          break;
        }
        case SK.ModuleDeclaration: {
          const m = st as ts.ModuleDeclaration;
          if (m.name.kind === SK.Identifier) add(m.name.text, 'namespace', m.name, m);
          break;
        }
        case SK.ImportDeclaration:
          addImport(st as ts.ImportDeclaration, add);
          break;
        case SK.ImportEqualsDeclaration: {
          const ie = st as ts.ImportEqualsDeclaration;
          const spec = ie.moduleReference.kind === SK.ExternalModuleReference ? stringLiteralValue(ie.moduleReference.expression) : undefined;
          add(ie.name.text, 'import', ie.name, ie, undefined, spec === undefined ? undefined : { specifier: spec, importedName: '*' });
          break;
        }
        default:
          break;
      }
    }
  };

  switch (scope.kind) {
    case SK.SourceFile: {
      const sf = scope as ts.SourceFile;
      addStatements(sf.statements, true);
      collectHoistedVars(sf.statements, addVariableList, true);
      break;
    }
    case SK.Block:
    case SK.ModuleBlock:
      addStatements((scope as ts.Block).statements, false);
      break;
    case SK.CaseBlock:
      for (const clause of (scope as ts.CaseBlock).clauses) addStatements(clause.statements, false);
      break;
    case SK.ForStatement:
    case SK.ForInStatement:
    case SK.ForOfStatement: {
      const init = (scope as ts.ForStatement).initializer;
      if (init && init.kind === SK.VariableDeclarationList) addVariableList(init as ts.VariableDeclarationList);
      break;
    }
    case SK.CatchClause: {
      const v = (scope as ts.CatchClause).variableDeclaration;
      if (v) {
        forEachBindingIdentifier(v.name, (id, element) => add(id.text, 'catch', id, v, element));
      }
      break;
    }
    case SK.ClassExpression: {
      const c = scope as ts.ClassExpression;
      if (c.name) add(c.name.text, 'class-name', c.name, c);
      break;
    }
    case SK.ClassStaticBlockDeclaration: {
      const body = (scope as ts.ClassStaticBlockDeclaration).body;
      addStatements(body.statements, true);
      collectHoistedVars(body.statements, addVariableList, true);
      break;
    }
    default: {
      if (!isTsFunctionLike(scope)) break;
      const fn = scope as ts.FunctionLikeDeclaration;
      for (const param of fn.parameters) {
        forEachBindingIdentifier(param.name, (id, element) => add(id.text, 'parameter', id, param, element));
      }
      const body = fn.body;
      if (body && body.kind === SK.Block) {
        addStatements((body as ts.Block).statements, true);
        collectHoistedVars((body as ts.Block).statements, addVariableList, true);
      }
      // The own name of a function expression is shadowed by parameters and locals.
      if (fn.kind === SK.FunctionExpression && fn.name) {
        add(fn.name.text, 'function-name', fn.name, fn);
      }
      break;
    }
  }
  return table;
}

function addImport(decl: ts.ImportDeclaration, add: AddBinding): void {
  const spec = stringLiteralValue(decl.moduleSpecifier);
  const clause = decl.importClause;
  if (!clause || spec === undefined) return;
  if (clause.name) {
    add(clause.name.text, 'import', clause.name, clause, undefined, { specifier: spec, importedName: 'default' });
  }
  const nb = clause.namedBindings;
  if (!nb) return;
  if (nb.kind === SK.NamespaceImport) {
    add(nb.name.text, 'import', nb.name, nb, undefined, { specifier: spec, importedName: '*' });
  } else {
    for (const el of nb.elements) {
      // Read once: an identifier's text is a getter that unescapes its name.
      const local = el.name.text;
      const imported = el.propertyName ? propertyNameText(el.propertyName) ?? local : local;
      add(local, 'import', el.name, el, undefined, { specifier: spec, importedName: imported });
    }
  }
}

/**
 * `const x = require('m')` ('*'), `const x = require('m').y` ('y'), `const { y: x } = require('m')` ('y'),
 * and the same with `await import('m')`.
 */
function importOriginOfVariable(decl: ts.VariableDeclaration, element: ts.BindingElement | undefined): ImportOrigin | undefined {
  if (!decl.initializer) return undefined;
  let init = skipOuterExpressions(decl.initializer);
  let member: string | undefined;
  if (init.kind === SK.PropertyAccessExpression) {
    member = (init as ts.PropertyAccessExpression).name.text;
    init = skipOuterExpressions((init as ts.PropertyAccessExpression).expression);
  }
  let spec = requireSpecifier(init);
  if (spec === undefined && init.kind === SK.AwaitExpression) {
    const inner = skipOuterExpressions((init as ts.AwaitExpression).expression);
    if (inner.kind === SK.CallExpression && (inner as ts.CallExpression).expression.kind === SK.ImportKeyword) {
      spec = stringLiteralValue((inner as ts.CallExpression).arguments[0]);
    }
  }
  if (spec === undefined) return undefined;
  if (!element) return { specifier: spec, importedName: member ?? '*' };
  // Only a first-level destructuring element maps to an export name.
  if (element.parent !== decl.name || decl.name.kind !== SK.ObjectBindingPattern || element.dotDotDotToken) return undefined;
  if (member !== undefined) return undefined;
  const prop = element.propertyName ? propertyNameText(element.propertyName) : element.name.kind === SK.Identifier ? element.name.text : undefined;
  return prop === undefined ? undefined : { specifier: spec, importedName: prop };
}

/**
 * The statements (and their parts) a `var` of the enclosing function or module can be declared in,
 * below a statement list: blocks, loops, `if`, `try`/`catch`, `switch` and its clauses, labels, `with`,
 * namespaces, and the declaration lists of `var` statements and `for` heads. Every other node is an
 * expression, a type or a declaration whose `var`s are its own (functions, classes): not entered.
 */
const HOLDS_VAR = new Set<ts.SyntaxKind>([
  SK.Block,
  SK.VariableStatement,
  SK.IfStatement,
  SK.DoStatement,
  SK.WhileStatement,
  SK.ForStatement,
  SK.ForInStatement,
  SK.ForOfStatement,
  SK.WithStatement,
  SK.LabeledStatement,
  SK.SwitchStatement,
  SK.CaseBlock,
  SK.CaseClause,
  SK.DefaultClause,
  SK.TryStatement,
  SK.CatchClause,
  SK.ModuleDeclaration,
  SK.ModuleBlock,
]);

/** Collects `var` declarations nested in blocks/loops/try of a statement list (not in nested functions). */
function collectHoistedVars(statements: readonly ts.Statement[], addList: (l: ts.VariableDeclarationList) => void, skipTop: boolean): void {
  const enter = (node: ts.Node): boolean => {
    if (node.kind === SK.VariableDeclarationList) {
      const list = node as ts.VariableDeclarationList;
      if (varKindOf(list) === 'var') addList(list);
      return false;
    }
    return HOLDS_VAR.has(node.kind);
  };
  for (const st of statements) {
    // Top-level `var` statements are already declared by the statement list itself.
    if (skipTop && st.kind === SK.VariableStatement) continue;
    if (enter(st)) walkDescendants(st, enter);
  }
}
