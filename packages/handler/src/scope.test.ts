import type { HandlerRef } from '@lambda-lint/core';
import { Node, type Identifier } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, isModuleLevelDeclaration, type HandlerCode } from './index.js';

const ROOT = '/project';

function resolve(files: Record<string, string>, handler = 'src/ingest.handler'): HandlerCode {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const dot = handler.lastIndexOf('.');
  const ref: HandlerRef = {
    modulePath: `${ROOT}/${handler.slice(0, dot)}`,
    exportName: handler.slice(dot + 1),
    loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

/** Identifiers marked with a trailing comment `/*@*\/` (the identifier just before it). */
function marked(code: HandlerCode): Identifier[] {
  const out: Identifier[] = [];
  for (const sf of [code.sourceFile]) {
    sf.forEachDescendant((n) => {
      if (Node.isIdentifier(n) && sf.getFullText().startsWith('/*@*/', n.getEnd())) out.push(n);
    });
  }
  return out;
}

/** How each marked identifier resolves: `kind@line:column moduleLevel` of its declaring name. */
function resolutions(code: HandlerCode): string[] {
  return marked(code).map((id) => {
    const b = code.resolveIdentifier(id);
    if (!b) return `${id.getText()}: global`;
    return `${id.getText()}: ${b.kind}@${b.nameNode.getStartLineNumber()}:${b.nameNode.getStart() - b.nameNode.getStartLinePos() + 1}${b.moduleLevel ? ' module' : ''}`;
  });
}

describe('scope resolution', () => {
  it('resolves block scoping, shadowing, var hoisting, parameters, catch and loop variables', () => {
    const code = resolve({
      'src/ingest.ts': [
        'let count = 0;', // 1
        'var total = 0;', // 2
        'export const handler = async (event, count) => {', // 3
        '  count/*@*/++;', // 4
        '  total/*@*/++;', // 5
        '  {', // 6
        '    const total = 1;', // 7
        '    total/*@*/;', // 8
        '  }', // 9
        '  if (event) { var hoisted = 1; }', // 10
        '  hoisted/*@*/;', // 11
        '  for (let i = 0; i < 2; i++) { i/*@*/; }', // 12
        '  try { x(); } catch (err) { err/*@*/; }', // 13
        '  const { a, b: [c] } = event;', // 14
        '  a/*@*/; c/*@*/;', // 15
        '  later/*@*/();', // 16
        '  function later() {}', // 17
        '  undeclared/*@*/;', // 18
        '  event.count/*@*/;', // 19
        '  return { count/*@*/: 1 };', // 20
        '};',
      ].join('\n'),
    });
    expect(resolutions(code)).toEqual([
      'count: parameter@3:38',
      'total: var@2:5 module',
      'total: const@7:11',
      'hoisted: var@10:20',
      'i: let@12:12',
      'err: catch@13:23',
      'a: const@14:11',
      'c: const@14:18',
      'later: function@17:12',
      'undeclared: global',
      'count: global',
      'count: global',
    ]);
  });

  it('resolves imports, classes, function expression names and module-level code in blocks', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import fs from 'node:fs';", // 1
        "import * as path from 'node:path';", // 2
        "import { join as j } from 'node:path';", // 3
        'const { promises: fsp } = require("fs");', // 4
        'if (process.env.X) { var flag = 1; let scoped = 2; scoped/*@*/; }', // 5
        'class Cache {}', // 6
        'const f = function named() { named/*@*/; };', // 7
        'export const handler = () => {', // 8
        '  fs/*@*/; path/*@*/; j/*@*/; fsp/*@*/; flag/*@*/; Cache/*@*/;', // 9
        '};',
      ].join('\n'),
    });
    expect(resolutions(code)).toEqual([
      'scoped: let@5:40 module',
      'named: function-name@7:20',
      'fs: import@1:8 module',
      'path: import@2:13 module',
      'j: import@3:18 module',
      'fsp: const@4:19 module',
      'flag: var@5:26 module',
      'Cache: class@6:7 module',
    ]);
    const byName = new Map(marked(code).map((id) => [id.getText(), code.resolveIdentifier(id)!]));
    expect(byName.get('fs')!.importFrom).toEqual({ specifier: 'node:fs', importedName: 'default' });
    expect(byName.get('path')!.importFrom).toEqual({ specifier: 'node:path', importedName: '*' });
    expect(byName.get('j')!.importFrom).toEqual({ specifier: 'node:path', importedName: 'join' });
    expect(byName.get('fsp')!.importFrom).toEqual({ specifier: 'fs', importedName: 'promises' });
    expect(byName.get('fsp')!.bindingElement?.getKindName()).toBe('BindingElement');
    expect(byName.get('Cache')!.declaration.getKindName()).toBe('ClassDeclaration');
    expect(isModuleLevelDeclaration(byName.get('Cache')!.declaration)).toBe(true);
    expect(code.isModuleLevelDeclaration(byName.get('named')!)).toBe(false);
  });

  it('hoists var from every statement that can hold one, not from functions, classes or expressions', () => {
    const code = resolve({
      'src/ingest.js': [
        'export const handler = (event) => {', // 1
        '  if (event) var a = 1; else { var b = 1; }', // 2
        '  for (var c = 0; c < 1; c++) for (var d in event) for (var e of []) while (0) do { var f; } while (0);', // 3
        '  try { var g; } catch { var h; } finally { var i; }', // 4
        '  switch (event) { case 1: var j; default: { var k; } }', // 5
        '  outer: { var l; }', // 6
        '  with (event) { var m; }', // 7
        '  const x = () => { var n; }, y = { m() { var o; } }, z = class { static { var p; } q() { var r; } };', // 8
        '  function inner() { var s; }', // 9
        '  a/*@*/; b/*@*/; c/*@*/; d/*@*/; e/*@*/; f/*@*/; g/*@*/; h/*@*/; i/*@*/; j/*@*/; k/*@*/; l/*@*/; m/*@*/;', // 10
        '  n/*@*/; o/*@*/; p/*@*/; r/*@*/; s/*@*/;', // 11
        '};',
      ].join('\n'),
    });
    const where = (id: string): string => resolutions(code).find((r) => r.startsWith(`${id}:`))!;
    for (const hoisted of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm']) expect(where(hoisted)).toMatch(/: var@/);
    for (const own of ['n', 'o', 'p', 'r', 's']) expect(where(own)).toBe(`${own}: global`);
  });

  it('hoists var out of a namespace into the enclosing module', () => {
    const code = resolve({ 'src/ingest.ts': 'namespace N { var inner = 1; }\nexport const handler = () => { inner/*@*/; };' });
    expect(resolutions(code)).toEqual(['inner: var@1:19 module']);
  });

  it('gives the initializer of plain variable declarations only', () => {
    const code = resolve({ 'src/ingest.ts': 'const items = [];\nconst { a } = obj;\nexport const handler = () => { items/*@*/; a/*@*/; };' });
    const [items, a] = marked(code).map((id) => code.resolveIdentifier(id)!);
    expect(items!.initializer?.getText()).toBe('[]');
    expect(items!.declaration.getKindName()).toBe('VariableDeclaration');
    expect(a!.initializer).toBeUndefined();
  });

  it('follows references into the defining module (resolveReference)', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { items } from './state.js';",
        "import * as state from './state.js';",
        "const legacy = require('./legacy');",
        "import { v4 } from 'uuid';",
        'export const handler = () => { items/*@*/; state.counter/*@*/; legacy.cache/*@*/; v4/*@*/; };',
      ].join('\n'),
      'src/state.ts': 'export const items = [];\nexport let counter = 0;',
      'src/legacy.js': 'const cache = new Map();\nmodule.exports = { cache };',
    });
    const refs = marked(code).map((id) => {
      const target = Node.isPropertyAccessExpression(id.getParent()) && (id.getParent() as Node).getLastChild() === id ? id.getParent()! : id;
      const b = code.resolveReference(target);
      return b ? `${b.name} ${b.kind} ${b.file.replace('/project/', '')}:${b.nameNode.getStartLineNumber()} ${b.moduleLevel}` : 'none';
    });
    expect(refs).toEqual(['items const src/state.ts:1 true', 'counter let src/state.ts:2 true', 'none', 'v4 import src/ingest.ts:4 true']);
  });

  it('returns the same binding object for the same declaration', () => {
    const code = resolve({ 'src/ingest.ts': 'let n = 0;\nexport const handler = () => { n/*@*/++; n/*@*/--; };' });
    const [a, b] = marked(code).map((id) => code.resolveIdentifier(id));
    expect(a).toBe(b);
  });
});
