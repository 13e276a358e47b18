import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type CliIO } from '../packages/cli/src/main.js';
import { replayCached } from '../packages/cli/src/cache.js';
import { repoRoot } from './support.js';

const files: Record<string, string> = {
  'serverless.yml': `service: shop
provider:
  name: aws
  runtime: nodejs24.x
  memorySize: 256
  logRetentionInDays: 30
  tracing:
    lambda: true
functions:
  ingest:
    handler: src/ingest.handler
    timeout: 10
`,
  'src/ingest.ts': `import { record } from './lib/log.js';
export const handler = async (event: { id: string }) => {
  record(event.id);
  return { ok: true };
};
`,
  'src/lib/log.ts': `export function record(id: string): void {
  console.log(JSON.stringify({ id }));
}
`,
};

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-cache-cli-'));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

function io(cwd: string): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, env: { NO_COLOR: '1' }, isTTY: false };
}

const args = ['--cache', '--format', 'json', '.'];

describe('--cache', () => {
  it('a second run on an unchanged tree replays the first run exactly, without analysing', async () => {
    const dir = project();
    const first = io(dir);
    const code = await main(args, first);
    expect(existsSync(join(dir, 'node_modules/.cache/lambda-lint'))).toBe(true);
    const again = io(dir);
    // replayCached is what the bin calls before it loads the linter: a number means a hit.
    expect(replayCached(args, again)).toBe(code);
    expect(again.out.join('')).toBe(first.out.join(''));
    // ... and the same as a run without the cache.
    const plain = io(dir);
    expect(await main(['--format', 'json', '.'], plain)).toBe(code);
    expect(plain.out.join('')).toBe(first.out.join(''));
  });

  it.each([
    ['the handler', 'src/ingest.ts', (s: string) => s.replace('record(event.id);', "record(event.id);\n  require('fs').writeFileSync('/tmp/out.json', event.id);")],
    ['a module the handler imports', 'src/lib/log.ts', (s: string) => s.replace('JSON.stringify({ id })', '`recorded ${id}`')],
    ['the template', 'serverless.yml', (s: string) => s.replace('timeout: 10', 'timeout: 900')],
  ])('a change to %s is analysed again, and the new result is cached in turn', async (_what, file, edit) => {
    const dir = project();
    const first = io(dir);
    await main(args, first);
    writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
    expect(replayCached(args, io(dir))).toBeUndefined();
    const second = io(dir);
    await main(args, second);
    expect(JSON.parse(second.out.join('')).findings.length).toBeGreaterThan(JSON.parse(first.out.join('')).findings.length);
    const third = io(dir);
    expect(replayCached(args, third)).toBeDefined();
    expect(third.out.join('')).toBe(second.out.join(''));
  });

  it('a changed configuration file invalidates, and its new result is the one printed', async () => {
    const dir = project();
    writeFileSync(join(dir, 'lambda-lint.config.json'), '{ "rules": { "fixed-tmp-path": "off" } }\n');
    const first = io(dir);
    await main(args, first);
    expect(replayCached(args, io(dir))).toBeDefined();
    writeFileSync(join(dir, 'lambda-lint.config.json'), '{ "rules": { "explicit-timeout": "off" } }\n');
    expect(replayCached(args, io(dir))).toBeUndefined();
  });

  it('a new file in a linted directory invalidates', async () => {
    const dir = project();
    await main(args, io(dir));
    writeFileSync(join(dir, 'template.yaml'), 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n');
    expect(replayCached(args, io(dir))).toBeUndefined();
  });

  it('other options are other entries; --cache-location chooses the directory', async () => {
    const dir = project();
    const location = mkdtempSync(join(tmpdir(), 'lambda-lint-cache-location-'));
    dirs.push(location);
    await main([...args, '--cache-location', location], io(dir));
    expect(readdirSync(location).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    expect(replayCached([...args, '--cache-location', location], io(dir))).toBeDefined();
    expect(replayCached([...args, '--quiet', '--cache-location', location], io(dir))).toBeUndefined();
    // Without --cache nothing is read from or written to a cache.
    expect(replayCached(['--format', 'json', '.'], io(dir))).toBeUndefined();
    // A run that writes a baseline is neither stored nor replayed: the file must be written each time.
    await main([...args, '--update-baseline', '--cache-location', location], io(dir));
    expect(readdirSync(location).filter((n) => n.endsWith('.json'))).toHaveLength(1);
    expect(replayCached([...args, '--update-baseline', '--cache-location', location], io(dir))).toBeUndefined();
  });

  it('--output-file: a hit writes the stored report to the file again', async () => {
    const dir = project();
    const argv = ['--cache', '--format', 'json', '-o', 'out/report.json', '.'];
    const code = await main(argv, io(dir));
    const report = readFileSync(join(dir, 'out/report.json'), 'utf8');
    // The report written into the linted folder does not invalidate the run that wrote it.
    expect(replayCached(argv, io(dir))).toBe(code);
    rmSync(join(dir, 'out'), { recursive: true });
    // Deleted: the listing differs, so the run is analysed again and writes it.
    expect(replayCached(argv, io(dir))).toBeUndefined();
    expect(await main(argv, io(dir))).toBe(code);
    expect(readFileSync(join(dir, 'out/report.json'), 'utf8')).toBe(report);
    writeFileSync(join(dir, 'out/report.json'), 'stale');
    expect(replayCached(argv, io(dir))).toBe(code);
    expect(readFileSync(join(dir, 'out/report.json'), 'utf8')).toBe(report);
  });

  it('whole process: the second run prints what the first printed and exits the same', () => {
    const dir = project();
    const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
    const run = () => spawnSync(process.execPath, [bin, '--cache', '.'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    const a = run();
    const b = run();
    expect(a.status).not.toBe(2);
    expect(b.status).toBe(a.status);
    expect(b.stdout).toBe(a.stdout);
    expect(b.stderr).toBe(a.stderr);
  });
});

describe('compiled-code cache (cache-compile.ts)', () => {
  it('changes nothing in the output: runs with and without it print the same', () => {
    const dir = project();
    const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
    const run = (extra: Record<string, string>) =>
      spawnSync(process.execPath, [bin, '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...extra } });
    const plain = run({ LAMBDA_LINT_NO_COMPILE_CACHE: '1' });
    const first = run({});
    const second = run({});
    expect(plain.status).not.toBe(2);
    for (const r of [first, second]) {
      expect(r.status).toBe(plain.status);
      expect(r.stdout).toBe(plain.stdout);
    }
  });
});
