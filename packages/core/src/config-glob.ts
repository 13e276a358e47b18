/**
 * Glob patterns of `ignore` and `overrides[].files`, matched against paths relative to the
 * configuration's base directory with `/` separators. gitignore-like, because that is what users
 * write in ignore lists:
 * - a pattern with no `/` (other than a trailing one) matches at any depth: `*.test.ts`, `legacy`;
 * - a pattern that names a directory also matches everything below it: `legacy/`, `services/old`;
 * - `**` spans directories, `*` and `?` stay inside one, `{a,b}` and `[abc]` as usual;
 * - a leading `/` or `./` anchors the pattern at the base directory.
 */
export function globToRegExp(pattern: string): RegExp {
  let p = pattern.trim().replace(/\\/g, '/');
  let anchored = false;
  if (p.startsWith('./')) {
    p = p.slice(2);
    anchored = true;
  } else if (p.startsWith('/')) {
    p = p.slice(1);
    anchored = true;
  }
  p = p.replace(/\/+$/, '');
  if (!anchored && !p.includes('/')) p = `**/${p}`;
  return new RegExp(`^${translate(p)}(?:/.*)?$`);
}

function translate(glob: string): string {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const slashAfter = glob[i + 2] === '/';
        if (atStart && slashAfter) {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) out += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = close;
      }
    } else out += /[.+^$()|\\\]]/.test(c) ? `\\${c}` : c;
  }
  // An unbalanced `{` is literal text, not a group.
  while (braces-- > 0) out = out.replace(/\(\?:(?![^]*\(\?:)/, '\\{');
  return out;
}

/** Whether `relativePath` (relative to the base directory, `/` separators) matches any of `patterns`. */
export function matchesAny(relativePath: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(relativePath));
}

/** `file` relative to `baseDir`, both absolute with `/` separators; undefined when it is outside. */
export function relativeTo(baseDir: string, file: string): string | undefined {
  const base = baseDir.endsWith('/') ? baseDir : `${baseDir}/`;
  if (file === baseDir) return '';
  return file.startsWith(base) ? file.slice(base.length) : undefined;
}
