#!/usr/bin/env node
// Rewrites the rule table in README.md (between the rules:start/end markers) from the built rule
// metadata, so the table never drifts from the code. Run after `pnpm build`.
import { readFileSync, writeFileSync } from 'node:fs';

const { allRules, ruleFolders } = await import('../rules/dist/index.js');
const rows = [...allRules]
  .sort((a, b) => (ruleFolders[a.id] < ruleFolders[b.id] ? -1 : 1))
  .map((r) => `| [\`${r.id}\`](rules/${ruleFolders[r.id]}/README.md) | ${r.severity} | ${r.category} | ${r.scope} | ${r.description.replace(/\|/g, '\\|')} |`);
const table = ['| rule | default | category | reads | what it finds |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
const readme = readFileSync('README.md', 'utf8');
const next = readme.replace(/<!-- rules:start -->[\s\S]*?<!-- rules:end -->/, () => `<!-- rules:start -->\n${table}\n<!-- rules:end -->`);
if (next !== readme) writeFileSync('README.md', next);
