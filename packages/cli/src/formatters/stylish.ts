import { createColors } from 'picocolors';
import { codeFrame, printable, type Finding } from '@lambda-lint/core';
import { relativePath, type FormatInput } from './types.js';

/** `--format stylish`: findings grouped by file, each with a code frame, and a summary line. */
export function formatStylish(input: FormatInput): string {
  const c = createColors(input.color);
  const byFile = new Map<string, Finding[]>();
  for (const f of input.findings) {
    const list = byFile.get(f.loc.file) ?? [];
    list.push(f);
    byFile.set(f.loc.file, list);
  }
  const out: string[] = [];
  for (const [file, findings] of byFile) {
    out.push(c.underline(printable(relativePath(input.cwd, file))));
    const text = input.sourceText(file);
    for (const f of findings) {
      const sev = f.severity === 'error' ? c.red('error') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      const where = c.dim(`${f.loc.line}:${f.loc.column}`);
      const fn = f.function ? c.dim(` [${printable(f.function)}]`) : '';
      out.push(`  ${where}  ${sev}  ${printable(f.message)}  ${c.dim(f.ruleId)}${fn}`);
      if (text !== undefined) {
        const frame = codeFrame(text, f.loc)
          .split('\n')
          .map((l) => '    ' + (l.includes('^') && l.trimStart().startsWith('|') ? l.replace(/\^+/, (m) => c.red(m)) : c.dim(l)));
        out.push(...frame);
      }
      for (const r of f.related ?? []) {
        out.push(c.dim(printable(`    related: ${relativePath(input.cwd, r.loc.file)}:${r.loc.line}:${r.loc.column} ${r.message}`)));
      }
      out.push('');
    }
  }
  const s = input.summary;
  const total = s.errors + s.warnings + s.infos;
  const scope = `${s.functions} function${s.functions === 1 ? '' : 's'} in ${s.files} file${s.files === 1 ? '' : 's'}`;
  if (total === 0) {
    out.push(c.green(`✔ No problems found (${scope}).`));
  } else {
    const line = `✖ ${total} problem${total === 1 ? '' : 's'} (${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}, ${s.infos} info${s.infos === 1 ? '' : 's'}) in ${scope}.`;
    out.push(s.errors > 0 ? c.red(c.bold(line)) : c.yellow(c.bold(line)));
  }
  return out.join('\n') + '\n';
}
