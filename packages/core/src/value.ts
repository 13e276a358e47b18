import type { Loc } from './loc.js';

/**
 * A position-preserving document tree shared by every input format. CloudFormation
 * intrinsic functions are kept in long form: a map with the single key `Ref` or `Fn::X`
 * (short-form YAML tags are converted by the source reader).
 */
export type Value = ScalarValue | MapValue | SeqValue | UnknownValue;

export interface ScalarValue {
  kind: 'scalar';
  value: string | number | boolean | null;
  loc: Loc;
}

export interface MapEntry {
  key: string;
  keyLoc: Loc;
  value: Value;
}

export interface MapValue {
  kind: 'map';
  entries: MapEntry[];
  loc: Loc;
  /**
   * Set when the map may hold more entries than listed: a `serverless.ts` object literal that spreads a
   * value that cannot be evaluated offline (`{ ...imported, timeout: 10 }`). A key it lacks is then
   * unknown, not absent.
   */
  open?: boolean;
}

export interface SeqValue {
  kind: 'seq';
  items: Value[];
  loc: Loc;
}

/**
 * A value that cannot be known offline: a deploy-time lookup (`${ssm:...}`), a variable
 * that does not resolve, code that would have to run. Rules stay silent on it.
 */
export interface UnknownValue {
  kind: 'unknown';
  reason: 'deploy-time' | 'unresolved' | 'code';
  /** The source text, e.g. `${ssm:/brand/db-password}`. */
  text: string;
  loc: Loc;
}

export function isMap(v: Value | undefined): v is MapValue {
  return v?.kind === 'map';
}

export function isSeq(v: Value | undefined): v is SeqValue {
  return v?.kind === 'seq';
}

export function entry(v: Value | undefined, key: string): MapEntry | undefined {
  if (v?.kind !== 'map') return undefined;
  for (const e of v.entries) if (e.key === key) return e;
  return undefined;
}

/** Case-insensitive key lookup, for formats whose keys users spell freely. */
export function entryCI(v: Value | undefined, key: string): MapEntry | undefined {
  if (v?.kind !== 'map') return undefined;
  const k = key.toLowerCase();
  for (const e of v.entries) if (e.key.toLowerCase() === k) return e;
  return undefined;
}

export function get(v: Value | undefined, ...path: (string | number)[]): Value | undefined {
  let cur = v;
  for (const p of path) {
    if (cur === undefined) return undefined;
    if (typeof p === 'number') cur = cur.kind === 'seq' ? cur.items[p] : undefined;
    else cur = entry(cur, p)?.value;
  }
  return cur;
}

export function scalar(v: Value | undefined): string | number | boolean | null | undefined {
  return v?.kind === 'scalar' ? v.value : undefined;
}

export function str(v: Value | undefined): string | undefined {
  if (v?.kind !== 'scalar' || v.value === null) return undefined;
  return typeof v.value === 'string' ? v.value : String(v.value);
}

export function num(v: Value | undefined): number | undefined {
  if (v?.kind !== 'scalar') return undefined;
  if (typeof v.value === 'number') return v.value;
  if (typeof v.value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v.value)) return Number(v.value);
  return undefined;
}

export function bool(v: Value | undefined): boolean | undefined {
  if (v?.kind !== 'scalar') return undefined;
  if (typeof v.value === 'boolean') return v.value;
  if (v.value === 'true' || v.value === 'True' || v.value === 'TRUE') return true;
  if (v.value === 'false' || v.value === 'False' || v.value === 'FALSE') return false;
  return undefined;
}

/** The items of a sequence, or the value itself as a one-item list (CloudFormation allows both). */
export function items(v: Value | undefined): Value[] {
  if (v === undefined) return [];
  if (v.kind === 'seq') return v.items;
  return [v];
}

export interface Intrinsic {
  fn: string;
  arg: Value;
  keyLoc: Loc;
}

/** `Ref`, `Condition` or `Fn::*` in long form, as every reader produces them. */
export function intrinsic(v: Value | undefined): Intrinsic | undefined {
  if (v?.kind !== 'map' || v.entries.length !== 1) return undefined;
  const e = v.entries[0]!;
  if (e.key === 'Ref' || e.key === 'Condition' || e.key.startsWith('Fn::')) return { fn: e.key, arg: e.value, keyLoc: e.keyLoc };
  return undefined;
}

/** The logical id a `Ref`, `Fn::GetAtt` or `Fn::Sub` of `${Id}`/`${Id.Attr}` points to. */
export function referencedLogicalId(v: Value | undefined): string | undefined {
  const fn = intrinsic(v);
  if (!fn) return undefined;
  if (fn.fn === 'Ref') return str(fn.arg);
  if (fn.fn === 'Fn::GetAtt') {
    if (fn.arg.kind === 'seq') return str(fn.arg.items[0]);
    const s = str(fn.arg);
    return s?.split('.')[0];
  }
  if (fn.fn === 'Fn::Sub') {
    const s = fn.arg.kind === 'seq' ? str(fn.arg.items[0]) : str(fn.arg);
    const m = s ? /^\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}$/.exec(s) : null;
    return m?.[1];
  }
  return undefined;
}

export function mapOf(entries: MapEntry[], loc: Loc): MapValue {
  return { kind: 'map', entries, loc };
}

/**
 * The text of a string value that is literal apart from references: a scalar as it is, an
 * `Fn::Sub` as its template (`arn:${AWS::Partition}:iam::aws:policy/X`), an `Fn::Join` of such
 * parts with `Ref`/`Fn::GetAtt` written as `${Name}`/`${Name.Attr}`. Placeholders stay as they
 * are: callers match around them, never guess their values. Undefined when any part is not text.
 */
export function templateText(v: Value | undefined): string | undefined {
  if (v?.kind === 'scalar') return str(v);
  const fn = intrinsic(v);
  if (!fn) return undefined;
  if (fn.fn === 'Fn::Sub') {
    if (fn.arg.kind !== 'seq') return str(fn.arg);
    const template = str(fn.arg.items[0]);
    const vars = fn.arg.items[1];
    if (template === undefined || vars?.kind !== 'map') return template;
    // `!Sub ['/aws/lambda/${Name}', { Name: !Ref Fn }]`: substitute each variable's own template text.
    return template.replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
      const bound = entry(vars, name);
      return bound ? (templateText(bound.value) ?? whole) : whole;
    });
  }
  if (fn.fn === 'Ref') {
    const name = str(fn.arg);
    return name === undefined ? undefined : `\${${name}}`;
  }
  if (fn.fn === 'Fn::GetAtt') {
    const parts = fn.arg.kind === 'seq' ? fn.arg.items.map(str) : [str(fn.arg)];
    return parts.every((p) => p !== undefined) ? `\${${parts.join('.')}}` : undefined;
  }
  if (fn.fn === 'Fn::Join' && fn.arg.kind === 'seq') {
    const delimiter = str(fn.arg.items[0]);
    const list = fn.arg.items[1];
    if (delimiter === undefined || list?.kind !== 'seq') return undefined;
    const parts = list.items.map(templateText);
    return parts.every((p) => p !== undefined) ? parts.join(delimiter) : undefined;
  }
  return undefined;
}
