/**
 * The Serverless Framework's naming of generated CloudFormation logical ids
 * (`lib/plugins/aws/lib/naming.js`), so that `resources` can refer to generated resources.
 */

/** `brand-api` -> `BrandDashapi`, `my_fn` -> `MyUnderscorefn`: capitalize, `-` -> `Dash`, `_` -> `Underscore`. */
export function normalizeNameToLogicalId(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

/** The logical id of a function's `AWS::Lambda::Function`: `brand-api` -> `BrandDashapiLambdaFunction`. */
export function serverlessLogicalId(functionName: string): string {
  return `${normalizeNameToLogicalId(functionName)}LambdaFunction`;
}

/** The shared execution role the framework generates for functions without their own. */
export const PROVIDER_ROLE_LOGICAL_ID = 'IamRoleLambdaExecution';

/** The role serverless-iam-roles-per-function generates for a function with its own statements. */
export function perFunctionRoleLogicalId(functionName: string): string {
  return `${normalizeNameToLogicalId(functionName)}${PROVIDER_ROLE_LOGICAL_ID}`;
}
