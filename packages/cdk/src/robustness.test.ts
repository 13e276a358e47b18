import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyModel, lineStartsOf } from '@lambda-lint/core';
import { readCdkAssemblies } from './index.js';

const ROOT = '/project';

function fixture(name: string): Record<string, string> {
  const base = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)).replace(/\/$/, '');
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(base);
  return out;
}

const app = fixture('app');
const targets = ['cdk.out/manifest.json', 'cdk.out/MyStack.template.json', 'cdk.out/assembly-Prod/manifest.json', 'cdk.json', 'bin/app.ts', 'lib/stack.ts', 'lib/stage.ts'];

/** Reads the app with some files mutated; nothing may throw and every diagnostic is a range inside its file. */
function check(files: Record<string, string>): void {
  const model = emptyModel(ROOT);
  const map = new Map(Object.entries(files).map(([k, v]) => [`${ROOT}/${k}`, new TextEncoder().encode(v)]));
  readCdkAssemblies([`${ROOT}/cdk.out/manifest.json`], model, { root: ROOT, readFile: (p) => map.get(p) });
  for (const d of model.diagnostics) {
    const text = files[d.loc.file.slice(ROOT.length + 1)];
    expect(text, d.loc.file).toBeDefined();
    const lines = lineStartsOf(text!.charCodeAt(0) === 0xfeff ? text!.slice(1) : text!).length;
    expect(d.loc.line).toBeGreaterThanOrEqual(1);
    expect(d.loc.column).toBeGreaterThanOrEqual(1);
    expect(d.loc.endLine).toBeLessThanOrEqual(lines);
    expect(d.loc.endLine * 1e6 + d.loc.endColumn).toBeGreaterThanOrEqual(d.loc.line * 1e6 + d.loc.column);
  }
  for (const fn of model.functions) expect(fn.name).toBeTruthy();
}

describe('robustness of the CDK reader', () => {
  it('never throws on truncated, spliced or garbled assemblies and apps', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...targets),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 12 }),
        (target, a, b, insert) => {
          const text = app[target]!;
          const start = a % (text.length + 1);
          const end = Math.min(text.length, start + (b % 40));
          check({ ...app, [target]: text.slice(0, start) + insert + text.slice(end) });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('survives hostile apps: deep nesting, self-instantiation, huge loops, odd values', () => {
    const stack = `import { Stack } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
const a = 'x' + 'x'; const b = a + a; const c = b + b; const d = c + c; const e = d + d;
const ids = Array.from({ length: 100000 }, (_, i) => 'F' + i);
export class MyStack extends Stack {
  constructor(scope: any, id: string, props?: any) {
    super(scope, id);
    new MyStack(this, id + '1', props);
    for (const i of ids) new NodejsFunction(this, i, { entry: e });
    new NodejsFunction(this, ${'('.repeat(3000)}'Deep'${')'.repeat(3000)}, { entry: props?.entry ?? { toString() { return 'x'; } } });
    new NodejsFunction(this, undefined as any, null as any);
    new NodejsFunction(...([] as any[]));
    this.recurse(1);
  }
  recurse(n: number): number { return this.recurse(n + 1); }
}
`;
    check({ ...app, 'lib/stack.ts': stack });
    check({ ...app, 'bin/app.ts': 'new (class {})(); export {};\n'.repeat(2000) });
    check({ ...app, 'cdk.json': '{"app": ["npx", 1]}' });
    check({ ...app, 'cdk.json': '{"app": "npx ts-node ../../etc/passwd.ts"}' });
  });
});
