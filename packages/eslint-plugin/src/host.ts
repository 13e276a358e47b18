import { statSync, type BigIntStats } from 'node:fs';
import { isInside, listingLacks, type Host } from '@lambda-lint/linter';

/**
 * A recorded answer: a file's content (the bytes read, kept by reference: an unchanged file kept by
 * the disk cache is the same buffer, so comparing costs nothing, and a changed one is compared byte
 * by byte, which is cheaper than hashing it), a signature, a folder listing, a kind, or `-` for none.
 */
export type Answer = string | Uint8Array;

/** What a lint run read: for every question asked of the file system, the answer. */
export type ReadSet = Map<string, Answer>;

/** Whether two recorded answers are the same (contents by their bytes). */
export function sameAnswer(a: Answer | undefined, b: Answer | undefined): boolean {
  if (a === b) return true;
  if (!(a instanceof Uint8Array) || !(b instanceof Uint8Array) || a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/**
 * A host that can also tell, cheaply, whether a file on disk is unchanged (modification time, size
 * and inode): re-checking a cached run then stats the files it read instead of reading and hashing
 * them all again, which matters when `eslint .` checks the same run once per linted file. Files
 * whose signature changed, and the editor buffer, are still compared by content.
 */
export interface FingerprintHost extends Host {
  /** The file's disk signature, or undefined when there is none to trust (not a file, the editor buffer, modified too recently). */
  signatureOf?(path: string): string | undefined;
  /** `readFile` and `signatureOf` in one look at the disk. */
  readSigned?(path: string): { bytes: Uint8Array | undefined; signature: string | undefined };
}

/**
 * A file or folder modified this recently may change again within the file system's timestamp
 * granularity without its signature changing, so its signature is not trusted: it is compared by
 * content ("racy" entries, as git calls them). A modification time with digits below the
 * millisecond comes from a file system that keeps fine timestamps, set from a clock that ticks at
 * most every few milliseconds (a jiffy on Linux, 15.6 ms on Windows): a tenth of a second covers
 * it. A time in whole milliseconds may come from one that keeps seconds (HFS+ 1 s, FAT 2 s).
 */
const RACY_FINE_MS = 100;
const RACY_COARSE_MS = 2000;

export function trusted(s: BigIntStats, now = Date.now()): boolean {
  const fine = s.mtimeNs % 1_000_000n !== 0n;
  return now - Number(s.mtimeMs) > (fine ? RACY_FINE_MS : RACY_COARSE_MS);
}

function signature(s: BigIntStats): string {
  return `${s.mtimeNs}:${s.size}:${s.ino}`;
}

/**
 * What earlier runs of the process read from disk, kept by path with the disk signature it was read
 * under: while the signature is the same, the file is not read (nor hashed) again and the folder not
 * listed again. An editor's ESLint server lints the same project over and over; only the edited
 * buffer and the files saved since differ.
 */
export class DiskCache {
  /** Files by path, with the signature they were read under (none: not trusted then; the bytes are kept for their identity). */
  readonly files = new Map<string, { signature: string | undefined; bytes: Uint8Array }>();
  readonly dirs = new Map<string, { signature: string; entries: ReturnType<Host['readDir']> }>();

  clear(): void {
    this.files.clear();
    this.dirs.clear();
  }
}

/**
 * The disk through `cache`, for one question of ESLint's (one file): each path is looked at (stat)
 * once, the answer then stands for the rest of the question, as a single read of the project would.
 * Folders are listed for missing paths only inside `root` (ESLint's cwd) when it is given.
 */
export function withDiskSignatures(host: Host, cache: DiskCache = new DiskCache(), root?: string): FingerprintHost {
  const looked = new Map<string, BigIntStats | undefined>();
  /** The path looked at on disk, once per question. */
  const statNow = (path: string): BigIntStats | undefined => {
    if (looked.has(path)) return looked.get(path);
    const s = statSync(path, { bigint: true, throwIfNoEntry: false });
    looked.set(path, s);
    return s;
  };
  const stat = (path: string): BigIntStats | undefined => {
    if (looked.has(path)) return looked.get(path);
    // Module resolution probes many paths that do not exist, on every run: a name its folder's kept
    // listing lacks is not looked at.
    if (notInListing(path)) {
      looked.set(path, undefined);
      return undefined;
    }
    const s = statNow(path);
    // A missing path: its folder is listed (once while it is unchanged), for the next probes there
    // (inside the project root only).
    if (!s && path !== '/' && (root === undefined || isInside(root, parentOf(path)))) listingOf(parentOf(path));
    return s;
  };
  /**
   * Whether the kept listing of the path's folder, read under the folder's present (trusted)
   * signature, has no entry of that name: then there is none (a broken symbolic link is an entry,
   * looked at as usual). The folder is looked at before its listing is consulted, as a stat of the
   * path would look at the disk now.
   */
  const notInListing = (path: string): boolean => {
    const dir = parentOf(path);
    // Only a folder with a kept listing is looked at (one where probes found nothing before).
    const kept = cache.dirs.get(dir);
    if (!kept?.entries || dir === path) return false;
    const s = statNow(dir);
    if (!s?.isDirectory() || !trusted(s) || kept.signature !== signature(s)) return false;
    return listingLacks(kept.entries, path.slice(path.lastIndexOf('/') + 1));
  };
  /** A folder's entries through the cache: listed again only when its signature changed (or cannot be trusted). */
  const listingOf = (path: string): ReturnType<Host['readDir']> => {
    const s = statNow(path);
    if (!s?.isDirectory()) return undefined;
    const sig = trusted(s) ? signature(s) : undefined;
    const kept = cache.dirs.get(path);
    if (sig && kept?.signature === sig) return kept.entries;
    const entries = host.readDir(path);
    if (sig) cache.dirs.set(path, { signature: sig, entries });
    else cache.dirs.delete(path);
    return entries;
  };
  /** Files read in this question: a file saved moments ago has no trusted signature, and would be read from disk at each of the question's looks (the saved file of the editor case four or more times). */
  const readNow = new Map<string, { bytes: Uint8Array | undefined; signature: string | undefined }>();
  const readSigned = (path: string) => {
    let answer = readNow.get(path);
    if (!answer) readNow.set(path, (answer = readSignedNow(path)));
    return answer;
  };
  const readSignedNow = (path: string) => {
    const s = stat(path);
    // Module resolution asks for many paths that do not exist: no read (and no exception) for those.
    if (!s?.isFile()) return { bytes: undefined, signature: undefined };
    const sig = trusted(s) ? signature(s) : undefined;
    const kept = cache.files.get(path);
    if (sig && kept?.signature === sig) return { bytes: kept.bytes, signature: sig };
    const read = host.readFile(path);
    // Content read again with the same bytes (a file saved moments ago, whose signature is not
    // trusted yet): the kept bytes, so that what is kept by content (specifiers, comparisons) is found.
    const bytes = read && kept && sameAnswer(read, kept.bytes) ? kept.bytes : read;
    if (bytes) cache.files.set(path, { signature: sig, bytes });
    else cache.files.delete(path);
    return { bytes, signature: sig };
  };
  return {
    env: host.env,
    kindOf(path) {
      const s = stat(path);
      return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : undefined;
    },
    readFile: (path) => readSigned(path).bytes,
    readSigned,
    // Asked of files read before: looked at directly, not through their folder's listing.
    signatureOf(path) {
      const s = statNow(path);
      return s?.isFile() && trusted(s) ? signature(s) : undefined;
    },
    // A folder's modification time changes when an entry is added, removed or renamed.
    readDir: listingOf,
  };
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function contentAnswer(bytes: Uint8Array | undefined): Answer {
  return bytes ?? '-';
}

/**
 * The disk as ESLint sees it: the file being linted has the editor's text (possibly unsaved), every
 * other file its content on disk.
 */
export function overlayHost(base: FingerprintHost, overlay: { path: string; bytes: Uint8Array }): FingerprintHost {
  const parent = overlay.path.slice(0, overlay.path.lastIndexOf('/')) || '/';
  const name = overlay.path.slice(overlay.path.lastIndexOf('/') + 1);
  const signatureOf = base.signatureOf;
  const readSigned = base.readSigned;
  return {
    env: base.env,
    // The buffer has no disk signature: it is always compared by content.
    ...(signatureOf ? { signatureOf: (p: string) => (p === overlay.path ? undefined : signatureOf.call(base, p)) } : {}),
    ...(readSigned ? { readSigned: (p: string) => (p === overlay.path ? { bytes: overlay.bytes, signature: undefined } : readSigned.call(base, p)) } : {}),
    readFile: (p) => (p === overlay.path ? overlay.bytes : base.readFile(p)),
    // An unsaved new file exists for the analysis even though it is not on disk yet.
    kindOf: (p) => (p === overlay.path ? 'file' : base.kindOf(p)),
    readDir: (p) => {
      const entries = base.readDir(p);
      if (!entries || p !== parent || entries.some((e) => e.name === name)) return entries;
      return [...entries, { name, kind: 'file' }];
    },
  };
}

/** Wraps a host and records every answer (contents by reference), so that a result can be reused while the answers stay the same. */
export function recordingHost(host: FingerprintHost): { host: Host; reads: ReadSet } {
  const reads: ReadSet = new Map();
  const readSigned = (p: string) => (host.readSigned ? host.readSigned(p) : { signature: host.signatureOf?.(p), bytes: host.readFile(p) });
  return {
    reads,
    host: {
      env: host.env,
      readFile(p) {
        const { bytes, signature } = readSigned(p);
        reads.set(`f:${p}`, contentAnswer(bytes));
        if (signature) reads.set(`s:${p}`, signature);
        return bytes;
      },
      readDir(p) {
        const entries = host.readDir(p);
        reads.set(`d:${p}`, listing(entries));
        return entries;
      },
      kindOf(p) {
        const kind = host.kindOf(p);
        reads.set(`k:${p}`, kind ?? '-');
        return kind;
      },
    },
  };
}

/** Listings by entries array: a folder listing kept by the disk cache is serialised once. */
const listings = new WeakMap<object, string>();

function listing(entries: ReturnType<Host['readDir']>): string {
  if (!entries) return '-';
  let text = listings.get(entries);
  if (text === undefined) {
    text = entries
      .map((e) => `${e.name}/${e.kind}`)
      .sort()
      .join('\n');
    listings.set(entries, text);
  }
  return text;
}

/**
 * True when every recorded question gets the same answer from `host` now: content-keyed, so saved and
 * unsaved edits both invalidate. The content of `first`, when the run read it, is compared before anything else.
 */
export function stillValid(reads: ReadSet, host: FingerprintHost, first?: string): boolean {
  const firstRead = first === undefined ? undefined : reads.get(`f:${first}`);
  if (firstRead !== undefined && !sameAnswer(contentAnswer(host.readFile(first!)), firstRead)) return false;
  for (const [key, answer] of reads) if (answerNow(reads, key, answer, host) !== undefined) return false;
  return true;
}

/**
 * The recorded questions (`f:`, `d:`, `k:` keys) whose answer from `host` differs now, or undefined
 * as soon as one differs that `accept` refuses (it gets the recorded and the present answer; `-`: none).
 */
export function changedReads(reads: ReadSet, host: FingerprintHost, accept: (key: string, before: Answer, now: Answer) => boolean): string[] | undefined {
  const changed: string[] = [];
  for (const [key, answer] of reads) {
    const now = answerNow(reads, key, answer, host);
    if (now === undefined) continue;
    if (!accept(key, answer, now)) return undefined;
    changed.push(key);
  }
  return changed;
}

/** The present answer to a recorded question when it differs from the recorded one, else undefined. */
function answerNow(reads: ReadSet, key: string, answer: Answer, host: FingerprintHost): Answer | undefined {
  if (key.startsWith('s:')) return undefined;
  const path = key.slice(2);
  if (key.startsWith('f:')) {
    const signature = reads.get(`s:${path}`);
    if (signature && host.signatureOf?.(path) === signature) return undefined;
  }
  const now = key.startsWith('f:') ? contentAnswer(host.readFile(path)) : key.startsWith('d:') ? listing(host.readDir(path)) : (host.kindOf(path) ?? '-');
  return sameAnswer(now, answer) ? undefined : now;
}
