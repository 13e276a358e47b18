import { describe, expect, it } from 'vitest';
import { functionsUsing } from './changed.js';
import { memoryHost } from './host.js';
import { lintFiles } from './testing.js';

const files: Record<string, string> = {
  'serverless.yml':
    'service: s\nprovider:\n  name: aws\n  runtime: nodejs24.x\nfunctions:\n  api:\n    handler: src/api.handler\n  worker:\n    handler: src/worker.handler\n  legacy:\n    handler: src/legacy.handler\n',
  // NodeNext style `.js` specifier for a `.ts` file, a folder import, a type-only re-export.
  'src/api.ts': "import { load } from './lib/store.js';\nexport * from './types';\nexport const handler = async () => load();\n",
  'src/lib/store.ts': "import { TABLE } from '../../shared';\nexport function load() { return TABLE; }\n",
  'shared/index.ts': "export const TABLE = 'brands';\n",
  'src/types.ts': 'export interface Brand { id: string }\n',
  // A dynamic import and a require().
  'src/worker.mjs': "export const handler = async () => (await import('./jobs/run.mjs')).run();\n",
  'src/jobs/run.mjs': "const { log } = require('../util/log.cjs');\nexport function run() { log('x'); }\n",
  'src/util/log.cjs': 'exports.log = (m) => m;\n',
  'src/legacy.js': "exports.handler = async () => ({ ok: true });\n",
  'scripts/seed.ts': "import { TABLE } from '../shared/index.js';\nconsole.log(TABLE);\n",
};

async function affectedBy(changed: string[]): Promise<string[]> {
  const host = memoryHost(files, '/project');
  const result = await lintFiles(files);
  return [...functionsUsing(result.handlers, new Set(changed.map((f) => `/project/${f}`)), host, '/project')].map((fn) => fn.name).sort();
}

describe('functionsUsing (changed files to functions)', () => {
  it('maps a handler module to its functions', async () => {
    expect(await affectedBy(['src/api.ts'])).toEqual(['api']);
    expect(await affectedBy(['src/legacy.js'])).toEqual(['legacy']);
  });

  it('follows project imports transitively: .js specifiers for .ts files, folders, type-only modules', async () => {
    expect(await affectedBy(['src/lib/store.ts'])).toEqual(['api']);
    expect(await affectedBy(['shared/index.ts'])).toEqual(['api']);
    expect(await affectedBy(['src/types.ts'])).toEqual(['api']);
  });

  it('follows dynamic import() and require()', async () => {
    expect(await affectedBy(['src/jobs/run.mjs'])).toEqual(['worker']);
    expect(await affectedBy(['src/util/log.cjs'])).toEqual(['worker']);
  });

  it('gives nothing for a file no handler reaches, and several functions for a shared one', async () => {
    expect(await affectedBy(['scripts/seed.ts'])).toEqual([]);
    expect(await affectedBy(['src/api.ts', 'src/util/log.cjs'])).toEqual(['api', 'worker']);
  });

  it('never reads outside the project root', async () => {
    const outside = { ...files, 'src/api.ts': "import { x } from '../../outside/x.js';\nexport const handler = async () => x;\n" };
    const host = memoryHost(outside, '/project');
    const read: string[] = [];
    const spy = { ...host, readFile: (p: string) => (read.push(p), host.readFile(p)) };
    const result = await lintFiles(outside);
    functionsUsing(result.handlers, new Set(['/outside/x.ts']), spy, '/project');
    expect(read.filter((p) => !p.startsWith('/project/'))).toEqual([]);
  });
});
