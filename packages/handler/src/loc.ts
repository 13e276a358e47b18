import { lineStartsOf, locFromOffsets, type Loc } from '@lambda-lint/core';
import type { Node, ts } from 'ts-morph';

const lineStartsCache = new WeakMap<ts.SourceFile, number[]>();

function lineStarts(sf: ts.SourceFile): number[] {
  let starts = lineStartsCache.get(sf);
  if (!starts) {
    starts = lineStartsOf(sf.text);
    lineStartsCache.set(sf, starts);
  }
  return starts;
}

/** Normalises a path to `/` separators. */
export function toSlash(p: string): string {
  return p.replace(/\\/g, '/');
}

/** The range of `[start, end)` offsets of a parsed file. */
export function locOfRange(sf: ts.SourceFile, start: number, end: number): Loc {
  return locFromOffsets(toSlash(sf.fileName), lineStarts(sf), start, end);
}

/** The range of a compiler node, from its first token (no leading trivia) to its end. */
export function locOfTsNode(node: ts.Node, sf: ts.SourceFile = node.getSourceFile()): Loc {
  return locOfRange(sf, node.getStart(sf), node.end);
}

/**
 * The range of a ts-morph node: 1-based line and column, exclusive end, absolute file path
 * with `/` separators. It starts at the node's first token (`node.getStart()`, no comments
 * or whitespace before it).
 */
export function locOfNode(node: Node): Loc {
  const sf = node.getSourceFile().compilerNode;
  return locOfTsNode(node.compilerNode, sf);
}
