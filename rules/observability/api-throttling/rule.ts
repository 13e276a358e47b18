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
    'An API Gateway REST or HTTP stage with no stage-wide throttling (stage throttle settings, a usage plan throttle; per-route limits alone leave the other routes open): one client can consume the account\'s Lambda concurrency.',
  messages: {
    routesOnly:
      '{{name}} throttles only {{routes}}: every other route, and each route added later, has only the account-wide API Gateway limit (10,000 requests/s), so one client or a retry storm on them can take the whole account\'s Lambda concurrency. Set {{setting}} as the stage-wide default; per-route limits can then refine it.',
    missing:
      '{{name}} has no throttling: only the account-wide API Gateway limit (10,000 requests/s) applies, so one client or a retry storm can take the whole account\'s Lambda concurrency and throttle every other function. Set {{setting}} to what the backend can sustain.',
  },
  check(ctx) {
    for (const stage of ctx.model.apis) {
      // A route throttle covers its own route only (serverless-rules ES2003 and cdk-nag agree): the stage needs a default.
      if (stage.kind === 'websocket' || stage.throttling.some((t) => t.scope !== 'route')) continue;
      const data = { name: stageLabel(stage), setting: setting(stage) };
      const common = { loc: stage.loc, resource: stage.resource?.constructPath ?? stage.name };
      const routes = stage.throttling;
      if (routes.length === 0) {
        ctx.report({ messageId: 'missing', data, ...common });
        continue;
      }
      const names = routes.map((t) => t.route ?? 'one route');
      ctx.report({
        messageId: 'routesOnly',
        data: { ...data, routes: names.join(', ') },
        ...common,
        related: routes.map((t, i) => ({ loc: t.loc, message: `throttles ${names[i]} only` })),
      });
    }
  },
});
