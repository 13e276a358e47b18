/**
 * The plugin's entry: loads the plugin (plugin.ts) as lambda-lint's CLI loads itself, for the
 * process ESLint starts for each `eslint .` (CI, a pre-commit hook). On Node.js 20, ts-morph's
 * TypeScript is compiled from V8's code cache (Node.js 22+: its built-in compile cache), and the
 * plugin's ~190 ES modules are loaded from one module pack instead of being resolved and linked one
 * by one; both live in the directory the CLI uses (`@lambda-lint/linter/start-up`), are written
 * by a run that has none (never in CI, never failing the lint) and hold code, never results.
 * `LAMBDA_LINT_NO_COMPILE_CACHE=1` turns both off.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { enableCompileCache, openPack } from '@lambda-lint/linter/start-up';

export type { FileRequest, FileResult } from './plugin.js';

type PluginModule = typeof import('./plugin.js');

/**
 * ts-morph's bundles (ts-morph, @ts-morph/common and its TypeScript): the large files the plugin
 * loads. Everything else in the process is ESLint's and is loaded as ESLint loads it (on Node.js
 * 22+, whose built-in compile cache covers whatever loads after it is enabled, ESLint's CLI enables
 * that cache itself before the plugin loads).
 */
function isTsMorphFile(filename: string): boolean {
  return /[\\/]node_modules[\\/](?:ts-morph|@ts-morph[\\/]common)[\\/]/.test(filename);
}

const startUp = { dependencies: isTsMorphFile, bundles: isTsMorphFile };
enableCompileCache(process.env, startUp);

const implementation = fileURLToPath(new URL('./plugin.js', import.meta.url));
const plugin = (openPack(implementation, process.env, startUp)?.load(implementation) as PluginModule | undefined) ?? (await loadModules());

/**
 * The plugin's modules loaded by Node.js: with require() where it can (20.19+), which reads and
 * links the graph faster than import(); a graph that cannot be required (top-level await) is imported.
 */
async function loadModules(): Promise<PluginModule> {
  if ((process.features as { require_module?: boolean }).require_module) {
    try {
      return createRequire(import.meta.url)('./plugin.js') as PluginModule;
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'ERR_REQUIRE_ASYNC_MODULE') throw e;
    }
  }
  return import('./plugin.js');
}

export default plugin.default;
export const { analyseFile, clearCache, codeRules, eslintLevel, sourceCacheStats } = plugin;
