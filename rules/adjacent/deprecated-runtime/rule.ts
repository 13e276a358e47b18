import { defineRule, propAlternatives, type LambdaFunction, type Prop } from '@lambda-lint/core';
import { runtimeLifecycle, type RuntimeLifecycle } from '../../support/runtimes.js';
import { inheritedNote } from '../../support/values.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from `today` (UTC day) to an ISO date; negative when the date has passed. */
function daysUntil(isoDate: string, today: Date): number {
  const target = Date.parse(`${isoDate}T00:00:00Z`);
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.round((target - start) / DAY_MS);
}

interface Group {
  prop: Prop<string>;
  runtime: string;
  lifecycle: RuntimeLifecycle;
  days: number;
  fns: LambdaFunction[];
}

export default defineRule({
  id: 'deprecated-runtime',
  category: 'adjacent',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A runtime past its AWS deprecation date (error) or within 180 days of it (warning), from a dated table of Lambda runtimes; the message names the date and the runtime to move to.',
  messages: {
    deprecated:
      '{{names}}: runtime {{runtime}} ({{label}}){{from}} was deprecated on {{date}}: it gets no more security patches or technical support, and Lambda then blocks creating and later updating functions on it, so a routine deploy starts to fail. Upgrade to {{successor}} and test the handler on it.',
    soon:
      '{{names}}: runtime {{runtime}} ({{label}}){{from}} is deprecated on {{date}}, in {{days}} days: after that it gets no security patches, and Lambda then blocks creating and updating functions on it. Plan the upgrade to {{successor}} now.',
  },
  defaultOptions: { warnDays: 180 },
  check(ctx) {
    // A provider / Globals runtime shared by several functions is one problem with one fix: report it once.
    const groups = new Map<string, Group>();
    for (const fn of ctx.model.functions) {
      if (!fn.runtime) continue;
      for (const alt of propAlternatives(fn.runtime)) {
        if (alt.value === undefined) continue;
        const lifecycle = runtimeLifecycle(alt.value);
        if (!lifecycle) continue;
        const days = daysUntil(lifecycle.deprecated, ctx.today);
        if (days > ctx.options.warnDays) continue;
        const l = alt.loc;
        const key = `${l.file}\0${l.line}:${l.column}:${l.endLine}:${l.endColumn}`;
        const inheritedFrom = alt.inheritedFrom ?? fn.runtime.inheritedFrom;
        const prop: Prop<string> = inheritedFrom ? { ...alt, inheritedFrom } : alt;
        const group: Group = groups.get(key) ?? { prop, runtime: alt.value, lifecycle, days, fns: [] };
        if (!group.fns.includes(fn)) group.fns.push(fn);
        groups.set(key, group);
      }
    }
    for (const { prop, runtime, lifecycle, days, fns } of groups.values()) {
      const fn = fns[0]!;
      const past = days <= 0;
      ctx.report({
        messageId: past ? 'deprecated' : 'soon',
        severity: past ? 'error' : 'warning',
        data: {
          names: fns.map((f) => f.name).join(', '),
          runtime,
          label: lifecycle.label,
          from: inheritedNote(prop, fn.platform === 'serverless' ? 'runtime' : 'Runtime'),
          date: lifecycle.deprecated,
          days,
          successor: lifecycle.successor === runtime.toLowerCase() ? 'the newest runtime of the language' : lifecycle.successor,
        },
        loc: prop.loc,
        ...(fns.length === 1 ? { fn } : {}),
      });
    }
  },
});
