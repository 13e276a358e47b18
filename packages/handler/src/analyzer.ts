import type { HandlerRef, InputDiagnostic } from '@lambda-lint/core';
import { posix } from 'node:path';
import { HandlerCode } from './code.js';
import { handlerCandidates, normalizeAbs, isInside } from './modules.js';
import { Program, type CodeHost } from './program.js';
import type { SourceCache } from './source-cache.js';

export type { CodeHost } from './program.js';

export type ResolveResult =
  | { ok: true; file: string; exportName: string; code: HandlerCode }
  | { ok: false; reason: 'file-not-found' | 'export-not-found'; message: string; triedFiles: string[] };

/**
 * Resolves handler references to their code, syntax only (no type checker). One analyzer
 * per lint run: every file is read and parsed once, whatever number of functions share it.
 */
export class HandlerAnalyzer {
  readonly #program: Program;
  readonly #codes = new Map<string, ResolveResult>();

  /**
   * @param root absolute project root: no file outside it is read.
   * @param options.sources parsed files to reuse from earlier runs (and to keep for later ones).
   */
  constructor(host: CodeHost, root: string, options: { maxFileBytes?: number; sources?: SourceCache } = {}) {
    this.#program = new Program(host, root, options);
  }

  get root(): string {
    return this.#program.root;
  }

  resolve(ref: HandlerRef): ResolveResult {
    const modulePath = normalizeAbs(ref.modulePath);
    const key = `${modulePath}\0${ref.extension ?? ''}\0${ref.exportName}`;
    let result = this.#codes.get(key);
    if (!result) {
      result = this.#resolve(modulePath, ref);
      this.#codes.set(key, result);
    }
    return result;
  }

  #rel(file: string): string {
    const r = posix.relative(this.#program.root, file);
    return r === '' ? '.' : r;
  }

  #resolve(modulePath: string, ref: HandlerRef): ResolveResult {
    const program = this.#program;
    const name = this.#rel(modulePath);
    if (!isInside(program.root, modulePath)) {
      return {
        ok: false,
        reason: 'file-not-found',
        message: `handler module "${modulePath}" is outside the project root ${program.root}; it was not read`,
        triedFiles: [],
      };
    }
    const tried: string[] = [];
    for (const candidate of handlerCandidates(modulePath, ref.extension)) {
      if (!program.isReadable(candidate)) continue;
      tried.push(candidate);
      const file = program.load(candidate);
      if (file === 'missing') continue;
      if (file === 'unparseable') {
        return {
          ok: false,
          reason: 'export-not-found',
          message: `handler file ${this.#rel(candidate)} could not be analysed (${program.unparseableReason(candidate) ?? 'unreadable'})`,
          triedFiles: tried,
        };
      }
      const def = program.findExport(file, ref.exportName);
      if (!def) {
        const names = program.exportNames(file).filter((n) => n !== ref.exportName);
        const known = names.length ? `; it exports ${names.slice(0, 8).map((n) => `"${n}"`).join(', ')}${names.length > 8 ? ', ...' : ''}` : '; it has no exports';
        return {
          ok: false,
          reason: 'export-not-found',
          message: `handler file ${this.#rel(candidate)} has no export "${ref.exportName}"${known}`,
          triedFiles: tried,
        };
      }
      const code = new HandlerCode(program, file, ref.exportName, def);
      // Follow the call graph now, so that the local modules it reaches are parsed and their
      // syntax errors are in diagnostics() as soon as resolve() returns.
      code.followCallGraph();
      return { ok: true, file: file.path, exportName: ref.exportName, code };
    }
    return {
      ok: false,
      reason: 'file-not-found',
      message: `handler module "${name}" not found (tried ${tried.map((f) => this.#rel(f)).join(', ')})`,
      triedFiles: tried,
    };
  }

  /**
   * `parse-error` diagnostics (syntax errors with exact ranges, binary or oversized files) of every
   * file parsed so far, each file once: the handler modules and the local modules their code
   * reaches (resolve() follows the call graph before it returns). Returns the full list on every call.
   */
  diagnostics(): InputDiagnostic[] {
    return [...this.#program.diagnostics];
  }

  /** Number of source files read and parsed so far. */
  get fileCount(): number {
    return this.#program.fileCount;
  }

  /** Paths of the source files read so far (a run split over threads counts each file once). */
  get filePaths(): string[] {
    return this.#program.filePaths;
  }
}
