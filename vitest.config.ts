import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@lambda-lint/core': pkg('core'),
      '@lambda-lint/source': pkg('source'),
      '@lambda-lint/cloudformation': pkg('cloudformation'),
      '@lambda-lint/sam': pkg('sam'),
      '@lambda-lint/serverless': pkg('serverless'),
      // ts-morph's values loaded with require (packages/handler/ts-morph); before '@lambda-lint/handler', which would match it too.
      '@lambda-lint/handler/ts-morph': fileURLToPath(new URL('./packages/handler/ts-morph/index.js', import.meta.url)),
      '@lambda-lint/handler': pkg('handler'),
      '@lambda-lint/cdk': pkg('cdk'),
      '@lambda-lint/schema': pkg('schema'),
      // The light entry point the CLI loads first (--cache); before '@lambda-lint/linter', which would match it too.
      '@lambda-lint/linter/cache': fileURLToPath(new URL('./packages/linter/src/cache.ts', import.meta.url)),
      '@lambda-lint/linter/start-up': fileURLToPath(new URL('./packages/linter/src/start-up/index.ts', import.meta.url)),
      '@lambda-lint/linter': pkg('linter'),
      '@lambda-lint/review': pkg('review'),
      '@lambda-lint/rules': fileURLToPath(new URL('./rules/index.ts', import.meta.url)),
      // The plugin itself; its entry (src/index.ts) loads the compiled plugin, tried in a child process (packages/eslint-plugin/src/entry.test.ts).
      'eslint-plugin-lambda-lint': fileURLToPath(new URL('./packages/eslint-plugin/src/plugin.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'rules/**/*.test.ts', 'test/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/fixtures/**'],
    testTimeout: 30000,
    setupFiles: ['rules/test-support/setup.ts'],
  },
});
