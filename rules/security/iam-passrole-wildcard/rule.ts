import { defineRule, templateText, type Prop } from '@lambda-lint/core';
import { actionMatches, statementOwner, uniqueStatements } from '../../support/iam.js';

const PASS_ROLE = 'iam:PassRole';

/**
 * A resource that stands for every role: `*`, or a role ARN whose name part is only a wildcard
 * (`arn:aws:iam::123456789012:role/*`, `arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*`).
 * A path (`role/service-role/*`) or a name prefix (`role/brand-*`) narrows it and is not reported.
 */
export function coversEveryRole(resource: string): boolean {
  // `${AWS::Partition}`, `${AWS::AccountId}`: placeholders stand for one ARN part each.
  const r = resource.trim().replace(/\$\{[^}]*\}/g, 'x');
  if (/^\*+$/.test(r)) return true;
  return /^arn:[^:]*:(?:iam|\*+):[^:]*:[^:]*:(?:\*+|role\/\*+)$/i.test(r);
}

/**
 * The text of a resource: a literal, a `Fn::Sub` / `Fn::Join` template (`${AWS::AccountId}` kept as
 * written), or the source of a serverless value known only at deploy time (`${aws:accountId}`).
 */
function resourceText(r: Prop<string>): string | undefined {
  return r.value ?? templateText(r.node) ?? (r.node.kind === 'unknown' ? r.node.text : undefined);
}

export default defineRule({
  id: 'iam-passrole-wildcard',
  category: 'security',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    "`iam:PassRole` (directly, or through `iam:*`, `iam:Pass*`, `*` or `NotAction`) allowed on `Resource: '*'` or every role of the account: privilege escalation.",
  messages: {
    passRole:
      '{{owner}}: action "{{action}}" allows iam:PassRole on {{resource}}, every role in the account. Code running with it can hand any role, administrator roles included, to a function, task or stack it creates and act with that role\'s permissions: privilege escalation. List the ARNs of the roles the code passes (e.g. !GetAtt WorkerRole.Arn) and add an iam:PassedToService condition.',
    notAction:
      '{{owner}}: Allow with NotAction does not exclude iam:PassRole, so it allows passing every role in the account ({{resource}}): privilege escalation. Use an explicit Action list; grant iam:PassRole only on the ARNs of the roles the code passes.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const { statement, role } of uniqueStatements(ctx.model)) {
      // AWS managed policies are reported by name (iam-wildcard-action); platform statements are not the user's to change.
      if (statement.effect.value !== 'Allow' || statement.origin === 'managed' || statement.origin === 'platform') continue;
      const every = statement.resources.find((r) => {
        const text = resourceText(r);
        return text !== undefined && coversEveryRole(text);
      });
      if (!every) continue;
      const shown = (resourceText(every) ?? '*').trim();
      const { owner, target } = statementOwner(ctx.model, role);
      const common = { related: [{ loc: every.loc, message: `Resource "${shown}" covers every role in the account.` }], ...target };
      const data = { owner, resource: `"${shown}"` };
      const passing = statement.actions.filter((a): a is Prop<string> & { value: string } => a.value !== undefined && actionMatches(a.value, PASS_ROLE));
      for (const action of passing) ctx.report({ messageId: 'passRole', data: { ...data, action: action.value.trim() }, loc: action.loc, ...common });
      const firstNot = statement.notActions[0];
      // NotAction with any pattern we cannot read might exclude PassRole: stay silent then.
      if (firstNot && statement.notActions.every((n) => n.value !== undefined && !actionMatches(n.value, PASS_ROLE))) {
        ctx.report({ messageId: 'notAction', data, loc: firstNot.loc, ...common });
      }
    }
  },
});
