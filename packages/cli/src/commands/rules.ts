import { Option, type Command } from 'commander';
import { docsUrl, type AnyRule } from '@lambda-lint/core';
import { allRules } from '@lambda-lint/rules';
import type { CommandContext } from '../main.js';

const CATEGORY_ORDER = ['architecture', 'stateless', 'cost', 'reliability', 'security', 'iam', 'observability', 'deployment', 'files', 'adjacent', 'input', 'suppressions'];

/** `lambda-lint rules`: the catalog, as a table or as JSON for scripts. */
export function registerRulesCommand(program: Command, ctx: CommandContext): void {
  program
    .command('rules')
    .description('list the rules: id, default severity, category, what it reads, platforms, docs link')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { format: 'table' | 'json' }) => {
      const rules = catalog(allRules);
      ctx.io.stdout(opts.format === 'json' ? rulesJson(rules) : rulesTable(rules));
      ctx.setExitCode(0);
    });
}

/** The rules ordered by checklist area, then id. */
export function catalog(rules: readonly AnyRule[]): AnyRule[] {
  const rank = (c: string) => (CATEGORY_ORDER.includes(c) ? CATEGORY_ORDER.indexOf(c) : CATEGORY_ORDER.length);
  return [...rules].sort((a, b) => rank(a.category) - rank(b.category) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function rulesJson(rules: readonly AnyRule[]): string {
  const list = rules.map((r) => ({
    id: r.id,
    severity: r.severity,
    category: r.category,
    reads: r.scope,
    platforms: [...r.platforms],
    experimental: Boolean(r.experimental),
    description: r.description,
    docs: docsUrl(r),
  }));
  return JSON.stringify(list, null, 2) + '\n';
}

export function rulesTable(rules: readonly AnyRule[]): string {
  const rows = [
    ['rule', 'severity', 'category', 'reads', 'platforms', 'docs'],
    ...rules.map((r) => [r.id, r.experimental ? `${r.severity} (experimental, off)` : r.severity, r.category, r.scope, r.platforms.join(','), docsUrl(r)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return `${lines.join('\n')}\n\n${rules.length} rules. Run only some with --rule <id>; details at each docs link.\n`;
}
