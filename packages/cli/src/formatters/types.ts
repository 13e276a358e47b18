import type { AnyRule, Finding } from '@lambda-lint/core';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  functions: number;
}

export interface FormatInput {
  findings: readonly Finding[];
  summary: Summary;
  /** Paths in output are relative to this directory. */
  cwd: string;
  /** Source text of a finding's file, for code frames; undefined when it cannot be read. */
  sourceText(file: string): string | undefined;
  color: boolean;
  /** The rule catalog (SARIF rule descriptors, scorecard columns); the formats that need it fall back to the findings' rule ids. */
  rules?: readonly AnyRule[];
  /** Every function of the linted application, including clean ones (scorecard rows). */
  functions?: readonly FunctionInfo[];
  /** lambda-lint's version, for formats that name the tool. */
  toolVersion?: string;
  /**
   * The repository checkout in CI (`GITHUB_WORKSPACE`), when lambda-lint runs inside it: annotations and
   * SARIF locations must be relative to it, not to a subdirectory the job ran in. Default: `cwd`.
   */
  sourceRoot?: string;
}

export interface FunctionInfo {
  name: string;
  /** Logical id or construct path, as in findings' `resource`. */
  resource?: string;
  /** The configuration file that declares it. */
  file: string;
}

export type Formatter = (input: FormatInput) => string;

export function relativePath(cwd: string, file: string): string {
  const base = cwd.endsWith('/') ? cwd : cwd + '/';
  if (file.startsWith(base)) return file.slice(base.length);
  // Outside cwd: climb with ../ so the path still opens from where the user ran the command.
  const from = base.split('/').filter(Boolean);
  const to = file.split('/').filter(Boolean);
  let i = 0;
  while (i < from.length && i < to.length && from[i] === to[i]) i++;
  return [...Array(from.length - i).fill('..'), ...to.slice(i)].join('/');
}

export function summarize(findings: readonly Finding[], files: number, functions: number): Summary {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return { errors: count('error'), warnings: count('warning'), infos: count('info'), files, functions };
}
