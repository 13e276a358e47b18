import { intrinsic, isMap, isSeq, type MapEntry, type MapValue, type Value } from '@lambda-lint/core';

/** A map that is not an intrinsic function: only those merge key by key (SAM treats `!Ref`, `!If`... as single values). */
function isPlainMap(v: Value | undefined): v is MapValue {
  return isMap(v) && intrinsic(v) === undefined;
}

/**
 * SAM `Globals` semantics: a resource's scalar (or intrinsic function) overrides the global one, maps
 * merge key by key (recursively), lists are the global items followed by the resource's. When the two
 * values have different shapes the resource's wins. `fromGlobals` collects every value that came from `Globals`.
 */
export function mergeGlobals(globals: Value | undefined, own: MapValue | undefined, fromGlobals: Set<Value>): MapValue | undefined {
  if (!isPlainMap(globals)) return own;
  if (!own) {
    markAll(globals, fromGlobals);
    return globals;
  }
  const entries: MapEntry[] = [];
  for (const g of globals.entries) {
    const mine = own.entries.find((e) => e.key === g.key);
    if (!mine) {
      entries.push(g);
      markAll(g.value, fromGlobals);
    } else if (isPlainMap(g.value) && isPlainMap(mine.value)) {
      entries.push({ ...mine, value: mergeGlobals(g.value, mine.value, fromGlobals)! });
    } else if (isSeq(g.value) && isSeq(mine.value)) {
      for (const item of g.value.items) markAll(item, fromGlobals);
      entries.push({ ...mine, value: { ...mine.value, items: [...g.value.items, ...mine.value.items] } });
    } else {
      entries.push(mine);
    }
  }
  for (const e of own.entries) if (!globals.entries.some((g) => g.key === e.key)) entries.push(e);
  return { kind: 'map', entries, loc: own.loc };
}

/** A value from `Globals` and everything inside it. */
function markAll(v: Value, out: Set<Value>): void {
  out.add(v);
  if (v.kind === 'map') for (const e of v.entries) markAll(e.value, out);
  else if (v.kind === 'seq') for (const i of v.items) markAll(i, out);
}
