import type { AppModel } from '@lambda-lint/core';
import { parseSource, type ParsedSource } from '@lambda-lint/source';
import { mergeServerlessPackage, readServerlessPackage, SERVERLESS_CONFIG_NAMES, serviceDirOfPackage } from '@lambda-lint/serverless';
import { evaluateConfigModule } from '@lambda-lint/handler';

/** `serverless.ts` / `.js` (and `.mjs`, `.cjs`, `.mts`, `.cts`): read by static evaluation, never run. */
export function isCodeConfig(path: string): boolean {
  return /\.[cm]?[jt]s$/i.test(path);
}

/**
 * Parses a Serverless configuration by its extension: YAML, JSON, or a JS/TS module evaluated
 * statically (`readModule` reads the modules it imports with a relative path, inside the project root).
 */
export function parseServerlessConfig(path: string, text: string, readModule?: (abs: string) => string | undefined): ParsedSource {
  if (isCodeConfig(path)) return evaluateConfigModule(path, text, readModule);
  return parseSource(path, text, { format: /\.json$/i.test(path) ? 'json' : 'yaml' });
}

export interface PackageContext {
  root: string;
  /** Serverless configuration files discovered in this run (read or not: an unreadable one is a parse error already). */
  configs: readonly string[];
  readText(abs: string): string | undefined;
  env: Record<string, string | undefined>;
  options?: Record<string, string>;
}

/**
 * Reads `sls package` outputs once every configuration of the run has been read:
 * - the service's configuration is part of the run: it is the model, the package output fills what
 *   only deployment knows (`mergeServerlessPackage`); when that configuration could not be read, the
 *   package output (then presumably stale) is not linted either: its parse error comes first; when
 *   it is computed by code (a `serverless.js` exporting a function), the package output is linted;
 * - otherwise the package output is linted as CloudFormation, with the positions of the service's
 *   configuration when one can be read next to `.serverless/`.
 */
export function readServerlessPackages(packages: readonly ParsedSource[], model: AppModel, ctx: PackageContext): void {
  for (const parsed of packages) {
    const dir = serviceDirOfPackage(parsed.file);
    const inRun = ctx.configs.find((c) => c.slice(0, c.lastIndexOf('/')) === dir);
    if (inRun) {
      if (model.documents.some((d) => d.file === inRun)) {
        mergeServerlessPackage(parsed, model, inRun);
        continue;
      }
      // An unreadable configuration: its parse error comes first, the package output is stale.
      if (model.diagnostics.some((d) => d.ruleId === 'parse-error' && d.loc.file === inRun)) continue;
      // A configuration computed by code (never run): the package output is all there is to lint.
    }
    let config: ParsedSource | undefined;
    for (const name of inRun ? [] : SERVERLESS_CONFIG_NAMES) {
      const path = `${dir === '/' ? '' : dir}/${name}`;
      const text = ctx.readText(path);
      if (text === undefined) continue;
      const p = parseServerlessConfig(path, text, ctx.readText);
      // Read for its positions only: its own findings belong to a run that lints it.
      model.fileCount++;
      if (p.root) config = p;
      break;
    }
    readServerlessPackage(parsed, model, {
      root: ctx.root,
      readFile: ctx.readText,
      env: ctx.env,
      ...(ctx.options ? { options: ctx.options } : {}),
      ...(config ? { config } : {}),
    });
  }
}
