import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ts as tsMorphTs } from '@lambda-lint/handler/ts-morph';
import { diskProjects } from '@lambda-lint/linter';
import { packSource } from './module-pack.js';

// ts-morph's copy of the compiler, typed by ts-morph's declarations: the same API as the typescript package's.
const ts = tsMorphTs as unknown as Parameters<typeof packSource>[0];

const here = dirname(fileURLToPath(import.meta.url));
const dist = (file: string) => pathToFileURL(join(here, '../dist', file)).href;
const tsMorphShim = join(here, '../../handler/ts-morph/index.js');

const disk = diskProjects('ll-module-pack-');
afterEach(() => disk.removeAll());
const write = disk.write;

/** Each module records when its body runs, so that the order can be compared with Node.js's. */
const ran = (name: string) => `(globalThis.ran ??= []).push(${JSON.stringify(name)});\n`;

/** A small workspace with every import and export form the compiled packages use. */
const WORKSPACE: Record<string, string> = {
  'package.json': '{ "name": "fixture", "private": true, "type": "module" }',
  'node_modules/dep-cjs/package.json': '{ "name": "dep-cjs", "main": "main.js" }',
  // A CommonJS dependency (packed): a cycle, a built-in, JSON (left to require), `exports` aliases, its paths.
  'node_modules/dep-cjs/main.js': [
    `exports.early = 'early';`,
    `const other = require('./other.js');`,
    `const path = require('node:path');`,
    `module.exports = function greet(n) { return "hi " + n; };`,
    `module.exports.extra = 42;`,
    `module.exports.cycle = other.sawOfMain;`,
    `module.exports.aliases = require('./aliases.cjs');`,
    `module.exports.data = require('./data.json');`,
    `module.exports.paths = [__filename, __dirname, path.basename(__filename), module.id === __filename, module.loaded];`,
    `module.exports.dyn = require('dep-dyn');`,
    `module.exports.resolved = [require.resolve('./other.js'), require.resolve('node:fs')];`,
    '',
  ].join('\n'),
  'node_modules/dep-cjs/other.js': `const main = require('./main.js');\nexports.sawOfMain = Object.keys(main).join(',');\n`,
  'node_modules/dep-cjs/aliases.cjs': `'use strict';\nexports.a = 1;\nthis.b = 2;\nmodule.exports.c = 3;\nexports.strict = (function () { return this === undefined; })();\n`,
  'node_modules/dep-cjs/data.json': '{ "json": true }',
  // A large bundle left outside the pack (as ts-morph's), loaded with require: its small dependency is served from the pack.
  'node_modules/big-bundle/package.json': '{ "name": "big-bundle" }',
  'node_modules/big-bundle/index.js': `exports.small = require("dep-small");\n/*${'x'.repeat(300 * 1024)}*/\n`,
  'node_modules/dep-small/package.json': '{ "name": "dep-small" }',
  'node_modules/dep-small/index.js': `exports.name = 'small';\n`,
  // A require the packer cannot resolve: the package stays outside, required at run time.
  'node_modules/dep-dyn/package.json': '{ "name": "dep-dyn" }',
  'node_modules/dep-dyn/index.js': `const name = './impl.js';\nmodule.exports = require(name);\n`,
  'node_modules/dep-dyn/impl.js': `module.exports = { impl: 'dynamic' };\n`,
  'packages/util/package.json': '{ "name": "@fx/util", "type": "module", "exports": { ".": { "types": "./x.d.ts", "import": "./index.js" }, "./sub": { "import": "./sub.js" } } }',
  'packages/util/index.js': `${ran('util')}export * from './sub.js';\nexport { twice as double } from '@fx/util/sub';\nexport const { first, second } = { first: 1, second: 2 };\n`,
  'packages/util/sub.js': `${ran('sub')}export function twice(n) { return n * 2; }\nexport const LABEL = 'sub';\n`,
  'app/main.js': [
    ran('main'),
    `import greet, { extra, cycle, aliases, data, paths, dyn, resolved } from 'dep-cjs';`,
    `import * as path from 'node:path';`,
    `import { double, first, LABEL, twice } from '@fx/util';`,
    `import { helper } from './cycle.js';`,
    `import label, { Thing } from './things.js';`,
    `import './side-effect.js';`,
    `import { padding } from './padding.js';`,
    `export function name() { return 'main'; }`,
    `export function dependency() { return greet; }`,
    `export async function run() {`,
    `  const lazy = await import('./lazy.js');`,
    `  return { greet: greet('x'), extra, cycle, aliases, data, paths, dyn, resolved, sep: path.sep, double: double(3), first, LABEL, twice: twice(5), helper: helper(), label, thing: new Thing().kind,`,
    `    lazy: lazy.default.name, lazyNamed: lazy.named, meta: import.meta.url.endsWith('/app/main.js'), padding, ran: globalThis.ran };`,
    `}`,
    '',
  ].join('\n'),
  // A cycle back to main.js through a function declaration: callable before main.js has run.
  'app/cycle.js': `${ran('cycle')}import { name } from './main.js';\nexport function helper() { return 'helper of ' + name(); }\n`,
  'app/things.js': `${ran('things')}export class Thing { kind = 'thing'; }\nexport default 'label-' + Thing.name;\n`,
  'app/side-effect.js': ran('side-effect'),
  // Makes the pack large enough for a compiled-code cache entry (cache-compile.ts, MIN_BYTES).
  'app/padding.js': `export const padding = true;\n/*${'x'.repeat(300 * 1024)}*/\n`,
  'app/lazy.js': `${ran('lazy')}export default function lazyDefault() {}\nexport const named = 'named';\n`,
};

function workspace(files: Record<string, string> = WORKSPACE): string {
  const root = realpathSync(disk.project(files));
  mkdirSync(join(root, 'app/node_modules/@fx'), { recursive: true });
  symlinkSync(join(root, 'packages/util'), join(root, 'app/node_modules/@fx/util'));
  return root;
}

/**
 * Loads app/main.js in a child process as the bin does: from the pack when there is one, else
 * imported; prints its result, whether a later `require` of its CommonJS dependency gives the same
 * exports, and which files of node_modules Node.js's loader compiled (not those of the pack).
 */
function loadScript(root: string): string {
  return [
    `import { enableCompileCache } from ${JSON.stringify(dist('cache-compile.js'))};`,
    `import { openPack } from ${JSON.stringify(dist('module-pack.js'))};`,
    `import Module, { createRequire } from 'node:module';`,
    `enableCompileCache();`,
    `const compiled = [];`,
    `const compile = Module.prototype._compile;`,
    `Module.prototype._compile = function (content, filename, ...rest) { if (filename.includes('/node_modules/dep-')) compiled.push(filename.slice(filename.indexOf('/node_modules/') + 14)); return compile.call(this, content, filename, ...rest); };`,
    // A lint run has TypeScript loaded when it exits; the pack is written with its parser.
    `createRequire(${JSON.stringify(tsMorphShim)})('ts-morph');`,
    `const entry = ${JSON.stringify(join(root, 'app/main.js'))};`,
    `const packed = openPack(entry)?.load(entry);`,
    `const mod = packed ?? (await import(entry));`,
    `const result = await mod.run();`,
    `const bundle = createRequire(entry)('big-bundle');`,
    `const sameExports = createRequire(entry)('dep-cjs') === mod.dependency() && createRequire(entry)('dep-cjs/other.js').sawOfMain === result.cycle && bundle.small.name === 'small' && bundle.small === createRequire(entry)('dep-small');`,
    `console.log(JSON.stringify({ packed: !!packed, result, sameExports, compiled: compiled.sort() }));`,
  ].join('\n');
}

interface Run {
  packed: boolean;
  result: unknown;
  sameExports: boolean;
  compiled: string[];
}

function run(root: string, env: Record<string, string> = {}): Run {
  const r = spawnSync(process.execPath, ['load.mjs'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMPDIR: join(root, 'tmp'), ...env } });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Run;
}

describe('module pack (module-pack.ts)', () => {
  it('gives what Node.js gives for the same modules: values, import.meta, dynamic import, the order modules run in', () => {
    const root = workspace();
    mkdirSync(join(root, 'tmp'));
    write(root, { 'load.mjs': loadScript(root) });
    const plain = run(root, { LAMBDA_LINT_NO_COMPILE_CACHE: '1' });
    expect(plain.packed).toBe(false);
    const first = run(root);
    expect(first.packed).toBe(false);
    const second = run(root);
    expect(second.packed).toBe(true);
    expect(second.result).toEqual(plain.result);
    expect(plain.result).toMatchObject({ greet: 'hi x', extra: 42, double: 6, first: 1, LABEL: 'sub', helper: 'helper of main', label: 'label-Thing', thing: 'thing', lazy: 'lazyDefault', meta: true });
  });

  it('serves CommonJS dependencies as Node.js does: exports and their aliases, a cycle, built-ins, JSON, paths, one instance per file', () => {
    const root = workspace();
    mkdirSync(join(root, 'tmp'));
    write(root, { 'load.mjs': loadScript(root) });
    const plain = run(root, { LAMBDA_LINT_NO_COMPILE_CACHE: '1' });
    run(root);
    const packed = run(root);
    expect(packed.packed).toBe(true);
    expect(packed.result).toEqual(plain.result);
    expect(plain.result).toMatchObject({
      cycle: 'early',
      aliases: { a: 1, b: 2, c: 3, strict: true },
      data: { json: true },
      paths: [join(root, 'node_modules/dep-cjs/main.js'), join(root, 'node_modules/dep-cjs'), 'main.js', true, false],
      dyn: { impl: 'dynamic' },
      resolved: [join(root, 'node_modules/dep-cjs/other.js'), 'node:fs'],
    });
    // The pack's module is the one Node.js's loader gives anyone who requires the file later.
    expect(plain.sameExports).toBe(true);
    expect(packed.sameExports).toBe(true);
    // dep-cjs came from the pack; dep-dyn (a computed require) from node_modules, as without a pack.
    // dep-small, required by a large bundle outside the pack, came from the pack too.
    expect(plain.compiled).toEqual(['dep-cjs/aliases.cjs', 'dep-cjs/main.js', 'dep-cjs/other.js', 'dep-dyn/impl.js', 'dep-dyn/index.js', 'dep-small/index.js']);
    expect(packed.compiled).toEqual(['dep-dyn/impl.js', 'dep-dyn/index.js']);
  });

  it('leaves a CommonJS package outside when one of its requires is not a call with a literal, or it is not CommonJS', () => {
    const cases: Record<string, string> = {
      computed: `module.exports = require('./x' + '.js');\n`,
      requireAsValue: `const r = require;\nmodule.exports = r('./x.js');\n`,
      requireResolvePaths: `module.exports = require.resolve.paths('./x.js');\n`,
      moduleRequire: `module.exports = module.require('./x.js');\n`,
      dynamicImport: `module.exports = () => import('./x.js');\n`,
      esmSyntax: `export const x = 1;\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const root = workspace({
        'package.json': WORKSPACE['package.json']!,
        'node_modules/dep-cjs/package.json': '{ "name": "dep-cjs", "main": "main.js" }',
        'node_modules/dep-cjs/main.js': `module.exports = require('./lib.js');\n`,
        'node_modules/dep-cjs/lib.js': text,
        'node_modules/dep-cjs/x.js': 'module.exports = 1;\n',
        'app/main.js': `import dep from 'dep-cjs';\nexport function run() { return dep; }\n`,
      });
      const packed = packSource(ts, join(root, 'app/main.js'));
      expect(packed.source, name).toBeDefined();
      expect(packed.source, name).not.toContain('node_modules/dep-cjs');
      expect(packed.files.map(([f]) => f).filter((f) => f.includes('node_modules')), name).toEqual([]);
    }
  });

  it('is not used once a packed dependency is upgraded by pointing its node_modules link elsewhere', () => {
    // As pnpm lays packages out: each version in its own folder of the store, linked from node_modules.
    const store = (n: number) => `node_modules/.pnpm/dep-cjs@${n}/node_modules/dep-cjs`;
    const version = (n: number) => ({ [`${store(n)}/package.json`]: '{ "name": "dep-cjs" }', [`${store(n)}/index.js`]: `module.exports = ${n};\n` });
    const root = workspace({
      'package.json': WORKSPACE['package.json']!,
      ...version(1),
      ...version(2),
      'app/main.js': `import dep from 'dep-cjs';\nexport function run() { return dep; }\n`,
    });
    mkdirSync(join(root, 'tmp'));
    symlinkSync(join(root, store(1)), join(root, 'node_modules/dep-cjs'));
    write(root, { 'load.mjs': loadScript(root).replace(/const bundle = .*\nconst sameExports = .*;/, 'const sameExports = true;') });
    run(root);
    expect(run(root)).toMatchObject({ packed: true, result: 1, compiled: [] });
    rmSync(join(root, 'node_modules/dep-cjs'));
    symlinkSync(join(root, store(2)), join(root, 'node_modules/dep-cjs'));
    expect(run(root)).toMatchObject({ packed: false, result: 2 });
    expect(run(root)).toMatchObject({ packed: true, result: 2, compiled: [] });
  });

  it('is not used once a packed file changes, and is written again, replacing the old pack and its compiled code', () => {
    const root = workspace();
    mkdirSync(join(root, 'tmp'));
    write(root, { 'load.mjs': loadScript(root) });
    const cacheDir = join(root, 'tmp/lambda-lint-compile-cache', `${process.version}-${process.arch}`);
    const entries = () => readdirSync(cacheDir).filter((f) => !f.includes('.'));
    run(root);
    expect(run(root).packed).toBe(true);
    // The compiled-code entries: the dependencies' and the pack's.
    const before = entries();
    write(root, { 'packages/util/sub.js': `${ran('sub')}export function twice(n) { return n * 20; }\nexport const LABEL = 'changed';\n` });
    const changed = run(root);
    expect(changed).toMatchObject({ packed: false, result: { LABEL: 'changed', double: 60 } });
    expect(run(root)).toMatchObject({ packed: true, result: { LABEL: 'changed', double: 60 } });
    // The previous pack and its compiled code are removed when the new one is written.
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.cjs'))).toHaveLength(1);
    const after = entries();
    expect(after).toHaveLength(before.length);
    expect(after.filter((f) => !before.includes(f))).toHaveLength(1);
  });

  it('is not written for modules it cannot run as Node.js would (top-level await), and not tried again until they change', () => {
    const root = workspace({ ...WORKSPACE, 'app/side-effect.js': `${ran('side-effect')}await Promise.resolve();\n` });
    mkdirSync(join(root, 'tmp'));
    write(root, { 'load.mjs': loadScript(root) });
    const cacheDir = join(root, 'tmp/lambda-lint-compile-cache', `${process.version}-${process.arch}`);
    const manifests = () => readdirSync(cacheDir).filter((f) => f.startsWith('pack-') && f.endsWith('.json'));
    expect(run(root).packed).toBe(false);
    // The attempt is recorded: the files, and no pack.
    expect(manifests()).toHaveLength(1);
    const declined = JSON.parse(readFileSync(join(cacheDir, manifests()[0]!), 'utf8')) as { pack: unknown; files: [string][] };
    expect(declined.pack).toBeNull();
    expect(declined.files.map(([f]) => f)).toContain(join(root, 'app/side-effect.js'));
    const recorded = statSync(join(cacheDir, manifests()[0]!)).mtimeMs;
    expect(run(root).packed).toBe(false);
    // Not tried again: the record is untouched.
    expect(statSync(join(cacheDir, manifests()[0]!)).mtimeMs).toBe(recorded);
    write(root, { 'app/side-effect.js': ran('side-effect') });
    expect(run(root).packed).toBe(false);
    expect(run(root).packed).toBe(true);
  });

  it('keeps its directory private: one of ours that others could write is made private before use', () => {
    const root = workspace();
    const shared = join(root, 'tmp/lambda-lint-compile-cache');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    write(root, { 'load.mjs': loadScript(root) });
    expect(run(root).packed).toBe(false);
    expect(statSync(shared).mode & 0o777).toBe(0o755);
    expect(run(root).packed).toBe(true);
  });

  it('changes nothing in the CLI: its output with the pack (its CommonJS dependencies too) is the output without it', () => {
    const DEPENDENCIES = ['balanced-match', 'brace-expansion', 'code-block-writer', 'commander', 'fdir', 'minimatch', 'path-browserify', 'picocolors', 'picomatch', 'tinyglobby', 'yaml'];
    const root = realpathSync(disk.project({}));
    // Prints, at exit, the small CommonJS dependencies (ours, and those of ts-morph's bundles) whose files Node.js's loader compiled.
    write(root, {
      'record.cjs': [
        `const Module = require('node:module');`,
        `const compile = Module.prototype._compile;`,
        `const seen = new Set();`,
        `Module.prototype._compile = function (content, filename, ...rest) { const m = /node_modules\\/(${DEPENDENCIES.join('|')})\\//.exec(filename); if (m) seen.add(m[1]); return compile.call(this, content, filename, ...rest); };`,
        `process.on('exit', () => process.stderr.write('compiled: ' + [...seen].sort().join(',') + '\\n'));`,
      ].join('\n'),
    });
    const bin = join(here, '../bin/lambda-lint.js');
    const demo = join(here, '../../../examples/brand-platform-demo');
    const lint = (format: string, env: Record<string, string>) =>
      spawnSync(process.execPath, [bin, '--format', format, demo], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', TMPDIR: root, FORCE_COLOR: '1', NODE_OPTIONS: `--require ${join(root, 'record.cjs')}`, ...env },
      });
    for (const format of ['stylish', 'json']) {
      const plain = lint(format, { LAMBDA_LINT_NO_COMPILE_CACHE: '1' });
      lint(format, {});
      const packed = lint(format, {});
      expect(plain.status, format).toBe(1);
      expect(packed.status, format).toBe(plain.status);
      expect(packed.stdout, format).toBe(plain.stdout);
      expect(plain.stderr).toContain(`compiled: ${DEPENDENCIES.join(',')}\n`);
      expect(packed.stderr).toContain('compiled: \n');
    }
  });

  it('declines graphs whose live bindings matter: a cycle through a constant, an exported let, a computed import', () => {
    const cases: Record<string, Record<string, string>> = {
      cycleThroughConstant: { 'app/cycle.js': `import { name } from './main.js';\nexport const early = 1;\nexport function helper() { return name(); }\n`, 'app/main.js': `import { early } from './cycle.js';\nexport function name() { return early; }\n` },
      exportedLet: { 'app/main.js': `export let counter = 0;\nexport function bump() { counter++; }\n` },
      computedImport: { 'app/main.js': `export function load(name) { return import('./' + name); }\n` },
    };
    for (const [name, files] of Object.entries(cases)) {
      const root = workspace({ 'package.json': WORKSPACE['package.json']!, ...files });
      expect(packSource(ts, join(root, 'app/main.js')).source, name).toBeUndefined();
    }
    const root = workspace();
    expect(packSource(ts, join(root, 'app/main.js')).files.map(([f]) => f.slice(root.length + 1)).sort()).toEqual([
      'app/cycle.js',
      'app/lazy.js',
      'app/main.js',
      'app/padding.js',
      'app/side-effect.js',
      'app/things.js',
      'node_modules/dep-cjs/aliases.cjs',
      'node_modules/dep-cjs/main.js',
      'node_modules/dep-cjs/other.js',
      'node_modules/dep-cjs/package.json',
      'package.json',
      'packages/util/index.js',
      'packages/util/package.json',
      'packages/util/sub.js',
    ]);
  });
});
