import { posix } from 'node:path';
import { CODE_FILE, isInside, type HandlerBinding, type LambdaFunction } from '@lambda-lint/core';
import type { HandlerCode } from '@lambda-lint/handler';
import type { Host } from './host.js';

/** Code files a changed-files run (pre-commit) maps to functions; anything else that is not configuration is ignored. */
export { CODE_FILE };

/** Relative module specifiers of `import`/`export ... from`, `import()` and `require()`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](\.{1,2}(?:\/[^'"\n]*)?)['"]/g;
const TRY_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** NodeNext style: `import './x.js'` names `x.ts`. */
const SOURCE_FOR: Record<string, readonly string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.jsx': ['.tsx', '.jsx'],
};

/**
 * The functions whose code includes one of `changed` (absolute paths): the handler module, the
 * modules with code it runs, and the project-local modules those import (transitively, so a changed
 * constants or types module counts too).
 */
export function functionsUsing(
  handlers: readonly HandlerBinding[],
  changed: ReadonlySet<string>,
  host: Host,
  /** Nothing outside it is read. */
  root: string,
): Set<LambdaFunction> {
  const affected = new Set<LambdaFunction>();
  const closures = new Map<string, Set<string>>();
  for (const h of handlers) {
    const key = `${h.file}#${h.exportName}`;
    let files = closures.get(key);
    if (!files) {
      files = moduleClosure(seedFiles(h), host, root);
      closures.set(key, files);
    }
    if ([...changed].some((c) => files.has(c))) affected.add(h.fn);
  }
  return affected;
}

function seedFiles(h: HandlerBinding): string[] {
  const code = h.code as Partial<HandlerCode> | undefined;
  // The compiler files: their ts-morph wrappers would be made only for their paths.
  const reached = code?.fileNodes?.map((sf) => sf.fileName.replace(/\\/g, '/')) ?? [];
  return [h.file, ...reached];
}

function moduleClosure(seeds: readonly string[], host: Host, root: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...seeds];
  while (queue.length > 0 && seen.size < 5000) {
    const file = queue.pop()!;
    if (seen.has(file) || !isInside(root, file)) continue;
    seen.add(file);
    const bytes = host.readFile(file);
    if (!bytes) continue;
    const text = new TextDecoder().decode(bytes);
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolveImport(file, m[1]!, host);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return seen;
}

function resolveImport(fromFile: string, spec: string, host: Host): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(fromFile), spec)).replace(/\/$/, '');
  const ext = posix.extname(base);
  const candidates = [
    ...(SOURCE_FOR[ext] ?? []).map((e) => base.slice(0, -ext.length) + e),
    base,
    ...TRY_EXTENSIONS.map((e) => base + e),
    ...TRY_EXTENSIONS.map((e) => `${base}/index${e}`),
  ];
  return candidates.find((c) => CODE_FILE.test(c) && host.kindOf(c) === 'file');
}
