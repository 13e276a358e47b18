/** Syntax-level facts code rules ask for: which module member an expression names, constant strings. */
import { posix } from 'node:path';
import { ts } from '@lambda-lint/handler/ts-morph';
import type { Program } from './program.js';
import { accessedName, isAccess, requireSpecifier, skipOuterExpressions, stringLiteralValue } from './syntax.js';

const SK = ts.SyntaxKind;
const MAX_DEPTH = 16;

/**
 * A per-run cache (the program's): facts that depend on module resolution are kept per node for
 * one lint run, shared by every handler of it.
 */
export function runCache<V>(program: Program, name: string): Map<ts.Node, V> {
  let cache = program.caches.get(name) as Map<ts.Node, V> | undefined;
  if (!cache) {
    cache = new Map();
    program.caches.set(name, cache);
  }
  return cache;
}

/**
 * The entry of a lookup table for a key read from the user's code or templates (a module name, a
 * property name, a resource type): its own entries only, so that `constructor` or `toString` is no
 * entry rather than an `Object.prototype` function.
 */
export function tableEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A member of an imported module: `fs.promises.writeFile` -> `{ module: 'fs', path: ['promises', 'writeFile'] }`. */
export interface ModuleMember {
  /** The module specifier without the `node:` prefix (`fs`, `fs/promises`, `@aws-sdk/client-s3`, `./lib/db`). */
  module: string;
  /** Member names from the module object; empty for the module itself (namespace or default import, `require()`). */
  path: string[];
}

export function normalizeSpecifier(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

/**
 * Which module member an expression names, following imports, `require()` (inline or bound to a
 * const), `const x = mod.member` aliases and destructuring of a required module.
 */
export function moduleMemberOf(program: Program, node: ts.Node, depth = 0): ModuleMember | undefined {
  if (depth > 0) return findModuleMember(program, node, depth);
  // The SDK facts, the code permissions and several rules ask it of the same callees, each for every
  // handler reaching them: answered once per node for the run (callers share the result, read-only).
  const cache = runCache<ModuleMember | null>(program, 'moduleMember');
  let member = cache.get(node);
  if (member === undefined) cache.set(node, (member = findModuleMember(program, node, 0) ?? null));
  return member ?? undefined;
}

function findModuleMember(program: Program, node: ts.Node, depth: number): ModuleMember | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuterExpressions(node);
  if (e.kind === SK.Identifier) {
    const b = program.resolveIdentifier(e as ts.Identifier);
    if (!b) return undefined;
    if (b.importFrom) {
      const { specifier, importedName } = b.importFrom;
      const module = normalizeSpecifier(specifier);
      return { module, path: importedName === '*' || importedName === 'default' ? [] : [importedName] };
    }
    if (b.kind !== 'const' || b.bindingElement) {
      // `const { writeFile } = fs.promises` / `const { join } = path`
      if (b.kind === 'const' && b.bindingElement && b.declaration.kind === SK.VariableDeclaration) {
        const decl = b.declaration as ts.VariableDeclaration;
        const el = b.bindingElement;
        if (decl.initializer && el.parent === decl.name && decl.name.kind === SK.ObjectBindingPattern && !el.dotDotDotToken) {
          const prop = el.propertyName ? stringOrIdentifier(el.propertyName) : el.name.kind === SK.Identifier ? el.name.text : undefined;
          const base = moduleMemberOf(program, decl.initializer, depth + 1);
          if (base && prop !== undefined) return { module: base.module, path: [...base.path, prop] };
        }
      }
      return undefined;
    }
    const init = (b.declaration as ts.VariableDeclaration).initializer;
    return init ? moduleMemberOf(program, init, depth + 1) : undefined;
  }
  if (isAccess(e)) {
    const name = accessedName(e);
    if (name === undefined) return undefined;
    const base = moduleMemberOf(program, e.expression, depth + 1);
    return base ? { module: base.module, path: [...base.path, name] } : undefined;
  }
  const spec = requireSpecifier(e);
  if (spec !== undefined) return { module: normalizeSpecifier(spec), path: [] };
  if (e.kind === SK.AwaitExpression) {
    const inner = skipOuterExpressions((e as ts.AwaitExpression).expression);
    if (inner.kind === SK.CallExpression && (inner as ts.CallExpression).expression.kind === SK.ImportKeyword) {
      const s = stringLiteralValue((inner as ts.CallExpression).arguments[0]);
      if (s !== undefined) return { module: normalizeSpecifier(s), path: [] };
    }
  }
  return undefined;
}

function stringOrIdentifier(n: ts.Node): string | undefined {
  if (n.kind === SK.Identifier) return (n as ts.Identifier).text;
  return stringLiteralValue(n);
}

/** `path.join`, `path.posix.join`, `join` from 'path' -> 'join'; otherwise undefined. */
function pathFunction(member: ModuleMember | undefined): string | undefined {
  if (!member) return undefined;
  const p = member.path;
  if (member.module === 'path' || member.module === 'path/posix') {
    if (p.length === 1) return p[0];
    if (p.length === 2 && p[0] === 'posix') return p[1];
  }
  return undefined;
}

function isTmpdirCall(member: ModuleMember | undefined): boolean {
  return !!member && member.module === 'os' && member.path.length === 1 && member.path[0] === 'tmpdir';
}

/**
 * The constant string an expression always evaluates to, or undefined when any part of it is
 * dynamic. Understands string and template literals, numbers, `+`, `const` bindings (also
 * imported from local modules), members of `const` object literals, `path.join` /
 * `path.resolve` (POSIX semantics), and `os.tmpdir()` (`/tmp` on Lambda).
 */
export function evaluateString(program: Program, node: ts.Node, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuterExpressions(node);
  const cache = runCache<string | null>(program, 'evaluateString');
  const cached = cache.get(e);
  if (cached !== undefined) return cached ?? undefined;
  cache.set(e, null); // cycle guard
  const result = evaluateUncached(program, e, depth);
  cache.set(e, result ?? null);
  return result;
}

function evaluateUncached(program: Program, e: ts.Node, depth: number): string | undefined {
  switch (e.kind) {
    case SK.StringLiteral:
    case SK.NoSubstitutionTemplateLiteral:
      return (e as ts.StringLiteral).text;
    case SK.NumericLiteral:
      return String(Number((e as ts.NumericLiteral).text));
    case SK.TemplateExpression: {
      const t = e as ts.TemplateExpression;
      let out = t.head.text;
      for (const span of t.templateSpans) {
        const v = evaluateString(program, span.expression, depth + 1);
        if (v === undefined) return undefined;
        out += v + span.literal.text;
      }
      return out;
    }
    case SK.BinaryExpression: {
      const b = e as ts.BinaryExpression;
      if (b.operatorToken.kind !== SK.PlusToken) return undefined;
      const l = evaluateString(program, b.left, depth + 1);
      if (l === undefined) return undefined;
      const r = evaluateString(program, b.right, depth + 1);
      return r === undefined ? undefined : l + r;
    }
    case SK.Identifier: {
      const local = program.resolveIdentifier(e as ts.Identifier);
      if (!local) return undefined;
      const def = local.importFrom ? program.definitionOfBinding(local) : { kind: 'binding' as const, binding: local };
      if (!def) return undefined;
      if (def.kind === 'node') return def.node.kind === SK.SourceFile ? undefined : evaluateString(program, def.node, depth + 1);
      if (def.kind !== 'binding') return undefined;
      const b = def.binding;
      if (b.kind !== 'const' || b.bindingElement || b.importFrom) return undefined;
      const init = (b.declaration as ts.VariableDeclaration).initializer;
      return init ? evaluateString(program, init, depth + 1) : undefined;
    }
    case SK.PropertyAccessExpression:
    case SK.ElementAccessExpression: {
      // `PATHS.output` where `const PATHS = { output: '/tmp/out.json' }`
      let root: ts.Node = e;
      while (isAccess(root)) root = skipOuterExpressions(root.expression);
      if (root.kind !== SK.Identifier) return undefined;
      const b = program.resolveIdentifier(root as ts.Identifier);
      if (!b || (b.kind !== 'const' && b.kind !== 'import')) return undefined;
      const v = program.valueOf(e);
      if (!v || v === e || v.kind === SK.SourceFile) return undefined;
      return evaluateString(program, v, depth + 1);
    }
    case SK.CallExpression: {
      const call = e as ts.CallExpression;
      const member = moduleMemberOf(program, call.expression);
      if (isTmpdirCall(member)) return '/tmp';
      const fn = pathFunction(member);
      if (fn !== 'join' && fn !== 'resolve' && fn !== 'normalize') return undefined;
      const args: string[] = [];
      for (const a of call.arguments) {
        if (a.kind === SK.SpreadElement) return undefined;
        const v = evaluateString(program, a, depth + 1);
        if (v === undefined) return undefined;
        args.push(v);
      }
      if (fn === 'join') return args.length ? posix.join(...args) : '.';
      if (fn === 'normalize') return args.length === 1 ? posix.normalize(args[0]!) : undefined;
      // resolve: only when an absolute argument makes the result independent of the working directory
      if (!args.some((a) => a.startsWith('/'))) return undefined;
      return posix.resolve(...args);
    }
    default:
      return undefined;
  }
}
