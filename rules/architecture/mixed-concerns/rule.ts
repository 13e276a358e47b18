import { defineRule, type Trigger, type TriggerType } from '@lambda-lint/core';

/** Request/response HTTP entry points: API Gateway REST and HTTP APIs, ALB, function URLs. */
const HTTP: ReadonlySet<TriggerType> = new Set(['http', 'httpApi', 'alb', 'functionUrl']);

const AUTH_SEGMENT = /^(login|logout|register|token|signin|signup|sign-in|sign-up|log-in|log-out|refresh|auth|oauth2?)$/i;

/**
 * True for an authentication endpoint: a path (optionally `METHOD /path`) with a segment such as
 * `/login`, `/token` or `/refresh`, or under `/auth/...` or `/oauth/...`.
 */
export function isAuthPath(path: string): boolean {
  const m = /^\s*(?:[A-Za-z]+|\*)\s+(\S.*)$/.exec(path);
  const p = (m ? m[1]! : path).trim();
  return p.split('/').some((segment) => AUTH_SEGMENT.test(segment));
}

/** `POST /login`, or the path alone when the method is unknown or part of the path. */
function route(t: Trigger): string {
  const path = t.path?.value ?? '';
  const method = t.method?.value;
  return method !== undefined && method !== path ? `${method.toUpperCase()} ${path}` : path;
}

function describeTrigger(t: Trigger): string {
  const path = t.path?.value;
  switch (t.type) {
    case 'websocket':
      return path !== undefined ? `WebSocket route ${path}` : 'a WebSocket route';
    case 'functionUrl':
      return 'a function URL';
    case 'alb':
      return path !== undefined ? `ALB path ${path}` : 'an ALB target';
    default:
      return path === undefined ? 'an HTTP route' : `HTTP route ${route(t)}`;
  }
}

export default defineRule({
  id: 'mixed-concerns',
  category: 'architecture',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description: 'One function bound to both WebSocket routes and HTTP/REST routes, or to both a WebSocket route and authentication endpoints.',
  messages: {
    websocketAndHttp:
      '{{name}} handles both {{websocket}} and {{http}}: long-lived connection events and request/response routes share one deployment, one IAM role, one memory/timeout setting and one concurrency pool, so a broadcast storm throttles the API and a change to either breaks both. Split it into a WebSocket function and an HTTP function (shared code goes in a library).',
    websocketAndAuth:
      '{{name}} handles both {{websocket}} and the authentication endpoint {{http}}: credential handling shares code, IAM permissions and concurrency with connection management, so a connection flood can lock users out, and secrets for token signing are exposed to every WebSocket event. Move authentication to its own function (or a managed identity service such as Cognito) and keep the WebSocket function to connection handling.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      const websocket = fn.events.find((t) => t.type === 'websocket');
      if (!websocket) continue;
      const http = fn.events.filter((t) => HTTP.has(t.type));
      if (http.length === 0) continue;
      const auth = http.find((t) => t.path?.value !== undefined && isAuthPath(t.path.value));
      const other = auth ?? http[0]!;
      ctx.report({
        messageId: auth ? 'websocketAndAuth' : 'websocketAndHttp',
        data: { name: fn.name, websocket: describeTrigger(websocket), http: auth ? route(auth) : describeTrigger(other) },
        loc: fn.loc,
        fn,
        related: [
          { loc: websocket.loc, message: describeTrigger(websocket) },
          { loc: other.loc, message: auth ? `authentication endpoint ${route(auth)}` : describeTrigger(other) },
        ],
      });
    }
  },
});
