import { describe, expect, it } from 'vitest';
import type { Prop } from '@lambda-lint/core';
import { pos, run } from './testing.js';

const brief = (p: Prop<unknown> | undefined) => (p ? { value: p.value, at: pos(p.loc), ...(p.inheritedFrom ? { from: p.inheritedFrom } : {}) } : undefined);

const yaml = (provider: string, fn: string) =>
  `service: s\nprovider:\n  name: aws\n${provider}functions:\n  a:\n    handler: a.handler\n${fn}  b:\n    handler: b.handler\n`;

describe('log format', () => {
  it('reads provider.logs.lambda.logFormat, normalized to JSON / Text, inherited from the provider', () => {
    const r = run(yaml('  logs:\n    lambda:\n      logFormat: json\n', ''));
    expect(brief(r.fn('a').logFormat)).toEqual({ value: 'JSON', at: '6:18-6:22', from: 'provider' });
    expect(brief(r.fn('b').logFormat)).toEqual({ value: 'JSON', at: '6:18-6:22', from: 'provider' });
  });

  it('lets a function logs.logFormat win', () => {
    const r = run(yaml('  logs:\n    lambda:\n      logFormat: JSON\n', '    logs:\n      logFormat: Text\n'));
    expect(brief(r.fn('a').logFormat)).toEqual({ value: 'Text', at: '11:18-11:22' });
    expect(brief(r.fn('b').logFormat)?.value).toBe('JSON');
  });

  it('leaves the format unset when nothing configures it, and unknown for a deploy-time value', () => {
    expect(run(yaml('', '')).fn('a').logFormat).toBeUndefined();
    const r = run(yaml('', '    logs:\n      logFormat: ${ssm:/format}\n'));
    expect(r.fn('a').logFormat).toBeDefined();
    expect(r.fn('a').logFormat!.value).toBeUndefined();
  });
});
