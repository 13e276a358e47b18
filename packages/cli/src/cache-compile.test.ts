import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { diskProjects } from '@lambda-lint/linter';

// The compiled module, as the bin loads it: the cache patches Node.js's CommonJS loader, so it is
// tried in a child process, never in the test runner.
const compiled = pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '../dist/cache-compile.js')).href;

/** More than the size below which files are left to the normal loader (MIN_BYTES). */
const PADDING = `/*${'x'.repeat(300 * 1024)}*/\n`;

const disk = diskProjects('ll-compile-cache-');
afterEach(() => disk.removeAll());
const write = disk.write;

/** A project with large dependencies of each kind the loader meets, and a script that loads them with the cache on. */
function project(): { root: string; cacheHome: string } {
  const root = disk.project({});
  const cacheHome = join(root, 'tmp');
  mkdirSync(cacheHome);
  write(root, {
    'node_modules/ascii-cjs/package.json': '{ "name": "ascii-cjs" }',
    'node_modules/ascii-cjs/index.js': `${PADDING}exports.text = 'plain ' + typeof module + ' ' + typeof require;\n`,
    'node_modules/utf8-cjs/package.json': '{ "name": "utf8-cjs", "type": "commonjs" }',
    'node_modules/utf8-cjs/index.js': `${PADDING}exports.text = 'caf\u00e9 \u2713 \u{1F600}';\n`,
    'node_modules/esm-pkg/package.json': '{ "name": "esm-pkg", "type": "module" }',
    // No import or export: only its package's type says it is an ES module (no `require` in scope).
    'node_modules/esm-pkg/index.js': `${PADDING}globalThis.esmText = 'module ' + typeof require;\n`,
    'load.mjs': [
      `import { enableCompileCache } from ${JSON.stringify(compiled)};`,
      `import { createRequire } from 'node:module';`,
      `enableCompileCache();`,
      `const require = createRequire(import.meta.url);`,
      `const out = [require('ascii-cjs').text, require('utf8-cjs').text];`,
      `if (process.features.require_module) require('esm-pkg');`,
      `else await import('esm-pkg');`,
      `out.push(globalThis.esmText);`,
      `console.log(JSON.stringify(out));`,
    ].join('\n'),
  });
  return { root, cacheHome };
}

describe('compiled-code cache on Node.js 20 (cache-compile.ts)', () => {
  it('loads large CommonJS files, ASCII or not, and large ES modules as the normal loader does, with and without a cache entry', () => {
    const { root, cacheHome } = project();
    const run = () => spawnSync(process.execPath, ['load.mjs'], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TMPDIR: cacheHome } });
    const expected = JSON.stringify(['plain object function', 'caf\u00e9 \u2713 \u{1F600}', 'module undefined']);
    const first = run();
    expect(first.stderr).toBe('');
    expect(first.stdout.trim()).toBe(expected);
    const entries = readdirSync(join(cacheHome, 'lambda-lint-compile-cache', `${process.version}-${process.arch}`));
    // One compiled-code entry per large CommonJS file; the ES module is left to Node.js.
    expect(entries.filter((e) => !e.includes('.')).length).toBe(2);
    const second = run();
    expect(second.stderr).toBe('');
    expect(second.stdout.trim()).toBe(expected);
  });
});
