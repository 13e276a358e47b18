import { defineRule } from '@lambda-lint/core';

export default defineRule({
  id: 'suppression-without-reason',
  category: 'suppressions',
  severity: 'warning',
  scope: 'input',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description: 'A suppression comment or CloudFormation Metadata ignore entry that gives no reason for silencing the rule.',
  messages: {
    comment:
      'Suppression of {{ids}} gives no reason: nobody reviewing it later can tell whether it still holds. Add the reason after " -- ", e.g. "lambda-lint-disable-next-line {{first}} -- sized by a load test".',
    metadata:
      'Metadata ignore entry for {{ids}} gives no reason: nobody reviewing it later can tell whether it still holds. Add "reason: <why this is acceptable here>" to the entry.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const s of ctx.suppressions?.suppressions ?? []) {
      // A suppression that names no rule is reported once, by unused-suppression; an enable needs no reason.
      if (s.reason || s.targets.length === 0 || s.kind === 'enable' || s.origin === 'eslint') continue;
      const ids = s.targets.map((t) => t.ruleId);
      ctx.report({
        messageId: s.kind === 'resource' ? 'metadata' : 'comment',
        data: { ids: ids.length ? ids.join(', ') : 'no rule', first: ids[0] ?? '<rule-id>' },
        loc: s.loc,
        ...(s.resource ? { resource: s.resource } : {}),
      });
    }
  },
});
