#!/usr/bin/env node
import { enableCompileCache } from '../dist/cache-compile.js';
// `--cache` hit: the stored report is printed without loading the linter (src/cache.ts).
import { replayCached } from '../dist/cache.js';

// Before anything large is loaded: TypeScript's compiler is compiled once, not on every run.
enableCompileCache();

// A reader that stops early (`lambda-lint | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const argv = process.argv.slice(2);
const cached = replayCached(argv);
if (cached !== undefined) process.exitCode = cached;
else process.exitCode = await (await import('../dist/main.js')).main(argv);
