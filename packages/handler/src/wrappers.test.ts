import { describe, expect, it } from 'vitest';
import { Project, ts, type Node, type SourceFile } from '@lambda-lint/handler/ts-morph';
import type { HandlerRef } from '@lambda-lint/core';
import { HandlerAnalyzer } from './analyzer.js';
import { Program, type ParsedFile } from './program.js';
import { SourceCache } from './source-cache.js';

const ROOT = '/project';

interface Factory {
  hasCompilerNode(node: ts.Node): boolean;
}

/** The ts-morph node cache a wrapper belongs to: whether a compiler node has a wrapper there. */
function factoryOf(wrapper: Node): Factory {
  return (wrapper as unknown as { _context: { compilerFactory: Factory } })._context.compilerFactory;
}

function parsed(program: Program, path: string): ParsedFile {
  const f = program.load(path);
  if (typeof f === 'string') throw new Error(`${path} was not parsed: ${f}`);
  return f;
}

function hostOf(files: Record<string, string>): { readFile(p: string): string | undefined } {
  return { readFile: (p) => files[p.slice(ROOT.length + 1)] };
}

/** Every node of a wrapper's tree in ts-morph's own order (getChildren, syntax lists included), described by kind, range, text and parent. */
function described(sf: SourceFile): string[] {
  return sf.getDescendants().map((n) => `${n.getKindName()} ${n.getPos()}-${n.getEnd()} ${n.getText()} < ${n.getParentOrThrow().getKindName()}`);
}

const LIB = ["import { S3Client } from '@aws-sdk/client-s3';", 'export const s3 = new S3Client({});', 'export function put(key: string) {', '  return s3.send({ key });', '}', ''].join('\n');
const HANDLER = ["import { put } from './lib';", 'export const handler = async (e: { key: string }) => {', '  // a comment', '  return put(e.key);', '};', ''].join('\n');

describe('ts-morph wrappers made on first need', () => {
  it('a parsed file is not wrapped until its wrapper or one of its nodes is asked for', () => {
    const program = new Program(hostOf({ 'a.ts': HANDLER, 'lib.ts': LIB }), ROOT);
    const a = parsed(program, `${ROOT}/a.ts`);
    const lib = parsed(program, `${ROOT}/lib.ts`);
    const factory = factoryOf(a.sourceFile);
    expect(factory.hasCompilerNode(a.ts)).toBe(true);
    expect(factory.hasCompilerNode(lib.ts)).toBe(false);
    // Wrapping a node wraps its file first, in the same project; the file's wrapper is then the one handed out.
    const send = lib.ts.statements[2]!;
    const wrapped = program.wrap(send);
    expect(factory.hasCompilerNode(lib.ts)).toBe(true);
    expect(wrapped.getSourceFile()).toBe(lib.sourceFile);
    expect(lib.sourceFile.compilerNode).toBe(lib.ts);
    expect(program.wrap(lib.ts)).toBe(lib.sourceFile);
  });

  it('a wrapper made late is the wrapper ts-morph makes when it parses the file itself', () => {
    const program = new Program(hostOf({ 'a.ts': HANDLER, 'lib.ts': LIB }), ROOT);
    const lib = parsed(program, `${ROOT}/lib.ts`);
    // A node deep in the file first: its ancestors are wrapped on the way up.
    let deepest: ts.Node = lib.ts;
    ts.forEachChild(lib.ts, function visit(n): void {
      deepest = n;
      ts.forEachChild(n, visit);
    });
    expect(program.wrap(deepest).compilerNode).toBe(deepest);
    const theirs = new Project({ useInMemoryFileSystem: true }).createSourceFile(`${ROOT}/lib.ts`, LIB);
    expect(described(lib.sourceFile)).toEqual(described(theirs));
    expect(lib.sourceFile.getFilePath()).toBe(theirs.getFilePath());
    for (const n of lib.sourceFile.getDescendants()) expect(n.getParentOrThrow().compilerNode).toBe(n.compilerNode.parent);
  });

  it('a file nested deeper than the checkpoint interval is wrapped at parse, and its deepest node is wrapped without a stack overflow', () => {
    const depth = 2000;
    const deepText = `export function g(x: number) {\n${'if (x) '.repeat(depth)}f();\n}\nfunction f() {}\n`;
    const program = new Program(hostOf({ 'a.ts': HANDLER, 'deep.ts': deepText }), ROOT);
    const a = parsed(program, `${ROOT}/a.ts`);
    const deep = parsed(program, `${ROOT}/deep.ts`);
    const factory = factoryOf(a.sourceFile);
    // Nothing asked for the deep file's wrapper: it and its checkpoints were made by the parse.
    expect(factory.hasCompilerNode(deep.ts)).toBe(true);
    // The deepest node, found without recursion.
    let innermost: ts.Node = deep.ts;
    let levels = 0;
    const stack: [ts.Node, number][] = [[deep.ts, 0]];
    while (stack.length > 0) {
      const [n, d] = stack.pop()!;
      if (d > levels) [innermost, levels] = [n, d];
      ts.forEachChild(n, (c) => {
        stack.push([c, d + 1]);
      });
    }
    expect(levels).toBeGreaterThan(depth);
    let checkpoint: ts.Node = innermost;
    while (checkpoint.parent && !factory.hasCompilerNode(checkpoint)) checkpoint = checkpoint.parent;
    // The nearest wrapped ancestor of the innermost node is within one interval of it.
    let gap = 0;
    for (let n: ts.Node = innermost; n !== checkpoint; n = n.parent) gap++;
    expect(checkpoint).not.toBe(deep.ts);
    expect(gap).toBeLessThanOrEqual(200);
    expect(program.wrap(innermost).compilerNode).toBe(innermost);
  });

  it('a handler lists the files of its reachable code as compiler files without wrapping them, in the order of its wrapped files', () => {
    const files = { 'a.ts': HANDLER, 'lib.ts': LIB };
    const analyzer = new HandlerAnalyzer(hostOf(files), ROOT);
    const ref: HandlerRef = { modulePath: `${ROOT}/a`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };
    const r = analyzer.resolve(ref);
    if (!r.ok) throw new Error(r.message);
    const code = r.code;
    const names = code.fileNodes.map((f) => f.fileName);
    expect(names).toEqual([`${ROOT}/a.ts`, `${ROOT}/lib.ts`]);
    const factory = factoryOf(code.sourceFile);
    expect(factory.hasCompilerNode(code.fileNodes[1]!)).toBe(false);
    expect(code.files.map((f) => f.compilerNode)).toEqual(code.fileNodes);
    expect(factory.hasCompilerNode(code.fileNodes[1]!)).toBe(true);
    expect(code.wrap(code.fileNodes[1]!)).toBe(code.files[1]);
  });
});

describe('SourceCache with wrappers made on first need', () => {
  const path = `${ROOT}/a.ts`;
  const run = (sources: SourceCache, text: string): ParsedFile => parsed(new Program({ readFile: (p) => (p === path ? text : undefined) }, ROOT, { sources }), path);

  it('a kept file that no run wrapped is reused, and wrapped on need in the project it was parsed for', () => {
    const sources = new SourceCache();
    const first = run(sources, HANDLER);
    const second = run(sources, HANDLER);
    expect(sources.hits).toBe(1);
    expect(second.ts).toBe(first.ts);
    const wrapper = second.sourceFile;
    expect(wrapper.compilerNode).toBe(first.ts);
    // One wrapper per version, whichever run asks.
    expect(first.sourceFile).toBe(wrapper);
    expect(run(sources, HANDLER).sourceFile).toBe(wrapper);
  });

  it('an edited buffer parsed into the project of its last version drops that version even when it was never wrapped', () => {
    const sources = new SourceCache();
    sources.bufferPath = path;
    const edited = HANDLER.replace('a comment', 'an edited comment');
    const before = run(sources, HANDLER);
    const after = run(sources, edited);
    expect(after.ts).not.toBe(before.ts);
    expect(after.sourceFile.getFullText()).toBe(edited);
    // The first version is gone: no later run can wrap it beside the new one in that project.
    expect(sources.versionCount).toBe(1);
    const hits = sources.hits;
    const again = run(sources, HANDLER);
    expect(sources.hits).toBe(hits);
    expect(again.ts).not.toBe(before.ts);
    expect(again.sourceFile.getFullText()).toBe(HANDLER);
    expect(again.sourceFile.getDescendants().map((n) => n.getText())).toEqual(new Project({ useInMemoryFileSystem: true }).createSourceFile(path, HANDLER).getDescendants().map((n) => n.getText()));
  });

  it('a run parses into a new project once the last one holds a version read from disk, and keeps parsing edited buffers into one that holds only buffers', () => {
    const sources = new SourceCache();
    /** One run reading these files (the buffer path as set), and the project each was parsed into. */
    const runOf = (files: Record<string, string>) => {
      const program = new Program(hostOf(files), ROOT, { sources });
      return Object.fromEntries(Object.keys(files).map((f) => [f, parsed(program, `${ROOT}/${f}`).sourceFile.getProject()]));
    };
    const disk = { 'a.ts': HANDLER, 'b.ts': 'export const b = 1;\n', 'c.ts': 'export const c = 1;\n' };
    const first = runOf(disk);
    expect(new Set(Object.values(first)).size).toBe(1);
    sources.bufferPath = `${ROOT}/a.ts`;
    const typing = runOf({ ...disk, 'a.ts': `${HANDLER}// 1\n` });
    // The disk versions are kept where they were parsed; the buffer goes to a project of its own.
    expect(typing['b.ts']).toBe(first['b.ts']);
    expect(typing['c.ts']).toBe(first['b.ts']);
    expect(typing['a.ts']).not.toBe(first['a.ts']);
    const buffers = typing['a.ts'];
    expect(runOf({ ...disk, 'a.ts': `${HANDLER}// 2\n` })['a.ts']).toBe(buffers);
    sources.bufferPath = `${ROOT}/b.ts`;
    expect(runOf({ ...disk, 'b.ts': 'export const b = 2;\n' })['b.ts']).toBe(buffers);
    // c.ts saved: its new disk version is parsed into the project of the buffers, which then holds a disk version.
    const saved = runOf({ ...disk, 'b.ts': 'export const b = 3;\n', 'c.ts': 'export const c = 2;\n' });
    expect(saved['b.ts']).toBe(buffers);
    expect(saved['c.ts']).toBe(buffers);
    const next = runOf({ ...disk, 'b.ts': 'export const b = 4;\n', 'c.ts': 'export const c = 2;\n' });
    expect(next['b.ts']).not.toBe(buffers);
    expect(next['c.ts']).toBe(buffers);
    expect(runOf({ ...disk, 'b.ts': 'export const b = 5;\n', 'c.ts': 'export const c = 2;\n' })['b.ts']).toBe(next['b.ts']);
  });

  it('an edited buffer drops its last version the same way when that version was wrapped', () => {
    const sources = new SourceCache();
    sources.bufferPath = path;
    const edited = HANDLER.replace('a comment', 'an edited comment');
    const before = run(sources, HANDLER);
    const oldWrapper = before.sourceFile;
    const after = run(sources, edited);
    expect(after.sourceFile).not.toBe(oldWrapper);
    expect(after.sourceFile.getFullText()).toBe(edited);
    expect(factoryOf(after.sourceFile).hasCompilerNode(before.ts)).toBe(false);
    expect(sources.versionCount).toBe(1);
  });
});
