import { defineRule, type Category, type Severity } from '@lambda-lint/core';

const ALL_PLATFORMS = ['serverless', 'cloudformation', 'sam', 'cdk'] as const;

/** Input diagnostics are raised while reading; this rule turns them into findings so config and severity apply. */
export function diagnosticRule(id: string, severity: Severity, description: string, category: Category = 'input') {
  return defineRule({
    id,
    category,
    severity,
    scope: 'input',
    platforms: ALL_PLATFORMS,
    description,
    messages: { diagnostic: '{{message}}' },
    defaultOptions: {},
    check(ctx) {
      for (const d of ctx.model.diagnostics) {
        if (d.ruleId !== id) continue;
        const fn = d.function ? ctx.model.functions.find((f) => f.name === d.function && f.loc.file === d.loc.file) : undefined;
        ctx.report({
          messageId: 'diagnostic',
          data: { message: d.message },
          loc: d.loc,
          ...(fn ? { fn } : {}),
          ...(d.resource ? { resource: d.resource } : {}),
        });
      }
    },
  });
}
