import { bool, get, intrinsic, isMap, num, str, templateText, type Prop, type Value } from '@lambda-lint/core';

/**
 * What the resolver needs from a template: parameter defaults and types, and `Mappings`.
 * `TemplateContext` (template.ts) is one.
 */
export interface ValueContext {
  /** Parameter defaults by name; `undefined` for a parameter without a default. */
  parameters: Map<string, Value | undefined>;
  /** Parameter `Type` by name (`Number`, `CommaDelimitedList`, `AWS::SSM::Parameter::Value<String>`...). */
  parameterTypes?: Map<string, string>;
  /** The template's `Mappings` section. */
  mappings?: Value | undefined;
}

/** One value an expression can take, and where that value is written. */
export interface Resolved {
  /** A concrete value (scalar, map or sequence), or `unknown` when it is only known at deploy time. */
  value: Value;
  /** The node to locate this outcome at: the expression itself, the `Fn::If` branch, the `Mappings` entry. */
  at: Value;
}

/** More combinations than this (nested `Fn::If`s) are not enumerated: the value is unknown. */
const MAX_ALTERNATIVES = 16;
const MAX_DEPTH = 32;

/**
 * Every value an expression can take offline. Literals are themselves; `Ref` to a parameter is its
 * default (a parameter without one, SSM parameter types, pseudo parameters and resource attributes are
 * deploy-time unknowns); `Fn::Sub`, `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` and
 * `Fn::Length` are computed from their known parts; `Fn::If` yields each branch (conditions are not
 * evaluated: a deploy can take either branch). Strings holding a dynamic reference (`{{resolve:...}}`)
 * are deploy-time unknowns whose text is the string. Never throws.
 */
export function resolveAll(v: Value, ctx: ValueContext, depth = 0): Resolved[] {
  if (depth > MAX_DEPTH) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  if (v.kind === 'scalar') {
    if (typeof v.value === 'string' && v.value.includes('{{resolve:')) {
      return [{ value: { kind: 'unknown', reason: 'deploy-time', text: v.value, loc: v.loc }, at: v }];
    }
    return [{ value: v, at: v }];
  }
  const fn = intrinsic(v);
  if (!fn) return [{ value: v, at: v }];
  const one = (value: Value): Resolved[] => [{ value, at: v }];
  switch (fn.fn) {
    case 'Ref':
      return one(resolveRef(v, str(fn.arg), ctx));
    case 'Fn::If': {
      if (fn.arg.kind !== 'seq' || fn.arg.items.length !== 3) return one(unknownOf(v, 'unresolved'));
      const out = [...resolveAll(fn.arg.items[1]!, ctx, depth + 1), ...resolveAll(fn.arg.items[2]!, ctx, depth + 1)];
      return out.length > MAX_ALTERNATIVES ? one(unknownOf(v, 'deploy-time')) : out;
    }
    case 'Fn::Sub':
      return resolveSub(v, fn.arg, ctx, depth);
    case 'Fn::Join':
      return resolveJoin(v, fn.arg, ctx, depth);
    case 'Fn::Select':
      return resolveSelect(v, fn.arg, ctx, depth);
    case 'Fn::Split':
      return resolveSplit(v, fn.arg, ctx, depth);
    case 'Fn::FindInMap':
      return resolveFindInMap(v, fn.arg, ctx, depth);
    case 'Fn::Length': {
      return combine([resolveList(fn.arg, ctx, depth)], v, ([list]) =>
        list!.kind === 'seq' ? scalarAt(list!.items.length, v) : unknownOf(v, 'deploy-time'),
      );
    }
    default:
      return one(unknownOf(v, 'deploy-time'));
  }
}

/** The single value of an expression, or an `unknown` when it has several (an `Fn::If`) or none offline. */
export function resolveOne(v: Value, ctx: ValueContext): Value {
  const all = resolveAll(v, ctx);
  if (all.length === 1) return all[0]!.value;
  return unknownOf(v, 'deploy-time');
}

/** A typed property from an expression: `value` when known, `alternatives` when it depends on a condition. */
export function propFrom<T>(v: Value, ctx: ValueContext, convert: (r: Value) => T | undefined): Prop<T> {
  const all = resolveAll(v, ctx);
  if (all.length === 1) return { value: convert(all[0]!.value), loc: v.loc, node: v };
  const alternatives: Prop<T>[] = all.map((r) => ({ value: convert(r.value), loc: r.at.loc, node: r.at }));
  const first = alternatives[0]?.value;
  const same = first !== undefined && alternatives.every((a) => a.value === first);
  return { value: same ? first : undefined, loc: v.loc, node: v, alternatives };
}

export const asNumber = (r: Value): number | undefined => num(r);
export const asString = (r: Value): string | undefined => (r.kind === 'scalar' ? str(r) : undefined);
export const asBoolean = (r: Value): boolean | undefined => bool(r);

// ---------------------------------------------------------------------------------------------

const PSEUDO = /^AWS::/;

function resolveRef(v: Value, name: string | undefined, ctx: ValueContext): Value {
  if (name === undefined) return unknownOf(v, 'unresolved');
  if (PSEUDO.test(name)) return { kind: 'unknown', reason: 'deploy-time', text: `\${${name}}`, loc: v.loc };
  if (!ctx.parameters.has(name)) return { kind: 'unknown', reason: 'deploy-time', text: `\${${name}}`, loc: v.loc };
  const type = ctx.parameterTypes?.get(name) ?? '';
  const def = ctx.parameters.get(name);
  // An SSM parameter type's default is the parameter's name, not its value; a parameter without a default is given at deploy time.
  if (def === undefined || type.startsWith('AWS::SSM::Parameter::Value')) {
    return { kind: 'unknown', reason: 'deploy-time', text: `\${${name}}`, loc: v.loc };
  }
  if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
    if (def.kind === 'seq') return { kind: 'seq', items: def.items, loc: v.loc };
    const text = str(def);
    if (text === undefined) return unknownOf(v, 'deploy-time');
    return { kind: 'seq', items: text.split(',').map((s) => scalarAt(s.trim(), v)), loc: v.loc };
  }
  if (def.kind !== 'scalar') return unknownOf(v, 'deploy-time');
  return { kind: 'scalar', value: def.value, loc: v.loc };
}

const SUB_VAR = /\$\{([^}]*)\}/g;

function resolveSub(v: Value, arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  const templateNode = arg.kind === 'seq' ? arg.items[0] : arg;
  const template = str(templateNode);
  if (template === undefined) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const vars = arg.kind === 'seq' ? arg.items[1] : undefined;
  // Split the template into literal text and placeholders; each placeholder resolves to alternatives.
  const parts: (string | { name: string; alternatives: Resolved[] })[] = [];
  let last = 0;
  for (const m of template.matchAll(SUB_VAR)) {
    const body = m[1]!;
    parts.push(template.slice(last, m.index));
    last = m.index! + m[0].length;
    if (body.startsWith('!')) {
      parts.push('${' + body.slice(1) + '}');
      continue;
    }
    const name = body.trim();
    const own = isMap(vars) ? get(vars, name) : undefined;
    let alternatives: Resolved[];
    if (own !== undefined) alternatives = resolveAll(own, ctx, depth + 1);
    else if (name.includes('.')) alternatives = [{ value: { kind: 'unknown', reason: 'deploy-time', text: m[0], loc: v.loc }, at: v }];
    else alternatives = [{ value: resolveRef(v, name, ctx), at: v }];
    parts.push({ name, alternatives });
  }
  parts.push(template.slice(last));
  const slots = parts.filter((p): p is { name: string; alternatives: Resolved[] } => typeof p !== 'string');
  return combine(
    slots.map((s) => s.alternatives),
    v,
    (values) => {
      let known = true;
      let reason: 'deploy-time' | 'unresolved' = 'deploy-time';
      let i = 0;
      let text = '';
      for (const p of parts) {
        if (typeof p === 'string') {
          text += p;
          continue;
        }
        const value = values[i++]!;
        const s = value.kind === 'scalar' ? str(value) : undefined;
        if (s !== undefined) text += s;
        else {
          known = false;
          if (value.kind === 'unknown' && value.reason === 'unresolved') reason = 'unresolved';
          text += value.kind === 'unknown' && /^\$\{[^}]*\}$/.test(value.text) ? value.text : `\${${p.name}}`;
        }
      }
      return known ? scalarAt(text, v) : { kind: 'unknown', reason, text, loc: v.loc };
    },
  );
}

function resolveJoin(v: Value, arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  if (arg.kind !== 'seq' || arg.items.length !== 2) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const delimiter = str(arg.items[0]);
  if (delimiter === undefined) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const listNode = arg.items[1]!;
  if (listNode.kind === 'seq') {
    return combine(
      listNode.items.map((item) => resolveAll(item, ctx, depth + 1)),
      v,
      (values) => joinValues(values, listNode.items, delimiter, v),
    );
  }
  return combine([resolveList(listNode, ctx, depth)], v, ([list]) =>
    list!.kind === 'seq' ? joinValues(list!.items, list!.items, delimiter, v) : unknownOf(v, 'deploy-time'),
  );
}

function joinValues(values: Value[], written: Value[], delimiter: string, at: Value): Value {
  const texts = values.map((x) => (x.kind === 'scalar' ? str(x) : undefined));
  if (texts.every((t) => t !== undefined)) return scalarAt(texts.join(delimiter), at);
  const partial = texts.map((t, i) => t ?? (values[i]!.kind === 'unknown' ? (values[i] as { text: string }).text : templateText(written[i]) ?? '${?}'));
  const unresolved = values.some((x) => x.kind === 'unknown' && x.reason === 'unresolved');
  return { kind: 'unknown', reason: unresolved ? 'unresolved' : 'deploy-time', text: partial.join(delimiter), loc: at.loc };
}

/** A list argument: a literal sequence (items as written) or an expression that yields one. */
function resolveList(arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  if (arg.kind === 'seq') return [{ value: arg, at: arg }];
  return resolveAll(arg, ctx, depth + 1);
}

function resolveSelect(v: Value, arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  if (arg.kind !== 'seq' || arg.items.length !== 2) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const out: Resolved[] = [];
  for (const index of resolveAll(arg.items[0]!, ctx, depth + 1)) {
    for (const list of resolveList(arg.items[1]!, ctx, depth)) {
      const i = num(index.value);
      const item = list.value.kind === 'seq' && i !== undefined && Number.isInteger(i) ? list.value.items[i] : undefined;
      if (item === undefined) out.push({ value: unknownOf(v, 'deploy-time'), at: v });
      else for (const r of resolveAll(item, ctx, depth + 1)) out.push({ value: relocate(r.value, v), at: v });
    }
  }
  return out.length > MAX_ALTERNATIVES || out.length === 0 ? [{ value: unknownOf(v, 'deploy-time'), at: v }] : out;
}

function resolveSplit(v: Value, arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  if (arg.kind !== 'seq' || arg.items.length !== 2) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const delimiter = str(arg.items[0]);
  if (!delimiter) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  return combine([resolveAll(arg.items[1]!, ctx, depth + 1)], v, ([source]) => {
    const text = source!.kind === 'scalar' ? str(source) : undefined;
    if (text === undefined) return unknownOf(v, 'deploy-time');
    return { kind: 'seq', items: text.split(delimiter).map((s) => scalarAt(s, v)), loc: v.loc };
  });
}

/**
 * `Fn::FindInMap` with keys known offline is the mapping's value; a key only known at deploy time
 * (`!Ref AWS::Region`, a parameter without default) yields every entry of the mapping at that level,
 * each located in `Mappings`. A missing entry uses the `DefaultValue` option when there is one.
 */
function resolveFindInMap(v: Value, arg: Value, ctx: ValueContext, depth: number): Resolved[] {
  if (arg.kind !== 'seq' || arg.items.length < 3) return [{ value: unknownOf(v, 'unresolved'), at: v }];
  const mapName = resolveOne(arg.items[0]!, ctx);
  const mapping = mapName.kind === 'scalar' ? get(ctx.mappings, str(mapName) ?? '') : undefined;
  const fallback = get(arg.items[3], 'DefaultValue');
  if (!isMap(mapping)) return fallback ? resolveAll(fallback, ctx, depth + 1) : [{ value: unknownOf(v, 'unresolved'), at: v }];
  const keysOf = (node: Value): string[] | undefined => {
    const r = resolveAll(node, ctx, depth + 1);
    const keys = r.map((x) => (x.value.kind === 'scalar' ? str(x.value) : undefined));
    return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
  };
  const top = keysOf(arg.items[1]!);
  const second = keysOf(arg.items[2]!);
  const out: Resolved[] = [];
  const exact = top !== undefined && second !== undefined;
  for (const level1 of mapping.entries) {
    if (top && !top.includes(level1.key)) continue;
    if (!isMap(level1.value)) continue;
    for (const level2 of level1.value.entries) {
      if (second && !second.includes(level2.key)) continue;
      for (const r of resolveAll(level2.value, ctx, depth + 1)) {
        // With known keys the value belongs to the expression; otherwise each candidate is located where it is written.
        out.push(exact && top.length === 1 && second.length === 1 ? { value: relocate(r.value, v), at: v } : r);
      }
    }
  }
  if (out.length === 0) return fallback ? resolveAll(fallback, ctx, depth + 1) : [{ value: unknownOf(v, 'unresolved'), at: v }];
  return out.length > MAX_ALTERNATIVES ? [{ value: unknownOf(v, 'deploy-time'), at: v }] : out;
}

/** Every combination of the alternatives of each slot, turned into one value by `make`. */
function combine(slots: Resolved[][], at: Value, make: (values: Value[]) => Value): Resolved[] {
  let total = 1;
  for (const s of slots) total *= Math.max(1, s.length);
  if (total > MAX_ALTERNATIVES) return [{ value: unknownOf(at, 'deploy-time'), at }];
  let combos: Value[][] = [[]];
  for (const s of slots) combos = combos.flatMap((c) => s.map((r) => [...c, r.value]));
  const results = combos.map((values) => make(values));
  // A value that differs only by branch is still one value when all branches agree.
  const unique: Value[] = [];
  for (const r of results) if (!unique.some((u) => sameValue(u, r))) unique.push(r);
  return unique.map((value) => ({ value, at }));
}

function sameValue(a: Value, b: Value): boolean {
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value === b.value;
  if (a.kind === 'unknown' && b.kind === 'unknown') return a.text === b.text;
  return a === b;
}

function scalarAt(value: string | number, at: Value): Value {
  return { kind: 'scalar', value, loc: at.loc };
}

function relocate(value: Value, at: Value): Value {
  return value.kind === 'scalar' || value.kind === 'unknown' ? { ...value, loc: at.loc } : value;
}

/** An unknown standing for `v`, its text the expression as `${...}` template text where possible. */
export function unknownOf(v: Value, reason: 'deploy-time' | 'unresolved'): Value {
  if (v.kind === 'unknown') return v;
  const fn = intrinsic(v);
  const text = templateText(v) ?? (fn ? fn.fn : v.kind === 'scalar' ? String(v.value) : '');
  return { kind: 'unknown', reason, text, loc: v.loc };
}
