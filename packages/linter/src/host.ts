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

export interface NodeHostOptions {
  /**
   * For one run, which must not see the disk change under it: the entries of every directory it
   * lists are remembered, and a file is looked up in its directory's listing before the disk is
   * asked. A run reads each handler and probes hundreds of `tsconfig.json`, `index.ts` and
   * extension candidates that do not exist; each answer would otherwise cost a `stat`. Not for a
   * long-lived host (the ESLint plugin's), which must see files appear.
   */
  rememberListings?: boolean;
}

type EntryKind = 'file' | 'dir' | 'other';
type Entries = NonNullable<ReturnType<Host['readDir']>>;

/** Lower-case entry names by listing, made once per listing. */
const lowerCaseNames = new WeakMap<Entries, Set<string>>();

/**
 * Whether a directory listing shows that `name` is not there. A name that differs from an entry only
 * in case is not known to be absent: a case-insensitive file system (macOS, Windows) finds it.
 */
export function listingLacks(entries: Entries, name: string): boolean {
  let names = lowerCaseNames.get(entries);
  if (!names) lowerCaseNames.set(entries, (names = new Set(entries.map((e) => e.name.toLowerCase()))));
  return !names.has(name.toLowerCase());
}

/** A directory's entries, and their kinds by name. */
interface Listing {
  entries: Entries;
  kinds: Map<string, EntryKind>;
}

export function nodeHost(env: Record<string, string | undefined> = process.env, options: NodeHostOptions = {}): Host {
  const listings = options.rememberListings ? new Map<string, Listing>() : undefined;
  /** What the remembered listing of its directory says of a path: undefined when it cannot tell. */
  const listedKind = (p: string): EntryKind | 'none' | undefined => {
    const slash = p.lastIndexOf('/');
    const listing = listings?.get(slash === 0 ? '/' : p.slice(0, slash));
    if (!listing) return undefined;
    const name = p.slice(slash + 1);
    const kind = listing.kinds.get(name);
    if (kind !== undefined) return kind;
    return listingLacks(listing.entries, name) ? 'none' : undefined;
  };
  return {
    env,
    readFile(p) {
      try {
        const listed = listedKind(p);
        if (listed === 'none' || listed === 'dir') return undefined;
        if (listed === 'file') return readFileSync(p);
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
        const entries = readdirSync(p, { withFileTypes: true }).map((d) => ({
          name: d.name,
          kind: (d.isDirectory() ? 'dir' : d.isFile() ? 'file' : 'other') as EntryKind,
        }));
        listings?.set(p, { entries, kinds: new Map(entries.map((e) => [e.name, e.kind])) });
        return entries;
      } catch {
        return undefined;
      }
    },
    kindOf(p) {
      const listed = listedKind(p);
      if (listed === 'none') return undefined;
      if (listed === 'file' || listed === 'dir') return listed;
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
