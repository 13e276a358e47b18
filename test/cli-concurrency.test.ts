import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMonorepo } from '../bench/monorepo/generate.mjs';
import { repoRoot } from './support.js';
import { VALUED_OPTIONS } from '../packages/cli/src/workers.js';

// The compiled command line (`pnpm test` builds first): worker threads run the compiled worker script.
const CLI = join(repoRoot, 'packages/cli/bin/lambda-lint.js');

let dir: string;
let handlerFiles: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-lint-concurrency-'));
  const files = writeMonorepo(dir, { handlers: 250, functions: 50, seed: 4 });
  handlerFiles = Object.keys(files).filter((f) => f.endsWith('.ts'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, '--format', 'json', ...args, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LAMBDA_LINT_DEBUG: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--concurrency (worker threads)', () => {
  it('a run in two threads prints what a run in one thread prints', () => {
    const one = run('--concurrency', 'off');
    const two = run('--concurrency', '2');
    expect(one.stderr).toContain('code analysed in 1 part (one thread)');
    // Exactly: a part the worker failed to deliver would say so.
    expect(two.stderr).toContain('code analysed in 2 parts (main thread and 1 worker thread)\n');
    expect(two.status).toBe(one.status);
    expect(JSON.parse(one.stdout).findings.length).toBeGreaterThan(20);
    expect(two.stdout).toBe(one.stdout);
  });

  it('workers started during the run (main() called without the bin, as the GitHub Action does) give the same', () => {
    const script = `import(${JSON.stringify(join(repoRoot, 'packages/cli/dist/main.js'))}).then(async (m) => { process.exitCode = await m.main(['--format', 'json', '--concurrency', '2', '.']); });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LAMBDA_LINT_DEBUG: '1' } });
    expect(r.stderr).toContain('code analysed in 2 parts (main thread and 1 worker thread)\n');
    expect(r.stdout).toBe(run('--concurrency', 'off').stdout);
  });

  it('auto splits a monorepo of several services on four cores or more, and keeps a small project in one thread', () => {
    // Below four cores a worker does not pay for its start-up (workers.ts): auto stays in one thread.
    if (availableParallelism() >= 4) expect(run().stderr).toMatch(/code analysed in [2-4] parts \(main thread and [1-3] worker threads?\)\n/);
    else expect(run().stderr).toContain('code analysed in 1 part (one thread)');
    const small = spawnSync(process.execPath, [CLI, '--format', 'json', '.'], {
      cwd: join(repoRoot, 'examples/brand-platform'),
      encoding: 'utf8',
      env: { ...process.env, LAMBDA_LINT_DEBUG: '1' },
    });
    expect(small.status).toBe(0);
    expect(small.stderr).toContain('code analysed in 1 part (one thread)');
  });

  // It rewrites the handlers of the tree: keep it after the tests that compare outputs.
  it('--cache records the code files the worker threads read: a change to any of them is analysed again', () => {
    const cacheDir = join(dir, '.lint-cache');
    const first = run('--concurrency', '2', '--cache', '--cache-location', cacheDir);
    expect(first.stderr).toContain('2 parts');
    const [entry] = readdirSync(cacheDir).filter((f) => f.endsWith('.json'));
    const recorded = Object.keys(JSON.parse(readFileSync(join(cacheDir, entry!), 'utf8')).inputs.files);
    for (const file of handlerFiles) expect(recorded).toContain(join(dir, file));
    // Every part's handlers: whichever thread analysed it, a changed handler is analysed again.
    for (const rel of handlerFiles.filter((f) => f.endsWith('/handler.ts'))) {
      writeFileSync(join(dir, rel), "import { writeFileSync } from 'node:fs';\nexport const handler = async (e: { body: string }) => {\n  writeFileSync('/tmp/x.json', e.body);\n  return { statusCode: 200 };\n};\n");
    }
    const second = run('--concurrency', '2', '--cache', '--cache-location', cacheDir);
    const fixedPaths = (out: string) => new Set(JSON.parse(out).findings.filter((f: { ruleId: string }) => f.ruleId === 'fixed-tmp-path').map((f: { file: string }) => f.file));
    expect(fixedPaths(second.stdout).size).toBeGreaterThan(fixedPaths(first.stdout).size + 40);
  });

  it('knows every option of the main command that takes a value (early workers tell paths from option values by it)', () => {
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout;
    const valued = [...help.matchAll(/^\s+(?:(-\w), )?(--[\w-]+) <[^>]+>/gm)].flatMap((m) => (m[1] ? [m[1], m[2]!] : [m[2]!]));
    expect(valued.length).toBeGreaterThan(10);
    expect([...VALUED_OPTIONS].sort()).toEqual(valued.sort());
  });

  it('rejects a --concurrency that is not a number of threads, auto or off', () => {
    const r = run('--concurrency', '0');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('expected a number of threads (1 or more), auto or off');
  });
});
