#!/usr/bin/env node
// Regenerates data/cloudformation-index.gz from the installed @aws-cdk/aws-service-spec database:
// only property names, types, required and deprecated flags, so the linter loads it in tens of
// milliseconds instead of the database's 0.5-0.8 s. Run after upgrading @aws-cdk/aws-service-spec
// (and `tsc -b`, which this script's import of dist/ needs). `--check` exits 1 when the index is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { deriveIndexFromDatabase, serializeIndex } from '../dist/compact.js';

const target = fileURLToPath(new URL('../data/cloudformation-index.gz', import.meta.url));
const start = performance.now();
const text = serializeIndex(deriveIndexFromDatabase());
const derivedMs = Math.round(performance.now() - start);

let current = '';
try {
  current = gunzipSync(readFileSync(target)).toString('utf8');
} catch {
  // first run
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    console.error('packages/schema/data/cloudformation-index.gz is stale: run `node packages/schema/scripts/build-index.mjs`');
    process.exit(1);
  }
} else if (current !== text) {
  writeFileSync(target, gzipSync(text, { level: 9 }));
  console.log(`wrote ${target} (${text.length} bytes, derived in ${derivedMs} ms)`);
} else {
  console.log(`${target} is current`);
}
