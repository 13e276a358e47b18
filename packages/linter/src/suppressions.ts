/**
 * Finds the inline suppressions of a run: `#` comments in YAML files, `//` and `/* *\/` comments
 * in handler code, and `Metadata.lambda-lint.ignore` entries of CloudFormation resources (SAM,
 * CDK output and serverless.yml `resources` included). What a directive means is decided in core.
 */
import {
  isMap,
  isSeq,
  entry,
  lineStartsOf,
  positionAt,
  suppressionFromComment,
  type AppModel,
  type HandlerBinding,
  type Loc,
  type Suppression,
  type Value,
} from '@lambda-lint/core';
import { HandlerCode } from '@lambda-lint/handler';
import type { ParsedSource } from '@lambda-lint/source';

/** In every directive: `lambda-lint-disable...`, `lambda-lint-enable`, `eslint-disable... lambda-lint/<id>`. */
const MARKER = 'lambda-lint';

/** Suppressions from every source of the run, each comment and metadata entry once. */
export function collectSuppressions(
  model: AppModel,
  yamlSources: readonly ParsedSource[],
  handlers: readonly HandlerBinding[],
  eslintDirectives = false,
  /** Those of code the worker threads of a split run read. */
  fromWorkers: readonly Suppression[] = [],
  /** Only the code file with this path (absolute, with `/`) is read for comments: a run that wants only its findings. */
  onlyCodeFile?: string,
): Suppression[] {
  const out: Suppression[] = [];
  for (const source of yamlSources) out.push(...yamlSuppressions(source));
  out.push(...codeSuppressions(handlers, onlyCodeFile).filter((s) => eslintDirectives || s.origin !== 'eslint'));
  out.push(...fromWorkers);
  out.push(...metadataSuppressions(model));
  const seen = new Set<string>();
  return out.filter((s) => {
    const key = `${s.loc.file}\0${s.loc.line}:${s.loc.column}:${s.loc.endLine}:${s.loc.endColumn}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * YAML comments. The parsed tree tells where every key and scalar is; a `#` that starts a comment
 * (at a line start or after whitespace) and lies outside all of them is a comment, whatever quoted
 * or block scalars contain.
 */
export function yamlSuppressions(source: ParsedSource): Suppression[] {
  const { text, lineStarts, file } = source;
  if (!source.root || !text.includes(MARKER)) return [];
  const spans = textSpans(source.root, lineStarts);
  const lastLine = lineStarts.length;
  const out: Suppression[] = [];
  for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
    let hash = at - 1;
    while (hash >= 0 && (text[hash] === ' ' || text[hash] === '\t')) hash--;
    if (hash < 0 || text[hash] !== '#') continue;
    const before = text[hash - 1];
    if (hash > 0 && before !== ' ' && before !== '\t' && before !== '\n' && before !== '\r') continue;
    if (insideSpan(spans, hash)) continue;
    let end = text.indexOf('\n', hash);
    if (end < 0) end = text.length;
    const line = text.slice(hash, end).replace(/\s+$/, '');
    const start = positionAt(lineStarts, hash);
    const loc: Loc = { file, line: start.line, column: start.column, endLine: start.line, endColumn: start.column + line.length };
    const s = suppressionFromComment(line.slice(1), { line: start.line, column: start.column + 1 }, loc, lastLine);
    if (s) out.push(s);
  }
  return out;
}

/** Offsets [start, end) of every key and leaf value, sorted: leaves never overlap. */
function textSpans(root: Value, lineStarts: readonly number[]): [number, number][] {
  const spans: [number, number][] = [];
  const offset = (line: number, column: number) => (lineStarts[line - 1] ?? 0) + column - 1;
  const add = (l: Loc) => spans.push([offset(l.line, l.column), offset(l.endLine, l.endColumn)]);
  const walk = (v: Value) => {
    if (v.kind === 'map') {
      for (const e of v.entries) {
        add(e.keyLoc);
        walk(e.value);
      }
    } else if (v.kind === 'seq') v.items.forEach(walk);
    else add(v.loc);
  };
  walk(root);
  return spans.sort((a, b) => a[0] - b[0]);
}

function insideSpan(spans: readonly [number, number][], at: number): boolean {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [s, e] = spans[mid]!;
    if (at < s) hi = mid - 1;
    else if (at >= e) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * Comments in the handler modules and the local modules their code reaches. ts-morph says whether
 * a position is trivia (whitespace and comments between tokens) or inside a token such as a string;
 * trivia holds nothing but comments and whitespace, so its comments are easy to delimit.
 */
export function codeSuppressions(handlers: readonly HandlerBinding[], onlyFile?: string): Suppression[] {
  // The compiler's files: only those with a directive are wrapped (commentAround asks ts-morph).
  const files = new Map<string, { code: HandlerCode; file: HandlerCode['fileNodes'][number] }>();
  for (const h of handlers) {
    if (!(h.code instanceof HandlerCode)) continue;
    for (const file of h.code.fileNodes) {
      if (onlyFile === undefined || file.fileName.replace(/\\/g, '/') === onlyFile) files.set(file.fileName, { code: h.code, file });
    }
  }
  const out: Suppression[] = [];
  for (const [path, { code, file: compilerFile }] of files) {
    const text = compilerFile.text;
    if (!text.includes(MARKER)) continue;
    const sf = code.wrap<HandlerCode['sourceFile']>(compilerFile);
    const lineStarts = lineStartsOf(text);
    const file = path.replace(/\\/g, '/');
    let lastCommentEnd = -1;
    for (let at = text.indexOf(MARKER); at >= 0; at = text.indexOf(MARKER, at + MARKER.length)) {
      if (at < lastCommentEnd) continue;
      const comment = commentAround(sf, text, at);
      if (!comment) continue;
      lastCommentEnd = comment.end;
      const block = text.startsWith('/*', comment.start);
      const bodyEnd = block && text.endsWith('*/', comment.end) ? comment.end - 2 : comment.end;
      const body = text.slice(comment.start + 2, bodyEnd);
      // The directive must open the comment; `// see lambda-lint-disable` is prose.
      if (!/^[\s*]*(lambda-lint|eslint)-(disable|enable)/.test(body)) continue;
      const bodyStart = positionAt(lineStarts, comment.start + 2);
      const a = positionAt(lineStarts, comment.start);
      const b = positionAt(lineStarts, comment.end);
      const loc: Loc = { file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
      // Only the first line of a block comment can hold ids: they must not run into later lines.
      const firstLine = body.split(/\r?\n/)[0]!.replace(/^\s*\*?/, (m) => ' '.repeat(m.length));
      const s = suppressionFromComment(firstLine, bodyStart, loc, lineStarts.length);
      if (s) out.push(s);
    }
  }
  return out;
}

function commentAround(sf: HandlerCode['sourceFile'], text: string, at: number): { start: number; end: number } | undefined {
  const node = sf.getDescendantAtPos(at);
  if (!node) return undefined;
  // ts-morph represents comments that stand alone among statements as nodes of their own.
  if (node.getKindName().endsWith('CommentTrivia')) return { start: node.getPos(), end: node.getEnd() };
  const triviaStart = node.getPos();
  const tokenStart = node.getStart();
  if (at < triviaStart || at >= tokenStart) return undefined;
  let i = triviaStart;
  while (i < tokenStart) {
    if (text.startsWith('//', i)) {
      let end = text.indexOf('\n', i);
      if (end < 0 || end > tokenStart) end = tokenStart;
      if (text[end - 1] === '\r') end--;
      if (at >= i && at < end) return { start: i, end };
      i = end;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? tokenStart : close + 2;
      if (at >= i && at < end) return { start: i, end };
      i = end;
    } else i++;
  }
  return undefined;
}

/**
 * `Metadata: { lambda-lint: { ignore: [{ id, reason }] } }` on a resource: covers the findings
 * located in the resource's definition, from its logical id to its last line.
 */
export function metadataSuppressions(model: AppModel): Suppression[] {
  const out: Suppression[] = [];
  for (const r of model.resources) {
    const ignore = entry(entry(r.metadata, 'lambda-lint')?.value, 'ignore')?.value;
    if (!ignore) continue;
    const items = isSeq(ignore) ? ignore.items : [ignore];
    for (const item of items) {
      // `- memory-size` is shorthand for `- id: memory-size` (without a reason, which is then reported).
      const id = isMap(item) ? entry(item, 'id')?.value : item;
      const reason = isMap(item) ? entry(item, 'reason')?.value : undefined;
      const reasonText = reason?.kind === 'scalar' && reason.value !== null ? String(reason.value).trim() : '';
      out.push({
        kind: 'resource',
        loc: tightLoc(item),
        targets: id?.kind === 'scalar' && typeof id.value === 'string' && id.value !== '' ? [{ ruleId: id.value, loc: id.loc }] : [],
        ...(reasonText ? { reason: reasonText } : {}),
        fromLine: r.loc.line,
        toLine: Math.max(r.loc.endLine, r.node.loc.endLine),
        resource: r.logicalId,
      });
    }
  }
  return out;
}

/** A value's range ending at its last character: a block collection's own range runs to the next line. */
function tightLoc(v: Value): Loc {
  const last = v.kind === 'map' ? v.entries[v.entries.length - 1]?.value : v.kind === 'seq' ? v.items[v.items.length - 1] : undefined;
  if (!last) return v.loc;
  const end = tightLoc(last);
  return { ...v.loc, endLine: end.endLine, endColumn: end.endColumn };
}
