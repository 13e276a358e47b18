import { num, propAlternatives, str, type AppModel, type LambdaFunction, type Prop, type Value } from '@lambda-lint/core';
import { PLATFORM_DEFAULTS } from './platform.js';

/**
 * The value an expression of a template takes offline (a parameter's default, a `Fn::Sub`...), through
 * the readers' resolver; `undefined`-yielding unknown when it has several possible values that differ.
 */
export function resolveParameter(model: AppModel, file: string, v: Value | undefined): Value | undefined {
  if (!v) return v;
  const all = model.valuesOf(file, v);
  const first = all[0];
  if (!first) return undefined;
  const same = all.every((x) => x.kind === 'scalar' && first.kind === 'scalar' && x.value === first.value);
  return all.length === 1 || same ? first : undefined;
}

/** A number written in a template (a parameter's default counts); undefined when it cannot be known offline. */
export function templateNumber(model: AppModel, file: string, v: Value | undefined): number | undefined {
  return num(resolveParameter(model, file, v));
}

/** A string written in a template (a parameter's default counts); undefined when it cannot be known offline. */
export function templateString(model: AppModel, file: string, v: Value | undefined): string | undefined {
  const r = resolveParameter(model, file, v);
  return r?.kind === 'scalar' ? str(r) : undefined;
}

/** One possible timeout of a function: a configured value (or one alternative of it) or the platform default. */
export interface EffectiveTimeout {
  seconds: number;
  /** The configured value; undefined when the platform default applies. */
  prop?: Prop<number>;
}

/**
 * The timeouts a function can run with: every known alternative of its configured timeout, or the
 * platform default when none is set. Values that cannot be known offline are left out.
 */
export function effectiveTimeouts(fn: LambdaFunction): EffectiveTimeout[] {
  if (!fn.timeout) return [{ seconds: PLATFORM_DEFAULTS[fn.platform].timeoutSeconds }];
  return propAlternatives(fn.timeout).flatMap((p) => (p.value === undefined ? [] : [{ seconds: p.value, prop: p }]));
}

/** Where a setting came from, for messages: ` (from provider.timeout)`, ` (from Globals)` or nothing. */
export function inheritedNote(p: Prop<unknown> | undefined, key: string): string {
  if (p?.inheritedFrom === 'provider') return ` (from provider.${key})`;
  if (p?.inheritedFrom === 'globals') return ` (from Globals.Function.${key})`;
  return '';
}
