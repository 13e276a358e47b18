export interface MonorepoOptions {
  /** Number of TypeScript files (handlers, the modules they import and the shared library). */
  handlers?: number;
  functions?: number;
  seed?: number;
}
/** The files of the synthetic monorepo, by path relative to its root. */
export function generateMonorepo(options?: MonorepoOptions): Record<string, string>;
/** Writes the monorepo to `out` (removed first) and returns its files. */
export function writeMonorepo(out: string, options?: MonorepoOptions): Record<string, string>;
