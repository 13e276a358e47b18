import type { FormatInput } from './types.js';
import { relativePath } from './types.js';

/** `--format json`: a stable, versioned document for scripts and other tools. */
export function formatJson(input: FormatInput): string {
  const findings = input.findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: relativePath(input.cwd, f.loc.file),
    line: f.loc.line,
    column: f.loc.column,
    endLine: f.loc.endLine,
    endColumn: f.loc.endColumn,
    ...(f.function !== undefined ? { function: f.function } : {}),
    ...(f.resource !== undefined ? { resource: f.resource } : {}),
    ...(f.related?.length
      ? {
          related: f.related.map((r) => ({
            file: relativePath(input.cwd, r.loc.file),
            line: r.loc.line,
            column: r.loc.column,
            message: r.message,
          })),
        }
      : {}),
  }));
  return JSON.stringify({ version: 1, findings, summary: input.summary }, null, 2) + '\n';
}
