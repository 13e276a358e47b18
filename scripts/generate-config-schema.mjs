#!/usr/bin/env node
// Writes packages/cli/schema/lambda-lint.config.schema.json from the rules' metadata (run after
// `pnpm build`). `--check` exits 1 when the committed schema is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../packages/core/dist/index.js';
import { allRules } from '../rules/dist/index.js';

export const schemaPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'cli', 'schema', 'lambda-lint.config.schema.json');

const text = `${JSON.stringify(configJsonSchema(allRules), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(schemaPath, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error(`${schemaPath} is stale: run node scripts/generate-config-schema.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(schemaPath, text);
}
