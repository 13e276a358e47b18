import { defineRule, type ApiStage } from '@lambda-lint/core';
import { stageLabel } from '../../support/api.js';

/** Where to configure throttling for this stage, in the user's own format. */
function setting(stage: ApiStage): string {
  const rest = stage.kind === 'rest';
  if (stage.platform === 'serverless' && stage.implicit) {
    return rest
      ? '`provider.apiGateway.usagePlan.throttle` (`burstLimit`, `rateLimit`)'
      : '`resources.extensions.HttpApiStage.Properties.DefaultRouteSettings` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)';
  }
  if (stage.platform === 'sam' && stage.implicit) {
    return rest
      ? '`Globals.Api.MethodSettings` (`ResourcePath: "/*"`, `HttpMethod: "*"`, `ThrottlingBurstLimit`, `ThrottlingRateLimit`)'
      : '`Globals.HttpApi.DefaultRouteSettings` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)';
  }
  if (stage.platform === 'cdk') {
    return rest ? '`deployOptions.throttlingBurstLimit` / `throttlingRateLimit`' : '`throttle: { burstLimit, rateLimit }` on the stage';
  }
  if (stage.resource?.type === 'AWS::ApiGateway::Deployment') return '`StageDescription.ThrottlingBurstLimit` / `ThrottlingRateLimit`';
  return rest
    ? '`MethodSettings` (`ResourcePath: "/*"`, `HttpMethod: "*"`, `ThrottlingBurstLimit`, `ThrottlingRateLimit`) or a usage plan `Throttle`'
    : '`DefaultRouteSettings` (`ThrottlingBurstLimit`, `ThrottlingRateLimit`)';
}

export default defineRule({
  id: 'api-throttling',
  category: 'observability',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  defaultOptions: {},
  description:
    'An API Gateway REST or HTTP stage with no throttling (stage or route throttle settings, a usage plan throttle): one client can consume the account\'s Lambda concurrency.',
  messages: {
    missing:
      '{{name}} has no throttling: only the account-wide API Gateway limit (10,000 requests/s) applies, so one client or a retry storm can take the whole account\'s Lambda concurrency and throttle every other function. Set {{setting}} to what the backend can sustain.',
  },
  check(ctx) {
    for (const stage of ctx.model.apis) {
      if (stage.kind === 'websocket' || stage.throttling.length > 0) continue;
      ctx.report({ messageId: 'missing', data: { name: stageLabel(stage), setting: setting(stage) }, loc: stage.loc, resource: stage.resource?.constructPath ?? stage.name });
    }
  },
});
