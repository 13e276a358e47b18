import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { emptyModel, type AppModel } from '@lambda-lint/core';
import { constructPathOf, isCloudAssemblyDir, readCdkAssemblies, type CdkIo } from './index.js';

const ROOT = '/project';
const MANIFEST = `${ROOT}/cdk.out/manifest.json`;

/** `packages/cdk/fixtures/<name>` as relative path -> text. */
function fixture(name: string): Record<string, string> {
  const base = fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)).replace(/\/$/, '');
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(base.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(base);
  return out;
}

function memoryIo(files: Record<string, string>): CdkIo {
  const map = new Map(Object.entries(files).map(([k, v]) => [`${ROOT}/${k}`, new TextEncoder().encode(v)]));
  return { root: ROOT, readFile: (p) => map.get(p) };
}

function read(files: Record<string, string>, manifests: string[] = [MANIFEST]): { model: AppModel; templates: string[] } {
  const model = emptyModel(ROOT);
  const { templates } = readCdkAssemblies(manifests, model, memoryIo(files));
  return { model, templates };
}

function diagnostics(model: AppModel) {
  return model.diagnostics.map((d) => ({ ruleId: d.ruleId, message: d.message, at: `${d.loc.file.slice(ROOT.length + 1)}:${d.loc.line}:${d.loc.column}-${d.loc.endLine}:${d.loc.endColumn}` }));
}

const app = fixture('app');

describe('readCdkAssemblies', () => {
  it('reads every stack of the assembly, the stacks of Stages and nested stacks', () => {
    const { model, templates } = read(app);
    expect(templates).toEqual([
      '/project/cdk.out/MyStack.template.json',
      '/project/cdk.out/MyStackWorkers3F4A1B2C.nested.template.json',
      '/project/cdk.out/assembly-Prod/ProdIngest0F9A2B3C.template.json',
    ]);
    expect(model.diagnostics).toEqual([]);
    expect(model.functions.map((f) => ({ name: f.name, constructPath: f.constructPath, logicalId: f.logicalId, platform: f.platform, file: f.file.slice(ROOT.length + 1), at: [f.loc.line, f.loc.column, f.loc.endLine, f.loc.endColumn] }))).toEqual([
      { name: 'MyStack/Api/Handler', constructPath: 'MyStack/Api/Handler', logicalId: 'ApiHandler5E7490E8', platform: 'cdk', file: 'cdk.out/MyStack.template.json', at: [37, 3, 37, 23] },
      { name: 'MyStack/Workers/Worker', constructPath: 'MyStack/Workers/Worker', logicalId: 'Worker8E2B1C3D', platform: 'cdk', file: 'cdk.out/MyStackWorkers3F4A1B2C.nested.template.json', at: [37, 3, 37, 19] },
      { name: 'Prod/Ingest/Ingest', constructPath: 'Prod/Ingest/Ingest', logicalId: 'Ingest4F7D9A1B', platform: 'cdk', file: 'cdk.out/assembly-Prod/ProdIngest0F9A2B3C.template.json', at: [37, 3, 37, 19] },
    ]);
    expect(model.resources.map((r) => r.constructPath)).toEqual([
      'MyStack/Api/Handler/ServiceRole',
      'MyStack/Api/Handler',
      'MyStack/Workers.NestedStack/Workers.NestedStackResource',
      'MyStack/Workers/Worker/ServiceRole',
      'MyStack/Workers/Worker',
      'Prod/Ingest/Ingest/ServiceRole',
      'Prod/Ingest/Ingest',
    ]);
    expect(new Set(model.documents.map((d) => d.platform))).toEqual(new Set(['cdk']));
    // manifests (2) + templates (3) + cdk.json and the app's three modules
    expect(model.fileCount).toBe(9);
  });

  it('points each function at its handler source in the app, located where the app configures it', () => {
    const { model } = read(app);
    expect(model.functions.map((f) => f.handler)).toEqual([
      { modulePath: '/project/src/handler', extension: '.ts', exportName: 'main', loc: { file: '/project/lib/stack.ts', line: 15, column: 7, endLine: 15, endColumn: 22 } },
      { modulePath: '/project/lambda/index', exportName: 'handler', loc: { file: '/project/lib/stack.ts', line: 28, column: 7, endLine: 28, endColumn: 31 } },
      { modulePath: '/project/lib/stage.Ingest', extension: '.ts', exportName: 'handler', loc: { file: '/project/lib/stage.ts', line: 10, column: 9, endLine: 10, endColumn: 23 } },
    ]);
  });

  it('gives functions no handler (and no unresolved noise) when the app is not there', () => {
    const files = Object.fromEntries(Object.entries(app).filter(([k]) => k.startsWith('cdk.out/')));
    const { model } = read(files);
    expect(model.functions.map((f) => [f.name, f.handler])).toEqual([
      ['MyStack/Api/Handler', undefined],
      ['MyStack/Workers/Worker', undefined],
      ['Prod/Ingest/Ingest', undefined],
    ]);
    expect(model.diagnostics).toEqual([]);
  });

  it('takes construct paths from the manifest metadata when templates carry none (--path-metadata false)', () => {
    const template = JSON.parse(app['cdk.out/MyStack.template.json']!);
    for (const r of Object.values(template.Resources) as { Metadata: Record<string, unknown> }[]) delete r.Metadata['aws:cdk:path'];
    const { model } = read({ ...app, 'cdk.out/MyStack.template.json': JSON.stringify(template, undefined, 1) });
    expect(model.functions[0]).toMatchObject({ name: 'MyStack/Api/Handler', constructPath: 'MyStack/Api/Handler', handler: { exportName: 'main' } });
    expect(model.resources[0]!.constructPath).toBe('MyStack/Api/Handler/ServiceRole');
  });

  it('reads each assembly and template once, whichever manifests are given', () => {
    const { model, templates } = read(app, [MANIFEST, `${ROOT}/cdk.out/assembly-Prod/manifest.json`, MANIFEST]);
    expect(templates).toHaveLength(3);
    expect(model.functions).toHaveLength(3);
    const nestedFirst = read(app, [`${ROOT}/cdk.out/assembly-Prod/manifest.json`, MANIFEST]);
    expect(nestedFirst.templates).toHaveLength(3);
    expect(nestedFirst.model.functions.map((f) => [f.name, f.handler?.exportName])).toEqual([
      ['Prod/Ingest/Ingest', 'handler'],
      ['MyStack/Api/Handler', 'main'],
      ['MyStack/Workers/Worker', 'handler'],
    ]);
  });

  it('finds nested templates that older CDK versions named by an absolute path of the synth machine', () => {
    const parent = app['cdk.out/MyStack.template.json']!.replace(
      '"aws:asset:path": "MyStackWorkers3F4A1B2C.nested.template.json"',
      '"aws:asset:path": "/home/runner/work/orders/cdk.out/MyStackWorkers3F4A1B2C.nested.template.json"',
    );
    const { model } = read({ ...app, 'cdk.out/MyStack.template.json': parent });
    expect(model.functions.map((f) => f.name)).toContain('MyStack/Workers/Worker');
    expect(model.diagnostics).toEqual([]);
  });

  describe('a broken assembly is a parse error at the exact place', () => {
    it('invalid manifest JSON', () => {
      const { model } = read({ ...app, 'cdk.out/manifest.json': '{\n "version": "36.0.0",\n "artifacts": {\n  "MyStack": {\n   "type": "aws:cloudformation:stack",\n }\n' });
      expect(diagnostics(model)).toEqual([
        { ruleId: 'parse-error', message: expect.stringMatching(/^Invalid JSON: /), at: 'cdk.out/manifest.json:6:2-6:3' },
      ]);
      expect(model.functions).toEqual([]);
    });

    it('a manifest that is not an object, a stack without a template file, a stage without a directory', () => {
      expect(diagnostics(read({ ...app, 'cdk.out/manifest.json': '[1, 2]\n' }).model)).toEqual([
        { ruleId: 'parse-error', message: 'Not a CDK cloud assembly manifest: expected a JSON object with `version` and `artifacts`.', at: 'cdk.out/manifest.json:1:1-1:7' },
      ]);
      const manifest = JSON.stringify({ version: '36.0.0', artifacts: { S: { type: 'aws:cloudformation:stack', properties: {} }, P: { type: 'cdk:cloud-assembly', properties: { directoryName: 7 } } } }, undefined, 1);
      expect(diagnostics(read({ ...app, 'cdk.out/manifest.json': manifest }).model)).toEqual([
        { ruleId: 'parse-error', message: 'Invalid CDK cloud assembly manifest: stack artifact "S" has no `properties.templateFile`.', at: 'cdk.out/manifest.json:4:3-4:6' },
        { ruleId: 'parse-error', message: 'Invalid CDK cloud assembly manifest: nested assembly "P" has no `properties.directoryName`.', at: 'cdk.out/manifest.json:11:22-11:23' },
      ]);
    });

    it('a template the manifest names that is missing', () => {
      const files = { ...app };
      delete files['cdk.out/MyStack.template.json'];
      const { model } = read(files);
      expect(diagnostics(model)).toEqual([
        {
          ruleId: 'parse-error',
          message: 'manifest.json names the template MyStack.template.json, which does not exist: the synth output is incomplete; run `cdk synth` again.',
          at: 'cdk.out/manifest.json:16:21-16:44',
        },
      ]);
      // The other stacks are still read.
      expect(model.functions.map((f) => f.name)).toEqual(['Prod/Ingest/Ingest']);
    });

    it('invalid template JSON', () => {
      const broken = app['cdk.out/MyStack.template.json']!.replace('"Handler": "index.main",', '"Handler": "index.main"');
      const { model } = read({ ...app, 'cdk.out/MyStack.template.json': broken });
      expect(diagnostics(model)).toEqual([
        { ruleId: 'parse-error', message: expect.stringMatching(/^Invalid JSON: /), at: 'cdk.out/MyStack.template.json:47:5-47:6' },
      ]);
      expect(model.functions.map((f) => f.name)).toEqual(['Prod/Ingest/Ingest']);
    });

    it('a missing nested stack template or stage assembly', () => {
      const files = { ...app };
      delete files['cdk.out/MyStackWorkers3F4A1B2C.nested.template.json'];
      delete files['cdk.out/assembly-Prod/manifest.json'];
      expect(diagnostics(read(files).model)).toEqual([
        {
          ruleId: 'parse-error',
          message: 'Nested stack MyStack/Workers.NestedStack/Workers.NestedStackResource names the template MyStackWorkers3F4A1B2C.nested.template.json, which does not exist: the synth output is incomplete; run `cdk synth` again.',
          at: 'cdk.out/MyStack.template.json:94:23-94:68',
        },
        {
          ruleId: 'parse-error',
          message: 'manifest.json names the cloud assembly assembly-Prod/manifest.json, which does not exist: the synth output is incomplete; run `cdk synth` again.',
          at: 'cdk.out/manifest.json:59:22-59:37',
        },
      ]);
    });

    it('a binary or oversized template', () => {
      const model = emptyModel(ROOT);
      const io = memoryIo(app);
      const bytes = new Uint8Array([123, 0, 125]);
      readCdkAssemblies([MANIFEST], model, { ...io, readFile: (p) => (p.endsWith('MyStack.template.json') ? bytes : io.readFile(p)), maxFileBytes: 20_000 });
      expect(diagnostics(model)).toEqual([
        { ruleId: 'parse-error', message: expect.stringMatching(/^File is binary \(it contains NUL bytes/), at: 'cdk.out/MyStack.template.json:1:1-1:1' },
      ]);
    });
  });

  it('strips the trailing /Resource of L1 resources only', () => {
    expect(constructPathOf('MyStack/Api/Handler/Resource')).toBe('MyStack/Api/Handler');
    expect(constructPathOf('MyStack/Api/Handler/ServiceRole/DefaultPolicy/Resource')).toBe('MyStack/Api/Handler/ServiceRole/DefaultPolicy');
    expect(constructPathOf('MyStack/Workers.NestedStack/Workers.NestedStackResource')).toBe('MyStack/Workers.NestedStack/Workers.NestedStackResource');
    expect(constructPathOf('MyStack/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler')).toBe('MyStack/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler');
  });

  it('recognises a cloud assembly directory by its manifest and name or version marker', () => {
    const kinds = new Map<string, 'file' | 'dir'>([
      ['/p/cdk.out/manifest.json', 'file'],
      ['/p/synth/manifest.json', 'file'],
      ['/p/synth/cdk.out', 'file'],
      ['/p/web/manifest.json', 'file'],
      ['/p/empty/cdk.out', 'dir'],
    ]);
    const kindOf = (p: string) => kinds.get(p);
    expect(isCloudAssemblyDir('/p/cdk.out', kindOf)).toBe(true);
    expect(isCloudAssemblyDir('/p/cdk.out/', kindOf)).toBe(true);
    expect(isCloudAssemblyDir('/p/synth', kindOf)).toBe(true);
    expect(isCloudAssemblyDir('/p/web', kindOf)).toBe(false);
    expect(isCloudAssemblyDir('/p/empty/cdk.out', kindOf)).toBe(false);
  });
});
