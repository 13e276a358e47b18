import { describe, expect, it } from 'vitest';
import { fingerprint, lineOf } from './fingerprint.js';

const base = { ruleId: 'memory-size', file: 'serverless.yml', function: 'api', message: 'api: memory size not set' };

describe('fingerprint', () => {
  it('is versioned, 16 hex digits and deterministic', () => {
    const a = fingerprint({ ...base, lineText: '  api:' });
    expect(a).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(fingerprint({ ...base, lineText: '  api:' })).toBe(a);
  });

  it('does not depend on the line number: the same source line moved down keeps it', () => {
    const before = 'functions:\n  api:\n    handler: h.handler\n';
    const after = '# a comment\nprovider:\n  name: aws\nfunctions:\n  api:\n    handler: h.handler\n';
    expect(fingerprint({ ...base, lineText: lineOf(after, 5) })).toBe(fingerprint({ ...base, lineText: lineOf(before, 2) }));
  });

  it('ignores indentation and whitespace changes of the line', () => {
    expect(fingerprint({ ...base, lineText: '\tconst  x = 1;  ' })).toBe(fingerprint({ ...base, lineText: 'const x = 1;' }));
  });

  it('changes with the rule, the file, the function, the resource, the message and the line text', () => {
    const a = fingerprint({ ...base, lineText: 'api:' });
    const variants = [
      { ...base, ruleId: 'explicit-timeout', lineText: 'api:' },
      { ...base, file: 'other/serverless.yml', lineText: 'api:' },
      { ...base, function: 'worker', lineText: 'api:' },
      { ...base, resource: 'ApiLambdaFunction', lineText: 'api:' },
      { ...base, message: 'api: memory size 3008 MB', lineText: 'api:' },
      { ...base, lineText: 'worker:' },
    ];
    for (const v of variants) expect(fingerprint(v)).not.toBe(a);
  });

  it('lineOf handles CRLF and missing lines', () => {
    expect(lineOf('a\r\nb\r\n', 2)).toBe('b');
    expect(lineOf('a', 5)).toBe('');
  });
});
