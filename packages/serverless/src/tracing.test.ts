import { describe, expect, it } from 'vitest';
import type { Prop } from '@lambda-lint/core';
import { pos, run } from './testing.js';

const brief = (p: Prop<unknown> | undefined) => (p ? { value: p.value, at: pos(p.loc), ...(p.inheritedFrom ? { from: p.inheritedFrom } : {}) } : undefined);

const yaml = (provider: string, fn: string) =>
  `service: s\nprovider:\n  name: aws\n${provider}functions:\n  a:\n    handler: a.handler\n${fn}  b:\n    handler: b.handler\n`;

describe('tracing', () => {
  it('normalizes provider.tracing.lambda: true to Active, inherited from the provider', () => {
    const r = run(yaml('  tracing:\n    lambda: true\n', ''));
    expect(brief(r.fn('a').tracing)).toEqual({ value: 'Active', at: '5:13-5:17', from: 'provider' });
  });

  it('lets a function value win and reads PassThrough as written', () => {
    const r = run(yaml('  tracing:\n    lambda: PassThrough\n', '    tracing: active\n'));
    expect(brief(r.fn('a').tracing)).toEqual({ value: 'Active', at: '9:14-9:20' });
    expect(brief(r.fn('b').tracing)).toEqual({ value: 'PassThrough', at: '5:13-5:24', from: 'provider' });
  });

  it('follows the framework: a function `false` falls back to the provider, a provider `false` is PassThrough', () => {
    const r = run(yaml('  tracing:\n    lambda: Active\n', '    tracing: false\n'));
    expect(brief(r.fn('a').tracing)).toEqual({ value: 'Active', at: '5:13-5:19', from: 'provider' });
    const off = run(yaml('  tracing:\n    lambda: false\n', '    tracing: false\n'));
    expect(brief(off.fn('a').tracing)).toEqual({ value: 'PassThrough', at: '9:14-9:19' });
    expect(brief(off.fn('b').tracing)).toEqual({ value: 'PassThrough', at: '5:13-5:18', from: 'provider' });
  });

  it('leaves tracing unset when nothing configures it, and unknown when it is a deploy-time value', () => {
    expect(run(yaml('', '')).fn('a').tracing).toBeUndefined();
    const r = run(yaml('  tracing:\n    lambda: ${ssm:/s/tracing}\n', ''));
    expect(r.fn('a').tracing?.value).toBeUndefined();
    expect(r.fn('a').tracing).toBeDefined();
  });

  it('applies provider.tracing.apiGateway to the REST API stage of http events only', () => {
    const r = run(
      'service: s\nprovider:\n  name: aws\n  tracing:\n    apiGateway: true\nfunctions:\n  a:\n    handler: a.handler\n    events:\n      - http: GET /a\n      - httpApi: GET /b\n',
    );
    const rest = r.model.apis.filter((s) => s.kind === 'rest');
    expect(rest.length).toBe(1);
    expect(brief(rest[0]!.tracing)).toEqual({ value: true, at: '5:17-5:21', from: 'provider' });
    expect(r.model.apis.filter((s) => s.kind !== 'rest').every((s) => s.tracing === undefined)).toBe(true);
  });
});
