import { isFrameworkInternalPath, wildcardMatches, type AppModel, type IamStatement, type LambdaFunction, type Role, type Value } from '@lambda-lint/core';

/** Every IAM statement of the application once, with the role it belongs to (the first one, when roles share it). */
export function uniqueStatements(model: AppModel): { statement: IamStatement; role: Role | undefined }[] {
  const seen = new Set<Value>();
  const out: { statement: IamStatement; role: Role | undefined }[] = [];
  const add = (statement: IamStatement, role: Role | undefined) => {
    // serverless-iam-roles-per-function copies the provider's statements into each function role.
    if (seen.has(statement.node)) return;
    seen.add(statement.node);
    out.push({ statement, role });
  };
  for (const role of model.roles) for (const s of role.statements) add(s, role);
  for (const s of model.otherStatements) add(s, undefined);
  return out;
}

/** Written by the user (not expanded from a SAM policy template, an AWS managed policy or the platform). */
export function isInline(statement: IamStatement): boolean {
  return statement.origin === undefined || statement.origin === 'inline';
}

/** An explicit role by its construct path or logical id; a generated one (SAM `Policies`, serverless) by the id the reader gave it. */
export function roleName(role: Role): string {
  if (role.resource?.type === 'AWS::IAM::Role') return role.resource.constructPath ?? role.resource.logicalId;
  return role.id.slice(role.id.lastIndexOf('#') + 1);
}

/**
 * Who a finding on a statement of `role` is about: `owner` for the message (`Role X`, `Policy` for a
 * statement of no role), `users` the functions running with the role, and the `fn` / `resource` to
 * report (`fn` only when exactly one function uses the role, so a shared role is not pinned on one).
 */
export function statementOwner(
  model: AppModel,
  role: Role | undefined,
): { owner: string; users: LambdaFunction[]; target: { fn?: LambdaFunction; resource?: string } } {
  const users = role ? model.functions.filter((f) => f.role === role) : [];
  const target = { ...(users.length === 1 ? { fn: users[0]! } : {}), ...(role ? { resource: roleName(role) } : {}) };
  return { owner: role ? `Role ${roleName(role)}` : 'Policy', users, target };
}

/**
 * Roles that the CDK itself creates for its singleton helper functions (log retention, bucket
 * notifications, custom resource providers): the user does not write their policies and cannot
 * narrow them. Roles are not filtered by the engine as functions are (a role may serve user functions too).
 */
export function isCdkInternalRole(role: Role | undefined): boolean {
  const path = role?.resource?.constructPath;
  return !!path && isFrameworkInternalPath(path);
}

/** Whether an IAM action pattern (`*`, `iam:*`, `iam:Pass*`, `iam:PassRole`) matches `action`, case-insensitively as IAM does. */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatches(pattern.trim().toLowerCase(), action.toLowerCase());
}
