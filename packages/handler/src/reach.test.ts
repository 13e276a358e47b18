import type { HandlerRef } from '@lambda-lint/core';
import { Node, SyntaxKind, type ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, type HandlerCode } from './index.js';

const ROOT = '/project';

function resolve(files: Record<string, string>, handler = 'src/ingest.handler', reads?: string[]): HandlerCode {
  const analyzer = new HandlerAnalyzer(
    {
      readFile(p) {
        reads?.push(p);
        return files[p.slice(ROOT.length + 1)];
      },
    },
    ROOT,
  );
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

/** Reachable functions as `name@file:line`, sorted. */
function reachable(code: HandlerCode): string[] {
  return code.reachableFunctions.map((f) => `${code.functionName(f)}@${f.getSourceFile().getBaseName()}:${f.getStartLineNumber()}`).sort();
}

describe('reachability', () => {
  it('follows calls to local functions and skips functions only used at module load', () => {
    const code = resolve({
      'src/ingest.ts': [
        'function parse(body) { return JSON.parse(body); }', // 1
        'const validate = (x) => check(x);', // 2
        'function check(x) { return !!x; }', // 3
        'function unused() {}', // 4
        'function init() { return 1; }', // 5
        'const config = init();', // 6
        'export const handler = async (event) => {', // 7
        '  const body = parse(event.body);', // 8
        '  validate(body);', // 9
        '  return [1, 2].map((n) => n * 2);', // 10
        '};',
      ].join('\n'),
    });
    expect(reachable(code)).toEqual(['check@ingest.ts:3', 'handler@ingest.ts:10', 'handler@ingest.ts:7', 'parse@ingest.ts:1', 'validate@ingest.ts:2']);
  });

  it('follows imports into local modules (named, default, namespace, NodeNext .js specifiers), recursively', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { put } from './lib/db.js';",
        "import log from './lib/log';",
        "import * as metrics from './lib/metrics.js';",
        "import { v4 } from 'uuid';",
        'export async function handler(event) {',
        '  await put(v4(), event);',
        '  log("done");',
        '  metrics.count();',
        '}',
      ].join('\n'),
      'src/lib/db.ts': "import { client } from './client.js';\nexport async function put(id, item) {\n  return client().send(item);\n}\nexport function get() {}",
      'src/lib/client.ts': 'let c;\nexport function client() {\n  return c;\n}',
      'src/lib/log.ts': 'export default function log(msg) {}',
      'src/lib/metrics.ts': 'export function count() {}\nexport function other() {}',
    });
    expect(reachable(code)).toEqual(['client@client.ts:2', 'count@metrics.ts:1', 'handler@ingest.ts:5', 'log@log.ts:1', 'put@db.ts:2']);
    expect(code.files.map((f) => f.getBaseName())).toEqual(['ingest.ts', 'db.ts', 'log.ts', 'metrics.ts', 'client.ts']);
  });

  it('follows require() of local modules, destructured or as an object', () => {
    const code = resolve({
      'src/ingest.js': [
        "const db = require('./db');",
        "const { format } = require('./format');",
        "const AWS = require('aws-sdk');",
        'exports.handler = async (event) => {',
        '  await db.save(format(event));',
        '  return new AWS.S3().putObject();',
        '};',
      ].join('\n'),
      'src/db.js': 'module.exports = {\n  save: async (x) => helper(x),\n};\nfunction helper(x) {}',
      'src/format.js': 'exports.format = function format(e) { return e; };',
    });
    expect(reachable(code)).toEqual(['format@format.js:1', 'handler@ingest.js:4', 'helper@db.js:4', 'save@db.js:2']);
  });

  it('never reads node_modules, bare specifiers or files outside the root', () => {
    const reads: string[] = [];
    resolve(
      {
        'src/ingest.ts': "import x from 'lodash';\nimport y from '../../../etc/secret';\nimport z from './node_modules/pkg/index.js';\nexport const handler = () => { x(); y(); z(); };",
      },
      'src/ingest.handler',
      reads,
    ).reachableFunctions;
    expect(reads.some((r) => r.includes('node_modules') || r.includes('lodash') || !r.startsWith('/project/'))).toBe(false);
  });

  it('follows class methods: new X().m(), instance variables, this.m(), static and inherited methods', () => {
    const code = resolve({
      'src/ingest.ts': [
        'class Base {', // 1
        '  shared() {}', // 2
        '}',
        'class Repo extends Base {', // 4
        '  constructor() { super(); }', // 5
        '  save(x) { return this.serialize(x); }', // 6
        '  serialize(x) { return this.shared(); }', // 7
        '  static create() { return new Repo(); }', // 8
        '  unused() {}', // 9
        '}',
        'const repo = new Repo();', // 11
        'export const handler = async (event) => {', // 12
        '  repo.save(event);', // 13
        '  Repo.create();', // 14
        '  new Repo().save(1);', // 15
        '};',
      ].join('\n'),
    });
    expect(reachable(code)).toEqual([
      'Repo constructor@ingest.ts:5',
      'create@ingest.ts:8',
      'handler@ingest.ts:12',
      'save@ingest.ts:6',
      'serialize@ingest.ts:7',
      'shared@ingest.ts:2',
    ]);
  });

  it('follows object literal methods, callbacks passed by reference and dispatch tables', () => {
    const code = resolve({
      'src/ingest.ts': [
        'const svc = {', // 1
        '  run() { return 1; },', // 2
        '  stop: () => 2,', // 3
        '};',
        'function transform(x) { return x; }', // 5
        'const getItem = async () => 1;', // 6
        'const listItems = async () => 2;', // 7
        'const routes = { "GET /item": getItem, "GET /items": listItems };', // 8
        'export const handler = async (event) => {', // 9
        '  svc.run();', // 10
        '  [1].map(transform);', // 11
        '  return routes[event.routeKey](event);', // 12
        '};',
      ].join('\n'),
    });
    expect(reachable(code)).toEqual(['getItem@ingest.ts:6', 'handler@ingest.ts:9', 'listItems@ingest.ts:7', 'run@ingest.ts:2', 'transform@ingest.ts:5']);
  });

  it('follows a frozen route table looked up into a variable', () => {
    const code = resolve({
      'src/ingest.ts': [
        'const listBrands = async () => 1;', // 1
        'const getBrand = async () => 2;', // 2
        'const routes = Object.freeze({ "GET /brands": listBrands, "GET /brands/{id}": getBrand });', // 3
        'export const handler = async (event) => {', // 4
        '  const route = routes[event.routeKey];', // 5
        '  return route ? route(event) : undefined;', // 6
        '};',
      ].join('\n'),
    });
    expect(reachable(code)).toEqual(['getBrand@ingest.ts:2', 'handler@ingest.ts:4', 'listBrands@ingest.ts:1']);
  });

  it('follows a route table handed to a dispatcher in another module', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { dispatch } from './lib/router.js';", // 1
        'const listBrands = async () => 1;', // 2
        'async function createBrand() { return 2; }', // 3
        'const unused = async () => 3;', // 4
        "const routes = { 'GET /brands': listBrands, 'POST /brands': createBrand };", // 5
        'export const handler = (e) => dispatch(routes, e);', // 6
      ].join('\n'),
      'src/lib/router.ts': 'export function dispatch(routes, event) {\n  return routes[event.routeKey](event);\n}',
    });
    expect(reachable(code)).toEqual(['createBrand@ingest.ts:3', 'dispatch@router.ts:1', 'handler@ingest.ts:6', 'listBrands@ingest.ts:2']);
  });

  it('follows functions held in Maps, arrays, nested and inline tables that reachable code uses as values', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { run } from './lib/run.js';", // 1
        'const a = () => 1;', // 2
        'const b = () => 2;', // 3
        'const c = () => 3;', // 4
        'const d = () => 4;', // 5
        'const e = () => 5;', // 6
        'const f = () => 6;', // 7
        'const notUsed = () => 7;', // 8
        "const byKey = new Map([['a', a]]);", // 9
        'const steps = [b];', // 10
        "const nested = Object.freeze({ GET: { '/c': c } });", // 11
        "const unusedTable = { x: notUsed };", // 12
        'export const handler = async (event) => {', // 13
        '  run(byKey, steps, nested);', // 14
        "  const inline = { '/d': d };", // 15
        '  run(inline);', // 16
        '  return { ...{ e }, next: [f] };', // 17
        '};',
      ].join('\n'),
      'src/lib/run.ts': 'export function run(...tables) { return tables; }',
    });
    expect(reachable(code)).toEqual([
      'a@ingest.ts:2',
      'b@ingest.ts:3',
      'c@ingest.ts:4',
      'd@ingest.ts:5',
      'e@ingest.ts:6',
      'f@ingest.ts:7',
      'handler@ingest.ts:13',
      'run@run.ts:1',
    ]);
  });

  it('follows functions registered into a module-level table by top-level statements', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { dispatch } from './lib/router.js';", // 1
        'const a = () => 1;', // 2
        'const b = () => 2;', // 3
        'const c = () => 3;', // 4
        'const d = () => 4;', // 5
        'const e = () => 5;', // 6
        'const routes = new Map();', // 7
        "routes.set('GET /a', a);", // 8
        'const steps = [];', // 9
        'steps.push(b);', // 10
        'const table = {};', // 11
        "table['GET /c'] = c;", // 12
        'const other = new Map();', // 13
        "other.set('x', d);", // 14
        'function scoped() { const routes = new Map(); routes.set("y", e); return routes; }', // 15
        'export const handler = (ev) => dispatch(ev, routes, steps, table);', // 16
      ].join('\n'),
      'src/lib/router.ts': 'export function dispatch(ev, ...tables) {\n  return tables;\n}',
    });
    expect(reachable(code)).toEqual(['a@ingest.ts:2', 'b@ingest.ts:3', 'c@ingest.ts:4', 'dispatch@router.ts:1', 'handler@ingest.ts:16']);
  });

  it('follows a route table given to a router factory that makes the handler', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { createRouter } from './lib/router.js';", // 1
        'const listBrands = async () => 1;', // 2
        "const routes = { 'GET /brands': listBrands };", // 3
        'export const handler = createRouter(routes);', // 4
      ].join('\n'),
      'src/lib/router.ts': 'export function createRouter(table) {\n  return async (event) => table[event.routeKey](event);\n}',
    });
    expect(reachable(code)).toEqual(['handler@router.ts:2', 'listBrands@ingest.ts:2']);
  });

  it('treats inline functions of the wrapper expression (middleware) as reachable', () => {
    const code = resolve({
      'src/ingest.ts': "import middy from '@middy/core';\nconst impl = async () => 1;\nexport const handler = middy(impl).use({\n  before: async (request) => {},\n});",
    });
    expect(reachable(code)).toEqual(['before@ingest.ts:4', 'impl@ingest.ts:2']);
    expect(code.handlerFunctions.map((f) => code.functionName(f))).toEqual(['impl']);
  });

  it('finds where a local class is instantiated (instantiationsOf)', () => {
    const code = resolve({
      'src/ingest.ts': "import { Service } from './service.js';\nimport { shared } from './service.js';\nexport const handler = async () => { new Service().run(); return shared.run(); };",
      'src/service.ts': 'export class Service { run() { return 1; } }\nexport const shared = new Service();',
    });
    const cls = code.files[1]!.getClassOrThrow('Service');
    expect(code.instantiationsOf(cls).map((n) => `${n.getSourceFile().getBaseName()}:${n.getStartLineNumber()} ${code.isAtModuleScope(n)}`).sort()).toEqual([
      'ingest.ts:3 false',
      'service.ts:2 true',
    ]);
  });

  it('handles recursion and cycles between modules', () => {
    const code = resolve({
      'src/ingest.ts': "import { a } from './a';\nexport const handler = () => a(3);",
      'src/a.ts': "import { b } from './b';\nexport function a(n) { return n && b(n - 1); }",
      'src/b.ts': "import { a } from './a';\nexport function b(n) { return a(n); }",
    });
    expect(reachable(code)).toEqual(['a@a.ts:2', 'b@b.ts:2', 'handler@ingest.ts:2']);
  });

  it('visits every node of reachable code once, with its innermost function', () => {
    const code = resolve({
      'src/ingest.ts': 'const top = 1;\nexport const handler = async (event) => {\n  const inner = () => event.a;\n  return inner();\n};',
    });
    const seen = new Map<Node, number>();
    const fnOf: string[] = [];
    code.forEachReachableNode((node, fn) => {
      seen.set(node, (seen.get(node) ?? 0) + 1);
      if (Node.isIdentifier(node)) fnOf.push(`${node.getText()}:${code.functionName(fn)}:${fn.getStartLineNumber()}`);
    });
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(fnOf).toEqual(['event:handler:2', 'inner:handler:2', 'inner:handler:2', 'event:inner:3', 'a:inner:3']);
    const top = code.sourceFile.getVariableDeclarationOrThrow('top');
    expect(code.isInReachableCode(top)).toBe(false);
    expect(code.isAtModuleScope(top)).toBe(true);
    const inner = code.sourceFile.getDescendants().find((n) => Node.isVariableDeclaration(n) && n.getName() === 'inner')!;
    expect(code.isInReachableCode(inner)).toBe(true);
    expect(code.isAtModuleScope(inner)).toBe(false);
    expect(code.enclosingFunction(inner)?.getStartLineNumber()).toBe(2);
  });

  it('lists reachable nodes of some kinds as compiler nodes, in visiting order, with wrappers made on request', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import { send } from './lib';",
        'export const handler = async (event) => {',
        '  const inner = () => send(event.a);',
        '  console.log(inner());',
        '};',
      ].join('\n'),
      'src/lib.ts': 'export function send(x) { return fetch(x); }',
    });
    const kinds = [SyntaxKind.CallExpression];
    const found = code.reachableNodes(kinds);
    // The same list for the same kinds: made once per handler.
    expect(code.reachableNodes([SyntaxKind.CallExpression])).toBe(found);
    const visited: Node[] = [];
    code.forEachReachableNode((node) => visited.push(node), kinds);
    expect(found.nodes).toEqual(visited.map((n) => n.compilerNode));
    expect(found.nodes.map((n) => n.getText())).toEqual(['console.log(inner())', 'inner()', 'send(event.a)', 'fetch(x)']);
    // node(i) is the wrapper forEachReachableNode gives, fn(i) / fnNode(i) its innermost function.
    expect(found.nodes.map((_, i) => found.node(i))).toEqual(visited);
    expect(found.nodes.map((_, i) => `${code.functionName(found.fn(i))}:${found.fn(i).getStartLineNumber()}`)).toEqual(['handler:2', 'handler:2', 'inner:3', 'send:1']);
    expect(found.nodes.map((_, i) => found.fnNode(i))).toEqual(found.nodes.map((_, i) => found.fn(i).compilerNode));
    expect(found.fn(3).getSourceFile().getBaseName()).toBe('lib.ts');
    // A compiler node is resolved as it is: `send` to its declaration in lib.ts.
    const sendCallee = (found.nodes[2] as ts.CallExpression).expression;
    expect(code.resolveReference(sendCallee)?.sourceFile.getBaseName()).toBe('lib.ts');
    expect(code.resolveReference(sendCallee)?.declaration.getKindName()).toBe('FunctionDeclaration');
    expect(code.moduleMemberOf((found.nodes[0] as ts.CallExpression).expression)).toBeUndefined();
  });
});
