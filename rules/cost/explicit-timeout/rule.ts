import { defineRule } from '@lambda-lint/core';
import { LAMBDA_LIMITS, PLATFORM_DEFAULTS } from '../../support/platform.js';

export default defineRule({
  id: 'explicit-timeout',
  category: 'cost',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description: 'Timeout not set (the 3 s / 6 s default applies) or set to the 900 s maximum.',
  messages: {
    missing:
      '{{name}}: no timeout is set, so the {{platform}} default of {{seconds}} s applies. A default is a guess: too short and slow downstream calls fail, too long and stuck calls bill. Set `{{key}}` to the longest expected run, e.g. 2x the p99 duration.',
    maximum:
      '{{name}}: timeout {{seconds}} s is the platform maximum; a stuck call bills up to 15 min and holds concurrency. Set it to the longest expected run, e.g. 2x the p99 duration.',
  },
  defaultOptions: { maximumSeconds: LAMBDA_LIMITS.maxTimeoutSeconds as number },
  check(ctx) {
    for (const fn of ctx.model.functions) {
      const timeout = fn.timeout;
      if (!timeout) {
        const defaults = PLATFORM_DEFAULTS[fn.platform];
        ctx.report({
          messageId: 'missing',
          data: { name: fn.name, platform: defaults.label, seconds: defaults.timeoutSeconds, key: fn.platform === 'serverless' ? 'timeout' : 'Timeout' },
          loc: fn.loc,
          fn,
        });
      } else if (timeout.value !== undefined && timeout.value >= ctx.options.maximumSeconds) {
        ctx.report({ messageId: 'maximum', data: { name: fn.name, seconds: timeout.value }, loc: timeout.loc, fn });
      }
    }
  },
});
