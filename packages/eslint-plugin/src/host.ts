import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { Host } from '@lambda-lint/linter';

/** What a lint run read: for every question asked of the file system, a fingerprint of the answer. */
export type ReadSet = Map<string, string>;

/**
 * A host that can also tell, cheaply, whether a file on disk is unchanged (modification time, size
 * and inode): re-checking a cached run then stats the files it read instead of reading and hashing
 * them all again, which matters when `eslint .` checks the same run once per linted file. Files
 * whose signature changed, and the editor buffer, are still compared by content.
 */
export interface FingerprintHost extends Host {
  signatureOf?(path: string): string | undefined;
}

export function withDiskSignatures(host: Host): FingerprintHost {
  return {
    ...host,
    signatureOf(path) {
      const s = statSync(path, { bigint: true, throwIfNoEntry: false });
      return s?.isFile() ? `${s.mtimeNs}:${s.size}:${s.ino}` : undefined;
    },
  };
}

function fingerprint(bytes: Uint8Array | undefined): string {
  return bytes ? createHash('sha1').update(bytes).digest('base64') : '-';
}

/**
 * The disk as ESLint sees it: the file being linted has the editor's text (possibly unsaved), every
 * other file its content on disk.
 */
export function overlayHost(base: FingerprintHost, overlay: { path: string; bytes: Uint8Array }): FingerprintHost {
  const parent = overlay.path.slice(0, overlay.path.lastIndexOf('/')) || '/';
  const name = overlay.path.slice(overlay.path.lastIndexOf('/') + 1);
  const signatureOf = base.signatureOf;
  return {
    env: base.env,
    // The buffer has no disk signature: it is always compared by content.
    ...(signatureOf ? { signatureOf: (p: string) => (p === overlay.path ? undefined : signatureOf.call(base, p)) } : {}),
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

/** Wraps a host and records a fingerprint of every answer, so that a result can be reused while the answers stay the same. */
export function recordingHost(host: FingerprintHost): { host: Host; reads: ReadSet } {
  const reads: ReadSet = new Map();
  return {
    reads,
    host: {
      env: host.env,
      readFile(p) {
        const signature = host.signatureOf?.(p);
        const bytes = host.readFile(p);
        reads.set(`f:${p}`, fingerprint(bytes));
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

function listing(entries: ReturnType<Host['readDir']>): string {
  if (!entries) return '-';
  return entries
    .map((e) => `${e.name}/${e.kind}`)
    .sort()
    .join('\n');
}

/** True when every recorded question gets the same answer from `host` now: content-keyed, so saved and unsaved edits both invalidate. */
export function stillValid(reads: ReadSet, host: FingerprintHost): boolean {
  for (const [key, answer] of reads) {
    if (key.startsWith('s:')) continue;
    const path = key.slice(2);
    if (key.startsWith('f:')) {
      const signature = reads.get(`s:${path}`);
      if (signature && host.signatureOf?.(path) === signature) continue;
    }
    const now = key.startsWith('f:') ? fingerprint(host.readFile(path)) : key.startsWith('d:') ? listing(host.readDir(path)) : (host.kindOf(path) ?? '-');
    if (now !== answer) return false;
  }
  return true;
}
