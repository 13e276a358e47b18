import {
  intrinsic,
  locFromOffsets,
  str,
  templateText,
  type InputDiagnostic,
  type Loc,
  type MapEntry,
  type ScalarValue,
  type Value,
} from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';

/** The text of a parsed template, to map positions inside its string values. */
export interface SourceText {
  text: string;
  lineStarts: readonly number[];
}

/** A string value and, for each of its characters, where that character is written in the source. */
interface MappedText {
  text: string;
  /** Source offset where character i starts. */
  starts: number[];
  /** Source offset just after character i (an escape sequence spans several source characters). */
  ends: number[];
}

export interface EmbeddedJson {
  /** The parsed document with positions in the template; undefined when it is not valid JSON. */
  root: Value | undefined;
  diagnostics: InputDiagnostic[];
}

/**
 * Parses JSON held in a template string (`DefinitionString`): a plain string, an `Fn::Sub` template or an
 * `Fn::Join` of strings and references (CDK's form). Every node of the result is located in the template:
 * exactly for single-line, quoted (also JSON-escaped) and block-scalar strings, at the string's start where
 * the encoding is not understood. `${...}` placeholders stay in JSON strings as text; outside strings
 * (`"TimeoutSeconds": ${Timeout}`) they become unknown values. Undefined when the value is no such string.
 */
export function parseEmbeddedJson(v: Value | undefined, file: string, source: SourceText | undefined): EmbeddedJson | undefined {
  const mapped = mappedTextOf(v, source);
  if (!mapped) return undefined;
  const placeholders = new Map<number, string>();
  const virtual = protectPlaceholders(mapped.text, placeholders);
  const parsed = parseSource(file, virtual, { format: 'json' });
  const lineStarts = source?.lineStarts ?? [0];
  // Without the template's text, everything inside the string is located at the string itself.
  const map = (loc: Loc): Loc => {
    if (!source) return v!.loc;
    const vs = offsetIn(parsed.lineStarts, loc.line, loc.column);
    const ve = offsetIn(parsed.lineStarts, loc.endLine, loc.endColumn);
    const s = mapped.starts[Math.min(vs, mapped.starts.length - 1)] ?? 0;
    const e = ve > vs ? (mapped.ends[Math.min(ve - 1, mapped.ends.length - 1)] ?? s) : s;
    return locFromOffsets(file, lineStarts, s, Math.max(s, e));
  };
  const diagnostics = parsed.diagnostics.map((d) => ({ ...d, loc: map(d.loc) }));
  if (!parsed.root) return { root: undefined, diagnostics };
  const relocate = (node: Value): Value => {
    const loc = map(node.loc);
    if (node.kind === 'scalar') {
      const original = placeholders.get(offsetIn(parsed.lineStarts, node.loc.line, node.loc.column));
      if (original !== undefined) return { kind: 'unknown', reason: 'deploy-time', text: original, loc };
      return { ...node, loc };
    }
    if (node.kind === 'seq') return { kind: 'seq', items: node.items.map(relocate), loc };
    if (node.kind === 'map') {
      const entries: MapEntry[] = node.entries.map((e) => ({ key: e.key, keyLoc: map(e.keyLoc), value: relocate(e.value) }));
      return { kind: 'map', entries, loc };
    }
    return { ...node, loc };
  };
  return { root: relocate(parsed.root), diagnostics };
}

function offsetIn(lineStarts: readonly number[], line: number, column: number): number {
  return (lineStarts[line - 1] ?? 0) + column - 1;
}

/** Replaces `${...}` outside JSON strings by a same-length JSON string, remembering the original text by offset. */
function protectPlaceholders(text: string, out: Map<number, string>): string {
  let result = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      result += c;
      if (c === '\\') {
        result += text[i + 1] ?? '';
        i++;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      result += c;
      continue;
    }
    if (c === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i);
      if (close > i) {
        const original = text.slice(i, close + 1);
        out.set(i, original);
        result += '"' + 'x'.repeat(original.length - 2) + '"';
        i = close;
        continue;
      }
    }
    result += c;
  }
  return result;
}

/** The text of a string-valued expression with source positions per character. */
function mappedTextOf(v: Value | undefined, source: SourceText | undefined): MappedText | undefined {
  if (!v) return undefined;
  if (v.kind === 'scalar') return typeof v.value === 'string' ? scalarText(v, source) : undefined;
  const fn = intrinsic(v);
  if (!fn) return undefined;
  if (fn.fn === 'Fn::Sub') {
    const template = fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg;
    if (template?.kind !== 'scalar' || typeof template.value !== 'string') return undefined;
    return unescapeSub(scalarText(template, source));
  }
  if (fn.fn === 'Fn::Join' && fn.arg.kind === 'seq') {
    const delimiterNode = fn.arg.items[0];
    const list = fn.arg.items[1];
    if (delimiterNode?.kind !== 'scalar' || list?.kind !== 'seq') return undefined;
    const delimiter = str(delimiterNode) === '' ? undefined : scalarText(delimiterNode, source);
    const parts: MappedText[] = [];
    list.items.forEach((item, i) => {
      if (i > 0 && delimiter) parts.push(delimiter);
      parts.push(mappedTextOf(item, source) ?? placeholderText(item, source));
    });
    return concat(parts);
  }
  return undefined;
}

/** `${!Literal}` in `Fn::Sub` stands for the text `${Literal}`. */
function unescapeSub(m: MappedText): MappedText {
  const out: MappedText = { text: '', starts: [], ends: [] };
  for (let i = 0; i < m.text.length; i++) {
    if (m.text[i] === '!' && m.text[i - 1] === '{' && m.text[i - 2] === '$') continue;
    out.text += m.text[i];
    out.starts.push(m.starts[i]!);
    out.ends.push(m.ends[i]!);
  }
  return out;
}

function placeholderText(item: Value, source: SourceText | undefined): MappedText {
  const text = templateText(item) !== undefined && item.kind !== 'scalar' ? templateText(item)! : '${?}';
  const s = source ? offsetIn(source.lineStarts, item.loc.line, item.loc.column) : 0;
  const e = source ? offsetIn(source.lineStarts, item.loc.endLine, item.loc.endColumn) : 0;
  return { text, starts: Array.from(text, () => s), ends: Array.from(text, () => e) };
}

function concat(parts: MappedText[]): MappedText {
  return {
    text: parts.map((p) => p.text).join(''),
    starts: parts.flatMap((p) => p.starts),
    ends: parts.flatMap((p) => p.ends),
  };
}

/**
 * A scalar's value with the source offset of each character. Decodes the scalar's source text (plain,
 * single- or double-quoted with escapes and line folding, literal or folded block) and uses the result
 * only when it reproduces the parsed value; otherwise every character is placed at the scalar's start.
 */
function scalarText(node: ScalarValue, source: SourceText | undefined): MappedText {
  const value = typeof node.value === 'string' ? node.value : String(node.value);
  if (source) {
    const start = offsetIn(source.lineStarts, node.loc.line, node.loc.column);
    const end = offsetIn(source.lineStarts, node.loc.endLine, node.loc.endColumn);
    const decoded = decodeScalar(source.text, start, end);
    if (decoded && decoded.text === value) return decoded;
    const s = start;
    return { text: value, starts: Array.from(value, () => s), ends: Array.from(value, () => s) };
  }
  return { text: value, starts: Array.from(value, () => 0), ends: Array.from(value, () => 0) };
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function decodeScalar(text: string, start: number, end: number): MappedText | undefined {
  const first = text[start];
  if (first === '|' || first === '>') return decodeBlock(text, start, end);
  if (first === '"') return decodeFlow(text, start + 1, end - 1, 'double');
  if (first === "'") return decodeFlow(text, start + 1, end - 1, 'single');
  return decodeFlow(text, start, end, 'plain');
}

/** Quoted and plain scalars: escapes (double-quoted), `''` (single-quoted), and line folding. */
function decodeFlow(text: string, start: number, end: number, style: 'double' | 'single' | 'plain'): MappedText {
  const out: MappedText = { text: '', starts: [], ends: [] };
  // Literal whitespace may be trimmed before a line break; escaped whitespace may not.
  let trimmable = 0;
  const push = (c: string, s: number, e: number, literalSpace = false) => {
    out.text += c;
    out.starts.push(s);
    out.ends.push(e);
    trimmable = literalSpace ? trimmable + 1 : 0;
  };
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === '\n' || c === '\r') {
      // Line folding: trailing white space goes, one break is a space, n breaks are n-1 newlines.
      if (trimmable > 0) {
        out.text = out.text.slice(0, -trimmable);
        out.starts.length -= trimmable;
        out.ends.length -= trimmable;
      }
      trimmable = 0;
      let breaks = 0;
      let j = i;
      while (j < end) {
        if (text[j] === '\r' && text[j + 1] === '\n') j++;
        if (text[j] === '\n' || text[j] === '\r') {
          breaks++;
          j++;
          while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
        } else break;
      }
      if (breaks === 1) push(' ', i, i + 1);
      else for (let k = 1; k < breaks; k++) push('\n', i, i + 1);
      trimmable = 0;
      i = j;
      continue;
    }
    if (style === 'double' && c === '\\') {
      const n = text[i + 1] ?? '';
      if (n === '\n' || n === '\r') {
        // An escaped line break joins the lines without a space.
        let j = i + 1;
        if (text[j] === '\r' && text[j + 1] === '\n') j++;
        j++;
        while (j < end && (text[j] === ' ' || text[j] === '\t')) j++;
        i = j;
        trimmable = 0;
        continue;
      }
      const hex = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
      if (hex > 0) {
        const code = parseInt(text.slice(i + 2, i + 2 + hex), 16);
        const decoded = Number.isNaN(code) ? '' : String.fromCodePoint(code);
        for (const unit of decoded.split('')) push(unit, i, i + 2 + hex);
        i += 2 + hex;
        continue;
      }
      const simple = ESCAPES[n];
      push(simple ?? n, i, i + 2);
      i += 2;
      continue;
    }
    if (style === 'single' && c === "'" && text[i + 1] === "'") {
      push("'", i, i + 2);
      i += 2;
      continue;
    }
    push(c, i, i + 1, c === ' ' || c === '\t');
    i++;
  }
  return out;
}

/** Literal (`|`) and folded (`>`) block scalars with chomping indicators. */
function decodeBlock(text: string, start: number, end: number): MappedText | undefined {
  const style = text[start];
  const headerEnd = text.indexOf('\n', start);
  if (headerEnd < 0 || headerEnd >= end) return { text: '', starts: [], ends: [] };
  const header = text.slice(start + 1, headerEnd).replace(/\s+#.*$/, '').trim();
  const chomp = header.includes('-') ? 'strip' : header.includes('+') ? 'keep' : 'clip';
  // Content lines with their start offsets.
  const lines: { s: number; e: number }[] = [];
  let p = headerEnd + 1;
  while (p < end) {
    let q = text.indexOf('\n', p);
    if (q < 0 || q > end) q = end;
    const lineEnd = q > p && text[q - 1] === '\r' ? q - 1 : q;
    lines.push({ s: p, e: lineEnd });
    p = q + 1;
  }
  // The range may stop at the last content character or include the line break after it.
  let indent = -1;
  for (const l of lines) {
    const content = text.slice(l.s, l.e);
    if (content.trim() === '') continue;
    indent = content.length - content.trimStart().length;
    break;
  }
  if (indent < 0) return { text: '', starts: [], ends: [] };
  const body = lines.map((l) => {
    const raw = text.slice(l.s, l.e);
    if (raw.trim() === '' && raw.length <= indent) return { text: '', s: l.e };
    return { text: raw.slice(indent), s: l.s + indent };
  });
  // Trailing empty lines belong to chomping.
  let last = body.length - 1;
  while (last >= 0 && body[last]!.text === '') last--;
  const trailing = body.length - 1 - last;
  const out: MappedText = { text: '', starts: [], ends: [] };
  const push = (c: string, s: number) => {
    out.text += c;
    out.starts.push(s);
    out.ends.push(s + 1);
  };
  let pendingBreaks = 0;
  let prevMore = false;
  let first = true;
  let prevEnd = headerEnd;
  for (let k = 0; k <= last; k++) {
    const line = body[k]!;
    if (line.text === '') {
      pendingBreaks++;
      continue;
    }
    const more = line.text.startsWith(' ') || line.text.startsWith('\t');
    if (style === '|') {
      if (!first) push('\n', prevEnd);
      for (let b = 0; b < pendingBreaks; b++) push('\n', prevEnd);
    } else if (first) {
      for (let b = 0; b < pendingBreaks; b++) push('\n', prevEnd);
    } else if (pendingBreaks === 0) {
      push(more || prevMore ? '\n' : ' ', prevEnd);
    } else {
      const n = more || prevMore ? pendingBreaks + 1 : pendingBreaks;
      for (let b = 0; b < n; b++) push('\n', prevEnd);
    }
    for (let c = 0; c < line.text.length; c++) push(line.text[c]!, line.s + c);
    prevEnd = line.s + line.text.length;
    pendingBreaks = 0;
    prevMore = more;
    first = false;
  }
  if (chomp === 'clip' && !first) push('\n', prevEnd);
  if (chomp === 'keep' && !first) for (let b = 0; b <= trailing; b++) push('\n', prevEnd);
  return out;
}
