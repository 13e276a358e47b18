import { defineRule, templateText } from '@lambda-lint/core';
import { actionPatternMatches, grantUsedBy, isImplicitlyUsed } from '@lambda-lint/handler';
import { roleName } from '../../support/iam.js';
import { functionNeeds, functionStatements, listNames } from '../../support/permissions.js';

export default defineRule({
  id: 'iam-unused-permission',
  category: 'security',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    "An action in the role's own statements that no code path of any function using the role calls (checked only when every handler of the role was resolved); what Lambda itself uses (logs, X-Ray, VPC interfaces, polling its queue or stream triggers, its DLQ and destinations) counts as used.",
  messages: {
    unused:
      '{{owner}}: {{action}} is granted, but no code path of {{functions}} calls it, and Lambda does not use it for logs, tracing, VPC, triggers or failure destinations. An unused grant is what a bug or a compromised dependency gets for free. Remove it from the statement.',
    otherResource:
      '{{owner}}: {{action}} is granted on {{resources}}, but the code of {{functions}} only calls it on other resources. Remove it here, or scope the statement to the resources the code uses (`lambda-lint iam` prints them).',
  },
  defaultOptions: {},
  check(ctx) {
    const needs = functionNeeds(ctx.model, ctx.handlers);
    for (const { statement, roles, functions } of functionStatements(ctx.model)) {
      // Only when every function that holds the grant was read and its AWS calls are all visible: an unread
      // handler, or a library that calls AWS itself, may use it.
      const users = functions.map((f) => needs.get(f.id));
      if (users.some((u) => u === undefined || u.opaque)) continue;
      const owner = `Role ${listNames(roles.map(roleName))}`;
      const names = listNames(functions.map((f) => f.name));
      for (const action of statement.actions) {
        const pattern = action.value?.trim();
        if (!pattern || isImplicitlyUsed(pattern)) continue;
        if (users.some((u) => grantUsedBy(ctx.model, statement, pattern, u!.fn, u!.permissions, u!.platform))) continue;
        const calledElsewhere = users.some((u) => u!.permissions.some((p) => p.actions.some((a) => actionPatternMatches(pattern, a))));
        const resources = statement.resources.map((r) => r.value ?? templateText(r.node) ?? 'a value known at deploy time').join(', ');
        const fn = functions.length === 1 ? functions[0]! : undefined;
        ctx.report({
          messageId: calledElsewhere ? 'otherResource' : 'unused',
          data: { owner, action: pattern, functions: names, resources },
          loc: action.loc,
          ...(fn ? { fn } : {}),
          resource: roleName(roles[0]!),
        });
      }
    }
  },
});
