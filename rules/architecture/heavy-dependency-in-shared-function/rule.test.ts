import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { codeOf } from '@lambda-lint/handler';
import { heavyImportsOf, walkHeavyImports } from './heavy-imports.js';
import { HEAVY_PACKAGES, heavyPackageOf, mayNameHeavyPackage } from './heavy-packages.js';

const ID = 'heavy-dependency-in-shared-function';
const lines = (...l: string[]): string => `${l.join('\n')}\n`;
const pos = (messageId: string, line: number, column: number, endLine: number, endColumn: number) => at(ID, messageId, line, column, endLine, endColumn);
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === ID);

// `media` is on line 8 (columns 3-8); `memorySize` (when given) on line 10; events follow.
const serverless = (fn: string) => `service: brand-media
provider:
  name: aws
  runtime: nodejs22.x
  timeout: 10
  logRetentionInDays: 30
functions:
  media:
    handler: src/media.handler
${fn}`;

const sharpHandler = lines(
  "import sharp from 'sharp';", // 1
  '', // 2
  'export const handler = async (event: { body: string }) => {', // 3
  "  const png = await sharp(Buffer.from(event.body, 'base64')).resize(64).png().toBuffer();", // 4
  "  return { statusCode: 200, body: png.toString('base64') };", // 5
  '};',
);

const app = (fn: string, code = sharpHandler, extra: Record<string, string> = {}) => ({ 'serverless.yml': serverless(fn), 'src/media.ts': code, ...extra });
const twoRoutes = '    events:\n      - httpApi: POST /thumbnails\n      - httpApi: GET /brands\n';

describe(ID, () => {
  it('matches the heavy-package table with subpaths, not look-alikes', () => {
    expect(['sharp', 'sharp/lib/index', '@tensorflow/tfjs-node', 'puppeteer-core', '@sparticuz/chromium', 'fluent-ffmpeg', 'pdfkit/js/pdfkit'].map(heavyPackageOf)).toEqual([
      'sharp',
      'sharp',
      '@tensorflow/tfjs-node',
      'puppeteer-core',
      '@sparticuz/chromium',
      'fluent-ffmpeg',
      'pdfkit',
    ]);
    expect(['sharpen', 'pdf-lib', 'jimp', 'canvas-confetti', '@aws-sdk/client-s3', './sharp'].map(heavyPackageOf)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('reports a heavy import in a function with several HTTP routes, at the import, relating the function', async () => {
    const r = await lintFiles(app(`    memorySize: 2048\n${twoRoutes}`));
    expect(positions(r, ID)).toEqual([pos('shared', 1, 1, 1, 27)]);
    const f = own(r)[0]!;
    expect(f.loc.file.endsWith('src/media.ts')).toBe(true);
    expect(f.message).toContain('media: sharp (image processing) is loaded by a function that also serves 2 HTTP routes (POST /thumbnails, GET /brands)');
    expect(f.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([
      [8, 3, 'function media'],
      [12, 23, 'one of its HTTP routes'],
    ]);
  });

  it('reports a small memory size at the setting, and the default at the function key', async () => {
    const r = await lintFiles(app('    memorySize: 512\n    events:\n      - httpApi: POST /thumbnails\n'));
    expect(positions(r, ID)).toEqual([pos('smallMemory', 10, 17, 10, 20)]);
    expect(own(r)[0]!.message).toContain('media: its handler loads sharp (image processing) but has 512 MB of memory');
    expect(own(r)[0]!.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[1, 1, 'sharp loaded here']]);
    const d = await lintFiles(app('    events:\n      - httpApi: POST /thumbnails\n'));
    expect(positions(d, ID)).toEqual([pos('smallMemory', 8, 3, 8, 8)]);
    expect(own(d)[0]!.message).toContain('keeps the Serverless Framework default memory size of 1024 MB');
  });

  it('reports both when a shared function also has a small memory size', async () => {
    const r = await lintFiles(app(`    memorySize: 256\n${twoRoutes}`));
    // Sorted by file: serverless.yml first.
    expect(positions(r, ID)).toEqual([pos('smallMemory', 10, 17, 10, 20), pos('shared', 1, 1, 1, 27)]);
  });

  it('accepts a dedicated heavy function with enough memory, and light functions with many routes', async () => {
    expect(positions(await lintFiles(app('    memorySize: 2048\n    events:\n      - httpApi: POST /thumbnails\n')), ID)).toEqual([]);
    const light = lines("export const handler = async () => ({ statusCode: 200, body: '[]' });");
    expect(positions(await lintFiles(app(`    memorySize: 256\n${twoRoutes}`, light)), ID)).toEqual([]);
  });

  it('recognises a route table in code (object and Map) and a switch on the route key', async () => {
    const table = lines(
      "import type { Browser } from 'puppeteer-core';", // 1: type-only, not loaded
      "const chromium = require('@sparticuz/chromium');", // 2
      'const routes = Object.freeze({', // 3
      "  'GET /brands': async () => ({ statusCode: 200, body: '[]' }),", // 4
      "  'POST /brands/{id}/pdf': async () => ({ statusCode: 200, body: String(await chromium.executablePath()) }),", // 5
      '});', // 6
      'export const handler = async (event: { routeKey: string }) => {', // 7
      '  const b: Browser | undefined = undefined;', // 8
      "  return routes[event.routeKey as keyof typeof routes]?.() ?? { statusCode: 404, body: String(b) };", // 9
      '};',
    );
    const r = await lintFiles(app('    memorySize: 2048\n    events:\n      - httpApi: ANY /{proxy+}\n', table));
    expect(positions(r, ID)).toEqual([pos('shared', 2, 18, 2, 48)]);
    expect(own(r)[0]!.message).toContain('@sparticuz/chromium (headless browser) is loaded by a function that also serves a route table of 2 routes (GET /brands, POST /brands/{id}/pdf)');
    expect(own(r)[0]!.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([
      [8, 3, 'function media'],
      [3, 30, 'route table'],
    ]);

    const map = lines(
      "const routes = new Map([['GET /a', () => 1], ['POST /b', async () => (await import('onnxruntime-node')).InferenceSession]]);", // 1
      'export const handler = async (event: { routeKey: string }) => routes.get(event.routeKey)?.();',
    );
    expect(positions(await lintFiles(app('    memorySize: 2048\n    events:\n      - httpApi: ANY /{proxy+}\n', map)), ID)).toEqual([pos('shared', 1, 77, 1, 103)]);

    const sw = lines(
      "import ffmpeg from 'fluent-ffmpeg';", // 1
      'export const handler = async (event: { requestContext: { http: { method: string } } }) => {', // 2
      '  switch (event.requestContext.http.method) {', // 3
      "    case 'GET': return { statusCode: 200, body: 'ok' };", // 4
      "    case 'POST': return { statusCode: 202, body: String(ffmpeg) };", // 5
      "    default: return { statusCode: 405, body: '' };", // 6
      '  }',
      '};',
    );
    const s = await lintFiles(app('    memorySize: 2048\n    events:\n      - httpApi: ANY /media\n', sw));
    expect(positions(s, ID)).toEqual([pos('shared', 1, 1, 1, 36)]);
    expect(own(s)[0]!.message).toContain('2 routes switched on event.requestContext.http.method');
  });

  it('follows local modules the handler calls, and ignores packages in files it never reaches', async () => {
    const handler = lines(
      "import { render } from './lib/render.js';", // 1
      'export const handler = async (event: { routeKey: string }) => {', // 2
      '  switch (event.routeKey) {', // 3
      "    case 'GET /brands': return { statusCode: 200, body: '[]' };", // 4
      "    case 'POST /brands/{id}/card': return { statusCode: 200, body: await render() };", // 5
      "    default: return { statusCode: 404, body: '' };",
      '  }',
      '};',
    );
    const render = lines("import { createCanvas } from '@napi-rs/canvas';", "export const render = async () => createCanvas(10, 10).toDataURL();");
    const r = await lintFiles(app('    memorySize: 1024\n    events:\n      - httpApi: ANY /{proxy+}\n', handler, { 'src/lib/render.ts': render, 'src/lib/unused.ts': "import 'sharp';\n" }));
    expect(positions(r, ID)).toEqual([pos('shared', 1, 1, 1, 48)]);
    expect(own(r)[0]!.loc.file.endsWith('src/lib/render.ts')).toBe(true);
  });

  describe('loads every local module a loaded file imports, as Node.js does at cold start', () => {
    const routed = (importLine: string, use: string) =>
      lines(
        importLine, // 1
        'export const handler = async (event: { routeKey: string; body: string }) => {', // 2
        '  switch (event.routeKey) {', // 3
        `    case 'GET /brands': return { statusCode: 200, body: String(${use}) };`, // 4
        "    case 'GET /health': return { statusCode: 200, body: 'ok' };", // 5
        "    default: return { statusCode: 404, body: '' };", // 6
        '  }',
        '};',
      );
    const images = lines("import sharp from 'sharp';", 'export const thumbnail = (png: Buffer) => sharp(png).resize(64).toBuffer();');
    const pdf = lines("import PDFDocument from 'pdfkit';", 'export const report = () => new PDFDocument();');
    const dates = lines('export const formatDate = (d: Date) => d.toISOString();');
    const lint = (code: string, extra: Record<string, string>) => lintFiles(app('    memorySize: 2048\n    events:\n      - httpApi: ANY /{proxy+}\n', code, extra));
    const reported = (r: Awaited<ReturnType<typeof lintFiles>>) => own(r).map((f) => `${f.loc.file.slice(f.loc.file.indexOf('/src/') + 1)}:${f.loc.line} ${/: (\S+) \(/.exec(f.message)?.[1]}`);

    it('every module a barrel file re-exports, not only the one the imported names are declared in', async () => {
      const handler = routed("import { formatDate } from './lib';", 'formatDate(new Date())');
      for (const barrel of [
        lines("export * from './dates';", "export * from './images';", "export * from './pdf';"),
        lines("export { formatDate } from './dates';", "export { thumbnail } from './images';", "export * as pdf from './pdf';"),
      ]) {
        const r = await lint(handler, { 'src/lib/index.ts': barrel, 'src/lib/dates.ts': dates, 'src/lib/images.ts': images, 'src/lib/pdf.ts': pdf });
        expect(reported(r), barrel).toEqual(['src/lib/images.ts:1 sharp', 'src/lib/pdf.ts:1 pdfkit']);
      }
    });

    it('every module of an import declaration whose names resolve to different files', async () => {
      // `epoch` is declared in dates.ts, `thumbnailSize` in images.ts: both files are loaded (neither holds code the handler runs).
      const handler = routed("import { epoch, thumbnailSize } from './lib';", 'epoch + thumbnailSize');
      const barrel = lines("export { epoch } from './dates';", "export { thumbnailSize } from './images';");
      const sized = lines("import sharp from 'sharp';", 'export const thumbnailSize = 64;', 'export const thumbnail = (png: Buffer) => sharp(png).resize(thumbnailSize).toBuffer();');
      const r = await lint(handler, { 'src/lib/index.ts': barrel, 'src/lib/dates.ts': 'export const epoch = 0;\n', 'src/lib/images.ts': sized });
      expect(reported(r)).toEqual(['src/lib/images.ts:1 sharp']);
    });

    it('the module of a default import whose default export is an expression', async () => {
      const handler = routed("import renderers from './renderers';", 'Object.keys(renderers)');
      const renderers = lines("import sharp from 'sharp';", 'export default { thumbnail: (png: Buffer) => sharp(png) };');
      expect(reported(await lint(handler, { 'src/renderers.ts': renderers }))).toEqual(['src/renderers.ts:1 sharp']);
      const created = lines("import sharp from 'sharp';", 'const create = () => ({ thumbnail: (png: Buffer) => sharp(png) });', 'export default create();');
      expect(reported(await lint(handler, { 'src/renderers.ts': created }))).toEqual(['src/renderers.ts:1 sharp']);
    });

    it('a module imported for its side effects, and not one imported for types only', async () => {
      expect(reported(await lint(routed("import './lib/images';", "'ok'"), { 'src/lib/images.ts': images }))).toEqual(['src/lib/images.ts:1 sharp']);
      expect(reported(await lint(routed("import * as imaging from './lib/images';", 'Object.keys(imaging)'), { 'src/lib/images.ts': images }))).toEqual(['src/lib/images.ts:1 sharp']);
      const typed = lines(images, 'export interface Thumbnail { png: Buffer }', 'export type Size = 64 | 128;');
      for (const importLine of [
        "import type { thumbnail } from './lib/images';",
        "import { type thumbnail } from './lib/images';",
        "export type { thumbnail } from './lib/images';",
        // Types only, without the keyword: TypeScript erases the import, and the module is not loaded.
        "import { Thumbnail, Size } from './lib/images';",
      ]) {
        expect(reported(await lint(routed(importLine, "'ok'"), { 'src/lib/images.ts': typed })), importLine).toEqual([]);
      }
      // One value among the types keeps the import.
      expect(reported(await lint(routed("import { Thumbnail, thumbnail } from './lib/images';", 'thumbnail.length'), { 'src/lib/images.ts': typed }))).toEqual(['src/lib/images.ts:1 sharp']);
    });
  });

  it('finds a heavy module behind modules other functions load too, whichever function is read first', async () => {
    // `light` loads lib/shared.ts (and what it imports) without any heavy package; `media` and `thumbs`
    // load the same modules and, through lib/shared-media.ts, sharp.
    const light = lines("import { brandName } from './lib/shared';", 'export const handler = async () => ({ statusCode: 200, body: brandName });');
    const media = lines(
      "import { brandName } from './lib/shared';", // 1
      "import { thumbnailSize } from './lib/shared-media';", // 2
      'export const handler = async (event: { routeKey: string }) => {', // 3
      '  switch (event.routeKey) {', // 4
      "    case 'GET /brands': return { statusCode: 200, body: brandName };", // 5
      "    case 'GET /size': return { statusCode: 200, body: String(thumbnailSize) };", // 6
      "    default: return { statusCode: 404, body: '' };",
      '  }',
      '};',
    );
    const files = {
      'src/light.ts': light,
      'src/media.ts': media,
      'src/thumbs.ts': media,
      'src/lib/shared.ts': lines("import { tenant } from './tenant';", 'export const brandName = `acme-${tenant}`;'),
      'src/lib/tenant.ts': 'export const tenant = 1;\n',
      'src/lib/shared-media.ts': lines("import { tenant } from './tenant';", "export { thumbnailSize } from './images';", 'export const mediaTenant = tenant;'),
      'src/lib/images.ts': lines("import sharp from 'sharp';", 'export const thumbnailSize = 64;', 'export const thumbnail = (png: Buffer) => sharp(png).resize(thumbnailSize).toBuffer();'),
    };
    const fn = (name: string) => `  ${name}:\n    handler: src/${name}.handler\n    memorySize: 2048\n    events:\n      - httpApi: ANY /${name}\n`;
    for (const order of [['light', 'media', 'thumbs'], ['media', 'thumbs', 'light']]) {
      const r = await lintFiles({ ...files, 'serverless.yml': `service: brand-media\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n${order.map(fn).join('')}` });
      expect(own(r).map((f) => `${f.loc.file.slice(f.loc.file.indexOf('/src/') + 1)}:${f.loc.line} ${f.message.slice(0, f.message.indexOf(':'))}`), order.join(', ')).toEqual(['src/lib/images.ts:1 media', 'src/lib/images.ts:1 thumbs']);
    }
  });

  it('reads CommonJS handlers and SAM templates (default 128 MB)', async () => {
    const cjs = lines("'use strict';", "const puppeteer = require('puppeteer');", 'exports.handler = async () => ({ ok: Boolean(puppeteer) });');
    const r = await lintFiles({
      'template.yaml': lines(
        'Transform: AWS::Serverless-2016-10-31', // 1
        'Resources:', // 2
        '  Screenshot:', // 3
        '    Type: AWS::Serverless::Function', // 4
        '    Properties:', // 5
        '      Runtime: nodejs22.x', // 6
        '      CodeUri: src/', // 7
        '      Handler: shot.handler', // 8
        '      Timeout: 30', // 9
      ),
      'src/shot.js': cjs,
    });
    expect(positions(r, ID)).toEqual([pos('smallMemory', 3, 3, 3, 13)]);
    expect(own(r)[0]!.message).toContain('Screenshot: its handler loads puppeteer (headless browser) but keeps the Lambda default memory size of 128 MB');
  });

  it('takes the minimum memory from the options', async () => {
    const r = await lintFiles(app('    memorySize: 1536\n    events:\n      - httpApi: POST /thumbnails\n'), { config: { rules: { [ID]: ['warning', { minMemoryMb: 2048 }] } } });
    expect(positions(r, ID)).toEqual([pos('smallMemory', 10, 17, 10, 21)]);
  });

  it('finds a specifier written with escapes (as the parser reads it)', async () => {
    const escaped = sharpHandler.replace("'sharp'", "'sh\\x61rp'");
    expect(escaped.startsWith("import sharp from 'sh\\x61rp';")).toBe(true);
    const r = await lintFiles(app(`    memorySize: 2048\n${twoRoutes}`, escaped));
    expect(positions(r, ID)).toEqual([pos('shared', 1, 1, 1, 30)]);
  });

  it('tells from the text of a file whether it can name a heavy package', () => {
    expect(['import sharp from "sharp";', "const p = require('@sparticuz/chromium-min')", "import x from 'sh\\u0061rp'"].map(mayNameHeavyPackage)).toEqual([true, true, true]);
    expect(["import { S3Client } from '@aws-sdk/client-s3';", "import { render } from './pdf-lib.js';"].map(mayNameHeavyPackage)).toEqual([false, false]);
    // Each entry of the table, written as the specifier of an import, passes the test.
    expect(Object.keys(HEAVY_PACKAGES).filter((name) => !mayNameHeavyPackage(`import x from '${name}/index.js';`))).toEqual([]);
  });

  it('finds, with the test of the text, the heavy imports the walk finds, in every file of the fixtures, the tests above and the demo', async () => {
    const heavyFixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
    const demo = fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url));
    const requireFile = lines("const sharp = require('sharp');", "const pdf = await import('pdfkit');", "export * from 'puppeteer';", "import ffmpeg = require('fluent-ffmpeg');", 'export const handler = async () => ({ sharp, pdf, ffmpeg });');
    // Calls the text tells only by an escape: in the name (`\\u`) or in the specifier (any backslash).
    const escapedName = lines("const sharp = requ\\u0069re('sharp');", 'export const handler = async () => ({ sharp });');
    const escapedSpecifier = lines("const pdf = await import('pdfki\\x74');", 'export const handler = async () => ({ pdf });');
    // Backslashes that name nothing heavy, and a `require` of nothing heavy.
    const plain = lines("const os = require('os');", "export const handler = async () => ({ eol: '\\n', tab: /\\t/, os });");
    const results = [
      ...(await Promise.all(['valid/sam', 'valid/serverless-ts', 'invalid/sam', 'invalid/serverless-ts'].map((c) => lintDirectory(heavyFixtures + c)))),
      await lintDirectory(demo),
      await lintFiles(app(`    memorySize: 512\n${twoRoutes}`, requireFile)),
      await lintFiles(app(`    memorySize: 512\n${twoRoutes}`, sharpHandler.replace("'sharp'", "'sh\\x61rp'"))),
      await lintFiles(app(`    memorySize: 512\n${twoRoutes}`, escapedName)),
      await lintFiles(app(`    memorySize: 512\n${twoRoutes}`, escapedSpecifier)),
      await lintFiles(app(`    memorySize: 512\n${twoRoutes}`, plain)),
    ];
    const shown = (file: Parameters<typeof walkHeavyImports>[0]) => (f: ReturnType<typeof heavyImportsOf>) => f.map((h) => `${file.getFilePath()}:${h.node.getStart()} ${h.pkg} (${h.kind})`);
    let files = 0;
    const found: string[] = [];
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        for (const file of code.files) {
          files++;
          const fast = shown(file)(heavyImportsOf(file.compilerNode, (n) => code.wrap(n)));
          expect(fast).toEqual(shown(file)(walkHeavyImports(file)));
          found.push(...fast);
        }
      }
    }
    expect(files).toBeGreaterThan(20);
    // Not a comparison of empty lists: the fixtures' and the cases' heavy imports are among them.
    expect(found.some((f) => f.endsWith(' sharp (image processing)'))).toBe(true);
    expect(found.some((f) => f.endsWith(' pdfkit (PDF rendering)'))).toBe(true);
    expect(found.some((f) => f.endsWith(' puppeteer (headless browser)'))).toBe(true);
    expect(found.filter((f) => f.includes('/src/media.ts:') && / (sharp|pdfkit|fluent-ffmpeg) /.test(f)).length).toBeGreaterThanOrEqual(6);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
