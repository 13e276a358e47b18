import { posix } from 'node:path';
import { toSlash } from './loc.js';

/** Extensions tried for a handler module, in order (RULES: `.ts`, `.mts`, `.js`, `.mjs`, plus `.cjs`). */
export const HANDLER_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs', '.cjs'] as const;

/** Extensions tried for a relative import without a code extension. */
const IMPORT_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

const CODE_EXTENSION = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/** A `.js`-style specifier names the TypeScript source first (NodeNext `import './x.js'` -> `x.ts`). */
const SOURCE_FOR: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.ts': ['.ts'],
  '.tsx': ['.tsx'],
  '.mts': ['.mts'],
  '.cts': ['.cts'],
};

export function normalizeAbs(p: string): string {
  const s = posix.normalize(toSlash(p));
  return s.length > 1 && s.endsWith('/') ? s.slice(0, -1) : s;
}

export { isInside } from '@lambda-lint/core';

export function isRelativeSpecifier(spec: string): boolean {
  return spec === '.' || spec === '..' || spec.startsWith('./') || spec.startsWith('../');
}

/** Candidate files for a handler module path, in the order they are tried. */
export function handlerCandidates(modulePath: string, extension: string | undefined): string[] {
  const out: string[] = [];
  const push = (f: string): void => {
    if (!out.includes(f)) out.push(f);
  };
  if (extension) {
    const ext = extension.startsWith('.') ? extension : `.${extension}`;
    push(modulePath + ext);
  }
  for (const ext of HANDLER_EXTENSIONS) push(modulePath + ext);
  for (const ext of HANDLER_EXTENSIONS) push(`${modulePath}/index${ext}`);
  return out;
}

/**
 * The base path a relative specifier names from a directory: `normalizeAbs(posix.join(dir, spec))`.
 * For an absolute directory in normal form (the directory of a file the analyzer read) it is worked
 * out segment by segment, without `path`'s generic normalisation of the whole string: every import
 * of every file reached is resolved.
 */
export function importBase(dir: string, spec: string): string {
  if (!dir.startsWith('/') || dir.includes('\\') || spec.includes('\\') || (dir.length > 1 && !isNormalDir(dir))) return normalizeAbs(posix.join(dir, spec));
  const joined = joinPlain(dir, spec);
  if (joined !== undefined) return joined;
  const parts = dir === '/' ? [] : dir.slice(1).split('/');
  for (const segment of spec.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}`;
}

/**
 * {@link importBase} of the usual specifier, leading `./` and `../` steps then a path in normal form
 * (`./x.js`, `../../lib/db`): the directory cut at its last slashes and the rest appended, without
 * splitting both into segments. Undefined for any other specifier (`.`, `a//b`, `a/./b`, `a/..`).
 */
function joinPlain(dir: string, spec: string): string | undefined {
  let base = dir === '/' ? '' : dir;
  let i = 0;
  for (;;) {
    if (spec.startsWith('./', i)) i += 2;
    else if (spec.startsWith('../', i)) {
      base = base.slice(0, Math.max(0, base.lastIndexOf('/')));
      i += 3;
    } else break;
  }
  const rest = i === 0 ? spec : spec.slice(i);
  if (rest === '') return base === '' ? '/' : base;
  if (rest.startsWith('/') || rest.startsWith('./') || rest.startsWith('../') || rest === '.' || rest === '..' || !isNormalDir(`/${rest}`)) return undefined;
  return `${base}/${rest}`;
}

/** An absolute directory path in normal form: no empty, `.` or `..` segment, no trailing `/`. */
function isNormalDir(dir: string): boolean {
  return !dir.endsWith('/') && !dir.includes('//') && !dir.includes('/./') && !dir.includes('/../') && !dir.endsWith('/.') && !dir.endsWith('/..');
}

/**
 * {@link moduleCandidates} tried in order until `probe` gives an answer: the first candidate is most
 * often the file, and the others need not be made.
 */
export function firstModuleCandidate<T>(base: string, probe: (path: string) => T | undefined): T | undefined {
  const m = CODE_EXTENSION.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    for (const ext of SOURCE_FOR[m[0]] ?? [m[0]]) {
      const found = probe(stem + ext);
      if (found !== undefined) return found;
    }
  }
  for (const ext of IMPORT_EXTENSIONS) {
    const found = probe(base + ext);
    if (found !== undefined) return found;
  }
  for (const ext of IMPORT_EXTENSIONS) {
    const found = probe(`${base}/index${ext}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Candidate files for a module's absolute base path (a relative specifier joined, or a tsconfig `paths` target). */
export function moduleCandidates(base: string): string[] {
  const out: string[] = [];
  const m = CODE_EXTENSION.exec(base);
  if (m) {
    const stem = base.slice(0, -m[0].length);
    for (const ext of SOURCE_FOR[m[0]] ?? [m[0]]) out.push(stem + ext);
  }
  for (const ext of IMPORT_EXTENSIONS) out.push(base + ext);
  for (const ext of IMPORT_EXTENSIONS) out.push(`${base}/index${ext}`);
  return out;
}
