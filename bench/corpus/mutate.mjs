// Deterministic mutations of configuration and code text, shared by the corpus generator
// (bench/corpus/generate.mjs) and the property-based robustness tests (test/robustness).
// Every mutation is a pure function of its input text and a seeded random source, so a
// failing case is reproduced from its seed alone.

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [0, n). */
    int: (n) => (n <= 0 ? 0 : Math.floor(next() * n)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

function lines(text) {
  return text.split('\n');
}

function at(text, r) {
  return r.int(text.length + 1);
}

function insert(text, offset, s) {
  return text.slice(0, offset) + s + text.slice(offset);
}

/** Tokens that break or bend YAML, JSON and TypeScript syntax. */
export const TOKENS = [
  '{', '}', '[', ']', '(', ')', '"', "'", '`', ':', ': ', '- ', ',', '#', '|', '>', '? ', '&a ', '*a', '<<: *a', '!Foo ', '!Ref',
  '!!binary ', '!!set ', '!!omap ', '%YAML 1.2\n---\n', '---\n', '...\n', '\t', '\0', '\uFEFF', '\r', '\r\n', '\uD800', '\uDC00',
  '\u2028', '\u0085', '\u00A0', '${', '${self:', '${opt:stage}', '${file(../../../etc/passwd)}', '${self:custom.${opt:stage}}',
  '/*', '*/', '//', '=>', ';', 'export ', 'import ', 'async ', 'await ', 'function ', 'class ', '@', '\\', '\\u', '\\x', '0x',
  '1e999', '-0', 'NaN', '.inf', '~', 'null', 'true', 'Resources:', 'AWS::Lambda::Function', 'Type: ', 'Fn::GetAtt', '"Ref": ',
];

/** Values that replace a YAML/JSON value to confuse the readers about its type. */
export const VALUES = [
  '[]', '{}', 'null', '~', '', '0', '-1', '42', '3.5', '1e400', '0x1F', '0o17', '.inf', '-.inf', '.nan', 'true', 'false', 'yes',
  '2001-12-14', '12:30:45', '"${self:custom.missing}"', '${self:}', '${opt:stage}', '${env:HOME}', '${sls:stage}', '${aws:region}',
  '${ssm:/a/b}', '${file(./missing.yml):x}', '${file(../../../../etc/passwd)}', '${self:custom.${opt:stage}}', '${self:functions}',
  '[1, {a: b}, [c]]', '{Ref: Foo}', '{"Fn::GetAtt": [A, B]}', '{"Fn::GetAtt": "A.B"}', '{"Fn::Sub": [x, {}]}', '{"Fn::If": [c]}',
  '{"Fn::Join": ["", [a, {Ref: B}]]}', '{"Fn::Select": [99, []]}', '!Ref X', '!GetAtt A.B', '!GetAtt [A]', '!Sub ${X}', '!Sub [1, 2]',
  '!If [c, a]', '!Join [",", x]', '!Split', '!Base64 {}', '!ImportValue [x]', '!FindInMap [a]', '!Cidr []', '!GetAZs ~',
  '!Condition 1', '!Equals [1]', '!Not x', '!Transform {}', '*nope', '"\\u0000"', '"\\uD800"', "'it''s'", '|\n  block\n  text',
  '>-\n  folded', '"a\\\nb"', 'arn:aws:sqs:us-east-1:123456789012:q', 'arn:aws:lambda:*:*:function:*', '"*"', '[s3:*]',
  'AWS::Lambda::Function', 'AWS::Serverless::Function', 'src/missing.handler', 'src/../../../etc/passwd.handler', '.handler', 'handler',
  'a.b.c.d', '/tmp/out.json', 'nodejs20.x', 'python3.12', '900', '10240', '3008', '0.5', '-900', '"900"',
];

/** TypeScript statements that stress the handler analysis. */
export const TS_STATEMENTS = [
  'let count = 0;', 'count++;', 'export const handler = 5;', 'export default {};', 'export * from "./self";', 'export * from ".";',
  'import x from "../../../../etc/passwd";', 'import * as self from "./handler";', 'module.exports = require("./x");',
  'exports.handler = exports.handler;', 'const handler = handler;', 'export { handler as default, handler as handler };',
  'writeFileSync("/tmp/out.json", "");', 'import { writeFileSync } from "node:fs";', 'const cache = new Map(); cache.set(1, 2);',
  'function f() { return f(); }', 'export async function handler(e) { return g(e); } function g(e) { return handler(e); }',
  'class A { static x = A; m() { return this.m(); } }', 'const o = { ...o };', 'export const handler = middy(fn).use(a()).use(b());',
  'export = handler;', 'declare module "x" { export const handler: any; }', 'namespace N { export const handler = 1; }',
  'enum E { A = E.A }', 'label: for (;;) { break label; }', 'with (x) {}', 'eval("x")', 'new Function("return 1")',
  '/* unterminated', '`unterminated ${', '"unterminated', '<div>jsx</div>', '@decorator class X {}', '#!/usr/bin/env node',
  'export const handler = async (event, context) => { context.callbackWaitsForEmptyEventLoop = false; };',
  'for await (const x of y) {}', 'yield* x;', 'import.meta.url;', 'using r = getResource();', 'x ??= y ||= z &&= w;',
];

/** A "billion laughs" alias bomb, valid YAML that expands to 10^9 nodes. */
export const ALIAS_BOMB =
  'bomb:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n  i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n';

const TAGS = ['!Foo', '!Reff', '!GetAttr', '!Ref', '!Sub', '!GetAtt', '!If', '!!binary', '!!set', '!!omap', '!!pairs', '!!timestamp', '!!int', '!!float', '!!str', '!!map', '!!seq', '!<tag:yaml.org,2002:str>', '!!python/object:os.system', '!', '!!', '!e!x'];

const encoder = new TextEncoder();

/** Invalid UTF-8 sequences: lone continuation, overlong, truncated, encoded surrogate, out of range. */
const BAD_UTF8 = [[0x80], [0xbf], [0xc0, 0xaf], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xfe, 0xff], [0xf0, 0x9f]];

function valueLine(ls, r) {
  const candidates = [];
  for (let i = 0; i < ls.length; i++) if (/^\s*(?:-\s+)?["']?[\w./:@$-]+["']?\s*:\s*\S/.test(ls[i])) candidates.push(i);
  return candidates.length ? r.pick(candidates) : -1;
}

function keyLine(ls, r) {
  const candidates = [];
  for (let i = 0; i < ls.length; i++) if (/^\s*(?:-\s+)?["']?[\w./:@$-]+["']?\s*:/.test(ls[i])) candidates.push(i);
  return candidates.length ? r.pick(candidates) : -1;
}

function randomChars(r, n) {
  let s = '';
  for (let i = 0; i < n; i++) {
    const k = r.int(6);
    if (k === 0) s += String.fromCharCode(r.int(32));
    else if (k === 1) s += String.fromCharCode(0xd800 + r.int(0x800));
    else if (k === 2) s += String.fromCodePoint(0x80 + r.int(0x10ff7f - 0x800)).replace(/[\uD800-\uDFFF]/g, 'x');
    else s += String.fromCharCode(32 + r.int(95));
  }
  return s;
}

function nest(kind, depth) {
  switch (kind) {
    case 'yaml-flow':
      return '['.repeat(depth) + ']'.repeat(depth);
    case 'yaml-flow-map':
      return '{a: '.repeat(depth) + '1' + '}'.repeat(depth);
    case 'yaml-block': {
      let s = '\n';
      for (let i = 1; i <= depth; i++) s += ' '.repeat(i) + 'k:\n';
      return s;
    }
    case 'yaml-seq':
      return '\n' + Array.from({ length: depth }, (_, i) => ' '.repeat(2 + i * 2) + '-').join('\n') + ' x';
    case 'json':
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 'ts':
      return '('.repeat(depth) + '1' + ')'.repeat(depth);
    case 'ts-if':
      return '\n' + 'if (x) '.repeat(depth) + 'f();\n';
    case 'ts-chain':
      return 'a' + (depth % 2 ? ' + f(x)' : '.b').repeat(depth * 2);
    default:
      return '['.repeat(depth);
  }
}

/**
 * The mutations, by name. Each takes the text of a file and a random source and returns the
 * new content: a string, or bytes when the mutation produces something that is not UTF-8.
 */
export const MUTATIONS = {
  'delete-lines'(text, r) {
    const ls = lines(text);
    ls.splice(r.int(ls.length), 1 + r.int(3));
    return ls.join('\n');
  },
  'duplicate-lines'(text, r) {
    const ls = lines(text);
    const i = r.int(ls.length);
    const n = 1 + r.int(3);
    ls.splice(i, 0, ...ls.slice(i, i + n));
    return ls.join('\n');
  },
  'swap-lines'(text, r) {
    const ls = lines(text);
    const i = r.int(ls.length);
    const j = r.int(ls.length);
    [ls[i], ls[j]] = [ls[j], ls[i]];
    return ls.join('\n');
  },
  truncate(text, r) {
    return text.slice(0, at(text, r));
  },
  'insert-token'(text, r) {
    return insert(text, at(text, r), r.pick(TOKENS));
  },
  'insert-random-chars'(text, r) {
    return insert(text, at(text, r), randomChars(r, 1 + r.int(8)));
  },
  'replace-range'(text, r) {
    const i = at(text, r);
    return text.slice(0, i) + randomChars(r, r.int(4)) + text.slice(i + 1 + r.int(20));
  },
  reindent(text, r) {
    const ls = lines(text);
    const i = r.int(ls.length);
    const delta = r.int(7) - 3;
    ls[i] = delta >= 0 ? ' '.repeat(delta) + ls[i] : ls[i].replace(new RegExp(`^ {0,${-delta}}`), '');
    return ls.join('\n');
  },
  tabs(text, r) {
    const ls = lines(text);
    const i = r.int(ls.length);
    ls[i] = r.chance(0.5) ? ls[i].replace(/^ +/, '\t') : ls[i].replace(/: /, ':\t');
    return ls.join('\n');
  },
  crlf(text, r) {
    if (r.chance(0.6)) return text.replace(/\r?\n/g, '\r\n');
    if (r.chance(0.5)) return text.replace(/\r?\n/g, '\r');
    // Mixed line endings.
    return text.replace(/\n/g, () => r.pick(['\n', '\r\n', '\r']));
  },
  bom(text) {
    return '\uFEFF' + text;
  },
  unbalanced(text, r) {
    return insert(text, at(text, r), r.pick(['[', ']', '{', '}', '(', ')', '"', "'", '`', '/*', '${', '<']));
  },
  'yaml-tag'(text, r) {
    const ls = lines(text);
    const i = valueLine(ls, r);
    if (i < 0) return insert(text, at(text, r), `${r.pick(TAGS)} `);
    ls[i] = ls[i].replace(/:\s*/, (m) => `${m}${r.pick(TAGS)} `);
    return ls.join('\n');
  },
  'anchor-alias'(text, r) {
    const ls = lines(text);
    const i = valueLine(ls, r);
    const j = valueLine(ls, r);
    if (i < 0 || j < 0) return insert(text, at(text, r), r.pick(['&a ', '*a', '<<: *a']));
    const name = r.pick(['a', 'b', 'x1']);
    ls[i] = ls[i].replace(/:\s*/, (m) => `${m}&${name} `);
    if (r.chance(0.3)) ls.splice(j + 1, 0, `${/^\s*/.exec(ls[j])[0]}<<: *${name}`);
    else ls[j] = ls[j].replace(/:\s*.*$/, `: *${r.chance(0.8) ? name : 'missing'}`);
    return ls.join('\n');
  },
  'alias-bomb'(text, r) {
    if (r.chance(0.3)) return 'self: &s [*s]\n' + text;
    return r.chance(0.5) ? ALIAS_BOMB + text : text + (text.endsWith('\n') ? '' : '\n') + ALIAS_BOMB + 'boom: *i\n';
  },
  'deep-nesting'(text, r) {
    const kind = r.pick(['yaml-flow', 'yaml-flow-map', 'yaml-block', 'yaml-seq', 'json', 'ts', 'ts-if', 'ts-chain', 'open']);
    const depth = Math.max(8, Math.round(r.pick([64, 300, 1000, 3000, 10000]) * r.scale));
    const s = nest(kind, kind === 'yaml-block' || kind === 'yaml-seq' ? Math.min(depth, 1000) : depth);
    const ls = lines(text);
    const i = valueLine(ls, r);
    if (i >= 0 && r.chance(0.7)) {
      ls[i] = ls[i].replace(/:\s*.*$/, `: ${s}`);
      return ls.join('\n');
    }
    return insert(text, at(text, r), s);
  },
  'huge-scalar'(text, r) {
    const big = r.pick(['x', 'ab ', '${self:a}', '\\u00e9', 'é']).repeat(Math.max(10, Math.round(r.pick([1000, 20000, 200000]) * r.scale)));
    const ls = lines(text);
    const i = valueLine(ls, r);
    if (i < 0) return text + big;
    const indent = /^\s*/.exec(ls[i])[0];
    const how = r.int(5);
    if (how === 0) ls[i] = ls[i].replace(/^(\s*)/, `$1${big.replace(/\W/g, 'k')}`);
    else if (how === 1) ls[i] = ls[i].replace(/:\s*.*$/, `: |\n${indent}  ${big}\n${indent}  ${big}`);
    else ls[i] = ls[i].replace(/:\s*.*$/, `: "${big}"`);
    return ls.join('\n');
  },
  nul(text, r) {
    return insert(text, r.chance(0.5) ? r.int(Math.min(text.length, 8192) + 1) : at(text, r), '\0');
  },
  'lone-surrogate'(text, r) {
    return insert(text, at(text, r), r.pick(['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uDC00\uD800']));
  },
  'invalid-utf8'(text, r) {
    const bytes = encoder.encode(text);
    const i = r.int(bytes.length + 1);
    const bad = r.pick(BAD_UTF8);
    const out = new Uint8Array(bytes.length + bad.length);
    out.set(bytes.subarray(0, i), 0);
    out.set(bad, i);
    out.set(bytes.subarray(i), i + bad.length);
    return out;
  },
  'replace-value'(text, r) {
    const ls = lines(text);
    const i = valueLine(ls, r);
    if (i < 0) return insert(text, at(text, r), r.pick(VALUES));
    const v = r.pick(VALUES);
    const indent = /^\s*/.exec(ls[i])[0];
    ls[i] = ls[i].replace(/:\s*.*$/, `: ${v.replace(/\n/g, `\n${indent}  `)}`);
    return ls.join('\n');
  },
  'rename-key'(text, r) {
    const ls = lines(text);
    const i = keyLine(ls, r);
    if (i < 0) return text;
    ls[i] = ls[i].replace(/([\w$-]+)(["']?\s*:)/, (_, k, rest) => r.pick([k.toLowerCase(), k.toUpperCase(), `${k}x`, k.slice(1), 'Type', 'Resources', 'functions', 'handler', '<<', '? x']) + rest);
    return ls.join('\n');
  },
  'json-subtree'(text, r) {
    let doc;
    try {
      doc = JSON.parse(text);
    } catch {
      return MUTATIONS['replace-value'](text, r);
    }
    const replacement = () => {
      const v = r.pick(VALUES);
      try {
        return JSON.parse(v);
      } catch {
        return r.pick([v, null, [], {}, 0, -1, true, [v], { Ref: v }, { 'Fn::GetAtt': v }, { 'Fn::Sub': [v, v] }]);
      }
    };
    // Walk to a random node and replace or delete it.
    let parent;
    let key;
    let node = doc;
    for (let depth = 0; depth < 12 && node && typeof node === 'object'; depth++) {
      const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0 || r.chance(0.15)) break;
      parent = node;
      key = r.pick(keys);
      node = node[key];
    }
    if (parent === undefined) return JSON.stringify(replacement());
    if (r.chance(0.3) && !Array.isArray(parent)) delete parent[key];
    else parent[key] = replacement();
    return JSON.stringify(doc, null, r.pick([0, 2, 4, '\t']));
  },
  'ts-statement'(text, r) {
    const ls = lines(text);
    ls.splice(r.int(ls.length + 1), 0, r.pick(TS_STATEMENTS));
    return ls.join('\n');
  },
};

export const MUTATION_NAMES = Object.keys(MUTATIONS);

/**
 * Applies one named mutation with its own seed. Bytes stay bytes only through `invalid-utf8`.
 * `scale` (0..1] shrinks the huge inputs (`huge-scalar`, `deep-nesting`) for time-boxed test runs.
 */
export function mutate(content, name, seed, scale = 1) {
  const r = { ...rng(seed), scale };
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  return MUTATIONS[name](text, r);
}

