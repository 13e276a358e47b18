import type { Loc } from './loc.js';

/**
 * What a pull request changes in the deployed infrastructure, computed by `@lambda-lint/review` from
 * the CloudFormation view of the base and head revisions (`@aws-cdk/cloudformation-diff`). Rules of
 * scope `review` read it; in a plain lint run there is none and they report nothing.
 */
export interface ReviewContext {
  /** The git revision the head is compared with, as the user named it (`main`, `HEAD~1`). */
  baseRef: string;
  broadened: BroadenedPermission[];
  resourceChanges: ResourceChange[];
}

/** A grant of the head revision that the base revision did not give. */
export interface BroadenedPermission {
  /**
   * `statement`: an added or widened Allow statement (identity or resource policy); `managed-policy`:
   * a managed policy newly attached; `lambda-permission`: a new `AWS::Lambda::Permission` grant;
   * `deny-removed`: a Deny of the base that no Deny of the head still covers (`newActions` on
   * `newResources` are no longer denied).
   */
  kind: 'statement' | 'managed-policy' | 'lambda-permission' | 'deny-removed';
  /** The logical id (or CDK construct path) of the role, policy or resource holding the grant. */
  resource: string;
  /** Where the head writes the grant: the first new action, resource or principal, else the statement. */
  loc: Loc;
  /** The statement (or policy attachment) as a whole in the head. */
  statementLoc: Loc;
  /** Actions the base did not allow to this principal on these resources. */
  newActions: string[];
  /** Resources newly covered for actions the base already allowed elsewhere. */
  newResources: string[];
  /** Every action of the statement, for messages (`s3:GetObject on new resource ...`). */
  actions: string[];
  /** Principals that the base did not grant these actions to (resource policies, Lambda permissions). */
  newPrincipals: string[];
  /** Actions the base allowed only under a Condition that the head's statement no longer has. */
  conditionDropped: string[];
  /** A grant that inverts a list (`NotAction`, `NotResource`): everything except the list is allowed. */
  negated: boolean;
  /**
   * For `deny-removed`: where the base wrote the removed Deny. Base revision line numbers: name them in
   * a message, never report them as a location (a location's file is read as the head's).
   */
  baseLoc?: Loc;
  /** For `managed-policy`: the policy ARN or name. */
  managedPolicy?: string;
}

/** A resource that deploying the head replaces or deletes. */
export interface ResourceChange {
  kind: 'replaced' | 'may-be-replaced' | 'removed';
  logicalId: string;
  /** The CDK construct path, when known: what messages name. */
  constructPath?: string;
  /** For a resource the platform generates (a Serverless function's log group): what it is. */
  generatedFor?: string;
  type: string;
  /** The head resource key; for a removal the head template's `Resources` key (or the file's start). */
  loc: Loc;
  /**
   * The resource in the base revision (same path in the repository). Base revision line numbers: name
   * them in a message, never report them as a location (a location's file is read as the head's).
   */
  baseLoc: Loc;
  /** Properties whose change forces (or may force) the replacement, with their head location when they are still written. */
  properties: { name: string; loc?: Loc }[];
  /** The resource keeps its physical resource on delete (`DeletionPolicy: Retain`/`RetainExceptOnCreate`, `Snapshot`). */
  deletionPolicy?: string;
  /**
   * For a removal: a resource of the same type that the change adds to the same template, which may be
   * this one under a new logical id (a renamed key, a CDK construct moved in the tree). CloudFormation
   * still deletes the old resource and creates an empty one.
   */
  renamedTo?: { logicalId: string; loc: Loc };
}
