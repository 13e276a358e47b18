import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects } from '@lambda-lint/linter';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = join(repoRoot, 'packages/cli/bin/lambda-lint.js');
const disk = diskProjects('ll-lazy-ts-morph-');
afterAll(() => disk.removeAll());

const TEMPLATE = ['AWSTemplateFormatVersion: "2010-09-09"', 'Resources:', '  Queue:', '    Type: AWS::SQS::Queue', ''].join('\n');
const SAM_WITH_HANDLER = [
  'AWSTemplateFormatVersion: "2010-09-09"',
  'Transform: AWS::Serverless-2016-10-31',
  'Resources:',
  '  Api:',
  '    Type: AWS::Serverless::Function',
  '    Properties:',
  '      Runtime: nodejs20.x',
  '      CodeUri: src/',
  '      Handler: app.handler',
  '',
].join('\n');

/** The CommonJS files of ts-morph and TypeScript a whole CLI run loaded (Node.js's require cache at exit). */
function tsMorphFilesLoadedBy(dir: string): string[] {
  // Printed by a preloaded script, so that the run itself is the CLI's own, module pack and all.
  const hook = join(dir, 'loaded-modules.cjs');
  disk.write(dir, {
    'loaded-modules.cjs': "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/].*(ts-morph|typescript)/.test(f))) + '\\n'));\n",
  });
  const r = spawnSync(process.execPath, [bin, '--format', 'json', '.'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', NODE_OPTIONS: `--require ${JSON.stringify(hook)}` },
  });
  expect(r.status, r.stderr).toBeLessThan(2);
  const line = /^LOADED (.*)$/m.exec(r.stderr);
  expect(line, r.stderr).not.toBeNull();
  return JSON.parse(line![1]!) as string[];
}

describe('ts-morph is loaded only when handler code is linted', () => {
  it('a run over templates only loads neither ts-morph nor TypeScript', () => {
    expect(tsMorphFilesLoadedBy(disk.project({ 'template.yaml': TEMPLATE }))).toEqual([]);
  });

  it('a run that lints a handler loads them (the check above can fail)', () => {
    const dir = disk.project({ 'template.yaml': SAM_WITH_HANDLER, 'src/app.ts': 'export const handler = async () => ({ statusCode: 200 });\n' });
    expect(tsMorphFilesLoadedBy(dir).some((f) => /[\\/]typescript\.js$/.test(f))).toBe(true);
  });
});
