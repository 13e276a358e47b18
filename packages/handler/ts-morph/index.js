// ts-morph's values for lambda-lint's ES modules, loaded with `require`, and only when first used.
//
// ts-morph is CommonJS: an ES module `import ... from 'ts-morph'` makes Node.js scan its 950 KB
// source for export names on every start (about 70 ms, a tenth of a one-file run), which `require`
// does not. Every package and rule imports ts-morph's values from here (types come from
// index.d.ts, which is ts-morph's own). A value used elsewhere must be added to this list: a
// missing one fails at start-up ("does not provide an export named").
//
// Loading ts-morph and its TypeScript is most of the start-up of a run, and a run that lints no
// handler code (templates only) never needs them: they are loaded on the first use of `ts`,
// `Node` or `Project`. `SyntaxKind` is data generated from the installed TypeScript
// (syntax-kind.js), so modules can build their tables of kinds when they load; it is checked
// against TypeScript when TypeScript loads.
import { createRequire } from 'node:module';
import { SyntaxKind, typescriptVersion } from './syntax-kind.js';

const require = createRequire(import.meta.url);
let tsMorph;

/**
 * Stands for an object of ts-morph until it is loaded: a property missing on `facade` reaches this
 * prototype, which loads ts-morph and makes the real object the facade's prototype, so later
 * look-ups are ordinary prototype-chain ones.
 */
function untilLoaded(pick) {
  return new Proxy(Object.create(null), {
    get: (_, key) => pick(load())[key],
    has: (_, key) => key in pick(load()),
  });
}

export { SyntaxKind };
export const ts = Object.setPrototypeOf({ SyntaxKind }, untilLoaded((m) => m.ts));
// Not a class: `Node.isNode(x)`, not `x instanceof Node`.
export const Node = Object.setPrototypeOf({}, untilLoaded((m) => m.Node));
/** `new Project(options)` makes ts-morph's Project (a constructor that returns an object gives that object). */
export function Project(options) {
  return new (load().Project)(options);
}

function load() {
  if (tsMorph) return tsMorph;
  const loaded = require('ts-morph');
  checkSyntaxKind(loaded.ts);
  useOneCollator();
  Object.setPrototypeOf(ts, loaded.ts);
  Object.setPrototypeOf(Node, loaded.Node);
  tsMorph = loaded;
  return loaded;
}

function checkSyntaxKind(loadedTs) {
  const real = loadedTs.SyntaxKind;
  const keys = Object.keys(real);
  if (keys.length !== Object.keys(SyntaxKind).length || keys.some((k) => real[k] !== SyntaxKind[k])) {
    throw new Error(`lambda-lint was built against TypeScript ${typescriptVersion}, and TypeScript ${loadedTs.version} is installed: run \`pnpm build\` (syntax kinds differ)`);
  }
}

// ts-morph keeps each folder's files and subfolders sorted with `a.localeCompare(b, 'en-us-u-kf-upper')`,
// which resolves the locale again on every comparison: a sixth of the time of filing a parsed file
// (about 10 ms on 1000 files). ECMA-402 defines localeCompare with a locale as the compare of an
// Intl.Collator for it: one collator made once sorts the same, five times faster.
function useOneCollator() {
  try {
    const comparer = createRequire(require.resolve('ts-morph'))('@ts-morph/common').LocaleStringComparer?.instance;
    if (comparer && typeof comparer.compareTo === 'function') {
      const collator = new Intl.Collator('en-us-u-kf-upper');
      comparer.compareTo = (a, b) => Math.sign(collator.compare(a, b));
    }
  } catch {
    // Another layout of ts-morph's files: its own comparison stays.
  }
}
