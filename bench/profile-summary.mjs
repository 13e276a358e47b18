// Summarises a V8 CPU profile of a lambda-lint run: where the time goes, for the next speed-up.
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof packages/cli/bin/lambda-lint.js --format json <tree> > /dev/null
//   node bench/profile-summary.mjs /tmp/prof [rows]
//
// Prints, for the newest .cpuprofile of the directory (or the file given):
//   - self time by file;
//   - time by owner: each sample is charged to the nearest lambda-lint frame (packages/ or rules/)
//     on its stack, so that time spent inside ts-morph, TypeScript or yaml counts for the lambda-lint
//     function that asked for it (`wrap` in program.js: ts-morph wrapper creation; `#parse`: the parse);
//   - inclusive time of lambda-lint functions (a function counted once per sample however deep
//     the recursion).
// Profiles are sampled: compare shares of the total between two runs, not milliseconds, on a busy machine.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const target = process.argv[2];
const rows = Number(process.argv[3] ?? 30);
if (!target) {
  process.stderr.write('usage: node bench/profile-summary.mjs <profile dir or .cpuprofile> [rows]\n');
  process.exit(2);
}
const file = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]
  : target;
if (!file) {
  process.stderr.write(`no .cpuprofile in ${target}\n`);
  process.exit(2);
}

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const selfTime = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  selfTime.set(profile.samples[i], (selfTime.get(profile.samples[i]) ?? 0) + dt);
  total += dt;
}

const shortUrl = (url) =>
  (url || '(native)').replace(/^file:\/\//, '').replace(/.*\/node_modules\/\.pnpm\/([^/]+)\/.*\/([^/]+)$/, '$1:$2').replace(/.*\/(packages|rules)\//, '$1/');
const frameName = (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const isOwn = (n) => /\/(packages|rules)\//.test(n.callFrame.url) && !n.callFrame.url.includes('node_modules');

const byFile = new Map();
const byOwner = new Map();
const inclusive = new Map();
const add = (m, k, t) => m.set(k, (m.get(k) ?? 0) + t);
for (const [id, t] of selfTime) {
  const node = byId.get(id);
  add(byFile, shortUrl(node.callFrame.url), t);
  let owner = '(outside lambda-lint: start-up, GC, module loading)';
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parentOf.get(cur)) {
    const n = byId.get(cur);
    if (!isOwn(n)) continue;
    const name = frameName(n);
    if (owner.startsWith('(')) owner = name;
    if (!seen.has(name)) {
      seen.add(name);
      add(inclusive, name, t);
    }
  }
  add(byOwner, owner, t);
}

const ms = (us) => `${(us / 1000).toFixed(0).padStart(6)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%`;
const print = (title, m) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows)) process.stdout.write(`${ms(v)}  ${k}\n`);
};
process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print('self time by file', byFile);
print('time by owner (nearest lambda-lint frame)', byOwner);
print('inclusive time of lambda-lint functions', inclusive);
