// Rewrites expected-findings.json and expected-review-findings.json from the built CLI (run `pnpm build`
// first), for when the demo or a rule changes on purpose. Review the diff finding by finding before committing it: every entry
// must be a pitfall the demo contains on purpose (README.md says which).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/bin/lambda-lint.js', import.meta.url));

const env = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };

/** The fields of a finding that expected-*.json pin down. */
const pinned = (f) => ({
  ruleId: f.ruleId,
  severity: f.severity,
  file: f.file,
  line: f.line,
  column: f.column,
  ...(f.function ? { function: f.function } : {}),
});

/** One finding per line, so that a change of the demo or of a rule reads as a short diff. */
function write(name, description, findings) {
  const text = `{\n  "description": ${JSON.stringify(description)},\n  "findings": [\n${findings.map((f) => `    ${JSON.stringify(pinned(f))}`).join(',\n')}\n  ]\n}\n`;
  writeFileSync(new URL(`../${name}`, import.meta.url), text);
  console.log(`${findings.length} findings written to ${name}`);
}

function findingsOf(run) {
  if (run.status !== 1) {
    console.error(`expected exit code 1 from the CLI, got ${run.status}\n${run.stderr}`);
    process.exit(2);
  }
  return JSON.parse(run.stdout).findings;
}

write(
  'expected-findings.json',
  'Every finding lambda-lint reports on examples/brand-platform-demo, in the order the CLI prints them (file, line, column). file is relative to examples/brand-platform-demo/ (run the CLI from that folder: `lambda-lint .`); line and column are 1-based.',
  findingsOf(spawnSync(process.execPath, [cli, '.', '--format', 'json'], { cwd: demo, encoding: 'utf8', env })),
);

// The review scenario (README.md, "The demo as a change"): a git repository whose first commit holds
// the production platform in platform/ and whose second commit replaces it with the demo. Keep in
// step with reviewRepo() in test/examples-demo.test.ts.
const production = fileURLToPath(new URL('../../brand-platform', import.meta.url));
const notPlatform = new Set(['node_modules', 'README.md', 'scripts', 'expected-findings.json', 'expected-review-findings.json']);
const copy = (from, to) => cpSync(from, to, { recursive: true, filter: (src) => !notPlatform.has(basename(src)) });
const repo = mkdtempSync(join(tmpdir(), 'brand-platform-review-'));
try {
  const git = (...args) => {
    const r = spawnSync('git', ['-c', 'user.name=demo', '-c', 'user.email=demo@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q');
  copy(production, join(repo, 'platform'));
  git('add', 'platform');
  git('commit', '-q', '-m', 'production platform');
  rmSync(join(repo, 'platform'), { recursive: true });
  copy(demo, join(repo, 'platform'));
  git('add', '-A', 'platform');
  git('commit', '-q', '-m', 'the demo');
  write(
    'expected-review-findings.json',
    'Every finding of `lambda-lint diff --base HEAD~1 platform --format json`, run at the root of a git repository whose first commit holds examples/brand-platform in platform/ and whose second commit replaces it with examples/brand-platform-demo (README.md, "The demo as a change"), in the order the CLI prints them. file is relative to that repository root; line and column are 1-based.',
    findingsOf(spawnSync(process.execPath, [cli, 'diff', '--base', 'HEAD~1', 'platform', '--format', 'json'], { cwd: repo, encoding: 'utf8', env })),
  );
} finally {
  rmSync(repo, { recursive: true, force: true });
}
