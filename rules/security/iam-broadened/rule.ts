import { defineRule, type BroadenedPermission } from '@lambda-lint/core';
import { basePlace } from '../../support/review.js';

const list = (values: string[]): string => values.join(', ');

/** What a grant adds, in words: `new actions s3:GetObject on *; new resources ...`. */
export function describeGrant(b: Pick<BroadenedPermission, 'actions' | 'newActions' | 'newResources' | 'newPrincipals' | 'conditionDropped'>): string {
  const parts: string[] = [];
  if (b.newActions.length) parts.push(`new action${b.newActions.length > 1 ? 's' : ''} ${list(b.newActions)}`);
  if (b.conditionDropped.length) parts.push(`${list(b.conditionDropped)} without the Condition the base required`);
  const known = b.actions.filter((a) => !b.newActions.includes(a) && !b.conditionDropped.includes(a));
  if (b.newResources.length) parts.push(`${list(known)} on new resource${b.newResources.length > 1 ? 's' : ''} ${list(b.newResources)}`);
  if (b.newPrincipals.length) parts.push(`access for new principal${b.newPrincipals.length > 1 ? 's' : ''} ${list(b.newPrincipals)}`);
  return parts.join('; ');
}

export default defineRule({
  id: 'iam-broadened',
  category: 'security',
  severity: 'warning',
  scope: 'review',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Review mode (`lambda-lint diff`): an IAM permission the change makes broader than in the base revision (new actions, wider resources, new principals, a dropped Condition, NotAction/NotResource, a newly attached managed policy, a removed Deny), at the statement in the head.',
  messages: {
    statement:
      '{{resource}}: this change grants {{grant}}, which {{base}} did not allow. Every permission is what an attacker gets through a compromised dependency or an injected input: check that the code needs it, and grant only the actions it calls on the resources it uses.',
    negated:
      '{{resource}}: this change adds an Allow statement with {{key}}, which grants everything except the listed {{what}}, including what AWS adds later; {{base}} had no such statement. List the actions and resources the code needs instead.',
    managedPolicy:
      '{{resource}}: this change attaches the managed policy {{policy}}, which {{base}} did not have; it grants every action the policy lists, now and as AWS updates it. Prefer inline statements with the actions the code calls.',
    denyRemoved:
      '{{resource}}: this change removes the Deny of {{actions}} on {{resources}} that {{base}} had ({{was}}); what it blocked is allowed again wherever an Allow (inline or in a managed policy) grants it. Keep the Deny unless the block is no longer needed.',
    lambdaPermission:
      '{{resource}}: this change lets {{grant}} invoke the function, which {{base}} did not allow. Check the principal, and restrict it with SourceArn / SourceAccount.',
  },
  defaultOptions: {},
  check(ctx) {
    const review = ctx.review;
    if (!review) return;
    const base = `the base revision (${review.baseRef})`;
    for (const b of review.broadened) {
      const common = { loc: b.loc, resource: b.resource };
      if (b.kind === 'deny-removed') {
        // The base position goes into the message: as a related location it would name the head file.
        const was = b.baseLoc ? basePlace(b.baseLoc, ctx.model.root, review.baseRef) : `in ${review.baseRef}`;
        ctx.report({ ...common, messageId: 'denyRemoved', data: { resource: b.resource, actions: list(b.newActions), resources: list(b.newResources), base, was } });
      } else if (b.kind === 'managed-policy') {
        ctx.report({ ...common, messageId: 'managedPolicy', data: { resource: b.resource, policy: b.managedPolicy ?? '', base } });
      } else if (b.kind === 'lambda-permission') {
        ctx.report({ ...common, messageId: 'lambdaPermission', data: { resource: b.resource, grant: list(b.newPrincipals.length ? b.newPrincipals : b.newActions), base } });
      } else if (b.negated) {
        ctx.report({ ...common, messageId: 'negated', data: { resource: b.resource, key: 'NotAction or NotResource', what: 'actions or resources', base } });
      } else {
        ctx.report({ ...common, messageId: 'statement', data: { resource: b.resource, grant: describeGrant(b), base } });
      }
    }
  },
});
