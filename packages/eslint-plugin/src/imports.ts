import { isBuiltin } from 'node:module';
import { isInside, type Host } from '@lambda-lint/linter';

/** Module specifiers in import-like positions: `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
const SPECIFIER = /\b(?:from|import|require)\s*\(?\s*(['"])([^'"\n]+)\1/g;
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** One decoder for every file: making one costs more than decoding a small module. */
const utf8 = new TextDecoder();

/** The files a module may load, and whether that list may be incomplete. */
export interface ImportClosure {
  files: Set<string>;
  /**
   * A bare specifier (`@libs/db`, `lib/db`) was met where a tsconfig.json/jsconfig.json may map it to
   * a project file through `paths` or `baseUrl`, as the handler analysis does: the module may load
   * files `files` does not list.
   */
  open: boolean;
  /** The specifiers of each file read for it: a file saved or edited with the same ones leaves the closure as it is. */
  specifiers: Map<string, Specifiers>;
}

/**
 * Every project file the module at `entry` may load, following relative (and absolute) specifiers
 * textually. It over-approximates on purpose (any candidate file that exists is taken, comments and
 * strings included): a file wrongly included only costs analysis time, a file missed would lose
 * findings. Bare specifiers are packages, unless the nearest tsconfig/jsconfig may map them (then
 * the closure is `open`).
 */
export function importClosure(entry: string, host: Host, root: string): ImportClosure {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  const specifiers = new Map<string, Specifiers>();
  let open = false;
  const aliasesByDir = new Map<string, boolean>();
  // One listing per folder instead of a stat per candidate: the cache fingerprints every question asked.
  const listings = new Map<string, Map<string, string>>();
  /** The kind of the entry at `path` in its folder's listing ('other': a symbolic link, which may be a file or a folder). */
  const entryKind = (path: string): string | undefined => {
    const dir = dirOf(path);
    let kinds = listings.get(dir);
    if (!kinds) listings.set(dir, (kinds = new Map((host.readDir(dir) ?? []).map((e) => [e.name, e.kind]))));
    return kinds.get(path.slice(path.lastIndexOf('/') + 1));
  };
  const exists = (path: string): boolean => {
    const dir = dirOf(path);
    // `./x/index.ts` when there is no folder `x` (most candidates): only the parent of `x` is listed, not `x`.
    // The root is a folder, and what holds it is not read.
    const dirKind = dir === root || !isInside(root, dir) ? 'dir' : entryKind(dir);
    if (dirKind !== 'dir' && dirKind !== 'other') return false;
    const kind = entryKind(path);
    return kind === 'file' || kind === 'other';
  };
  while (queue.length > 0) {
    const file = queue.pop()!;
    const bytes = host.readFile(file);
    if (!bytes) continue;
    const specs = specifiersOf(bytes);
    specifiers.set(file, specs);
    const { local, bare } = specs;
    if (!open && bare && mayMapBareSpecifiers(dirOf(file), host, root, aliasesByDir)) open = true;
    for (const spec of local) {
      for (const candidate of candidates(file, spec)) {
        if (seen.has(candidate) || !isInside(root, candidate) || !exists(candidate)) continue;
        seen.add(candidate);
        queue.push(candidate);
      }
    }
  }
  return { files: seen, open, specifiers };
}

/**
 * Whether `closure` is still the closure of its module after `file` changed to `bytes` (every file
 * and folder listing it read otherwise unchanged): the file's new text has the same specifiers as
 * the text it was computed with (an edit that does not touch the imports, the usual one), or it
 * was not read for it.
 */
export function importsUnchanged(closure: ImportClosure, file: string, bytes: Uint8Array | undefined): boolean {
  if (!closure.files.has(file)) return true;
  const before = closure.specifiers.get(file);
  if (!before || !bytes) return false;
  const now = specifiersOf(bytes);
  return now === before || (now.bare === before.bare && now.local.length === before.local.length && now.local.every((spec, i) => spec === before.local[i]));
}

/** Whether a path is a JavaScript/TypeScript module by its extension (a `.d.ts` included). */
export function isCodeFile(path: string): boolean {
  return EXTENSIONS.some((e) => path.endsWith(e));
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

const MAX_EXTENDS = 8;

/**
 * Whether the tsconfig.json/jsconfig.json nearest to `dir` (up to the root) may map bare specifiers
 * to project files: its text, or that of a config it extends by relative path, mentions `paths` or
 * `baseUrl`. Textual on purpose (comments included): a wrong yes only costs analysis time.
 */
function mayMapBareSpecifiers(dir: string, host: Host, root: string, memo: Map<string, boolean>): boolean {
  const known = memo.get(dir);
  if (known !== undefined) return known;
  const names = new Set((host.readDir(dir) ?? []).filter((e) => e.kind === 'file').map((e) => e.name));
  const config = ['tsconfig.json', 'jsconfig.json'].find((name) => names.has(name));
  let result = false;
  if (config) result = configMaps(`${dir}/${config}`, host, root, 0);
  else if (dir !== root && isInside(root, dirOf(dir))) result = mayMapBareSpecifiers(dirOf(dir), host, root, memo);
  memo.set(dir, result);
  return result;
}

function configMaps(file: string, host: Host, root: string, depth: number): boolean {
  const bytes = host.readFile(file);
  if (!bytes) return false;
  const text = utf8.decode(bytes);
  if (/\b(?:paths|baseUrl)\b/.test(text)) return true;
  if (depth >= MAX_EXTENDS || !/\bextends\b/.test(text)) return false;
  for (const match of text.matchAll(/(['"])(\.\.?\/[^'"\n]*)\1/g)) {
    const base = normalize(`${dirOf(file)}/${match[2]!}`);
    for (const candidate of base.endsWith('.json') ? [base] : [base, `${base}.json`]) {
      if (isInside(root, candidate) && configMaps(candidate, host, root, depth + 1)) return true;
    }
  }
  return false;
}

/** A file's relative and absolute specifiers, and whether it has a bare one (not a Node.js built-in). */
interface Specifiers {
  local: readonly string[];
  bare: boolean;
}

/** By file content: a file the disk cache keeps is scanned once. */
const specifiersByContent = new WeakMap<Uint8Array, Specifiers>();

function specifiersOf(bytes: Uint8Array): Specifiers {
  let specs = specifiersByContent.get(bytes);
  if (!specs) {
    const all = [...utf8.decode(bytes).matchAll(SPECIFIER)].map((m) => m[2]!);
    const local = all.filter((spec) => spec.startsWith('.') || spec.startsWith('/'));
    specs = { local, bare: all.some((spec) => !spec.startsWith('.') && !spec.startsWith('/') && !isBuiltin(spec)) };
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
