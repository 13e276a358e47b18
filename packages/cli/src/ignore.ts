import { globToRegExp } from '@lambda-lint/core';

/**
 * `--ignore-pattern` globs, matched against paths relative to the current directory with the same
 * gitignore-like rules as the configuration's `ignore` (core's globToRegExp): a pattern without `/`
 * matches at any depth, a directory pattern matches everything below it, `**` spans directories.
 */
export function ignoreMatcher(patterns: readonly string[], cwd: string): (absPath: string) => boolean {
  const regexps = patterns.filter((p) => p.trim() !== '').map(globToRegExp);
  if (regexps.length === 0) return () => false;
  const base = cwd.endsWith('/') ? cwd : cwd + '/';
  return (absPath) => {
    const rel = absPath.startsWith(base) ? absPath.slice(base.length) : absPath;
    return regexps.some((r) => r.test(rel));
  };
}
