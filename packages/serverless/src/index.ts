export { readServerless, type ServerlessReadOptions } from './read.js';
export { normalizeNameToLogicalId, serverlessLogicalId, perFunctionRoleLogicalId, PROVIDER_ROLE_LOGICAL_ID } from './naming.js';
export { VariableResolver, type VariableOptions } from './variables.js';
export { parseVariables, type ParsedString, type VarNode } from './syntax.js';
