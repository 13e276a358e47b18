import {
  type AppModel,
  type Loc,
  type MapValue,
  type ScalarValue,
  type SeqValue,
  type UnknownValue,
  type Value,
  isInside,
  joinPath,
} from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { SourceTexts } from './locate.js';
import { parseVariables, type AltNode, type VarNode } from './syntax.js';

export interface VariableOptions {
  /** Absolute project root: no file outside it is read. */
  root: string;
  /** Directory of serverless.yml: `${file(...)}` paths start here. */
  serviceDir: string;
  readFile(absPath: string): string | undefined;
  stage?: string;
  region?: string;
  env: Record<string, string | undefined>;
  options?: Record<string, string>;
}

/** Sources whose values exist only in the deployment account: known to be unknowable offline. */
const DEPLOY_TIME_SOURCES = new Set([
  'ssm', 'cf', 's3', 'secretsmanager', 'terraform', 'vault', 'output', 'doppler', 'stackOutput', 'kms',
]);

const CODE_EXTENSIONS = /\.(?:js|cjs|mjs|ts|cts|mts)$/i;

type Res =
  | { kind: 'ok'; value: Value }
  | { kind: 'missing'; what: string }
  | { kind: 'cycle'; what: string };

/** Variables resolved one inside the other beyond this are unresolved (the stack must never run out). */
const MAX_REFERENCE_DEPTH = 100;
/** The resolved configuration nests no deeper than a parsed file may (see MAX_NESTING_DEPTH in @lambda-lint/source). */
const MAX_RESOLVED_NESTING = 200;

const CYCLE = Symbol('cycle');
type Shallow = Value | typeof CYCLE;

const REASON_RANK: Record<UnknownValue['reason'], number> = { 'deploy-time': 0, code: 1, unresolved: 2 };

/**
 * Resolves Serverless Framework variables offline into a new Value tree.
 *
 * Resolution is lazy by path, as the framework does it: `${self:custom.a}` resolves only the
 * nodes on the way to `custom.a`, so a file included with `${file(...)}` may refer back into
 * the configuration that includes it. A string that is exactly one variable takes the type of
 * the value (a map, a number); a string with embedded variables stays a string. Values keep
 * the positions of their text; a value produced by a variable is located at the variable.
 */
export class VariableResolver {
  readonly texts = new SourceTexts();
  private readonly shallowMemo = new Map<Value, Value>();
  private readonly shallowStack = new Set<Value>();
  private readonly deepMemo = new Map<Value, Value>();
  private readonly deepStack = new Set<Value>();
  private readonly fileCache = new Map<string, { root: Value | undefined } | undefined>();
  private readonly reported = new Set<string>();
  /** Variables being resolved, one inside the other (a chain of references, nested variables, included files). */
  private depth = 0;
  private stageValue: string | undefined;
  private regionValue: string | undefined;
  private computing = new Set<'stage' | 'region'>();

  constructor(
    private readonly configRoot: Value,
    private readonly model: AppModel,
    private readonly opts: VariableOptions,
  ) {}

  /** The whole configuration with every variable resolved (or replaced by an unknown value). */
  resolveAll(): Value {
    return this.deep(this.configRoot);
  }

  /** `--stage`, else `provider.stage`, else `dev`: the stage `${sls:stage}` stands for. */
  stage(): string {
    if (this.opts.stage) return this.opts.stage;
    if (this.stageValue !== undefined) return this.stageValue;
    if (this.computing.has('stage')) return 'dev';
    this.computing.add('stage');
    try {
      const r = this.lookup(this.configRoot, ['provider', 'stage'], 'self:provider.stage');
      const v = r.kind === 'ok' && r.value.kind === 'scalar' && r.value.value !== null ? String(r.value.value) : 'dev';
      this.stageValue = v;
      return v;
    } finally {
      this.computing.delete('stage');
    }
  }

  region(): string {
    if (this.opts.region) return this.opts.region;
    if (this.regionValue !== undefined) return this.regionValue;
    if (this.computing.has('region')) return 'us-east-1';
    this.computing.add('region');
    try {
      const r = this.lookup(this.configRoot, ['provider', 'region'], 'self:provider.region');
      const v = r.kind === 'ok' && r.value.kind === 'scalar' && r.value.value !== null ? String(r.value.value) : 'us-east-1';
      this.regionValue = v;
      return v;
    } finally {
      this.computing.delete('region');
    }
  }

  // -------------------------------------------------------------------------------------------
  // Tree walking

  private deep(node: Value): Value {
    const memo = this.deepMemo.get(node);
    if (memo) return memo;
    const s = this.shallow(node);
    let result: Value;
    if (s !== CYCLE && (s.kind === 'map' || s.kind === 'seq') && this.deepStack.size >= MAX_RESOLVED_NESTING) {
      // Variables can nest values without end (`a: {x: ${self:custom.b}}`, `b: {x: ...}`): the walk must stop.
      this.reportNode(node, `nests values more than ${MAX_RESOLVED_NESTING} levels deep once variables are resolved`);
      result = unknown('unresolved', textOfScalar(node), node.loc);
    } else if (s === CYCLE) {
      // Only reachable from inside a resolution; the cycle was reported there.
      result = unknown('unresolved', textOfScalar(node), node.loc);
    } else if (s !== node && (s.kind === 'map' || s.kind === 'seq')) {
      if (this.deepStack.has(s)) {
        this.reportNode(node, 'refers to a value that contains this variable (a cycle)');
        result = unknown('unresolved', textOfScalar(node), node.loc);
      } else {
        result = { ...this.deep(s), loc: node.loc };
      }
    } else if (s.kind === 'map') {
      this.deepStack.add(s);
      try {
        const out: MapValue = { kind: 'map', entries: s.entries.map((e) => ({ ...e, value: this.deep(e.value) })), loc: s.loc };
        if (s.open) out.open = true;
        result = out;
      } finally {
        this.deepStack.delete(s);
      }
    } else if (s.kind === 'seq') {
      this.deepStack.add(s);
      try {
        const out: SeqValue = { kind: 'seq', items: s.items.map((item) => this.deep(item)), loc: s.loc };
        result = out;
      } finally {
        this.deepStack.delete(s);
      }
    } else {
      result = s;
    }
    this.deepMemo.set(node, result);
    return result;
  }

  /** Resolves the variables of one string scalar; other nodes are returned as they are. */
  private shallow(node: Value): Shallow {
    if (node.kind !== 'scalar' || typeof node.value !== 'string' || !node.value.includes('${')) return node;
    const memo = this.shallowMemo.get(node);
    if (memo) return memo;
    if (this.shallowStack.has(node)) return CYCLE;
    this.shallowStack.add(node);
    let result: Value;
    try {
      result = this.resolveString(node as ScalarValue & { value: string });
    } finally {
      this.shallowStack.delete(node);
    }
    this.shallowMemo.set(node, result);
    return result;
  }

  private resolveString(node: ScalarValue & { value: string }): Value {
    const parsed = parseVariables(node.value);
    if (parsed.errors.length > 0) {
      for (const e of parsed.errors) this.report(this.texts.subLoc(node, e.start, e.end), `Invalid variable syntax in "${node.value}": ${e.message}`);
      return unknown('unresolved', node.value, node.loc);
    }
    const vars = parsed.pieces.filter((p) => p.kind === 'var');
    if (vars.length === 0) return node;
    const only = parsed.pieces.length === 1 ? parsed.pieces[0] : undefined;
    if (only?.kind === 'var') {
      const v = this.resolveVarReporting(only.node, node);
      if (v.kind === 'map' || v.kind === 'seq') return v;
      return { ...v, loc: node.loc };
    }
    let text = '';
    let worst: UnknownValue['reason'] | undefined;
    for (const piece of parsed.pieces) {
      if (piece.kind === 'text') {
        text += piece.text;
        continue;
      }
      const v = this.resolveVarReporting(piece.node, node);
      if (v.kind === 'scalar') text += v.value === null ? '' : String(v.value);
      else if (v.kind === 'unknown') {
        text += v.text;
        worst = worse(worst, v.reason);
      } else {
        this.report(
          this.texts.subLoc(node, piece.node.start, piece.node.end),
          `Variable ${piece.node.text} resolves to a ${v.kind === 'map' ? 'map' : 'list'}, which cannot be embedded in the string "${node.value}"; its value is treated as unknown.`,
        );
        text += piece.node.text;
        worst = 'unresolved';
      }
    }
    if (worst) return unknown(worst, text, node.loc);
    return { kind: 'scalar', value: text, loc: node.loc };
  }

  // -------------------------------------------------------------------------------------------
  // Variables

  /** Resolves a variable; when nothing provides a value, reports it and returns an unknown. */
  private resolveVarReporting(v: VarNode, host: ScalarValue & { value: string }): Value {
    const r = this.resolveVar(v, host);
    if (r.kind === 'ok') return r.value;
    const at = this.texts.subLoc(host, v.start, v.end);
    if (r.kind === 'cycle') {
      this.report(at, `Variable ${v.text} cannot be resolved: the value of ${r.what} depends on this variable (a cycle of references); its value is treated as unknown.`);
    } else {
      this.report(at, `Variable ${v.text} cannot be resolved offline: ${r.what}; its value is treated as unknown.`);
    }
    return unknown('unresolved', v.text, host.loc);
  }

  private resolveVar(v: VarNode, host: ScalarValue & { value: string }): Res {
    // Resolution recurses per reference: a chain this long is generated or hostile, never a configuration.
    if (this.depth >= MAX_REFERENCE_DEPTH) return { kind: 'missing', what: `it starts a chain of more than ${MAX_REFERENCE_DEPTH} variables referring to each other` };
    this.depth++;
    try {
      return this.resolveAlternatives(v, host);
    } finally {
      this.depth--;
    }
  }

  private resolveAlternatives(v: VarNode, host: ScalarValue & { value: string }): Res {
    const missing: string[] = [];
    for (let i = 0; i < v.alternatives.length; i++) {
      const r = this.resolveAlt(v.alternatives[i]!, v, host, i === v.alternatives.length - 1);
      if (r.kind === 'cycle') return r;
      if (r.kind === 'ok' && !isNull(r.value)) return r;
      missing.push(r.kind === 'missing' ? r.what : 'null value');
    }
    return { kind: 'missing', what: missing.join(', and ') };
  }

  private resolveAlt(alt: AltNode, v: VarNode, host: ScalarValue & { value: string }, isLast: boolean): Res {
    if (alt.quoted !== undefined) return ok(scalarAt(alt.quoted, host.loc));
    const meaningful = alt.segments.filter((s) => s.kind === 'var' || s.text.trim() !== '');
    if (meaningful.length === 1 && meaningful[0]!.kind === 'var') return this.resolveVar(meaningful[0]!.node, host);
    // Nested variables inside the source's address or parameters are resolved first.
    let text = '';
    let worst: UnknownValue['reason'] | undefined;
    for (const seg of alt.segments) {
      if (seg.kind === 'text') {
        text += seg.text;
        continue;
      }
      const inner = this.resolveVarReporting(seg.node, host);
      if (inner.kind === 'scalar') text += inner.value === null ? '' : String(inner.value);
      else if (inner.kind === 'unknown') worst = worse(worst, inner.reason);
      else {
        this.report(this.texts.subLoc(host, seg.node.start, seg.node.end), `Variable ${seg.node.text} resolves to a map or list, which cannot be part of the variable ${v.text}.`);
        worst = 'unresolved';
      }
    }
    if (worst) return ok(unknown(worst, v.text, host.loc));
    const t = text.trim();
    if (/^-?\d+(?:\.\d+)?$/.test(t)) return ok(scalarAt(Number(t), host.loc));
    if (t === 'true' || t === 'false') return ok(scalarAt(t === 'true', host.loc));
    if (t === 'null') return { kind: 'missing', what: 'null fallback' };
    const m = /^([A-Za-z][A-Za-z0-9]*)(?:\.([A-Za-z0-9-]+))?(?:\(([^)]*)\))?(?::([\s\S]*))?$/.exec(t);
    if (!m || (m[3] === undefined && m[4] === undefined)) return ok(scalarAt(t, host.loc));
    return this.resolveSource(m[1]!, m[3], (m[4] ?? '').trim(), t, v, host, isLast);
  }

  private resolveSource(
    type: string,
    params: string | undefined,
    address: string,
    text: string,
    v: VarNode,
    host: ScalarValue & { value: string },
    isLast: boolean,
  ): Res {
    const loc = host.loc;
    switch (type) {
      case 'self': {
        const path = splitPath(address);
        const r = this.lookup(this.configRoot, path, text);
        if (r.kind === 'missing' && path.length === 2 && path[0] === 'provider') {
          // The framework fills these defaults in before resolving.
          if (path[1] === 'stage') return ok(scalarAt(this.stage(), loc));
          if (path[1] === 'region') return ok(scalarAt(this.region(), loc));
        }
        return r;
      }
      case 'opt': {
        const value = this.opts.options?.[address] ?? (address === 'stage' ? this.opts.stage : address === 'region' ? this.opts.region : undefined);
        if (value !== undefined) return ok(scalarAt(value, loc));
        // Without --stage the deployment uses the configured stage; a fallback still wins.
        if (isLast && address === 'stage') return ok(scalarAt(this.stage(), loc));
        if (isLast && address === 'region') return ok(scalarAt(this.region(), loc));
        return { kind: 'missing', what: `option --${address} is not set` };
      }
      case 'env': {
        const value = this.opts.env[address];
        if (value !== undefined) return ok(scalarAt(value, loc));
        return { kind: 'missing', what: `environment variable ${address} is not set` };
      }
      case 'sls':
        if (address === 'stage') return ok(scalarAt(this.stage(), loc));
        if (address === 'instanceId') return ok(unknown('deploy-time', v.text, loc));
        return { kind: 'missing', what: `"${text}" is not a value of the sls source` };
      case 'aws':
        if (address === 'region') return ok(scalarAt(this.region(), loc));
        if (address === 'partition') return ok(scalarAt(partitionOf(this.region()), loc));
        return ok(unknown('deploy-time', v.text, loc));
      case 'file':
        return this.resolveFile(params ?? '', address, text, v, host);
      case 'param':
        return this.resolveParam(address, text, v, loc, isLast);
      case 'strToBool': {
        const p = (params ?? '').trim();
        if (p === 'true' || p === '1') return ok(scalarAt(true, loc));
        if (p === 'false' || p === '0') return ok(scalarAt(false, loc));
        return { kind: 'missing', what: `strToBool(${p}) is not "true" or "false"` };
      }
      default:
        if (DEPLOY_TIME_SOURCES.has(type)) return ok(unknown('deploy-time', v.text, loc));
        return { kind: 'missing', what: `"${type}" is not a variable source known offline (a plugin's source?)` };
    }
  }

  /** v4 `stages.<stage>.params` / `stages.default.params`, v3 `params.<stage>` / `params.default`, `--param`. */
  private resolveParam(name: string, text: string, v: VarNode, loc: Loc, isLast: boolean): Res {
    const cli = this.opts.options?.[`param:${name}`];
    if (cli !== undefined) return ok(scalarAt(cli, loc));
    const stage = this.stage();
    const paths = [
      ['stages', stage, 'params', name],
      ['stages', 'default', 'params', name],
      ['params', stage, name],
      ['params', 'default', name],
    ];
    for (const path of paths) {
      const r = this.lookup(this.configRoot, path, text);
      if (r.kind === 'cycle') return r;
      if (r.kind === 'ok' && !isNull(r.value)) return r;
    }
    // Parameters can also come from the Serverless Dashboard at deploy time.
    if (isLast) return ok(unknown('deploy-time', v.text, loc));
    return { kind: 'missing', what: `parameter ${name} is not set for stage ${stage}` };
  }

  private resolveFile(params: string, address: string, text: string, v: VarNode, host: ScalarValue & { value: string }): Res {
    const rel = params.trim().replace(/^(['"])(.*)\1$/, '$2');
    if (rel === '') return { kind: 'missing', what: 'file() names no file' };
    const abs = joinPath(this.opts.serviceDir, rel);
    if (!isInside(this.opts.root, abs)) {
      this.report(
        this.texts.subLoc(host, v.start, v.end),
        `Variable ${v.text} reads ${abs}, outside the project root ${this.opts.root}; the file was not read and its value is treated as unknown.`,
      );
      return ok(unknown('unresolved', v.text, host.loc));
    }
    if (CODE_EXTENSIONS.test(abs)) return ok(unknown('code', v.text, host.loc));
    const loaded = this.loadFile(abs);
    if (!loaded) return { kind: 'missing', what: `file ${rel} does not exist` };
    if (!loaded.root) return ok(unknown('unresolved', v.text, host.loc));
    return this.lookup(loaded.root, splitPath(address), text);
  }

  private loadFile(abs: string): { root: Value | undefined } | undefined {
    if (this.fileCache.has(abs)) return this.fileCache.get(abs);
    const text = this.opts.readFile(abs);
    let result: { root: Value | undefined } | undefined;
    if (text === undefined) {
      result = undefined;
    } else if (/\.(?:ya?ml|json)$/i.test(abs)) {
      const parsed = parseSource(abs, text, { format: /\.json$/i.test(abs) ? 'json' : 'yaml' });
      this.model.fileCount++;
      this.model.diagnostics.push(...parsed.diagnostics);
      this.texts.add(abs, parsed.text, parsed.lineStarts);
      result = { root: parsed.root };
    } else {
      // Any other file is read as text, as the framework does.
      this.model.fileCount++;
      const end = endOf(text);
      result = { root: { kind: 'scalar', value: text, loc: { file: abs, line: 1, column: 1, endLine: end.line, endColumn: end.column } } };
    }
    this.fileCache.set(abs, result);
    return result;
  }

  /**
   * Walks `path` from `start`, resolving variables met on the way. Maps are not resolved as a
   * whole, so that a value may refer to a sibling. The result may still contain variables below it.
   */
  private lookup(start: Value, path: readonly string[], what: string): Res {
    let cur = this.shallow(start);
    if (cur === CYCLE) return { kind: 'cycle', what };
    for (const seg of path) {
      if (cur.kind === 'unknown') return ok(cur);
      let next: Value | undefined;
      if (cur.kind === 'map') {
        next = cur.entries.find((e) => e.key === seg)?.value;
      } else if (cur.kind === 'seq' && /^\d+$/.test(seg)) {
        next = cur.items[Number(seg)];
      }
      if (next === undefined) return { kind: 'missing', what: `${what} does not exist` };
      cur = this.shallow(next);
      if (cur === CYCLE) return { kind: 'cycle', what };
    }
    if (isNull(cur)) return { kind: 'missing', what: `${what} is null` };
    return ok(cur);
  }

  // -------------------------------------------------------------------------------------------
  // Diagnostics

  private reportNode(node: Value, what: string): void {
    if (node.kind !== 'scalar' || typeof node.value !== 'string') {
      this.report(node.loc, `Value ${what}; it is treated as unknown.`);
      return;
    }
    const parsed = parseVariables(node.value);
    const first = parsed.pieces.find((p) => p.kind === 'var');
    const host = node as ScalarValue & { value: string };
    const at = first?.kind === 'var' ? this.texts.subLoc(host, first.node.start, first.node.end) : node.loc;
    const text = first?.kind === 'var' ? first.node.text : node.value;
    this.report(at, `Variable ${text} cannot be resolved: it ${what}; its value is treated as unknown.`);
  }

  private report(loc: Loc, message: string): void {
    const key = `${loc.file}:${loc.line}:${loc.column}:${loc.endLine}:${loc.endColumn}:${message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.model.diagnostics.push({ ruleId: 'unresolved-variable', message, loc });
  }
}

function ok(value: Value): Res {
  return { kind: 'ok', value };
}

function isNull(v: Value): boolean {
  return v.kind === 'scalar' && v.value === null;
}

function unknown(reason: UnknownValue['reason'], text: string, loc: Loc): UnknownValue {
  return { kind: 'unknown', reason, text, loc };
}

function scalarAt(value: string | number | boolean, loc: Loc): ScalarValue {
  return { kind: 'scalar', value, loc };
}

function worse(a: UnknownValue['reason'] | undefined, b: UnknownValue['reason']): UnknownValue['reason'] {
  if (a === undefined) return b;
  return REASON_RANK[b] > REASON_RANK[a] ? b : a;
}

function textOfScalar(node: Value): string {
  return node.kind === 'scalar' ? String(node.value) : node.kind === 'unknown' ? node.text : '';
}

function splitPath(address: string): string[] {
  const a = address.trim();
  return a === '' ? [] : a.split('.');
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function endOf(text: string): { line: number; column: number } {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1]!.length + 1 };
}

export { isInside, joinPath };
