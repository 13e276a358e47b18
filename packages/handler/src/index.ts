export { HandlerAnalyzer, type ResolveResult, type CodeHost } from './analyzer.js';
export { SourceCache } from './source-cache.js';
export {
  HandlerCode,
  codeOf,
  forEachDescendantNode,
  forEachDescendantCompilerNode,
  descendantsOfKind,
  isAtModuleScope,
  isModuleLevelDeclaration,
  type FunctionLikeNode,
  type ReachableNodes,
  type ScopeBinding,
} from './code.js';
export { locOfNode, locOfRange, locOfTsNode, toSlash } from './loc.js';
export type { BindingKind, ImportOrigin } from './scope.js';
export { MAX_FILE_BYTES } from './program.js';
export { HANDLER_EXTENSIONS } from './modules.js';
export { descendantsByKind, isTsFunctionLike, methodNameOf, propertyNameText, skipOuterAndAwait, skipOuterExpressions, walkDescendants, type TsFunctionLike } from './syntax.js';
export { normalizeSpecifier, type ModuleMember } from './facts.js';
export { evaluateConfigModule, type EvaluatedConfig } from './config.js';
export {
  sdkFactsOf,
  evaluateNumber,
  factNodeOf,
  type FactNodeKey,
  type SdkFacts,
  type SdkFact,
  type FactScope,
  type ClientCategory,
  type ClientFact,
  type OperationFact,
  type PaginatorFact,
  type PresignFact,
  type PowertoolsFact,
} from './sdk.js';
export { alwaysExits, intersects, isNullish, isOneTimeInit, keysTestedSet, keysTestedUnset, unwrap as unwrapExpression, unwrapAwaited, type ReferenceKey } from './lazy.js';
export { codePermissionsIn, codePermissionsOf, opaqueAwsUseOf, valueParts, type CodePermission, type CodeResource, type ValuePart } from './permissions.js';
export {
  actionPatternMatches,
  bindPermission,
  boundPermissionsOf,
  evaluate,
  expand,
  globCovers,
  globsIntersect,
  grantUsedBy,
  isImplicitlyUsed,
  knownStatements,
  leastPrivilege,
  platformActionsOf,
  resourceArn,
  type BoundPermission,
  type Grant,
  type PolicyStatement,
} from './policy.js';
export { iamActionsOf, iamPrefixOf, IAM_ACTION_EXCEPTIONS, IAM_INPUT_DEPENDENT, IAM_SERVICE_PREFIXES } from './data/iam-actions.js';
