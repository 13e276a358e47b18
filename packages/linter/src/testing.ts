import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnyRule, LintConfig } from '@lambda-lint/core';
import { lint, type LintResult } from './lint.js';
import { memoryHost, nodeHost, toPosix } from './host.js';

export interface TestLintOptions {
  rules?: readonly AnyRule[];
  config?: LintConfig;
  today?: Date;
  env?: Record<string, string | undefined>;
}

let defaultRules: readonly AnyRule[] | undefined;

/** The rule set used when a test does not pass its own; registered by the rules package. */
export function setDefaultRules(rules: readonly AnyRule[]): void {
  defaultRules = rules;
}

function rulesFor(options: TestLintOptions): readonly AnyRule[] {
  const rules = options.rules ?? defaultRules;
  if (!rules) throw new Error('no rules: pass options.rules or call setDefaultRules()');
  return rules;
}

/** Lints an in-memory project rooted at `/project` (file keys are relative paths). */
export async function lintFiles(files: Record<string, string | Uint8Array>, options: TestLintOptions = {}): Promise<LintResult> {
  const root = '/project';
  return lint({
    host: memoryHost(files, root, options.env ?? {}),
    paths: [root],
    root,
    rules: rulesFor(options),
    ...(options.config ? { config: options.config } : {}),
    today: options.today ?? new Date('2026-06-01T00:00:00Z'),
  });
}

/** Lints a directory on disk (fixtures), with the directory as project root. */
export async function lintDirectory(dir: string, options: TestLintOptions = {}): Promise<LintResult> {
  const root = toPosix(dir);
  return lint({
    host: nodeHost(options.env ?? {}),
    paths: [root],
    root,
    rules: rulesFor(options),
    ...(options.config ? { config: options.config } : {}),
    today: options.today ?? new Date('2026-06-01T00:00:00Z'),
  });
}

/**
 * Projects on disk for tests (the ESLint plugin, the CLI): `project(files)` makes one in the
 * temporary directory, `write(dir, files)` adds or replaces files (keys are relative paths), and
 * `removeAll()` (in an `afterAll`) deletes every project made.
 */
export function diskProjects(prefix: string): {
  project(files: Record<string, string>): string;
  write(dir: string, files: Record<string, string>): void;
  removeAll(): void;
} {
  const made: string[] = [];
  const write = (dir: string, files: Record<string, string>): void => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
    }
  };
  return {
    project(files) {
      const dir = toPosix(mkdtempSync(join(tmpdir(), prefix)));
      made.push(dir);
      write(dir, files);
      return dir;
    },
    write,
    removeAll() {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
