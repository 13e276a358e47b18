import { defineRule, propAlternatives, type LambdaFunction, type Loc, type Prop } from '@lambda-lint/core';
import { LAMBDA_LIMITS, PLATFORM_DEFAULTS } from '../../support/platform.js';

const FORMER_MAXIMUM_MB = 3008;

function consequenceOf(mb: number): string {
  return mb <= 256
    ? `${mb} MB also means a small slice of CPU (Lambda allocates CPU in proportion to memory), so cold starts and CPU-bound work are slow and may run into the timeout`
    : `${mb} MB is a guess that either pays for memory the function never uses or starves a heavy one (CPU is allocated in proportion to memory)`;
}

function reasonOf(mb: number): string {
  if (mb === LAMBDA_LIMITS.maxMemoryMb) return 'the platform maximum';
  if (mb === FORMER_MAXIMUM_MB) return 'the former platform maximum';
  return 'a value on the list of suspicious sizes';
}

export default defineRule({
  id: 'memory-size',
  category: 'cost',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description: 'Memory not right-sized: not set (the 128 MB / 1024 MB platform default applies) or set to a copied maximum such as 3008 or 10240 MB.',
  messages: {
    missing:
      '{{name}}: no memory size is set, so the {{platform}} default of {{mb}} MB applies; {{consequence}}. Measure it (e.g. AWS Lambda Power Tuning, or "Max Memory Used" from the REPORT log lines x 1.5) and set `{{key}}`.',
    suspicious:
      '{{names}}: memory {{mb}} MB{{from}} is {{reason}}, a value usually copied rather than measured; every millisecond is billed at {{factor}}x the price of 1024 MB. Measure the function (e.g. AWS Lambda Power Tuning, or "Max Memory Used" from the REPORT log lines x 1.5) and set `{{key}}` to what it needs.',
  },
  defaultOptions: { suspiciousValues: [FORMER_MAXIMUM_MB, LAMBDA_LIMITS.maxMemoryMb] as number[] },
  check(ctx) {
    const suspicious = new Set(ctx.options.suspiciousValues);
    // A provider / Globals value shared by several functions is one problem with one fix: report it once.
    const shared = new Map<string, { prop: Prop<number>; fns: LambdaFunction[] }>();
    for (const fn of ctx.model.functions) {
      const memory = fn.memorySize;
      const key = keyOf(fn);
      if (!memory) {
        const defaults = PLATFORM_DEFAULTS[fn.platform];
        ctx.report({
          messageId: 'missing',
          data: { name: fn.name, platform: defaults.label, mb: defaults.memoryMb, consequence: consequenceOf(defaults.memoryMb), key },
          loc: fn.loc,
          fn,
        });
        continue;
      }
      for (const alt of propAlternatives(memory)) {
        if (alt.value === undefined || !suspicious.has(alt.value)) continue;
        const k = locKey(alt.loc);
        const group = shared.get(k) ?? { prop: { ...alt, ...(memory.inheritedFrom ? { inheritedFrom: memory.inheritedFrom } : {}) }, fns: [] };
        if (!group.fns.includes(fn)) group.fns.push(fn);
        shared.set(k, group);
      }
    }
    for (const { prop, fns } of shared.values()) {
      const mb = prop.value!;
      const fn = fns[0]!;
      const from = prop.inheritedFrom === 'provider' ? ' (from provider.memorySize)' : prop.inheritedFrom === 'globals' ? ' (from Globals.Function.MemorySize)' : '';
      ctx.report({
        messageId: 'suspicious',
        data: {
          names: fns.map((f) => f.name).join(', '),
          mb,
          from,
          reason: reasonOf(mb),
          factor: Math.round((mb / 1024) * 10) / 10,
          key: keyOf(fn),
        },
        loc: prop.loc,
        ...(fns.length === 1 ? { fn } : {}),
      });
    }
  },
});

/** The setting's name as the user writes it: serverless.yml and CDK props in camel case, templates in Pascal case. */
function keyOf(fn: LambdaFunction): string {
  return fn.platform === 'serverless' || fn.platform === 'cdk' ? 'memorySize' : 'MemorySize';
}

function locKey(l: Loc): string {
  return `${l.file}\0${l.line}:${l.column}:${l.endLine}:${l.endColumn}`;
}
