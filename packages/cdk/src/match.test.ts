import { describe, expect, it } from 'vitest';
import type { LambdaFunction } from '@lambda-lint/core';
import { mapHandlers, type FunctionDecl } from './index.js';

const loc = { file: '/app/lib/stack.ts', line: 1, column: 1, endLine: 1, endColumn: 2 };
const sites = new Map<string, object>();

function decl(path: string | undefined, id: string | null, file: string | undefined, site = file ?? path ?? String(id)): FunctionDecl {
  if (!sites.has(site)) sites.set(site, {});
  return {
    kind: 'NodejsFunction',
    path: path?.split('/').map((s) => (s === '?' ? null : s)),
    id,
    site: sites.get(site) as never,
    file: '/app/lib/stack.ts',
    ...(file ? { handler: { modulePath: `/app/src/${file}`, extension: '.ts', exportName: 'handler', loc, optional: false } } : {}),
  };
}

function fn(constructPath: string): LambdaFunction {
  return { constructPath, name: constructPath } as LambdaFunction;
}

function mapped(paths: string[], decls: FunctionDecl[]): Record<string, string | undefined> {
  const functions = paths.map(fn);
  mapHandlers(functions, decls);
  return Object.fromEntries(functions.map((f) => [f.constructPath, f.handler?.modulePath.slice('/app/src/'.length)]));
}

describe('mapHandlers', () => {
  it('matches exact construct paths, the same definition for each Stage', () => {
    const site = 'api';
    expect(mapped(['Dev/Api/Handler', 'Prod/Api/Handler', 'Prod/Other'], [decl('Dev/Api/Handler', 'Handler', 'api', site), decl('Prod/Api/Handler', 'Handler', 'api', site)])).toEqual({
      'Dev/Api/Handler': 'api',
      'Prod/Api/Handler': 'api',
      'Prod/Other': undefined,
    });
  });

  it('treats ids the app computes at run time as wildcards', () => {
    expect(mapped(['pr-123-Api/Handler', 'pr-123-Api/Worker'], [decl('?/Handler', 'Handler', 'api'), decl('?/Worker', 'Worker', 'worker')])).toEqual({
      'pr-123-Api/Handler': 'api',
      'pr-123-Api/Worker': 'worker',
    });
  });

  it('falls back to the construct id when one unmatched definition has it', () => {
    expect(mapped(['Stack/Dynamic/Fn', 'Stack/Known/Handler'], [decl(undefined, 'Fn', 'fn'), decl('Stack/Known/Handler', 'Handler', 'known')])).toEqual({
      'Stack/Dynamic/Fn': 'fn',
      'Stack/Known/Handler': 'known',
    });
    // A definition that already has its own function is not borrowed by another one with the same id
    // (e.g. a third-party construct's internal `Handler`).
    expect(mapped(['Stack/Api/Handler', 'Stack/Vendor/Handler'], [decl('Stack/Api/Handler', 'Handler', 'api')])).toEqual({
      'Stack/Api/Handler': 'api',
      'Stack/Vendor/Handler': undefined,
    });
  });

  it('gives no handler when the candidates disagree', () => {
    expect(mapped(['Stack/A/Handler'], [decl(undefined, 'Handler', 'one'), decl(undefined, 'Handler', 'two')])).toEqual({ 'Stack/A/Handler': undefined });
    // `if (prod) new NodejsFunction(this, 'Fn', { entry: a }) else new NodejsFunction(this, 'Fn', { entry: b })`
    expect(mapped(['Stack/Fn'], [decl('Stack/Fn', 'Fn', 'a'), decl('Stack/Fn', 'Fn', 'b')])).toEqual({ 'Stack/Fn': undefined });
    // A definition whose handler is unknown is not replaced by a guess from another one.
    expect(mapped(['Stack/Fn'], [decl('Stack/Fn', 'Fn', undefined, 'x'), decl(undefined, 'Fn', 'other')])).toEqual({ 'Stack/Fn': undefined });
  });
});
