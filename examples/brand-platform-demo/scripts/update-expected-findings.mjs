// Rewrites expected-findings.json from the built CLI (run `pnpm build` first), for when the demo or
// a rule changes on purpose. Review the diff finding by finding before committing it: every entry
// must be a pitfall the demo contains on purpose (README.md says which).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../../../packages/cli/bin/lambda-lint.js', import.meta.url));

const run = spawnSync(process.execPath, [cli, '.', '--format', 'json'], { cwd: demo, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
if (run.status !== 1) {
  console.error(`expected exit code 1 from the CLI, got ${run.status}\n${run.stderr}`);
  process.exit(2);
}
const { findings } = JSON.parse(run.stdout);
const expected = {
  description:
    'Every finding lambda-lint reports on examples/brand-platform-demo, in the order the CLI prints them (file, line, column). file is relative to examples/brand-platform-demo/ (run the CLI from that folder: `lambda-lint .`); line and column are 1-based.',
  findings: findings.map((f) => ({
    ruleId: f.ruleId,
    severity: f.severity,
    file: f.file,
    line: f.line,
    column: f.column,
    ...(f.function ? { function: f.function } : {}),
  })),
};
// One finding per line, so that a change of the demo or of a rule reads as a short diff.
const text = `{\n  "description": ${JSON.stringify(expected.description)},\n  "findings": [\n${expected.findings.map((f) => `    ${JSON.stringify(f)}`).join(',\n')}\n  ]\n}\n`;
writeFileSync(new URL('../expected-findings.json', import.meta.url), text);
console.log(`${findings.length} findings written to expected-findings.json`);
