import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emptyModel, type Loc } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { readServerless } from './index.js';

const pieces = ['${', '}', 'self:', 'opt:', 'env:', 'file(', ')', ':', ',', ' ', "'", '"', 'custom.a', 'custom', '.', 'x', 'stage', 'sls:stage', '../', './a.yml', 'ssm:/p', '${AWS::Region}'];
const fragment = fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((a) => a.join(''));

function validLoc(loc: Loc): boolean {
  return loc.line >= 1 && loc.column >= 1 && (loc.endLine > loc.line || (loc.endLine === loc.line && loc.endColumn >= loc.column));
}

describe('robustness', () => {
  it('never throws on random variable syntax and reports valid ranges', () => {
    fc.assert(
      fc.property(fragment, fragment, fragment, fc.constantFrom('', "'", '"'), (a, b, c, quote) => {
        const esc = (s: string) => (quote === "'" ? s.replace(/'/g, "''") : quote === '"' ? s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') : s);
        const yaml = `custom:\n  a: ${quote}${esc(a)}${quote}\n  b: ${quote}${esc(b)}${quote}\nprovider:\n  memorySize: ${quote}${esc(c)}${quote}\nfunctions:\n  f:\n    handler: ${quote}${esc(b)}${quote}\n    events:\n      - http: ${quote}${esc(c)}${quote}\n`;
        const parsed = parseSource('/p/serverless.yml', yaml, { format: 'yaml' });
        if (!parsed.root) return;
        const model = emptyModel('/p');
        const read: string[] = [];
        readServerless(parsed, model, {
          root: '/p',
          readFile: (p) => {
            read.push(p);
            return p === '/p/a.yml' ? 'x: ${self:custom.a}\n' : undefined;
          },
          env: {},
        });
        for (const d of model.diagnostics) expect(validLoc(d.loc), JSON.stringify(d)).toBe(true);
        for (const p of read) expect(p.startsWith('/p/')).toBe(true);
        expect(model.functions).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
});
