import type { HandlerRef } from '@lambda-lint/core';
import { Node } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, codeOf, locOfNode, type HandlerCode, type ResolveResult } from './index.js';

const ROOT = '/project';

function analyzerFor(files: Record<string, string>, reads?: string[]): HandlerAnalyzer {
  return new HandlerAnalyzer(
    {
      readFile(p) {
        reads?.push(p);
        if (!p.startsWith(`${ROOT}/`)) throw new Error(`read outside the root: ${p}`);
        return files[p.slice(ROOT.length + 1)];
      },
    },
    ROOT,
  );
}

function ref(handler: string, extension?: string): HandlerRef {
  const dot = handler.lastIndexOf('.');
  const r: HandlerRef = {
    modulePath: `${ROOT}/${handler.slice(0, dot)}`,
    exportName: handler.slice(dot + 1),
    loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 },
  };
  if (extension) r.extension = extension;
  return r;
}

function resolveOk(files: Record<string, string>, handler = 'src/ingest.handler'): HandlerCode {
  const r = analyzerFor(files).resolve(ref(handler));
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

/** Names of functions, as `name@line`. */
function names(code: HandlerCode, fns: readonly Node[]): string[] {
  return fns.map((f) => `${code.functionName(f)}@${f.getSourceFile().getBaseName()}:${f.getStartLineNumber()}`);
}

describe('resolve: handler files', () => {
  it('tries .ts, .mts, .js, .mjs, .cjs and index files, in order', () => {
    const r = analyzerFor({}).resolve(ref('src/ingest.handler'));
    expect(r).toEqual({
      ok: false,
      reason: 'file-not-found',
      message: expect.stringContaining('handler module "src/ingest" not found'),
      triedFiles: [
        '/project/src/ingest.ts',
        '/project/src/ingest.mts',
        '/project/src/ingest.js',
        '/project/src/ingest.mjs',
        '/project/src/ingest.cjs',
        '/project/src/ingest/index.ts',
        '/project/src/ingest/index.mts',
        '/project/src/ingest/index.js',
        '/project/src/ingest/index.mjs',
        '/project/src/ingest/index.cjs',
      ],
    });
  });

  it('tries the configured extension first', () => {
    const r = analyzerFor({ 'src/a.mjs': 'export const handler = async () => 1;', 'src/a.ts': 'export const handler = 1' }).resolve(ref('src/a.handler', '.mjs'));
    expect(r.ok && r.file).toBe('/project/src/a.mjs');
    const r2 = analyzerFor({ 'src/a.mjs': 'export const handler = async () => 1;' }).resolve(ref('src/a.handler', 'mjs'));
    expect(r2.ok && r2.file).toBe('/project/src/a.mjs');
  });

  it('finds index files in a folder', () => {
    const r = analyzerFor({ 'src/api/index.js': 'exports.handler = async () => 1;' }).resolve(ref('src/api.handler'));
    expect(r.ok && r.file).toBe('/project/src/api/index.js');
  });

  it('never reads outside the root', () => {
    const reads: string[] = [];
    const a = analyzerFor({}, reads);
    const r = a.resolve({ ...ref('x.handler'), modulePath: '/etc/passwd' });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe('file-not-found');
    expect(reads).toEqual([]);
    const r2 = a.resolve({ ...ref('x.handler'), modulePath: '/project/../etc/x' });
    expect(r2.ok).toBe(false);
    expect(reads).toEqual([]);
  });

  it('reports a missing export with the exports the file has', () => {
    const r = analyzerFor({ 'src/ingest.ts': 'export const main = async () => 1;\nexport default main;' }).resolve(ref('src/ingest.handler'));
    expect(r).toEqual({
      ok: false,
      reason: 'export-not-found',
      message: 'handler file src/ingest.ts has no export "handler"; it exports "main", "default"',
      triedFiles: ['/project/src/ingest.ts'],
    });
  });

  it('parses each file once and caches results', () => {
    const reads: string[] = [];
    const a = analyzerFor({ 'src/ingest.ts': 'import { x } from "./lib";\nexport const handler = async () => x();', 'src/lib.ts': 'export function x() { return 1 }' }, reads);
    const r1 = a.resolve(ref('src/ingest.handler'));
    const r2 = a.resolve(ref('src/ingest.handler'));
    expect(r1).toBe(r2);
    codeOf({ code: (r1 as Extract<ResolveResult, { ok: true }>).code } as never).reachableFunctions;
    a.resolve(ref('src/lib.x'));
    expect(reads.filter((f) => f === '/project/src/ingest.ts')).toHaveLength(1);
    expect(reads.filter((f) => f === '/project/src/lib.ts')).toHaveLength(1);
  });
});

describe('resolve: export forms', () => {
  const cases: [string, Record<string, string>, string, string[]][] = [
    ['export const arrow', { 'src/ingest.ts': 'export const handler = async (event, context) => {\n  return 1;\n};' }, 'src/ingest.handler', ['handler@ingest.ts:1']],
    ['export async function', { 'src/ingest.ts': '// x\nexport async function handler(event) {\n  return 1;\n}' }, 'src/ingest.handler', ['handler@ingest.ts:2']],
    ['export const function expression', { 'src/ingest.ts': 'export const handler = async function (event) {};' }, 'src/ingest.handler', ['handler@ingest.ts:1']],
    ['typed arrow with satisfies', { 'src/ingest.ts': 'export const handler = (async (e) => 1) satisfies Handler;' }, 'src/ingest.handler', ['handler@ingest.ts:1']],
    [
      'middy(fn).use(...)',
      { 'src/ingest.ts': "import middy from '@middy/core';\nimport json from '@middy/http-json-body-parser';\nconst impl = async (event) => 1;\nexport const handler = middy(impl).use(json()).use(other());" },
      'src/ingest.handler',
      ['impl@ingest.ts:3'],
    ],
    [
      'middy().use(mw).handler(fn) (v2 style)',
      { 'src/ingest.ts': "import middy from '@middy/core';\nfunction mw() { return {}; }\nasync function impl(event) {}\nexport const handler = middy().use(mw).handler(impl);" },
      'src/ingest.handler',
      ['impl@ingest.ts:3'],
    ],
    [
      'nested wrappers with an inline function',
      { 'src/ingest.ts': "import * as Sentry from '@sentry/aws-serverless';\nexport const handler = Sentry.wrapHandler(withLogger(async (event) => {\n  return 1;\n}));" },
      'src/ingest.handler',
      ['handler@ingest.ts:2'],
    ],
    [
      'local factory',
      { 'src/ingest.ts': 'function makeHandler(deps) {\n  return async (event) => deps.run(event);\n}\nexport const handler = makeHandler({ run() {} });' },
      'src/ingest.handler',
      ['handler@ingest.ts:2'],
    ],
    [
      'export { impl as handler }',
      { 'src/ingest.ts': 'async function impl(event) {}\nexport { impl as handler };' },
      'src/ingest.handler',
      ['impl@ingest.ts:1'],
    ],
    [
      'export { handler } from "./other" (re-export)',
      { 'src/ingest.ts': "export { handler } from './impl/other.js';", 'src/impl/other.ts': '\nexport const handler = async () => 1;' },
      'src/ingest.handler',
      ['handler@other.ts:2'],
    ],
    [
      'export { main as handler } from "./other"',
      { 'src/ingest.mts': "export { main as handler } from './other.mjs';", 'src/other.mts': 'export async function main() {}' },
      'src/ingest.handler',
      ['main@other.mts:1'],
    ],
    [
      'export * from "./other"',
      { 'src/ingest.ts': "export * from './a';\nexport * from './b';", 'src/a.ts': 'export const x = 1;', 'src/b.ts': 'export const handler = () => 1;' },
      'src/ingest.handler',
      ['handler@b.ts:1'],
    ],
    [
      'import then export',
      { 'src/ingest.ts': "import { run } from './run';\nexport { run as handler };", 'src/run.ts': 'export function run() {}' },
      'src/ingest.handler',
      ['run@run.ts:1'],
    ],
    [
      'export const handler = imported function',
      { 'src/ingest.ts': "import run from './run';\nexport const handler = run;", 'src/run.ts': 'export default async function run() {}' },
      'src/ingest.handler',
      ['run@run.ts:1'],
    ],
    ['export default arrow', { 'src/ingest.ts': 'export default async (event) => 1;' }, 'src/ingest.default', ['default@ingest.ts:1']],
    ['export default function', { 'src/ingest.ts': 'export default async function main() {}' }, 'src/ingest.default', ['main@ingest.ts:1']],
    ['export default identifier', { 'src/ingest.ts': 'const main = () => 1;\nexport default main;' }, 'src/ingest.default', ['main@ingest.ts:1']],
    ['module.exports.handler =', { 'src/ingest.js': "'use strict';\nmodule.exports.handler = async (event) => {};" }, 'src/ingest.handler', ['handler@ingest.js:2']],
    ['exports.handler = function', { 'src/ingest.js': 'exports.handler = async function (event) {};' }, 'src/ingest.handler', ['handler@ingest.js:1']],
    [
      'TypeScript CommonJS output (exports.handler = void 0 first)',
      { 'src/ingest.js': '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.handler = void 0;\nconst handler = async () => 1;\nexports.handler = handler;' },
      'src/ingest.handler',
      ['handler@ingest.js:4'],
    ],
    ['module.exports = { handler }', { 'src/ingest.cjs': 'async function handler(e) {}\nmodule.exports = { handler };' }, 'src/ingest.handler', ['handler@ingest.cjs:1']],
    ['module.exports = { handler: fn }', { 'src/ingest.js': 'const fn = async (e) => 1;\nmodule.exports = { handler: fn };' }, 'src/ingest.handler', ['fn@ingest.js:1']],
    ['module.exports = { async handler() {} }', { 'src/ingest.js': 'module.exports = {\n  async handler(e) {},\n};' }, 'src/ingest.handler', ['handler@ingest.js:2']],
    ['module.exports = api object', { 'src/ingest.js': 'const api = { handler: async () => 1 };\nmodule.exports = api;' }, 'src/ingest.handler', ['handler@ingest.js:1']],
    [
      'require of a local module',
      { 'src/ingest.js': "const { run } = require('./lib/run');\nexports.handler = run;", 'src/lib/run.js': 'exports.run = async function run() {};' },
      'src/ingest.handler',
      ['run@run.js:1'],
    ],
    [
      'class method bound to an instance',
      { 'src/ingest.ts': 'class Lambda {\n  async handler(event) {\n    return this.work();\n  }\n  work() {}\n}\nconst instance = new Lambda();\nexport const handler = instance.handler.bind(instance);' },
      'src/ingest.handler',
      ['handler@ingest.ts:2'],
    ],
    [
      'module.exports.handler = require(...).handler',
      { 'src/ingest.js': "module.exports.handler = require('./impl').handler;", 'src/impl.js': 'exports.handler = async function impl() {};' },
      'src/ingest.handler',
      ['impl@impl.js:1'],
    ],
    [
      'module.exports = require(...) (whole module)',
      { 'src/ingest.js': "module.exports = require('./impl');", 'src/impl.js': 'module.exports.handler = async function impl() {};' },
      'src/ingest.handler',
      ['impl@impl.js:1'],
    ],
    [
      'response streaming wrapper on a global',
      { 'src/ingest.mjs': 'export const handler = awslambda.streamifyResponse(async (event, responseStream) => {\n  responseStream.end();\n});' },
      'src/ingest.handler',
      ['handler@ingest.mjs:1'],
    ],
    ['export = (TypeScript CommonJS)', { 'src/ingest.ts': 'const handler = async () => 1;\nexport = { handler };' }, 'src/ingest.handler', ['handler@ingest.ts:1']],
  ];
  for (const [title, files, handler, expected] of cases) {
    it(title, () => {
      const code = resolveOk(files, handler);
      expect(names(code, code.handlerFunctions)).toEqual(expected);
    });
  }

  it('an export from a package resolves with no handler functions', () => {
    const code = resolveOk({ 'src/ingest.ts': "export { handler } from '@acme/handlers';" });
    expect(code.handlerFunctions).toEqual([]);
    expect(code.exportNode).toBeUndefined();
    expect(code.reachableFunctions).toEqual([]);
  });

  it('gives the benefit of the doubt when the export may come from a package or opaque code', () => {
    expect(resolveOk({ 'src/ingest.ts': "export * from '@acme/handlers';" }).handlerFunctions).toEqual([]);
    expect(resolveOk({ 'src/ingest.js': "module.exports = require('@acme/handlers').create();" }).handlerFunctions).toEqual([]);
    expect(resolveOk({ 'src/ingest.js': 'module.exports = makeApi();\nfunction makeApi() { return {}; }' }).handlerFunctions).toEqual([]);
    const r = analyzerFor({ 'src/ingest.js': 'module.exports = { main() {} };' }).resolve(ref('src/ingest.handler'));
    expect(r).toMatchObject({ ok: false, reason: 'export-not-found', message: 'handler file src/ingest.js has no export "handler"; it exports "main"' });
  });

  it('finds the export node', () => {
    const code = resolveOk({ 'src/ingest.ts': 'export const handler = async () => 1;' });
    expect(code.exportNode?.getKindName()).toBe('VariableDeclaration');
    expect(code.file).toBe('/project/src/ingest.ts');
    expect(code.sourceFile.getFilePath()).toBe('/project/src/ingest.ts');
    expect(code.exportName).toBe('handler');
  });
});
