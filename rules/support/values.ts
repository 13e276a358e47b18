import { get, intrinsic, num, propAlternatives, str, type AppModel, type LambdaFunction, type Prop, type Value } from '@lambda-lint/core';
import { PLATFORM_DEFAULTS } from './platform.js';

/** The `Default` of a template parameter named by a `Ref`, when the value is one; otherwise the value itself. */
export function resolveParameter(model: AppModel, file: string, v: Value | undefined): Value | undefined {
  const fn = intrinsic(v);
  if (fn?.fn !== 'Ref') return v;
  const name = str(fn.arg);
  if (name === undefined) return v;
  const root = model.documents.find((d) => d.file === file)?.root;
  // CloudFormation and SAM templates at the top; serverless.yml under `resources`.
  const param = get(root, 'Parameters', name) ?? get(root, 'resources', 'Parameters', name);
  return param ? (get(param, 'Default') ?? v) : v;
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
