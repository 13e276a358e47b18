import type { AppModel, IamStatement, Role, Value } from '@lambda-lint/core';

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
 * Roles that the CDK itself creates for its singleton helper functions (log retention, bucket
 * notifications, custom resource providers): the user does not write their policies and cannot
 * narrow them. Their construct path has a segment ending in a 32-hex-digit id or a `Custom::` provider.
 */
export function isCdkInternalRole(role: Role | undefined): boolean {
  const path = role?.resource?.constructPath;
  if (!path) return false;
  return path.split('/').some((segment) => /[0-9a-f]{32}$/i.test(segment) || segment.startsWith('Custom::'));
}

/**
 * Whether an IAM action pattern (`*`, `iam:*`, `iam:Pass*`, `iam:PassRole`) matches `action`, case-insensitively as IAM does.
 * A glob matcher that only ever backtracks to the last `*` instead of a regular expression: the
 * pattern is user input, and `.*.*.*...a` style patterns make a backtracking regex exponential.
 * Worst case O(pattern length x action length).
 */
export function actionMatches(pattern: string, action: string): boolean {
  const glob = pattern.trim().toLowerCase();
  const text = action.toLowerCase();
  let g = 0;
  let t = 0;
  let lastStar = -1;
  let textAtStar = 0;
  while (t < text.length) {
    if (g < glob.length && (glob[g] === '?' || glob[g] === text[t])) {
      g++;
      t++;
    } else if (g < glob.length && glob[g] === '*') {
      lastStar = g++;
      textAtStar = t;
    } else if (lastStar >= 0) {
      // The star before absorbs one more character; retry the rest of the pattern from there.
      g = lastStar + 1;
      t = ++textAtStar;
    } else {
      return false;
    }
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}
