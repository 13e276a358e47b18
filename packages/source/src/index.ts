import {
  Composer,
  CST,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  Lexer,
  Parser,
  visit,
  YAMLParseError,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import {
  formatBytes,
  lineStartsOf,
  locFromOffsets,
  positionAt,
  type InputDiagnostic,
  type Loc,
  type MapEntry,
  type Value,
} from '@lambda-lint/core';

/** CloudFormation short-form tags and the long-form key each one stands for. */
const CFN_TAGS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!GetAtt': 'Fn::GetAtt',
  '!Sub': 'Fn::Sub',
  '!Join': 'Fn::Join',
  '!If': 'Fn::If',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!FindInMap': 'Fn::FindInMap',
  '!ImportValue': 'Fn::ImportValue',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!GetAZs': 'Fn::GetAZs',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!Transform': 'Fn::Transform',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
  '!ForEach': 'Fn::ForEach',
};

export const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
/** More nodes than this reached through aliases is an alias bomb ("billion laughs"), not a template. */
const MAX_ALIAS_EXPANSION = 100_000;
/**
 * Collections nested deeper than this are refused before parsing: the YAML library and every
 * reader after it recurse per level, and running out of stack must never happen (near the stack
 * limit V8 can even abort the process). Real templates nest a few dozen levels at most.
 */
export const MAX_NESTING_DEPTH = 200;

export interface ParsedSource {
  file: string;
  text: string;
  /** Undefined when the file could not be read; then `diagnostics` says why. */
  root: Value | undefined;
  diagnostics: InputDiagnostic[];
  lineStarts: number[];
}

export interface ParseOptions {
  /** `json` parses with JSON scalars; `yaml` with the YAML 1.2 core schema and CloudFormation tags. */
  format: 'yaml' | 'json';
}

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Checks raw bytes before decoding: binary content and size limits are parse errors, not crashes. */
export function checkBytes(file: string, bytes: Uint8Array, maxBytes = DEFAULT_MAX_FILE_BYTES): InputDiagnostic | undefined {
  const at: Loc = { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  if (bytes.length > maxBytes) {
    return {
      ruleId: 'parse-error',
      message: `File is ${formatBytes(bytes.length)}, above the ${formatBytes(maxBytes)} limit for configuration and code files; it was not read (raise it with --max-file-size).`,
      loc: at,
    };
  }
  // The whole file, as the handler analysis does: YAML and JSON text never contains a NUL byte.
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const before = new TextDecoder().decode(bytes.subarray(0, nul));
    const where = positionAt(lineStartsOf(before), before.length);
    return {
      ruleId: 'parse-error',
      message: `File is binary (it contains NUL bytes, the first at ${where.line}:${where.column}), not text; it was not read.`,
      loc: at,
    };
  }
  return undefined;
}

/** Parses YAML or JSON text into the position-preserving {@link Value} tree. Never throws. */
export function parseSource(file: string, rawText: string, options: ParseOptions): ParsedSource {
  // A byte order mark is not content; editors do not count it as a column.
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = lineStartsOf(text);
  const result: ParsedSource = { file, text, root: undefined, diagnostics: [], lineStarts };
  const fail = (message: string, start: number, end: number): ParsedSource => {
    const s = notInsideCrlf(text, Math.min(start, text.length));
    const loc = locFromOffsets(file, lineStarts, s, Math.max(s, notInsideCrlf(text, Math.min(end, text.length))));
    result.diagnostics.push({ ruleId: 'parse-error', message, loc });
    return result;
  };
  if (text.trim() === '') return fail(`File is empty; expected ${options.format === 'json' ? 'a JSON object' : 'a YAML mapping'}.`, 0, 0);

  if (options.format === 'json') {
    // YAML accepts what JSON does not (trailing commas, comments): JSON.parse is the judge of syntax.
    const jsonError = strictJsonError(text);
    if (jsonError) return fail(`Invalid JSON: ${jsonError.message}`, jsonError.offset, jsonError.offset + 1);
  }
  let doc: Document.Parsed;
  let tokens: CST.Token[];
  try {
    const t = tokenize(text, MAX_NESTING_DEPTH);
    if (typeof t === 'number') {
      return fail(`${options.format.toUpperCase()} nested more than ${MAX_NESTING_DEPTH} levels deep; the file was not read.`, t, t + 1);
    }
    tokens = t;
    doc = compose(tokens, text, {
      schema: options.format === 'json' ? 'json' : 'core',
      // Duplicate keys are found while converting, in linear time (the library's check is quadratic per mapping).
      uniqueKeys: false,
      merge: options.format === 'yaml',
      strict: true,
    });
  } catch (e) {
    return fail(`Cannot parse ${options.format.toUpperCase()}: ${(e as Error).message}`, 0, 0);
  }
  const error = doc.errors[0];
  if (error) {
    let [start, end] = error.pos;
    // The library finds a missing closing quote at the end of the input: point at the opening one.
    const quote = error.code === 'MISSING_CHAR' && /quote/.test(error.message) ? unclosedQuote(tokens, start) : undefined;
    if (quote !== undefined) [start, end] = [quote, quote + 1];
    return fail(`Invalid ${options.format.toUpperCase()}: ${firstLine(error.message)}`, start, end);
  }
  try {
    const converter = new Converter(file, text, lineStarts, doc);
    result.root = doc.contents ? converter.convert(doc.contents as YamlNode) : undefined;
  } catch (e) {
    if (e instanceof ParseFailure) return fail(e.message, e.start, e.end);
    return fail(`Cannot read ${options.format.toUpperCase()}: ${(e as Error).message}`, 0, 0);
  }
  if (result.root === undefined) return fail('File has no content.', 0, 0);
  return result;
}

function strictJsonError(text: string): { message: string; offset: number } | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const message = (e as Error).message;
    // V8 names the position, except in messages that quote a short source whole.
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : jsonErrorOffset(text);
    const clean = message
      .replace(/ (?:in JSON )?at position \d+.*$/, '')
      .replace(/, (?:"|\.\.\.").*" is not valid JSON$/s, '')
      .replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    return { message: clean, offset };
  }
}

/**
 * The offset of the first character that makes `text` invalid JSON (its length when the input
 * ends too early), scanning as V8's parser does. Iterative: any nesting depth.
 */
export function jsonErrorOffset(text: string): number {
  const n = text.length;
  let i = 0;
  const stack: number[] = [];
  const isDigit = (c: number) => c >= 48 && c <= 57;
  const skipSpace = () => {
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
  };
  /** At a `"`: moves past the string; returns the offset of an error in it. */
  const string = (): number | undefined => {
    for (i++; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 32) return i;
      if (c === 92) {
        const e = text[++i];
        if (e === undefined) return n;
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) return Math.min(i + k, n);
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e)) return i;
      }
    }
    return n;
  };
  /** At a value's first character: moves past it; returns the offset of an error in it. */
  const scalar = (): number | undefined => {
    const c = text.charCodeAt(i);
    if (c === 34) return string();
    for (const word of ['true', 'false', 'null']) {
      if (text[i] !== word[0]) continue;
      for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return Math.min(i, n);
      return undefined;
    }
    if (c !== 45 && !isDigit(c)) return i;
    if (c === 45) i++;
    if (text.charCodeAt(i) === 48) i++;
    else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
    else return Math.min(i, n);
    if (text.charCodeAt(i) === 46) {
      if (!isDigit(text.charCodeAt(++i))) return Math.min(i, n);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text.charCodeAt(i))) return Math.min(i, n);
      while (isDigit(text.charCodeAt(i))) i++;
    }
    return undefined;
  };
  let expect: 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'next' = 'value';
  for (;;) {
    skipSpace();
    if (i >= n) return n;
    const c = text.charCodeAt(i);
    switch (expect) {
      case 'value':
      case 'value-or-close':
        if (c === 93 && expect === 'value-or-close') {
          stack.pop();
          i++;
          expect = 'next';
        } else if (c === 123 || c === 91) {
          stack.push(c);
          i++;
          expect = c === 123 ? 'key-or-close' : 'value-or-close';
        } else {
          const bad = scalar();
          if (bad !== undefined) return bad;
          expect = 'next';
        }
        break;
      case 'key':
      case 'key-or-close':
        if (c === 125 && expect === 'key-or-close') {
          stack.pop();
          i++;
          expect = 'next';
        } else if (c === 34) {
          const bad = string();
          if (bad !== undefined) return bad;
          expect = 'colon';
        } else return i;
        break;
      case 'colon':
        if (c !== 58) return i;
        i++;
        expect = 'value';
        break;
      case 'next': {
        const open = stack[stack.length - 1];
        if (open === undefined) return i;
        if (c === 44) {
          i++;
          expect = open === 123 ? 'key' : 'value';
        } else if ((open === 123 && c === 125) || (open === 91 && c === 93)) {
          stack.pop();
          i++;
        } else return i;
        break;
      }
    }
  }
}

/** The offset of the opening quote of the last quoted scalar before `before` that has no closing quote. */
function unclosedQuote(tokens: readonly CST.Token[], before: number): number | undefined {
  let found: number | undefined;
  const stack: (CST.Token | undefined)[] = [...tokens];
  while (stack.length > 0) {
    const t = stack.pop();
    if (!t) continue;
    if (t.type === 'single-quoted-scalar' || t.type === 'double-quoted-scalar') {
      const q = t.source[0];
      const closed = t.source.length > 1 && t.source.endsWith(q!) && !(q === '"' && /(?:^|[^\\])(?:\\\\)*\\"$/.test(t.source));
      if (!closed && t.offset <= before && (found === undefined || t.offset > found)) found = t.offset;
    } else if (t.type === 'document') {
      stack.push(t.value);
    } else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      for (const item of t.items) stack.push(item.key ?? undefined, item.value ?? undefined);
    }
  }
  return found;
}

/** `parseDocument()` of the library, from tokens: the first document, and an error for any other. */
function compose(tokens: readonly CST.Token[], text: string, options: ConstructorParameters<typeof Composer>[0]): Document.Parsed {
  const length = text.length;
  const composer = new Composer(options);
  let doc: Document.Parsed | undefined;
  // The library warns about every CloudFormation tag (it does not know them); a warning is an Error
  // object, and capturing thousands of stack traces is most of the time of a large template.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const d of composer.compose(tokens, true, length)) {
      if (!doc) doc = d;
      else {
        // At the `---` that starts the second document.
        const at = d.range[0];
        const marker = text.startsWith('---', at) ? 3 : 1;
        doc.errors.push(new YAMLParseError([at, at + marker], 'MULTIPLE_DOCS', 'The file holds more than one YAML document (a `---` separator); a configuration file has one.'));
        break;
      }
    }
  } finally {
    Error.stackTraceLimit = limit;
  }
  if (!doc) throw new Error('no YAML document');
  return doc;
}

/**
 * The YAML library's concrete syntax tree, built in one pass of its (iterative) lexer that also
 * measures how deep collections nest: the offset of the first collection nested deeper than
 * `max` levels is returned instead, before anything recursive runs on it. Flow collections (`[`,
 * `{`, all of JSON) count exactly; block collections count by the columns of their keys and `-` /
 * `?` indicators, which is what nests them.
 */
function tokenize(text: string, max: number): CST.Token[] | number {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  const deep = nestingBeyond(text, max, (lexeme) => {
    for (const t of parser.next(lexeme)) tokens.push(t);
  });
  if (deep !== undefined) return deep;
  for (const t of parser.end()) tokens.push(t);
  return tokens;
}

function nestingBeyond(text: string, max: number, onLexeme: (lexeme: string) => void): number | undefined {
  let offset = 0;
  let lineStart = 0;
  let flow = 0;
  let atScalar = false;
  /** Offset where the current scalar token starts. */
  let scalarAt = 0;
  /** Whether the next content token starts a block node (first on its line, or after `- ` / `? `). */
  let nodeStart = true;
  const columns: number[] = [];
  const blockNode = (at: number): boolean => {
    const column = at - lineStart;
    while (columns.length > 0 && columns[columns.length - 1]! >= column) columns.pop();
    columns.push(column);
    return columns.length + flow > max;
  };
  for (const source of new Lexer().lex(text)) {
    onLexeme(source);
    if (atScalar) {
      atScalar = false;
      offset += source.length;
      if (flow === 0 && nodeStart && blockNode(scalarAt)) return scalarAt;
      nodeStart = false;
      continue;
    }
    const type = CST.tokenType(source);
    switch (type) {
      case 'scalar':
        atScalar = true;
        scalarAt = offset;
        continue;
      case 'doc-mode':
      case 'flow-error-end':
        continue;
      case 'flow-seq-start':
      case 'flow-map-start':
        if (++flow + columns.length > max) return offset;
        nodeStart = false;
        break;
      case 'flow-seq-end':
      case 'flow-map-end':
        flow = Math.max(0, flow - 1);
        break;
      case 'seq-item-ind':
      case 'explicit-key-ind':
        if (flow === 0) {
          if (blockNode(offset)) return offset;
          nodeStart = true;
        }
        break;
      case 'newline':
        lineStart = offset + source.length;
        nodeStart = true;
        break;
      case 'doc-start':
        columns.length = 0;
        break;
      case 'space':
      case 'comment':
      case 'anchor':
      case 'tag':
      case 'byte-order-mark':
        break;
      default:
        if (type === 'alias' || type === 'single-quoted-scalar' || type === 'double-quoted-scalar' || type === 'block-scalar-header') {
          if (flow === 0 && nodeStart && blockNode(offset)) return offset;
        }
        nodeStart = false;
    }
    offset += source.length;
  }
  return undefined;
}

/** An offset between the `\r` and `\n` of a CRLF is the end of that line: the `\r`'s offset. */
function notInsideCrlf(text: string, offset: number): number {
  return offset > 0 && text.charCodeAt(offset) === 10 && text.charCodeAt(offset - 1) === 13 ? offset - 1 : offset;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

class Converter {
  private expanded = 0;
  private readonly aliasStack = new Set<YamlNode>();
  /** Alias -> anchored node, for every alias of the document; built on the first alias met. */
  private targets: Map<YamlNode, YamlNode | undefined> | undefined;
  /** The range of the outermost alias being expanded: where an alias bomb is reported. */
  private outermostAlias: [number, number] | undefined;
  /** Collections being converted, aliases expanded: aliases can nest deeper than the text does. */
  private depth = 0;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lineStarts: number[],
    private readonly doc: Document.Parsed,
  ) {}

  private loc(start: number, end: number): Loc {
    return locFromOffsets(this.file, this.lineStarts, notInsideCrlf(this.text, start), notInsideCrlf(this.text, end));
  }

  private rangeOf(node: YamlNode): [number, number] {
    const r = node.range ?? [0, 0, 0];
    return [r[0], r[1]];
  }

  convert(node: YamlNode, viaAlias = false): Value {
    if (viaAlias && ++this.expanded > MAX_ALIAS_EXPANSION) {
      const [s, e] = this.outermostAlias ?? this.rangeOf(node);
      throw new ParseFailure(`YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb); the file was not read.`, s, e);
    }
    if (isAlias(node)) return this.convertAlias(node);
    const [start, end] = this.rangeOf(node);
    const tag = node.tag;
    if (tag && tag.startsWith('!')) {
      const longForm = CFN_TAGS[tag];
      const tagStart = Math.max(0, this.text.lastIndexOf(tag, start));
      if (!longForm) throw new ParseFailure(`Unknown YAML tag ${tag}: not a CloudFormation intrinsic function.`, tagStart, tagStart + tag.length);
      const inner = this.convertUntagged(node, viaAlias, start, end);
      const entry: MapEntry = { key: longForm, keyLoc: this.loc(tagStart, tagStart + tag.length), value: inner };
      return { kind: 'map', entries: [entry], loc: this.loc(tagStart, end) };
    }
    return this.convertUntagged(node, viaAlias, start, end);
  }

  private convertAlias(node: YamlNode): Value {
    if (!isAlias(node)) throw new Error('not an alias');
    this.targets ??= this.resolveAliases();
    const target = this.targets.get(node);
    const [start, end] = this.rangeOf(node);
    if (!target) throw new ParseFailure(`YAML alias *${node.source} has no anchor.`, start, end);
    if (this.aliasStack.has(target)) throw new ParseFailure(`YAML alias *${node.source} refers to itself.`, start, end);
    const outermost = this.aliasStack.size === 0;
    if (outermost) this.outermostAlias = [start, end];
    this.aliasStack.add(target);
    try {
      // The expanded value keeps the anchor's positions: that is where its text is.
      return this.convert(target, true);
    } finally {
      this.aliasStack.delete(target);
      if (outermost) this.outermostAlias = undefined;
    }
  }

  /**
   * An alias refers to the last node before it with that anchor. One pass over the document
   * (`Alias.resolve()` walks the whole document for every alias: quadratic on alias-heavy files).
   */
  private resolveAliases(): Map<YamlNode, YamlNode | undefined> {
    const targets = new Map<YamlNode, YamlNode | undefined>();
    const anchors = new Map<string, YamlNode>();
    visit(this.doc, {
      Node: (_key, n) => {
        if (isAlias(n)) targets.set(n, anchors.get(n.source));
        else if (n.anchor) anchors.set(n.anchor, n);
      },
    });
    return targets;
  }

  private convertUntagged(node: YamlNode, viaAlias: boolean, start: number, end: number): Value {
    const loc = this.loc(start, end);
    if (isScalar(node)) {
      const v = node.value;
      const value =
        v === null || v === undefined
          ? null
          : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
            ? v
            : typeof v === 'bigint'
              ? Number(v)
              : String(v);
      return { kind: 'scalar', value, loc };
    }
    if ((isSeq(node) || isMap(node)) && this.depth >= MAX_NESTING_DEPTH) {
      const [s, e] = this.outermostAlias ?? [start, end];
      const how = this.outermostAlias ? 'expanding YAML aliases nests' : 'YAML nests';
      throw new ParseFailure(`${how} collections more than ${MAX_NESTING_DEPTH} levels deep; the file was not read.`, s, e);
    }
    this.depth++;
    try {
      return this.convertCollection(node, viaAlias, start, end, loc);
    } finally {
      this.depth--;
    }
  }

  private convertCollection(node: YamlNode, viaAlias: boolean, start: number, end: number, loc: Loc): Value {
    if (isSeq(node)) {
      return { kind: 'seq', items: node.items.map((item) => this.convert(item as YamlNode, viaAlias)), loc };
    }
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      const keys = new Set<string>();
      let merged = false;
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // `<<: *defaults` merge key: the merged entries come first and explicit keys override them.
          this.mergeInto(entries, pair.value as YamlNode | null, viaAlias);
          merged = true;
          continue;
        }
        const keyText = isScalar(keyNode) ? String(keyNode.value) : undefined;
        const [ks, ke] = keyNode ? this.rangeOf(keyNode) : [start, start];
        if (keyText === undefined) throw new ParseFailure('Mapping keys must be plain values, not collections.', ks, ke);
        if (keys.has(keyText)) throw new ParseFailure(`Invalid duplicate key: "${keyText}" is already a key of this mapping; keys must be unique.`, ks, ke);
        keys.add(keyText);
        const keyLoc = this.loc(ks, ke);
        const value: Value = pair.value
          ? this.convert(pair.value as YamlNode, viaAlias)
          : { kind: 'scalar', value: null, loc: { ...keyLoc, column: keyLoc.endColumn, line: keyLoc.endLine } };
        if (merged) {
          const existing = entries.findIndex((e) => e.key === keyText);
          if (existing >= 0) entries.splice(existing, 1);
        }
        entries.push({ key: keyText, keyLoc, value });
      }
      return { kind: 'map', entries, loc };
    }
    throw new ParseFailure('Unsupported YAML node.', start, end);
  }

  private mergeInto(entries: MapEntry[], source: YamlNode | null, viaAlias: boolean): void {
    if (!source) return;
    const value = this.convert(source, viaAlias);
    const maps = value.kind === 'seq' ? value.items : [value];
    for (const m of maps) {
      if (m.kind !== 'map') continue;
      for (const e of m.entries) if (!entries.some((x) => x.key === e.key)) entries.push(e);
    }
  }
}
