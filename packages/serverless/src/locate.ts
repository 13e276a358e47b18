import { locFromOffsets, type Loc, type ScalarValue } from '@lambda-lint/core';

/** The text of the files a Value tree came from, to turn offsets inside a scalar into columns. */
export class SourceTexts {
  private readonly texts = new Map<string, { text: string; lineStarts: readonly number[]; js: boolean }>();
  /** offsetMap() per scalar: a string with many variables asks for it once per variable (linear, not quadratic). */
  private readonly maps = new WeakMap<ScalarValue, number[] | null>();

  /** `js`: the file is JavaScript or TypeScript (`serverless.ts`), whose string literals escape with `\\`. */
  add(file: string, text: string, lineStarts: readonly number[], js = false): void {
    this.texts.set(file, { text, lineStarts, js });
  }

  /**
   * The range of `value.slice(start, end)` of a single-line scalar, quoted or plain.
   * In a multi-line (block, folded) scalar the text is searched for; the scalar's own range is
   * the fallback, also when the scalar's text in the file is not its value (a variable made it).
   */
  subLoc(scalar: ScalarValue, start: number, end: number): Loc {
    const loc = scalar.loc;
    if (typeof scalar.value !== 'string') return loc;
    const src = this.texts.get(loc.file);
    if (!src) return loc;
    const lineStart = src.lineStarts[loc.line - 1];
    const endLineStart = src.lineStarts[loc.endLine - 1];
    if (lineStart === undefined || endLineStart === undefined) return loc;
    const rawStart = lineStart + loc.column - 1;
    const raw = src.text.slice(rawStart, endLineStart + loc.endColumn - 1);
    let map = this.maps.get(scalar);
    if (map === undefined) {
      map = (loc.line === loc.endLine ? offsetMap(raw, scalar.value, src.js) : undefined) ?? null;
      this.maps.set(scalar, map);
    }
    if (!map) {
      if (loc.line === loc.endLine) return loc;
      // A block or folded scalar: the text is found verbatim when it occurs once.
      const needle = scalar.value.slice(start, end);
      const at = needle.length > 0 ? raw.indexOf(needle) : -1;
      if (at < 0 || raw.indexOf(needle, at + 1) >= 0 || needle.includes('\n')) return loc;
      return locFromOffsets(loc.file, src.lineStarts, rawStart + at, rawStart + at + needle.length);
    }
    const s = map[Math.max(0, Math.min(start, map.length - 1))]!;
    const e = map[Math.max(0, Math.min(end, map.length - 1))]!;
    return { file: loc.file, line: loc.line, column: loc.column + s, endLine: loc.line, endColumn: loc.column + e };
  }
}

/**
 * For each index of `value` (and one past its end), the index in `raw` where that character's
 * source starts. Undefined when `raw` is not a plain, single- or double-quoted spelling of `value`.
 */
export function offsetMap(raw: string, value: string, js = false): number[] | undefined {
  if (raw === value) return Array.from({ length: value.length + 1 }, (_, i) => i);
  const q = raw[0];
  // Single and double quotes as YAML spells them; a backtick as JavaScript does (serverless.ts / .js).
  if ((q !== "'" && q !== '"' && q !== '`') || raw.length < 2 || raw[raw.length - 1] !== q) return undefined;
  const map: number[] = [];
  let produced = 0;
  let i = 1;
  const last = raw.length - 1;
  while (i < last) {
    map.push(i);
    if (q === "'" && !js && raw[i] === "'" && raw[i + 1] === "'") {
      produced++;
      i += 2;
    } else if ((q === '"' || q === '`' || js) && raw[i] === '\\') {
      const n = raw[i + 1];
      const len = n === 'x' ? 4 : n === 'u' ? 6 : n === 'U' ? 10 : 2;
      if (n === 'U') {
        // An astral code point is two UTF-16 units in the value.
        map.push(i);
        produced += 2;
      } else produced++;
      i += len;
    } else {
      produced++;
      i++;
    }
  }
  map.push(i);
  if (produced !== value.length) return undefined;
  return map;
}
