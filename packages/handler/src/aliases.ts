/**
 * Non-relative module specifiers of the project's own code: tsconfig.json / jsconfig.json
 * `compilerOptions.paths` and `baseUrl` (what tsc, esbuild, serverless-esbuild and the bundlers'
 * tsconfig-paths plugins resolve), and whether a specifier that resolves to no file is a package the
 * project declares. Only files inside the project root are read, through the analyzer's host.
 */
import { builtinModules } from 'node:module';
import { posix } from 'node:path';
import { ts } from '@lambda-lint/handler/ts-morph';
import { isInside, normalizeAbs } from './modules.js';

interface PathMapping {
  /** `@libs/*` split at its `*` (no `*`: an exact specifier). */
  prefix: string;
  suffix: string | undefined;
  /** Absolute target patterns, `*` kept. */
  targets: string[];
}

interface ModuleConfig {
  baseUrl: string | undefined;
  paths: PathMapping[];
}

const BUILTIN = new Set(builtinModules);

/** A specifier that names no package: a bundler or tsconfig alias (`@/x`, `~/x`, `#x` subpath imports). */
const ALIAS_LIKE = /^(?:@\/|~|#)/;

export class ModuleAliases {
  readonly #root: string;
  readonly #read: (absPath: string) => string | undefined;
  readonly #configOfDir = new Map<string, ModuleConfig | undefined>();
  readonly #packagesOfDir = new Map<string, ReadonlySet<string> | undefined>();

  constructor(root: string, read: (absPath: string) => string | undefined) {
    this.#root = normalizeAbs(root);
    this.#read = read;
  }

  /** Base paths (without extension) a non-relative specifier may stand for, in the order tsc tries them. */
  basesOf(fromFile: string, spec: string): string[] {
    const config = this.#configOf(posix.dirname(normalizeAbs(fromFile)));
    if (!config) return [];
    const out = this.#pathTargets(config, spec);
    if (config.baseUrl) out.push(posix.join(config.baseUrl, spec));
    return out.map(normalizeAbs).filter((p) => isInside(this.#root, p));
  }

  /** The `paths` targets of a specifier, `*` replaced. */
  #pathTargets(config: ModuleConfig, spec: string): string[] {
    const out: string[] = [];
    for (const m of config.paths) {
      if (m.suffix === undefined) {
        if (spec === m.prefix) out.push(...m.targets.map((t) => t.replace('*', '')));
      } else if (spec.startsWith(m.prefix) && spec.endsWith(m.suffix) && spec.length >= m.prefix.length + m.suffix.length) {
        const star = spec.slice(m.prefix.length, spec.length - m.suffix.length);
        out.push(...m.targets.map((t) => t.replace('*', star)));
      }
    }
    return out;
  }

  /**
   * Whether a non-relative specifier that resolves to no file of the project is still known for what
   * it is: a Node.js built-in or a package. Alias-looking ones (`@/`, `~`, `#`, a tsconfig paths pattern)
   * are not; a scoped name is when a package.json between the file and the root declares it or its scope;
   * plain names, and any name when there is no package.json, are given the benefit of the doubt.
   */
  isKnownPackage(fromFile: string, spec: string): boolean {
    if (spec.startsWith('node:') || BUILTIN.has(spec) || BUILTIN.has(spec.split('/')[0]!)) return true;
    if (ALIAS_LIKE.test(spec)) return false;
    // A specifier a `paths` pattern maps is an alias, whether or not its target exists (`baseUrl` maps every specifier: not a sign).
    const config = this.#configOf(posix.dirname(normalizeAbs(fromFile)));
    if (config && this.#pathTargets(config, spec).length > 0) return false;
    const declared = this.#packagesOf(posix.dirname(normalizeAbs(fromFile)));
    if (declared === undefined || declared.has(packageName(spec))) return true;
    // An undeclared scoped name whose scope no declared package has is an alias (`@libs/db`, `@common/x`); an
    // undeclared plain name is more often a package declared elsewhere (hoisted, a parent directory) than an alias.
    if (!spec.startsWith('@')) return true;
    const scope = `${spec.split('/')[0]}/`;
    return [...declared].some((name) => name.startsWith(scope));
  }

  #configOf(dir: string): ModuleConfig | undefined {
    if (this.#configOfDir.has(dir)) return this.#configOfDir.get(dir);
    let config: ModuleConfig | undefined;
    const file = [posix.join(dir, 'tsconfig.json'), posix.join(dir, 'jsconfig.json')].find((f) => this.#read(f) !== undefined);
    if (file) config = this.#configFile(file, 0);
    else if (dir !== this.#root && isInside(this.#root, posix.dirname(dir))) config = this.#configOf(posix.dirname(dir));
    this.#configOfDir.set(dir, config);
    return config;
  }

  /**
   * A tsconfig's `baseUrl` and `paths`, with those of the configs it `extends` (relative paths inside
   * the root; a package such as `@tsconfig/node20` holds no aliases) under its own, as tsc merges them.
   */
  #configFile(file: string, depth: number): ModuleConfig | undefined {
    const text = this.#read(file);
    if (text === undefined || depth > MAX_EXTENDS) return undefined;
    const config = parsedConfig(file, text);
    if (!config || typeof config !== 'object') return undefined;
    const dir = posix.dirname(file);
    const own = moduleConfigOf(dir, (config as { compilerOptions?: unknown }).compilerOptions);
    const ext = (config as { extends?: unknown }).extends;
    const parents = (Array.isArray(ext) ? ext : [ext]).filter((e): e is string => typeof e === 'string' && (e.startsWith('./') || e.startsWith('../')));
    let merged: ModuleConfig | undefined;
    for (const parent of parents) {
      const path = normalizeAbs(posix.join(dir, parent.endsWith('.json') ? parent : `${parent}.json`));
      const inherited = isInside(this.#root, path) ? this.#configFile(path, depth + 1) : undefined;
      if (inherited) merged = { baseUrl: inherited.baseUrl ?? merged?.baseUrl, paths: inherited.paths.length > 0 ? inherited.paths : (merged?.paths ?? []) };
    }
    if (!own) return merged;
    return { baseUrl: own.baseUrl ?? merged?.baseUrl, paths: own.paths.length > 0 ? own.paths : (merged?.paths ?? []) };
  }

  /** The union of the dependencies every package.json from `dir` up to the root declares; undefined when there is none. */
  #packagesOf(dir: string): ReadonlySet<string> | undefined {
    if (this.#packagesOfDir.has(dir)) return this.#packagesOfDir.get(dir);
    const parent = dir !== this.#root && isInside(this.#root, posix.dirname(dir)) ? this.#packagesOf(posix.dirname(dir)) : undefined;
    const own = declaredDependencies(this.#read(posix.join(dir, 'package.json')));
    const out = own ? new Set([...own, ...(parent ?? [])]) : parent;
    this.#packagesOfDir.set(dir, out);
    return out;
  }
}

/**
 * The last parse of each config file, with the text it was parsed from: a process that lints again
 * (the ESLint plugin, a run per edit, each with its own aliases) parses a tsconfig again only when
 * its text changed. The parse is TypeScript's (comments, trailing commas), its result only read.
 */
const parsedConfigs = new Map<string, { text: string; config: unknown }>();

export function parsedConfig(file: string, text: string): unknown {
  const kept = parsedConfigs.get(file);
  if (kept?.text === text) return kept.config;
  const { config } = ts.parseConfigFileTextToJson(file, text) as { config?: unknown };
  parsedConfigs.set(file, { text, config });
  return config;
}

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(spec: string): string {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function declaredDependencies(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!json || typeof json !== 'object') return undefined;
  const manifest = json as Record<string, unknown>;
  const names = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) => {
    const deps = manifest[k];
    return deps && typeof deps === 'object' ? Object.keys(deps) : [];
  });
  if (typeof manifest.name === 'string') names.push(manifest.name);
  return names;
}

/** Configs followed through `extends`, at most. */
const MAX_EXTENDS = 8;

/** `compilerOptions.baseUrl` and `paths` of one tsconfig (comments and trailing commas allowed, as tsc does). */
function moduleConfigOf(dir: string, options: unknown): ModuleConfig | undefined {
  if (!options || typeof options !== 'object') return undefined;
  const { baseUrl, paths } = options as { baseUrl?: unknown; paths?: unknown };
  const base = typeof baseUrl === 'string' ? normalizeAbs(posix.join(dir, baseUrl)) : undefined;
  const mappings: PathMapping[] = [];
  if (paths && typeof paths === 'object') {
    for (const [pattern, targets] of Object.entries(paths as Record<string, unknown>)) {
      if (!Array.isArray(targets)) continue;
      const star = pattern.indexOf('*');
      mappings.push({
        prefix: star < 0 ? pattern : pattern.slice(0, star),
        suffix: star < 0 ? undefined : pattern.slice(star + 1),
        // Paths are relative to baseUrl when it is set, else to the tsconfig's directory.
        targets: targets.filter((t): t is string => typeof t === 'string').map((t) => posix.join(base ?? dir, t)),
      });
    }
  }
  if (!base && mappings.length === 0) return undefined;
  return { baseUrl: base, paths: mappings };
}
