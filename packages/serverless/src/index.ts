export { readServerless, type ServerlessReadOptions } from './read.js';
export {
  apiGatewayMethodLogicalId,
  bucketLogicalId,
  httpApiRouteLogicalId,
  isFrameworkHelperFunction,
  logGroupLogicalId,
  normalizeNameToAlphaNumericOnly,
  normalizeNameToLogicalId,
  perFunctionRoleLogicalId,
  PROVIDER_ROLE_LOGICAL_ID,
  queueMappingLogicalId,
  scheduleRuleLogicalId,
  serverlessLogicalId,
  streamMappingLogicalId,
  topicLogicalId,
} from './naming.js';
export { VariableResolver, type VariableOptions } from './variables.js';
export { parseVariables, type ParsedString, type VarNode } from './syntax.js';
export {
  isPackageOutput,
  mergeServerlessPackage,
  readServerlessPackage,
  serviceDirOfPackage,
  PACKAGE_OUTPUT_FILE,
  SERVERLESS_CONFIG_NAMES,
  type PackageReadOptions,
} from './package.js';
