// POSIX path helpers for the absolute, `/`-separated paths every Loc and reader uses. Pure string
// functions, so that readers never touch `node:path` and behave the same on every platform.

/** Joins `rel` onto `base` and normalizes `.` and `..`; never climbs above `/`. */
export function joinPath(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

/** Whether `path` is `root` itself or below it (the project-root guard of every reader). */
export function isInside(root: string, path: string): boolean {
  const r = root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root;
  if (r === '/') return path.startsWith('/');
  return path === r || path.startsWith(r + '/');
}

/** A JavaScript or TypeScript source file, by its name. */
export const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
