import { describe, expect, it } from 'vitest';
import { ConfigError, resolveRules, runRules, type LintConfig } from './engine.js';
import { emptyModel } from './model.js';
import { defineRule, type AnyRule } from './rule.js';

/** A rule reporting once in each of two files, its message naming the options it ran with. */
const rule = (id: string, severity: 'error' | 'warning' | 'info', defaultOptions: Record<string, unknown> = {}, experimental = false): AnyRule =>
  defineRule({
    id,
    category: 'cost',
    severity,
    scope: 'infra',
    platforms: ['serverless'],
    description: id,
    messages: { m: '{{options}}' },
    defaultOptions,
    ...(experimental ? { experimental } : {}),
    check(ctx) {
      for (const file of ['/p/a/serverless.yml', '/p/b/serverless.yml']) {
        ctx.report({ messageId: 'm', data: { options: JSON.stringify(ctx.options) }, loc: { file, line: 1, column: 1, endLine: 1, endColumn: 2 } });
      }
    },
  });

const rules = [rule('memory-size', 'warning', { limit: 1 }), rule('explicit-timeout', 'error', { seconds: 900 }), rule('new-rule', 'info', {}, true), rule('plain-rule', 'info')];

const config = (): LintConfig => ({
  rules: { 'explicit-timeout': ['warning', { seconds: 30 }] },
  overrides: [
    { files: ['b/**'], rules: { 'memory-size': ['error', { limit: 2 }], 'new-rule': 'warning' } },
    { files: ['a/**'], rules: { 'explicit-timeout': 'off' } },
  ],
  ignore: ['c/**'],
});

/** Frozen with everything it holds, as the ESLint plugin's shared settings are. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const run = (r: readonly AnyRule[], c: LintConfig) => runRules({ model: emptyModel('/p'), rules: r, config: c });

describe('settings derived once for frozen rules and configuration', () => {
  it('gives the findings of a run with the same settings as mutable objects, run after run', () => {
    const eager = run([...rules], config());
    // Per file: b's overrides (options variants, a rule off by default on there), a's rule turned off.
    expect(eager.map((f) => `${f.ruleId} ${f.severity} ${f.loc.file} ${f.message}`).sort()).toEqual([
      'explicit-timeout warning /p/b/serverless.yml {"seconds":30}',
      'memory-size error /p/b/serverless.yml {"limit":2}',
      'memory-size warning /p/a/serverless.yml {"limit":1}',
      'new-rule warning /p/b/serverless.yml {}',
      'plain-rule info /p/a/serverless.yml {}',
      'plain-rule info /p/b/serverless.yml {}',
    ]);
    const frozenRules = Object.freeze([...rules]);
    const frozenConfig = deepFreeze(config());
    for (let i = 0; i < 3; i++) expect(run(frozenRules, frozenConfig)).toEqual(eager);
    expect(resolveRules(frozenRules, frozenConfig)).toEqual(resolveRules([...rules], config()));
  });

  it('derives anew for another rule list with the same configuration', () => {
    const frozenConfig = deepFreeze(config());
    const all = Object.freeze([...rules]);
    const some = Object.freeze(rules.filter((r) => r.id !== 'plain-rule'));
    expect(run(all, frozenConfig).some((f) => f.ruleId === 'plain-rule')).toBe(true);
    expect(run(some, frozenConfig)).toEqual(run([...some], config()));
    expect(run(some, frozenConfig).some((f) => f.ruleId === 'plain-rule')).toBe(false);
    expect(run(all, frozenConfig)).toEqual(run([...rules], config()));
  });

  it('reads a configuration that is not frozen through anew on every run (a change is seen)', () => {
    const frozenRules = Object.freeze([...rules]);
    // Frozen at the top only: what it holds can change, so nothing is kept by it.
    const c: LintConfig = Object.freeze({ rules: { 'memory-size': ['warning', { limit: 5 }] } satisfies LintConfig['rules'] });
    expect(run(frozenRules, c).find((f) => f.ruleId === 'memory-size')?.message).toBe('{"limit":5}');
    (c.rules as Record<string, unknown>)['memory-size'] = ['warning', { limit: 6 }];
    expect(run(frozenRules, c).find((f) => f.ruleId === 'memory-size')?.message).toBe('{"limit":6}');
    (c.rules as Record<string, unknown>)['memory-size'] = 'off';
    expect(run(frozenRules, c).some((f) => f.ruleId === 'memory-size')).toBe(false);
  });

  it('throws a configuration error on every run, not only the first', () => {
    const frozenRules = Object.freeze([...rules]);
    const bad = deepFreeze({ rules: { 'no-such-rule': 'error' } } as LintConfig);
    expect(() => run(frozenRules, bad)).toThrow(ConfigError);
    expect(() => run(frozenRules, bad)).toThrow(ConfigError);
  });
});
