import { describe, expect, it } from 'vitest';
import { actionMatches } from './iam.js';

describe('actionMatches', () => {
  it('matches wildcards and single characters, case-insensitively as IAM does', () => {
    expect(actionMatches('s3:Get*', 'S3:GetObject')).toBe(true);
    expect(actionMatches('s3:*Object', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:*Object', 's3:GetObjectAcl')).toBe(false);
    expect(actionMatches('s3:G?tObject', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:G?tObject', 's3:GtObject')).toBe(false);
    expect(actionMatches('*', '')).toBe(true);
    expect(actionMatches('', 's3:GetObject')).toBe(false);
    expect(actionMatches(' s3:GetObject ', 's3:GetObject')).toBe(true);
  });

  it('treats regular expression characters in a pattern literally', () => {
    expect(actionMatches('s3:Get.bject', 's3:GetObject')).toBe(false);
    expect(actionMatches('s3:(Get|Put)Object', 's3:GetObject')).toBe(false);
    expect(actionMatches('s3:[GP]etObject', 's3:[GP]etObject')).toBe(true);
  });

  it('runs in linear time on pathological patterns (no catastrophic backtracking)', () => {
    const pattern = `s3:${'*'.repeat(40)}${'a*'.repeat(20)}b`;
    const action = `s3:${'a'.repeat(5000)}`;
    const started = performance.now();
    expect(actionMatches(pattern, action)).toBe(false);
    expect(actionMatches(`${'*a'.repeat(200)}`, 'a'.repeat(20000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
