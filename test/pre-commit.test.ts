import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from './support.js';

const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
const hooksFile = readFileSync(join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8');

/** A field of the published hook, read from .pre-commit-hooks.yaml (one hook, one-line values). */
function hookField(name: string): string {
  const m = new RegExp(`^ {2}${name}: (.*)$`, 'm').exec(hooksFile);
  if (!m) throw new Error(`.pre-commit-hooks.yaml has no ${name}`);
  return m[1]!.trim();
}

const serverless =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\n  memorySize: 256\n  logRetentionInDays: 30\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    timeout: 10\n    tracing: Active\ncustom:\n  alerts:\n    definitions:\n      functionDuration:\n        statistic: p99\n    alarms:\n      - functionErrors\n      - functionThrottles\n      - functionDuration\n';
const cleanHandler = "import { helper } from './lib/helper.js';\n\nexport const handler = async (event: { body: string }) => {\n  return { ok: helper(event.body) };\n};\n";
const cleanHelper = 'export function helper(body: string): boolean {\n  return body.length > 0;\n}\n';
/** The change under review: a helper the handler calls now writes a fixed /tmp path. */
const brokenHelper = "import { writeFileSync } from 'node:fs';\n\nexport function helper(body: string): boolean {\n  writeFileSync('/tmp/last-body.json', body);\n  return body.length > 0;\n}\n";

interface Repo {
  dir: string;
  git(...args: string[]): { code: number | null; out: string };
  write(rel: string, content: string): void;
}

/** A temporary git repository with pre-commit installed as its hook, offline (no hook is fetched). */
function repo(hookEntry: string): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-pre-commit-'));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    PRE_COMMIT_HOME: join(dir, '.pre-commit-cache'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.com',
    NO_COLOR: '1',
  };
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { cwd: join(dir, 'app'), env, encoding: 'utf8' });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  mkdirSync(join(dir, 'app'));
  const r: Repo = {
    dir: join(dir, 'app'),
    git: (...args) => run('git', args),
    write: (rel, content) => {
      mkdirSync(join(dir, 'app', rel, '..'), { recursive: true });
      writeFileSync(join(dir, 'app', rel), content);
    },
  };
  expect(r.git('init', '-q', '-b', 'main').code).toBe(0);
  r.write('.gitignore', 'node_modules/\n.pre-commit-cache/\n');
  r.write(
    '.pre-commit-config.yaml',
    [
      'repos:',
      '  - repo: local',
      '    hooks:',
      '      - id: lambda-lint',
      '        name: lambda-lint',
      `        entry: ${hookEntry}`,
      '        language: system',
      `        files: ${hookField('files')}`,
      `        require_serial: ${hookField('require_serial')}`,
      '',
    ].join('\n'),
  );
  const install = run('pre-commit', ['install']);
  expect(install.out).toContain('pre-commit installed at .git/hooks/pre-commit');
  return r;
}

function commit(r: Repo, message: string, ...files: string[]) {
  expect(r.git('add', ...files).code).toBe(0);
  return r.git('commit', '-q', '-m', message);
}

describe('pre-commit hook', () => {
  beforeAll(() => {
    expect(spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^pre-commit \d/);
  });

  it('publishes a hook pre-commit can read', () => {
    expect(hooksFile).toMatch(/^- id: lambda-lint$/m);
    expect(hookField('entry')).toBe('npx --no-install lambda-lint');
    expect(hookField('language')).toBe('system');
    expect(hookField('require_serial')).toBe('true');
    const files = new RegExp(JSON.parse(`"${hookField('files').slice(1, -1).replace(/\\/g, '\\\\')}"`));
    for (const f of ['serverless.yml', 'template.yaml', 'cdk.out/x.template.json', 'src/a.ts', 'src/b.mjs', 'src/c.cjs', 'src/d.tsx', 'stack.template', '.lambda-lintrc', 'svc/.lambda-lintrc', 'lambda-lint.config.yaml']) {
      expect(f).toMatch(files);
    }
    for (const f of ['README.md', 'logo.png', 'Dockerfile', 'my.lambda-lintrc.bak']) expect(f).not.toMatch(files);
  });

  it('lets a clean commit through and blocks one that introduces an error finding (real pre-commit run)', () => {
    const r = repo(`${process.execPath} ${bin}`);
    r.write('serverless.yml', serverless);
    r.write('src/ingest.ts', cleanHandler);
    r.write('src/lib/helper.ts', cleanHelper);
    const clean = commit(r, 'clean service', '.');
    expect(clean.out).toMatch(/lambda-lint\.+Passed/);
    expect(clean.code).toBe(0);

    // Only the helper changes: the hook maps it to the function whose handler calls it.
    r.write('src/lib/helper.ts', brokenHelper);
    const blocked = commit(r, 'write a fixed /tmp path', 'src/lib/helper.ts');
    expect(blocked.code).not.toBe(0);
    expect(blocked.out).toMatch(/lambda-lint\.+Failed/);
    expect(blocked.out).toContain('src/lib/helper.ts');
    expect(blocked.out).toMatch(/4:17 +error +.*fixed-tmp-path \[ingest\]/);
    expect(r.git('log', '--format=%s').out.trim()).toBe('clean service');

    // An unrelated file goes through while the broken helper stays staged-out.
    r.git('reset', '-q', 'src/lib/helper.ts');
    r.write('README.md', '# service\n');
    r.write('scripts/seed.ts', "import { writeFileSync } from 'node:fs';\nwriteFileSync('/tmp/seed.json', '{}');\n");
    const unrelated = commit(r, 'docs and a script', 'README.md', 'scripts/seed.ts');
    expect(unrelated.code).toBe(0);
    expect(unrelated.out).toMatch(/lambda-lint\.+Passed/);
    expect(r.git('log', '--format=%s').out.trim().split('\n')).toEqual(['docs and a script', 'clean service']);
  });

  it('runs the published hook definition with the lambda-lint the project installs (pre-commit try-repo)', () => {
    const r = repo('true');
    r.write('serverless.yml', serverless);
    r.write('src/ingest.ts', cleanHandler);
    r.write('src/lib/helper.ts', brokenHelper);
    // What `npm i -D lambda-lint` gives the project: the bin on node_modules/.bin.
    mkdirSync(join(r.dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(bin, join(r.dir, 'node_modules/.bin/lambda-lint'));
    r.git('add', '.');
    const env = { PATH: process.env.PATH ?? '', HOME: join(r.dir, '..'), PRE_COMMIT_HOME: join(r.dir, '..', '.pre-commit-cache'), NO_COLOR: '1' };
    const hooksRepo = mkdtempSync(join(tmpdir(), 'lambda-lint-hooks-repo-'));
    // A repository holding only the published hook file, as users' pre-commit clones it.
    writeFileSync(join(hooksRepo, '.pre-commit-hooks.yaml'), hooksFile);
    const git = (args: string[], cwd: string) => spawnSync('git', args, { cwd, env: { ...env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' }, encoding: 'utf8' });
    git(['init', '-q'], hooksRepo);
    git(['add', '.'], hooksRepo);
    git(['commit', '-q', '-m', 'hooks'], hooksRepo);
    const run = (files: string[]) => spawnSync('pre-commit', ['try-repo', hooksRepo, 'lambda-lint', '--files', ...files], { cwd: r.dir, env, encoding: 'utf8' });
    const failed = run(['src/lib/helper.ts', 'README.md']);
    expect(failed.stdout).toMatch(/lambda-lint\.+Failed/);
    expect(failed.stdout).toContain('fixed-tmp-path');
    expect(failed.status).toBe(1);
    const skipped = run(['.gitignore']);
    expect(skipped.stdout).toMatch(/lambda-lint\.+\(no files to check\)Skipped/);
    expect(skipped.status).toBe(0);
  });
});
