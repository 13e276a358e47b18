import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import {
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

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`;
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
  try {
    doc = parseDocument(text, {
      schema: options.format === 'json' ? 'json' : 'core',
      prettyErrors: false,
      uniqueKeys: true,
      merge: options.format === 'yaml',
      strict: true,
    });
  } catch (e) {
    return fail(`Cannot parse ${options.format.toUpperCase()}: ${(e as Error).message}`, 0, 0);
  }
  const error = doc.errors[0];
  if (error) {
    const [start, rawEnd] = error.pos;
    const end = error.code === 'DUPLICATE_KEY' ? keyEnd(text, start, rawEnd) : rawEnd;
    const what = error.code === 'DUPLICATE_KEY' ? 'duplicate key' : options.format.toUpperCase();
    return fail(`Invalid ${what}: ${firstLine(error.message)}`, start, end);
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
    const at = /at position (\d+)/.exec(message);
    const offset = at ? Number(at[1]) : text.length;
    return { message: message.replace(/ in JSON at position \d+.*$/, '').replace(/^Unexpected end of JSON input$/, 'unexpected end of input'), offset };
  }
}

/** The end of the mapping key that starts at `start` (YAML reports only its first character). */
function keyEnd(text: string, start: number, fallback: number): number {
  const m = /^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:\n]*?)(?=\s*:)/.exec(text.slice(start));
  return m && m[0].length > 0 ? start + m[0].length : fallback;
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
  /** Alias targets: `Alias.resolve()` searches the whole document, once per alias node is enough. */
  private readonly targets = new Map<YamlNode, YamlNode | undefined>();
  /** The range of the outermost alias being expanded: where an alias bomb is reported. */
  private outermostAlias: [number, number] | undefined;

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
    let target = this.targets.get(node);
    if (target === undefined && !this.targets.has(node)) {
      target = node.resolve(this.doc);
      this.targets.set(node, target);
    }
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
    if (isSeq(node)) {
      return { kind: 'seq', items: node.items.map((item) => this.convert(item as YamlNode, viaAlias)), loc };
    }
    if (isMap(node)) {
      const entries: MapEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as YamlNode | null;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          // `<<: *defaults` merge key: the merged entries come first and explicit keys override them.
          this.mergeInto(entries, pair.value as YamlNode | null, viaAlias);
          continue;
        }
        const keyText = isScalar(keyNode) ? String(keyNode.value) : undefined;
        const [ks, ke] = keyNode ? this.rangeOf(keyNode) : [start, start];
        if (keyText === undefined) throw new ParseFailure('Mapping keys must be plain values, not collections.', ks, ke);
        const keyLoc = this.loc(ks, ke);
        const value: Value = pair.value
          ? this.convert(pair.value as YamlNode, viaAlias)
          : { kind: 'scalar', value: null, loc: { ...keyLoc, column: keyLoc.endColumn, line: keyLoc.endLine } };
        const existing = entries.findIndex((e) => e.key === keyText);
        if (existing >= 0) entries.splice(existing, 1);
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
