/** A source range. Lines and columns are 1-based; the end is exclusive (ESLint style). */
export interface Loc {
  /** Absolute path with `/` separators. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function compareLoc(a: Loc, b: Loc): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn
  );
}

/** Converts 0-based offsets of `text` into a Loc. `lineStarts` comes from {@link lineStartsOf}. */
export function locFromOffsets(file: string, lineStarts: readonly number[], start: number, end: number): Loc {
  const a = positionAt(lineStarts, start);
  const b = positionAt(lineStarts, Math.max(start, end));
  return { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

export function positionAt(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}
