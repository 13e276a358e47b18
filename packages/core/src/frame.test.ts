import { describe, expect, it } from 'vitest';
import { codeFrame } from './frame.js';

const at = (line: number, column: number, endLine: number, endColumn: number) => ({ file: '/p/f.ts', line, column, endLine, endColumn });

describe('codeFrame', () => {
  it('shows the lines around a range with carets under it', () => {
    const text = 'const a = 1;\nconst b = call(a);\nexport { b };\n';
    expect(codeFrame(text, at(2, 11, 2, 18))).toBe(
      ['  1 | const a = 1;', '> 2 | const b = call(a);', '    |           ^^^^^^^', '  3 | export { b };'].join('\n'),
    );
  });

  it('marks each line of a short multi-line range, CRLF or not, and replaces control characters', () => {
    const text = 'a\r\nf(\r\n  x\x1b,\r\n);\r\nb';
    expect(codeFrame(text, at(2, 1, 4, 2))).toBe(
      ['  1 | a', '> 2 | f(', '    | ^^', '> 3 |   x\uFFFD,', '    |   ^^^', '> 4 | );', '    | ^', '  5 | b'].join('\n'),
    );
  });

  it('ends a range that ends at the start of a line with the line before', () => {
    const text = 'vpc:\n  ids:\n    - a\nevents:\n';
    expect(codeFrame(text, at(2, 3, 4, 1))).toBe(['  1 | vpc:', '> 2 |   ids:', '    |   ^^^^', '> 3 |     - a', '    |     ^^^', '  4 | events:'].join('\n'));
  });

  it('elides the middle of a range longer than five lines', () => {
    const text = Array.from({ length: 12 }, (_, i) => `line${i + 1}`).join('\n');
    expect(codeFrame(text, at(2, 1, 10, 7))).toBe(
      ['   1 | line1', '>  2 | line2', '     | ^^^^^', '>  3 | line3', '     | ^^^^^', '     | … 6 more lines', '> 10 | line10', '     | ^^^^^^', '  11 | line11'].join('\n'),
    );
  });

  it('cuts a long line around the range, with the carets under the same characters', () => {
    const line = `${'a'.repeat(5000)}needle${'b'.repeat(5000)}`;
    const frame = codeFrame(`${line}\n`, at(1, 5001, 1, 5007)).split('\n');
    expect(frame[0]!.length).toBeLessThan(200);
    const textAt = frame[0]!.indexOf('| ') + 2;
    const caretAt = frame[1]!.indexOf('^');
    expect(frame[0]!.slice(caretAt, caretAt + 6)).toBe('needle');
    expect(frame[1]!.slice(caretAt)).toBe('^^^^^^');
    expect(frame[0]!.slice(textAt, textAt + 1)).toBe('…');
    expect(frame[0]!.endsWith('…')).toBe(true);
  });

  it('cuts a long line on the right only when the range is near its start, and on the left only near its end', () => {
    const line = 'x'.repeat(1000);
    const head = codeFrame(line, at(1, 3, 1, 4)).split('\n');
    expect(head[0]).toMatch(/^> 1 \| x+…$/);
    expect(head[1]).toBe('    |   ^');
    const tail = codeFrame(line, at(1, 999, 1, 1001)).split('\n');
    expect(tail[0]).toMatch(/^> 1 \| …x+$/);
    const caretAt = tail[1]!.indexOf('^');
    expect(tail[0]!.length - caretAt).toBe(2);
    expect(tail[1]!.slice(caretAt)).toBe('^^');
  });
});
