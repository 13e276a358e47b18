import { relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { isInside } from '@lambda-lint/core';
import { leastPrivilegePolicies, lint, nodeHost, toPosix, type FunctionPolicy, type PolicyStatement } from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import type { CliIO, CommandContext } from '../main.js';
import { guarded } from '../main.js';
import { collect } from '../lint-options.js';
import { commonDir, existingPaths } from '../report.js';

interface IamOptions {
  function?: string[];
  format: 'yaml' | 'json';
  stage?: string;
}

const EXAMPLES = `
Examples:
  $ lambda-lint iam                                  every function of the current directory
  $ lambda-lint iam services/brand-api --function brand-api
  $ lambda-lint iam --format json > policies.json    CloudFormation policy documents, for scripts

Per function: the actions its handler code can call (AWS SDK v3 and v2, paginators, pre-signed URLs,
Powertools Parameters and Idempotency), grouped by the resources they act on. Resources are written as
the template names them (!GetAtt BrandsTable.Arn, !Ref Topic, !Sub '\${Bucket.Arn}/uploads/*'); '*'
where the code does not name one. Lambda's own needs (logs, X-Ray, VPC, polling triggers) are not
listed: the frameworks add them.`;

/** `lambda-lint iam [paths...] [--function name] [--format yaml|json]`: the least-privilege policy per function. */
export function registerIamCommand(program: Command, ctx: CommandContext): void {
  program
    .command('iam')
    .description('print the least-privilege IAM policy of each function, derived from its handler code')
    .argument('[paths...]', 'files or directories to read', ['.'])
    .option('--function <name>', 'only this function (repeatable)', collect)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--stage <stage>', 'Serverless Framework stage for ${opt:stage} / ${sls:stage}')
    .addHelpText('after', EXAMPLES)
    .action((paths: string[], opts: IamOptions) => {
      ctx.setExitCode(guarded(ctx.io, () => runIam(paths, opts, ctx.io)));
    });
}

export function runIam(paths: string[], opts: IamOptions, io: CliIO): number {
  const cwd = toPosix(resolve(io.cwd));
  const host = io.host ?? nodeHost(io.env);
  const absolute = existingPaths(paths, io, host);
  if (!absolute) return 2;
  const root = absolute.every((p) => isInside(cwd, p)) ? cwd : commonDir(absolute, host);
  // A rule that reads code makes the linter analyse the handlers; its findings are not printed.
  const result = lint({ host, paths: absolute, root, rules: allRules.filter((r) => r.id === 'iam-missing-permission'), ...(opts.stage ? { options: { stage: opts.stage } } : {}) });
  let policies = leastPrivilegePolicies(result.model, result.handlers);
  if (opts.function?.length) {
    const wanted = new Set(opts.function);
    const unknown = opts.function.filter((name) => !policies.some((p) => p.fn.name === name || p.fn.logicalId === name));
    if (unknown.length > 0) {
      const known = policies.map((p) => p.fn.name).join(', ') || 'none';
      io.stderr(`lambda-lint: no function named ${unknown.join(', ')} (functions: ${known})\n`);
      return 2;
    }
    policies = policies.filter((p) => wanted.has(p.fn.name) || wanted.has(p.fn.logicalId));
  }
  const file = (abs: string) => toPosix(relative(cwd, abs)) || '.';
  io.stdout(opts.format === 'json' ? renderJson(policies, file) : renderYaml(policies, file));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Rendering: resources as the template writes them

const REF = /^\$\{([A-Za-z0-9]+)\}$/;
const GET_ATT = /^\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}$/;

/** A resource as YAML: `!Ref X`, `!GetAtt X.Arn`, `!Sub '...'`, or a quoted literal. */
export function yamlResource(text: string): string {
  const ref = REF.exec(text);
  if (ref) return `!Ref ${ref[1]}`;
  const att = GET_ATT.exec(text);
  if (att) return `!GetAtt ${att[1]}.${att[2]}`;
  const quoted = `'${text.replace(/'/g, "''")}'`;
  return text.includes('${') ? `!Sub ${quoted}` : quoted;
}

/** A resource as JSON: `{ "Ref": X }`, `{ "Fn::GetAtt": [X, "Arn"] }`, `{ "Fn::Sub": "..." }`, or a string. */
export function jsonResource(text: string): unknown {
  const ref = REF.exec(text);
  if (ref) return { Ref: ref[1] };
  const att = GET_ATT.exec(text);
  if (att) return { 'Fn::GetAtt': [att[1], att[2]] };
  return text.includes('${') ? { 'Fn::Sub': text } : text;
}

function header(p: FunctionPolicy, file: (abs: string) => string): string {
  return `${p.fn.name} (${file(p.fn.file)}:${p.fn.loc.line})`;
}

function alternativesNote(p: FunctionPolicy): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of p.alternatives) {
    const key = list.join(', ');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`# only one of ${key} is needed, depending on input only known at run time: keep the ones the code sends`);
  }
  return out;
}

function yamlStatements(statements: readonly PolicyStatement[]): string[] {
  const out: string[] = [];
  for (const s of statements) {
    out.push('- Effect: Allow', '  Action:', ...s.actions.map((a) => `    - ${a}`), '  Resource:');
    for (const r of s.resources) out.push(`    - ${yamlResource(r)}${r === '*' ? '  # not known from the code: scope it to what the function uses' : ''}`);
  }
  return out;
}

/** YAML statement lists, one document per function, ready to paste into `iamRoleStatements`, SAM `Policies: - Statement:` or a policy document. */
export function renderYaml(policies: readonly FunctionPolicy[], file: (abs: string) => string): string {
  if (policies.length === 0) return '# no function found\n';
  const docs = policies.map((p) => {
    const lines = [`# ${header(p, file)}`];
    if (!p.statements) lines.push('# handler code not found: nothing derived', '[]');
    else if (p.statements.length === 0) lines.push('# the code calls no AWS API: no statement needed beyond what the platform adds', '[]');
    else lines.push(...alternativesNote(p), ...yamlStatements(p.statements));
    return lines.join('\n');
  });
  return `${docs.join('\n---\n')}\n`;
}

/** `{ version, functions: [{ function, file, resource, policy: { Version, Statement } }] }`. */
export function renderJson(policies: readonly FunctionPolicy[], file: (abs: string) => string): string {
  const functions = policies.map((p) => ({
    function: p.fn.name,
    file: file(p.fn.file),
    line: p.fn.loc.line,
    resource: p.fn.constructPath ?? p.fn.logicalId,
    derived: p.statements !== undefined,
    policy: {
      Version: '2012-10-17',
      Statement: (p.statements ?? []).map((s) => ({ Effect: 'Allow', Action: s.actions, Resource: s.resources.map(jsonResource) })),
    },
    ...(p.alternatives.length ? { alternatives: p.alternatives } : {}),
  }));
  return `${JSON.stringify({ version: 1, functions }, null, 2)}\n`;
}
