import type { Severity } from '@lambda-lint/core';
import { relativePath, type FormatInput } from './types.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * `--format github`: one GitHub Actions workflow command per finding, which the runner turns into an
 * annotation on the pull request's diff. Paths are relative to the checkout (`sourceRoot`), as the
 * runner resolves them, even when lambda-lint runs in a subdirectory.
 */
export function formatGithub(input: FormatInput): string {
  return input.findings
    .map((f) => {
      const properties: [string, string | number][] = [
        ['file', relativePath(input.sourceRoot ?? input.cwd, f.loc.file)],
        ['line', f.loc.line],
        ['col', f.loc.column],
        ['endLine', f.loc.endLine],
        ['endColumn', f.loc.endColumn],
        ['title', f.ruleId],
      ];
      const props = properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(',');
      return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message)}\n`;
    })
    .join('');
}

/** As `escapeData` of @actions/core: the message may hold any text but `%`, CR and LF. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** As `escapeProperty` of @actions/core: `:` and `,` delimit properties, so they are escaped too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
