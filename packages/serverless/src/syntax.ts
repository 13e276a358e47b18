/**
 * Syntax of Serverless Framework variables inside a string: `${source:address, fallback, ...}`,
 * with nesting (`${self:custom.${sls:stage}}`) and quoted literal fallbacks (`${opt:stage, 'dev'}`).
 *
 * Offsets are 0-based indexes into the scalar's string value (not the file), so that the
 * resolver can map them back to columns.
 *
 * A `${...}` whose first part is not a variable source (`${AWS::Region}`, `${Bucket.Arn}` in
 * `Fn::Sub`) is not a variable: it stays as text, as the framework leaves it.
 */

export interface VarNode {
  /** Offset of `$`. */
  start: number;
  /** Offset after the closing `}`. */
  end: number;
  /** The variable's source text, `${...}`. */
  text: string;
  /** The source and its fallbacks, in order. */
  alternatives: AltNode[];
}

export type Segment = { kind: 'text'; text: string } | { kind: 'var'; node: VarNode };

export interface AltNode {
  start: number;
  end: number;
  /** Set when the alternative is a quoted string literal (`'dev'`, `"dev"`). */
  quoted?: string;
  segments: Segment[];
}

export type Piece = { kind: 'text'; text: string; start: number } | { kind: 'var'; node: VarNode };

export interface SyntaxError {
  start: number;
  end: number;
  message: string;
}

export interface ParsedString {
  pieces: Piece[];
  errors: SyntaxError[];
}

/** `self:`, `opt:`, `file(`, `cf.us-east-1:`, `ssm(us-east-1):`; `${AWS::Region}` is not one (`::`). */
const SOURCE_START = /^\s*[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z0-9-]+)?(?:\(|:(?!:))/;

export function looksLikeSource(text: string): boolean {
  return SOURCE_START.test(text);
}

/** Variables nested deeper than this (`${a:${b:${c:...}}}`) are a syntax error: parsing and resolving recurse per level. */
export const MAX_VARIABLE_NESTING = 64;

/** Quick test before parsing. */
export function mayHaveVariables(s: string): boolean {
  return s.includes('${');
}

export function parseVariables(s: string): ParsedString {
  const pieces: Piece[] = [];
  const errors: SyntaxError[] = [];
  let textStart = 0;
  let i = 0;
  const flush = (to: number) => {
    if (to > textStart) pieces.push({ kind: 'text', text: s.slice(textStart, to), start: textStart });
  };
  while (i < s.length) {
    if (s[i] === '$' && s[i + 1] === '{') {
      const r = parseVar(s, i);
      if (r.kind === 'var') {
        flush(i);
        pieces.push({ kind: 'var', node: r.node });
        i = r.node.end;
        textStart = i;
        continue;
      }
      if (r.kind === 'error') {
        errors.push(r.error);
        break;
      }
      i += 2;
      continue;
    }
    i++;
  }
  if (errors.length === 0) flush(s.length);
  return { pieces, errors };
}

type VarResult = { kind: 'var'; node: VarNode } | { kind: 'not-var' } | { kind: 'error'; error: SyntaxError };

function parseVar(s: string, start: number, level = 1): VarResult {
  if (level > MAX_VARIABLE_NESTING) {
    return { kind: 'error', error: { start, end: start + 2, message: `variables nested more than ${MAX_VARIABLE_NESTING} levels deep` } };
  }
  const alternatives: AltNode[] = [];
  let j = start + 2;
  let altStart = j;
  let segments: Segment[] = [];
  let quoted: string | undefined;
  let textStart = j;
  let depth = 0;
  let closed = false;
  const flushText = (to: number) => {
    if (to > textStart) segments.push({ kind: 'text', text: s.slice(textStart, to) });
  };
  const atAltStart = () => segments.length === 0 && s.slice(textStart, j).trim() === '' && quoted === undefined;
  const finishAlt = (to: number) => {
    flushText(to);
    const alt: AltNode = { start: altStart, end: to, segments };
    if (quoted !== undefined) alt.quoted = quoted;
    alternatives.push(alt);
    segments = [];
    quoted = undefined;
  };
  while (j < s.length) {
    const c = s[j]!;
    if (c === '$' && s[j + 1] === '{') {
      const nested = parseVar(s, j, level + 1);
      if (nested.kind === 'error') return nested;
      if (nested.kind === 'var') {
        flushText(j);
        segments.push({ kind: 'var', node: nested.node });
        j = nested.node.end;
        textStart = j;
        continue;
      }
      j += 2;
      continue;
    }
    if ((c === "'" || c === '"') && atAltStart()) {
      const close = s.indexOf(c, j + 1);
      if (close < 0) {
        if (!looksLikeSource(firstText(alternatives, segments, s, textStart, j))) return { kind: 'not-var' };
        return { kind: 'error', error: { start, end: s.length, message: `unterminated quoted string in variable` } };
      }
      quoted = s.slice(j + 1, close);
      j = close + 1;
      textStart = j;
      // Only blanks may follow the closing quote before the next `,` or `}`.
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      finishAlt(j);
      j++;
      altStart = j;
      textStart = j;
      continue;
    } else if (c === '}' && depth === 0) {
      finishAlt(j);
      closed = true;
      j++;
      break;
    }
    j++;
  }
  const first = alternatives[0] ?? { start: altStart, end: j, segments };
  const firstIsVar = first.segments[0]?.kind === 'var' && first.quoted === undefined;
  const head = first.segments[0]?.kind === 'text' ? first.segments[0].text : '';
  const isVariable = first.quoted === undefined && (firstIsVar || looksLikeSource(head));
  if (!closed) {
    if (!isVariable && !looksLikeSource(s.slice(start + 2, start + 40))) return { kind: 'not-var' };
    return { kind: 'error', error: { start, end: s.length, message: 'variable is missing its closing "}"' } };
  }
  if (!isVariable) return { kind: 'not-var' };
  const node: VarNode = { start, end: j, text: s.slice(start, j), alternatives };
  for (const alt of alternatives) {
    if (alt.quoted === undefined && alt.segments.every((seg) => seg.kind === 'text' && seg.text.trim() === '')) {
      return { kind: 'error', error: { start, end: j, message: 'variable has an empty source or fallback' } };
    }
    if (alt.quoted !== undefined && alt.segments.some((seg) => seg.kind === 'var' || seg.text.trim() !== '')) {
      return { kind: 'error', error: { start, end: j, message: 'unexpected text after a quoted fallback' } };
    }
  }
  return { kind: 'var', node };
}

function firstText(alternatives: AltNode[], segments: Segment[], s: string, textStart: number, j: number): string {
  const first = alternatives[0]?.segments[0] ?? segments[0];
  if (first?.kind === 'text') return first.text;
  return s.slice(textStart, j);
}
