import type { HandlerRef, LambdaFunction } from '@lambda-lint/core';
import type { FunctionDecl, HandlerSource } from './app.js';

/**
 * Points each synthesized function at the handler source the app gives it. A function's construct
 * path (`MyStack/Api/Handler`) is matched against the paths the app computes: exactly first, then
 * with the segments the app computes dynamically as wildcards, then by its own construct id when
 * one unmatched definition in the app has it. Ambiguity means no handler, never a guess.
 */
export function mapHandlers(functions: readonly LambdaFunction[], decls: readonly FunctionDecl[]): void {
  const exactlyMatched = new Set<FunctionDecl>();
  const pending: LambdaFunction[] = [];
  for (const fn of functions) {
    const path = fn.constructPath?.split('/');
    if (!path) continue;
    const exact = decls.filter((d) => d.path !== undefined && d.path.length === path.length && d.path.every((s, i) => s === path[i]));
    for (const d of exact) exactlyMatched.add(d);
    if (exact.length > 0) {
      assign(fn, exact);
      continue;
    }
    pending.push(fn);
  }
  for (const fn of pending) {
    const path = fn.constructPath!.split('/');
    const pattern = decls.filter(
      (d) => d.path !== undefined && d.path.includes(null) && d.path.length === path.length && d.path.every((s, i) => s === null || s === path[i]),
    );
    if (pattern.length > 0) {
      assign(fn, pattern);
      continue;
    }
    const last = path[path.length - 1];
    const byId = decls.filter((d) => !exactlyMatched.has(d) && d.id !== null && d.id === last);
    if (byId.length > 0) assign(fn, byId);
  }
}

/** Sets the handler when every candidate agrees on it. */
function assign(fn: LambdaFunction, candidates: readonly FunctionDecl[]): void {
  const sites = new Set(candidates.map((c) => c.site));
  if (sites.size !== 1) return;
  const handler = candidates[0]!.handler;
  if (!handler || candidates.some((c) => !c.handler || !sameHandler(c.handler, handler))) return;
  const ref: HandlerRef = { modulePath: handler.modulePath, exportName: handler.exportName, loc: handler.loc };
  if (handler.extension) ref.extension = handler.extension;
  if (handler.optional) ref.optional = true;
  fn.handler = ref;
}

function sameHandler(a: HandlerSource, b: HandlerSource): boolean {
  return a.modulePath === b.modulePath && a.exportName === b.exportName && a.extension === b.extension;
}
