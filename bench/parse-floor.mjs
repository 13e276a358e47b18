// The parse floor: the least any tool that reads the same inputs must do, in one Node process.
// TypeScript's createSourceFile (with parent pointers, as any analysis needs) on every .ts/.js
// handler file under the given directory, and the `yaml` package's parseDocument on every
// configuration file (serverless.yml, template.yaml/json). No analysis, no output.
//
//   node bench/parse-floor.mjs <dir>

import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const ts = require('typescript');
// The yaml version lambda-lint itself uses (a dependency of packages/source).
const { parseDocument } = require(require.resolve('yaml', { paths: [new URL('../packages/source/', import.meta.url).pathname] }));

const SKIP = new Set(['node_modules', '.git', 'dist', 'build', 'cdk.out', '.serverless', '.aws-sam']);

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) {
      if (!SKIP.has(e.name) && !e.name.startsWith('.')) walk(join(dir, e.name), out);
    } else if (e.isFile()) out.push(join(dir, e.name));
  }
  return out;
}

const dir = process.argv[2] ?? '.';
let code = 0;
let configs = 0;
let nodes = 0;
for (const file of walk(dir, [])) {
  if (/\.[cm]?[jt]sx?$/.test(file) && !file.endsWith('.d.ts')) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    nodes += sf.statements.length;
    code++;
  } else if (/(^|\/)(serverless\.ya?ml|template\.ya?ml|template\.json|[^/]*\.template\.json)$/.test(file)) {
    const doc = parseDocument(readFileSync(file, 'utf8'));
    if (doc.errors.length > 0) nodes++;
    configs++;
  }
}
process.stdout.write(`${code} code files, ${configs} configuration files, ${nodes} top-level statements\n`);
