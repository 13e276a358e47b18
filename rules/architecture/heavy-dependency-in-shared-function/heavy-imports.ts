import { walkDescendants } from '@lambda-lint/handler';
import { SyntaxKind, type Node, type SourceFile, type ts } from '@lambda-lint/handler/ts-morph';
import { HEAVY_PACKAGES, heavyPackageOf, mayNameHeavyPackage, type HeavyKind } from './heavy-packages.js';

export interface HeavyImport {
  pkg: string;
  kind: HeavyKind;
  /** The import declaration, `require(...)` or `import(...)` call. */
  node: Node;
}

// Kinds read once: the compiler's `SyntaxKind` is a large table, looked up on every node otherwise.
const IMPORT_DECLARATION = SyntaxKind.ImportDeclaration;
const EXPORT_DECLARATION = SyntaxKind.ExportDeclaration;
const IMPORT_EQUALS_DECLARATION = SyntaxKind.ImportEqualsDeclaration;
const EXTERNAL_MODULE_REFERENCE = SyntaxKind.ExternalModuleReference;
const NAMED_IMPORTS = SyntaxKind.NamedImports;
const TYPE_KEYWORD = SyntaxKind.TypeKeyword;
const CALL_EXPRESSION = SyntaxKind.CallExpression;
const IDENTIFIER = SyntaxKind.Identifier;
const IMPORT_KEYWORD = SyntaxKind.ImportKeyword;
const STRING_LITERAL = SyntaxKind.StringLiteral;
const NO_SUBSTITUTION_TEMPLATE_LITERAL = SyntaxKind.NoSubstitutionTemplateLiteral;

/**
 * An import or export declaration TypeScript erases: `import type`, or only `type` named imports.
 * Read on the compiler node: ts-morph's getters would wrap every clause and specifier of every import.
 */
export function isErased(n: ts.Node): boolean {
  if (n.kind === IMPORT_DECLARATION) {
    const clause = (n as ts.ImportDeclaration).importClause;
    if (!clause) return false;
    if (clause.phaseModifier === TYPE_KEYWORD) return true;
    const bindings = clause.namedBindings;
    if (clause.name || bindings?.kind !== NAMED_IMPORTS) return false;
    const named = (bindings as ts.NamedImports).elements;
    return named.length > 0 && named.every((s) => s.isTypeOnly);
  }
  if (n.kind === EXPORT_DECLARATION) return (n as ts.ExportDeclaration).isTypeOnly;
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
    let found: { pkg: string; node: ts.Node }[] | undefined;
    for (const statement of file.statements) {
      const pkg = declarationLoad(statement);
      if (pkg) (found ??= []).push({ pkg, node: statement });
    }
    const text = file.text;
    // The package's name first: it rules out nearly every file with one scan of its text.
    if (mayNameHeavyPackage(text) && mayCallLoader(text)) {
      walkDescendants(file, (n) => {
        const pkg = loaderCall(n);
        if (pkg) (found ??= []).push({ pkg, node: n });
      });
    }
    cached = found ? found.sort((a, b) => a.node.pos - b.node.pos).map(({ pkg, node }) => ({ pkg, kind: HEAVY_PACKAGES[pkg]!, node: wrap(node) })) : [];
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
function declarationLoad(n: ts.Node): string | undefined {
  const kind = n.kind;
  if (kind === IMPORT_DECLARATION || kind === EXPORT_DECLARATION) return isErased(n) ? undefined : heavyPackageIn((n as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier);
  if (kind !== IMPORT_EQUALS_DECLARATION) return undefined;
  const { isTypeOnly, moduleReference } = n as ts.ImportEqualsDeclaration;
  return !isTypeOnly && moduleReference.kind === EXTERNAL_MODULE_REFERENCE ? heavyPackageIn((moduleReference as ts.ExternalModuleReference).expression) : undefined;
}

/** The heavy package a `require(...)` or `import(...)` call loads, if any. */
function loaderCall(n: ts.Node): string | undefined {
  if (n.kind !== CALL_EXPRESSION) return undefined;
  const { expression: callee, arguments: args } = n as ts.CallExpression;
  const isRequire = callee.kind === IDENTIFIER && (callee as ts.Identifier).text === 'require';
  return isRequire || callee.kind === IMPORT_KEYWORD ? heavyPackageIn(args[0]) : undefined;
}

function heavyPackageIn(specifier: ts.Node | undefined): string | undefined {
  const kind = specifier?.kind;
  return kind === STRING_LITERAL || kind === NO_SUBSTITUTION_TEMPLATE_LITERAL ? heavyPackageOf((specifier as ts.StringLiteral).text) : undefined;
}

/**
 * {@link heavyImportsOf} without its shortcuts, to test them against: every top-level declaration and
 * every call of the file, each wrapped and read through ts-morph.
 */
export function walkHeavyImports(file: SourceFile): HeavyImport[] {
  const out: HeavyImport[] = [];
  const add = (pkg: string | undefined, node: Node) => pkg && out.push({ pkg, kind: HEAVY_PACKAGES[pkg]!, node });
  for (const statement of file.getStatements()) add(declarationLoad(statement.compilerNode), statement);
  for (const call of file.getDescendantsOfKind(SyntaxKind.CallExpression)) add(loaderCall(call.compilerNode), call);
  return out.sort((a, b) => a.node.getStart() - b.node.getStart());
}
