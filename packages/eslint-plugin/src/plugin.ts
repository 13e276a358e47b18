import type { ESLint, Linter, Rule } from 'eslint';
import type { Severity } from '@lambda-lint/core';
import { codeRules, toEslintRule } from './rules.js';

export { analyseFile, clearCache, sourceCacheStats, type FileRequest, type FileResult } from './project.js';
export { codeRules } from './rules.js';

const PLUGIN_NAME = 'lambda-lint';

/** ESLint has two levels: lambda-lint's `info` (advice) is a warning when enabled. */
export function eslintLevel(severity: Severity): Linter.RuleSeverity {
  return severity === 'error' ? 'error' : 'warn';
}

const rules: Record<string, Rule.RuleModule> = Object.fromEntries(codeRules.map((rule) => [rule.id, toEslintRule(rule)]));

/** `recommended`: the rules at their default level, advice (`info`) and experimental rules left out. */
const recommendedRules: Linter.RulesRecord = Object.fromEntries(
  codeRules.filter((rule) => rule.severity !== 'info' && !rule.experimental).map((rule) => [`${PLUGIN_NAME}/${rule.id}`, eslintLevel(rule.severity)]),
);

/** `all`: every rule, `info` ones as warnings. */
const allRulesConfig: Linter.RulesRecord = Object.fromEntries(codeRules.map((rule) => [`${PLUGIN_NAME}/${rule.id}`, eslintLevel(rule.severity)]));

const plugin = {
  meta: { name: 'eslint-plugin-lambda-lint', version: '0.1.0', namespace: PLUGIN_NAME },
  rules,
  configs: {} as Record<'recommended' | 'all', Linter.Config>,
} satisfies ESLint.Plugin;

// The configs name the plugin object itself, so a flat config needs nothing but `lambdaLint.configs.recommended`.
plugin.configs.recommended = { name: 'lambda-lint/recommended', plugins: { [PLUGIN_NAME]: plugin }, rules: recommendedRules };
plugin.configs.all = { name: 'lambda-lint/all', plugins: { [PLUGIN_NAME]: plugin }, rules: allRulesConfig };

export default plugin;
