// The judges the robustness suite relies on: the invariant checker must reject what it is meant
// to reject, and the JSON error locator must agree with V8 wherever V8 names a position.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '@lambda-lint/source';
import { checkRun, lineLengths } from '../../bench/corpus/check.mjs';
import { budget, yamlErrors } from './support.js';

const loc = (line: number, column: number, endLine: number, endColumn: number, file = '/project/a.yml') => ({ file, line, column, endLine, endColumn });
const finding = (l: ReturnType<typeof loc>, ruleId = 'x', message = 'm') => ({ ruleId, message, loc: l });

describe('the invariant checker', () => {
  const files = { 'a.yml': 'ab\r\ncd\re\n', 'serverless.yml': 'a: [\n' };
  const ok = { findings: [finding(loc(1, 1, 1, 1, '/project/serverless.yml'), 'parse-error')], internalErrors: [] };

  it('counts lines as editors do: CRLF, CR and LF each end one', () => {
    expect(lineLengths('ab\r\ncd\re\n')).toEqual([2, 2, 1, 0]);
  });

  it('accepts valid ranges, including an empty range at the end of a line and the empty last line', () => {
    for (const l of [loc(1, 1, 1, 3), loc(1, 3, 1, 3), loc(2, 1, 3, 2), loc(4, 1, 4, 1), loc(1, 1, 4, 1)]) {
      expect(checkRun(files, { ...ok, findings: [...ok.findings, finding(l)] }, { yamlErrors })).toEqual([]);
    }
  });

  it('rejects ranges outside the file, past a line end, inside a CRLF, or reversed', () => {
    for (const l of [loc(0, 1, 1, 1), loc(5, 1, 5, 1), loc(1, 0, 1, 1), loc(1, 4, 1, 4), loc(1, 1, 1, 4), loc(1, 3, 1, 2), loc(2, 1, 1, 1), loc(1, 1.5, 1, 2)]) {
      expect(checkRun(files, { ...ok, findings: [...ok.findings, finding(l)] }, { yamlErrors }), JSON.stringify(l)).toHaveLength(1);
    }
  });

  it('rejects findings in files that are not in the project, rule failures, stack traces, and unreadable files without parse-error', () => {
    expect(checkRun(files, { ...ok, findings: [...ok.findings, finding(loc(1, 1, 1, 1, '/elsewhere/a.yml'))] })).toHaveLength(1);
    expect(checkRun(files, { ...ok, findings: [...ok.findings, finding(loc(1, 1, 1, 1, '/project/b.yml'))] })).toHaveLength(1);
    expect(checkRun(files, { ...ok, internalErrors: [{ ruleId: 'x', message: 'boom' }] })).toHaveLength(1);
    expect(checkRun(files, { ...ok, findings: [...ok.findings, finding(loc(1, 1, 1, 1), 'x', 'Error: x\n    at f (/a.js:1:2)')] })).toHaveLength(1);
    expect(checkRun(files, { findings: [], internalErrors: [] }, { yamlErrors })).toEqual(['serverless.yml is invalid YAML but has no parse-error']);
    expect(checkRun({ 'template.json': '{"a": 1,}' }, { findings: [] })).toEqual(['template.json is invalid JSON but has no parse-error']);
    expect(checkRun({ 'x/template.yaml': new Uint8Array([0x61, 0]) }, { findings: [] })).toEqual(['x/template.yaml is binary but has no parse-error']);
    expect(checkRun({ 'node_modules/x/template.yaml': '' }, { findings: [] })).toEqual([]);
  });
});

describe('jsonErrorOffset', () => {
  const v8Offset = (text: string): number | undefined => {
    try {
      JSON.parse(text);
      return undefined;
    } catch (e) {
      const m = /at position (\d+)/.exec((e as Error).message);
      return m ? Number(m[1]) : -1;
    }
  };
  const jsonish = fc
    .array(fc.constantFrom('{', '}', '[', ']', ',', ':', '"a"', '"', '1', '-', '0', '.5', 'e3', 'true', 'tru', 'null', 'x', ' ', '\n', '\\', '"\\u12"', '"\\q"', '\u0001', '"b\u0001"'), { maxLength: 25 })
    .map((parts) => parts.join(''));

  it('agrees with V8 wherever V8 names the position of an error', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, fc.json().map((j) => j.slice(0, Math.floor(j.length / 2))), fc.string({ maxLength: 30 })), (text) => {
        const v8 = v8Offset(text);
        if (v8 === undefined || v8 < 0) return;
        expect(jsonErrorOffset(text)).toBe(v8);
      }),
      budget(2000),
    );
  });

  it('points at the token V8 names when its message has no position', () => {
    expect(jsonErrorOffset('[1,]')).toBe(3);
    expect(jsonErrorOffset('{"a": tru}')).toBe(9);
    expect(jsonErrorOffset('{"a": NaN}')).toBe(6);
    expect(jsonErrorOffset('x')).toBe(0);
    expect(jsonErrorOffset('{"a": 1')).toBe(7);
    expect(jsonErrorOffset(`${'['.repeat(100_000)}1,]`)).toBe(100_002);
  });
});
