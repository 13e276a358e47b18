import type { Project, SourceFile } from 'ts-morph';
import { ts } from '@lambda-lint/handler/ts-morph';

/**
 * A parsed file and its ts-morph wrapper, made on first need in the project the file was parsed
 * for: the rules work on compiler nodes, and most files of a run are never wrapped (ts-morph's
 * bookkeeping for a wrapper cost as much as linking the parsed tree).
 */
export class WrappableFile {
  readonly compilerFile: ts.SourceFile;
  readonly #project: Project;
  #sourceFile: SourceFile | undefined;

  constructor(compilerFile: ts.SourceFile, project: Project) {
    this.compilerFile = compilerFile;
    this.#project = project;
  }

  /**
   * The wrapper, made now if not yet: as ts-morph's own `createSourceFile` would make it for the
   * file, without its detour through the in-memory file system and the language service's document
   * registry (that detour cost a quarter of the parse time).
   */
  get sourceFile(): SourceFile {
    if (!this.#sourceFile) {
      const factory = (this.#project as unknown as { _context: { compilerFactory: { getSourceFile(f: ts.SourceFile, o: { markInProject: boolean }): SourceFile } } })._context.compilerFactory;
      this.#sourceFile = factory.getSourceFile(this.compilerFile, { markInProject: false });
    }
    return this.#sourceFile;
  }

  /** The wrapper if it was made, without making it. */
  get wrapper(): SourceFile | undefined {
    return this.#sourceFile;
  }
}

/** Replaced or dropped files a ts-morph project may hold (beyond its kept ones) before its kept ones are dropped too. */
const MAX_DROPPED = 64;

/**
 * A ts-morph project and the wrappers parsed into it. It lives as long as one of its versions is
 * kept; the wrappers of versions dropped since stay in it (ts-morph's forget() walks them, which
 * costs as much as the parse).
 */
interface Home {
  project: Project;
  /** The file each path was last parsed to here: its wrapper, once made, is what ts-morph hands out for that path. */
  readonly wrappers: Map<string, WrappableFile>;
  /** Versions parsed here and still kept. */
  live: number;
  /** Versions parsed here and dropped since. */
  dropped: number;
}

/** One parsed text of a path, and what it is the text of. */
interface Version {
  text: string;
  file: WrappableFile;
  home: Home;
  /** The text on disk, as a run last read it. */
  disk: boolean;
  /** The editor buffer, as the last run that analysed the buffer of this path read it. */
  buffer: boolean;
}

/** What the analysis must know of the TypeScript that made a tree: its version and the numbers its trees hold. */
export interface TypeScriptFacts {
  readonly version: string;
  readonly versionMajorMinor: string;
  readonly SyntaxKind: object;
  readonly NodeFlags: object;
}

/** Whether a TypeScript's syntax kinds and node flags are ts-morph's, by TypeScript module. */
const sameNumbering = new WeakMap<TypeScriptFacts, boolean>();

function sameEnum(a: object, b: object): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}

/** See {@link SourceCache.refusalOf}. */
function refusalOf(path: string, text: string, file: object, maker: TypeScriptFacts): string | undefined {
  if (maker.versionMajorMinor !== ts.versionMajorMinor) return `made by TypeScript ${maker.version}, not ${ts.versionMajorMinor}`;
  let same = sameNumbering.get(maker);
  if (same === undefined) sameNumbering.set(maker, (same = sameEnum(maker.SyntaxKind, ts.SyntaxKind) && sameEnum(maker.NodeFlags, ts.NodeFlags)));
  if (!same) return `made by TypeScript ${maker.version}, whose syntax kinds or node flags differ from ${ts.version}'s`;
  const tree = file as Partial<ts.SourceFile> & { scriptKind?: ts.ScriptKind; jsDocParsingMode?: ts.JSDocParsingMode };
  if (tree.kind !== ts.SyntaxKind.SourceFile) return 'not a source file';
  if (tree.fileName !== path) return `the tree of another file (${String(tree.fileName)})`;
  if (tree.text !== text) return 'the tree of another text';
  if (tree.jsDocParsingMode !== ts.JSDocParsingMode.ParseNone) return 'parsed with JSDoc';
  if (tree.languageVersion !== ts.ScriptTarget.Latest) return `parsed for language version ${String(tree.languageVersion)}`;
  const ours = scriptKindOf(path);
  if (tree.scriptKind !== ours) return `parsed as script kind ${String(tree.scriptKind)}, not ${ours}`;
  // typescript-eslint makes every file a module with `sourceType: module`; our parse makes one only
  // of a file with an import or export. Where they disagree, a top-level `await` parses differently
  // (an await expression in a module, in a script `await (x)` is a call of a function named await;
  // the word may be written with a Unicode escape).
  const module = Boolean((tree as { externalModuleIndicator?: unknown }).externalModuleIndicator);
  const ourModule = (ts as unknown as { isFileProbablyExternalModule(file: object): unknown }).isFileProbablyExternalModule(tree) !== undefined;
  if (module !== ourModule && (text.includes('await') || text.includes('\\u'))) return `parsed as a ${module ? 'module' : 'script'} (not by its imports and exports), with an await`;
  return undefined;
}

/** The script kind our parse gives a path, by what TypeScript takes it from: the text from the path's last dot, in lower case. */
const scriptKinds = new Map<string, ts.ScriptKind>();

function scriptKindOf(path: string): ts.ScriptKind {
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  let kind = scriptKinds.get(extension);
  if (kind === undefined) {
    // TypeScript's own answer (its function for it is internal): the kind of an empty file parsed as ours are.
    const empty = ts.createSourceFile(path, '', { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone });
    kind = (empty as unknown as { scriptKind: ts.ScriptKind }).scriptKind;
    scriptKinds.set(extension, kind);
  }
  return kind;
}

/**
 * Parsed code files kept between lint runs in one process (the ESLint plugin in an editor server):
 * a file whose text is unchanged is not parsed and wrapped again.
 *
 * Two versions per path are kept: the text on disk and the editor buffer ({@link bufferPath}). Lint
 * file A while typing in it, then file B whose functions import A: B's run reads A from disk, and
 * the run after, back in A, reads its buffer; with one version per path each would parse A again.
 *
 * ts-morph keeps one wrapper per path in a project: before a path is parsed into a project again,
 * the wrapper it has there is removed from it (a second wrapper of the path would be handed the
 * first one's children). So that an edited buffer never costs the disk version of its path, a run
 * parses into a project that holds no disk version: the last one, while it holds only buffers (the
 * editor case: each edit replaces the last buffer), else a new one. Wrappers of several projects in
 * one Program are fine: everything that depends on other files (resolution, call graph, scopes) is
 * the Program's, on the compiler nodes, so a reused file never carries facts of another file's old
 * text either.
 */
export class SourceCache {
  readonly #versions = new Map<string, Version[]>();
  /** The project runs parse into, and whether one parsed into it. */
  #current: { home: Home; used: boolean } | undefined;
  readonly #homes = new Set<Home>();
  /** Parses this cache saved, for tests and benchmarks. */
  hits = 0;
  /**
   * The file whose text the next runs take from the editor buffer (the ESLint plugin sets it before
   * each run); every other path is read from disk. Unset: every text is the disk's (the CLI).
   */
  bufferPath: string | undefined;
  /** A tree another parser made of a path's text, for the next parse of that text (see {@link offerParsed}). */
  #offered: { path: string; text: string; file: object; maker: TypeScriptFacts } | undefined;
  /** Trees of another parser taken instead of a parse (tests and benchmarks). */
  adopted = 0;
  /** Why the last offered tree a parse could have taken was not (tests); undefined when it was taken. */
  refusal: string | undefined;

  /**
   * Hands in the tree another parser made of `path` with exactly `text` (the ESLint plugin: the tree
   * typescript-eslint made of the file being linted): the next parse of that text for that path
   * takes it instead of parsing the text a second time, if it is the tree lambda-lint's own parse
   * would make ({@link SourceCache.refusalOf}; checked when the parse is due, so that an offer to a
   * run that parses nothing loads no TypeScript).
   */
  offerParsed(path: string, text: string, file: object, maker: TypeScriptFacts): void {
    this.#offered = { path, text, file, maker };
  }

  /** The offered tree when it is of `path` and `text` and usable (then taken: a tree is used by one parse), else undefined. */
  takeParsed(path: string, text: string): ts.SourceFile | undefined {
    const offered = this.#offered;
    if (!offered || offered.path !== path || offered.text !== text) return undefined;
    this.#offered = undefined;
    this.refusal = refusalOf(path, text, offered.file, offered.maker);
    if (this.refusal !== undefined) return undefined;
    this.adopted++;
    return offered.file as ts.SourceFile;
  }

  /**
   * Why `file` is not the tree lambda-lint's parse makes of `text` for `path`, or undefined when it
   * is: it must come from a TypeScript of the same minor version as ts-morph's, with the same syntax
   * kinds and node flags (patch releases keep the parser's output), have the same file name and
   * text, and be parsed without JSDoc, for the latest language version, with the script kind of the
   * path's extension, and as a module exactly when the file has an import or export, unless its
   * text has no `await` nor an escape (the one construct parsed differently in a module). What the
   * other parse sets differently is not read: parent pointers (linkTree sets them again, to the same
   * nodes) and the external-module indicator itself (no analysis reads it).
   */
  static refusalOf(path: string, text: string, file: object, maker: TypeScriptFacts): string | undefined {
    return refusalOf(path, text, file, maker);
  }


  /** Drops a tree no parse took (the run reused a kept version of the text, or did not read the path). */
  withdrawParsed(): void {
    this.#offered = undefined;
  }

  /**
   * The project for a new run (see the class comment). A project that holds more dropped versions
   * than `MAX_DROPPED` and its kept ones (a buffer edited many times, files saved many times) has
   * its kept versions dropped too, so that it can be collected; those files are parsed again by the
   * next run that needs them (for the project of the edited buffers: its last buffers only).
   */
  projectForRun(newProject: () => Project): Project {
    for (const home of this.#homes) if (home.dropped > Math.max(MAX_DROPPED, home.live)) this.#dropHome(home);
    const current = this.#current;
    if (!current || (current.used && (!this.#homes.has(current.home) || this.#holdsDiskVersion(current.home)))) {
      this.#current = { home: { project: newProject(), wrappers: new Map(), live: 0, dropped: 0 }, used: false };
    }
    return this.#current!.home.project;
  }

  /** The kept file of `path` when it was parsed from exactly `text`; it is now also the version of the role this run reads `path` in. */
  get(path: string, text: string): WrappableFile | undefined {
    const versions = this.#versions.get(path);
    const version = versions?.find((v) => v.text === text);
    if (!version) return undefined;
    this.hits++;
    this.#assign(path, version);
    return version.file;
  }

  /**
   * Called before `path` is parsed into the run's project: the wrapper the project has for it is
   * removed from it, and its version, if still kept, dropped (another version of the path, in
   * another project, stays). The version last parsed there is dropped even when not wrapped yet: it
   * could be wrapped later, and a second wrapper of the path would take the new one's place.
   */
  forget(path: string): void {
    const current = this.#current;
    if (!current) return;
    current.used = true;
    const home = current.home;
    const last = home.wrappers.get(path);
    if (!last) return;
    home.wrappers.delete(path);
    const wrapper = last.wrapper;
    if (wrapper) {
      const factory = (wrapper as unknown as { _context: { compilerFactory: { removeNodeFromCache(node: SourceFile): void } } })._context.compilerFactory;
      factory.removeNodeFromCache(wrapper);
    }
    const versions = this.#versions.get(path) ?? [];
    const kept = versions.filter((v) => v.file !== last);
    if (kept.length === versions.length) return;
    this.#dropped(home);
    if (kept.length === 0) this.#versions.delete(path);
    else this.#versions.set(path, kept);
  }

  /** Keeps the file just parsed (for the project {@link projectForRun} gave) as the version of its role (buffer or disk). */
  set(path: string, text: string, file: WrappableFile): void {
    const current = this.#current;
    if (!current) throw new Error('SourceCache.set before projectForRun');
    current.used = true;
    const home = current.home;
    home.wrappers.set(path, file);
    this.#homes.add(home);
    home.live++;
    const version: Version = { text, file, home, disk: false, buffer: false };
    const versions = this.#versions.get(path);
    if (versions) versions.push(version);
    else this.#versions.set(path, [version]);
    this.#assign(path, version);
  }

  /** Gives `version` the role `path` is read in by this run, taking it from the path's other version (dropped when it has no role left). */
  #assign(path: string, version: Version): void {
    const asBuffer = path === this.bufferPath;
    if (asBuffer) version.buffer = true;
    else version.disk = true;
    const versions = this.#versions.get(path)!;
    for (const other of versions) {
      if (other === version) continue;
      if (asBuffer) other.buffer = false;
      else other.disk = false;
    }
    const kept = versions.filter((v) => v.disk || v.buffer);
    for (const v of versions) if (!kept.includes(v)) this.#dropped(v.home);
    this.#versions.set(path, kept);
  }

  #dropped(home: Home): void {
    home.live--;
    home.dropped++;
    // Nothing of it is kept any more: the project can be collected once no run parses into it.
    if (home.live === 0) this.#homes.delete(home);
  }

  #holdsDiskVersion(home: Home): boolean {
    for (const versions of this.#versions.values()) for (const v of versions) if (v.home === home && v.disk) return true;
    return false;
  }

  #dropHome(home: Home): void {
    for (const [path, versions] of this.#versions) {
      const kept = versions.filter((v) => v.home !== home);
      if (kept.length === 0) this.#versions.delete(path);
      else this.#versions.set(path, kept);
    }
    this.#homes.delete(home);
    if (this.#current?.home === home) this.#current = undefined;
  }

  /** Paths with a kept version. */
  get size(): number {
    return this.#versions.size;
  }

  /** Versions kept, all paths together (at most two per path). */
  get versionCount(): number {
    let n = 0;
    for (const versions of this.#versions.values()) n += versions.length;
    return n;
  }
}
