import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/** Everything the linter needs from the outside world, so that the same code runs on disk and in memory. */
export interface Host {
  readFile(absPath: string): Uint8Array | undefined;
  /** Entries of a directory, or undefined when it is not one. */
  readDir(absPath: string): { name: string; kind: 'file' | 'dir' | 'other' }[] | undefined;
  kindOf(absPath: string): 'file' | 'dir' | undefined;
  env: Record<string, string | undefined>;
}

/** Absolute path with `/` separators: the form every Loc uses. */
export function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

export function nodeHost(env: Record<string, string | undefined> = process.env): Host {
  return {
    env,
    readFile(p) {
      try {
        // Module resolution and tsconfig lookups ask for many files that do not exist: a stat that
        // answers "none" costs far less than the exception a failed read throws.
        if (!statSync(p, { throwIfNoEntry: false })?.isFile()) return undefined;
        return readFileSync(p);
      } catch {
        return undefined;
      }
    },
    readDir(p) {
      try {
        return readdirSync(p, { withFileTypes: true }).map((d) => ({
          name: d.name,
          kind: d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other',
        }));
      } catch {
        return undefined;
      }
    },
    kindOf(p) {
      try {
        const s = statSync(p, { throwIfNoEntry: false });
        return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** An in-memory project: keys are paths relative to `root`. */
export function memoryHost(files: Record<string, string | Uint8Array>, root = '/project', env: Record<string, string | undefined> = {}): Host {
  const contents = new Map<string, Uint8Array>();
  const dirs = new Map<string, Map<string, 'file' | 'dir'>>();
  const addDir = (dir: string) => {
    if (!dirs.has(dir)) dirs.set(dir, new Map());
  };
  addDir(root);
  for (const [rel, data] of Object.entries(files)) {
    const abs = resolve(root, rel).split(sep).join('/');
    contents.set(abs, typeof data === 'string' ? new TextEncoder().encode(data) : data);
    let child = abs;
    let kind: 'file' | 'dir' = 'file';
    while (child !== '/') {
      const parent = child.slice(0, child.lastIndexOf('/')) || '/';
      addDir(parent);
      dirs.get(parent)!.set(child.slice(child.lastIndexOf('/') + 1), kind);
      kind = 'dir';
      child = parent;
    }
  }
  return {
    env,
    readFile: (p) => contents.get(p),
    readDir: (p) => {
      const d = dirs.get(p);
      return d ? [...d].map(([name, kind]) => ({ name, kind })) : undefined;
    },
    kindOf: (p) => (contents.has(p) ? 'file' : dirs.has(p) ? 'dir' : undefined),
  };
}
