import type { SourceCode } from 'eslint';
import { createRequire } from 'node:module';

/** What lambda-lint's analysis compares with its own TypeScript before it takes a tree another one made. */
export interface TypeScriptModule {
  readonly version: string;
  readonly versionMajorMinor: string;
  readonly SyntaxKind: object;
  readonly NodeFlags: object;
}

/** The tree ESLint's parser made of the file being linted, and the TypeScript that made it. */
export interface ParsedTree {
  tree: object;
  typescript: TypeScriptModule;
}

interface TypeScriptParserServices {
  program?: unknown;
  esTreeNodeToTSNodeMap?: { get(node: unknown): unknown };
}

/**
 * typescript-eslint's TypeScript tree of the file (its parser services map the ESTree Program node to
 * the `ts.SourceFile`), with the TypeScript module that made it: the analysis then takes it instead
 * of parsing the buffer again, when it is the tree its own parse would make (SourceCache.refusalOf
 * checks that). Undefined with another parser (ESLint's espree has no TypeScript tree) and for typed
 * linting: a file of a TypeScript program belongs to a language service that parses it incrementally
 * later, reusing and moving its nodes, which would change a tree the plugin keeps between runs; a
 * tree made for this pass alone (no program) belongs to nobody once the pass is over.
 */
export function typescriptTreeOf(sourceCode: SourceCode): ParsedTree | undefined {
  const services = sourceCode.parserServices as TypeScriptParserServices | undefined;
  if (!services?.esTreeNodeToTSNodeMap || services.program !== null) return undefined;
  const tree = services.esTreeNodeToTSNodeMap.get(sourceCode.ast);
  if (typeof tree !== 'object' || tree === null) return undefined;
  const typescript = typescriptThatMade(tree);
  return typescript ? { tree, typescript } : undefined;
}

const require = createRequire(import.meta.url);

/** The TypeScript module (among those loaded) by the constructor of the source files it makes; null: none of them. */
const makers = new WeakMap<object, TypeScriptModule | null>();

interface LoadedTypeScript extends TypeScriptModule {
  objectAllocator: { getSourceFileConstructor(): unknown };
}

/** A module file that may be TypeScript's (its own package, or a copy bundled by another: ts-morph's). */
const TYPESCRIPT_FILE = /[\\/]typescript\.js$/;

function isTypeScript(exports: unknown): exports is LoadedTypeScript {
  const ts = exports as Partial<LoadedTypeScript> | undefined;
  return typeof ts?.version === 'string' && typeof ts.objectAllocator?.getSourceFileConstructor === 'function';
}

/**
 * The loaded TypeScript whose source files are made by the tree's constructor: typescript-eslint
 * loads the `typescript` package it finds with `require`, so it is in the module cache, and each
 * copy of TypeScript has its own node classes. Looked up once per constructor.
 */
function typescriptThatMade(tree: object): TypeScriptModule | undefined {
  const constructor = (Object.getPrototypeOf(tree) as { constructor?: unknown } | null)?.constructor;
  if (typeof constructor !== 'function') return undefined;
  let maker = makers.get(constructor);
  if (maker === undefined) {
    maker = null;
    for (const [id, loaded] of Object.entries(require.cache)) {
      if (!TYPESCRIPT_FILE.test(id) || !isTypeScript(loaded?.exports)) continue;
      if (loaded.exports.objectAllocator.getSourceFileConstructor() === constructor) {
        maker = loaded.exports;
        break;
      }
    }
    makers.set(constructor, maker);
  }
  return maker ?? undefined;
}
