// ts-morph's values for lambda-lint's ES modules, loaded with `require`.
//
// ts-morph is CommonJS: an ES module `import ... from 'ts-morph'` makes Node.js scan its 950 KB
// source for export names on every start (about 70 ms, a tenth of a one-file run), which `require`
// does not. Every package and rule imports ts-morph's values from here (types come from
// index.d.ts, which is ts-morph's own). A value used elsewhere must be added to this list: a
// missing one fails at start-up ("does not provide an export named").
import { createRequire } from 'node:module';

const tsMorph = createRequire(import.meta.url)('ts-morph');

export const { Node, Project, SyntaxKind, ts } = tsMorph;
