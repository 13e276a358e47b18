/**
 * The least-privilege policy of each function, derived from its handler code (`lambda-lint iam`):
 * the actions the code can call, grouped by the resources they act on, as `Fn::Sub` texts
 * (`${BrandsTable.Arn}`, `arn:${AWS::Partition}:s3:::logos/*`) or `*` where the code does not say.
 */
import type { AppModel, HandlerBinding, LambdaFunction } from '@lambda-lint/core';
import { boundPermissionsOf, codeOf, leastPrivilege, type PolicyStatement } from '@lambda-lint/handler';

export type { PolicyStatement };

export interface FunctionPolicy {
  fn: LambdaFunction;
  /** Undefined when the handler could not be read: nothing is derived. */
  statements: PolicyStatement[] | undefined;
  /** Actions of which the code needs only one, depending on input not known offline (a PartiQL statement built at run time). */
  alternatives: string[][];
}

/** Every function's least-privilege policy, in the model's order. */
export function leastPrivilegePolicies(model: AppModel, handlers: readonly HandlerBinding[]): FunctionPolicy[] {
  return model.functions.map((fn) => {
    const binding = handlers.find((h) => h.fn === fn);
    if (!binding) return { fn, statements: undefined, alternatives: [] };
    const permissions = boundPermissionsOf(model, fn, codeOf(binding));
    return { fn, statements: leastPrivilege(permissions), alternatives: permissions.filter((p) => p.anyOf).map((p) => [...p.actions]) };
  });
}
