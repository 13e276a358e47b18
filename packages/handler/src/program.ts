/**
 * The syntax-only program: parsed files, module resolution inside the project, exports,
 * value resolution and the call graph. Works on compiler nodes for speed; the public
 * classes wrap results into ts-morph nodes.
 */
import { formatBytes, type InputDiagnostic } from '@lambda-lint/core';
import { posix } from 'node:path';
import { Project, ts, type Node, type SourceFile } from '@lambda-lint/handler/ts-morph';
import { locOfRange, toSlash } from './loc.js';
import { WrappableFile, type SourceCache } from './source-cache.js';
import { ModuleAliases } from './aliases.js';
import { firstModuleCandidate, importBase, isInside, isRelativeSpecifier, normalizeAbs } from './modules.js';
import { ScopeIndex, type TsBinding } from './scope.js';
import {
  accessedName,
  isAccess,
  isCodeBoundary,
  isTsFunctionLike,
  propertyNameText,
  requireSpecifier,
  skipOuterExpressions,
  stringLiteralValue,
  hasModifier,
  walkDescendants,
  rememberDescendants,
  ownCodeNodesOf,
  type TsFunctionLike,
} from './syntax.js';

const SK = ts.SyntaxKind;

/** Files larger than this are reported instead of parsed. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** The file access the analyzer needs; `undefined` means the file does not exist. */
export interface CodeHost {
  readFile(absPath: string): string | undefined;
}

export interface ParsedFile {
  readonly path: string;
  /** The ts-morph wrapper, made on first access (most files of a run never need one). */
  readonly sourceFile: SourceFile;
  readonly ts: ts.SourceFile;
  readonly scopes: ScopeIndex;
  exports?: ExportIndex;
  /** Whether the ts-morph wrapper has been made (tests of the checks that need none). */
  readonly wrapped: boolean;
}

class LazilyWrappedFile implements ParsedFile {
  readonly path: string;
  readonly ts: ts.SourceFile;
  readonly scopes: ScopeIndex;
  exports?: ExportIndex;
  readonly #file: WrappableFile;

  constructor(path: string, file: WrappableFile, scopes: ScopeIndex) {
    this.path = path;
    this.ts = file.compilerFile;
    this.scopes = scopes;
    this.#file = file;
  }

  get sourceFile(): SourceFile {
    return this.#file.sourceFile;
  }

  get wrapped(): boolean {
    return this.#file.wrapper !== undefined;
  }
}

/** What an export (or an import followed to its module) stands for. */
export type Def =
  | { kind: 'binding'; binding: TsBinding }
  /** An expression, an object-literal method, an anonymous default function/class, or a SourceFile (a module namespace). */
  | { kind: 'node'; node: ts.Node }
  /** Comes from a package or a file that is not part of the project. */
  | { kind: 'external'; specifier: string };

type ExportEntry =
  | { kind: 'binding'; binding: TsBinding }
  | { kind: 'local'; localName: string }
  | { kind: 'node'; node: ts.Node }
  | { kind: 'reexport'; specifier: string; importedName: string };

interface ExportIndex {
  named: Map<string, ExportEntry>;
  stars: string[];
  /** `module.exports.x = e` / `exports.x = e` (the last assignment wins). */
  cjs: Map<string, ts.Expression>;
  /** `module.exports = e` / `export = e`. */
  cjsWhole: ts.Expression | undefined;
}

const MAX_DEPTH = 24;

/** Every this many levels of a syntax tree, a node is wrapped right after parsing (see linkTree). */
const WRAP_INTERVAL = 200;

type Linked = { parent: ts.Node };

/**
 * The one walk over a freshly parsed file (parsed without parent pointers: TypeScript's own pass
 * that sets them would be a second walk of every node). It sets each node's parent as TypeScript's
 * `setParentNodes` does (files are parsed without JSDoc, see #parse: there is none to link); records the file's index for walks and kind filters
 * (rememberDescendants: the descendants in source order with their kinds, positions and depths); and
 * returns the checkpoints: the nodes at every 200th level, in source order.
 *
 * ts-morph wraps a compiler node by first wrapping its parent, recursively: the first access to a
 * node 2,000 levels deep (generated code: nested `if`s, long chains) overflows the stack, and that
 * happens in whichever rule asks first. Wrapping the checkpoints right after parsing bounds that
 * recursion to 200 levels for the life of the file. Iterative.
 */
function linkTree(file: ts.SourceFile): ts.Node[] {
  // Two parallel stacks rather than a [node, depth] pair per node: this walk visits every node of every file.
  const nodes: ts.Node[] = [file];
  let stackDepths = linkScratch.stackDepths;
  stackDepths[0] = 0;
  let top = 1;
  const all: ts.Node[] = [];
  // The numbers per node go to reused typed arrays (no garbage, nothing for the collector to scan)
  // and are copied out once the file's count is known.
  let { kinds, starts, depths } = linkScratch;
  let count = 0;
  const checkpoints: ts.Node[] = [];
  // The children of one node; reused and counted, never truncated (`length = 0` frees its store).
  const children: ts.Node[] = [];
  let childCount = 0;
  const collect = (c: ts.Node): undefined => {
    children[childCount++] = c;
    return undefined;
  };
  while (top > 0) {
    const node = nodes[--top]!;
    const depth = stackDepths[top]!;
    if (depth > 0) {
      if (count === kinds.length) ({ kinds, starts, depths } = growLinkScratch(count));
      all.push(node);
      kinds[count] = node.kind;
      starts[count] = node.pos;
      depths[count++] = depth;
      if (depth % WRAP_INTERVAL === 0) checkpoints.push(node);
    }
    childCount = 0;
    ts.forEachChild(node, collect);
    if (top + childCount > stackDepths.length) stackDepths = growStack(top + childCount);
    for (let i = childCount - 1; i >= 0; i--) {
      const child = children[i]!;
      (child as unknown as Linked).parent = node;
      nodes[top] = child;
      stackDepths[top++] = depth + 1;
    }
  }
  rememberDescendants(file, all, kinds.slice(0, count), starts.slice(0, count), depths.subarray(0, count));
  return checkpoints;
}

/** {@link linkTree}'s reused lists: node kinds, positions and depths in walk order, and the depths on its stack. */
const linkScratch = { kinds: new Uint16Array(1024), starts: new Int32Array(1024), depths: new Int32Array(1024), stackDepths: new Int32Array(256) };

/** The per-node lists, twice as long, the first `count` entries kept. */
function growLinkScratch(count: number): typeof linkScratch {
  const length = linkScratch.kinds.length * 2;
  const kinds = new Uint16Array(length);
  const starts = new Int32Array(length);
  const depths = new Int32Array(length);
  kinds.set(linkScratch.kinds.subarray(0, count));
  starts.set(linkScratch.starts.subarray(0, count));
  depths.set(linkScratch.depths.subarray(0, count));
  Object.assign(linkScratch, { kinds, starts, depths });
  return linkScratch;
}

/** The stack's depths, long enough for `needed` entries. */
function growStack(needed: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(needed, linkScratch.stackDepths.length * 2));
  grown.set(linkScratch.stackDepths);
  linkScratch.stackDepths = grown;
  return grown;
}

const MIDDLEWARE_METHODS = new Set(['use', 'before', 'after', 'onError', 'middleware']);

/** The kinds of node {@link Program.edgesOf} looks at (every other kind makes no edge), as a lookup table. */
const EDGE_KINDS = ((): Uint8Array => {
  const kinds = [
    SK.FunctionDeclaration,
    SK.FunctionExpression,
    SK.ArrowFunction,
    SK.MethodDeclaration,
    SK.Constructor,
    SK.GetAccessor,
    SK.SetAccessor,
    SK.ClassStaticBlockDeclaration,
    SK.CallExpression,
    SK.NewExpression,
    SK.PropertyAssignment,
    SK.ShorthandPropertyAssignment,
    SK.SpreadAssignment,
    SK.SpreadElement,
    SK.ArrayLiteralExpression,
    SK.ReturnStatement,
  ];
  const table = new Uint8Array(Math.max(...kinds) + 1);
  for (const k of kinds) table[k] = 1;
  return table;
})();

/** Imports of data and assets, which a bundler loads and which call nothing. */
const NON_CODE_EXTENSION = /\.(?:json|css|scss|svg|png|jpe?g|gif|txt|html|md|graphql|gql|ya?ml|sql|wasm|node)$/i;

/** The directory of a file (the analyzer's paths are absolute, with `/`; any other is made so first). */
function directoryOf(path: string): string {
  const p = path.includes('\\') ? toSlash(path) : path;
  const slash = p.lastIndexOf('/');
  return slash > 0 ? p.slice(0, slash) : slash === 0 ? '/' : posix.dirname(p);
}

function isLocalSpecifier(spec: string): boolean {
  return isRelativeSpecifier(spec) || spec.startsWith('/');
}

function safeRead(host: CodeHost, path: string): string | undefined {
  try {
    return host.readFile(path);
  } catch {
    return undefined;
  }
}

export class Program {
  readonly root: string;
  readonly #host: CodeHost;
  /** ts-morph's project, made when a file is first parsed: a run without handler code loads no ts-morph. */
  #project: Project | undefined;
  readonly #newProject: () => Project;
  /** Parsed files kept from earlier runs (the ESLint plugin), when given. */
  readonly #sources: SourceCache | undefined;
  readonly #files = new Map<string, ParsedFile | 'missing' | 'unparseable'>();
  readonly #byTs = new Map<ts.SourceFile, ParsedFile>();
  readonly #diagnostics: InputDiagnostic[] = [];
  readonly #unparseable = new Map<string, string>();
  readonly #scopes = new ScopeIndex();
  readonly #aliases: ModuleAliases;
  readonly #functionsOf = new Map<ts.Node, TsFunctionLike[]>();
  readonly #edges = new Map<ts.Node, TsFunctionLike[]>();
  readonly #tableFunctions = new Map<ts.Node, TsFunctionLike[]>();
  /** {@link resolveModule} by importing file, then specifier; null: no local module. */
  readonly #resolutions = new Map<string, Map<string, ParsedFile | null>>();
  /** The resolutions of each importing file: those of its directory, found once per file path. */
  readonly #resolutionsOfFile = new Map<string, Map<string, ParsedFile | null>>();
  // Memoised lookups: keep resolution polynomial on adversarial code (cycles, spreads, star re-exports).
  /** {@link valueOf} by expression; null: no value. */
  readonly #valueCache = new Map<ts.Node, ts.Node | null | typeof IN_PROGRESS>();
  readonly #memberCache: MemoTable<Def | undefined> = new Map();
  readonly #exportCache: MemoTable<Def | undefined> = new Map();
  /** Free-form per-program caches for fact helpers. */
  readonly caches = new Map<string, Map<ts.Node, unknown>>();

  readonly maxFileBytes: number;

  constructor(host: CodeHost, root: string, options: { maxFileBytes?: number; sources?: SourceCache } = {}) {
    this.maxFileBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
    this.#host = host;
    this.root = normalizeAbs(root);
    this.#sources = options.sources;
    this.#aliases = new ModuleAliases(this.root, (path) => (this.isReadable(path) ? safeRead(host, path) : undefined));
    const newProject = (): Project => {
      const project = new Project({
        useInMemoryFileSystem: true,
        skipFileDependencyResolution: true,
        skipAddingFilesFromTsConfig: true,
        skipLoadingLibFiles: true,
        compilerOptions: { allowJs: true, noLib: true },
      });
      // ts-morph files every wrapped source file under its directory. A directory whose parent it
      // does not know yet is an "orphan", and each new directory is checked against all orphans:
      // quadratic in the folders of a monorepo. With the root known, every folder has a parent.
      project.createDirectory(this.root);
      return project;
    };
    this.#newProject = newProject;
    // The kept files' project is chosen when the run starts (SourceCache's bookkeeping of the run's versions).
    if (options.sources) this.#project = options.sources.projectForRun(newProject);
  }

  get #projectNow(): Project {
    return (this.#project ??= this.#newProject());
  }

  /** Number of files read (parsed or reported as unparseable). */
  get fileCount(): number {
    let n = 0;
    for (const f of this.#files.values()) if (f !== 'missing') n++;
    return n;
  }

  /** Paths of the files read (parsed or reported as unparseable). */
  get filePaths(): string[] {
    const paths: string[] = [];
    for (const [path, f] of this.#files) if (f !== 'missing') paths.push(path);
    return paths;
  }

  get diagnostics(): readonly InputDiagnostic[] {
    return this.#diagnostics;
  }

  /** Whether a path may be read: inside the root and not in node_modules. */
  isReadable(absPath: string): boolean {
    return isInside(this.root, absPath) && !absPath.slice(this.root.length).includes('/node_modules/');
  }

  /** Loads and parses a file once. */
  load(absPath: string): ParsedFile | 'missing' | 'unparseable' {
    return this.#load(normalizeAbs(absPath));
  }

  /** {@link load} of a path in normal form (a module candidate). */
  #load(path: string): ParsedFile | 'missing' | 'unparseable' {
    const cached = this.#files.get(path);
    if (cached !== undefined) return cached;
    let result: ParsedFile | 'missing' | 'unparseable';
    if (!this.isReadable(path)) {
      result = 'missing';
    } else {
      let text: string | undefined;
      try {
        text = this.#host.readFile(path);
      } catch {
        text = undefined;
      }
      if (text === undefined) result = 'missing';
      else result = this.#parse(path, text);
    }
    this.#files.set(path, result);
    return result;
  }

  /** Why a file could not be analysed, if it could not. */
  unparseableReason(absPath: string): string | undefined {
    return this.#unparseable.get(normalizeAbs(absPath));
  }

  #reject(path: string, reason: string, message: string): 'unparseable' {
    this.#unparseable.set(path, reason);
    this.#diagnostics.push({ ruleId: 'parse-error', message, loc: { file: path, line: 1, column: 1, endLine: 1, endColumn: 1 } });
    return 'unparseable';
  }

  #parse(path: string, text: string): ParsedFile | 'unparseable' {
    const lang = /\.[cm]?tsx?$/.test(path) ? 'TypeScript' : 'JavaScript';
    if (text.length > this.maxFileBytes || Buffer.byteLength(text, 'utf8') > this.maxFileBytes) {
      const size = formatBytes(Buffer.byteLength(text, 'utf8'));
      const limit = formatBytes(this.maxFileBytes);
      return this.#reject(
        path,
        `larger than ${limit}`,
        `File is larger than the ${limit} limit (${size}) and was not analysed: a handler source this large is usually generated or bundled output; point the function at its source file.`,
      );
    }
    if (text.indexOf('\0') >= 0) {
      return this.#reject(path, 'binary', 'File contains a NUL byte: it is binary, not JavaScript or TypeScript source, and was not analysed.');
    }
    // A byte order mark is not a column.
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    // A file kept from an earlier run with the same text is already parsed (and checkpointed, if deep).
    const kept = this.#sources?.get(path, text);
    let parsed: WrappableFile;
    if (kept) parsed = kept;
    else {
      this.#sources?.forget(path);
      try {
        // No rule reads JSDoc, and parsing it is most of the parse time of a well-documented file
        // (twice as fast without it on the AWS SDK's own declarations); comments stay in the text.
        // The ESLint plugin may hand in the tree typescript-eslint made of this text (SourceCache.offerParsed).
        const compilerFile =
          this.#sources?.takeParsed(path, text) ??
          ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false);
        const checkpoints = linkTree(compilerFile);
        // Parsed with the latest target, parent pointers and the kind from the extension, as
        // ts-morph's own createSourceFile would; each path is parsed once per Program. The wrapper
        // waits for its first use, but in a file deeper than one interval, where the checkpoints
        // must be wrapped now (see linkTree).
        parsed = new WrappableFile(compilerFile, this.#projectNow);
        if (checkpoints.length > 0) {
          const owner = parsed.sourceFile as unknown as { _getNodeFromCompilerNode(n: ts.Node): Node };
          for (const node of checkpoints) owner._getNodeFromCompilerNode(node);
        }
      } catch (e) {
        const why = e instanceof RangeError ? 'its code is nested too deeply' : `the parser failed (${e instanceof Error ? e.message : String(e)})`;
        return this.#reject(path, 'nested too deeply to parse', `${lang} file could not be parsed: ${why}; it was not analysed.`);
      }
      this.#sources?.set(path, text, parsed);
    }
    const tsFile = parsed.compilerFile;
    const file: ParsedFile = new LazilyWrappedFile(path, parsed, this.#scopes);
    this.#byTs.set(tsFile, file);
    const parseDiagnostics = (tsFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    // Only the first syntax error of a file: the later ones are mostly the parser's recovery, as in ESLint.
    for (const d of parseDiagnostics.slice(0, 1)) {
      const start = d.start ?? 0;
      const end = start + (d.length ?? 0);
      this.#diagnostics.push({
        ruleId: 'parse-error',
        message: `${lang} syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
        loc: locOfRange(tsFile, start, end),
      });
    }
    return file;
  }

  /** The parsed file a compiler node belongs to. */
  fileOf(node: ts.Node): ParsedFile {
    const sf = node.kind === SK.SourceFile ? (node as ts.SourceFile) : node.getSourceFile();
    const f = this.#byTs.get(sf);
    if (!f) throw new Error(`node of an unknown file ${sf.fileName}`);
    return f;
  }

  /** The paths of the files parsed for this program that have a ts-morph wrapper (for tests of the checks that need none). */
  wrappedFiles(): string[] {
    const out: string[] = [];
    for (const f of this.#byTs.values()) if (f.wrapped) out.push(f.path);
    return out;
  }

  /** The ts-morph wrapper of a compiler node (one wrapper per node, shared with ts-morph's own navigation). */
  wrap<T extends Node = Node>(node: ts.Node, file: ParsedFile = this.fileOf(node)): T {
    if (node === file.ts) return file.sourceFile as unknown as T;
    return (file.sourceFile as unknown as { _getNodeFromCompilerNode(n: ts.Node): T })._getNodeFromCompilerNode(node);
  }

  // ---------------------------------------------------------------- modules

  /** Resolves a local module specifier (relative, absolute or a tsconfig alias) to a parsed file; undefined for packages and missing files. */
  resolveModule(fromFile: string, spec: string): ParsedFile | undefined {
    // Asked again for every use of an imported name, by every handler that reaches it: each
    // (directory, specifier) is resolved once, its candidate paths built and probed once. What a
    // specifier names depends on the importing file's directory only (relative paths, and the
    // tsconfig that applies there): the files of one folder share their resolutions.
    let bySpec = this.#resolutionsOfFile.get(fromFile);
    if (!bySpec) {
      const dir = directoryOf(fromFile);
      bySpec = this.#resolutions.get(dir);
      if (!bySpec) this.#resolutions.set(dir, (bySpec = new Map()));
      this.#resolutionsOfFile.set(fromFile, bySpec);
    }
    let resolved = bySpec.get(spec);
    if (resolved === undefined) {
      resolved = this.#resolveModule(directoryOf(fromFile), spec) ?? null;
      bySpec.set(spec, resolved);
    }
    return resolved ?? undefined;
  }

  #resolveModule(dir: string, spec: string): ParsedFile | undefined {
    const bases = isLocalSpecifier(spec) ? [spec.startsWith('/') ? importBase('/', `.${spec}`) : importBase(dir, spec)] : this.#aliases.basesOf(`${dir}/_`, spec);
    for (const base of bases) {
      // A candidate that exists ends the search: the module, or undefined when it could not be parsed.
      // Candidates of a base in normal form are in normal form (but `//index.ts` of the root).
      const normal = base !== '/';
      const found = firstModuleCandidate<ParsedFile | 'unparseable'>(base, (c) => {
        if (!this.isReadable(c)) return undefined;
        const f = normal ? this.#load(c) : this.load(c);
        return f === 'missing' ? undefined : f;
      });
      if (found !== undefined) return found === 'unparseable' ? undefined : found;
    }
    return undefined;
  }

  /**
   * Whether an import names code the analyzer cannot see that is no known package: a path alias
   * without tsconfig `paths`, a package.json that does not declare the package, a missing local file.
   */
  isUnresolvedImport(fromFile: string, spec: string): boolean {
    if (this.resolveModule(fromFile, spec)) return false;
    if (isLocalSpecifier(spec)) return !NON_CODE_EXTENSION.test(spec);
    return !this.#aliases.isKnownPackage(fromFile, spec);
  }

  // ---------------------------------------------------------------- scopes and exports

  resolveIdentifier(id: ts.Identifier): TsBinding | undefined {
    return this.#scopes.resolve(id);
  }

  /** Follows an import (ESM, `import =`, or `require()` initialiser) to what the other module exports. */
  followImport(binding: TsBinding, depth = 0): Def | undefined {
    const origin = binding.importFrom;
    if (!origin) return undefined;
    const file = this.fileOf(binding.declaration);
    const target = this.resolveModule(file.path, origin.specifier);
    if (!target) return isLocalSpecifier(origin.specifier) ? undefined : { kind: 'external', specifier: origin.specifier };
    if (origin.importedName === '*') return { kind: 'node', node: target.ts };
    const def = this.findExport(target, origin.importedName, depth + 1);
    if (def || origin.importedName !== 'default') return def;
    // `import x from './cjs'` is `module.exports`.
    const idx = this.exportsOf(target);
    return idx.cjsWhole || idx.cjs.size > 0 ? { kind: 'node', node: target.ts } : undefined;
  }

  /** Follows a binding through imports to its definition; a local, non-import binding is returned as is. */
  definitionOfBinding(binding: TsBinding, depth = 0): Def | undefined {
    if (binding.importFrom) {
      const def = this.followImport(binding, depth);
      if (def?.kind === 'binding') return depth > MAX_DEPTH ? undefined : this.definitionOfBinding(def.binding, depth + 1);
      return def;
    }
    if (binding.kind === 'import') return undefined;
    return { kind: 'binding', binding };
  }

  exportsOf(file: ParsedFile): ExportIndex {
    if (!file.exports) file.exports = buildExportIndex(file);
    return file.exports;
  }

  /** The export `name` of a module; follows re-exports; undefined when the module has no such export. */
  findExport(file: ParsedFile, name: string, depth = 0): Def | undefined {
    if (depth > MAX_DEPTH) return undefined;
    return memo(this.#exportCache, file.ts, name, () => this.#findExport(file, name, depth));
  }

  #findExport(file: ParsedFile, name: string, depth: number): Def | undefined {
    const idx = this.exportsOf(file);
    const entry = idx.named.get(name);
    if (entry) {
      switch (entry.kind) {
        case 'binding':
          return this.definitionOfBinding(entry.binding, depth + 1);
        case 'node':
          return { kind: 'node', node: entry.node };
        case 'local': {
          const b = file.scopes.declarationsOf(file.ts).get(entry.localName);
          return b ? this.definitionOfBinding(b, depth + 1) : undefined;
        }
        case 'reexport': {
          const target = this.resolveModule(file.path, entry.specifier);
          if (!target) return isLocalSpecifier(entry.specifier) ? undefined : { kind: 'external', specifier: entry.specifier };
          if (entry.importedName === '*') return { kind: 'node', node: target.ts };
          return this.findExport(target, entry.importedName, depth + 1);
        }
      }
    }
    const cjs = idx.cjs.get(name);
    if (cjs) return { kind: 'node', node: cjs };
    // Where the export may exist but syntax cannot tell: `module.exports = makeApi()`, `export * from 'pkg'`.
    let unknown: string | undefined;
    if (idx.cjsWhole) {
      const whole = this.valueOf(idx.cjsWhole, depth + 1);
      if (whole) {
        const m = this.memberOf(whole, name, depth + 1);
        if (m) return m;
      }
      if (!whole || !isKnownShape(whole)) unknown = 'module.exports';
    }
    if (name !== 'default') {
      for (const spec of idx.stars) {
        const target = this.resolveModule(file.path, spec);
        if (!target) {
          unknown ??= spec;
          continue;
        }
        if (target === file) continue;
        const d = this.findExport(target, name, depth + 1);
        if (d) return d;
      }
    }
    return unknown === undefined ? undefined : { kind: 'external', specifier: unknown };
  }

  /** Export names a module declares (for messages). */
  exportNames(file: ParsedFile): string[] {
    const idx = this.exportsOf(file);
    const names = new Set<string>([...idx.named.keys(), ...idx.cjs.keys()]);
    if (idx.cjsWhole) {
      const v = this.valueOf(idx.cjsWhole);
      if (v && v.kind === SK.ObjectLiteralExpression) {
        for (const p of (v as ts.ObjectLiteralExpression).properties) {
          const n = propertyNameText(p.name);
          if (n !== undefined) names.add(n);
        }
      }
    }
    return [...names];
  }

  // ---------------------------------------------------------------- values

  /** The definition an identifier stands for (following imports), including CommonJS `exports`. */
  defOfIdentifier(id: ts.Identifier, depth = 0): Def | undefined {
    const b = this.resolveIdentifier(id);
    if (!b) {
      if (id.text === 'exports') return { kind: 'node', node: this.fileOf(id).ts };
      return undefined;
    }
    return this.definitionOfBinding(b, depth);
  }

  valueOfDef(def: Def | undefined, depth = 0): ts.Node | undefined {
    if (!def || depth > MAX_DEPTH) return undefined;
    if (def.kind === 'external') return undefined;
    if (def.kind === 'node') return def.node.kind === SK.SourceFile ? def.node : this.valueOf(def.node, depth + 1);
    const b = def.binding;
    switch (b.kind) {
      case 'function':
      case 'class':
      case 'class-name':
      case 'function-name':
        return b.declaration;
      case 'var':
      case 'let':
      case 'const':
      case 'using': {
        if (b.bindingElement) return undefined;
        const init = (b.declaration as ts.VariableDeclaration).initializer;
        return init ? this.valueOf(init, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  /**
   * What an expression evaluates to, as far as syntax tells: follows identifiers to their
   * initialisers, imports to their modules, `a.b` into object literals, classes and modules,
   * `this` to the enclosing class, `require('./x')` to the module (a SourceFile). An opaque
   * expression (a call, a literal) is returned as itself; undefined when it cannot be known.
   */
  valueOf(node: ts.Node, depth = 0): ts.Node | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = skipOuterExpressions(node);
    // A literal, a function, a `new` (most initialisers) is its own value: nothing to look up or keep.
    if (VALUE_IS_ITSELF[e.kind] === 1) return e;
    // One entry per expression (not memo()'s table of keys: a Map per expression for a single key).
    const cache = this.#valueCache;
    const known = cache.get(e);
    if (known !== undefined) return known === IN_PROGRESS || known === null ? undefined : known;
    cache.set(e, IN_PROGRESS);
    const result = this.#valueOf(e, depth);
    cache.set(e, result ?? null);
    return result;
  }

  #valueOf(e: ts.Node, depth: number): ts.Node | undefined {
    switch (e.kind) {
      case SK.Identifier:
        return this.valueOfDef(this.defOfIdentifier(e as ts.Identifier, depth + 1), depth + 1);
      case SK.PropertyAccessExpression:
      case SK.ElementAccessExpression: {
        const name = accessedName(e);
        const objExpr = skipOuterExpressions((e as ts.PropertyAccessExpression).expression);
        // CommonJS `module.exports`
        if (name === 'exports' && objExpr.kind === SK.Identifier && (objExpr as ts.Identifier).text === 'module' && !this.resolveIdentifier(objExpr as ts.Identifier)) {
          return this.fileOf(e).ts;
        }
        if (name === undefined) return undefined;
        const obj = this.valueOf(objExpr, depth + 1);
        if (!obj) return undefined;
        return this.valueOfDef(this.memberOf(obj, name, depth + 1), depth + 1);
      }
      case SK.ThisKeyword:
        return thisClass(e);
      case SK.CallExpression: {
        const call = e as ts.CallExpression;
        const spec = requireSpecifier(call);
        if (spec !== undefined) return this.resolveModule(this.fileOf(e).path, spec)?.ts;
        // `Object.freeze({...})` is the object itself.
        const callee = skipOuterExpressions(call.expression);
        if (isAccess(callee) && call.arguments.length === 1) {
          const fn = accessedName(callee);
          const obj = skipOuterExpressions(callee.expression);
          if ((fn === 'freeze' || fn === 'seal') && obj.kind === SK.Identifier && (obj as ts.Identifier).text === 'Object' && !this.resolveIdentifier(obj as ts.Identifier)) {
            return this.valueOf(call.arguments[0]!, depth + 1);
          }
        }
        return e;
      }
      case SK.AwaitExpression: {
        const inner = skipOuterExpressions((e as ts.AwaitExpression).expression);
        if (inner.kind === SK.CallExpression && (inner as ts.CallExpression).expression.kind === SK.ImportKeyword) {
          const spec = stringLiteralValue((inner as ts.CallExpression).arguments[0]);
          return spec === undefined ? undefined : this.resolveModule(this.fileOf(e).path, spec)?.ts;
        }
        return e;
      }
      default:
        return e;
    }
  }

  /** The member `name` of a value (module, object literal, class, instance created by `new`). */
  memberOf(obj: ts.Node, name: string, depth = 0): Def | undefined {
    if (depth > MAX_DEPTH) return undefined;
    return memo(this.#memberCache, obj, name, () => this.#memberOf(obj, name, depth));
  }

  #memberOf(obj: ts.Node, name: string, depth: number): Def | undefined {
    switch (obj.kind) {
      case SK.SourceFile:
        return this.findExport(this.fileOf(obj), name, depth + 1);
      case SK.ObjectLiteralExpression: {
        const props = (obj as ts.ObjectLiteralExpression).properties;
        for (let i = props.length - 1; i >= 0; i--) {
          const p = props[i]!;
          if (p.kind === SK.SpreadAssignment) {
            const inner = this.valueOf(p.expression, depth + 1);
            const m = inner ? this.memberOf(inner, name, depth + 1) : undefined;
            if (m) return m;
            continue;
          }
          if (propertyNameText(p.name) !== name) continue;
          if (p.kind === SK.PropertyAssignment) return { kind: 'node', node: p.initializer };
          if (p.kind === SK.ShorthandPropertyAssignment) return { kind: 'node', node: p.name };
          if (p.kind === SK.MethodDeclaration) return { kind: 'node', node: p };
          return undefined;
        }
        return undefined;
      }
      case SK.NewExpression: {
        const cls = this.valueOf((obj as ts.NewExpression).expression, depth + 1);
        return cls && ts.isClassLike(cls) ? this.classMember(cls, name, depth + 1) : undefined;
      }
      case SK.ClassDeclaration:
      case SK.ClassExpression:
        return this.classMember(obj as ts.ClassLikeDeclaration, name, depth + 1);
      default:
        return undefined;
    }
  }

  classMember(cls: ts.ClassLikeDeclaration, name: string, depth = 0): Def | undefined {
    if (depth > MAX_DEPTH) return undefined;
    for (const m of cls.members) {
      if (propertyNameText(m.name) !== name) continue;
      if (m.kind === SK.MethodDeclaration && (m as ts.MethodDeclaration).body) return { kind: 'node', node: m };
      if (m.kind === SK.PropertyDeclaration && (m as ts.PropertyDeclaration).initializer) {
        return { kind: 'node', node: (m as ts.PropertyDeclaration).initializer! };
      }
    }
    const base = baseClassExpression(cls);
    if (!base) return undefined;
    const baseCls = this.valueOf(base, depth + 1);
    return baseCls && ts.isClassLike(baseCls) ? this.classMember(baseCls, name, depth + 1) : undefined;
  }

  constructorsOf(cls: ts.ClassLikeDeclaration, depth = 0): TsFunctionLike[] {
    if (depth > MAX_DEPTH) return [];
    for (const m of cls.members) {
      if (m.kind === SK.Constructor && (m as ts.ConstructorDeclaration).body) return [m as ts.ConstructorDeclaration];
    }
    const base = baseClassExpression(cls);
    if (!base) return [];
    const baseCls = this.valueOf(base, depth + 1);
    return baseCls && ts.isClassLike(baseCls) ? this.constructorsOf(baseCls, depth + 1) : [];
  }

  // ---------------------------------------------------------------- functions

  /**
   * The function-like nodes an expression stands for: a function itself, an identifier or
   * member bound to one, or a wrapper call (`middy(fn).use(...)`, `withSentry(fn)`,
   * `fn.bind(x)`, a local factory returning a function).
   */
  functionsOf(node: ts.Node, depth = 0): TsFunctionLike[] {
    const e = skipOuterExpressions(node);
    if (isTsFunctionLike(e)) return [e];
    if (depth > MAX_DEPTH) return [];
    const cached = this.#functionsOf.get(e);
    if (cached) return cached;
    this.#functionsOf.set(e, []); // cycle guard
    const result = dedupe(this.#computeFunctionsOf(e, depth));
    this.#functionsOf.set(e, result);
    return result;
  }

  #computeFunctionsOf(e: ts.Node, depth: number): TsFunctionLike[] {
    switch (e.kind) {
      case SK.Identifier: {
        // A variable: what its initialiser stands for (`const route = routes[key]` included).
        const def = this.defOfIdentifier(e as ts.Identifier, depth + 1);
        if (def?.kind === 'binding' && def.binding.declaration.kind === SK.VariableDeclaration && !def.binding.bindingElement && !def.binding.importFrom) {
          const init = (def.binding.declaration as ts.VariableDeclaration).initializer;
          return init ? this.functionsOf(init, depth + 1) : [];
        }
        const v = this.valueOfDef(def, depth + 1);
        return v && v !== e ? this.functionsOf(v, depth + 1) : [];
      }
      case SK.ElementAccessExpression:
        if (accessedName(e) === undefined) return this.#dispatchTable((e as ts.ElementAccessExpression).expression, depth);
      // falls through
      case SK.PropertyAccessExpression:
      case SK.ThisKeyword: {
        const v = this.valueOf(e, depth + 1);
        return v && v !== e ? this.functionsOf(v, depth + 1) : [];
      }
      case SK.CallExpression:
        return this.#functionsOfCall(e as ts.CallExpression, depth);
      case SK.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        return [...this.functionsOf(c.whenTrue, depth + 1), ...this.functionsOf(c.whenFalse, depth + 1)];
      }
      case SK.BinaryExpression: {
        const b = e as ts.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === SK.CommaToken || op === SK.EqualsToken) return this.functionsOf(b.right, depth + 1);
        if (op === SK.BarBarToken || op === SK.QuestionQuestionToken || op === SK.AmpersandAmpersandToken) {
          return [...this.functionsOf(b.left, depth + 1), ...this.functionsOf(b.right, depth + 1)];
        }
        return [];
      }
      default:
        return [];
    }
  }

  #functionsOfCall(call: ts.CallExpression, depth: number): TsFunctionLike[] {
    const callee = skipOuterExpressions(call.expression);
    if (isAccess(callee) && accessedName(callee) === 'bind') return this.functionsOf(callee.expression, depth + 1);
    if (requireSpecifier(call) !== undefined) return [];
    // The chain of calls `a(x).b(y).c(z)`, outermost first.
    const chain: ts.CallExpression[] = [];
    let cur: ts.CallExpression = call;
    for (;;) {
      chain.push(cur);
      const c = skipOuterExpressions(cur.expression);
      if (isAccess(c)) {
        const inner = skipOuterExpressions(c.expression);
        if (inner.kind === SK.CallExpression) {
          cur = inner as ts.CallExpression;
          continue;
        }
      }
      break;
    }
    const innermostFirst = chain.slice().reverse();
    const found: TsFunctionLike[] = [];
    for (const c of innermostFirst) {
      const callee2 = skipOuterExpressions(c.expression);
      const method = isAccess(callee2) ? accessedName(callee2) : undefined;
      if (method !== undefined && MIDDLEWARE_METHODS.has(method)) continue;
      for (const arg of c.arguments) {
        const a = skipOuterExpressions(arg);
        if (isTsFunctionLike(a)) found.push(a);
        else if (a.kind === SK.Identifier || isAccess(a)) found.push(...this.functionsOf(a, depth + 1));
      }
    }
    if (found.length) return found;
    for (const c of innermostFirst) {
      for (const arg of c.arguments) {
        const a = skipOuterExpressions(arg);
        if (a.kind === SK.CallExpression) {
          const fs = this.functionsOf(a, depth + 1);
          if (fs.length) return fs;
        }
      }
    }
    // A local factory: `export const handler = makeHandler(deps)` returns the handler.
    const base = chain[chain.length - 1]!;
    const baseCallee = skipOuterExpressions(base.expression);
    if (baseCallee.kind === SK.Identifier || isAccess(baseCallee)) {
      const out: TsFunctionLike[] = [];
      for (const factory of this.functionsOf(baseCallee, depth + 1)) out.push(...this.returnedFunctions(factory, depth + 1));
      return out;
    }
    return [];
  }

  /** Functions a function returns (`return async (e) => ...`, `return impl`). */
  returnedFunctions(fn: TsFunctionLike, depth = 0): TsFunctionLike[] {
    const body = fn.body;
    if (!body) return [];
    if (body.kind !== SK.Block) return this.functionsOf(body, depth + 1);
    const out: TsFunctionLike[] = [];
    walkDescendants(body, (n) => {
      if (isCodeBoundary(n) || ts.isClassLike(n)) return false;
      if (n.kind === SK.ReturnStatement) {
        const expr = (n as ts.ReturnStatement).expression;
        if (expr) out.push(...this.functionsOf(expr, depth + 1));
        return false;
      }
      return true;
    });
    return out;
  }

  /** Functions a call expression's callee can run. */
  calleeFunctions(callee: ts.Expression, depth = 0): TsFunctionLike[] {
    let e = skipOuterExpressions(callee);
    // `(0, f)(x)`, as emitted by bundlers
    while (e.kind === SK.BinaryExpression && (e as ts.BinaryExpression).operatorToken.kind === SK.CommaToken) {
      e = skipOuterExpressions((e as ts.BinaryExpression).right);
    }
    if (isTsFunctionLike(e)) return [e];
    if (isAccess(e)) {
      const name = accessedName(e);
      if (name === 'call' || name === 'apply' || name === 'bind') {
        const target = this.functionsOf(e.expression, depth + 1);
        if (target.length) return target;
      }
      if (name === undefined && e.kind === SK.ElementAccessExpression) return this.#dispatchTable(e.expression, depth);
    }
    if (e.kind === SK.Identifier || isAccess(e) || e.kind === SK.ThisKeyword) {
      // A function, a name bound to one, a wrapped function (`const f = memoize(async () => ...)`),
      // or an entry of a dispatch table (`const route = routes[key]; route(event)`).
      return this.functionsOf(e, depth + 1);
    }
    return [];
  }

  /** `routes[key]`: any function-valued property of a local object literal. */
  #dispatchTable(objExpr: ts.Expression, depth: number): TsFunctionLike[] {
    const obj = this.valueOf(objExpr, depth + 1);
    if (obj?.kind !== SK.ObjectLiteralExpression) return [];
    const out: TsFunctionLike[] = [];
    for (const p of (obj as ts.ObjectLiteralExpression).properties) {
      if (p.kind === SK.MethodDeclaration) out.push(p);
      else if (p.kind === SK.PropertyAssignment) out.push(...this.functionsOf(p.initializer, depth + 1));
      else if (p.kind === SK.ShorthandPropertyAssignment) out.push(...this.functionsOf(p.name, depth + 1));
    }
    return out;
  }

  /**
   * Direct call-graph edges of a function: functions it calls, constructs, passes as
   * callbacks, and the function-like nodes nested in it.
   */
  edgesOf(fn: TsFunctionLike): TsFunctionLike[] {
    const cached = this.#edges.get(fn);
    if (cached) return cached;
    const out: TsFunctionLike[] = [];
    const visit = (n: ts.Node): void => {
      if (isCodeBoundary(n)) {
        if (isTsFunctionLike(n)) out.push(n);
        return;
      }
      switch (n.kind) {
        case SK.CallExpression: {
          const call = n as ts.CallExpression;
          if (call.expression.kind !== SK.ImportKeyword && call.expression.kind !== SK.SuperKeyword) {
            out.push(...this.calleeFunctions(call.expression));
          }
          for (const arg of call.arguments) out.push(...this.#valueFunctions(arg));
          break;
        }
        case SK.NewExpression: {
          const ne = n as ts.NewExpression;
          const cls = this.valueOf(ne.expression);
          if (cls && ts.isClassLike(cls)) out.push(...this.constructorsOf(cls));
          for (const arg of ne.arguments ?? []) out.push(...this.#valueFunctions(arg));
          break;
        }
        // A function or table named inside a literal or returned from reachable code
        // (`dispatch({ 'GET /': list }, e)`, `return [step]`) can be called by whoever gets it.
        case SK.PropertyAssignment:
          out.push(...this.#valueFunctions((n as ts.PropertyAssignment).initializer));
          break;
        case SK.ShorthandPropertyAssignment:
          out.push(...this.referencedFunctions((n as ts.ShorthandPropertyAssignment).name));
          break;
        case SK.SpreadAssignment:
        case SK.SpreadElement:
          out.push(...this.#valueFunctions((n as ts.SpreadAssignment | ts.SpreadElement).expression));
          break;
        case SK.ArrayLiteralExpression:
          for (const el of (n as ts.ArrayLiteralExpression).elements) out.push(...this.#valueFunctions(el));
          break;
        case SK.ReturnStatement: {
          const expr = (n as ts.ReturnStatement).expression;
          if (expr) out.push(...this.#valueFunctions(expr));
          break;
        }
        default:
          break;
      }
    };
    // The function's own nodes, listed once for the call graph and the rules' visits alike; picked by
    // kind first, so that the nodes that make no edge (most of them) are not read.
    const own = ownCodeNodesOf(fn);
    for (let i = 0; i < own.kinds.length; i++) if (EDGE_KINDS[own.kinds[i]!] === 1) visit(own.nodes[i]!);
    const result = dedupe(out);
    this.#edges.set(fn, result);
    return result;
  }

  /** Every `new X(...)` of a file, collected once. */
  newExpressionsOf(file: ParsedFile): readonly ts.NewExpression[] {
    let cache = this.caches.get('new') as Map<ts.Node, ts.NewExpression[]> | undefined;
    if (!cache) {
      cache = new Map();
      this.caches.set('new', cache);
    }
    let list = cache.get(file.ts);
    if (!list) {
      const found: ts.NewExpression[] = [];
      walkDescendants(file.ts, (n) => {
        if (n.kind === SK.NewExpression) found.push(n as ts.NewExpression);
        return true;
      });
      list = found;
      cache.set(file.ts, list);
    }
    return list;
  }

  /** {@link referencedFunctions} of an expression that names a value (identifier or member access). */
  #valueFunctions(e: ts.Node): TsFunctionLike[] {
    const a = skipOuterExpressions(e);
    return a.kind === SK.Identifier || isAccess(a) ? this.referencedFunctions(a) : [];
  }

  /**
   * The functions a value named in reachable code can run: the function itself
   * (`items.map(transform)`), or every function of the table it names (object or array
   * literal, `new Map([[key, fn]])`, frozen, nested), because whoever receives the table can
   * call any entry (`dispatch(routes, event)` running `routes[key](event)` in another module).
   */
  referencedFunctions(e: ts.Node, depth = 0): TsFunctionLike[] {
    const v = this.valueOf(e, depth + 1);
    if (!v) return [];
    return isTsFunctionLike(v) ? [v] : this.#functionsOfTable(v, depth + 1);
  }

  #functionsOfTable(table: ts.Node, depth: number): TsFunctionLike[] {
    if (depth > MAX_DEPTH) return [];
    const cached = this.#tableFunctions.get(table);
    if (cached) return cached;
    this.#tableFunctions.set(table, []); // cycle guard: `const t = { self: t }`
    const entries: ts.Node[] = [];
    if (table.kind === SK.ObjectLiteralExpression) {
      for (const p of (table as ts.ObjectLiteralExpression).properties) {
        if (p.kind === SK.MethodDeclaration) entries.push(p);
        else if (p.kind === SK.PropertyAssignment) entries.push(p.initializer);
        else if (p.kind === SK.ShorthandPropertyAssignment) entries.push(p.name);
        else if (p.kind === SK.SpreadAssignment) entries.push(p.expression);
      }
    } else if (table.kind === SK.ArrayLiteralExpression) {
      for (const el of (table as ts.ArrayLiteralExpression).elements) entries.push(el.kind === SK.SpreadElement ? (el as ts.SpreadElement).expression : el);
    } else if (table.kind === SK.NewExpression && isBuiltinCollection(this, (table as ts.NewExpression).expression)) {
      entries.push(...((table as ts.NewExpression).arguments ?? []));
    }
    entries.push(...registeredEntriesOf(this, table));
    const out: TsFunctionLike[] = [];
    for (const entry of entries) {
      const x = skipOuterExpressions(entry);
      if (isTsFunctionLike(x)) out.push(x);
      else if (x.kind === SK.ObjectLiteralExpression || x.kind === SK.ArrayLiteralExpression || x.kind === SK.NewExpression) out.push(...this.#functionsOfTable(x, depth + 1));
      else if (x.kind === SK.Identifier || isAccess(x)) out.push(...this.referencedFunctions(x, depth + 1));
      // A wrapped entry (`'GET /': withAuth(list)`) stands for the function it wraps.
      else if (x.kind === SK.CallExpression) out.push(...this.functionsOf(x, depth + 1));
    }
    const result = dedupe(out);
    this.#tableFunctions.set(table, result);
    return result;
  }

  /** Every function reachable from the roots through {@link edgesOf}, roots first. */
  reachableFrom(roots: readonly TsFunctionLike[]): TsFunctionLike[] {
    const seen = new Set<ts.Node>();
    const order: TsFunctionLike[] = [];
    const queue: TsFunctionLike[] = [];
    for (const r of roots) {
      if (!seen.has(r)) {
        seen.add(r);
        order.push(r);
        queue.push(r);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      for (const next of this.edgesOf(queue[i]!)) {
        if (seen.has(next)) continue;
        seen.add(next);
        order.push(next);
        queue.push(next);
      }
    }
    return order;
  }
}

type MemoTable<T> = Map<ts.Node, Map<string, T | typeof IN_PROGRESS | typeof NO_RESULT>>;
const IN_PROGRESS: unique symbol = Symbol('in progress');
/** A {@link memo} entry computed as undefined (kept as a value, so that one lookup tells it from an absent key). */
const NO_RESULT: unique symbol = Symbol('no result');

/**
 * The kinds {@link Program.valueOf} gives back unchanged (its switch's default): every kind but the
 * identifiers, member accesses, `this`, calls and `await`s it follows.
 */
const VALUE_IS_ITSELF = ((): Uint8Array => {
  const table = new Uint8Array(SK.Count).fill(1);
  for (const k of [SK.Identifier, SK.PropertyAccessExpression, SK.ElementAccessExpression, SK.ThisKeyword, SK.CallExpression, SK.AwaitExpression]) table[k] = 0;
  return table;
})();

/** Cached `compute()` per (node, key); a lookup that comes back to itself while computing gets undefined. */
function memo<T>(table: MemoTable<T | undefined>, node: ts.Node, key: string, compute: () => T | undefined): T | undefined {
  let byKey = table.get(node);
  if (!byKey) {
    byKey = new Map();
    table.set(node, byKey);
  }
  const known = byKey.get(key);
  if (known !== undefined) return known === IN_PROGRESS || known === NO_RESULT ? undefined : (known as T);
  byKey.set(key, IN_PROGRESS);
  const result = compute();
  byKey.set(key, result === undefined ? NO_RESULT : result);
  return result;
}

/**
 * What the statements of a module add to a table it declares at its top level, as route
 * registrations do (`routes.set('GET /a', a)`, `steps.push(b)`, `routes['GET /c'] = c`).
 */
function registeredEntriesOf(program: Program, table: ts.Node): ts.Node[] {
  const decl = table.parent;
  if (decl?.kind !== SK.VariableDeclaration || (decl as ts.VariableDeclaration).initializer !== table) return [];
  const name = (decl as ts.VariableDeclaration).name;
  const statement = decl.parent?.parent;
  if (name.kind !== SK.Identifier || statement?.kind !== SK.VariableStatement || statement.parent?.kind !== SK.SourceFile) return [];
  const isTable = (e: ts.Expression): boolean => {
    const x = skipOuterExpressions(e);
    return x.kind === SK.Identifier && (x as ts.Identifier).text === name.text && program.resolveIdentifier(x as ts.Identifier)?.declaration === decl;
  };
  const out: ts.Node[] = [];
  for (const st of (statement.parent as ts.SourceFile).statements) {
    if (st.kind !== SK.ExpressionStatement) continue;
    const e = skipOuterExpressions((st as ts.ExpressionStatement).expression);
    if (e.kind === SK.CallExpression) {
      const call = e as ts.CallExpression;
      const callee = skipOuterExpressions(call.expression);
      if (!isAccess(callee) || !isTable(callee.expression)) continue;
      const method = accessedName(callee);
      if (method === 'set') out.push(...call.arguments.slice(1, 2));
      else if (method === 'push' || method === 'unshift' || method === 'add') out.push(...call.arguments);
    } else if (e.kind === SK.BinaryExpression && (e as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken) {
      const left = skipOuterExpressions((e as ts.BinaryExpression).left);
      if (isAccess(left) && isTable(left.expression)) out.push((e as ts.BinaryExpression).right);
    }
  }
  return out;
}

/** `Map`, `Set`, `WeakMap` as the global constructors (not a local class of that name). */
function isBuiltinCollection(program: Program, ctor: ts.Expression): boolean {
  const c = skipOuterExpressions(ctor);
  return c.kind === SK.Identifier && COLLECTIONS.has((c as ts.Identifier).text) && !program.resolveIdentifier(c as ts.Identifier);
}
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap']);

/** A value whose members syntax fully knows: a module, an object literal, a class or an instance of a local class. */
function isKnownShape(v: ts.Node): boolean {
  return v.kind === SK.SourceFile || v.kind === SK.ObjectLiteralExpression || ts.isClassLike(v) || isTsFunctionLike(v);
}

function dedupe<T>(items: T[]): T[] {
  return items.length < 2 ? items : [...new Set(items)];
}

function baseClassExpression(cls: ts.ClassLikeDeclaration): ts.Expression | undefined {
  for (const h of cls.heritageClauses ?? []) {
    if (h.token === SK.ExtendsKeyword && h.types[0]) return h.types[0].expression;
  }
  return undefined;
}

/** The class `this` refers to at a position (through arrow functions), if syntax tells. */
function thisClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  let cur = node.parent;
  while (cur) {
    if (cur.kind === SK.ArrowFunction) {
      cur = cur.parent;
      continue;
    }
    if (cur.kind === SK.MethodDeclaration || cur.kind === SK.Constructor || cur.kind === SK.GetAccessor || cur.kind === SK.SetAccessor || cur.kind === SK.PropertyDeclaration || cur.kind === SK.ClassStaticBlockDeclaration) {
      return ts.isClassLike(cur.parent) ? cur.parent : undefined;
    }
    if (cur.kind === SK.FunctionDeclaration || cur.kind === SK.FunctionExpression || cur.kind === SK.SourceFile) return undefined;
    cur = cur.parent;
  }
  return undefined;
}

// ------------------------------------------------------------------ export index

function buildExportIndex(file: ParsedFile): ExportIndex {
  const idx: ExportIndex = { named: new Map(), stars: [], cjs: new Map(), cjsWhole: undefined };
  const top = file.scopes.declarationsOf(file.ts);
  const bindingOf = (name: string): TsBinding | undefined => top.get(name);
  for (const st of file.ts.statements) {
    switch (st.kind) {
      case SK.VariableStatement: {
        if (!hasModifier(st, SK.ExportKeyword)) break;
        for (const d of (st as ts.VariableStatement).declarationList.declarations) {
          forEachDeclaredName(d.name, (n) => {
            const b = bindingOf(n);
            if (b) idx.named.set(n, { kind: 'binding', binding: b });
          });
        }
        break;
      }
      case SK.FunctionDeclaration:
      case SK.ClassDeclaration:
      case SK.EnumDeclaration: {
        if (!hasModifier(st, SK.ExportKeyword)) break;
        const decl = st as ts.FunctionDeclaration | ts.ClassDeclaration;
        const isDefault = hasModifier(st, SK.DefaultKeyword);
        if (st.kind === SK.FunctionDeclaration && !(st as ts.FunctionDeclaration).body) break; // overload signature
        const b = decl.name ? bindingOf(decl.name.text) : undefined;
        const entry: ExportEntry = b ? { kind: 'binding', binding: b } : { kind: 'node', node: st };
        if (isDefault) idx.named.set('default', entry);
        else if (decl.name) idx.named.set(decl.name.text, entry);
        break;
      }
      case SK.ExportAssignment: {
        const ea = st as ts.ExportAssignment;
        if (ea.isExportEquals) idx.cjsWhole = ea.expression;
        else idx.named.set('default', { kind: 'node', node: ea.expression });
        break;
      }
      case SK.ExportDeclaration: {
        const ed = st as ts.ExportDeclaration;
        const spec = stringLiteralValue(ed.moduleSpecifier);
        const clause = ed.exportClause;
        if (!clause) {
          if (spec !== undefined) idx.stars.push(spec);
          break;
        }
        if (clause.kind === SK.NamespaceExport) {
          const n = propertyNameText(clause.name);
          if (spec !== undefined && n !== undefined) idx.named.set(n, { kind: 'reexport', specifier: spec, importedName: '*' });
          break;
        }
        for (const el of clause.elements) {
          const exported = propertyNameText(el.name);
          const local = el.propertyName ? propertyNameText(el.propertyName) : exported;
          if (exported === undefined || local === undefined) continue;
          if (spec !== undefined) idx.named.set(exported, { kind: 'reexport', specifier: spec, importedName: local });
          else idx.named.set(exported, { kind: 'local', localName: local });
        }
        break;
      }
      case SK.ExpressionStatement:
        collectCjsAssignment((st as ts.ExpressionStatement).expression, idx, file);
        break;
      default:
        break;
    }
  }
  return idx;
}

function forEachDeclaredName(name: ts.BindingName, cb: (n: string) => void): void {
  if (name.kind === SK.Identifier) {
    cb(name.text);
    return;
  }
  for (const el of name.elements) {
    if (el.kind !== SK.OmittedExpression) forEachDeclaredName(el.name, cb);
  }
}

/** `module.exports.x = exports.x = e`, `module.exports = e`: records the exports. */
function collectCjsAssignment(expr: ts.Expression, idx: ExportIndex, file: ParsedFile): void {
  const targets: ts.Expression[] = [];
  let cur: ts.Expression = skipOuterExpressions(expr) as ts.Expression;
  while (cur.kind === SK.BinaryExpression && (cur as ts.BinaryExpression).operatorToken.kind === SK.EqualsToken) {
    targets.push((cur as ts.BinaryExpression).left);
    cur = skipOuterExpressions((cur as ts.BinaryExpression).right) as ts.Expression;
  }
  if (!targets.length) return;
  const value = cur;
  // `exports.handler = void 0` (TypeScript's CommonJS prologue) declares, but does not define.
  const isVoid = value.kind === SK.VoidExpression || (value.kind === SK.Identifier && (value as ts.Identifier).text === 'undefined');
  for (const t of targets) {
    const target = skipOuterExpressions(t);
    if (isModuleExports(target, file)) {
      idx.cjsWhole = value;
      continue;
    }
    if (!isAccess(target)) continue;
    const name = accessedName(target);
    if (name === undefined) continue;
    const obj = skipOuterExpressions(target.expression);
    const isExportsObj = isModuleExports(obj, file) || (obj.kind === SK.Identifier && (obj as ts.Identifier).text === 'exports' && !file.scopes.resolve(obj as ts.Identifier));
    if (!isExportsObj) continue;
    if (!isVoid) idx.cjs.set(name, value);
  }
}

function isModuleExports(node: ts.Node, file: ParsedFile): boolean {
  if (!isAccess(node) || accessedName(node) !== 'exports') return false;
  const obj = skipOuterExpressions(node.expression);
  return obj.kind === SK.Identifier && (obj as ts.Identifier).text === 'module' && !file.scopes.resolve(obj as ts.Identifier);
}
