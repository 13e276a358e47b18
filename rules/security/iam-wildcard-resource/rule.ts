import { defineRule, type Prop } from '@lambda-lint/core';
import { onlyAcceptsStar } from '../../support/data/iam-star-only-actions.js';
import { actionMatches, isCdkInternalRole, isInline, statementOwner, uniqueStatements } from '../../support/iam.js';

const EXAMPLE_ARNS: Record<string, string> = {
  s3: 'arn:aws:s3:::<bucket>/<prefix>/*',
  dynamodb: 'arn:aws:dynamodb:<region>:<account>:table/<table>',
  sqs: 'arn:aws:sqs:<region>:<account>:<queue>',
  sns: 'arn:aws:sns:<region>:<account>:<topic>',
  lambda: 'arn:aws:lambda:<region>:<account>:function:<name>',
  events: 'arn:aws:events:<region>:<account>:event-bus/<bus>',
  kms: 'arn:aws:kms:<region>:<account>:key/<key-id>',
  secretsmanager: 'arn:aws:secretsmanager:<region>:<account>:secret:<name>-*',
  ssm: 'arn:aws:ssm:<region>:<account>:parameter/<path>/*',
  states: 'arn:aws:states:<region>:<account>:stateMachine:<name>',
  logs: 'arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<function>:*',
  kinesis: 'arn:aws:kinesis:<region>:<account>:stream/<stream>',
  iam: 'arn:aws:iam::<account>:role/<name>',
  execute_api: 'arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/POST/@connections/*',
};

/** An ARN shape for the service of the first action, so the message shows what "scoped" looks like. */
export function exampleArn(action: string): string {
  const service = action.split(':')[0]?.toLowerCase() ?? '';
  return EXAMPLE_ARNS[service.replace('-', '_')] ?? `arn:aws:${service}:<region>:<account>:<resource>`;
}

/** `a, b and 3 more`: the actions a message names, short enough to read. */
export function listActions(actions: readonly string[], max = 3): string {
  const shown = actions.slice(0, max).join(', ');
  return actions.length > max ? `${shown} and ${actions.length - max} more` : shown;
}

/**
 * `iam:PassRole` (or `iam:Pass*`) on "*": iam-passrole-wildcard reports it as an error at the action,
 * so a second, weaker finding on the same statement would only be noise. `iam:*` grants more than
 * PassRole and stays reported here.
 */
function isPassRoleOnly(action: string): boolean {
  return /^iam:pass/i.test(action.trim()) && actionMatches(action, 'iam:PassRole');
}

export default defineRule({
  id: 'iam-wildcard-resource',
  category: 'security',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    "IAM statements that allow actions supporting resource-level permissions on `Resource: '*'`; actions that only accept `*` (X-Ray, PutMetricData, VPC network interfaces...) are not findings.",
  messages: {
    resource:
      '{{owner}}: Resource "*" lets {{actions}} act on every resource of that kind in the account, not only the ones {{user}}: a bug or a compromised dependency can read or change other applications\' data. Scope the statement to the ARNs the code uses (e.g. {{example}}).',
    resourceMixed:
      '{{owner}}: Resource "*" lets {{actions}} act on every resource of that kind in the account, not only the ones {{user}}, so a bug or a compromised dependency can reach other applications\' data. Move {{starOnly}} (only "*" is accepted there) to a separate statement and scope the rest to the ARNs the code uses (e.g. {{example}}).',
    notAction:
      '{{owner}}: Allow with NotAction on Resource "*" grants nearly every action of every service on every resource in the account. List the actions the code calls and the ARNs it calls them on.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const { statement, role } of uniqueStatements(ctx.model)) {
      if (statement.effect.value !== 'Allow' || !isInline(statement) || isCdkInternalRole(role)) continue;
      const stars = statement.resources.filter((r) => r.value?.trim() === '*');
      if (stars.length === 0) continue;
      const { owner, users: fns, target } = statementOwner(ctx.model, role);
      if (statement.notActions.length > 0) {
        for (const star of stars) ctx.report({ messageId: 'notAction', data: { owner }, loc: star.loc, ...target });
        continue;
      }
      const known = statement.actions.filter((a): a is Prop<string> & { value: string } => a.value !== undefined);
      const scoped = known.filter((a) => !onlyAcceptsStar(a.value) && !isPassRoleOnly(a.value)).map((a) => a.value.trim());
      if (scoped.length === 0) continue;
      const starOnly = known.filter((a) => onlyAcceptsStar(a.value)).map((a) => a.value.trim());
      // A role no function of the app uses (an ECS task's, one that a function assumes with STS): not "this function".
      const user = fns.length > 0 ? 'this function uses' : 'whoever assumes it needs';
      const data = { owner, user, actions: listActions(scoped), example: exampleArn(scoped[0]!), starOnly: listActions(starOnly) };
      for (const star of stars) {
        ctx.report({ messageId: starOnly.length > 0 ? 'resourceMixed' : 'resource', data, loc: star.loc, ...target });
      }
    }
  },
});
