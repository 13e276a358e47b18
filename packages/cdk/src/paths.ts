/** POSIX path helpers: every path in the model is absolute with `/` separators. */

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Joins and normalizes `.` and `..`; a later absolute part starts over (like `path.resolve`). */
export function resolvePath(base: string, ...parts: string[]): string {
  let cur = base;
  for (const part of parts) cur = part.startsWith('/') ? part : `${cur}/${part}`;
  const out: string[] = [];
  for (const seg of cur.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

/** `path.join` semantics for relative results: keeps a relative path relative. */
export function joinSegments(parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  if (joined === '') return '.';
  const absolute = joined.startsWith('/');
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && absolute) continue;
    else out.push(seg);
  }
  const body = out.join('/');
  return absolute ? '/' + body : body === '' ? '.' : body;
}

export { isInside } from '@lambda-lint/core';

export function stripExtension(p: string): string {
  const m = /\.[^./]+$/.exec(p);
  return m ? p.slice(0, -m[0].length) : p;
}
