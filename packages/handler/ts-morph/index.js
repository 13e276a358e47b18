// ts-morph's values for lambda-lint's ES modules, loaded with `require`.
//
// ts-morph is CommonJS: an ES module `import ... from 'ts-morph'` makes Node.js scan its 950 KB
// source for export names on every start (about 70 ms, a tenth of a one-file run), which `require`
// does not. Every package and rule imports ts-morph's values from here (types come from
// index.d.ts, which is ts-morph's own). A value used elsewhere must be added to this list: a
// missing one fails at start-up ("does not provide an export named").
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsMorph = require('ts-morph');

// ts-morph keeps each folder's files and subfolders sorted with `a.localeCompare(b, 'en-us-u-kf-upper')`,
// which resolves the locale again on every comparison: a sixth of the time of filing a parsed file
// (about 10 ms on 1000 files). ECMA-402 defines localeCompare with a locale as the compare of an
// Intl.Collator for it: one collator made once sorts the same, five times faster.
try {
  const comparer = createRequire(require.resolve('ts-morph'))('@ts-morph/common').LocaleStringComparer?.instance;
  if (comparer && typeof comparer.compareTo === 'function') {
    const collator = new Intl.Collator('en-us-u-kf-upper');
    comparer.compareTo = (a, b) => Math.sign(collator.compare(a, b));
  }
} catch {
  // Another layout of ts-morph's files: its own comparison stays.
}

export const { Node, Project, SyntaxKind, ts } = tsMorph;
