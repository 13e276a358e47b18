/**
 * Static evaluation of a JavaScript/TypeScript configuration module (`serverless.ts`,
 * `serverless.js`): the exported object literal becomes the same position-preserving Value
 * tree the YAML reader produces. Nothing is executed: what only code could tell is an
 * unknown value.
 */
import {
  joinPath,
  lineStartsOf,
  locFromOffsets,
  type InputDiagnostic,
  type Loc,
  type MapValue,
  type SeqValue,
  type UnknownValue,
  type Value,
} from '@lambda-lint/core';
import { ts } from '@lambda-lint/handler/ts-morph';
import { skipOuterExpressions } from './syntax.js';

const SK = ts.SyntaxKind;
const MAX_DEPTH = 200;

/** The result has the shape of `@lambda-lint/source`'s `ParsedSource`, so the serverless reader takes it as it is. */
export interface EvaluatedConfig {
  file: string;
  text: string;
  /** Undefined when the file cannot be parsed or exports nothing readable; `diagnostics` says why. */
  root: Value | undefined;
  diagnostics: InputDiagnostic[];
  lineStarts: number[];
}

/** "The value is `undefined`": the key is left out, as `JSON.stringify` and the framework do. */
const ABSENT = Symbol('absent');
type Result = Value | typeof ABSENT;

/**
 * Evaluates the configuration a module exports (`export default`, `export =`, `module.exports =`),
 * following local `const`s (identifiers, shorthand properties, spreads, property access). Literals,
 * arrays, objects, template literals whose parts are known, `as const` / `satisfies` are values;
 * imported bindings and function calls are unknown (`code`), `process.env.X` is unknown
 * (`deploy-time`). Never throws.
 */
export function evaluateConfigModule(file: string, rawText: string, readModule?: (abs: string) => string | undefined): EvaluatedConfig {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = lineStartsOf(text);
  const result: EvaluatedConfig = { file, text, root: undefined, diagnostics: [], lineStarts };
  const at = (start: number, end: number): Loc => locFromOffsets(file, lineStarts, start, end);
  const lang = /\.[cm]?tsx?$/i.test(file) ? 'TypeScript' : 'JavaScript';
  let sf: ts.SourceFile;
  try {
    sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, lang === 'TypeScript' ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  } catch (e) {
    const why = e instanceof RangeError ? 'its code is nested too deeply' : `the parser failed (${e instanceof Error ? e.message : String(e)})`;
    result.diagnostics.push({ ruleId: 'parse-error', message: `${lang} file could not be parsed: ${why}; it was not read.`, loc: at(0, 0) });
    return result;
  }
  const parseDiagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const first = parseDiagnostics[0];
  if (first) {
    const start = first.start ?? 0;
    result.diagnostics.push({
      ruleId: 'parse-error',
      message: `${lang} syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`,
      loc: at(start, start + (first.length ?? 0)),
    });
    return result;
  }
  try {
    const modules: Modules = { loaded: new Map([[file, null]]), all: [], ...(readModule ? { read: readModule } : {}) };
    const evaluator = new Evaluator(sf, at, file, modules);
    const exported = evaluator.exportedExpression();
    if (!exported) {
      result.diagnostics.push({
        ruleId: 'unresolved-variable',
        message: `${file.slice(file.lastIndexOf('/') + 1)} exports no configuration (no \`export default\`, \`export =\` or \`module.exports =\`); nothing in it was linted.`,
        loc: at(0, 0),
      });
      return result;
    }
    const root = evaluator.value(exported);
    if (root === ABSENT || root.kind !== 'map') {
      const node = skipOuterExpressions(exported);
      result.diagnostics.push({
        ruleId: 'unresolved-variable',
        message: `The configuration is computed by code (\`${snippet(node.getText(sf))}\`), which lambda-lint does not run: export an object literal, or run \`sls package\` so that its output in .serverless/ is linted.`,
        loc: at(node.getStart(sf), node.end),
      });
      return result;
    }
    result.root = root;
    result.diagnostics.push(...evaluator.computed, ...modules.all.flatMap((m) => m.computed));
  } catch (e) {
    // Pathological input (e.g. nesting beyond the stack): a diagnostic, never a crash.
    result.diagnostics.push({
      ruleId: 'parse-error',
      message: `${lang} file could not be read: ${e instanceof RangeError ? 'its code is nested too deeply' : e instanceof Error ? e.message : String(e)}.`,
      loc: at(0, 0),
    });
  }
  return result;
}

/** A module the configuration imports, parsed; undefined when it has a syntax error (it is not reported: the module is not the configuration). */
function parseModule(path: string, rawText: string, modules: Modules): Evaluator | undefined {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = lineStartsOf(text);
  try {
    const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, /\.[cm]?tsx?$/i.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const parseDiagnostics = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    if (parseDiagnostics.length > 0) return undefined;
    return new Evaluator(sf, (start, end) => locFromOffsets(path, lineStarts, start, end), path, modules);
  } catch {
    return undefined;
  }
}

function snippet(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/** `default` (`import x from`, `require()`: what the module exports), `*` (a namespace), or an exported name. */
type Binding = { kind: 'const'; init: ts.Expression } | { kind: 'import'; from: string; name: string } | { kind: 'code' };

/**
 * The modules a configuration imports with a relative path (`./serverless/functions`), read through
 * `read` (inside the project root only) and evaluated the same way; `null` for one that cannot be
 * read or parsed, or is being evaluated (a cycle).
 */
interface Modules {
  read?: (abs: string) => string | undefined;
  loaded: Map<string, Evaluator | null>;
  all: Evaluator[];
}

const MAX_MODULES = 50;
const MODULE_SUFFIXES = ['', '.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '/index.ts', '/index.js'];

class Evaluator {
  private readonly bindings = new Map<string, Binding>();
  private readonly evaluating = new Set<ts.Node>();
  private depth = 0;
  /**
   * One `unresolved-variable` per place where code (an import, a call) decides a value: the user
   * learns which settings were not linted, as with a YAML `${...}` that cannot be resolved offline.
   */
  readonly computed: InputDiagnostic[] = [];
  private readonly reported = new Set<number>();

  private readonly exportResults = new Map<string, Result>();

  constructor(
    private readonly sf: ts.SourceFile,
    private readonly at: (start: number, end: number) => Loc,
    private readonly file: string,
    private readonly modules: Modules,
  ) {
    for (const st of sf.statements) this.collect(st);
  }

  /** Top-level bindings: what an identifier in the exported object can stand for. */
  private collect(st: ts.Statement): void {
    if (ts.isVariableStatement(st)) {
      const isConst = (st.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name)) continue;
        const init = d.initializer;
        const required = init ? requiredModule(skipOuterExpressions(init) as ts.Expression) : undefined;
        if (required !== undefined) this.bindings.set(d.name.text, { kind: 'import', from: required, name: 'default' });
        else if (isConst && init) this.bindings.set(d.name.text, { kind: 'const', init });
        else this.bindings.set(d.name.text, { kind: 'code' });
      }
    } else if (ts.isImportDeclaration(st)) {
      const clause = st.importClause;
      const from = ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '?';
      if (clause?.name) this.bindings.set(clause.name.text, { kind: 'import', from, name: 'default' });
      const named = clause?.namedBindings;
      if (named && ts.isNamespaceImport(named)) this.bindings.set(named.name.text, { kind: 'import', from, name: '*' });
      else if (named) for (const el of named.elements) this.bindings.set(el.name.text, { kind: 'import', from, name: (el.propertyName ?? el.name).text });
    } else if (ts.isImportEqualsDeclaration(st)) {
      const ref = st.moduleReference;
      const from = ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? ref.expression.text : '?';
      this.bindings.set(st.name.text, { kind: 'import', from, name: 'default' });
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st)) && st.name) {
      this.bindings.set(st.name.text, { kind: 'code' });
    }
  }

  /** The node the module exports (an expression, or an `export default function`); the last assignment wins, as at run time. */
  exportedExpression(): ts.Node | undefined {
    let found: ts.Node | undefined;
    for (const st of this.sf.statements) {
      if (ts.isExportAssignment(st)) found = st.expression;
      else if (ts.isExpressionStatement(st)) {
        const e = skipOuterExpressions(st.expression);
        if (ts.isBinaryExpression(e) && e.operatorToken.kind === SK.EqualsToken && isModuleExports(skipOuterExpressions(e.left))) found = e.right;
      } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && hasDefaultExport(st)) {
        found = st;
      }
    }
    return found;
  }

  private loc(node: ts.Node): Loc {
    return this.at(node.getStart(this.sf), node.end);
  }

  private unknown(node: ts.Node, reason: UnknownValue['reason']): UnknownValue {
    return { kind: 'unknown', reason, text: snippet(node.getText(this.sf)), loc: this.loc(node) };
  }

  /** A value only running the code could tell: unknown, and reported once where the code is. */
  private code(node: ts.Node, why?: string): UnknownValue {
    const value = this.unknown(node, 'code');
    const start = node.getStart(this.sf);
    if (!this.reported.has(start)) {
      this.reported.add(start);
      this.computed.push({
        ruleId: 'unresolved-variable',
        message: `\`${value.text}\` ${why ?? 'is computed by code, which lambda-lint reads without running'}: its value is treated as unknown, so what it defines is not linted. Write the value in the configuration, or run \`sls package\` so that its output in .serverless/ is linted.`,
        loc: value.loc,
      });
    }
    return value;
  }

  value(expr: ts.Node): Result {
    if (this.depth >= MAX_DEPTH) return this.unknown(expr, 'code');
    this.depth++;
    try {
      return this.evaluate(skipOuterExpressions(expr));
    } finally {
      this.depth--;
    }
  }

  private evaluate(node: ts.Node): Result {
    switch (node.kind) {
      case SK.ObjectLiteralExpression:
        return this.object(node as ts.ObjectLiteralExpression);
      case SK.ArrayLiteralExpression:
        return this.array(node as ts.ArrayLiteralExpression);
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        return { kind: 'scalar', value: (node as ts.StringLiteral).text, loc: this.loc(node) };
      case SK.TemplateExpression:
        return this.template(node as ts.TemplateExpression);
      case SK.NumericLiteral: {
        const n = Number((node as ts.NumericLiteral).text.replace(/_/g, ''));
        return Number.isFinite(n) ? { kind: 'scalar', value: n, loc: this.loc(node) } : this.unknown(node, 'code');
      }
      case SK.PrefixUnaryExpression: {
        const u = node as ts.PrefixUnaryExpression;
        const operand = skipOuterExpressions(u.operand);
        if ((u.operator === SK.MinusToken || u.operator === SK.PlusToken) && operand.kind === SK.NumericLiteral) {
          const n = Number((operand as ts.NumericLiteral).text.replace(/_/g, ''));
          if (Number.isFinite(n)) return { kind: 'scalar', value: u.operator === SK.MinusToken ? -n : n, loc: this.loc(node) };
        }
        return this.code(node);
      }
      case SK.TrueKeyword:
      case SK.FalseKeyword:
        return { kind: 'scalar', value: node.kind === SK.TrueKeyword, loc: this.loc(node) };
      case SK.NullKeyword:
        return { kind: 'scalar', value: null, loc: this.loc(node) };
      case SK.Identifier:
        return this.identifier(node as ts.Identifier);
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression:
        return this.access(node as ts.PropertyAccessExpression | ts.ElementAccessExpression);
      default:
        // Calls, functions, operators, `new`, `await`: code that would have to run.
        return this.code(node);
    }
  }

  private identifier(id: ts.Identifier): Result {
    if (id.text === 'undefined') return ABSENT;
    const b = this.bindings.get(id.text);
    if (b?.kind === 'import') {
      const imported = this.importedValue(b.from, b.name);
      if (imported !== undefined) return imported;
      return this.code(id, `is imported from '${b.from}', which lambda-lint cannot follow (a package or path alias, a missing or unparsable module, a cycle)`);
    }
    if (!b || b.kind !== 'const') return this.code(id);
    // A const's value keeps the positions of its initializer: that is where its text is.
    if (this.evaluating.has(b.init)) return this.unknown(id, 'code');
    this.evaluating.add(b.init);
    try {
      return this.value(b.init);
    } finally {
      this.evaluating.delete(b.init);
    }
  }

  /**
   * The value a relative import names: the module's export (`default`) or one of its top-level
   * consts, evaluated in that module (positions in its file). Undefined when it cannot be had: a
   * package or path alias, a namespace, a module that cannot be read or parsed, a cycle.
   */
  private importedValue(from: string, name: string): Result | undefined {
    if (name === '*' || !/^\.\.?\//.test(from)) return undefined;
    const module = this.load(joinPath(this.file.slice(0, this.file.lastIndexOf('/')) || '/', from));
    if (!module) return undefined;
    return module.exportValue(name);
  }

  private load(base: string): Evaluator | undefined {
    const read = this.modules.read;
    if (!read) return undefined;
    // `./functions.js` written for ESM names `./functions.ts` in a TypeScript project.
    const stem = base.replace(/\.[cm]?js$/, '');
    const candidates = [...MODULE_SUFFIXES.map((x) => base + x), ...(stem !== base ? ['.ts', '.mts', '.cts'].map((x) => stem + x) : [])];
    for (const path of candidates) {
      if (!/\.[cm]?[jt]s$/.test(path)) continue;
      if (this.modules.loaded.has(path)) return this.modules.loaded.get(path) ?? undefined;
      const text = read(path);
      if (text === undefined) continue;
      if (this.modules.loaded.size >= MAX_MODULES) return undefined;
      this.modules.loaded.set(path, null);
      const module = parseModule(path, text, this.modules);
      if (module) {
        this.modules.loaded.set(path, module);
        this.modules.all.push(module);
      }
      return module;
    }
    return undefined;
  }

  /** What the module exports under `name` (`default`: `export default`, `export =`, `module.exports =`). */
  exportValue(name: string): Result | undefined {
    if (this.exportResults.has(name)) return this.exportResults.get(name);
    let node: ts.Node | undefined;
    if (name === 'default') node = this.exportedExpression();
    else {
      const b = this.bindings.get(name);
      if (b?.kind === 'const') node = b.init;
    }
    const value = node ? this.value(node) : undefined;
    if (value !== undefined) this.exportResults.set(name, value);
    return value;
  }

  private access(node: ts.PropertyAccessExpression | ts.ElementAccessExpression): Result {
    const target = skipOuterExpressions(node.expression);
    const key = ts.isPropertyAccessExpression(node) ? node.name.text : this.keyText(node.argumentExpression);
    if (isProcessEnv(target)) return this.unknown(node, 'deploy-time');
    if (key === undefined) return this.code(node);
    const base = this.value(target);
    if (base === ABSENT) return this.unknown(node, 'code');
    if (base.kind === 'unknown') return this.unknown(node, base.reason);
    if (base.kind === 'map') {
      const e = base.entries.find((x) => x.key === key);
      if (e) return e.value;
      return base.open ? this.unknown(node, 'code') : ABSENT;
    }
    if (base.kind === 'seq' && /^\d+$/.test(key)) return base.items[Number(key)] ?? ABSENT;
    return this.unknown(node, 'code');
  }

  /** The static text of a property name or element access key. */
  private keyText(node: ts.Node | undefined): string | undefined {
    if (!node) return undefined;
    const n = skipOuterExpressions(node);
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) return n.text;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isNumericLiteral(n)) return n.text;
    if (ts.isComputedPropertyName(n)) {
      const v = this.value(n.expression);
      return v !== ABSENT && v.kind === 'scalar' && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
    }
    return undefined;
  }

  private object(node: ts.ObjectLiteralExpression): Value {
    const map: MapValue = { kind: 'map', entries: [], loc: this.loc(node) };
    const set = (key: string, keyLoc: Loc, value: Result) => {
      const i = map.entries.findIndex((e) => e.key === key);
      if (i >= 0) map.entries.splice(i, 1);
      if (value !== ABSENT) map.entries.push({ key, keyLoc, value });
    };
    for (const p of node.properties) {
      if (ts.isSpreadAssignment(p)) {
        const v = this.value(p.expression);
        if (v === ABSENT || (v.kind === 'scalar' && v.value === null)) continue;
        if (v.kind === 'map') {
          for (const e of v.entries) set(e.key, e.keyLoc, e.value);
          if (v.open) map.open = true;
        } else {
          // `...imported`, `...makeDefaults()`: keys that cannot be seen.
          map.open = true;
        }
        continue;
      }
      const key = this.keyText(p.name);
      if (key === undefined) {
        map.open = true;
        continue;
      }
      const keyLoc = this.loc(p.name!);
      if (ts.isPropertyAssignment(p)) set(key, keyLoc, this.value(p.initializer));
      else if (ts.isShorthandPropertyAssignment(p)) set(key, keyLoc, this.value(p.name));
      else set(key, keyLoc, this.code(p));
    }
    return map;
  }

  private array(node: ts.ArrayLiteralExpression): Value {
    const seq: SeqValue = { kind: 'seq', items: [], loc: this.loc(node) };
    for (const el of node.elements) {
      if (el.kind === SK.OmittedExpression) continue;
      if (ts.isSpreadElement(el)) {
        const v = this.value(el.expression);
        if (v !== ABSENT && v.kind === 'seq') seq.items.push(...v.items);
        // A spread that cannot be evaluated adds items that cannot be known: they are left out.
        continue;
      }
      const v = this.value(el);
      seq.items.push(v === ABSENT ? { kind: 'scalar', value: null, loc: this.loc(el) } : v);
    }
    return seq;
  }

  /** `\`${stage}-api\``: known when every substitution is a known scalar. */
  private template(node: ts.TemplateExpression): Value {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const v = this.value(span.expression);
      if (v === ABSENT || v.kind !== 'scalar') return this.unknown(node, v !== ABSENT && v.kind === 'unknown' ? v.reason : 'code');
      text += `${v.value === null ? 'null' : String(v.value)}${span.literal.text}`;
    }
    return { kind: 'scalar', value: text, loc: this.loc(node) };
  }
}

function isModuleExports(e: ts.Node): boolean {
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports';
}

function isProcessEnv(e: ts.Node): boolean {
  return ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'process' && e.name.text === 'env';
}

/** `require('x')` -> `x` (`?` when the argument is not a string literal); undefined for anything else. */
function requiredModule(e: ts.Expression): string | undefined {
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'require') return undefined;
  const arg = e.arguments[0];
  return arg && ts.isStringLiteral(arg) ? arg.text : '?';
}

function hasDefaultExport(st: ts.FunctionDeclaration | ts.ClassDeclaration): boolean {
  const mods = ts.getModifiers(st) ?? [];
  return mods.some((m) => m.kind === SK.ExportKeyword) && mods.some((m) => m.kind === SK.DefaultKeyword);
}

