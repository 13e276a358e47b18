import { describe, expect, it } from 'vitest';
import { discover } from './discover.js';
import { memoryHost } from './host.js';

const ASSEMBLY = {
  'cdk.json': '{"app": "npx ts-node bin/app.ts"}',
  'cdk.out/cdk.out': '{"version":"36.0.0"}',
  'cdk.out/manifest.json': '{"version":"36.0.0","artifacts":{}}',
  'cdk.out/MyStack.template.json': '{"Resources":{}}',
  'cdk.out/asset.0a1b/template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\n',
  'cdk.out/assembly-Prod/cdk.out': '{"version":"36.0.0"}',
  'cdk.out/assembly-Prod/manifest.json': '{"version":"36.0.0","artifacts":{}}',
  'cdk.out/assembly-Prod/ProdStack.template.json': '{"Resources":{}}',
};

function found(files: Record<string, string>, paths = ['/p']) {
  return discover(memoryHost(files, '/p'), paths).map((f) => `${f.path.slice(3)} ${f.kind}`);
}

describe('discover: CDK cloud assemblies', () => {
  it('finds a cdk.out folder by its manifest and never walks into it', () => {
    expect(found({ ...ASSEMBLY, 'infra/cdk.out/manifest.json': '{}', 'infra/cdk.out/cdk.out': '{}', 'infra/cdk.out/S.template.json': '{}' })).toEqual([
      'cdk.out/manifest.json cdk-assembly',
      'infra/cdk.out/manifest.json cdk-assembly',
    ]);
  });

  it('skips a cdk.out without a manifest, and other build output', () => {
    expect(found({ 'cdk.out/S.template.json': '{}', 'dist/cdk.out/manifest.json': '{}', 'build/S.template.json': '{}', '.aws-sam/build/template.yaml': '' })).toEqual([]);
  });

  it('takes a cloud assembly given as a folder (by name or version marker) or as its manifest.json', () => {
    expect(found(ASSEMBLY, ['/p/cdk.out'])).toEqual(['cdk.out/manifest.json cdk-assembly']);
    expect(found(ASSEMBLY, ['/p/cdk.out/manifest.json'])).toEqual(['cdk.out/manifest.json cdk-assembly']);
    expect(found(ASSEMBLY, ['/p/cdk.out/assembly-Prod'])).toEqual(['cdk.out/assembly-Prod/manifest.json cdk-assembly']);
    expect(found(ASSEMBLY, ['/p', '/p/cdk.out', '/p/cdk.out/manifest.json'])).toEqual(['cdk.out/manifest.json cdk-assembly']);
    // A template of the assembly given by itself is read as the template it is.
    expect(found(ASSEMBLY, ['/p/cdk.out/MyStack.template.json'])).toEqual(['cdk.out/MyStack.template.json template']);
  });

  it('does not take any manifest.json for a cloud assembly', () => {
    const web = { 'public/manifest.json': '{"name":"app"}' };
    expect(found(web, ['/p/public/manifest.json'])).toEqual(['public/manifest.json maybe-template']);
    expect(found(web, ['/p/public'])).toEqual(['public/manifest.json maybe-template']);
  });
});
