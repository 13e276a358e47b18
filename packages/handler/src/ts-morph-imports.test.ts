import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** The TypeScript sources the CLI loads: packages' src and the rules, without tests. */
function shippedSources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'fixtures' || e.name === 'test-support') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) shippedSources(path, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `import { ... } from 'ts-morph'` statements that import a value (not only `type` names). */
function valueImportsOfTsMorph(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'ts-morph';/gms)) {
    if (m[1]) continue;
    const names = /^\{([^}]*)\}$/.exec(m[2]!.trim())?.[1]?.split(',').map((n) => n.trim()).filter(Boolean);
    if (!names || names.some((n) => !n.startsWith('type '))) found.push(m[0]);
  }
  return found;
}

describe('ts-morph is loaded with require', () => {
  it('finds a value import and ignores type-only ones (the check itself)', () => {
    expect(valueImportsOfTsMorph("import { Node, type SourceFile } from 'ts-morph';")).toHaveLength(1);
    expect(valueImportsOfTsMorph("import {\n  ts,\n  type Node,\n} from 'ts-morph';")).toHaveLength(1);
    expect(valueImportsOfTsMorph("import * as tm from 'ts-morph';")).toHaveLength(1);
    expect(valueImportsOfTsMorph("import type { Node } from 'ts-morph';")).toHaveLength(0);
    expect(valueImportsOfTsMorph("import { type Node, type SourceFile } from 'ts-morph';")).toHaveLength(0);
    expect(valueImportsOfTsMorph("import { Node } from '@lambda-lint/handler/ts-morph';")).toHaveLength(0);
  });

  // An ES module import of the CommonJS ts-morph makes Node.js scan its 950 KB for export names on
  // every run (README, Performance); its values come from @lambda-lint/handler/ts-morph instead.
  it('no package or rule source imports a value from ts-morph directly', () => {
    const offenders = [...shippedSources(join(REPO, 'packages')), ...shippedSources(join(REPO, 'rules'))]
      .filter((file) => valueImportsOfTsMorph(readFileSync(file, 'utf8')).length > 0)
      .map((file) => relative(REPO, file));
    expect(offenders).toEqual([]);
  });
});

describe('ts-morph values loaded on first use', () => {
  it('the generated SyntaxKind table is that of the installed TypeScript (node scripts/generate-syntax-kind.mjs)', async () => {
    const generator = (await import(join(REPO, 'scripts/generate-syntax-kind.mjs'))) as {
      syntaxKindFile: string;
      installedSyntaxKind(): { version: string; kinds: Record<string, unknown> };
      renderSyntaxKind(installed: { version: string; kinds: Record<string, unknown> }): string;
    };
    expect(readFileSync(generator.syntaxKindFile, 'utf8')).toBe(generator.renderSyntaxKind(generator.installedSyntaxKind()));
  });

  it('ts, Node, SyntaxKind and Project behave as ts-morph\'s own once loaded', async () => {
    const shim = await import('@lambda-lint/handler/ts-morph');
    const real = createRequire(join(REPO, 'packages/handler/package.json'))('ts-morph') as typeof import('ts-morph');
    expect({ ...shim.SyntaxKind }).toEqual({ ...real.ts.SyntaxKind });
    expect(shim.ts.SyntaxKind).toBe(shim.SyntaxKind);
    expect(shim.ts.forEachChild).toBe(real.ts.forEachChild);
    expect('createSourceFile' in shim.ts).toBe(true);
    const project = new shim.Project({ useInMemoryFileSystem: true });
    expect(project).toBeInstanceOf(real.Project);
    const file = project.createSourceFile('/a.ts', 'f(1);');
    const call = file.getFirstDescendantByKindOrThrow(shim.SyntaxKind.CallExpression);
    expect(shim.Node.isNode(call)).toBe(true);
    expect(shim.Node.isCallExpression(call)).toBe(true);
    expect(shim.Node.isNode(call.compilerNode)).toBe(false);
    // After loading, look-ups go straight to ts-morph's objects (the facade's prototype), not through the stand-in.
    expect(Object.getPrototypeOf(shim.ts)).toBe(real.ts);
    expect(Object.getPrototypeOf(shim.Node)).toBe(real.Node);
  });
});
