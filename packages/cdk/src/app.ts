/**
 * Static reading of a CDK app's own TypeScript/JavaScript (never run): which Lambda functions it
 * defines, at which construct path, with which handler source. A small abstract interpreter over
 * the syntax tree: it "instantiates" the app's construct classes from the entry file named in
 * `cdk.json`, following constructor bodies, `super(...)`, methods called on `this`, local helper
 * functions and loops over literal arrays, and evaluates the strings that make construct ids and
 * paths (`path.join(__dirname, ...)`, templates, constants, props passed down). Whatever it cannot
 * know is unknown, never guessed.
 */
import { CODE_FILE, get, lineStartsOf, locFromOffsets, str, type AppModel, type Loc } from '@lambda-lint/core';
import { checkBytes, DEFAULT_MAX_FILE_BYTES, parseSource } from '@lambda-lint/source';
import { Project, ts } from '../../handler/ts-morph/index.js';
import type { CdkIo } from './assembly.js';
import { basename, dirname, isInside, joinSegments, resolvePath, stripExtension } from './paths.js';

const SK = ts.SyntaxKind;

/** A construct path: one entry per construct id, `null` where the id is not known statically. */
export type ConstructPath = (string | null)[];

export interface HandlerSource {
  /** Absolute module path without extension. */
  modulePath: string;
  extension?: string;
  exportName: string;
  /** Where the app configures it (`entry:`, `handler:` or the `new` expression). */
  loc: Loc;
  /** The file may legitimately be missing before a build (bundling, build output): do not report it. */
  optional: boolean;
}

/** A Lambda function the app defines. */
export interface FunctionDecl {
  kind: 'NodejsFunction' | 'Function';
  /** Undefined when the scope it is created in is not known. */
  path: ConstructPath | undefined;
  /** Its own construct id, `null` when not known. */
  id: string | null;
  /** The `new` expression or `super(...)` call that creates it. */
  site: ts.Node;
  file: string;
  handler?: HandlerSource;
}

export interface CdkApp {
  /** The app's entry file, when `cdk.json` names one that exists. */
  entry?: string;
  /** Every file read: `cdk.json` and the app's modules. */
  files: string[];
  functions: FunctionDecl[];
}

const NODEJS_MODULES = new Set(['aws-cdk-lib/aws-lambda-nodejs', '@aws-cdk/aws-lambda-nodejs']);
const LAMBDA_MODULES = new Set(['aws-cdk-lib/aws-lambda', '@aws-cdk/aws-lambda']);
const CORE_MODULES = new Set(['aws-cdk-lib', '@aws-cdk/core']);
const PATH_MODULES = new Set(['path', 'path/posix', 'upath', 'pathe']);
const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'];
/** Extensions NodejsFunction tries for its default entry `<defining file>.<id>.<ext>`. */
const DEFAULT_ENTRY_EXTENSIONS = ['.ts', '.js', '.mjs', '.mts', '.cts', '.cjs'];
const IMPORT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const BUILD_OUTPUT = /(?:^|\/)(?:dist|build|out|lib-out|\.build|cdk\.out)(?:\/|$)/;

const STRING_METHODS = new Set(['toLowerCase', 'toUpperCase', 'trim', 'concat', 'replace', 'replaceAll', 'toString', 'join']);

const MAX_FILES = 400;
const MAX_STEPS = 2_000_000;
const MAX_DEPTH = 48;

// ---------------------------------------------------------------------------------------------
// Values of the abstract interpreter.

interface Thunk {
  expr: ts.Expression;
  env: Env;
}
type Item = { thunk: Thunk } | { value: V | undefined };

interface ConstructValue {
  k: 'construct';
  path: ConstructPath | undefined;
  /** The app's own class it is an instance of, when it is one. */
  cls?: ts.ClassLikeDeclaration;
  /** `this.x = ...` assignments and parameter properties, as the constructor ran. */
  fields: Map<string, Item>;
}

type V =
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  /** Known to be `undefined` (an absent property or argument). */
  | { k: 'undef' }
  | { k: 'obj'; node: ts.ObjectLiteralExpression; env: Env }
  | { k: 'arr'; items: Item[] }
  | ConstructValue
  | { k: 'class'; decl: ts.ClassLikeDeclaration }
  | { k: 'fn'; decl: FunctionLike; env: Env }
  /** Something a package exports: `('aws-cdk-lib/aws-lambda', ['Code', 'fromAsset'])`. */
  | { k: 'ext'; module: string; names: string[] }
  /** The namespace of one of the app's modules. */
  | { k: 'ns'; file: AppFile }
  | { k: 'url'; path: string }
  | { k: 'meta'; file: string }
  /** `lambda.Code.fromAsset(dir)`. */
  | { k: 'asset'; dir: string; bundling: boolean };

type FunctionLike = ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction | ts.MethodDeclaration | ts.ConstructorDeclaration;

interface Env {
  file: AppFile;
  self?: V | undefined;
  /** Bindings of parameters and loop variables, by their declaration node. */
  bindings: Map<ts.Node, Item>;
  parent?: Env;
}

interface ImportInfo {
  module: string;
  /** `*` for a namespace, `default`, or the imported name. */
  name: string;
}

interface AppFile {
  path: string;
  sf: ts.SourceFile;
  imports: Map<string, ImportInfo>;
  env: Env;
}

class Budget extends Error {}

// ---------------------------------------------------------------------------------------------

/** Reads the CDK app in `appDir` (its `cdk.json` names the entry) and returns the functions it defines. */
export function analyzeCdkApp(appDir: string, io: CdkIo, model?: AppModel): CdkApp {
  const app: CdkApp = { files: [], functions: [] };
  const cdkJsonPath = `${appDir === '/' ? '' : appDir}/cdk.json`;
  const bytes = isInside(io.root, cdkJsonPath) ? io.readFile(cdkJsonPath) : undefined;
  if (!bytes) return app;
  const maxBytes = io.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const problem = checkBytes(cdkJsonPath, bytes, maxBytes);
  app.files.push(cdkJsonPath);
  if (problem) {
    model?.diagnostics.push(problem);
    return app;
  }
  const parsed = parseSource(cdkJsonPath, new TextDecoder('utf-8').decode(bytes), { format: 'json' });
  if (model) {
    model.diagnostics.push(...parsed.diagnostics);
    model.fileCount++;
  }
  const command = str(get(parsed.root, 'app'));
  if (!command) return app;
  const entry = appEntry(command, appDir, io);
  if (!entry) return app;
  app.entry = entry;
  const interpreter = new Interpreter(appDir, io, model, maxBytes);
  try {
    interpreter.run(entry);
  } catch (e) {
    if (!(e instanceof Budget)) throw e;
  }
  for (const f of interpreter.loadedFiles()) app.files.push(f);
  app.functions = interpreter.functions;
  return app;
}

/** The app's entry file from the `app` command: `npx ts-node --prefer-ts-exts bin/app.ts`, `node bin/app.js`, `npx tsx src/main.ts`. */
export function appEntry(command: string, appDir: string, io: CdkIo): string | undefined {
  const tokens = command.split(/\s+/).map((t) => t.replace(/^["']|["']$/g, ''));
  for (const token of tokens) {
    if (token.startsWith('-') || !CODE_FILE.test(token)) continue;
    const abs = resolvePath(appDir, token);
    const stem = stripExtension(abs);
    const ext = abs.slice(stem.length);
    // Compiled JavaScript next to its source: read the source.
    const candidates = ext === '.js' ? [stem + '.ts', abs] : ext === '.mjs' ? [stem + '.mts', abs] : ext === '.cjs' ? [stem + '.cts', abs] : [abs];
    for (const c of candidates) if (isInside(io.root, c) && io.readFile(c) !== undefined) return c;
  }
  return undefined;
}

class Interpreter {
  readonly functions: FunctionDecl[] = [];
  readonly #files = new Map<string, AppFile | null>();
  readonly #byTs = new Map<ts.SourceFile, AppFile>();
  readonly #project = new Project({
    useInMemoryFileSystem: true,
    skipFileDependencyResolution: true,
    skipAddingFilesFromTsConfig: true,
    skipLoadingLibFiles: true,
    compilerOptions: { allowJs: true, noLib: true },
  });
  readonly #constructs = new Map<ts.Node, Map<Env, ConstructValue>>();
  readonly #active = new Set<ts.Node>();
  #steps = 0;
  #depth = 0;
  #loaded = 0;

  constructor(
    readonly cwd: string,
    readonly io: CdkIo,
    readonly model: AppModel | undefined,
    readonly maxBytes: number,
  ) {}

  loadedFiles(): string[] {
    return [...this.#files.entries()].filter(([, f]) => f !== null).map(([p]) => p);
  }

  run(entry: string): void {
    const file = this.load(entry);
    if (file) this.exec(file.sf, file.env);
  }

  #tick(): void {
    if (++this.#steps > MAX_STEPS) throw new Budget();
  }

  // -------------------------------------------------------------------------------------------
  // Files and modules.

  load(path: string): AppFile | undefined {
    const cached = this.#files.get(path);
    if (cached !== undefined) return cached ?? undefined;
    if (this.#loaded >= MAX_FILES || !isInside(this.io.root, path) || path.includes('/node_modules/')) return undefined;
    const bytes = this.io.readFile(path);
    if (!bytes) return undefined;
    this.#loaded++;
    const problem = checkBytes(path, bytes, this.maxBytes);
    if (problem) {
      this.model?.diagnostics.push(problem);
      this.#files.set(path, null);
      return undefined;
    }
    let text = new TextDecoder('utf-8').decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let sf: ts.SourceFile;
    try {
      sf = this.#project.createSourceFile(path, text, { overwrite: true }).compilerNode;
    } catch {
      this.#files.set(path, null);
      return undefined;
    }
    if (this.model) {
      this.model.fileCount++;
      const diagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
      const d = diagnostics[0];
      if (d) {
        const lang = /\.[cm]?tsx?$/.test(path) ? 'TypeScript' : 'JavaScript';
        const start = d.start ?? 0;
        this.model.diagnostics.push({
          ruleId: 'parse-error',
          message: `${lang} syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
          loc: locOf(sf, start, start + (d.length ?? 0)),
        });
      }
    }
    const file: AppFile = { path, sf, imports: new Map(), env: undefined as unknown as Env };
    file.env = { file, bindings: new Map() };
    collectImports(file);
    this.#files.set(path, file);
    this.#byTs.set(sf, file);
    return file;
  }

  fileOf(node: ts.Node): AppFile {
    const f = this.#byTs.get(node.getSourceFile());
    if (!f) throw new Error('node of an unknown file');
    return f;
  }

  resolveModule(from: string, spec: string): AppFile | undefined {
    if (!spec.startsWith('.')) return undefined;
    const base = resolvePath(dirname(from), spec);
    const candidates: string[] = [];
    const m = CODE_FILE.exec(base);
    if (m) {
      const stem = base.slice(0, -m[0].length);
      if (m[0] === '.js') candidates.push(stem + '.ts', stem + '.tsx');
      if (m[0] === '.mjs') candidates.push(stem + '.mts');
      if (m[0] === '.cjs') candidates.push(stem + '.cts');
      candidates.push(base);
    }
    for (const ext of IMPORT_EXTENSIONS) candidates.push(base + ext);
    for (const ext of IMPORT_EXTENSIONS) candidates.push(`${base}/index${ext}`);
    for (const c of candidates) {
      if (this.#files.get(c)) return this.#files.get(c) ?? undefined;
      if (!isInside(this.io.root, c) || this.io.readFile(c) === undefined) continue;
      return this.load(c);
    }
    return undefined;
  }

  importValue(file: AppFile, info: ImportInfo): V | undefined {
    if (info.module.startsWith('.')) {
      const target = this.resolveModule(file.path, info.module);
      if (!target) return undefined;
      return info.name === '*' ? { k: 'ns', file: target } : this.exportValue(target, info.name);
    }
    return ext(info.module, info.name === '*' || info.name === 'default' ? [] : [info.name]);
  }

  /** What a module exports under `name` (ESM named/default exports, re-exports, CommonJS `exports.x`). */
  exportValue(file: AppFile, name: string, depth = 0): V | undefined {
    if (depth > 16) return undefined;
    for (const s of file.sf.statements) {
      if ((ts.isClassDeclaration(s) || ts.isFunctionDeclaration(s)) && hasModifier(s, SK.ExportKeyword)) {
        const exported = hasModifier(s, SK.DefaultKeyword) ? 'default' : s.name?.text;
        if (exported === name) return ts.isClassDeclaration(s) ? { k: 'class', decl: s } : { k: 'fn', decl: s, env: file.env };
      } else if (ts.isVariableStatement(s) && hasModifier(s, SK.ExportKeyword)) {
        for (const d of s.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.name.text === name) return d.initializer ? this.eval(d.initializer, file.env) : undefined;
        }
      } else if (ts.isExportAssignment(s) && !s.isExportEquals && name === 'default') {
        return this.eval(s.expression, file.env);
      } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
        const spec = s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
        if (s.exportClause && ts.isNamedExports(s.exportClause)) {
          for (const e of s.exportClause.elements) {
            if (e.name.text !== name) continue;
            const local = (e.propertyName ?? e.name).text;
            if (spec === undefined) return this.evalIdentifierNamed(local, s, file.env);
            const target = this.resolveModule(file.path, spec);
            return target ? this.exportValue(target, local, depth + 1) : spec.startsWith('.') ? undefined : ext(spec, [local]);
          }
        } else if (!s.exportClause && spec !== undefined && name !== 'default') {
          const target = this.resolveModule(file.path, spec);
          const v = target ? this.exportValue(target, name, depth + 1) : undefined;
          if (v) return v;
        }
      } else if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === SK.EqualsToken) {
        // CommonJS: `module.exports = { X }`, `module.exports.X = X`, `exports.X = X`.
        const left = s.expression.left;
        const target = cjsExportName(left);
        if (target === name) return this.eval(s.expression.right, file.env);
        if (target === '') {
          const whole = this.eval(s.expression.right, file.env);
          if (name === 'default') return whole;
          const member = this.member(whole, name);
          if (member) return member;
        }
      }
    }
    return undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Name resolution.

  evalIdentifierNamed(name: string, at: ts.Node, env: Env): V | undefined {
    const decl = lookup(name, at);
    if (!decl) return this.globalValue(name, env);
    switch (decl.k) {
      case 'import':
        return this.importValue(this.fileOf(at), decl.info);
      case 'class':
        return { k: 'class', decl: decl.decl };
      case 'function':
        return { k: 'fn', decl: decl.decl, env: this.envFor(decl.decl, env) };
      case 'binding': {
        // A parameter or loop variable: its value is what the current activation bound.
        const bound = findBinding(env, decl.root);
        const root = bound ? this.item(bound) : undefined;
        return decl.element ? this.destructure(root, decl.element) : root;
      }
      case 'var': {
        const init = decl.root.initializer;
        if (!init || isReassigned(decl.root, name)) return undefined;
        if (this.#active.has(decl.root)) return undefined;
        this.#active.add(decl.root);
        try {
          const root = this.eval(init, this.envFor(decl.root, env));
          return decl.element ? this.destructure(root, decl.element) : root;
        } finally {
          this.#active.delete(decl.root);
        }
      }
    }
  }

  /** A module-level declaration is evaluated in its module; a local one in the current activation. */
  envFor(node: ts.Node, env: Env): Env {
    for (let p: ts.Node | undefined = node.parent; p; p = p.parent) {
      if (isFunctionLike(p) || ts.isClassLike(p)) return env;
    }
    return this.fileOf(node).env;
  }

  globalValue(name: string, env: Env): V | undefined {
    switch (name) {
      case '__dirname':
        return { k: 'str', v: dirname(env.file.path) };
      case '__filename':
        return { k: 'str', v: env.file.path };
      case 'undefined':
        return { k: 'undef' };
      case 'URL':
        return ext('url', ['URL']);
      case 'Object':
        return ext('global', ['Object']);
      case 'String':
        return ext('global', ['String']);
      default:
        return undefined;
    }
  }

  destructure(root: V | undefined, element: ts.BindingElement): V | undefined {
    const keys: (string | number)[] = [];
    let node: ts.Node = element;
    while (ts.isBindingElement(node)) {
      const pattern: ts.BindingPattern = node.parent;
      if (ts.isObjectBindingPattern(pattern)) {
        const key = node.propertyName ?? node.name;
        const text = ts.isIdentifier(key) || ts.isStringLiteral(key) ? key.text : undefined;
        if (text === undefined || node.dotDotDotToken) return undefined;
        keys.unshift(text);
      } else {
        if (node.dotDotDotToken) return undefined;
        keys.unshift(pattern.elements.indexOf(node as ts.ArrayBindingElement));
      }
      node = pattern.parent;
    }
    let v = root;
    let el: ts.Node = element;
    // Walk down from the root, applying defaults on the way (`{ entry = 'x' } = props`).
    const chain: ts.BindingElement[] = [];
    while (ts.isBindingElement(el)) {
      chain.unshift(el);
      el = el.parent.parent;
    }
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const next = typeof key === 'number' ? this.index(v, key) : this.member(v, key);
      const b = chain[i]!;
      v = (next === undefined || next.k === 'undef') && b.initializer ? this.eval(b.initializer, this.fileOf(b).env) : next;
      if (v === undefined) return undefined;
    }
    return v;
  }

  item(item: Item): V | undefined {
    return 'thunk' in item ? this.eval(item.thunk.expr, item.thunk.env) : item.value;
  }

  index(v: V | undefined, i: number): V | undefined {
    if (v?.k !== 'arr') return undefined;
    const it = v.items[i];
    return it ? this.item(it) : { k: 'undef' };
  }

  // -------------------------------------------------------------------------------------------
  // Expressions.

  eval(expr: ts.Expression, env: Env): V | undefined {
    this.#tick();
    if (++this.#depth > MAX_DEPTH) {
      this.#depth--;
      return undefined;
    }
    try {
      return this.#eval(expr, env);
    } finally {
      this.#depth--;
    }
  }

  #eval(expr: ts.Expression, env: Env): V | undefined {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isNonNullExpression(expr) || ts.isSatisfiesExpression(expr) || ts.isTypeAssertionExpression(expr)) {
      return this.eval(expr.expression, env);
    }
    if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return { k: 'str', v: expr.text };
    if (ts.isNumericLiteral(expr)) return { k: 'num', v: Number(expr.text) };
    if (ts.isTemplateExpression(expr)) {
      let s = expr.head.text;
      for (const span of expr.templateSpans) {
        const part = text(this.eval(span.expression, env));
        if (part === undefined) return undefined;
        s += part + span.literal.text;
      }
      return { k: 'str', v: s };
    }
    if (ts.isIdentifier(expr)) return this.evalIdentifierNamed(expr.text, expr, env);
    if (expr.kind === SK.ThisKeyword) return env.self;
    if (expr.kind === SK.TrueKeyword || expr.kind === SK.FalseKeyword || expr.kind === SK.NullKeyword) return undefined;
    if (ts.isObjectLiteralExpression(expr)) return { k: 'obj', node: expr, env };
    if (ts.isArrayLiteralExpression(expr)) {
      const items: Item[] = [];
      for (const e of expr.elements) {
        if (ts.isSpreadElement(e)) {
          const spread = this.eval(e.expression, env);
          if (spread?.k !== 'arr') return undefined;
          items.push(...spread.items);
        } else if (ts.isOmittedExpression(e)) items.push({ value: { k: 'undef' } });
        else items.push({ thunk: { expr: e, env } });
      }
      return { k: 'arr', items };
    }
    if (ts.isBinaryExpression(expr)) {
      const op = expr.operatorToken.kind;
      if (op === SK.PlusToken) {
        const a = this.eval(expr.left, env);
        const b = this.eval(expr.right, env);
        if (a?.k === 'num' && b?.k === 'num') return { k: 'num', v: a.v + b.v };
        const ta = text(a);
        const tb = text(b);
        return ta !== undefined && tb !== undefined ? { k: 'str', v: ta + tb } : undefined;
      }
      if (op === SK.QuestionQuestionToken || op === SK.BarBarToken) {
        const a = this.eval(expr.left, env);
        if (a === undefined) return undefined;
        if (a.k === 'undef' || (op === SK.BarBarToken && a.k === 'str' && a.v === '')) return this.eval(expr.right, env);
        return a;
      }
      return undefined;
    }
    if (ts.isConditionalExpression(expr)) {
      const a = this.eval(expr.whenTrue, env);
      const b = this.eval(expr.whenFalse, env);
      return a && b && sameValue(a, b) ? a : undefined;
    }
    if (ts.isPropertyAccessExpression(expr)) {
      if (ts.isMetaProperty(expr.expression)) return this.member({ k: 'meta', file: env.file.path }, expr.name.text);
      return this.member(this.eval(expr.expression, env), expr.name.text);
    }
    if (ts.isElementAccessExpression(expr)) {
      const key = this.eval(expr.argumentExpression, env);
      const base = this.eval(expr.expression, env);
      if (key?.k === 'num') return this.index(base, key.v);
      return key?.k === 'str' ? this.member(base, key.v) : undefined;
    }
    if (ts.isCallExpression(expr)) return this.evalCall(expr, env);
    if (ts.isNewExpression(expr)) return this.evalNew(expr, env);
    if (ts.isArrowFunction(expr) || ts.isFunctionExpression(expr)) return { k: 'fn', decl: expr, env };
    if (ts.isClassExpression(expr)) return { k: 'class', decl: expr };
    return undefined;
  }

  member(v: V | undefined, name: string): V | undefined {
    if (!v) return undefined;
    switch (v.k) {
      case 'obj':
        return this.property(v, name)?.value;
      case 'construct': {
        const field = v.fields.get(name);
        return field ? this.item(field) : undefined;
      }
      case 'ext':
        return ext(v.module, [...v.names, name]);
      case 'ns':
        return this.exportValue(v.file, name);
      case 'meta':
        if (name === 'url') return { k: 'url', path: v.file };
        if (name === 'dirname') return { k: 'str', v: dirname(v.file) };
        if (name === 'filename') return { k: 'str', v: v.file };
        return undefined;
      case 'url':
        return name === 'pathname' ? { k: 'str', v: v.path } : undefined;
      case 'arr':
        return name === 'length' ? { k: 'num', v: v.items.length } : undefined;
      default:
        return undefined;
    }
  }

  /** A property of an object literal: the last definition wins; an unknown spread after it hides it. */
  property(obj: { node: ts.ObjectLiteralExpression; env: Env }, name: string, depth = 0): { value: V | undefined; node?: ts.Node } | undefined {
    if (depth > 16) return undefined;
    const props = obj.node.properties;
    for (let i = props.length - 1; i >= 0; i--) {
      const p = props[i]!;
      if (ts.isSpreadAssignment(p)) {
        const spread = this.eval(p.expression, obj.env);
        if (spread === undefined) return undefined;
        if (spread.k === 'undef') continue;
        if (spread.k !== 'obj') return undefined;
        const inner = this.property(spread, name, depth + 1);
        if (inner === undefined) return undefined;
        if (inner.value?.k !== 'undef') return inner;
        continue;
      }
      const key = p.name ? propertyName(p.name) : undefined;
      if (key === undefined) {
        if (p.name && ts.isComputedPropertyName(p.name)) return undefined;
        continue;
      }
      if (key !== name) continue;
      if (ts.isPropertyAssignment(p)) return { value: this.eval(p.initializer, obj.env), node: p };
      if (ts.isShorthandPropertyAssignment(p)) return { value: this.evalIdentifierNamed(p.name.text, p.name, obj.env), node: p };
      if (ts.isMethodDeclaration(p)) return { value: { k: 'fn', decl: p, env: obj.env }, node: p };
      return undefined;
    }
    return { value: { k: 'undef' } };
  }

  evalCall(call: ts.CallExpression, env: Env): V | undefined {
    if (ts.isPropertyAccessExpression(call.expression) && STRING_METHODS.has(call.expression.name.text)) {
      const receiver = this.eval(call.expression.expression, env);
      if (receiver?.k === 'str' || receiver?.k === 'arr') {
        const strings = call.arguments.map((a) => text(this.eval(a, env)));
        if (strings.some((s) => s === undefined)) return undefined;
        return this.stringMethod(receiver, call.expression.name.text, strings as string[]);
      }
    }
    const callee = this.eval(call.expression, env);
    if (!callee) return undefined;
    const args = call.arguments;
    if (callee.k === 'ext') {
      const module = callee.module;
      const fn = callee.names[callee.names.length - 1];
      if (PATH_MODULES.has(module) && fn) {
        const strings = args.map((a) => text(this.eval(a, env)));
        if (strings.some((s) => s === undefined)) return undefined;
        return pathCall(fn, strings as string[], this.cwd);
      }
      if (module === 'url' && fn === 'fileURLToPath' && args[0]) {
        const u = this.eval(args[0], env);
        if (u?.k === 'url') return { k: 'str', v: u.path };
        if (u?.k === 'str' && u.v.startsWith('file://')) return { k: 'str', v: decodeURIComponent(u.v.slice('file://'.length)) };
        return undefined;
      }
      if (LAMBDA_MODULES.has(module) && (callee.names[0] === 'Code' || callee.names[0] === 'AssetCode') && (fn === 'fromAsset' || fn === 'asset') && args[0]) {
        return this.asset(args[0], args[1], env);
      }
      if (module === 'global' && callee.names[0] === 'String' && callee.names.length === 1 && args[0]) {
        const t = text(this.eval(args[0], env));
        return t === undefined ? undefined : { k: 'str', v: t };
      }
      if (module === 'global' && callee.names[0] === 'Object' && (fn === 'entries' || fn === 'keys' || fn === 'values') && args[0]) {
        return this.objectEntries(this.eval(args[0], env), fn);
      }
      return undefined;
    }
    if (callee.k === 'fn') return this.returnValue(callee.decl, args.map((a) => ({ thunk: { expr: a, env } })), callee.env, env.self);
    return undefined;
  }

  /** The string methods that construct ids and paths are commonly made with. */
  stringMethod(receiver: V, method: string, args: string[]): V | undefined {
    if (receiver.k === 'arr') {
      if (method !== 'join') return undefined;
      const parts = receiver.items.map((i) => text(this.item(i)));
      return parts.every((p) => p !== undefined) ? { k: 'str', v: parts.join(args[0] ?? ',') } : undefined;
    }
    if (receiver.k !== 'str') return undefined;
    const s = receiver.v;
    switch (method) {
      case 'toLowerCase':
        return { k: 'str', v: s.toLowerCase() };
      case 'toUpperCase':
        return { k: 'str', v: s.toUpperCase() };
      case 'trim':
        return { k: 'str', v: s.trim() };
      case 'concat':
        return { k: 'str', v: s + args.join('') };
      case 'replace':
      case 'replaceAll':
        return args.length === 2 ? { k: 'str', v: method === 'replace' ? s.replace(args[0]!, args[1]!) : s.split(args[0]!).join(args[1]!) } : undefined;
      case 'toString':
        return receiver;
      default:
        return undefined;
    }
  }

  objectEntries(v: V | undefined, fn: 'entries' | 'keys' | 'values'): V | undefined {
    if (v?.k !== 'obj') return undefined;
    const items: Item[] = [];
    for (const p of v.node.properties) {
      const key = p.name ? propertyName(p.name) : undefined;
      if (key === undefined || !(ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) return undefined;
      const value: Item = ts.isPropertyAssignment(p) ? { thunk: { expr: p.initializer, env: v.env } } : { thunk: { expr: p.name, env: v.env } };
      if (fn === 'keys') items.push({ value: { k: 'str', v: key } });
      else if (fn === 'values') items.push(value);
      else items.push({ value: { k: 'arr', items: [{ value: { k: 'str', v: key } }, value] } });
    }
    return { k: 'arr', items };
  }

  /** The value a small helper function returns (one `return` or an expression body). */
  returnValue(decl: FunctionLike, args: Item[], closure: Env, self: V | undefined): V | undefined {
    if (this.#active.has(decl) || !decl.body) return undefined;
    let result: ts.Expression | undefined;
    if (ts.isBlock(decl.body)) {
      const returns: ts.ReturnStatement[] = [];
      walkShallow(decl.body, (n) => {
        if (ts.isReturnStatement(n)) returns.push(n);
      });
      if (returns.length !== 1 || !returns[0]!.expression) return undefined;
      result = returns[0]!.expression;
    } else result = decl.body;
    const env = this.activation(decl, args, closure, self);
    this.#active.add(decl);
    try {
      return this.eval(result, env);
    } finally {
      this.#active.delete(decl);
    }
  }

  activation(decl: FunctionLike, args: Item[], closure: Env, self: V | undefined): Env {
    const env: Env = { file: this.fileOf(decl), self: ts.isArrowFunction(decl) ? closure.self : self, bindings: new Map(), parent: closure };
    decl.parameters.forEach((p, i) => {
      if (p.dotDotDotToken) {
        env.bindings.set(p, { value: { k: 'arr', items: args.slice(i) } });
        return;
      }
      const arg = args[i];
      if (arg) env.bindings.set(p, arg);
      else if (p.initializer) env.bindings.set(p, { thunk: { expr: p.initializer, env } });
      else env.bindings.set(p, { value: { k: 'undef' } });
    });
    return env;
  }

  asset(dirArg: ts.Expression, options: ts.Expression | undefined, env: Env): V | undefined {
    const dir = text(this.eval(dirArg, env));
    if (dir === undefined) return undefined;
    let bundling = false;
    if (options) {
      const o = this.eval(options, env);
      const b = o?.k === 'obj' ? this.property(o, 'bundling') : undefined;
      bundling = !(b?.value?.k === 'undef');
    }
    return { k: 'asset', dir: resolvePath(this.cwd, dir), bundling };
  }

  evalNew(node: ts.NewExpression, env: Env): V | undefined {
    const perEnv = this.#constructs.get(node);
    for (let e: Env | undefined = env; perEnv && e; e = e.parent) {
      const cached = perEnv.get(e);
      if (cached) return cached;
    }
    const cls = this.eval(node.expression, env);
    const args = node.arguments ?? [];
    if (cls?.k === 'ext') {
      const name = cls.names[cls.names.length - 1];
      if ((CORE_MODULES.has(cls.module) && cls.names.length === 1 && name === 'App') || (cls.module === 'aws-cdk-lib' && name === 'App')) {
        return { k: 'construct', path: [], fields: new Map() };
      }
      if (cls.module === 'url' && name === 'URL' && args[0]) {
        const rel = text(this.eval(args[0], env));
        const base = args[1] ? this.eval(args[1], env) : undefined;
        if (rel === undefined) return undefined;
        if (rel.startsWith('file://')) return { k: 'url', path: decodeURIComponent(rel.slice(7)) };
        const basePath = base?.k === 'url' ? base.path : base?.k === 'str' && base.v.startsWith('file://') ? base.v.slice(7) : undefined;
        return basePath === undefined ? undefined : { k: 'url', path: resolvePath(dirname(basePath), rel) };
      }
      if (LAMBDA_MODULES.has(cls.module) && name === 'AssetCode' && args[0]) return this.asset(args[0], args[1], env);
    }
    if (args.length < 2) return undefined;
    const scope = this.eval(args[0]!, env);
    const id = text(this.eval(args[1]!, env)) ?? null;
    const value: ConstructValue = {
      k: 'construct',
      path: scope?.k === 'construct' && scope.path ? [...scope.path, id] : undefined,
      fields: new Map(),
    };
    if (cls?.k === 'class') value.cls = cls.decl;
    return value;
  }

  // -------------------------------------------------------------------------------------------
  // Execution: walking code that runs, to find the constructs it creates.

  exec(node: ts.Node, env: Env): void {
    const visit = (n: ts.Node): void => {
      this.#tick();
      if (n !== node && (isFunctionLike(n) || ts.isClassLike(n))) return;
      if (ts.isForOfStatement(n)) {
        this.execForOf(n, env);
        return;
      }
      if (ts.isNewExpression(n)) {
        ts.forEachChild(n, visit);
        this.onNew(n, env);
        return;
      }
      if (ts.isCallExpression(n)) {
        ts.forEachChild(n, visit);
        this.onCall(n, env);
        return;
      }
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.expression.kind === SK.ThisKeyword) {
        ts.forEachChild(n, visit);
        if (env.self?.k === 'construct') env.self.fields.set(n.left.name.text, { thunk: { expr: n.right, env } });
        return;
      }
      ts.forEachChild(n, visit);
    };
    if (ts.isSourceFile(node) || ts.isBlock(node)) ts.forEachChild(node, visit);
    else visit(node);
  }

  execForOf(n: ts.ForOfStatement, env: Env): void {
    this.exec(n.expression, env);
    const list = n.initializer;
    const decl = ts.isVariableDeclarationList(list) ? list.declarations[0] : undefined;
    const iterable = this.eval(n.expression, env);
    const items: (Item | undefined)[] = iterable?.k === 'arr' ? iterable.items.slice(0, 200) : [undefined];
    for (const item of items) {
      const child: Env = { file: env.file, self: env.self, bindings: new Map(), parent: env };
      if (decl) child.bindings.set(decl, item ?? { value: undefined });
      this.exec(n.statement, child);
    }
  }

  onNew(node: ts.NewExpression, env: Env): void {
    const cls = this.eval(node.expression, env);
    if (!cls) return;
    const args = (node.arguments ?? []).map((a): Item => ({ thunk: { expr: a, env } }));
    const kind = functionKind(cls);
    if (kind) {
      const value = this.evalNew(node, env);
      const path = value?.k === 'construct' ? value.path : undefined;
      const id = node.arguments?.[1] ? (text(this.eval(node.arguments[1], env)) ?? null) : null;
      this.record(kind, path, id, args[2], node);
      return;
    }
    if (cls.k !== 'class') return;
    const value = this.evalNew(node, env);
    if (value?.k !== 'construct') return;
    let perEnv = this.#constructs.get(node);
    if (!perEnv) this.#constructs.set(node, (perEnv = new Map()));
    perEnv.set(env, value);
    this.instantiate(cls.decl, value, args);
  }

  /** Runs a class's constructor (and its field initializers) for the instance `self`. */
  instantiate(cls: ts.ClassLikeDeclaration, self: ConstructValue, args: Item[]): void {
    if (this.#active.has(cls)) return;
    this.#active.add(cls);
    try {
      const file = this.fileOf(cls);
      const env: Env = { file, self, bindings: new Map() };
      const ctor = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
      if (ctor) {
        const activation = this.activation(ctor, args, env, self);
        for (const p of ctor.parameters) {
          // `constructor(private readonly props: Props)` is a field too.
          if (ts.isIdentifier(p.name) && p.modifiers?.some((m) => m.kind === SK.PrivateKeyword || m.kind === SK.PublicKeyword || m.kind === SK.ProtectedKeyword || m.kind === SK.ReadonlyKeyword)) {
            const bound = activation.bindings.get(p);
            if (bound) self.fields.set(p.name.text, bound);
          }
        }
        for (const m of cls.members) {
          if (ts.isPropertyDeclaration(m) && m.initializer && !hasModifier(m, SK.StaticKeyword)) {
            const name = propertyName(m.name);
            if (name !== undefined) self.fields.set(name, { thunk: { expr: m.initializer, env: activation } });
            this.exec(m.initializer, activation);
          }
        }
        this.exec(ctor.body!, activation);
        return;
      }
      for (const m of cls.members) {
        if (ts.isPropertyDeclaration(m) && m.initializer && !hasModifier(m, SK.StaticKeyword)) {
          const name = propertyName(m.name);
          if (name !== undefined) self.fields.set(name, { thunk: { expr: m.initializer, env } });
          this.exec(m.initializer, env);
        }
      }
      // No constructor: the base class gets the arguments as they are.
      this.construct(this.baseClass(cls), self, args, cls);
    } finally {
      this.#active.delete(cls);
    }
  }

  baseClass(cls: ts.ClassLikeDeclaration): V | undefined {
    const clause = cls.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword);
    const base = clause?.types[0]?.expression;
    return base ? this.eval(base, this.fileOf(cls).env) : undefined;
  }

  /** `super(...)` or an implicit constructor: the base class constructs `self`. */
  construct(base: V | undefined, self: ConstructValue, args: Item[], site: ts.Node): void {
    if (!base) return;
    const kind = functionKind(base);
    if (kind) {
      const id = self.path ? self.path[self.path.length - 1]! : null;
      this.record(kind, self.path, id ?? null, args[2], site);
      return;
    }
    if (base.k === 'class') this.instantiate(base.decl, self, args);
  }

  onCall(call: ts.CallExpression, env: Env): void {
    const args = call.arguments.map((a): Item => ({ thunk: { expr: a, env } }));
    if (call.expression.kind === SK.SuperKeyword) {
      const self = env.self;
      const cls = enclosingClass(call);
      if (self?.k === 'construct' && cls) this.construct(this.baseClass(cls), self, args, call);
      return;
    }
    const executed = new Set<ts.Node>();
    const callee = call.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if ((method === 'forEach' || method === 'map' || method === 'flatMap') && call.arguments[0]) {
        const list = this.eval(callee.expression, env);
        const cb = this.eval(call.arguments[0], env);
        if (list?.k === 'arr' && cb?.k === 'fn') {
          for (const [i, item] of list.items.slice(0, 200).entries()) this.call(cb.decl, [item, { value: { k: 'num', v: i } }], cb.env, env.self);
          executed.add(call.arguments[0]);
        }
      } else {
        const target = this.eval(callee.expression, env);
        if (target?.k === 'construct' && target.cls) {
          const m = findMethod(target.cls, method, (c) => this.baseClass(c));
          if (m) this.call(m, args, env, target);
        } else if (target?.k === 'obj') {
          const fn = this.property(target, method)?.value;
          if (fn?.k === 'fn') this.call(fn.decl, args, fn.env, target);
        }
      }
    } else {
      const fn = this.eval(callee, env);
      if (fn?.k === 'fn') this.call(fn.decl, args, fn.env, env.self);
    }
    // Callbacks we could not follow precisely still run once, with unknown parameters.
    for (const a of call.arguments) {
      if ((ts.isArrowFunction(a) || ts.isFunctionExpression(a)) && !executed.has(a)) this.call(a, [], env, env.self);
    }
  }

  call(decl: FunctionLike, args: Item[], closure: Env, self: V | undefined): void {
    if (this.#active.has(decl) || !decl.body || this.#active.size > MAX_DEPTH) return;
    this.#active.add(decl);
    try {
      const env = this.activation(decl, args, closure, self);
      this.exec(decl.body, env);
    } finally {
      this.#active.delete(decl);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Functions and their handler source.

  record(kind: FunctionDecl['kind'], path: ConstructPath | undefined, id: string | null, propsItem: Item | undefined, site: ts.Node): void {
    const file = this.fileOf(site);
    const decl: FunctionDecl = { kind, path, id, site, file: file.path };
    const props = propsItem ? this.item(propsItem) : { k: 'undef' as const };
    const handler = props?.k === 'obj' || props?.k === 'undef' ? this.handlerOf(kind, id, props, site) : undefined;
    if (handler) decl.handler = handler;
    this.functions.push(decl);
  }

  handlerOf(kind: FunctionDecl['kind'], id: string | null, props: V, site: ts.Node): HandlerSource | undefined {
    const prop = (name: string) => (props.k === 'obj' ? this.property(props, name) : { value: { k: 'undef' } as V });
    const siteLoc = locOfNode(site.kind === SK.NewExpression ? (site as ts.NewExpression).expression : site);
    const handlerProp = prop('handler');
    if (!handlerProp || handlerProp.value === undefined) return undefined;
    const handlerText = handlerProp.value.k === 'undef' ? undefined : text(handlerProp.value);
    if (handlerProp.value.k !== 'undef' && handlerText === undefined) return undefined;
    if (kind === 'NodejsFunction') {
      const exportName = handlerText === undefined ? 'handler' : handlerText.slice(handlerText.lastIndexOf('.') + 1);
      const entryProp = prop('entry');
      if (!entryProp || entryProp.value === undefined || !exportName) return undefined;
      // An export that is not there is what can go wrong once synth succeeded: point at `handler:` first.
      const loc = handlerProp.node ? locOfNode(handlerProp.node) : entryProp.node ? locOfNode(entryProp.node) : siteLoc;
      if (entryProp.value.k === 'undef') {
        // NodejsFunction's default: `<defining file>.<id>.ts` (or .js, .mjs, ...) next to the file that creates it.
        if (id === null) return undefined;
        const stem = `${stripExtension(this.fileOf(site).path)}.${id}`;
        const found = DEFAULT_ENTRY_EXTENSIONS.find((e) => this.exists(stem + e));
        if (!found) return undefined;
        return { modulePath: stem, extension: found, exportName, loc, optional: false };
      }
      const entry = text(entryProp.value);
      if (entry === undefined || !CODE_FILE.test(entry)) return undefined;
      const abs = resolvePath(this.cwd, entry);
      // Synth checks that the entry exists: when it does not, our reading of the app is wrong or stale.
      if (!this.exists(abs)) return undefined;
      const stem = stripExtension(abs);
      return { modulePath: stem, extension: abs.slice(stem.length), exportName, loc, optional: false };
    }
    const codeProp = prop('code');
    const code = codeProp?.value;
    if (code?.k !== 'asset' || handlerText === undefined) return undefined;
    const dot = handlerText.lastIndexOf('.');
    if (dot <= 0 || dot === handlerText.length - 1) return undefined;
    const modulePath = resolvePath(code.dir, handlerText.slice(0, dot));
    const loc = handlerProp.node ? locOfNode(handlerProp.node) : codeProp?.node ? locOfNode(codeProp.node) : siteLoc;
    // Code built before synth (bundling, a build output folder) may not be there when we lint.
    const optional = code.bundling || BUILD_OUTPUT.test(code.dir.slice(this.io.root.length));
    return { modulePath, exportName: handlerText.slice(dot + 1), loc, optional };
  }

  exists(path: string): boolean {
    return isInside(this.io.root, path) && !path.includes('/node_modules/') && this.io.readFile(path) !== undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

function ext(module: string, names: string[]): V {
  let m = module.startsWith('node:') ? module.slice(5) : module;
  let n = names;
  // `import { aws_lambda } from 'aws-cdk-lib'` / `cdk.aws_lambda_nodejs` are the submodules.
  if (CORE_MODULES.has(m) && n[0]?.startsWith('aws_')) {
    m = `aws-cdk-lib/${n[0].replace(/_/g, '-')}`;
    n = n.slice(1);
  }
  return { k: 'ext', module: m, names: n };
}

function functionKind(v: V): FunctionDecl['kind'] | undefined {
  if (v.k !== 'ext' || v.names.length !== 1) return undefined;
  if (v.names[0] === 'NodejsFunction' && NODEJS_MODULES.has(v.module)) return 'NodejsFunction';
  if (v.names[0] === 'Function' && LAMBDA_MODULES.has(v.module)) return 'Function';
  return undefined;
}

function text(v: V | undefined): string | undefined {
  if (v?.k === 'str') return v.v;
  if (v?.k === 'num') return String(v.v);
  return undefined;
}

function sameValue(a: V, b: V): boolean {
  return (a.k === 'str' || a.k === 'num') && a.k === b.k && a.v === (b as typeof a).v;
}

function pathCall(fn: string, args: string[], cwd: string): V | undefined {
  switch (fn) {
    case 'join':
      return { k: 'str', v: joinSegments(args) };
    case 'resolve':
      return { k: 'str', v: resolvePath(cwd, ...args) };
    case 'normalize':
      return args[0] === undefined ? undefined : { k: 'str', v: joinSegments([args[0]]) };
    case 'dirname':
      return args[0] === undefined ? undefined : { k: 'str', v: args[0].includes('/') ? dirname(args[0]) : '.' };
    case 'basename': {
      if (args[0] === undefined) return undefined;
      const b = basename(args[0]);
      return { k: 'str', v: args[1] && b.endsWith(args[1]) ? b.slice(0, -args[1].length) : b };
    }
    default:
      return undefined;
  }
}

function cjsExportName(left: ts.Expression): string | undefined {
  // `module.exports` -> '' (the whole), `module.exports.X` / `exports.X` -> 'X'.
  if (ts.isPropertyAccessExpression(left)) {
    const obj = left.expression;
    if (ts.isIdentifier(obj) && obj.text === 'module' && left.name.text === 'exports') return '';
    if (ts.isIdentifier(obj) && obj.text === 'exports') return left.name.text;
    if (ts.isPropertyAccessExpression(obj) && ts.isIdentifier(obj.expression) && obj.expression.text === 'module' && obj.name.text === 'exports') return left.name.text;
  }
  return undefined;
}

function isFunctionLike(n: ts.Node): n is FunctionLike | ts.GetAccessorDeclaration | ts.SetAccessorDeclaration {
  return (
    ts.isFunctionDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n)
  );
}

function hasModifier(n: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) ? (ts.getModifiers(n)?.some((m) => m.kind === kind) ?? false) : false;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

function enclosingClass(n: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p = n.parent; p; p = p.parent) if (ts.isClassLike(p)) return p;
  return undefined;
}

function findMethod(cls: ts.ClassLikeDeclaration, name: string, base: (c: ts.ClassLikeDeclaration) => V | undefined, depth = 0): FunctionLike | undefined {
  if (depth > 16) return undefined;
  for (const m of cls.members) {
    if (ts.isMethodDeclaration(m) && m.body && propertyName(m.name) === name) return m;
    if (ts.isPropertyDeclaration(m) && propertyName(m.name) === name && m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))) return m.initializer;
  }
  const b = base(cls);
  return b?.k === 'class' ? findMethod(b.decl, name, base, depth + 1) : undefined;
}

/** Visits the nodes of a function body that belong to it (not to nested functions or classes). */
function walkShallow(node: ts.Node, visit: (n: ts.Node) => void): void {
  const go = (n: ts.Node): void => {
    if (isFunctionLike(n) || ts.isClassLike(n)) return;
    visit(n);
    ts.forEachChild(n, go);
  };
  ts.forEachChild(node, go);
}

type Decl =
  | { k: 'import'; info: ImportInfo }
  | { k: 'class'; decl: ts.ClassDeclaration }
  | { k: 'function'; decl: ts.FunctionDeclaration }
  /** A parameter or a `for ... of` variable: bound per activation. */
  | { k: 'binding'; root: ts.Node; element?: ts.BindingElement }
  | { k: 'var'; root: ts.VariableDeclaration; element?: ts.BindingElement };

/** Finds the declaration that `name` refers to at `at`, by the lexical scopes around it. */
function lookup(name: string, at: ts.Node): Decl | undefined {
  for (let scope: ts.Node | undefined = at.parent; scope; scope = scope.parent) {
    if (isFunctionLike(scope)) {
      for (const p of scope.parameters) {
        const element = findInBindingName(p.name, name);
        if (element) return { k: 'binding', root: p, ...(element === true ? {} : { element }) };
      }
    }
    if (ts.isForOfStatement(scope) || ts.isForInStatement(scope) || ts.isForStatement(scope)) {
      const list = scope.initializer;
      if (list && ts.isVariableDeclarationList(list)) {
        for (const d of list.declarations) {
          const element = findInBindingName(d.name, name);
          if (!element) continue;
          // A loop variable is bound per iteration (`for...of` over a literal array), else unknown.
          return { k: 'binding', root: d, ...(element === true ? {} : { element }) };
        }
      }
    }
    if (ts.isCatchClause(scope) && scope.variableDeclaration && findInBindingName(scope.variableDeclaration.name, name)) return undefined;
    if (ts.isSourceFile(scope)) {
      // Imports first: `const { X } = require('m')` is an import, not a value to evaluate.
      const info = importsOf(scope).get(name);
      if (info) return { k: 'import', info };
    }
    const statements = ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope) ? scope.statements : undefined;
    if (!statements) continue;
    for (const s of statements) {
      if (ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) {
          const element = findInBindingName(d.name, name);
          if (element) return { k: 'var', root: d, ...(element === true ? {} : { element }) };
        }
      } else if (ts.isFunctionDeclaration(s) && s.name?.text === name && s.body) {
        return { k: 'function', decl: s };
      } else if (ts.isClassDeclaration(s) && s.name?.text === name) {
        return { k: 'class', decl: s };
      }
    }
  }
  return undefined;
}

const importTables = new WeakMap<ts.SourceFile, Map<string, ImportInfo>>();

function importsOf(sf: ts.SourceFile): Map<string, ImportInfo> {
  return importTables.get(sf) ?? new Map();
}

const reassigned = new WeakMap<ts.VariableDeclaration, Set<string>>();

/** Whether a `let`/`var` variable is assigned after its declaration: then its initializer is not its value. */
function isReassigned(decl: ts.VariableDeclaration, name: string): boolean {
  const list = decl.parent;
  if (!ts.isVariableDeclarationList(list) || list.flags & ts.NodeFlags.Const) return false;
  let names = reassigned.get(decl);
  if (!names) {
    const found = new Set<string>();
    const scope = list.parent.parent ?? list.parent;
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isIdentifier(n.left)) found.add(n.left.text);
      if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && ts.isIdentifier(n.operand)) found.add(n.operand.text);
      ts.forEachChild(n, visit);
    };
    visit(scope);
    reassigned.set(decl, (names = found));
  }
  return names.has(name);
}

/** `true` when the binding name is the identifier itself; the element when it is inside a pattern. */
function findInBindingName(name: ts.BindingName, wanted: string): true | ts.BindingElement | undefined {
  if (ts.isIdentifier(name)) return name.text === wanted ? true : undefined;
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    if (ts.isIdentifier(el.name)) {
      if (el.name.text === wanted) return el;
    } else {
      const inner = findInBindingName(el.name, wanted);
      if (inner) return inner;
    }
  }
  return undefined;
}

function findBinding(env: Env | undefined, decl: ts.Node): Item | undefined {
  for (let e = env; e; e = e.parent) {
    const b = e.bindings.get(decl);
    if (b) return b;
  }
  return undefined;
}

function requireSpecifier(e: ts.Expression | undefined): string | undefined {
  if (!e || !ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'require') return undefined;
  const a = e.arguments[0];
  return a && ts.isStringLiteral(a) ? a.text : undefined;
}

/** The module-level import table of a file (ESM imports, `import x = require()`, CommonJS `require`). */
function collectImports(file: AppFile): void {
  const table = file.imports;
  for (const s of file.sf.statements) {
    if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.importClause) {
      const module = s.moduleSpecifier.text;
      const clause = s.importClause;
      if (clause.name) table.set(clause.name.text, { module, name: 'default' });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) table.set(nb.name.text, { module, name: '*' });
      else if (nb) for (const e of nb.elements) table.set(e.name.text, { module, name: (e.propertyName ?? e.name).text });
    } else if (ts.isImportEqualsDeclaration(s) && ts.isExternalModuleReference(s.moduleReference) && ts.isStringLiteral(s.moduleReference.expression)) {
      table.set(s.name.text, { module: s.moduleReference.expression.text, name: '*' });
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        let init = d.initializer;
        let member: string | undefined;
        // `const { X } = require('m')`, `const X = require('m').X`, `const m = require('m')`.
        if (init && ts.isPropertyAccessExpression(init) && requireSpecifier(init.expression)) {
          member = init.name.text;
          init = init.expression;
        }
        const module = requireSpecifier(init);
        if (!module) continue;
        if (ts.isIdentifier(d.name)) table.set(d.name.text, { module, name: member ?? '*' });
        else if (ts.isObjectBindingPattern(d.name) && !member) {
          for (const el of d.name.elements) {
            if (!ts.isIdentifier(el.name)) continue;
            const key = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
            table.set(el.name.text, { module, name: key });
          }
        }
      }
    }
  }
  importTables.set(file.sf, table);
}

const lineStartsCache = new WeakMap<ts.SourceFile, number[]>();

function locOf(sf: ts.SourceFile, start: number, end: number): Loc {
  let starts = lineStartsCache.get(sf);
  if (!starts) lineStartsCache.set(sf, (starts = lineStartsOf(sf.text)));
  return locFromOffsets(sf.fileName, starts, start, end);
}

function locOfNode(node: ts.Node): Loc {
  const sf = node.getSourceFile();
  return locOf(sf, node.getStart(sf), node.end);
}
