/**
 * Configuration files: where they are looked for, how they are read, and how their problems are
 * reported (with the file, line and column of the offending key, and a "did you mean").
 *
 * Looked for in the directory lambda-lint runs from, then each parent up to the project root,
 * never above it; in each directory the first that exists wins, in this order:
 * `lambda-lint.config.json`, `lambda-lint.config.yaml`, `lambda-lint.config.yml`, `.lambda-lintrc`
 * (JSON or YAML), then the `"lambda-lint"` key of `package.json`. `--config <path>` skips the search.
 * Configuration is data only: no `.js`/`.ts` configuration is ever run.
 */
import {
  ConfigError,
  isInside,
  toLintConfig,
  validateConfig,
  type AnyRule,
  type ConfigProblem,
  type LintConfig,
  type Loc,
  type UserConfig,
  type Value,
} from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import type { Host } from './host.js';

export const CONFIG_FILE_NAMES = ['lambda-lint.config.json', 'lambda-lint.config.yaml', 'lambda-lint.config.yml', '.lambda-lintrc', 'package.json'] as const;

export interface LoadedConfig {
  /** Absolute path of the file read. */
  file: string;
  user: UserConfig;
  /** What the engine runs; globs are relative to the file's directory. */
  config: LintConfig;
}

/** The configuration file that applies to a run from `startDir` inside `root`, if any. */
export function findConfigFile(host: Host, startDir: string, root: string): string | undefined {
  let dir = isInside(root, startDir) ? startDir : root;
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const path = `${dir === '/' ? '' : dir}/${name}`;
      if (host.kindOf(path) !== 'file') continue;
      if (name === 'package.json' && !packageJsonHasConfig(host, path)) continue;
      return path;
    }
    if (dir === root || dir === '/' || !dir.includes('/')) return undefined;
    dir = dir.slice(0, dir.lastIndexOf('/')) || '/';
    if (!isInside(root, dir)) return undefined;
  }
}

function packageJsonHasConfig(host: Host, path: string): boolean {
  try {
    const parsed = JSON.parse(decodeText(host.readFile(path)) ?? '') as Record<string, unknown>;
    return typeof parsed === 'object' && parsed !== null && 'lambda-lint' in parsed;
  } catch {
    return false;
  }
}

function decodeText(bytes: Uint8Array | undefined): string | undefined {
  return bytes ? new TextDecoder().decode(bytes) : undefined;
}

/** Reads and validates a configuration file; any problem is a {@link ConfigError} naming file, line and column. */
export function loadConfigFile(host: Host, file: string, rules: readonly AnyRule[], displayPath = file): LoadedConfig {
  const text = decodeText(host.readFile(file));
  if (text === undefined) throw new ConfigError(`cannot read configuration file ${displayPath}`);
  const name = file.slice(file.lastIndexOf('/') + 1);
  // `.lambda-lintrc` may hold JSON or YAML: JSON is YAML (1.2), so the YAML reader takes both.
  const format = name.endsWith('.json') ? 'json' : 'yaml';
  const parsed = parseSource(file, text, { format });
  const first = parsed.diagnostics[0];
  if (first || !parsed.root) {
    const where = first ? `${displayPath}:${first.loc.line}:${first.loc.column}` : displayPath;
    throw new ConfigError(`${where}: ${first?.message ?? 'not a configuration'}`);
  }
  let root: Value | undefined = parsed.root;
  let prefix: (string | number)[] = [];
  if (name === 'package.json') {
    root = root.kind === 'map' ? root.entries.find((e) => e.key === 'lambda-lint')?.value : undefined;
    prefix = ['lambda-lint'];
    if (!root) throw new ConfigError(`${displayPath}: has no "lambda-lint" key`);
  }
  const raw = toPlain(root);
  const problems = validateConfig(raw, rules);
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration ${displayPath}:\n${problems.map((p) => `  ${displayPath}:${describeLoc(locOfPath(root!, p))} ${describePath([...prefix, ...p.path])}: ${p.message}`).join('\n')}`,
    );
  }
  const user = raw as UserConfig;
  const baseDir = file.slice(0, file.lastIndexOf('/')) || '/';
  return { file, user, config: toLintConfig(user, rules, baseDir) };
}

/** A configuration's value tree as plain data. */
function toPlain(v: Value): unknown {
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'map':
      return Object.fromEntries(v.entries.map((e) => [e.key, toPlain(e.value)]));
    case 'seq':
      return v.items.map(toPlain);
    case 'unknown':
      return v.text;
  }
}

/** Where a problem's path points: the key for an unknown key, else the value. */
function locOfPath(root: Value, problem: ConfigProblem): Loc {
  let cur: Value = root;
  let loc = root.loc;
  for (const step of problem.path) {
    if (typeof step === 'number' && cur.kind === 'seq' && cur.items[step]) {
      cur = cur.items[step]!;
      loc = cur.loc;
    } else if (typeof step === 'string' && cur.kind === 'map') {
      const e = cur.entries.find((x) => x.key === step);
      if (!e) break;
      loc = e.keyLoc;
      cur = e.value;
      // An unknown key or rule id is about the key; anything else about its value.
      if (!/^unknown (key|rule|option)|unknown option/.test(problem.message.replace(/^rule "[^"]+": /, '')) || step !== problem.path[problem.path.length - 1]) loc = cur.loc;
    } else break;
  }
  return loc;
}

function describeLoc(loc: Loc): string {
  return `${loc.line}:${loc.column}`;
}

function describePath(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `[${JSON.stringify(p)}]`)).join('');
}
