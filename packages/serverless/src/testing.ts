// Test helpers (not exported from the package index).
import { emptyModel, get, type AppModel, type LambdaFunction, type Loc, type Value } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { readServerless, type ServerlessReadOptions } from './read.js';

export const ROOT = '/project';
export const FILE = '/project/serverless.yml';

export interface Run {
  model: AppModel;
  doc: Value;
  reads: string[];
  fn(name: string): LambdaFunction;
  at(...path: (string | number)[]): Value | undefined;
}

/** Reads `yaml` as /project/serverless.yml with an in-memory file system (keys: absolute paths). */
export function run(yaml: string, files: Record<string, string> = {}, options: Partial<ServerlessReadOptions> = {}, file = FILE): Run {
  const parsed = parseSource(file, yaml, { format: 'yaml' });
  if (!parsed.root) throw new Error(`bad test YAML: ${JSON.stringify(parsed.diagnostics)}`);
  const model = emptyModel(ROOT);
  const reads: string[] = [];
  readServerless(parsed, model, {
    root: ROOT,
    readFile: (p) => {
      reads.push(p);
      return files[p];
    },
    env: {},
    ...options,
  });
  const doc = model.documents[0]!.root;
  return {
    model,
    doc,
    reads,
    fn: (name) => {
      const f = model.functions.find((x) => x.name === name);
      if (!f) throw new Error(`no function ${name}`);
      return f;
    },
    at: (...path) => get(doc, ...path),
  };
}

/** `line:column-endLine:endColumn` */
export function pos(loc: Loc | undefined): string {
  if (!loc) return 'none';
  return `${loc.line}:${loc.column}-${loc.endLine}:${loc.endColumn}`;
}

/** The plain JavaScript value of a tree, unknown values as `<unknown reason: text>`. */
export function plain(v: Value | undefined): unknown {
  if (!v) return undefined;
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'unknown':
      return `<${v.reason}: ${v.text}>`;
    case 'seq':
      return v.items.map(plain);
    case 'map':
      return Object.fromEntries(v.entries.map((e) => [e.key, plain(e.value)]));
  }
}
