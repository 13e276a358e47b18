// The tree typescript-eslint made of the file being linted is taken instead of a second parse of the
// buffer, only when it is the tree lambda-lint's own parse makes; every other case parses as before.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, Linter, type Rule, type SourceCode } from 'eslint';
import typescript from 'typescript';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { ts as ours } from '@lambda-lint/handler/ts-morph';
import { diskProjects, lint, nodeHost, SourceCache } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import plugin from './plugin.js';
import { typescriptTreeOf, type TypeScriptModule } from './parsed-tree.js';
import { analyseFile, clearCache, sourceCacheStats } from './project.js';
import { codeRules } from './rules.js';

const { project, removeAll } = diskProjects('lambda-lint-parsed-');
afterAll(removeAll);

const SERVERLESS = `service: orders
provider:
  name: aws
  runtime: nodejs22.x
functions:
  publish:
    handler: src/publish.handler
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:123456789012:orders
`;

const FLOATING = `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const sns = new SNSClient({});

export const handler = async (event: { body: string }) => {
  sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: event.body }));
  return { statusCode: 202 };
};
`;

/** A module without import or export declarations: typescript-eslint marks it a module (`sourceType: module`), TypeScript's own parse does not. */
const COMMONJS = `const { SNSClient, PublishCommand } = require('@aws-sdk/client-sns');

const sns = new SNSClient({});

exports.handler = async (event) => {
  sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: event.body }));
  return { statusCode: 202 };
};
`;

/** A top-level await in a file without import or export: an await expression in a module, a call of `await` in a script. */
const TOP_LEVEL_AWAIT = `const config = await (loadConfig());\nexports.handler = async () => config;\n`;

const EVERY_RULE = plugin.configs.all.rules!;

function verify(dir: string, file: string, code: string, parser?: Linter.Parser): string[] {
  const languageOptions = parser ? { parser } : {};
  const messages = new Linter({ cwd: dir }).verify(code, [{ files: ['**/*.{js,mjs,cjs,ts}'], languageOptions, plugins: { 'lambda-lint': plugin }, rules: EVERY_RULE }], {
    filename: `${dir}/${file}`,
  });
  return messages.map((m) => `${m.ruleId} ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`).sort();
}

/** What the CLI reports in `file` (on disk). */
function cli(dir: string, file: string): string[] {
  const findings = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings.filter((f) => f.loc.file === `${dir}/${file}` && codeRules.some((r) => r.id === f.ruleId));
  return findings.map((f) => `lambda-lint/${f.ruleId} ${f.loc.line}:${f.loc.column}-${f.loc.endLine}:${f.loc.endColumn}`).sort();
}

const adopted = () => sourceCacheStats().adopted;

/** TypeScript's tree of `text` as typescript-eslint makes it without type information (create-program/createSourceFile.js). */
function typescriptEslintTree(path: string, text: string, changes: Partial<typescript.CreateSourceFileOptions> = {}, scriptKind?: typescript.ScriptKind): typescript.SourceFile {
  const options = { languageVersion: typescript.ScriptTarget.Latest, jsDocParsingMode: typescript.JSDocParsingMode.ParseNone, ...changes };
  return typescript.createSourceFile(path, text, { ...options, setExternalModuleIndicator: (file) => void ((file as { externalModuleIndicator?: unknown }).externalModuleIndicator = true) }, true, scriptKind);
}

describe("typescript-eslint's tree of the linted file", () => {
  it('is taken instead of a second parse, with the findings the CLI gives (a module, and a file without import or export)', () => {
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/publish.ts': FLOATING });
    const commonjs = project({ 'serverless.yml': SERVERLESS, 'src/publish.ts': COMMONJS });
    for (const [root, text] of [
      [dir, FLOATING],
      [commonjs, COMMONJS],
    ] as const) {
      clearCache();
      const expected = cli(root, 'src/publish.ts');
      expect(expected).toContain('lambda-lint/floating-promise 6:3-6:89');
      expect(verify(root, 'src/publish.ts', text, tseslint.parser as Linter.Parser)).toEqual(expected);
      expect(adopted()).toBe(1);
      // An edit: the new buffer's tree is taken too, and its findings are those of that text.
      const edited = `// an edit\n${text}`;
      expect(verify(root, 'src/publish.ts', edited, tseslint.parser as Linter.Parser)).toEqual(expected.map((row) => row.replace(/ (\d+):(\d+)-(\d+):/, (_, l: string, c: string, e: string) => ` ${Number(l) + 1}:${c}-${Number(e) + 1}:`)));
      expect(adopted()).toBe(2);
    }
  });

  it('is taken for a file with a byte order mark (ESLint and lambda-lint both parse the text without it), with the CLI\'s positions', () => {
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/publish.ts': `\uFEFF${FLOATING}` });
    clearCache();
    const expected = cli(dir, 'src/publish.ts');
    expect(expected).toContain('lambda-lint/floating-promise 6:3-6:89');
    expect(verify(dir, 'src/publish.ts', `\uFEFF${FLOATING}`, tseslint.parser as Linter.Parser)).toEqual(expected);
    expect(adopted()).toBe(1);
  });

  it('gives the findings of lambda-lint\'s own parse of the buffer (the same run without the tree)', () => {
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/publish.ts': FLOATING });
    const file = `${dir}/src/publish.ts`;
    const edited = FLOATING.replace('return {', 'sns.send(new PublishCommand({ TopicArn: "t", Message: "m" }));\n  return {');
    const request = { file, text: edited, root: dir, rules: codeRules, config: { rules: Object.fromEntries(codeRules.map((r) => [r.id, r.severity])) } };
    clearCache();
    const own = analyseFile(request).findings;
    expect(adopted()).toBe(0);
    clearCache();
    const taken = analyseFile({ ...request, parsed: { tree: typescriptEslintTree(file, edited), typescript } }).findings;
    expect(adopted()).toBe(1);
    expect(own.filter((f) => f.ruleId === 'floating-promise')).toHaveLength(2);
    expect(taken).toEqual(own);
  });

  it('is refused when made by another TypeScript minor version or numbering: the buffer is parsed, same findings', () => {
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/publish.ts': FLOATING });
    const file = `${dir}/src/publish.ts`;
    const request = { file, text: FLOATING, root: dir, rules: codeRules, config: {} };
    clearCache();
    const own = analyseFile(request).findings;
    const others: TypeScriptModule[] = [
      { ...typescript, version: '5.9.3', versionMajorMinor: '5.9' },
      { ...typescript, SyntaxKind: { ...typescript.SyntaxKind, Identifier: 81 } },
      { ...typescript, NodeFlags: { ...typescript.NodeFlags, Const: 1 } },
    ];
    for (const other of others) {
      clearCache();
      expect(analyseFile({ ...request, parsed: { tree: typescriptEslintTree(file, FLOATING), typescript: other } }).findings).toEqual(own);
      expect(adopted()).toBe(0);
    }
    expect(own.map((f) => f.ruleId)).toContain('floating-promise');
  });

  it('is not taken in typed linting (a program\'s file, updated in place by its language service later): the buffer is parsed, with the findings the CLI gives', async () => {
    const dir = project({
      'serverless.yml': SERVERLESS,
      'tsconfig.json': '{ "compilerOptions": { "target": "ESNext", "module": "NodeNext", "strict": true, "noEmit": true }, "include": ["src"] }\n',
      'src/publish.ts': FLOATING,
    });
    clearCache();
    // The latest target and no JSDoc: the program's tree is parsed as lambda-lint parses, and still not taken.
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser, parserOptions: { projectService: true, tsconfigRootDir: dir, jsDocParsingMode: 'none' } }, ...plugin.configs.all }],
    });
    const rows = (results: ESLint.LintResult[]) => results.flatMap((r) => r.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`)).sort();
    expect(rows(await eslint.lintFiles(['src/publish.ts']))).toEqual(cli(dir, 'src/publish.ts'));
    expect(rows(await eslint.lintText(`// an edit\n${FLOATING}`, { filePath: `${dir}/src/publish.ts` }))).toContain('lambda-lint/floating-promise 7:3-7:89');
    expect(adopted()).toBe(0);
  });

  it('is not there with ESLint\'s default parser (plain JavaScript): the buffer is parsed, with the findings the CLI gives', () => {
    const js = FLOATING.replace(': { body: string }', '');
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/publish.mjs': js });
    clearCache();
    expect(verify(dir, 'src/publish.mjs', js)).toEqual(cli(dir, 'src/publish.mjs'));
    expect(cli(dir, 'src/publish.mjs')).toContain('lambda-lint/floating-promise 6:3-6:89');
    expect(adopted()).toBe(0);
  });
});

/** The SourceCode ESLint hands the rules for `code` with `parser` (ESLint's default: none given). */
function sourceCodeOf(code: string, filename: string, parser?: Linter.Parser): SourceCode {
  let seen: SourceCode | undefined;
  const capture: Rule.RuleModule = {
    create(context) {
      seen = context.sourceCode;
      return {};
    },
  };
  new Linter({ cwd: '/project' }).verify(code, [{ files: ['**/*.ts', '**/*.mjs'], ...(parser ? { languageOptions: { parser } } : {}), plugins: { t: { rules: { capture } } }, rules: { 't/capture': 'error' } }], { filename });
  return seen!;
}

describe('typescriptTreeOf', () => {
  it("finds typescript-eslint's ts.SourceFile and the TypeScript module that made it", () => {
    const found = typescriptTreeOf(sourceCodeOf(FLOATING, '/project/src/publish.ts', tseslint.parser as Linter.Parser));
    expect(found?.typescript).toBe(typescript);
    expect((found?.tree as typescript.SourceFile).fileName).toBe('/project/src/publish.ts');
    expect((found?.tree as typescript.SourceFile).text).toBe(FLOATING);
  });

  it("has nothing for ESLint's default parser, nor for a typed-linting program's file (its language service updates it in place later)", () => {
    expect(typescriptTreeOf(sourceCodeOf('export const a = 1;\n', '/project/src/a.mjs'))).toBeUndefined();
    const untyped = sourceCodeOf(FLOATING, '/project/src/publish.ts', tseslint.parser as Linter.Parser);
    const typed = { ast: untyped.ast, parserServices: { ...untyped.parserServices, program: {} } } as unknown as SourceCode;
    expect(typescriptTreeOf(untyped)).toBeDefined();
    expect(typescriptTreeOf(typed)).toBeUndefined();
  });
});

describe('SourceCache.offerParsed, takeParsed, refusalOf', () => {
  const path = '/project/src/publish.ts';
  const refusal = (tree: object, text = FLOATING, at = path, maker: TypeScriptModule = typescript) => SourceCache.refusalOf(at, text, tree, maker);

  it("takes the tree lambda-lint's parse would make, for that path and text only, once", () => {
    const tree = typescriptEslintTree(path, FLOATING);
    const cache = new SourceCache();
    cache.offerParsed(path, FLOATING, tree, typescript);
    expect(cache.takeParsed('/project/src/other.ts', FLOATING)).toBeUndefined();
    expect(cache.takeParsed(path, `${FLOATING}\n`)).toBeUndefined();
    expect(cache.takeParsed(path, FLOATING)).toBe(tree);
    expect(cache.refusal).toBeUndefined();
    expect(cache.takeParsed(path, FLOATING)).toBeUndefined();
    expect(cache.adopted).toBe(1);
    // An unusable tree is checked when the parse asks for it, and not taken.
    cache.offerParsed(path, FLOATING, typescriptEslintTree(path, FLOATING, { jsDocParsingMode: typescript.JSDocParsingMode.ParseAll }), typescript);
    expect(cache.takeParsed(path, FLOATING)).toBeUndefined();
    expect(cache.refusal).toBe('parsed with JSDoc');
    expect(cache.adopted).toBe(1);
    cache.offerParsed(path, FLOATING, tree, typescript);
    cache.withdrawParsed();
    expect(cache.takeParsed(path, FLOATING)).toBeUndefined();
  });

  it('refuses any other tree, saying why', () => {
    expect(refusal(typescriptEslintTree(path, FLOATING))).toBeUndefined();
    expect(refusal(typescriptEslintTree(path, FLOATING), FLOATING, path, { ...typescript, version: '7.0.0', versionMajorMinor: '7.0' })).toBe(`made by TypeScript 7.0.0, not ${ours.versionMajorMinor}`);
    expect(refusal(typescriptEslintTree(path, FLOATING), FLOATING, path, { ...typescript, SyntaxKind: { ...typescript.SyntaxKind, Extra: 9999 } })).toMatch(/syntax kinds or node flags differ/);
    expect(refusal(typescriptEslintTree('/project/src/other.ts', FLOATING))).toBe('the tree of another file (/project/src/other.ts)');
    expect(refusal(typescriptEslintTree(path, `${FLOATING}\n`))).toBe('the tree of another text');
    expect(refusal(typescriptEslintTree(path, FLOATING, { jsDocParsingMode: typescript.JSDocParsingMode.ParseAll }))).toBe('parsed with JSDoc');
    expect(refusal(typescriptEslintTree(path, FLOATING, { languageVersion: typescript.ScriptTarget.ES2020 }))).toBe(`parsed for language version ${typescript.ScriptTarget.ES2020}`);
    expect(refusal(typescriptEslintTree(path, FLOATING, {}, typescript.ScriptKind.TSX))).toBe(`parsed as script kind ${typescript.ScriptKind.TSX}, not ${typescript.ScriptKind.TS}`);
    expect(refusal(typescriptEslintTree(path, FLOATING).statements[0]!)).toBe('not a source file');
    // The script kind follows the extension as TypeScript reads it (upper case, JavaScript, none).
    expect(refusal(typescriptEslintTree('/project/src/A.MTS', FLOATING), FLOATING, '/project/src/A.MTS')).toBeUndefined();
    expect(refusal(typescriptEslintTree('/project/src/a.cjs', COMMONJS), COMMONJS, '/project/src/a.cjs')).toBeUndefined();
    expect(refusal(typescriptEslintTree('/project/src/a.cjs', COMMONJS, {}, typescript.ScriptKind.TS), COMMONJS, '/project/src/a.cjs')).toMatch(/^parsed as script kind/);
    // A module by typescript-eslint's sourceType, a script by its text: refused when it may hold a top-level await.
    expect(refusal(typescriptEslintTree(path, COMMONJS), COMMONJS)).toBeUndefined();
    expect(refusal(typescriptEslintTree(path, TOP_LEVEL_AWAIT), TOP_LEVEL_AWAIT)).toBe('parsed as a module (not by its imports and exports), with an await');
    const escaped = TOP_LEVEL_AWAIT.replace('await', 'aw\\u0061it');
    expect(refusal(typescriptEslintTree(path, escaped), escaped)).toBe('parsed as a module (not by its imports and exports), with an await');
    // With an import, both parse it as a module.
    const imported = `import { load } from './load';\n${TOP_LEVEL_AWAIT}`;
    expect(refusal(typescriptEslintTree(path, imported), imported)).toBeUndefined();
  });
});

describe("typescript-eslint's TypeScript and ts-morph's", () => {
  const repo = fileURLToPath(new URL('../../..', import.meta.url));
  const codeFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.name === 'node_modules' ? [] : e.isDirectory() ? codeFiles(join(dir, e.name)) : /\.[cm]?[jt]s$/.test(e.name) ? [join(dir, e.name)] : []));

  /** Every node in walk order: kind, flags, range and parent's range. */
  const shape = (file: { kind: number }, forEachChild: (node: never, visit: (child: never) => void) => void): string[] => {
    const rows: string[] = [];
    const visit = (node: { kind: number; flags: number; pos: number; end: number; parent?: { pos: number; end: number; kind: number } }) => {
      rows.push(`${node.kind} ${node.flags} ${node.pos}-${node.end} < ${node.parent ? `${node.parent.kind} ${node.parent.pos}-${node.parent.end}` : '-'}`);
      forEachChild(node as never, visit as never);
    };
    visit(file as never);
    return rows;
  };

  it('make the same tree of every code file of the examples when both are the same minor version (what the plugin relies on)', () => {
    expect(typescript.versionMajorMinor).toBe(ours.versionMajorMinor);
    const files = [...codeFiles(join(repo, 'examples/brand-platform-demo')), ...codeFiles(join(repo, 'examples/brand-platform/src'))];
    expect(files.length).toBeGreaterThan(20);
    for (const path of files) {
      const text = readFileSync(path, 'utf8');
      const theirs = typescriptEslintTree(path, text);
      const mine = ours.createSourceFile(path, text, { languageVersion: ours.ScriptTarget.Latest, jsDocParsingMode: ours.JSDocParsingMode.ParseNone }, true);
      expect(shape(theirs, typescript.forEachChild as never), path).toEqual(shape(mine, ours.forEachChild as never));
    }
  });

  it('make different trees of a file without import or export that typescript-eslint parses as a module, where it has a top-level await (refused above)', () => {
    const path = '/project/src/config.ts';
    const parse = (text: string) => ours.createSourceFile(path, text, { languageVersion: ours.ScriptTarget.Latest, jsDocParsingMode: ours.JSDocParsingMode.ParseNone }, true);
    const differs = (text: string) => JSON.stringify(shape(typescriptEslintTree(path, text), typescript.forEachChild as never)) !== JSON.stringify(shape(parse(text), ours.forEachChild as never));
    expect(differs(TOP_LEVEL_AWAIT)).toBe(true);
    expect(differs(COMMONJS)).toBe(false);
  });
});
