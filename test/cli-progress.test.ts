import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../packages/cli/src/main.js';

function app(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lambda-lint-progress-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'serverless.yml'), 'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\nfunctions:\n  a:\n    handler: src/a.handler\n  b:\n    handler: src/a.handler\n');
  writeFileSync(join(dir, 'src/a.ts'), 'export const handler = async () => ({ ok: true });\n');
  return dir;
}

/** Runs the CLI in-process with a clock that advances `step` ms at every reading. */
async function run(stderrIsTTY: boolean, step: number, env: Record<string, string> = {}) {
  let t = 0;
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd: app(),
    env,
    isTTY: false,
    stderrIsTTY,
    now: () => (t += step),
  };
  const code = await main(['--format', 'json'], io);
  return { code, stdout, stderr };
}

describe('progress indicator', () => {
  it('draws one self-erasing line on a terminal stderr once the run is long', async () => {
    const r = await run(true, 600);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary.functions).toBe(2);
    // The first step comes before the first second has passed: not drawn.
    expect(r.stderr).not.toContain('reading');
    expect(r.stderr).toContain('\r\x1b[2Klambda-lint: running rules');
    expect(r.stderr).toContain('\r\x1b[2Klambda-lint: analysing the handler of b (2/2)');
    expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(r.stderr).not.toContain('\n');
  });

  it('stays silent when stderr is not a terminal, on CI, or when the run is short', async () => {
    expect((await run(false, 600)).stderr).toBe('');
    expect((await run(true, 600, { CI: 'true' })).stderr).toBe('');
    expect((await run(true, 1)).stderr).toBe('');
  });
});
