import { execFileSync } from 'node:child_process';
import type { Host } from '@lambda-lint/linter';

/** A git problem the user can fix (not a repository, unknown revision): the CLI reports it as a usage error. */
export class GitError extends Error {}

interface TreeEntry {
  kind: 'file' | 'other';
  /** Blob id. */
  object: string;
}

function git(cwd: string, args: string[]): Buffer {
  return execFileSync('git', args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
    // A user's pager, editor or credential prompt must never run.
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' },
  });
}

function stderrOf(e: unknown): string {
  const err = e as { stderr?: Buffer | string; message?: string; code?: string };
  if (err.code === 'ENOENT') return 'git is not installed or not on PATH';
  return String(err.stderr ?? err.message ?? e).trim().split('\n')[0] ?? '';
}

/**
 * The top directory of the git work tree containing `dir`, spelled from `dir` (absolute, `/`
 * separators): `dir` minus its path inside the repository, so that a symlinked checkout keeps the
 * paths the user sees instead of git's resolved ones.
 */
export function gitTopLevel(dir: string): string {
  let prefix: string;
  try {
    prefix = git(dir, ['rev-parse', '--show-prefix']).toString('utf8').trim();
  } catch (e) {
    throw new GitError(`${dir} is not inside a git repository (${stderrOf(e)}); lambda-lint diff compares the working tree with a revision of its repository`);
  }
  if (prefix === '') return dir;
  const depth = prefix.replace(/\/$/, '').split('/').length;
  const parts = dir.replace(/\/$/, '').split('/');
  return parts.slice(0, parts.length - depth).join('/') || '/';
}

/** The commit `ref` names, or a GitError naming the ref. */
export function resolveCommit(topLevel: string, ref: string): string {
  // `--end-of-options` keeps a ref that starts with `-` from being read as an option.
  try {
    return git(topLevel, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).toString('utf8').trim();
  } catch {
    throw new GitError(`unknown git revision "${ref}": no commit, branch or tag of that name in ${topLevel} (a shallow clone may need \`git fetch --depth=2\` or the base branch fetched)`);
  }
}

/**
 * The files of one commit, read through git (`git ls-tree`, `git cat-file`): nothing is checked out and
 * the working tree is not touched. Paths are those the files have in the working tree (`topLevel` +
 * path in the repository), so the base and head models name the same files alike.
 */
export function gitHost(topLevel: string, ref: string, env: Record<string, string | undefined> = {}): Host {
  const commit = resolveCommit(topLevel, ref);
  const files = new Map<string, TreeEntry>();
  const dirs = new Map<string, Map<string, 'file' | 'dir' | 'other'>>();
  const addDir = (dir: string): Map<string, 'file' | 'dir' | 'other'> => {
    let d = dirs.get(dir);
    if (!d) dirs.set(dir, (d = new Map()));
    return d;
  };
  addDir(topLevel);
  const listing = git(topLevel, ['ls-tree', '-r', '-z', '--full-tree', commit]).toString('utf8');
  for (const line of listing.split('\0')) {
    // `<mode> <type> <object>\t<path>`
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.*)$/s.exec(line);
    if (!m) continue;
    const [, mode, type, object, path] = m as unknown as [string, string, string, string, string];
    // Submodules (commit entries) and symbolic links are not followed: neither is a file of this commit.
    const kind = type === 'blob' && mode !== '120000' ? 'file' : 'other';
    const abs = `${topLevel}/${path}`;
    files.set(abs, { kind, object });
    let child = abs;
    let childKind: 'file' | 'dir' | 'other' = kind;
    while (child.length > topLevel.length) {
      const parent = child.slice(0, child.lastIndexOf('/'));
      const entries = addDir(parent);
      const name = child.slice(child.lastIndexOf('/') + 1);
      if (entries.has(name)) break;
      entries.set(name, childKind);
      childKind = 'dir';
      child = parent;
    }
  }
  const cache = new Map<string, Uint8Array | undefined>();
  return {
    env,
    readFile(abs) {
      const entry = files.get(abs);
      if (!entry || entry.kind !== 'file') return undefined;
      if (!cache.has(abs)) {
        try {
          cache.set(abs, new Uint8Array(git(topLevel, ['cat-file', 'blob', entry.object])));
        } catch {
          cache.set(abs, undefined);
        }
      }
      return cache.get(abs);
    },
    readDir(abs) {
      const d = dirs.get(abs.length > 1 ? abs.replace(/\/$/, '') : abs);
      return d ? [...d].map(([name, kind]) => ({ name, kind })) : undefined;
    },
    kindOf(abs) {
      const p = abs.length > 1 ? abs.replace(/\/$/, '') : abs;
      if (dirs.has(p)) return 'dir';
      return files.get(p)?.kind === 'file' ? 'file' : undefined;
    },
  };
}
