import type { HandlerRef } from '@lambda-lint/core';
import { Node } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, type HandlerCode } from './index.js';

const ROOT = '/project';

function resolve(files: Record<string, string>): HandlerCode {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => files[p.slice(ROOT.length + 1)] }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/src/ingest`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

/** The first argument of every call to `use(...)` in the handler module. */
function useArgs(code: HandlerCode): Node[] {
  return code.sourceFile
    .getDescendants()
    .filter((n) => Node.isCallExpression(n) && n.getExpression().getText() === 'use')
    .map((n) => (n as import('ts-morph').CallExpression).getArguments()[0]!);
}

describe('evaluateString', () => {
  it('evaluates constant paths and gives up on any dynamic part', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import path, { join } from 'node:path';",
        "import * as os from 'os';",
        "import { tmpdir } from 'node:os';",
        "import { OUT_DIR } from './consts.js';",
        "const { resolve } = require('path');",
        "const NAME = 'out.json';",
        "const PATHS = { report: '/tmp/report.csv' };",
        'let mutable = "/tmp/x";',
        'export const handler = async (event, context) => {',
        "  use('/tmp/a.json');",
        '  use(`/tmp/${NAME}`);',
        "  use(path.join('/tmp', NAME));",
        "  use(join(os.tmpdir(), 'b', '..', 'c.txt'));",
        "  use(tmpdir() + '/d' + 1);",
        '  use(PATHS.report);',
        "  use(resolve('/tmp', 'e'));",
        "  use(resolve('relative'));",
        '  use(`${OUT_DIR}/f`);',
        '  use(mutable);',
        '  use(`/tmp/${context.awsRequestId}.json`);',
        "  use(path.join('/tmp', randomUUID()));",
        '  use(event.path);',
        "  use(path.posix.join('/tmp', 'g'));",
        '};',
      ].join('\n'),
      'src/consts.ts': "export const OUT_DIR = '/tmp/out';",
    });
    expect(useArgs(code).map((a) => code.evaluateString(a))).toEqual([
      '/tmp/a.json',
      '/tmp/out.json',
      '/tmp/out.json',
      '/tmp/c.txt',
      '/tmp/d1',
      '/tmp/report.csv',
      '/tmp/e',
      undefined,
      '/tmp/out/f',
      undefined,
      undefined,
      undefined,
      undefined,
      '/tmp/g',
    ]);
  });
});

describe('moduleMemberOf', () => {
  it('names module members through imports, require and aliases', () => {
    const code = resolve({
      'src/ingest.ts': [
        "import fs from 'fs';",
        "import * as fsNs from 'node:fs';",
        "import { writeFile } from 'node:fs/promises';",
        "import { promises as fsp } from 'fs';",
        "const cjs = require('fs');",
        "const { createWriteStream } = require('node:fs');",
        'const alias = fs.promises;',
        "const { readFile } = fs.promises;",
        'export const handler = async () => {',
        '  use(fs.writeFileSync);',
        '  use(fsNs.promises.writeFile);',
        '  use(writeFile);',
        '  use(fsp.appendFile);',
        '  use(cjs.readFileSync);',
        '  use(createWriteStream);',
        '  use(alias.open);',
        "  use(require('fs').copyFileSync);",
        '  use(readFile);',
        '  use(local.writeFile);',
        '};',
      ].join('\n'),
    });
    expect(useArgs(code).map((a) => code.moduleMemberOf(a))).toEqual([
      { module: 'fs', path: ['writeFileSync'] },
      { module: 'fs', path: ['promises', 'writeFile'] },
      { module: 'fs/promises', path: ['writeFile'] },
      { module: 'fs', path: ['promises', 'appendFile'] },
      { module: 'fs', path: ['readFileSync'] },
      { module: 'fs', path: ['createWriteStream'] },
      { module: 'fs', path: ['promises', 'open'] },
      { module: 'fs', path: ['copyFileSync'] },
      { module: 'fs', path: ['promises', 'readFile'] },
      undefined,
    ]);
  });
});
