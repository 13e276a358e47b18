import type { HandlerBinding } from '@lambda-lint/core';
import {
  ts,
  type SyntaxKind,
  type ArrowFunction,
  type BindingElement,
  type ConstructorDeclaration,
  type Expression,
  type FunctionDeclaration,
  type FunctionExpression,
  type GetAccessorDeclaration,
  type Identifier,
  type MethodDeclaration,
  type Node,
  type SetAccessorDeclaration,
  type SourceFile,
  type KindToNodeMappings,
} from '@lambda-lint/handler/ts-morph';
import { evaluateString, moduleMemberOf, type ModuleMember } from './facts.js';
import type { Def, ParsedFile, Program } from './program.js';
import type { BindingKind, ImportOrigin, TsBinding } from './scope.js';
import { descendantsByKind, enclosingBoundary, isCodeBoundary, isTsFunctionLike, ownCodeNodesOf, propertyNameText, skipOuterExpressions, walkDescendants, type TsFunctionLike } from './syntax.js';

const SK = ts.SyntaxKind;

/** A function-like node with a body: the unit of the call graph. */
export type FunctionLikeNode =
  | FunctionDeclaration
  | FunctionExpression
  | ArrowFunction
  | MethodDeclaration
  | ConstructorDeclaration
  | GetAccessorDeclaration
  | SetAccessorDeclaration;

/** A declared name, as {@link HandlerCode.resolveIdentifier} finds it. */
export interface ScopeBinding {
  readonly name: string;
  readonly kind: BindingKind;
  /** The identifier that declares the name. */
  readonly nameNode: Identifier;
  /**
   * The declaring node: VariableDeclaration, ParameterDeclaration, FunctionDeclaration,
   * ClassDeclaration/ClassExpression, FunctionExpression (own name), EnumDeclaration,
   * ModuleDeclaration, ImportClause, ImportSpecifier, NamespaceImport,
   * ImportEqualsDeclaration, or the catch clause's VariableDeclaration.
   */
  readonly declaration: Node;
  /** Set when the name is declared inside a destructuring pattern. */
  readonly bindingElement: BindingElement | undefined;
  /** The initialiser of a variable declared with a plain name (`const x = <init>`), not destructured. */
  readonly initializer: Expression | undefined;
  /** {@link initializer} as the compiler's node, which needs no ts-morph wrapper. */
  readonly initializerNode: ts.Expression | undefined;
  /** The node owning the scope: SourceFile, a function-like node, Block, CatchClause, a for statement, ... */
  readonly scope: Node;
  /** Declared at module scope: not inside any function, method, or class static block. */
  readonly moduleLevel: boolean;
  /** For imports and `require()`/`import()` initialisers: the module and the imported name. */
  readonly importFrom: ImportOrigin | undefined;
  /** Absolute path of the declaring file. */
  readonly file: string;
  /** The declaring file (without wrapping the declaration: ts-morph wraps all ancestors of a node it wraps). */
  readonly sourceFile: SourceFile;
  /** {@link sourceFile} as the compiler's file, which needs no ts-morph wrapper. */
  readonly compilerFile: ts.SourceFile;
}

const publicBindings = new WeakMap<TsBinding, ScopeBinding>();

/**
 * A {@link ScopeBinding} whose nodes are wrapped when first read: most callers read one of them
 * (`declaration`, to find its file or kind), and a ts-morph wrapper costs more than the lookup.
 */
class LazyScopeBinding implements ScopeBinding {
  readonly name: string;
  readonly kind: BindingKind;
  readonly moduleLevel: boolean;
  readonly importFrom: ImportOrigin | undefined;
  readonly #program: Program;
  readonly #binding: TsBinding;
  #file: string | undefined;
  #nameNode: Identifier | undefined;
  #declaration: Node | undefined;
  #bindingElement: BindingElement | undefined;
  #initializer: Expression | undefined;
  #scope: Node | undefined;

  constructor(program: Program, b: TsBinding) {
    this.#program = program;
    this.#binding = b;
    this.name = b.name;
    this.kind = b.kind;
    this.moduleLevel = b.moduleLevel;
    this.importFrom = b.importFrom;
  }

  get nameNode(): Identifier {
    return (this.#nameNode ??= this.#program.wrap<Identifier>(this.#binding.nameNode));
  }

  get declaration(): Node {
    return (this.#declaration ??= this.#program.wrap(this.#binding.declaration));
  }

  get bindingElement(): BindingElement | undefined {
    const element = this.#binding.bindingElement;
    return element ? (this.#bindingElement ??= this.#program.wrap<BindingElement>(element)) : undefined;
  }

  get initializer(): Expression | undefined {
    const init = this.initializerNode;
    return init ? (this.#initializer ??= this.#program.wrap<Expression>(init)) : undefined;
  }

  get initializerNode(): ts.Expression | undefined {
    const b = this.#binding;
    return b.declaration.kind === SK.VariableDeclaration && !b.bindingElement ? (b.declaration as ts.VariableDeclaration).initializer : undefined;
  }

  get scope(): Node {
    return (this.#scope ??= this.#program.wrap(this.#binding.scope));
  }

  get file(): string {
    return (this.#file ??= this.#program.fileOf(this.#binding.declaration).path);
  }

  get sourceFile(): SourceFile {
    return this.#program.fileOf(this.#binding.declaration).sourceFile;
  }

  get compilerFile(): ts.SourceFile {
    return this.#binding.declaration.getSourceFile();
  }
}

export function toScopeBinding(program: Program, b: TsBinding): ScopeBinding {
  let out = publicBindings.get(b);
  if (!out) {
    out = new LazyScopeBinding(program, b);
    publicBindings.set(b, out);
  }
  return out;
}

/** Whether a node runs at module load (cold start): it is not inside any function, method or class static block. */
export function isAtModuleScope(node: Node): boolean {
  return enclosingBoundary(node.compilerNode) === undefined;
}

/** Whether a declaration (a {@link ScopeBinding} or a declaring node) is at module scope. */
export function isModuleLevelDeclaration(decl: ScopeBinding | Node): boolean {
  if (!('compilerNode' in decl)) return decl.moduleLevel;
  const node = decl.compilerNode;
  if (isTsFunctionLike(node) && node.kind !== SK.FunctionDeclaration) return false;
  return enclosingBoundary(node) === undefined;
}

/**
 * The analysis of one handler export: where it is, which functions implement it, and
 * which functions it can run. Shared by all functions that use the same handler.
 */
export class HandlerCode {
  /** Absolute path of the handler module (the file the configuration names). */
  readonly file: string;
  readonly exportName: string;

  readonly #program: Program;
  readonly #roots: TsFunctionLike[];
  readonly #exportTs: ts.Node | undefined;
  #exportNode: Node | undefined;
  readonly #handlerList: readonly TsFunctionLike[];
  readonly #handlerTs: Set<ts.Node>;
  #handlerFunctions: readonly FunctionLikeNode[] | undefined;
  #reachable: TsFunctionLike[] | undefined;
  #reachableSet: Set<ts.Node> | undefined;
  #reachableWrapped: FunctionLikeNode[] | undefined;
  readonly #module: ParsedFile;
  #files: SourceFile[] | undefined;
  #fileNodes: ts.SourceFile[] | undefined;
  #ownCode: OwnCode[] | undefined;
  #reachableByKinds: Map<string, ReachableNodes> | undefined;

  /** @internal */
  constructor(program: Program, file: ParsedFile, exportName: string, def: Def) {
    this.#program = program;
    this.file = file.path;
    this.exportName = exportName;
    this.#module = file;
    let exportTs: ts.Node | undefined;
    let valueTs: ts.Node | undefined;
    if (def.kind === 'binding') {
      exportTs = def.binding.declaration;
      valueTs = program.valueOfDef(def);
    } else if (def.kind === 'node') {
      exportTs = def.node;
      valueTs = def.node.kind === SK.SourceFile ? undefined : program.valueOf(def.node);
    }
    // Wrapped on first read (exportNode, handlerFunctions): a ts-morph wrapper of the handler module
    // costs more than most runs' rules ever read of it.
    this.#exportTs = exportTs;
    const handlerTs = valueTs ? program.functionsOf(valueTs) : [];
    this.#handlerList = handlerTs;
    this.#handlerTs = new Set(handlerTs);
    // Inline functions of a wrapper expression (`.use({ before: async (r) => ... })`) run per request
    // too, and so do the functions of a table it is given (`createRouter(routes)`).
    const roots = [...handlerTs];
    if (valueTs && !isTsFunctionLike(valueTs) && valueTs.kind !== SK.SourceFile && !ts.isClassLike(valueTs)) {
      const visit = (n: ts.Node): boolean => {
        if (isTsFunctionLike(n)) roots.push(n);
        else if (n.kind === SK.CallExpression || n.kind === SK.NewExpression) {
          for (const arg of (n as ts.CallExpression | ts.NewExpression).arguments ?? []) {
            const a = skipOuterExpressions(arg);
            if (a.kind === SK.Identifier || a.kind === SK.PropertyAccessExpression) roots.push(...program.referencedFunctions(a));
          }
        }
        return !isCodeBoundary(n);
      };
      if (visit(valueTs)) walkDescendants(valueTs, visit);
    }
    this.#roots = roots;
  }

  /**
   * The node that defines the export: a VariableDeclaration, FunctionDeclaration,
   * ClassDeclaration, or an expression (`export default <expr>`, `module.exports.handler = <expr>`).
   * Undefined when the export comes from a package.
   */
  get exportNode(): Node | undefined {
    const node = this.#exportTs;
    return node ? (this.#exportNode ??= this.#program.wrap(node)) : undefined;
  }

  /** The function(s) that implement the handler, after unwrapping wrappers (`middy(fn)`, `withX(fn)`, factories). */
  get handlerFunctions(): readonly FunctionLikeNode[] {
    return (this.#handlerFunctions ??= this.#handlerList.map((f) => this.#program.wrap<FunctionLikeNode>(f)));
  }

  /** {@link handlerFunctions} as compiler nodes, which need no ts-morph wrappers. */
  get handlerFunctionNodes(): readonly ts.Node[] {
    return this.#handlerList;
  }

  /** Whether a function-like node (wrapped or the compiler's) is one of the {@link handlerFunctions}. */
  isHandlerFunction(fn: Node | ts.Node): boolean {
    return this.#handlerTs.has(isWrapper(fn) ? fn.compilerNode : fn);
  }

  /**
   * The analysis this handler shares with the other handlers of its lint run: the key for caches of
   * facts that depend on module resolution. Syntax outlives a run (the ESLint plugin keeps unchanged
   * files parsed), resolution does not: the file an import points to may have been edited since.
   */
  get run(): object {
    return this.#program;
  }

  /**
   * Follows the call graph now (parsing the local modules it reaches, whose syntax errors then are
   * in the analyzer's diagnostics) without making ts-morph wrappers of its functions: most rules
   * never ask for the list.
   */
  followCallGraph(): void {
    this.#reachableTs();
  }

  /** Every function the handler can run, handler functions first; nested callbacks included. */
  get reachableFunctions(): readonly FunctionLikeNode[] {
    if (!this.#reachableWrapped) this.#reachableWrapped = this.#reachableTs().map((f) => this.#program.wrap<FunctionLikeNode>(f));
    return this.#reachableWrapped;
  }

  /** {@link reachableFunctions} as compiler nodes: for keys of per-function caches, which need no wrappers. */
  get reachableFunctionNodes(): readonly ts.Node[] {
    return this.#reachableTs();
  }

  /** The handler module. */
  get sourceFile(): SourceFile {
    return this.#module.sourceFile;
  }

  /** The source files that hold reachable code, the handler module first. Each is wrapped: prefer {@link fileNodes} when the compiler's file will do. */
  get files(): readonly SourceFile[] {
    return (this.#files ??= this.fileNodes.map((f) => this.#program.fileOf(f).sourceFile));
  }

  /** {@link files} as the compiler's files, which need no ts-morph wrappers (most files are never wrapped). */
  get fileNodes(): readonly ts.SourceFile[] {
    // Asked by several rules per handler; finding a function's file walks up to its root.
    if (!this.#fileNodes) {
      const out = new Set<ts.SourceFile>([this.#module.ts]);
      for (const f of this.#reachableTs()) out.add(f.getSourceFile());
      this.#fileNodes = [...out];
    }
    return this.#fileNodes;
  }

  /** The files of this handler's run that ts-morph has wrapped so far: for tests of the checks that need no wrapper. */
  wrappedFiles(): readonly string[] {
    return this.#program.wrappedFiles();
  }

  /** The ts-morph wrapper of a compiler node of this handler's analysis (its file wrapped too, if it was not). */
  wrap<T extends Node = Node>(node: ts.Node): T {
    return this.#program.wrap<T>(node);
  }

  /**
   * The file a module specifier of a file loads, as the run resolves it (a relative or absolute path,
   * a tsconfig alias), parsed on first need; undefined for a package, a missing or unparseable file.
   */
  moduleFileOf(fromFile: ts.SourceFile, specifier: string): ts.SourceFile | undefined {
    return this.#program.resolveModule(fromFile.fileName, specifier)?.ts;
  }

  /**
   * Whether a name an import declaration brings in is a value of its module (a declaration, an
   * expression, the module itself), not a type (an interface, a type alias) nor a name the module
   * does not have: TypeScript erases an import none of whose names is used as a value.
   */
  importsValue(name: ts.Identifier): boolean {
    const binding = this.#program.resolveIdentifier(name);
    return !!binding?.importFrom && this.#program.definitionOfBinding(binding) !== undefined;
  }

  #reachableTs(): TsFunctionLike[] {
    if (!this.#reachable) {
      this.#reachable = this.#program.reachableFrom(this.#roots);
      this.#reachableSet = new Set(this.#reachable);
    }
    return this.#reachable;
  }

  /** Whether a function-like node is reachable from the handler. */
  isReachableFunction(fn: Node): boolean {
    this.#reachableTs();
    return this.#reachableSet!.has(fn.compilerNode);
  }

  /** Whether a node runs as part of a reachable function (its innermost enclosing function is reachable). */
  isInReachableCode(node: Node | ts.Node): boolean {
    this.#reachableTs();
    let cur: ts.Node | undefined = (isWrapper(node) ? node.compilerNode : node).parent;
    while (cur) {
      if (isTsFunctionLike(cur)) return this.#reachableSet!.has(cur);
      if (isCodeBoundary(cur)) return false;
      cur = cur.parent;
    }
    return false;
  }

  /**
   * Visits every node of reachable code exactly once, with its innermost enclosing function:
   * each reachable function's parameters and body, not descending into nested functions
   * (they are reachable themselves and visited with their own `fn`). Pass `kinds` to be called
   * only for nodes of those kinds: much faster on large files, as only those nodes are wrapped.
   * A check that looks at the syntax before it needs a wrapper should use {@link reachableNodes}.
   */
  forEachReachableNode(cb: (node: Node, fn: FunctionLikeNode) => void, kinds?: readonly SyntaxKind[]): void {
    const found = this.reachableNodes(kinds);
    for (let i = 0; i < found.nodes.length; i++) cb(found.node(i), found.fn(i));
  }

  /**
   * The nodes of reachable code of some kinds (all kinds without `kinds`), in the order of
   * {@link forEachReachableNode}, as compiler nodes: a rule tests the raw syntax (a call's method
   * name, an operator) and asks `node(i)` for the ts-morph wrapper only of the nodes it keeps. Wrapping
   * every call of reachable code cost more than the tests made on them. Listed once per handler and
   * set of kinds: most code rules ask for the same kinds.
   */
  reachableNodes(kinds?: readonly SyntaxKind[]): ReachableNodes {
    const key = kinds ? kinds.join(',') : '*';
    const byKinds = (this.#reachableByKinds ??= new Map());
    let out = byKinds.get(key);
    if (!out) {
      const wanted = kinds ? kindTable(kinds as unknown as readonly number[]) : undefined;
      const reachable = this.#reachableTs();
      // The own code of each reachable function, looked up once per handler rather than once per call.
      const owns = (this.#ownCode ??= reachable.map(ownCodeOf));
      const nodes: ts.Node[] = [];
      // Where each node is, as two parallel lists of numbers rather than an object per node.
      const fnAt: number[] = [];
      const indexAt: number[] = [];
      for (let k = 0; k < owns.length; k++) {
        const own = owns[k]!;
        // Tested on the kinds, an array read in order: reading each node's kind was a cache miss per node.
        const ownKinds = own.kinds;
        for (let i = 0; i < ownKinds.length; i++) {
          if (wanted && wanted[ownKinds[i]!] !== 1) continue;
          nodes.push(own.nodes[i]!);
          fnAt.push(k);
          indexAt.push(i);
        }
      }
      byKinds.set(key, (out = new ReachableNodes(this.#program, nodes, reachable, owns, fnAt, indexAt)));
    }
    return out;
  }

  /** The innermost function-like node that contains a node, if any. */
  enclosingFunction(node: Node): FunctionLikeNode | undefined {
    let cur: ts.Node | undefined = node.compilerNode.parent;
    while (cur) {
      if (isTsFunctionLike(cur)) return this.#program.wrap<FunctionLikeNode>(cur);
      cur = cur.parent;
    }
    return undefined;
  }

  /** Whether a node runs at module load (not inside any function, method or class static block). */
  isAtModuleScope(node: Node): boolean {
    return isAtModuleScope(node);
  }

  /** The declaration an identifier refers to, by lexical scope (imports are not followed). */
  resolveIdentifier(id: Identifier | ts.Identifier): ScopeBinding | undefined {
    const b = this.#program.resolveIdentifier(isWrapper(id) ? id.compilerNode : id);
    return b ? toScopeBinding(this.#program, b) : undefined;
  }

  /** {@link resolveIdentifier} with the binding's nodes as compiler nodes: for a check that reads only their syntax. */
  lexicalBinding(id: ts.Identifier): TsBinding | undefined {
    return this.#program.resolveIdentifier(id);
  }

  /**
   * Like {@link resolveIdentifier}, but follows imports and `require()` of local modules to the
   * declaration in the defining module, and resolves `ns.x` for a namespace import or required
   * local module. A name imported from a package (or an export that is not a declaration) gives
   * the local import binding.
   */
  resolveReference(expr: Node | ts.Node): ScopeBinding | undefined {
    const b = this.referencedBinding(expr);
    return b ? toScopeBinding(this.#program, b) : undefined;
  }

  /** {@link resolveReference} with the binding's nodes as compiler nodes: for a check that reads only their syntax. */
  referencedBinding(expr: Node | ts.Node): TsBinding | undefined {
    const program = this.#program;
    // A compiler node is taken as it is: a rule reading raw syntax need not wrap what it asks about.
    const e = skipOuterExpressions(isWrapper(expr) ? expr.compilerNode : expr);
    if (e.kind === SK.Identifier) {
      const local = program.resolveIdentifier(e as ts.Identifier);
      if (!local) return undefined;
      if (!local.importFrom) return local;
      const def = program.definitionOfBinding(local);
      return def?.kind === 'binding' ? def.binding : local;
    }
    if (e.kind === SK.PropertyAccessExpression || e.kind === SK.ElementAccessExpression) {
      const name = e.kind === SK.PropertyAccessExpression ? (e as ts.PropertyAccessExpression).name.text : propertyNameText((e as ts.ElementAccessExpression).argumentExpression);
      if (name === undefined) return undefined;
      const obj = program.valueOf((e as ts.PropertyAccessExpression).expression);
      if (!obj || obj.kind !== SK.SourceFile) return undefined;
      const def = program.memberOf(obj, name);
      return def?.kind === 'binding' ? def.binding : undefined;
    }
    return undefined;
  }

  /** Whether a declaration is at module scope. */
  isModuleLevelDeclaration(decl: ScopeBinding | Node): boolean {
    return isModuleLevelDeclaration(decl);
  }

  /**
   * What an expression evaluates to as far as syntax tells (identifiers to initialisers,
   * imports to local modules, members of object literals and classes); a module is its SourceFile.
   */
  resolveValue(expr: Node): Node | undefined {
    const v = this.#program.valueOf(expr.compilerNode);
    return v ? this.#program.wrap(v) : undefined;
  }

  /** {@link resolveValue} as a compiler node: for a check that reads the value's syntax only. */
  resolveValueNode(expr: Node | ts.Node): ts.Node | undefined {
    return this.#program.valueOf(isWrapper(expr) ? expr.compilerNode : expr);
  }

  /** {@link functionsOf} as compiler nodes: for a check that reads the functions' syntax only. */
  functionNodesOf(expr: Node | ts.Node): readonly ts.Node[] {
    return this.#program.functionsOf(isWrapper(expr) ? expr.compilerNode : expr);
  }

  /** The local functions an expression stands for (a function, a name bound to one, a wrapper call). */
  functionsOf(expr: Node | ts.Node): FunctionLikeNode[] {
    return this.#program.functionsOf(isWrapper(expr) ? expr.compilerNode : expr).map((f) => this.#program.wrap<FunctionLikeNode>(f));
  }

  /**
   * Which module member an expression names: `fs.promises.writeFile`, `writeFile` imported from
   * `node:fs/promises`, `require('fs').readFileSync`, `const fsp = fs.promises` aliases.
   * The module is the specifier without `node:`.
   */
  moduleMemberOf(expr: Node | ts.Node): ModuleMember | undefined {
    return moduleMemberOf(this.#program, isWrapper(expr) ? expr.compilerNode : expr);
  }

  /**
   * The constant string an expression always evaluates to, or undefined when any part is
   * dynamic: literals, templates, `+`, `const` bindings (also imported from local modules),
   * members of `const` object literals, `path.join`/`path.resolve`, `os.tmpdir()` (`/tmp`).
   */
  evaluateString(expr: Node | ts.Node): string | undefined {
    return evaluateString(this.#program, isWrapper(expr) ? expr.compilerNode : expr);
  }

  /**
   * The `new C(...)` expressions that construct a class, found in the class's own module and in
   * the modules of reachable code (where singletons are made).
   */
  instantiationsOf(cls: Node): Node[] {
    const program = this.#program;
    const clsTs = cls.compilerNode;
    if (!ts.isClassLike(clsTs)) return [];
    const files = new Set([program.fileOf(clsTs), ...this.#reachableTs().map((f) => program.fileOf(f)), this.#module]);
    const out: Node[] = [];
    for (const file of files) {
      for (const ne of program.newExpressionsOf(file)) {
        if (program.valueOf(ne.expression) === clsTs) out.push(program.wrap(ne, file));
      }
    }
    return out;
  }

  /**
   * A readable name for a function: its own name, the variable, property or method it is
   * assigned to, or the nearest named enclosing function; the export name for an anonymous handler.
   */
  functionName(fn: Node | ts.Node): string {
    let cur: ts.Node | undefined = isWrapper(fn) ? fn.compilerNode : fn;
    while (cur) {
      if (isTsFunctionLike(cur)) {
        const n = ownName(cur);
        if (n) return n;
        if (this.#handlerTs.has(cur)) return this.exportName;
      }
      cur = cur.parent;
    }
    return this.exportName;
  }
}

function ownName(fn: TsFunctionLike): string | undefined {
  if (fn.kind === SK.Constructor) {
    const cls = fn.parent;
    return cls && ts.isClassLike(cls) && cls.name ? `${cls.name.text} constructor` : 'constructor';
  }
  if (fn.name) {
    const n = propertyNameText(fn.name);
    if (n) return n;
  }
  let p: ts.Node | undefined = fn.parent;
  while (p && (p.kind === SK.ParenthesizedExpression || p.kind === SK.AsExpression || p.kind === SK.SatisfiesExpression)) p = p.parent;
  if (!p) return undefined;
  if (p.kind === SK.VariableDeclaration && (p as ts.VariableDeclaration).name.kind === SK.Identifier) {
    return ((p as ts.VariableDeclaration).name as ts.Identifier).text;
  }
  if (p.kind === SK.PropertyAssignment || p.kind === SK.PropertyDeclaration) return propertyNameText((p as ts.PropertyAssignment).name);
  if (p.kind === SK.BinaryExpression && (p as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken) {
    const left = skipOuterExpressions((p as ts.BinaryExpression).left);
    if (left.kind === SK.Identifier) return (left as ts.Identifier).text;
    if (left.kind === SK.PropertyAccessExpression) return (left as ts.PropertyAccessExpression).name.text;
  }
  return undefined;
}

/**
 * A function's own nodes ({@link ownCodeNodesOf}) with the ts-morph wrappers made so far, by index: every
 * later rule and handler skips ts-morph's node-cache lookup.
 */
interface OwnCode {
  readonly nodes: readonly ts.Node[];
  readonly kinds: readonly number[];
  readonly wrapped: (Node | undefined)[];
  /** The function's wrapper, made when a node of it is first visited. */
  fn: FunctionLikeNode | undefined;
}

const ownCodeCache = new WeakMap<ts.Node, OwnCode>();

/** A lookup table of syntax kinds: 1 for the kinds given. */
function kindTable(kinds: readonly number[]): Uint8Array {
  let max = 0;
  for (const k of kinds) if (k > max) max = k;
  // Sized past every kind (a kind beyond the table reads undefined, which is not 1).
  const table = new Uint8Array(max + 1);
  for (const k of kinds) table[k] = 1;
  return table;
}

/**
 * Nodes of reachable code ({@link HandlerCode.reachableNodes}): `nodes[i]` is the compiler node,
 * `node(i)` its ts-morph wrapper and `fn(i)` the wrapper of its innermost enclosing function, both
 * made on first request and shared by every later rule and handler.
 */
export class ReachableNodes {
  readonly nodes: readonly ts.Node[];
  readonly #program: Program;
  /** The reachable functions and their own code; `nodes[i]` is own code `#indexAt[i]` of function `#fnAt[i]`. */
  readonly #functions: readonly TsFunctionLike[];
  readonly #owns: readonly OwnCode[];
  readonly #fnAt: readonly number[];
  readonly #indexAt: readonly number[];

  /** @internal */
  constructor(program: Program, nodes: readonly ts.Node[], functions: readonly TsFunctionLike[], owns: readonly OwnCode[], fnAt: readonly number[], indexAt: readonly number[]) {
    this.#program = program;
    this.nodes = nodes;
    this.#functions = functions;
    this.#owns = owns;
    this.#fnAt = fnAt;
    this.#indexAt = indexAt;
  }

  /** The wrapper of `nodes[i]`. */
  node<T extends Node = Node>(i: number): T {
    const own = this.#owns[this.#fnAt[i]!]!;
    const index = this.#indexAt[i]!;
    // Made through the function's wrapper, which knows its file (finding a deep node's file walks all its ancestors).
    const owner = this.fn(i) as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node };
    return (own.wrapped[index] ??= owner._getNodeFromCompilerNode(own.nodes[index]!)) as T;
  }

  /** The wrapper of the innermost function that holds `nodes[i]`. */
  fn(i: number): FunctionLikeNode {
    const k = this.#fnAt[i]!;
    const own = this.#owns[k]!;
    return (own.fn ??= this.#program.wrap<FunctionLikeNode>(this.#functions[k]!));
  }

  /** The compiler node of the innermost function that holds `nodes[i]`. */
  fnNode(i: number): ts.Node {
    return this.#functions[this.#fnAt[i]!]!;
  }
}

function ownCodeOf(fnTs: TsFunctionLike): OwnCode {
  let out = ownCodeCache.get(fnTs);
  if (!out) {
    const { nodes, kinds } = ownCodeNodesOf(fnTs);
    out = { nodes, kinds, wrapped: new Array<Node | undefined>(nodes.length), fn: undefined };
    ownCodeCache.set(fnTs, out);
  }
  return out;
}

function isWrapper(node: Node | ts.Node): node is Node {
  return 'compilerNode' in node;
}

/** The analysis attached to a handler binding by the linter. */
export function codeOf(binding: HandlerBinding): HandlerCode {
  return binding.code as HandlerCode;
}

/**
 * Visits the descendants of a node depth-first in source order, without recursion (deep trees in
 * generated code cannot overflow the stack). `cb` returns `false` to skip a node's children.
 */
export function forEachDescendantNode(node: Node, cb: (descendant: Node) => boolean | void): void {
  const owner = node as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node };
  walkDescendants(node.compilerNode, (n) => cb(owner._getNodeFromCompilerNode(n)));
}

/**
 * {@link forEachDescendantNode} on compiler nodes: `enter` looks at raw nodes, and only those it
 * hands to `wrap` get a ts-morph wrapper. For walks that keep a few nodes of many (the `return`s
 * of a function): wrapping every node visited costs more than the walk.
 */
export function forEachDescendantCompilerNode(node: Node, enter: (descendant: ts.Node, wrap: <T extends Node = Node>(n: ts.Node) => T) => boolean | void): void {
  const owner = node as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node };
  const wrap = <T extends Node = Node>(n: ts.Node): T => owner._getNodeFromCompilerNode(n) as T;
  walkDescendants(node.compilerNode, (n) => enter(n, wrap));
}

/**
 * `node.getDescendantsOfKind(kind)` without recursion: ts-morph's own walk recurses once per
 * level and overflows the stack on deep trees of generated code (a 5,000-term concatenation).
 */
export function descendantsOfKind<K extends SyntaxKind>(node: Node, kind: K): KindToNodeMappings[K][] {
  const owner = node as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node };
  return descendantsByKind(node.compilerNode, kind as unknown as ts.SyntaxKind).map((n) => owner._getNodeFromCompilerNode(n) as KindToNodeMappings[K]);
}
