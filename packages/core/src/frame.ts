import type { Loc } from './loc.js';

/** C0 and C1 control characters other than tab and newline, and DEL: one replacement character each. */
export const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** Text safe to print on a terminal: each control character replaced by U+FFFD. */
export function printable(text: string): string {
  return text.replace(CONTROL, '\uFFFD');
}

/** Widest source line printed: a minified bundle's line can be megabytes long. */
const MAX_LINE_WIDTH = 160;
/** Source shown left of the range's start when a long line is cut. */
const LEFT_CONTEXT = 40;
/** A range over more lines shows its first two and its last, with the lines between elided. */
const MAX_RANGE_LINES = 5;

/** The lines of the last text framed: a file's findings are framed one after another. */
let lastText: string | undefined;
let lastLines: string[] = [];

function linesOf(text: string): string[] {
  if (text !== lastText) {
    lastText = text;
    lastLines = text.split(/\r\n|\r|\n/);
  }
  return lastLines;
}

/**
 * A few lines of source around `loc` with carets under the range, as linters print them. A long
 * range shows its first two lines and its last; a long line shows the part around the range, cut
 * with `…`.
 */
export function codeFrame(text: string, at: Loc, context = 1): string {
  const lines = linesOf(text);
  // A range whose end is the start of a line (a YAML block's value ends at the next key) ends with the line before.
  const loc = at.endLine > at.line && at.endColumn <= 1 ? { ...at, endLine: at.endLine - 1, endColumn: (lines[at.endLine - 2] ?? '').length + 1 } : at;
  const first = Math.max(1, loc.line - context);
  const last = Math.min(lines.length, loc.endLine + context);
  const width = String(last).length;
  const elided = loc.endLine - loc.line + 1 > MAX_RANGE_LINES ? { from: loc.line + 2, to: loc.endLine - 1 } : undefined;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    if (elided && n === elided.from) {
      out.push(`  ${' '.repeat(width)} | … ${elided.to - elided.from + 1} more lines`);
      n = elided.to;
      continue;
    }
    const inRange = n >= loc.line && n <= loc.endLine;
    // Control characters (a binary file's escape sequences, NUL bytes) must not reach a terminal.
    const full = (lines[n - 1] ?? '').replace(/\t/g, ' ').replace(CONTROL, '\uFFFD');
    // A range's later lines are marked from their first character, not under the indentation.
    const start = inRange && n === loc.line ? loc.column : full.length - full.trimStart().length + 1;
    const end = inRange && n === loc.endLine ? loc.endColumn : full.length + 1;
    const shown = windowOf(full, start);
    out.push(`${inRange ? '>' : ' '} ${String(n).padStart(width)} | ${shown.text}`.trimEnd());
    if (inRange) {
      // Carets in the shown text's columns, kept inside it.
      const from = Math.max(1, start - shown.offset);
      const to = Math.min(shown.text.length + 1, end - shown.offset);
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(from - 1)}${'^'.repeat(Math.max(1, to - from))}`);
    }
  }
  return out.join('\n');
}

/** The part of a line shown, from a little before `column`, and how many columns it moved left (`…` takes one). */
function windowOf(line: string, column: number): { text: string; offset: number } {
  if (line.length <= MAX_LINE_WIDTH) return { text: line, offset: 0 };
  const from = Math.max(0, column - 1 - LEFT_CONTEXT);
  if (from === 0) return { text: `${line.slice(0, MAX_LINE_WIDTH - 1)}…`, offset: 0 };
  // The end of the line fits after one `…`: show the whole end.
  if (line.length - from <= MAX_LINE_WIDTH - 1) {
    const tailFrom = line.length - (MAX_LINE_WIDTH - 1);
    return { text: `…${line.slice(tailFrom)}`, offset: tailFrom - 1 };
  }
  return { text: `…${line.slice(from, from + MAX_LINE_WIDTH - 2)}…`, offset: from - 1 };
}
