/**
 * Whether `text` matches the IAM-style wildcard `pattern` (`*` any run of characters, `?` one
 * character, everything else literal). Patterns are user input: instead of a regular expression,
 * which backtracks exponentially on `*a*a*a...b`, a matcher that only returns to the last `*`,
 * at worst O(pattern length x text length). Case-sensitive: lower-case both sides where IAM ignores case.
 */
export function wildcardMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let lastStar = -1;
  let textAtStar = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      lastStar = p++;
      textAtStar = t;
    } else if (lastStar >= 0) {
      // The last star absorbs one more character; the rest of the pattern is retried from there.
      p = lastStar + 1;
      t = ++textAtStar;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
