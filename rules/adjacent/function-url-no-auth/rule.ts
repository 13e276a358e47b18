import { defineRule, type LambdaFunction, type Loc, type Trigger } from '@lambda-lint/core';

/** Where a public function URL is configured, or undefined when it requires IAM auth or cannot be known. */
function publicUrl(trigger: Trigger, fn: LambdaFunction): { loc: Loc; setting: string } | undefined {
  const auth = trigger.authType;
  if (auth?.value !== 'NONE') return undefined;
  if (fn.platform !== 'serverless' || trigger.resource) return { loc: auth.loc, setting: 'AuthType: NONE' };
  // serverless.yml: the readers normalized `url: true` / `url` without `authorizer: aws_iam` to NONE.
  const setting = trigger.node.kind === 'scalar' ? '`url: true`, no authorizer' : '`url` without `authorizer: aws_iam`';
  return { loc: auth.loc, setting };
}

export default defineRule({
  id: 'function-url-no-auth',
  category: 'adjacent',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description: 'A Lambda function URL with AuthType NONE (`url: true` or `url` without `authorizer: aws_iam` in serverless.yml): a public, unthrottled endpoint.',
  messages: {
    public:
      '{{name}}: its function URL is public ({{setting}}): anyone who finds the URL can invoke the function, with no authorizer, throttling, WAF or API key in front of it, and every call is billed. {{fix}}, or serve it through API Gateway with an authorizer; if it is public on purpose (e.g. a webhook that verifies a signature in the handler), suppress this finding and give that reason.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      for (const trigger of fn.events) {
        if (trigger.type !== 'functionUrl') continue;
        const found = publicUrl(trigger, fn);
        if (!found) continue;
        const fix =
          fn.platform === 'serverless' && !trigger.resource
            ? 'Set `url: { authorizer: aws_iam }` so callers must sign requests (for browsers, put CloudFront with origin access control in front)'
            : 'Set `AuthType: AWS_IAM` so callers must sign requests (for browsers, put CloudFront with origin access control in front)';
        ctx.report({
          messageId: 'public',
          data: { name: fn.name, setting: found.setting, fix },
          loc: found.loc,
          fn,
          ...(trigger.resource ? { resource: trigger.resource.constructPath ?? trigger.resource.logicalId } : {}),
        });
      }
    }
  },
});
