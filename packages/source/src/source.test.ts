import { describe, expect, it } from 'vitest';
import { checkBytes, parseSource } from './index.js';
import { get, str } from '@lambda-lint/core';

describe('parseSource', () => {
  it('keeps 1-based positions of keys and values', () => {
    const r = parseSource('/p/t.yaml', 'a:\n  b: hello\n', { format: 'yaml' });
    const b = get(r.root, 'a', 'b');
    expect(b?.loc).toEqual({ file: '/p/t.yaml', line: 2, column: 6, endLine: 2, endColumn: 11 });
  });

  it('turns short-form tags into long-form intrinsics positioned at the tag', () => {
    const r = parseSource('/p/t.yaml', 'x: !GetAtt Queue.Arn\ny: !Sub\n  - "${A}"\n  - {}\n', { format: 'yaml' });
    const x = get(r.root, 'x');
    expect(x?.kind).toBe('map');
    expect(x?.kind === 'map' && x.entries[0]!.key).toBe('Fn::GetAtt');
    expect(x?.loc).toMatchObject({ line: 1, column: 4, endLine: 1, endColumn: 21 });
    expect(str(get(r.root, 'y', 'Fn::Sub', 0))).toBe('${A}');
  });

  it('reports an unknown tag at the tag', () => {
    const r = parseSource('/p/t.yaml', 'a: 1\nb: !Foo bar\n', { format: 'yaml' });
    expect(r.root).toBeUndefined();
    expect(r.diagnostics).toEqual([
      { ruleId: 'parse-error', message: expect.stringContaining('!Foo'), loc: { file: '/p/t.yaml', line: 2, column: 4, endLine: 2, endColumn: 8 } },
    ]);
  });

  it('reports duplicate keys and syntax errors with positions', () => {
    const dup = parseSource('/p/t.yaml', 'a: 1\na: 2\n', { format: 'yaml' });
    expect(dup.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', loc: { line: 2, column: 1 } });
    expect(dup.diagnostics[0]!.message).toContain('duplicate key');
    const bad = parseSource('/p/t.json', '{\n  "a": 1,\n  "b": \n}', { format: 'json' });
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0]!.loc.line).toBeGreaterThanOrEqual(3);
  });

  it('stops alias bombs', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 8; i++) {
      const n = String.fromCharCode(98 + i);
      const p = String.fromCharCode(97 + i);
      lines.push(`${n}: &${n} [${Array(10).fill('*' + p).join(',')}]`);
    }
    const r = parseSource('/p/t.yaml', lines.join('\n') + '\n', { format: 'yaml' });
    expect(r.root).toBeUndefined();
    expect(r.diagnostics[0]!.message).toContain('alias bomb');
  });

  it('merges `<<` keys with explicit keys winning', () => {
    const r = parseSource('/p/t.yaml', 'd: &d {m: 1, t: 2}\nf:\n  <<: *d\n  t: 3\n', { format: 'yaml' });
    expect(get(r.root, 'f', 'm')?.kind).toBe('scalar');
    expect(str(get(r.root, 'f', 't'))).toBe('3');
  });

  it('strips a BOM and handles CRLF', () => {
    const r = parseSource('/p/t.yaml', '\uFEFFa:\r\n  b: 1\r\n', { format: 'yaml' });
    expect(get(r.root, 'a', 'b')?.loc).toMatchObject({ line: 2, column: 6 });
  });

  it('parses JSON with tabs and reports empty files', () => {
    const r = parseSource('/p/t.json', '{\n\t"a": {\n\t\t"b": 1\n\t}\n}', { format: 'json' });
    expect(get(r.root, 'a', 'b')?.loc).toMatchObject({ line: 3, column: 8 });
    expect(parseSource('/p/e.yaml', '  \n', { format: 'yaml' }).diagnostics[0]!.message).toContain('empty');
  });
});

describe('checkBytes', () => {
  it('rejects binary and oversized files', () => {
    expect(checkBytes('/p/x', new Uint8Array([1, 0, 2]))?.message).toContain('binary');
    expect(checkBytes('/p/x', new Uint8Array(11), 10)?.message).toContain('limit');
    expect(checkBytes('/p/x', new TextEncoder().encode('a: 1'))).toBeUndefined();
  });
});
