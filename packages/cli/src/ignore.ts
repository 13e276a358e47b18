/**
 * `--ignore-pattern` globs, matched against paths relative to the current directory with `/`
 * separators, gitignore-like: a pattern without `/` matches at any depth, a directory pattern matches
 * everything below it, `**` spans directories, `*` and `?` do not, `{a,b}` alternates.
 */
export function ignoreMatcher(patterns: readonly string[], cwd: string): (absPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexps = patterns.map(globToRegExp);
  const base = cwd.endsWith('/') ? cwd : cwd + '/';
  return (absPath) => {
    const rel = absPath.startsWith(base) ? absPath.slice(base.length) : absPath;
    return regexps.some((r) => r.test(rel));
  };
}

export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/\\/g, '/');
  const anchored = p.startsWith('/') || p.startsWith('./');
  p = p.replace(/^\.?\//, '').replace(/\/+$/, '');
  if (!anchored && !p.includes('/')) p = `**/${p}`;
  let out = '';
  let braces = 0;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      const wholeSegment = (i === 0 || p[i - 1] === '/') && p[i + 2] === '/';
      out += wholeSegment ? '(?:.*/)?' : '.*';
      i += wholeSegment ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  if (braces > 0) return new RegExp(`^${escapeAll(p)}(?:/.*)?$`);
  return new RegExp(`^${out}(?:/.*)?$`);
}

function escapeAll(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
