import type { Rule, SourceCode } from 'eslint';
import { docsUrl, optionsSchemaOf, type AnyRule, type Finding, type LintConfig } from '@lambda-lint/core';
import { toPosix } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import { typescriptTreeOf } from './parsed-tree.js';
import { analyseFile } from './project.js';

/** The rules that read handler code: the ones an editor can show on the file being typed. */
export const codeRules: readonly AnyRule[] = allRules.filter((rule) => rule.scope === 'handler' || rule.scope === 'cross');

/** The given code rules on at their default level (experimental ones too: in ESLint, enabling is the user's config). */
const defaultConfig = (rules: readonly AnyRule[]): LintConfig => ({ rules: Object.freeze(Object.fromEntries(rules.map((rule) => [rule.id, rule.severity]))) });

/**
 * The shared run's rules and configuration by the rules a pass enables: the same (frozen) objects
 * for every pass with that set, so that what the plugin derives from them (the kept runs' key, the
 * configuration without the configuration-only rules) is derived once.
 */
const sharedRuns = new Map<string, { rules: readonly AnyRule[]; config: LintConfig }>();

function sharedRunOf(enabled: ReadonlySet<AnyRule> | undefined): { rules: readonly AnyRule[]; config: LintConfig } {
  const rules = codeRules.filter((r) => enabled?.has(r));
  const key = rules.map((r) => r.id).join(' ');
  let run = sharedRuns.get(key);
  if (!run) sharedRuns.set(key, (run = { rules: Object.freeze(rules), config: Object.freeze(defaultConfig(rules)) }));
  return run;
}

/** A result's findings by rule id: each of the plugin's rules takes its own from the shared result. */
const findingsByRule = new WeakMap<ReturnType<typeof analyseFile>, Map<string, Finding[]>>();

function findingsOfRule(result: ReturnType<typeof analyseFile>, ruleId: string): Finding[] {
  let byRule = findingsByRule.get(result);
  if (!byRule) {
    byRule = new Map();
    for (const finding of result.findings) {
      const list = byRule.get(finding.ruleId);
      if (list) list.push(finding);
      else byRule.set(finding.ruleId, [finding]);
    }
    findingsByRule.set(result, byRule);
  }
  return byRule.get(ruleId) ?? [];
}

/** One analysis per file pass, shared by all the plugin's rules: ESLint hands every rule the same SourceCode object. */
const perPass = new WeakMap<SourceCode, Map<string, ReturnType<typeof analyseFile>>>();

/**
 * The plugin's rules the ESLint config turns on for this pass, with default options: ESLint creates
 * every enabled rule before it traverses the file, so by the first `Program` visit the set is
 * complete and the shared run checks only those (lazy work: rules turned off cost nothing).
 */
const enabledPerPass = new WeakMap<SourceCode, Set<AnyRule>>();

/** The rule's options when the ESLint config gives it any: then it runs alone, with them. */
function customOptions(context: Rule.RuleContext): Record<string, unknown> | undefined {
  const options = context.options[0] as Record<string, unknown> | undefined;
  return options !== undefined && Object.keys(options).length > 0 ? options : undefined;
}

interface PluginSettings {
  stage?: string;
}

function settingsOf(context: Rule.RuleContext): PluginSettings {
  const value = (context.settings as Record<string, unknown> | undefined)?.['lambda-lint'];
  return value && typeof value === 'object' ? (value as PluginSettings) : {};
}

function findingsFor(context: Rule.RuleContext, rule: AnyRule): Finding[] {
  // A block a processor extracted (e.g. code in Markdown) is not the file any function runs.
  if (context.filename !== context.physicalFilename) return [];
  const options = customOptions(context);
  const custom = options !== undefined;
  const sourceCode = context.sourceCode;
  const stage = settingsOf(context).stage;
  // The shared run's key cannot be a custom run's (JSON starts with a bracket).
  const key = custom ? JSON.stringify([rule.id, options, stage ?? '']) : `\0${stage ?? ''}`;
  let results = perPass.get(sourceCode);
  if (!results) perPass.set(sourceCode, (results = new Map()));
  let result = results.get(key);
  if (!result) {
    // A rule with its own options gets its own run of that rule alone; the others share one run.
    const { rules, config }: { rules: readonly AnyRule[]; config: LintConfig } = custom
      ? { rules: [rule], config: { rules: { [rule.id]: [rule.severity, options] } } }
      : sharedRunOf(enabledPerPass.get(sourceCode));
    const parsed = typescriptTreeOf(sourceCode);
    result = analyseFile({
      file: toPosix(context.physicalFilename),
      // ESLint removes the byte order mark; the CLI's positions count the file as it is on disk.
      text: (sourceCode.hasBOM ? '\uFEFF' : '') + sourceCode.text,
      root: toPosix(context.cwd),
      rules,
      config,
      ...(stage ? { options: { stage } } : {}),
      ...(parsed ? { parsed } : {}),
    });
    results.set(key, result);
  }
  const failure = result.internalErrors.find((e) => e.ruleId === rule.id);
  if (failure) throw new Error(`lambda-lint: internal error in rule ${rule.id}: ${failure.message}`);
  return findingsOfRule(result, rule.id);
}

/** The JSON schema lambda-lint validates the rule's options with (declared, or derived from the defaults): ESLint validates what users configure. */
function optionsSchema(rule: AnyRule): Rule.RuleMetaData['schema'] {
  if (Object.keys(rule.defaultOptions as object).length === 0 && !rule.optionsSchema) return [];
  return [optionsSchemaOf(rule) as NonNullable<Rule.RuleMetaData['schema']>];
}

/** The ESLint front end of a lambda-lint rule: same id, message and range; the analysis is lambda-lint's own. */
export function toEslintRule(rule: AnyRule): Rule.RuleModule {
  return {
    meta: {
      type: rule.severity === 'error' ? 'problem' : 'suggestion',
      docs: { description: rule.description, url: docsUrl(rule), recommended: rule.severity !== 'info' && !rule.experimental },
      schema: optionsSchema(rule),
    },
    create(context) {
      if (!customOptions(context)) {
        let enabled = enabledPerPass.get(context.sourceCode);
        if (!enabled) enabledPerPass.set(context.sourceCode, (enabled = new Set()));
        enabled.add(rule);
      }
      return {
        Program() {
          for (const finding of findingsFor(context, rule)) {
            const { line, column, endLine, endColumn } = finding.loc;
            // lambda-lint columns are 1-based, ESLint's report columns 0-based; both ends exclusive.
            context.report({ message: finding.message, loc: { start: { line, column: column - 1 }, end: { line: endLine, column: endColumn - 1 } } });
          }
        },
      };
    },
  };
}
