import type { Loc } from './loc.js';

/** C0 and C1 control characters other than tab and newline, and DEL: one replacement character each. */
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text safe to print on a terminal: each control character replaced by U+FFFD. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/** A few lines of source around `loc` with carets under the range, as linters print them. */
export function codeFrame(text: string, loc: Loc, context = 1): string {
  const lines = text.split(/\r\n|\r|\n/);
  const first = Math.max(1, loc.line - context);
  const last = Math.min(lines.length, loc.endLine + context);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    // Control characters (a binary file's escape sequences, NUL bytes) must not reach a terminal.
    const line = (lines[n - 1] ?? '').replace(/\t/g, ' ').replace(CONTROL, '\uFFFD');
    const marker = n >= loc.line && n <= loc.endLine ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${line}`.trimEnd());
    if (n >= loc.line && n <= loc.endLine) {
      const start = n === loc.line ? loc.column : 1;
      const end = n === loc.endLine ? loc.endColumn : line.length + 1;
      const carets = Math.max(1, end - start);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(start - 1)}${'^'.repeat(carets)}`);
    }
  }
  return out.join('\n');
}
