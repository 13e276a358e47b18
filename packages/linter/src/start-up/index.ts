/**
 * Start-up machinery shared by lambda-lint's entry points (the CLI's bin, the ESLint plugin's
 * entry): V8's compiled-code cache for the large dependencies and the module pack of an entry's
 * ES module graph. Loaded on its own (`@lambda-lint/linter/start-up`), before the entry's graph:
 * it imports nothing but Node.js's built-ins.
 */
export { compileCacheDir, compiledCodeEntry, enableCompileCache, privateCacheDir, type CompileCacheOptions } from './cache-compile.js';
export { openPack, packSource, type OpenPack, type PackOptions } from './module-pack.js';
