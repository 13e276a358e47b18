import { intrinsic, str, type Value } from '@lambda-lint/core';

const SUB_REF = /\$\{(?!!)([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g;

/** Every logical id that a value refers to anywhere inside it (`Ref`, `Fn::GetAtt`, `${X}` in `Fn::Sub`). */
export function referencedIds(v: Value | undefined, out: Set<string> = new Set()): Set<string> {
  if (!v) return out;
  const fn = intrinsic(v);
  if (fn?.fn === 'Ref') {
    const id = str(fn.arg);
    if (id && !id.startsWith('AWS::')) out.add(id);
    return out;
  }
  if (fn?.fn === 'Fn::GetAtt') {
    const id = fn.arg.kind === 'seq' ? str(fn.arg.items[0]) : str(fn.arg)?.split('.')[0];
    if (id) out.add(id);
    return out;
  }
  if (fn?.fn === 'Fn::Sub') {
    const template = fn.arg.kind === 'seq' ? fn.arg.items[0] : fn.arg;
    const text = str(template);
    if (text) for (const m of text.matchAll(SUB_REF)) if (!m[1]!.startsWith('AWS')) out.add(m[1]!);
    if (fn.arg.kind === 'seq') referencedIds(fn.arg.items[1], out);
    return out;
  }
  if (v.kind === 'map') for (const e of v.entries) referencedIds(e.value, out);
  else if (v.kind === 'seq') for (const i of v.items) referencedIds(i, out);
  return out;
}

/** Flattens a value to searchable text: literals as they are, intrinsics as their arguments' text. */
export function textOf(v: Value | undefined): string {
  if (!v) return '';
  if (v.kind === 'scalar') return v.value === null ? '' : String(v.value);
  if (v.kind === 'unknown') return v.text;
  if (v.kind === 'seq') return v.items.map(textOf).join(' ');
  return v.entries.map((e) => textOf(e.value)).join(' ');
}
