import { defineRule, type SuppressionStatus } from '@lambda-lint/core';

/** What the suppression covers, for the message. */
function scopeOf(status: SuppressionStatus): string {
  const s = status.suppression;
  if (s.kind === 'resource') return `resource ${s.resource ?? ''}`.trim();
  return status.toLine === s.fromLine ? `line ${s.fromLine}` : `lines ${s.fromLine}-${status.toLine}`;
}

export default defineRule({
  id: 'unused-suppression',
  category: 'suppressions',
  severity: 'info',
  scope: 'input',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A suppression that suppresses nothing: its rule reported nothing where it applies, the rule id does not exist, the rule is mandatory, or it names no rule.',
  messages: {
    unused:
      '"{{id}}" is suppressed here but reported nothing on {{scope}}: the suppression is stale and would silently hide a future finding there. Remove it.',
    unknownRule: '"{{id}}" is not a lambda-lint rule{{hint}}, so this suppression silences nothing. Fix the id (`lambda-lint rules` lists them).',
    mandatory:
      '"{{id}}" is mandatory in this project\'s configuration and cannot be suppressed: its findings stay reported. Fix the finding, or change "mandatory" in the configuration.',
    noRuleId: 'This suppression names no rule, so it silences nothing. List the rule ids it is for, e.g. "lambda-lint-disable-next-line memory-size -- <reason>".',
  },
  defaultOptions: {},
  check(ctx) {
    const outcome = ctx.suppressions;
    if (!outcome) return;
    // ESLint judges its own `eslint-disable` comments.
    for (const s of outcome.suppressions) {
      if (s.targets.length === 0 && s.kind !== 'enable') ctx.report({ messageId: 'noRuleId', loc: s.loc, ...(s.resource ? { resource: s.resource } : {}) });
    }
    for (const status of outcome.statuses) {
      const { suppression: s, target } = status;
      if (s.origin === 'eslint') continue;
      const common = { loc: target.loc, ...(s.resource ? { resource: s.resource } : {}) };
      if (status.state === 'unused') ctx.report({ messageId: 'unused', data: { id: target.ruleId, scope: scopeOf(status) }, ...common });
      else if (status.state === 'mandatory') ctx.report({ messageId: 'mandatory', data: { id: target.ruleId }, ...common });
      else if (status.state === 'unknown-rule') {
        ctx.report({ messageId: 'unknownRule', data: { id: target.ruleId, hint: status.suggestion ? ` (did you mean "${status.suggestion}"?)` : '' }, ...common });
      }
    }
  },
});
