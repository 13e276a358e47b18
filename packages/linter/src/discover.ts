import { isCloudAssemblyDir } from '@lambda-lint/cdk';
import type { Host } from './host.js';

/** `cdk-assembly`: a CDK cloud assembly, by its `manifest.json` (the CDK reader reads its templates). */
export type ConfigKind = 'serverless' | 'template' | 'maybe-template' | 'serverless-package' | 'cdk-assembly';

/** `sls package` output: the one file of `.serverless/` that is read. */
const SERVERLESS_PACKAGE_FILE = 'cloudformation-template-update-stack.json';
/** Serverless configuration names in the order the framework picks one when a folder has several. */
const SERVERLESS_CONFIG_ORDER = ['yml', 'yaml', 'json', 'js', 'mjs', 'cjs', 'ts', 'mts', 'cts'];

export interface DiscoveredFile {
  path: string;
  kind: ConfigKind;
}

/** Folders that hold dependencies, VCS data or build output, never sources to lint. */
const SKIPPED_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', 'coverage', '.aws-sam', '.serverless',
  'cdk.out', '.next', '.nuxt', '.turbo', '.cache', '.idea', '.vscode', '.venv', '__pycache__', '.terraform',
]);

/** Names that are read as what they say; an unreadable one is a parse error. */
export function kindByName(name: string): ConfigKind | undefined {
  if (/^serverless\.(?:ya?ml|json|[cm]?[jt]s)$/.test(name)) return 'serverless';
  if (/^template\.(ya?ml|json)$/.test(name) || /\.template\.json$/.test(name)) return 'template';
  if (/\.(ya?ml|json|template)$/.test(name) && !NOT_TEMPLATES.has(name)) return 'maybe-template';
  return undefined;
}

const NOT_TEMPLATES = new Set([
  'package.json', 'package-lock.json', 'pnpm-lock.yaml', 'tsconfig.json', 'jsconfig.json', '.eslintrc.json',
  'composer.json', 'yarn.lock', 'renovate.json', 'lerna.json', 'nx.json', 'turbo.json', 'pnpm-workspace.yaml',
  'docker-compose.yml', 'docker-compose.yaml', '.pre-commit-config.yaml', 'mkdocs.yml', 'codecov.yml',
  'expected-findings.json', 'lambda-lint.config.json', 'lambda-lint.config.yaml',
  'cdk.json', 'cdk.context.json',
]);

/** Walks the given directories (or takes the given files) and returns the configuration files to read. */
export function discover(host: Host, paths: readonly string[]): DiscoveredFile[] {
  const found = new Map<string, ConfigKind>();
  const walk = (dir: string, depth: number) => {
    if (depth > 40) return;
    const entries = host.readDir(dir);
    if (!entries) return;
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
      if (e.kind === 'dir') {
        // `cdk synth` output is build output we do read, through its manifest (never walked into).
        if (e.name === 'cdk.out' && isCloudAssemblyDir(path, (x) => host.kindOf(x))) found.set(`${path}/manifest.json`, 'cdk-assembly');
        if (e.name === '.serverless') {
          const pkg = `${path}/${SERVERLESS_PACKAGE_FILE}`;
          if (host.kindOf(pkg) === 'file') found.set(pkg, 'serverless-package');
          continue;
        }
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.') && !dir.endsWith('/.serverless')) walk(path, depth + 1);
        continue;
      }
      if (e.kind !== 'file') continue;
      const kind = kindOfPath(path);
      if (kind) found.set(path, kind);
    }
  };
  for (const p of paths) {
    const kind = host.kindOf(p);
    if (kind === 'dir' && isCloudAssemblyDir(p, (x) => host.kindOf(x))) found.set(`${p.replace(/\/+$/, '')}/manifest.json`, 'cdk-assembly');
    else if (kind === 'dir') walk(p, 0);
    else if (kind === 'file' && p.endsWith('/manifest.json') && isCloudAssemblyDir(p.slice(0, p.lastIndexOf('/')) || '/', (x) => host.kindOf(x))) found.set(p, 'cdk-assembly');
    else if (kind === 'file') found.set(p, kindOfPath(p) ?? 'template');
  }
  // One configuration per service folder, the one the framework would use.
  const chosen = new Map<string, string>();
  for (const [path, kind] of found) {
    if (kind !== 'serverless') continue;
    const dir = path.slice(0, path.lastIndexOf('/'));
    const current = chosen.get(dir);
    if (current === undefined || configRank(path) < configRank(current)) chosen.set(dir, path);
  }
  for (const [path, kind] of found) {
    if (kind === 'serverless' && chosen.get(path.slice(0, path.lastIndexOf('/'))) !== path) found.delete(path);
  }
  return [...found].map(([path, kind]) => ({ path, kind }));
}

/** Like {@link kindByName}, and inside `.serverless/` only the package output counts. */
export function kindOfPath(path: string): ConfigKind | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent === '.serverless' || parent.endsWith('/.serverless')) return name === SERVERLESS_PACKAGE_FILE ? 'serverless-package' : undefined;
  return kindByName(name);
}

function configRank(path: string): number {
  const i = SERVERLESS_CONFIG_ORDER.indexOf(path.slice(path.lastIndexOf('.') + 1));
  return i < 0 ? SERVERLESS_CONFIG_ORDER.length : i;
}

/** Cheap test before a full parse: only files that mention CloudFormation resource types can be templates. */
export function looksLikeTemplate(text: string): boolean {
  return /AWSTemplateFormatVersion|"?Resources"?\s*:/.test(text) && /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(text);
}
