import type { Host } from './host.js';

export type ConfigKind = 'serverless' | 'template' | 'maybe-template';

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
  if (/^serverless\.ya?ml$/.test(name)) return 'serverless';
  if (/^template\.(ya?ml|json)$/.test(name) || /\.template\.json$/.test(name)) return 'template';
  if (/\.(ya?ml|json|template)$/.test(name) && !NOT_TEMPLATES.has(name)) return 'maybe-template';
  return undefined;
}

const NOT_TEMPLATES = new Set([
  'package.json', 'package-lock.json', 'pnpm-lock.yaml', 'tsconfig.json', 'jsconfig.json', '.eslintrc.json',
  'composer.json', 'yarn.lock', 'renovate.json', 'lerna.json', 'nx.json', 'turbo.json', 'pnpm-workspace.yaml',
  'docker-compose.yml', 'docker-compose.yaml', '.pre-commit-config.yaml', 'mkdocs.yml', 'codecov.yml',
  'expected-findings.json', 'lambda-lint.config.json', 'lambda-lint.config.yaml',
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
        if (!SKIPPED_DIRS.has(e.name) && !e.name.startsWith('.')) walk(path, depth + 1);
        continue;
      }
      if (e.kind !== 'file') continue;
      const kind = kindByName(e.name);
      if (kind) found.set(path, kind);
    }
  };
  for (const p of paths) {
    const kind = host.kindOf(p);
    if (kind === 'dir') walk(p, 0);
    else if (kind === 'file') found.set(p, kindByName(p.slice(p.lastIndexOf('/') + 1)) ?? 'template');
  }
  return [...found].map(([path, kind]) => ({ path, kind }));
}

/** Cheap test before a full parse: only files that mention CloudFormation resource types can be templates. */
export function looksLikeTemplate(text: string): boolean {
  return /AWSTemplateFormatVersion|"?Resources"?\s*:/.test(text) && /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/.test(text);
}
