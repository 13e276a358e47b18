#!/usr/bin/env node
// Entry point of the GitHub Action (action.yml at the repository root).
import { runAction } from '../dist/action.js';

process.exitCode = await runAction({
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});
