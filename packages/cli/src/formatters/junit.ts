import type { Finding } from '@lambda-lint/core';
import { relativePath, type FormatInput } from './types.js';

/**
 * `--format junit`: JUnit XML for CI test reports, in ESLint's layout: one test suite per file with
 * findings, one failing test case per finding (its type the severity). No findings: an empty,
 * passing report.
 */
export function formatJunit(input: FormatInput): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of input.findings) {
    const file = relativePath(input.cwd, f.loc.file);
    byFile.set(file, [...(byFile.get(file) ?? []), f]);
  }
  const total = input.findings.length;
  const out = ['<?xml version="1.0" encoding="utf-8"?>', `<testsuites name="lambda-lint" tests="${total}" failures="${total}" errors="0">`];
  for (const [file, findings] of byFile) {
    out.push(`  <testsuite name="${attr(file)}" package="lambda-lint" tests="${findings.length}" failures="${findings.length}" errors="0" time="0">`);
    for (const f of findings) {
      const where = `${file}:${f.loc.line}:${f.loc.column}`;
      const subject = f.function !== undefined ? ` [${f.function}]` : '';
      out.push(
        `    <testcase name="${attr(`${f.ruleId} ${where}`)}" classname="${attr(`lambda-lint.${f.ruleId}`)}" file="${attr(file)}" line="${f.loc.line}" time="0">`,
        `      <failure type="${f.severity}" message="${attr(f.message)}">${text(`${where}${subject} ${f.severity} ${f.message} (${f.ruleId})`)}</failure>`,
        '    </testcase>',
      );
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF): replaced. */
const NOT_XML = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function text(value: string): string {
  return value.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes, and line breaks and tabs (an XML parser would fold them into spaces). */
function attr(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
