import { defineRule, propAlternatives, type LambdaFunction, type Loc, type RelatedLocation } from '@lambda-lint/core';
import { codeOf, descendantsOfKind, locOfNode, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type SourceFile, type ts } from '@lambda-lint/handler/ts-morph';
import { forEachReachable, reachedFile } from '../../support/code-facts.js';
import { PLATFORM_DEFAULTS } from '../../support/platform.js';
import { heavyImportsOf, isErased } from './heavy-imports.js';

/** A route key as API Gateway HTTP APIs write it: `GET /brands/{id}`. */
const ROUTE_KEY = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY)\s+\/\S*$/;
/** The event fields a hand-written router switches on (`event.routeKey`, `event.requestContext.http.method`). */
const ROUTE_FIELD = /\.(routeKey|httpMethod|path|rawPath|resource|http\.method)$/;
const HTTP_TRIGGERS = new Set(['http', 'httpApi', 'alb']);

function literal(node: Node | undefined): string | undefined {
  return node && (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) ? node.getLiteralValue() : undefined;
}

/**
 * The files loaded with the handler: those holding reachable code, and the local modules they load
 * statically (transitively), which are evaluated at cold start whether or not the call graph reaches
 * their functions: a route table dispatched through `Map.get`, every module a barrel file re-exports,
 * a module imported for its side effects. With `allImports`, also the modules of imports whose names
 * are no values (TypeScript erases those): a superset, found without resolving any imported name.
 */
function loadedFiles(code: HandlerCode, allImports = false): ts.SourceFile[] {
  // The compiler's files: most are only tested by their text, without a ts-morph wrapper.
  const out = new Set<ts.SourceFile>(code.fileNodes);
  const queue = [...out];
  while (queue.length > 0) {
    for (const load of modulesLoadedBy(code, queue.pop()!)) {
      if (out.has(load.target) || !(allImports || loadsValue(code, load))) continue;
      out.add(load.target);
      queue.push(load.target);
    }
  }
  return [...out];
}

const IMPORT_DECLARATION = SyntaxKind.ImportDeclaration;
const EXPORT_DECLARATION = SyntaxKind.ExportDeclaration;
const STRING_LITERAL = SyntaxKind.StringLiteral;
const NAMESPACE_IMPORT = SyntaxKind.NamespaceImport;
const NAMED_EXPORTS = SyntaxKind.NamedExports;

/**
 * What a module declaration makes Node.js load: its specifier, and the names that must be values for
 * it to stay after compilation (an import none of whose names is a value is erased). Empty `names`:
 * the module is loaded whatever it exports (a side-effect import, a re-export, a namespace import).
 */
interface ModuleLoad {
  specifier: string;
  names: readonly ts.Identifier[];
}

/** Per file, syntax only: the module loads of its top-level declarations that TypeScript does not erase, in order. */
const moduleLoadsCache = new WeakMap<ts.SourceFile, ModuleLoad[]>();

function moduleLoadsOf(file: ts.SourceFile): ModuleLoad[] {
  let cached = moduleLoadsCache.get(file);
  if (cached) return cached;
  cached = [];
  // The file's own statements, read on the compiler nodes: no wrappers (ts-morph wraps every ancestor of a node it wraps).
  for (const statement of file.statements) {
    const kind = statement.kind;
    if (kind === IMPORT_DECLARATION) {
      const { moduleSpecifier: spec, importClause: clause } = statement as ts.ImportDeclaration;
      if (spec.kind !== STRING_LITERAL || isErased(statement)) continue;
      const names: ts.Identifier[] = [];
      const bindings = clause?.namedBindings;
      // `import './setup'` and `import * as lib from './lib'` load the module as it is.
      if (clause && bindings?.kind !== NAMESPACE_IMPORT) {
        if (clause.name) names.push(clause.name);
        if (bindings) for (const e of (bindings as ts.NamedImports).elements) if (!e.isTypeOnly) names.push(e.name);
      }
      cached.push({ specifier: (spec as ts.StringLiteral).text, names });
    } else if (kind === EXPORT_DECLARATION) {
      // `export * from './x'`, `export { a } from './x'`: the other module is loaded with this one.
      const { moduleSpecifier: spec, exportClause } = statement as ts.ExportDeclaration;
      if (spec?.kind !== STRING_LITERAL || isErased(statement)) continue;
      if (exportClause?.kind === NAMED_EXPORTS && (exportClause as ts.NamedExports).elements.length > 0 && (exportClause as ts.NamedExports).elements.every((e) => e.isTypeOnly)) continue;
      cached.push({ specifier: (spec as ts.StringLiteral).text, names: [] });
    }
  }
  moduleLoadsCache.set(file, cached);
  return cached;
}

/** A module declaration of a file resolved to a file of the project; `value` is told on first need. */
interface ResolvedLoad {
  target: ts.SourceFile;
  names: readonly ts.Identifier[];
  value?: boolean;
}

/** Whether the declaration stays after compilation: it loads the module as it is, or one of its names is a value. */
function loadsValue(code: HandlerCode, load: ResolvedLoad): boolean {
  return (load.value ??= load.names.length === 0 || load.names.some((name) => code.importsValue(name)));
}

/** Per run (a kept file's imports may point to a file edited since, in the ESLint plugin): the project files a file's declarations load. */
const loadedByCache = new WeakMap<object, Map<ts.SourceFile, ResolvedLoad[]>>();

function modulesLoadedBy(code: HandlerCode, file: ts.SourceFile): ResolvedLoad[] {
  let ofRun = loadedByCache.get(code.run);
  if (!ofRun) loadedByCache.set(code.run, (ofRun = new Map()));
  let loads = ofRun.get(file);
  if (!loads) {
    loads = [];
    for (const { specifier, names } of moduleLoadsOf(file)) {
      // A package is no file of the project (resolved once per folder for the run: the other code facts ask too).
      const target = code.moduleFileOf(file, specifier);
      if (target && target !== file) loads.push({ target, names });
    }
    ofRun.set(file, loads);
  }
  return loads;
}

/** The route keys of a module-level route table: `{ 'GET /a': f }`, `new Map([['GET /a', f]])`. */
function routeTables(code: HandlerCode, files: readonly ts.SourceFile[]): { keys: string[]; node: Node }[] {
  const out: { keys: string[]; node: Node }[] = [];
  for (const file of files.map((f) => code.wrap<SourceFile>(f))) {
    for (const obj of descendantsOfKind(file, SyntaxKind.ObjectLiteralExpression)) {
      if (!code.isAtModuleScope(obj)) continue;
      const keys = obj.getProperties().flatMap((p) => {
        if (!Node.isPropertyAssignment(p) && !Node.isMethodDeclaration(p)) return [];
        const key = literal(p.getNameNode());
        return key && ROUTE_KEY.test(key) ? [key] : [];
      });
      if (keys.length >= 2) out.push({ keys, node: obj });
    }
    for (const ctor of descendantsOfKind(file, SyntaxKind.NewExpression)) {
      const arg = ctor.getArguments()[0];
      if (ctor.getExpression().getText() !== 'Map' || !arg || !Node.isArrayLiteralExpression(arg) || !code.isAtModuleScope(ctor)) continue;
      const keys = arg.getElements().flatMap((e) => {
        const key = Node.isArrayLiteralExpression(e) ? literal(e.getElements()[0]) : undefined;
        return key && ROUTE_KEY.test(key) ? [key] : [];
      });
      if (keys.length >= 2) out.push({ keys, node: ctor });
    }
  }
  return out;
}

/** A `switch (event.routeKey)` (or `httpMethod`, `path`, `rawPath`) with two or more cases in reachable code. */
function routeSwitches(code: HandlerCode): { field: string; cases: number; node: Node }[] {
  const out: { field: string; cases: number; node: Node }[] = [];
  forEachReachable(
    code,
    (n) => {
      if (!Node.isSwitchStatement(n)) return;
      const field = n.getExpression().getText().replace(/\s+/g, '').replace(/\?\./g, '.');
      if (!ROUTE_FIELD.test(field)) return;
      const cases = n.getClauses().filter((c) => Node.isCaseClause(c)).length;
      if (cases >= 2) out.push({ field, cases, node: n.getExpression() });
    },
    [SyntaxKind.SwitchStatement],
  );
  return out;
}

function httpRoutes(fn: LambdaFunction): { text: string; loc: Loc }[] {
  const seen = new Set<string>();
  const out: { text: string; loc: Loc }[] = [];
  for (const t of fn.events) {
    if (!HTTP_TRIGGERS.has(t.type)) continue;
    const path = t.path?.value ?? '?';
    const method = t.method?.value?.toUpperCase();
    const text = method && !path.includes(' ') ? `${method} ${path}` : path;
    if (seen.has(text)) continue;
    seen.add(text);
    out.push({ text, loc: t.path?.loc ?? t.loc });
  }
  return out;
}

function list(items: string[], max = 3): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, ...` : items.join(', ');
}

/** Lightweight routes the function also serves, or undefined: several HTTP events, a route table, a route switch. */
function sharedRoutes(fn: LambdaFunction, code: HandlerCode, files: readonly ts.SourceFile[]): { what: string; related: RelatedLocation } | undefined {
  const routes = httpRoutes(fn);
  if (routes.length >= 2) return { what: `${routes.length} HTTP routes (${list(routes.map((r) => r.text))})`, related: { loc: routes[0]!.loc, message: 'one of its HTTP routes' } };
  const table = routeTables(code, files)[0];
  if (table) return { what: `a route table of ${table.keys.length} routes (${list(table.keys)})`, related: { loc: locOfNode(table.node), message: 'route table' } };
  const sw = routeSwitches(code)[0];
  if (sw) return { what: `${sw.cases} routes switched on ${sw.field}`, related: { loc: locOfNode(sw.node), message: 'route switch' } };
  return undefined;
}

/**
 * Whether a function can get a finding in `file`: 'shared' is placed at a heavy import, 'smallMemory'
 * at the memory setting. A reachable file without heavy imports can hold neither (then the loaded
 * files, resolved module by module, are not looked at); a file loaded without reachable code (a
 * barrel, a side-effect import) is not told apart and is looked at as in a whole run.
 */
function mayReportIn(file: string, code: HandlerCode, fn: LambdaFunction, minimum: number): boolean {
  if (smallMemory(fn, minimum)?.loc.file === file) return true;
  const reached = reachedFile(code, file);
  return !reached || heavyImportsOf(reached, (n) => code.wrap(n)).length > 0;
}

/** The memory setting below the minimum (or unset), with what to say about it. */
function smallMemory(fn: LambdaFunction, minimum: number): { loc: Loc; memory: string } | undefined {
  if (!fn.memorySize) {
    const d = PLATFORM_DEFAULTS[fn.platform];
    return { loc: fn.loc, memory: `keeps the ${d.label} default memory size of ${d.memoryMb} MB, a size nobody chose for it` };
  }
  for (const alt of propAlternatives(fn.memorySize)) {
    if (alt.value !== undefined && alt.value < minimum) return { loc: alt.loc, memory: `has ${alt.value} MB of memory` };
  }
  return undefined;
}

export default defineRule({
  id: 'heavy-dependency-in-shared-function',
  category: 'architecture',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function whose handler loads a heavy dependency (ML runtime, image library, headless browser, ffmpeg, PDF renderer) and also serves lightweight routes (several HTTP events, a route table or a route switch in code), or keeps the default or a small (< 1024 MB) memory size.',
  messages: {
    shared:
      '{{name}}: {{package}} ({{kind}}) is loaded by a function that also serves {{routes}}. Every route then pays its package size and cold start, and shares one memory and timeout setting: sized for the heavy work, the light routes overpay on every request; sized for the light routes, the heavy work is slow or runs out of memory. Move the {{kind}} work into its own function with its own memory and timeout, and keep the light routes in a lean function.',
    smallMemory:
      '{{name}}: its handler loads {{package}} ({{kind}}) but {{memory}}. Native libraries, browsers and models need hundreds of MB on top of Node.js, and Lambda allocates CPU in proportion to memory, so the work is slow or fails with out-of-memory errors. Set the memory to at least {{minimum}} MB and tune it by measurement (Lambda Power Tuning, "Max Memory Used" x 1.5).',
  },
  defaultOptions: { minMemoryMb: 1024 },
  check(ctx) {
    const minimum = ctx.options.minMemoryMb;
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      const fn = binding.fn;
      if (ctx.findingsIn !== undefined && !mayReportIn(ctx.findingsIn, code, fn, minimum)) continue;
      // Nearly no handler loads a heavy package even counting the modules of erased imports: only then
      // are imported names resolved to tell which imports stay.
      const heavyIn = (files: readonly ts.SourceFile[]) => files.some((f) => heavyImportsOf(f, (n) => code.wrap(n)).length > 0);
      if (!heavyIn(loadedFiles(code, true))) continue;
      const seen = new Set<string>();
      const files = loadedFiles(code);
      const heavy = files.flatMap((f) => heavyImportsOf(f, (n) => code.wrap(n))).filter((h) => !seen.has(h.pkg) && seen.add(h.pkg));
      const first = heavy[0];
      if (!first) continue;
      const routes = sharedRoutes(fn, code, files);
      if (routes) {
        for (const h of heavy) {
          ctx.report({
            messageId: 'shared',
            data: { name: fn.name, package: h.pkg, kind: h.kind, routes: routes.what },
            loc: locOfNode(h.node),
            fn,
            related: [{ loc: fn.loc, message: `function ${fn.name}` }, routes.related],
          });
        }
      }
      const small = smallMemory(fn, minimum);
      if (small) {
        const kinds = [...new Set(heavy.map((h) => h.kind))];
        ctx.report({
          messageId: 'smallMemory',
          data: { name: fn.name, package: list(heavy.map((h) => h.pkg)), kind: kinds.join(', '), memory: small.memory, minimum },
          loc: small.loc,
          fn,
          related: [{ loc: locOfNode(first.node), message: `${first.pkg} loaded here` }],
        });
      }
    }
  },
});
