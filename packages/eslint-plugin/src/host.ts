import { createHash } from 'node:crypto';
import type { Host } from '@lambda-lint/linter';

/** What a lint run read: for every question asked of the file system, a fingerprint of the answer. */
export type ReadSet = Map<string, string>;

function fingerprint(bytes: Uint8Array | undefined): string {
  return bytes ? createHash('sha1').update(bytes).digest('base64') : '-';
}

/**
 * The disk as ESLint sees it: the file being linted has the editor's text (possibly unsaved), every
 * other file its content on disk.
 */
export function overlayHost(base: Host, overlay: { path: string; bytes: Uint8Array } | undefined): Host {
  if (!overlay) return base;
  const parent = overlay.path.slice(0, overlay.path.lastIndexOf('/')) || '/';
  const name = overlay.path.slice(overlay.path.lastIndexOf('/') + 1);
  return {
    env: base.env,
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
export function recordingHost(host: Host): { host: Host; reads: ReadSet } {
  const reads: ReadSet = new Map();
  return {
    reads,
    host: {
      env: host.env,
      readFile(p) {
        const bytes = host.readFile(p);
        reads.set(`f:${p}`, fingerprint(bytes));
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
export function stillValid(reads: ReadSet, host: Host): boolean {
  for (const [key, answer] of reads) {
    const path = key.slice(2);
    const now = key.startsWith('f:') ? fingerprint(host.readFile(path)) : key.startsWith('d:') ? listing(host.readDir(path)) : (host.kindOf(path) ?? '-');
    if (now !== answer) return false;
  }
  return true;
}
