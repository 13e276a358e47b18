/**
 * The Serverless Framework's naming of generated CloudFormation logical ids
 * (`lib/plugins/aws/lib/naming.js`), so that `resources` can refer to generated resources.
 */

/** `brand-api` -> `BrandDashapi`, `my_fn` -> `MyUnderscorefn`: capitalize, `-` -> `Dash`, `_` -> `Underscore`. */
export function normalizeNameToLogicalId(name: string): string {
  const replaced = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

/** `brand-events.v2` -> `Brandeventsv2`: every character that is not a letter or digit dropped, first letter capitalized. */
export function normalizeNameToAlphaNumericOnly(name: string): string {
  const replaced = name.replace(/[^0-9A-Za-z]/g, '');
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

/** The function's log group: `brand-api` -> `BrandDashapiLogGroup`. */
export function logGroupLogicalId(functionName: string): string {
  return `${normalizeNameToLogicalId(functionName)}LogGroup`;
}

/** The topic an `sns: <topicName>` event creates: `brand-events` -> `SNSTopicBrandevents`. */
export function topicLogicalId(topicName: string): string {
  return `SNSTopic${normalizeNameToAlphaNumericOnly(topicName)}`;
}

/** The bucket an `s3: <bucket>` event creates (unless `existing: true`): `brand-uploads` -> `S3BucketBranduploads`. */
export function bucketLogicalId(bucketName: string): string {
  return `S3Bucket${normalizeNameToAlphaNumericOnly(bucketName)}`;
}

/** The event source mapping of an `sqs` event: `WorkerEventSourceMappingSQSBrandqueue`. */
export function queueMappingLogicalId(functionName: string, queueName: string): string {
  return `${normalizeNameToLogicalId(functionName)}EventSourceMappingSQS${normalizeNameToAlphaNumericOnly(queueName)}`;
}

/** The event source mapping of a `stream` event: `WorkerEventSourceMappingKinesisClicks`, `...DynamodbBrands`. */
export function streamMappingLogicalId(functionName: string, streamType: 'kinesis' | 'dynamodb', streamName: string): string {
  const type = streamType.charAt(0).toUpperCase() + streamType.slice(1);
  return `${normalizeNameToLogicalId(functionName)}EventSourceMapping${type}${normalizeNameToAlphaNumericOnly(streamName)}`;
}

/** The rule of the function's `index`-th (1-based) `schedule` event. */
export function scheduleRuleLogicalId(functionName: string, index: number): string {
  return `${normalizeNameToLogicalId(functionName)}EventsRuleSchedule${index}`;
}

/** The framework's own helper functions (custom resources for existing buckets, user pools, event buses, API Gateway logging). */
export function isFrameworkHelperFunction(logicalId: string): boolean {
  return /^CustomDashresourceDash.*LambdaFunction$/.test(logicalId);
}

/** `_.upperFirst(_.capitalize(part))` with `-` -> `Dash`, `{id}` -> `IdVar`, other non-alphanumerics dropped. */
function normalizePathPart(part: string): string {
  const capitalized = part.charAt(0).toUpperCase() + part.slice(1).toLowerCase();
  const replaced = capitalized.replace(/-/g, 'Dash').replace(/\{(.*)\}/g, '$1Var').replace(/[^0-9A-Za-z]/g, '');
  return replaced.charAt(0).toUpperCase() + replaced.slice(1);
}

function normalizePath(path: string): string {
  return path.split('/').map(normalizePathPart).join('');
}

/** The method of an `http` event: `GET /brands/{id}` -> `ApiGatewayMethodBrandsIdVarGet`. */
export function apiGatewayMethodLogicalId(path: string, method: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const m = method.toLowerCase();
  return `ApiGatewayMethod${normalizePath(trimmed)}${m.charAt(0).toUpperCase()}${m.slice(1)}`;
}

/** The route of an `httpApi` event: `GET /brands/{id}` -> `HttpApiRouteGetBrandsIdVar`, `*` -> `HttpApiRouteDefault`. */
export function httpApiRouteLogicalId(routeKey: string): string {
  if (routeKey.trim() === '*') return 'HttpApiRouteDefault';
  return `HttpApiRoute${normalizePath(routeKey)}`;
}
