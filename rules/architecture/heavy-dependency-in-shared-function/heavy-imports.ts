import { walkDescendants } from '@lambda-lint/handler';
import { SyntaxKind, ts, type Node, type SourceFile } from '@lambda-lint/handler/ts-morph';
import { HEAVY_PACKAGES, heavyPackageOf, mayNameHeavyPackage, type HeavyKind } from './heavy-packages.js';

export interface HeavyImport {
  pkg: string;
  kind: HeavyKind;
  /** The import declaration, `require(...)` or `import(...)` call. */
  node: Node;
}

/**
 * An import or export declaration TypeScript erases: `import type`, or only `type` named imports.
 * Read on the compiler node: ts-morph's getters would wrap every clause and specifier of every import.
 */
export function isErased(n: ts.Node): boolean {
  if (ts.isImportDeclaration(n)) {
    const clause = n.importClause;
    if (!clause) return false;
    if (clause.phaseModifier === ts.SyntaxKind.TypeKeyword) return true;
    const bindings = clause.namedBindings;
    const named = bindings && ts.isNamedImports(bindings) ? bindings.elements : [];
    return !clause.name && !(bindings && ts.isNamespaceImport(bindings)) && named.length > 0 && named.every((s) => s.isTypeOnly);
  }
  if (ts.isExportDeclaration(n)) return n.isTypeOnly;
  return false;
}

/** A file's heavy imports depend on its syntax only: computed once per file, not once per handler that loads it. */
const heavyImportsCache = new WeakMap<ts.SourceFile, HeavyImport[]>();

/**
 * What a file loads from the heavy-package table: static imports, re-exports, `require`, `import()`.
 * Every file the handlers load is asked, and nearly none loads a heavy package: the declarations' specifiers
 * are read as the parser left them (escapes resolved), and the calls are looked at only when the text can
 * hold a `require` or `import()` naming a heavy package. Only what is found gets a ts-morph wrapper.
 */
export function heavyImportsOf(file: ts.SourceFile, wrap: (node: ts.Node) => Node): HeavyImport[] {
  let cached = heavyImportsCache.get(file);
  if (!cached) {
    const found: { pkg: string; node: ts.Node }[] = [];
    const add = (node: ts.Node) => (pkg: string) => found.push({ pkg, node });
    for (const statement of file.statements) declarationLoad(statement, add(statement));
    const text = file.text;
    if (mayCallLoader(text) && mayNameHeavyPackage(text)) walkDescendants(file, (n) => void loaderCall(n, add(n)));
    cached = found.sort((a, b) => a.node.pos - b.node.pos).map(({ pkg, node }) => ({ pkg, kind: HEAVY_PACKAGES[pkg]!, node: wrap(node) }));
    heavyImportsCache.set(file, cached);
  }
  return cached;
}

/**
 * Whether a file's text can hold a `require(...)` or `import(...)` call: the word written out (`import`
 * before a parenthesis or a comment), or a Unicode escape (`requ\u0069re`, the only escape an identifier
 * can be written with).
 */
function mayCallLoader(text: string): boolean {
  return text.includes('require') || text.includes('\\u') || /\bimport\s*(\(|\/[*/])/.test(text);
}

/** The heavy package a top-level import, re-export or `import x = require()` declaration loads (TypeScript keeps it), if any. */
function declarationLoad(n: ts.Node, found: (pkg: string) => void): void {
  let specifier: ts.Node | undefined;
  if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && !isErased(n)) specifier = n.moduleSpecifier;
  else if (ts.isImportEqualsDeclaration(n) && !n.isTypeOnly && ts.isExternalModuleReference(n.moduleReference)) specifier = n.moduleReference.expression;
  const pkg = heavyPackageIn(specifier);
  if (pkg) found(pkg);
}

/** The heavy package a `require(...)` or `import(...)` call loads, if any. */
function loaderCall(n: ts.Node, found: (pkg: string) => void): void {
  if (!ts.isCallExpression(n)) return;
  const callee = n.expression;
  const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
  const pkg = isRequire || callee.kind === ts.SyntaxKind.ImportKeyword ? heavyPackageIn(n.arguments[0]) : undefined;
  if (pkg) found(pkg);
}

function heavyPackageIn(specifier: ts.Node | undefined): string | undefined {
  const text = specifier && (ts.isStringLiteral(specifier) || ts.isNoSubstitutionTemplateLiteral(specifier)) ? specifier.text : undefined;
  return text ? heavyPackageOf(text) : undefined;
}

/**
 * {@link heavyImportsOf} without its shortcuts, to test them against: every top-level declaration and
 * every call of the file, each wrapped and read through ts-morph.
 */
export function walkHeavyImports(file: SourceFile): HeavyImport[] {
  const out: HeavyImport[] = [];
  for (const statement of file.getStatements()) declarationLoad(statement.compilerNode, (pkg) => out.push({ pkg, kind: HEAVY_PACKAGES[pkg]!, node: statement }));
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) loaderCall(call.compilerNode, (pkg) => out.push({ pkg, kind: HEAVY_PACKAGES[pkg]!, node: call }));
  return out.sort((a, b) => a.node.getStart() - b.node.getStart());
}
