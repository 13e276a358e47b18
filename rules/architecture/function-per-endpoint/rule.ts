import { compareLoc, defineRule, get, type IamStatement, type LambdaFunction, type Prop, type Trigger, type Value } from '@lambda-lint/core';
import { PLATFORM_DEFAULTS } from '../../support/platform.js';

/** How many names the message lists before "and N more". */
const LISTED_NAMES = 5;
const RELATED = 5;

/** A value as text without its location, so that equal configuration compares equal wherever it is written. */
export function canonical(v: Value | undefined): string {
  if (!v) return '';
  switch (v.kind) {
    case 'scalar':
      return JSON.stringify(v.value);
    case 'unknown':
      return `?${v.text}`;
    case 'seq':
      return `[${v.items.map(canonical).join(',')}]`;
    case 'map':
      return `{${v.entries.map((e) => `${JSON.stringify(e.key)}:${canonical(e.value)}`).join(',')}}`;
  }
}

function texts(props: Prop<string>[], lower = false): string {
  const out = props.map((p) => (p.value !== undefined ? (lower ? p.value.toLowerCase() : p.value) : canonical(p.node)));
  return JSON.stringify([...new Set(out)].sort());
}

function statementKey(s: IamStatement): string {
  return [s.effect.value ?? canonical(s.effect.node), texts(s.actions, true), texts(s.notActions, true), texts(s.resources), texts(s.notResources)].join('|');
}

/** The function's permissions as text: its role's statements and managed policies, or the external role it names. */
export function permissionsKey(fn: LambdaFunction): string {
  if (fn.role) {
    const statements = [...new Set(fn.role.statements.map(statementKey))].sort();
    const managed = [...new Set(fn.role.managedPolicies.map((p) => `${p.value ?? ''}${canonical(p.node)}`))].sort();
    return JSON.stringify([statements, managed]);
  }
  // A role outside the application (an ARN, an import): the same reference means the same role.
  return `external:${canonical(get(fn.node, 'role') ?? get(fn.resource?.properties, 'Role'))}`;
}

interface Effective {
  memory: number;
  timeout: number;
  runtime: string;
}

/** Memory, timeout and runtime as they apply at run time; undefined when one cannot be known offline. */
function effective(fn: LambdaFunction): Effective | undefined {
  const defaults = PLATFORM_DEFAULTS[fn.platform];
  const memory = fn.memorySize ? fn.memorySize.value : defaults.memoryMb;
  const timeout = fn.timeout ? fn.timeout.value : defaults.timeoutSeconds;
  const runtime = fn.runtime ? fn.runtime.value : '';
  if (memory === undefined || timeout === undefined || runtime === undefined) return undefined;
  return { memory, timeout, runtime };
}

function onlyRoute(fn: LambdaFunction): Trigger | undefined {
  if (fn.events.length !== 1) return undefined;
  const t = fn.events[0]!;
  return t.type === 'http' || t.type === 'httpApi' ? t : undefined;
}

function routeText(t: Trigger): string {
  const path = t.path?.value;
  const method = t.method?.value;
  if (path === undefined) return 'an HTTP route';
  return method !== undefined && method !== path ? `${method.toUpperCase()} ${path}` : path;
}

/** The first literal path segment (`/brands/{id}` -> `/brands`): routes on one resource are candidates for one function. */
export function resourceOf(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const segment = path
    .trim()
    .split('/')
    .find((s) => s !== '' && !s.startsWith('{') && !s.startsWith(':') && s !== '*');
  return segment === undefined ? undefined : `/${segment}`;
}

interface Member {
  fn: LambdaFunction;
  route: Trigger;
  settings: Effective;
}

export default defineRule({
  id: 'function-per-endpoint',
  category: 'architecture',
  severity: 'info',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Too granular: more than 10 functions that each have exactly one HTTP event and identical memory, timeout, runtime and IAM statements.',
  messages: {
    tooGranular:
      '{{count}} functions ({{names}}) each serve one HTTP route with identical settings (memory {{memory}} MB, timeout {{timeout}} s, runtime {{runtime}}) and identical IAM permissions. Each is deployed, cold-started, logged and alarmed on its own while nothing sets them apart. Consider one function per resource with a router{{resources}}: fewer cold starts, fewer log groups and alarms, faster deployments; the trade-off is a shared blast radius, the union of the routes\' permissions and per-route metrics that then come from API Gateway or your logs. Keep a route separate when it needs different memory, permissions or scaling.',
  },
  defaultOptions: { threshold: 10 },
  check(ctx) {
    const groups = new Map<string, Member[]>();
    for (const fn of ctx.model.functions) {
      const route = onlyRoute(fn);
      const settings = route ? effective(fn) : undefined;
      if (!route || !settings) continue;
      // One stack or service at a time: routes of different services cannot share a function.
      const key = JSON.stringify([fn.file, settings.memory, settings.timeout, settings.runtime, permissionsKey(fn)]);
      const group = groups.get(key) ?? [];
      group.push({ fn, route, settings });
      groups.set(key, group);
    }
    for (const group of groups.values()) {
      if (group.length <= ctx.options.threshold) continue;
      group.sort((a, b) => compareLoc(a.fn.loc, b.fn.loc));
      const first = group[0]!;
      const names = group.slice(0, LISTED_NAMES).map((m) => m.fn.name);
      const more = group.length - names.length;
      const byResource = new Map<string, number>();
      for (const m of group) {
        const resource = resourceOf(m.route.path?.value);
        if (resource) byResource.set(resource, (byResource.get(resource) ?? 0) + 1);
      }
      const shared = [...byResource].filter(([, n]) => n > 1).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const resources = shared.length > 0 ? ` (e.g. ${shared.slice(0, 3).map(([r, n]) => `${r}: ${n} routes`).join(', ')})` : '';
      ctx.report({
        messageId: 'tooGranular',
        data: {
          count: group.length,
          names: more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', '),
          memory: first.settings.memory,
          timeout: first.settings.timeout,
          runtime: first.settings.runtime || 'not set',
          resources,
        },
        loc: first.fn.loc,
        fn: first.fn,
        related: group.slice(1, RELATED + 1).map((m) => ({ loc: m.fn.loc, message: `${m.fn.name} serves ${routeText(m.route)} with the same settings` })),
      });
    }
  },
});
