/**
 * Shared by the least-privilege rules (iam-missing-permission, iam-unused-permission, shared-iam-role):
 * which functions use which statement, whose code is known, and how a resource reads in a message.
 */
import { get, items, str, type AppModel, type HandlerBinding, type IamStatement, type LambdaFunction, type Role, type Value } from '@lambda-lint/core';
import { bindPermission, boundPermissionsOf, codeOf, codePermissionsIn, opaqueAwsUseOf, platformActionsOf, type BoundPermission } from '@lambda-lint/handler';
import { isCdkInternalRole, isInline } from './iam.js';

/** What the code of a function needs, and what the platform uses of its role. */
export interface FunctionNeeds {
  fn: LambdaFunction;
  permissions: BoundPermission[];
  readonly platform: string[];
  /** Set when the code may call actions that are not derived (a library calling AWS itself, a command built out of sight). */
  readonly opaque: string | undefined;
}

/** Computed once per run (model and handler list) for the three rules that read it; callers only read the result. */
const needsCache = new WeakMap<readonly HandlerBinding[], { model: AppModel; needs: Map<string, FunctionNeeds> }>();

/** The needs of every function whose handler was resolved, by function id. */
export function functionNeeds(model: AppModel, handlers: readonly HandlerBinding[]): Map<string, FunctionNeeds> {
  const cached = needsCache.get(handlers);
  if (cached?.model === model) return cached.needs;
  const needs = computeFunctionNeeds(model, handlers);
  needsCache.set(handlers, { model, needs });
  return needs;
}

function computeFunctionNeeds(model: AppModel, handlers: readonly HandlerBinding[]): Map<string, FunctionNeeds> {
  const out = new Map<string, FunctionNeeds>();
  for (const binding of handlers) {
    if (out.has(binding.fn.id)) continue;
    const code = codeOf(binding);
    const fn = binding.fn;
    // What the platform uses and whether the code is opaque are read by iam-unused-permission and
    // shared-iam-role only: computed on first read, not for the ESLint plugin's runs after an edit
    // (which leave those rules out) nor for a run of iam-missing-permission alone.
    let platform: string[] | undefined;
    let opaque: { reason: string | undefined } | undefined;
    out.set(fn.id, {
      fn,
      permissions: boundPermissionsOf(model, fn, code),
      get platform() {
        return (platform ??= platformActionsOf(fn, code));
      },
      get opaque() {
        return (opaque ??= { reason: opaqueAwsUseOf(code) }).reason;
      },
    });
  }
  return out;
}

/**
 * {@link functionNeeds}' permissions, only those whose call lies in `file` (a finding's `Loc.file`): for
 * a run that wants one file's findings (the ESLint plugin's run after an edit), the other calls are
 * neither bound to their resources nor judged. Bound as `boundPermissionsOf` binds them.
 */
export function permissionsIn(model: AppModel, handlers: readonly HandlerBinding[], file: string): Map<string, Pick<FunctionNeeds, 'fn' | 'permissions'>> {
  const out = new Map<string, Pick<FunctionNeeds, 'fn' | 'permissions'>>();
  for (const binding of handlers) {
    const fn = binding.fn;
    if (out.has(fn.id)) continue;
    const permissions = codePermissionsIn(codeOf(binding), file).map((p) => bindPermission(model, fn, p));
    out.set(fn.id, { fn, permissions });
  }
  return out;
}

/** A statement written by the user, with every function whose role holds it (per-function roles can inherit the provider's). */
export interface StatementUse {
  statement: IamStatement;
  roles: Role[];
  functions: LambdaFunction[];
}

/** The user's Allow statements (no `NotAction`) of function roles, each once, with the functions using them. */
export function functionStatements(model: AppModel): StatementUse[] {
  const byNode = new Map<Value, StatementUse>();
  for (const role of model.roles) {
    const fns = model.functions.filter((f) => f.role === role);
    if (fns.length === 0 || isCdkInternalRole(role) || !assumedOnlyByLambda(role)) continue;
    for (const s of role.statements) {
      if (!isInline(s) || s.effect.value !== 'Allow' || s.notActions.length > 0) continue;
      let use = byNode.get(s.node);
      if (!use) byNode.set(s.node, (use = { statement: s, roles: [], functions: [] }));
      if (!use.roles.includes(role)) use.roles.push(role);
      for (const f of fns) if (!use.functions.includes(f)) use.functions.push(f);
    }
  }
  return [...byNode.values()];
}

/** A role whose trust policy lets other services (Step Functions, ECS...) assume it serves them too: their use is not visible. */
function assumedOnlyByLambda(role: Role): boolean {
  const doc = get(role.resource?.properties, 'AssumeRolePolicyDocument');
  if (!doc) return true;
  for (const s of items(get(doc, 'Statement'))) {
    for (const p of items(get(s, 'Principal', 'Service'))) {
      const service = str(p);
      if (service !== undefined && service !== 'lambda.amazonaws.com') return false;
    }
    if (get(s, 'Principal', 'AWS') || get(s, 'Principal', 'Federated')) return false;
  }
  return true;
}

/** How a resource (`Fn::Sub` text) reads in a message. */
export function resourceLabel(resource: string): string {
  return resource === '*' ? 'any resource (not known from the code)' : resource;
}

/** `a, b and c`. */
export function listNames(names: readonly string[], max = 4): string {
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length <= 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
