import { describe, expect, it } from 'vitest';
import { globToRegExp, matchesAny } from './config-glob.js';
import { effectiveRules, isIgnored, optionsSchemaOf, presetRules, printableConfig, toLintConfig, validateConfig, type UserConfig } from './config.js';
import { defineRule, type AnyRule } from './rule.js';

const rule = (id: string, severity: 'error' | 'warning' | 'info', defaultOptions: object = {}, experimental = false): AnyRule =>
  defineRule({ id, category: 'cost', severity, scope: 'infra', platforms: ['serverless'], description: id, messages: { m: id }, defaultOptions, ...(experimental ? { experimental } : {}), check() {} });

const rules = [
  rule('memory-size', 'warning', { suspiciousValues: [3008, 10240] }),
  rule('explicit-timeout', 'warning', { maximumSeconds: 900 }),
  rule('iam-wildcard-action', 'error'),
  rule('no-custom-metrics', 'info', { minFunctions: 3 }),
  rule('shiny-new-rule', 'warning', {}, true),
];

describe('validateConfig', () => {
  it('accepts a complete configuration', () => {
    const config: UserConfig = {
      $schema: './schema.json',
      extends: ['recommended'],
      rules: { 'memory-size': 'off', 'explicit-timeout': ['error', { maximumSeconds: 300 }] },
      ignore: ['legacy/**'],
      overrides: [{ files: ['services/batch/**'], rules: { 'explicit-timeout': 'off' } }],
      mandatory: ['iam-wildcard-action'],
    };
    expect(validateConfig(config, rules)).toEqual([]);
  });

  it('reports an unknown rule id with a suggestion, at its key', () => {
    expect(validateConfig({ rules: { 'memroy-size': 'warning' } }, rules)).toEqual([
      { path: ['rules', 'memroy-size'], message: 'unknown rule "memroy-size"; did you mean "memory-size"?' },
    ]);
    expect(validateConfig({ mandatory: ['iam-wildcard'] }, rules)[0]!.path).toEqual(['mandatory', 0]);
    expect(validateConfig({ overrides: [{ files: ['a'], rules: { nope: 'off' } }] }, rules)[0]!.path).toEqual(['overrides', 0, 'rules', 'nope']);
  });

  it('reports a bad severity with a suggestion', () => {
    const [p] = validateConfig({ rules: { 'memory-size': 'warn' } }, rules);
    expect(p!.message).toContain('did you mean "warning"?');
    expect(validateConfig({ rules: { 'memory-size': ['fatal'] } }, rules)[0]!.path).toEqual(['rules', 'memory-size', 0]);
  });

  it('validates options against the schema derived from the defaults', () => {
    expect(validateConfig({ rules: { 'explicit-timeout': ['error', { maximumSecond: 300 }] } }, rules)).toEqual([
      { path: ['rules', 'explicit-timeout', 1, 'maximumSecond'], message: 'rule "explicit-timeout": unknown option "maximumSecond"; did you mean "maximumSeconds"?' },
    ]);
    expect(validateConfig({ rules: { 'explicit-timeout': ['error', { maximumSeconds: 'long' }] } }, rules)[0]!.message).toBe(
      'rule "explicit-timeout": expected a whole number, found "long"',
    );
    expect(validateConfig({ rules: { 'memory-size': ['warning', { suspiciousValues: [3008, 'x'] }] } }, rules)[0]!.path).toEqual([
      'rules',
      'memory-size',
      1,
      'suspiciousValues',
      1,
    ]);
    expect(validateConfig({ rules: { 'iam-wildcard-action': ['error', { any: 1 }] } }, rules)[0]!.message).toContain('this rule has no options');
  });

  it('reports unknown keys, presets and malformed overrides', () => {
    expect(validateConfig({ rule: {} }, rules)[0]!.message).toBe('unknown key "rule"; did you mean "rules"?');
    expect(validateConfig({ extends: 'strickt' }, rules)[0]!.message).toContain('did you mean "strict"?');
    expect(validateConfig({ overrides: [{ rules: {} }] }, rules)[0]!.message).toContain('non-empty list of glob patterns');
    expect(validateConfig({ ignore: 'legacy' }, rules)[0]!.message).toContain('expected a list of glob patterns');
    expect(validateConfig([], rules)[0]!.message).toContain('must be an object');
  });
});

describe('presets', () => {
  it('recommended keeps the defaults and leaves experimental rules off', () => {
    expect(presetRules('recommended', rules)).toEqual({
      'memory-size': 'warning',
      'explicit-timeout': 'warning',
      'iam-wildcard-action': 'error',
      'no-custom-metrics': 'info',
      'shiny-new-rule': 'off',
    });
  });
  it('strict raises every level by one', () => {
    expect(presetRules('strict', rules)).toMatchObject({ 'memory-size': 'error', 'iam-wildcard-action': 'error', 'no-custom-metrics': 'warning', 'shiny-new-rule': 'off' });
  });
  it('all turns experimental rules on', () => {
    expect(presetRules('all', rules)['shiny-new-rule']).toBe('warning');
  });
  it('rules on top of a preset win, and a severity alone keeps earlier options', () => {
    const config = toLintConfig({ extends: 'strict', rules: { 'memory-size': 'info' } }, rules, '/p');
    expect(config.rules!['memory-size']).toBe('info');
    expect(config.rules!['explicit-timeout']).toBe('error');
  });
});

describe('effectiveRules and overrides', () => {
  const config = toLintConfig(
    {
      rules: { 'explicit-timeout': ['warning', { maximumSeconds: 300 }] },
      overrides: [
        { files: ['services/batch/**'], rules: { 'explicit-timeout': 'off', 'memory-size': 'error' } },
        { files: ['*.template.json'], rules: { 'explicit-timeout': ['info', { maximumSeconds: 60 }] } },
      ],
      ignore: ['legacy/', 'generated/**/*.yml'],
    },
    rules,
    '/p',
  );
  it('applies matching overrides in order on top of the rules', () => {
    const batch = effectiveRules(rules, config, 'services/batch/serverless.yml');
    expect(batch.get('explicit-timeout')!.severity).toBe('off');
    expect(batch.get('memory-size')!.severity).toBe('error');
    const api = effectiveRules(rules, config, 'services/api/serverless.yml');
    expect(api.get('explicit-timeout')).toEqual({ severity: 'warning', options: { maximumSeconds: 300 } });
    expect(effectiveRules(rules, config, 'stacks/a.template.json').get('explicit-timeout')).toEqual({ severity: 'info', options: { maximumSeconds: 60 } });
  });
  it('ignores files by glob', () => {
    expect(isIgnored(config, '/p/legacy/x/serverless.yml', '/p')).toBe(true);
    expect(isIgnored(config, '/p/generated/a/b.yml', '/p')).toBe(true);
    expect(isIgnored(config, '/p/services/serverless.yml', '/p')).toBe(false);
    expect(isIgnored(config, '/elsewhere/legacy/x.yml', '/p')).toBe(false);
  });
  it('prints the effective configuration of a file', () => {
    const printed = printableConfig(rules, config, 'services/batch/serverless.yml', false) as { rules: Record<string, unknown> };
    expect(printed.rules['explicit-timeout']).toEqual(['off', { maximumSeconds: 300 }]);
    expect(printed.rules['iam-wildcard-action']).toBe('error');
  });
  it('derives option schemas from defaults', () => {
    expect(optionsSchemaOf(rules[0]!)).toEqual({
      type: 'object',
      properties: { suspiciousValues: { type: 'array', items: { type: 'integer' }, default: [3008, 10240] } },
      additionalProperties: false,
    });
  });
});

describe('globs', () => {
  it.each([
    ['*.test.ts', 'src/a.test.ts', true],
    ['*.test.ts', 'a.test.ts', true],
    ['/serverless.yml', 'sub/serverless.yml', false],
    ['./serverless.yml', 'serverless.yml', true],
    ['services/*/serverless.yml', 'services/a/serverless.yml', true],
    ['services/*/serverless.yml', 'services/a/b/serverless.yml', false],
    ['services/**/serverless.yml', 'services/a/b/serverless.yml', true],
    ['services/**/serverless.yml', 'services/serverless.yml', true],
    ['legacy', 'legacy/a/b.ts', true],
    ['legacy', 'not-legacy/a.ts', false],
    ['src/{a,b}.ts', 'src/b.ts', true],
    ['src/[ab].ts', 'src/c.ts', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchesAny(path, [pattern])).toBe(expected);
  });
  it('compiles unbalanced braces as text', () => {
    expect(globToRegExp('a{b').test('a{b')).toBe(true);
  });
});

describe('robustness', () => {
  it('any JSON value is either accepted or rejected with problems, never a crash; accepted ones run', async () => {
    const fc = (await import('fast-check')).default;
    const { resolveRules } = await import('./engine.js');
    const ids = rules.map((r) => r.id);
    const setting = fc.oneof(
      fc.constantFrom('off', 'info', 'warning', 'error', 'warn', 2),
      fc.tuple(fc.constantFrom('off', 'error'), fc.dictionary(fc.constantFrom('maximumSeconds', 'suspiciousValues', 'x'), fc.jsonValue())),
      fc.jsonValue(),
    );
    const ruleMap = fc.dictionary(fc.oneof(fc.constantFrom(...ids), fc.string()), setting);
    const config = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          extends: fc.oneof(fc.constantFrom('recommended', 'strict', 'all', 'nope'), fc.array(fc.constantFrom('recommended', 'strict', 'all'))),
          rules: ruleMap,
          ignore: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
          overrides: fc.array(fc.record({ files: fc.array(fc.string()), rules: ruleMap }, { requiredKeys: [] })),
          mandatory: fc.array(fc.oneof(fc.constantFrom(...ids), fc.string())),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(config, (raw) => {
        const problems = validateConfig(raw, rules);
        for (const p of problems) expect(typeof p.message).toBe('string');
        if (problems.length === 0) {
          const lint = toLintConfig(raw as UserConfig, rules, '/p');
          resolveRules(rules, lint);
          effectiveRules(rules, lint, 'a/b.yml');
          isIgnored(lint, '/p/a/b.yml', '/p');
        }
      }),
      { numRuns: 300 },
    );
  });
});
