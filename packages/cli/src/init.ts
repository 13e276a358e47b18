import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { findConfigFile, nodeHost, toPosix } from '@lambda-lint/linter';
import type { CommandContext } from './main.js';

const SCHEMA = './node_modules/lambda-lint/schema/lambda-lint.config.schema.json';

export const STARTER_YAML = `# yaml-language-server: $schema=${SCHEMA}
# lambda-lint configuration. Presets: recommended (default severities), strict (info -> warning,
# warning -> error), all (experimental rules too). \`lambda-lint rules\` lists the rule ids.
extends: recommended

rules: {}
  # memory-size: [warning, { suspiciousValues: [3008, 10240] }]
  # no-custom-metrics: off

# Files not linted (globs relative to this file, gitignore-like).
ignore: []
  # - legacy/**

# Different settings for some files (globs matched against the file of each finding).
overrides: []
  # - files: [services/batch/**]
  #   rules:
  #     explicit-timeout: off

# Rules that no suppression comment or Metadata entry can silence.
mandatory: []
  # - iam-wildcard-action
  # - iam-passrole-wildcard
`;

export const STARTER_JSON = `${JSON.stringify({ $schema: SCHEMA, extends: 'recommended', rules: {}, ignore: [], overrides: [], mandatory: [] }, null, 2)}\n`;

/** `lambda-lint init`: writes a starter configuration in the current directory, never over an existing one. */
export function registerInitCommand(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description('write a starter lambda-lint.config.yaml (or .json) in the current directory')
    .addOption(new Option('-f, --format <format>', 'file format').choices(['yaml', 'json']).default('yaml'))
    .action((opts: { format: 'yaml' | 'json' }) => {
      // Any configuration here (package.json "lambda-lint" included) would win over or shadow the new file.
      const cwd = toPosix(resolve(ctx.io.cwd));
      const existing = findConfigFile(nodeHost(ctx.io.env), cwd, cwd);
      if (existing) {
        const name = existing.slice(existing.lastIndexOf('/') + 1);
        ctx.io.stderr(`lambda-lint: ${name === 'package.json' ? 'package.json has a "lambda-lint" configuration' : `${name} already exists`}; not overwritten\n`);
        ctx.setExitCode(2);
        return;
      }
      const name = `lambda-lint.config.${opts.format}`;
      try {
        writeFileSync(join(ctx.io.cwd, name), opts.format === 'json' ? STARTER_JSON : STARTER_YAML, { flag: 'wx' });
      } catch (e) {
        ctx.io.stderr(`lambda-lint: cannot write ${name}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
        ctx.setExitCode(2);
        return;
      }
      ctx.io.stdout(`Wrote ${name}. Run \`lambda-lint\` to lint with it, \`lambda-lint --print-config <file>\` to see what applies to a file.\n`);
      ctx.setExitCode(0);
    });
}
