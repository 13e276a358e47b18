import { symlinkSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHost } from './host.js';
import { diskProjects } from './testing.js';

const disk = diskProjects('lambda-lint-host-');
afterAll(() => disk.removeAll());

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('nodeHost with rememberListings (one run)', () => {
  it('answers reads and kinds in a listed directory from its listing, as the disk would', () => {
    const dir = disk.project({ 'src/handler.ts': 'export const handler = 1;\n', 'src/lib/util.ts': '' });
    const host = nodeHost({}, { rememberListings: true });
    expect(host.readDir(`${dir}/src`)?.map((e) => `${e.name}:${e.kind}`).sort()).toEqual(['handler.ts:file', 'lib:dir']);
    expect(text(host.readFile(`${dir}/src/handler.ts`))).toBe('export const handler = 1;\n');
    expect(host.readFile(`${dir}/src/tsconfig.json`)).toBeUndefined();
    expect(host.readFile(`${dir}/src/lib`)).toBeUndefined();
    expect(host.kindOf(`${dir}/src/lib`)).toBe('dir');
    expect(host.kindOf(`${dir}/src/handler.ts`)).toBe('file');
    expect(host.kindOf(`${dir}/src/index.ts`)).toBeUndefined();
  });

  it('does not see a file created after its directory was listed; a host without listings does', () => {
    const dir = disk.project({ 'src/handler.ts': '' });
    const host = nodeHost({}, { rememberListings: true });
    host.readDir(`${dir}/src`);
    disk.write(dir, { 'src/tsconfig.json': '{}' });
    expect(host.readFile(`${dir}/src/tsconfig.json`)).toBeUndefined();
    expect(host.kindOf(`${dir}/src/tsconfig.json`)).toBeUndefined();
    expect(text(nodeHost({}).readFile(`${dir}/src/tsconfig.json`))).toBe('{}');
  });

  it('asks the disk for a directory it has not listed, for a symbolic link, and for a name that differs only in case', () => {
    const dir = disk.project({ 'src/handler.ts': 'a', 'src/Config.json': '{}', 'other/x.ts': 'x' });
    symlinkSync(`${dir}/other/x.ts`, `${dir}/src/link.ts`);
    const host = nodeHost({}, { rememberListings: true });
    host.readDir(`${dir}/src`);
    expect(host.readDir(`${dir}/src`)?.find((e) => e.name === 'link.ts')?.kind).toBe('other');
    expect(text(host.readFile(`${dir}/src/link.ts`))).toBe('x');
    expect(host.kindOf(`${dir}/src/link.ts`)).toBe('file');
    expect(text(host.readFile(`${dir}/other/x.ts`))).toBe('x');
    // A case-insensitive file system (macOS, Windows) finds `config.json` as `Config.json`: the listing
    // must not answer "none" for it. Written after the listing so that a case-sensitive one shows the disk was asked.
    disk.write(dir, { 'src/config.json': '{"lower":true}' });
    expect(text(host.readFile(`${dir}/src/config.json`))).toBe('{"lower":true}');
  });
});
