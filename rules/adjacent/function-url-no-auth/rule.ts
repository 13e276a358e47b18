import { bool, defineRule, get, isMap, type AppModel, type LambdaFunction, type Loc, type Trigger } from '@lambda-lint/core';
import { templateString } from '../../support/values.js';

/** Where a public function URL is configured, or undefined when it requires IAM auth or cannot be known. */
function publicUrl(trigger: Trigger, fn: LambdaFunction, model: AppModel): { loc: Loc; setting: string } | undefined {
  if (trigger.resource || fn.platform !== 'serverless') {
    // CloudFormation `AWS::Lambda::Url`, SAM `FunctionUrlConfig`.
    const authType = trigger.resource ? get(trigger.resource.properties, 'AuthType') : get(trigger.node, 'AuthType');
    if (!authType) return undefined;
    const value = templateString(model, fn.file, authType);
    return value?.toUpperCase() === 'NONE' ? { loc: authType.loc, setting: 'AuthType: NONE' } : undefined;
  }
  // serverless.yml: `url: true`, or `url: { ... }` without `authorizer: aws_iam`.
  const node = trigger.node;
  if (node.kind === 'scalar') return bool(node) === true ? { loc: trigger.loc, setting: '`url: true`, no authorizer' } : undefined;
  if (!isMap(node)) return undefined;
  const authorizer = get(node, 'authorizer');
  if (!authorizer) return { loc: trigger.loc, setting: '`url` without `authorizer: aws_iam`' };
  return undefined;
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
        const found = publicUrl(trigger, fn, ctx.model);
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
