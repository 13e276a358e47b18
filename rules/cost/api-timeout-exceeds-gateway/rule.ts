import { defineRule, get, templateText, type AppModel, type LambdaFunction, type Trigger, type Value } from '@lambda-lint/core';
import { LAMBDA_LIMITS } from '../../support/platform.js';
import { effectiveTimeouts, inheritedNote, templateNumber } from '../../support/values.js';

type GatewayType = 'http' | 'httpApi' | 'websocket';

const GATEWAY_NAMES: Record<GatewayType, string> = {
  http: 'API Gateway REST API',
  httpApi: 'API Gateway HTTP API',
  websocket: 'API Gateway WebSocket API',
};

interface Options {
  restApiSeconds: number;
  httpApiSeconds: number;
  websocketSeconds: number;
}

interface Limit {
  seconds: number;
  /** Set when the integration has its own `TimeoutInMillis`. */
  custom: boolean;
  trigger: Trigger;
}

/** The integration's own `TimeoutInMillis`: `undefined` when not set, `null` when set but unknown offline. */
function integrationTimeoutMs(trigger: Trigger, fn: LambdaFunction, model: AppModel): number | null | undefined {
  const r = trigger.resource;
  let node: Value | undefined;
  if (!r) {
    // SAM `Api` / `HttpApi` event.
    node = get(trigger.node, 'Properties', 'TimeoutInMillis');
  } else if (r.type === 'AWS::ApiGateway::Method') {
    node = get(r.properties, 'Integration', 'TimeoutInMillis');
  } else if (r.type === 'AWS::ApiGatewayV2::Route') {
    const target = templateText(get(r.properties, 'Target')) ?? '';
    for (const m of target.matchAll(/\$\{([A-Za-z0-9]+)\}|integrations\/([A-Za-z0-9]+)/g)) {
      const id = m[1] ?? m[2];
      const integration = model.resources.find((x) => x.file === r.file && x.logicalId === id && x.type === 'AWS::ApiGatewayV2::Integration');
      if (integration) node = get(integration.properties, 'TimeoutInMillis');
    }
  }
  if (!node) return undefined;
  return templateNumber(model, fn.file, node) ?? null;
}

function limitOf(trigger: Trigger, fn: LambdaFunction, model: AppModel, options: Options): Limit | undefined {
  const type = trigger.type as GatewayType;
  const ms = integrationTimeoutMs(trigger, fn, model);
  if (ms === null) return undefined;
  if (ms !== undefined) return { seconds: ms / 1000, custom: true, trigger };
  const seconds = type === 'http' ? options.restApiSeconds : type === 'httpApi' ? options.httpApiSeconds : options.websocketSeconds;
  return { seconds, custom: false, trigger };
}

export default defineRule({
  id: 'api-timeout-exceeds-gateway',
  category: 'cost',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function behind API Gateway (REST, HTTP or WebSocket API) whose timeout is above the integration timeout (29 s REST and WebSocket, 30 s HTTP API): the client gets a 504 while the function keeps running and billing.',
  messages: {
    exceeds:
      '{{name}}: timeout {{seconds}} s{{from}} is above the {{limit}} s integration timeout ({{source}}) of its {{gateway}} route {{route}}: after {{limit}} s the client gets a 504 while the function keeps running, and billing, for up to {{seconds}} s, and client retries pile more work on top. Set the timeout to at most {{limit}} s, or move the long work out of the request (queue it, return 202 and let the client poll).',
  },
  defaultOptions: {
    restApiSeconds: LAMBDA_LIMITS.restApiIntegrationTimeoutSeconds as number,
    httpApiSeconds: LAMBDA_LIMITS.httpApiIntegrationTimeoutSeconds as number,
    websocketSeconds: LAMBDA_LIMITS.restApiIntegrationTimeoutSeconds as number,
  },
  check(ctx) {
    for (const fn of ctx.model.functions) {
      const limits = fn.events
        // An asynchronous integration (`http: { async: true }`) answers at once and does not wait for the function.
        .filter((t) => (t.type === 'http' || t.type === 'httpApi' || t.type === 'websocket') && t.invocation !== 'async')
        .map((t) => limitOf(t, fn, ctx.model, ctx.options))
        .filter((l): l is Limit => l !== undefined);
      if (limits.length === 0) continue;
      for (const timeout of effectiveTimeouts(fn)) {
        const exceeded = limits.filter((l) => timeout.seconds > l.seconds).sort((a, b) => a.seconds - b.seconds);
        const tightest = exceeded[0];
        if (!tightest) continue;
        const t = tightest.trigger;
        const route = [t.method?.value, t.path?.value].filter((x) => x !== undefined && x !== '').join(' ') || '(unnamed)';
        ctx.report({
          messageId: 'exceeds',
          data: {
            name: fn.name,
            seconds: timeout.seconds,
            from: timeout.prop
              ? inheritedNote(timeout.prop.inheritedFrom ? timeout.prop : fn.timeout, fn.platform === 'serverless' ? 'timeout' : 'Timeout')
              : ' (the platform default)',
            limit: tightest.seconds,
            gateway: GATEWAY_NAMES[t.type as GatewayType],
            source: tightest.custom ? `TimeoutInMillis ${tightest.seconds * 1000}` : 'the default',
            route,
          },
          loc: timeout.prop?.loc ?? fn.loc,
          fn,
          related: exceeded.slice(0, 3).map((l) => ({ loc: l.trigger.loc, message: `${GATEWAY_NAMES[l.trigger.type as GatewayType]} integration, ${l.seconds} s timeout` })),
        });
      }
    }
  },
});
