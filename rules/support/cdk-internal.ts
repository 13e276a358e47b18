import type { LambdaFunction } from '@lambda-lint/core';

/**
 * Functions the CDK itself creates (log retention, bucket notifications, custom resource providers):
 * a construct path segment ending in a 32-hex-digit id or a `Custom::` provider. The user does not
 * write their settings and cannot change them (short of upgrading the CDK), so the rules about a
 * function's own settings leave them alone.
 */
export function isCdkInternalFunction(fn: LambdaFunction): boolean {
  const path = fn.constructPath;
  return !!path && path.split('/').some((segment) => /[0-9a-f]{32}$/i.test(segment) || segment.startsWith('Custom::'));
}
