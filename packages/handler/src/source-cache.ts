import type { Project, SourceFile } from 'ts-morph';

/** Replaced files whose old wrappers a project may hold before the cache starts a new one. */
const MAX_REPLACED = 64;

/**
 * Parsed code files kept between lint runs in one process (the ESLint plugin in an editor server):
 * a file whose text is unchanged is not parsed and wrapped again, an edited one replaces its entry.
 * The ts-morph project that owns the wrappers (made by the first Program) is shared by every Program
 * that uses the cache.
 * Only syntax is kept: everything that depends on other files (resolution, call graph, scopes) is
 * per Program, so a reused file never carries facts of another file's old text.
 */
export class SourceCache {
  #project: Project | undefined;
  readonly #files = new Map<string, { text: string; sourceFile: SourceFile }>();
  #replaced = 0;
  /** Parses this cache saved, for tests and benchmarks. */
  hits = 0;

  /**
   * The project for a new run. A replaced file's old wrappers are not forgotten one node at a time
   * (ts-morph's forget() walks them, which costs as much as the parse); they are dropped with the
   * whole project once enough have piled up, and that run parses every file again.
   */
  projectForRun(newProject: () => Project): Project {
    if (!this.#project || this.#replaced > MAX_REPLACED) {
      this.#project = newProject();
      this.#files.clear();
      this.#replaced = 0;
    }
    return this.#project;
  }

  /** The kept wrapper of `path` when it was parsed from exactly `text`. */
  get(path: string, text: string): SourceFile | undefined {
    const entry = this.#files.get(path);
    if (entry?.text !== text) return undefined;
    this.hits++;
    return entry.sourceFile;
  }

  /** Drops the wrapper of `path` (before the path is parsed again: ts-morph keeps one wrapper per path). */
  forget(path: string): void {
    const entry = this.#files.get(path);
    if (!entry) return;
    this.#files.delete(path);
    const factory = (entry.sourceFile as unknown as { _context: { compilerFactory: { removeNodeFromCache(node: SourceFile): void } } })._context.compilerFactory;
    factory.removeNodeFromCache(entry.sourceFile);
    this.#replaced++;
  }

  set(path: string, text: string, sourceFile: SourceFile): void {
    this.#files.set(path, { text, sourceFile });
  }

  get size(): number {
    return this.#files.size;
  }
}
