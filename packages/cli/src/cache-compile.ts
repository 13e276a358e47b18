// The compiled-code cache lives in @lambda-lint/linter, shared with the ESLint plugin's entry.
export { compileCacheDir, compiledCodeEntry, enableCompileCache, privateCacheDir } from '@lambda-lint/linter/start-up';
