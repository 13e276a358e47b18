import { resolve } from 'node:path';
import { ConfigError, isIgnored, printableConfig, relativeTo, type AnyRule, type LintConfig } from '@lambda-lint/core';
import { findConfigFile, loadConfigFile, toPosix, type Host, type LoadedConfig } from '@lambda-lint/linter';

export interface ConfigCliOptions {
  /** `--config <path>`. */
  config?: string;
  /** `--print-config [file]`: true without a file. */
  printConfig?: string | boolean;
  /** False with `--no-inline-config`. */
  inlineConfig?: boolean;
}

/**
 * The configuration of a run: the file given with `--config`, else the first one found from the
 * working directory up to the project root. Undefined when there is none (rule defaults apply).
 */
export function loadRunConfig(host: Host, cwd: string, root: string, opts: ConfigCliOptions, rules: readonly AnyRule[]): LoadedConfig | undefined {
  if (opts.config !== undefined) {
    const file = toPosix(resolve(cwd, opts.config));
    if (host.kindOf(file) !== 'file') throw new ConfigError(`configuration file not found: ${opts.config}`);
    const loaded = loadConfigFile(host, file, rules, opts.config);
    // As in ESLint: globs of a file named on the command line are relative to the working directory.
    return { ...loaded, config: { ...loaded.config, baseDir: cwd } };
  }
  const found = findConfigFile(host, cwd, root);
  return found ? loadConfigFile(host, found, rules, relativeTo(cwd, found) || found) : undefined;
}

/**
 * The configuration restricted to the rules of the run (`--rule` selects some): settings of other
 * rules are dropped, and a selected rule that the configuration turns off runs at its default
 * severity, since asking for it by name means running it.
 */
export function configForRun(loaded: LintConfig | undefined, selected: readonly AnyRule[], selection: LintConfig | undefined, allRules: readonly AnyRule[]): LintConfig | undefined {
  if (!loaded) return selection;
  if (selected.length === allRules.length) return loaded;
  const ids = new Set(selected.map((r) => r.id));
  const keep = <T>(settings: Record<string, T>) => Object.fromEntries(Object.entries(settings).filter(([id]) => ids.has(id)));
  const rules = keep(loaded.rules ?? {});
  for (const rule of selected) {
    const s = rules[rule.id];
    if ((Array.isArray(s) ? s[0] : s) === 'off') rules[rule.id] = Array.isArray(s) ? [rule.severity, ...s.slice(1)] as typeof s : rule.severity;
  }
  for (const [id, s] of Object.entries(selection?.rules ?? {})) if (!(id in rules)) rules[id] = s;
  return {
    ...loaded,
    rules,
    ...(loaded.overrides ? { overrides: loaded.overrides.map((o) => ({ files: o.files, rules: keep(o.rules) })) } : {}),
    ...(loaded.mandatory ? { mandatory: loaded.mandatory.filter((id) => ids.has(id)) } : {}),
  };
}

/** `--print-config [file]`: the effective configuration, for one file when given, as JSON. */
export function printConfig(loaded: LoadedConfig | undefined, rules: readonly AnyRule[], cwd: string, root: string, file: string | undefined): string {
  const config: LintConfig = loaded?.config ?? {};
  const base = config.baseDir ?? root;
  const abs = file === undefined ? undefined : toPosix(resolve(cwd, file));
  const rel = abs === undefined ? undefined : relativeTo(base, abs) ?? abs;
  const printed = printableConfig(rules, config, rel, abs !== undefined && isIgnored(config, abs, base));
  return `${JSON.stringify({ configFile: loaded ? (relativeTo(cwd, loaded.file) ?? loaded.file) : null, ...printed }, null, 2)}\n`;
}
