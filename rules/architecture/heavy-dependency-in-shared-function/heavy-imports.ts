import { forEachDescendantCompilerNode } from '@lambda-lint/handler';
import { ts, type Node, type SourceFile } from '@lambda-lint/handler/ts-morph';
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

/** What a file loads from the heavy-package table: static imports, re-exports, `require`, `import()`. */
export function heavyImportsOf(file: ts.SourceFile, wrap: (file: ts.SourceFile) => SourceFile): HeavyImport[] {
  let cached = heavyImportsCache.get(file);
  if (!cached) {
    // Every file the handlers load is asked, and nearly none names a heavy package: its text tells,
    // without a walk, and without a ts-morph wrapper of the file (made only for a walk).
    cached = mayNameHeavyPackage(file.text) ? walkHeavyImports(wrap(file)) : [];
    heavyImportsCache.set(file, cached);
  }
  return cached;
}

/** {@link heavyImportsOf} without the test of the text: the walk over the file's imports and calls. */
export function walkHeavyImports(file: SourceFile): HeavyImport[] {
  const out: HeavyImport[] = [];
  // Read on the compiler nodes; only what is reported gets a ts-morph wrapper.
  const add = (specifier: ts.Node | undefined, node: ts.Node, wrap: (n: ts.Node) => Node) => {
    const text = specifier && (ts.isStringLiteral(specifier) || ts.isNoSubstitutionTemplateLiteral(specifier)) ? specifier.text : undefined;
    const pkg = text ? heavyPackageOf(text) : undefined;
    if (pkg) out.push({ pkg, kind: HEAVY_PACKAGES[pkg]!, node: wrap(node) });
  };
  forEachDescendantCompilerNode(file, (stmt, wrap) => {
    if ((ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) && !isErased(stmt)) add(stmt.moduleSpecifier, stmt, wrap);
    if (ts.isImportEqualsDeclaration(stmt) && !stmt.isTypeOnly && ts.isExternalModuleReference(stmt.moduleReference)) add(stmt.moduleReference.expression, stmt, wrap);
    return false;
  });
  // Only a file that mentions `require` or `import(` can call them: most files skip the walk over every call.
  const text = file.getFullText();
  if (text.includes('require') || /\bimport\s*(\(|\/[*/])/.test(text)) {
    forEachDescendantCompilerNode(file, (n, wrap) => {
      if (!ts.isCallExpression(n)) return;
      const callee = n.expression;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) add(n.arguments[0], n, wrap);
    });
  }
  return out.sort((a, b) => a.node.getStart() - b.node.getStart());
}
