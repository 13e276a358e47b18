import { defineRule, type LambdaFunction, type Prop } from '@lambda-lint/core';
import { grantUsedBy } from '@lambda-lint/handler';
import { functionNeeds, functionStatements, listNames, type FunctionNeeds } from '../../support/permissions.js';

/** The role the Serverless Framework generates from `provider.iam.role.statements` / `provider.iamRoleStatements`. */
const PROVIDER_ROLE = '#IamRoleLambdaExecution';

export default defineRule({
  id: 'shared-iam-role',
  category: 'security',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless'],
  description:
    'A Serverless Framework provider-level IAM statement (`provider.iam.role.statements`, `provider.iamRoleStatements`) that grants every function actions that only some of them call: advise per-function roles.',
  messages: {
    shared:
      'provider-level statement: every function of the service gets {{actions}}, but {{details}}. Through the shared provider role, a bug or a compromised dependency in {{others}} can use them. Move the statement to the functions that need it (serverless-iam-roles-per-function `iamRoleStatements` on the function).',
  },
  defaultOptions: {},
  check(ctx) {
    const needs = functionNeeds(ctx.model, ctx.handlers);
    for (const { statement, roles, functions } of functionStatements(ctx.model)) {
      if (functions.length < 2 || !roles.some((r) => r.id.endsWith(PROVIDER_ROLE) && !r.resource)) continue;
      const all = functions.map((f) => needs.get(f.id));
      if (all.some((n) => n === undefined || n.opaque)) continue;
      const fnNeeds = all as FunctionNeeds[];
      // Each action and the functions that use it; an action nobody uses is iam-unused-permission's.
      const partial: { action: Prop<string>; users: LambdaFunction[] }[] = [];
      for (const action of statement.actions) {
        const pattern = action.value?.trim();
        if (!pattern) continue;
        const users = fnNeeds.filter((n) => grantUsedBy(ctx.model, statement, pattern, n.fn, n.permissions, n.platform)).map((n) => n.fn);
        if (users.length > 0 && users.length < functions.length) partial.push({ action, users });
      }
      if (partial.length === 0) continue;
      const others = functions.filter((f) => !partial.every((p) => p.users.includes(f)));
      const details = partial.map((p) => `${p.action.value!.trim()} is only used by ${listNames(p.users.map((f) => f.name))}`);
      ctx.report({
        messageId: 'shared',
        data: { actions: listNames(partial.map((p) => p.action.value!.trim())), details: listNames(details), others: listNames(others.map((f) => f.name)) },
        loc: partial[0]!.action.loc,
        related: partial.slice(1).map((p) => ({ loc: p.action.loc, message: `${p.action.value!.trim()}: only used by ${listNames(p.users.map((f) => f.name))}` })),
      });
    }
  },
});
