import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyRule, LintConfig } from '@lambda-lint/core';
import { memoryHost } from '@lambda-lint/linter';
import { review, type ReviewResult } from './review.js';

export interface TestReviewOptions {
  rules: readonly AnyRule[];
  config?: LintConfig;
  baseRef?: string;
}

/** Reviews an in-memory change: both revisions rooted at `/project` (file keys are relative paths). */
export function reviewFiles(base: Record<string, string>, head: Record<string, string>, options: TestReviewOptions): ReviewResult {
  const root = '/project';
  return review({
    base: memoryHost(base, root),
    head: memoryHost(head, root),
    baseRef: options.baseRef ?? 'main',
    paths: [root],
    root,
    rules: options.rules,
    ...(options.config ? { config: options.config } : {}),
    today: new Date('2026-06-01T00:00:00Z'),
  });
}

/** Every file under `dir`, keyed by its path relative to `dir` with `/` separators. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const d of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) walk(child);
      else if (d.isFile()) files[child] = readFileSync(join(dir, child), 'utf8');
    }
  };
  walk('');
  return files;
}

/** Reviews a fixture case: `<dir>/base` and `<dir>/head` are the two revisions of one project. */
export function reviewFixture(dir: string, options: TestReviewOptions): ReviewResult {
  return reviewFiles(readTree(join(dir, 'base')), readTree(join(dir, 'head')), options);
}
