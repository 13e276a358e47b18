import type { Finding } from '@lambda-lint/core';

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
