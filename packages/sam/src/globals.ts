import { isMap, isSeq, type MapEntry, type MapValue, type Value } from '@lambda-lint/core';

/**
 * SAM `Globals` semantics: a function's scalar overrides the global one, maps merge key by key,
 * lists are appended to. `fromGlobals` collects every value that came from `Globals`.
 */
export function mergeGlobals(globals: Value | undefined, own: MapValue | undefined, fromGlobals: Set<Value>): MapValue | undefined {
  if (!isMap(globals)) return own;
  if (!own) {
    for (const e of globals.entries) fromGlobals.add(e.value);
    return globals;
  }
  const entries: MapEntry[] = [];
  for (const g of globals.entries) {
    const mine = own.entries.find((e) => e.key === g.key);
    if (!mine) {
      entries.push(g);
      fromGlobals.add(g.value);
    } else if (isMap(g.value) && isMap(mine.value)) {
      entries.push({ ...mine, value: mergeGlobals(g.value, mine.value, fromGlobals)! });
    } else if (isSeq(g.value) && isSeq(mine.value)) {
      entries.push({ ...mine, value: { ...mine.value, items: [...g.value.items, ...mine.value.items] } });
    } else {
      entries.push(mine);
    }
  }
  for (const e of own.entries) if (!globals.entries.some((g) => g.key === e.key)) entries.push(e);
  return { kind: 'map', entries, loc: own.loc };
}
