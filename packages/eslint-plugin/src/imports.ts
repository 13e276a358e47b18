import { isInside, type Host } from '@lambda-lint/linter';

/** Module specifiers in import-like positions: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(['"])([^'"\n]+)\1/g;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * Every project file the module at `entry` may load, following relative (and absolute) specifiers
 * textually. It over-approximates on purpose (any candidate file that exists is taken, comments and
 * strings included): a file wrongly included only costs analysis time, a file missed would lose
 * findings. Like the handler analysis, bare specifiers (packages) are not followed.
 */
export function importClosure(entry: string, host: Host, root: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  // One listing per folder instead of a stat per candidate: the cache fingerprints every question asked.
  const listings = new Map<string, Set<string>>();
  const exists = (path: string): boolean => {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    let names = listings.get(dir);
    if (!names) {
      names = new Set((host.readDir(dir) ?? []).filter((e) => e.kind === 'file').map((e) => e.name));
      listings.set(dir, names);
    }
    return names.has(path.slice(path.lastIndexOf('/') + 1));
  };
  while (queue.length > 0) {
    const file = queue.pop()!;
    const bytes = host.readFile(file);
    if (!bytes) continue;
    for (const spec of localSpecifiers(bytes)) {
      for (const candidate of candidates(file, spec)) {
        if (seen.has(candidate) || !isInside(root, candidate) || !exists(candidate)) continue;
        seen.add(candidate);
        queue.push(candidate);
      }
    }
  }
  return seen;
}

/** Relative and absolute specifiers by file content: a file the disk cache keeps is scanned once. */
const specifiersByContent = new WeakMap<Uint8Array, readonly string[]>();

function localSpecifiers(bytes: Uint8Array): readonly string[] {
  let specs = specifiersByContent.get(bytes);
  if (!specs) {
    const text = new TextDecoder().decode(bytes);
    specs = [...text.matchAll(SPECIFIER)].map((m) => m[2]!).filter((spec) => spec.startsWith('.') || spec.startsWith('/'));
    specifiersByContent.set(bytes, specs);
  }
  return specs;
}

function candidates(fromFile: string, spec: string): string[] {
  const base = normalize(spec.startsWith('/') ? spec : `${fromFile.slice(0, fromFile.lastIndexOf('/'))}/${spec}`);
  const out = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => `${base}/index${e}`)];
  // `./x.js` written for a TypeScript source `./x.ts` (NodeNext style).
  const code = /\.(?:[cm]?js|jsx)$/.exec(base);
  if (code) out.push(...EXTENSIONS.map((e) => base.slice(0, -code[0].length) + e));
  return out;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
