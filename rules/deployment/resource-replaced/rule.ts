import { defineRule, type ResourceChange } from '@lambda-lint/core';
import { ROUTINE_REPLACEMENTS, STATEFUL_RESOURCES } from '../../support/data/stateful-resources.js';
import { basePlace } from '../../support/review.js';

/** What removing the resource loses, with the policy that softens it. */
function removalLoss(change: ResourceChange, data: string): string {
  return change.deletionPolicy === 'Snapshot' ? `${data}, kept only as a final snapshot (DeletionPolicy: Snapshot)` : data;
}

/** What happens to the old resource when CloudFormation replaces it, by its UpdateReplacePolicy. */
function replacementFate(change: ResourceChange, data: string): string {
  const policy = change.deletionPolicy;
  if (policy === 'Retain' || policy === 'RetainExceptOnCreate')
    return `leaves the old one, with ${data}, outside the stack (UpdateReplacePolicy: ${policy}): the stack and its functions then use the new, empty one`;
  if (policy === 'Snapshot') return `deletes the old one with ${data}, kept only as a snapshot (UpdateReplacePolicy: Snapshot)`;
  return `deletes the old one with ${data}`;
}

export default defineRule({
  id: 'resource-replaced',
  category: 'deployment',
  severity: 'warning',
  scope: 'review',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Review mode (`lambda-lint diff`): a resource the change replaces (a property that requires replacement changed) or, for data stores, deletes, naming the data lost for tables, buckets, queues, log groups and other stores.',
  messages: {
    replacedData:
      '{{resource}} ({{type}}): changing {{properties}} {{verb}} this {{kind}}: CloudFormation creates a new, empty one and {{fate}}. Keep {{properties}} as in {{base}}, or migrate the data to a new resource under a new logical id first.',
    replaced:
      '{{resource}} ({{type}}): changing {{properties}} {{verb}} this resource: it gets a new name and ARN, and whatever refers to the old one outside this stack (clients, other stacks, DNS, allow lists) breaks. Keep {{properties}} as in {{base}} if that was not intended.',
    renamedData:
      '{{resource}} ({{type}}): this change removes the {{kind}} ({{was}}) and adds {{renamed}} of the same type. If that is the same {{kind}} under a new logical id (a renamed key, a CDK construct moved in the tree), deploying it still deletes {{resource}} with {{data}} and creates an empty one. Keep the logical id ({{keep}}), or migrate the data first.',
    removedData:
      '{{resource}} ({{type}}): this change removes the {{kind}} from the template ({{was}}), so deploying it deletes the {{kind}} with {{data}}. Export or back up the data first, or set `DeletionPolicy: Retain` in {{base}} before removing it.',
  },
  defaultOptions: {},
  check(ctx) {
    const review = ctx.review;
    if (!review) return;
    const base = `the base revision (${review.baseRef})`;
    for (const change of review.resourceChanges) {
      const resource = change.constructPath ?? change.logicalId;
      // A generated resource is named by what it is for: `GetDashbrandLogGroup (AWS::Logs::LogGroup, the log group of function get-brand)`.
      const type = change.generatedFor ? `${change.type}, ${change.generatedFor}` : change.type;
      // Own entries only: a template's `Type: constructor` is no data store.
      const stateful = Object.hasOwn(STATEFUL_RESOURCES, change.type) ? STATEFUL_RESOURCES[change.type] : undefined;
      // The resource's base position goes into the message: as a related location it would name the head file.
      if (change.kind === 'removed') {
        // Removing a stateless resource is visible in the diff and loses nothing; only data stores are findings.
        if (!stateful || change.deletionPolicy === 'Retain' || change.deletionPolicy === 'RetainExceptOnCreate') continue;
        const data = { resource, type, kind: stateful.kind, data: removalLoss(change, stateful.data), base, was: basePlace(change.baseLoc, ctx.model.root, review.baseRef) };
        const renamed = change.renamedTo;
        if (renamed) {
          const keep = change.generatedFor
            ? 'the function key'
            : change.constructPath
              ? `CDK: \`overrideLogicalId('${change.logicalId}')\` on the new construct's resource`
              : `the key ${change.logicalId}`;
          ctx.report({
            messageId: 'renamedData',
            loc: change.loc,
            resource,
            related: [{ loc: renamed.loc, message: `${renamed.logicalId}: added by this change` }],
            data: { ...data, renamed: renamed.logicalId, keep },
          });
        } else {
          ctx.report({ messageId: 'removedData', loc: change.loc, resource, data });
        }
        continue;
      }
      // A new version, layer version or API deployment per change is how these resources work.
      if (!stateful && ROUTINE_REPLACEMENTS.has(change.type)) continue;
      const names = change.properties.map((p) => p.name);
      const properties = names.length ? names.join(', ') : 'its definition';
      const propertyRelated = change.properties.flatMap((p) => (p.loc ? [{ loc: p.loc, message: `${p.name} changed: it requires replacement` }] : []));
      const data = {
        resource,
        type,
        properties,
        verb: change.kind === 'replaced' ? 'replaces' : 'may replace',
        base,
        ...(stateful ? { kind: stateful.kind, fate: replacementFate(change, stateful.data) } : {}),
      };
      ctx.report({ messageId: stateful ? 'replacedData' : 'replaced', loc: change.loc, resource, related: propertyRelated, data });
    }
  },
});
