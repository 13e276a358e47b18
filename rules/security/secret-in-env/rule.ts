import { defineRule, intrinsic, templateText, type EnvVar, type LambdaFunction, type Loc, type Value } from '@lambda-lint/core';

export interface SecretInEnvOptions {
  /** Name suffixes (compared upper-case, after `_`) that mark a reference to a secret, not a secret. Added to the defaults. */
  referenceSuffixes: string[];
}

/** Words that make a variable name secret-like; matched on the upper-snake form of the name. */
const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/;

/** Names ending like this hold a reference to a secret (its ARN, name, id, path or parameter), not the secret. */
export const DEFAULT_REFERENCE_SUFFIXES = [
  'ARN', 'NAME', 'ID', 'PATH', 'PARAM', 'PARAMETER',
  // Where a secret is kept or fetched from, and settings about it (TOKEN_TTL, PASSWORD_MIN_LENGTH): never the secret itself.
  'URL', 'URI', 'ENDPOINT', 'HOST', 'TABLE', 'BUCKET', 'QUEUE', 'TOPIC', 'REGION', 'HEADER',
  'TTL', 'EXPIRY', 'EXPIRATION', 'EXPIRES_IN', 'ISSUER', 'AUDIENCE', 'ALGORITHM', 'TYPE', 'VERSION', 'ENABLED',
  'LENGTH', 'SIZE', 'LIMIT', 'SECONDS', 'MINUTES', 'HOURS', 'DAYS',
];

/** Names starting like this are limits (`MAX_TOKENS`, `MIN_PASSWORD_LENGTH`), not secrets. */
const LIMIT_PREFIX = /^(?:MAX|MIN|NUM)_/;

/** Credentials recognisable by their shape, whatever the variable is called. `prefix` is public and may be shown. */
export const CREDENTIAL_PATTERNS: readonly { kind: string; re: RegExp; prefix: (m: string) => string }[] = [
  { kind: 'an AWS access key id', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, prefix: (m) => m.slice(0, 4) },
  { kind: 'a private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/, prefix: (m) => m },
  { kind: 'a Stripe live secret key', re: /\b[sr]k_live_[0-9A-Za-z]{16,}/, prefix: (m) => m.slice(0, 8) },
  { kind: 'a GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/, prefix: (m) => m.slice(0, m.indexOf('_') + 1) },
  { kind: 'a Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/, prefix: (m) => m.slice(0, 5) },
  { kind: 'a Slack webhook URL', re: /https:\/\/hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/, prefix: () => 'https://hooks.slack.com/services/' },
  { kind: 'a Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/, prefix: (m) => m.slice(0, 4) },
  { kind: 'an npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/, prefix: (m) => m.slice(0, 4) },
  { kind: 'a SendGrid API key', re: /\bSG\.[\w-]{22}\.[\w-]{43}\b/, prefix: (m) => m.slice(0, 3) },
  {
    // scheme://user:password@host, with a literal password (not a `${...}` or `{{resolve:...}}` placeholder).
    kind: 'a URL with an embedded password',
    re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:(?![^\s@]*(?:\$\{|\{\{))[^\s/@]+@/i,
    prefix: (m) => `${m.slice(0, m.indexOf('://') + 3)}<user>:`,
  },
];

/**
 * CloudFormation dynamic references that resolve to a secret, whatever the variable is called; the
 * secret may be named by a reference (`{{resolve:secretsmanager:${Secret}:SecretString:::}}`, as the
 * CDK writes `secret.secretValue`).
 */
const SECRET_DYNAMIC_REFERENCE = /\{\{resolve:(?:secretsmanager|ssm-secure):(?:\$\{[^}]*\}|[^}])*\}\}/;
/** Any dynamic reference: a value CloudFormation fills in at deploy time. */
const DYNAMIC_REFERENCE = /\{\{resolve:[a-z-]+:(?:\$\{[^}]*\}|[^}])*\}\}/;
/** Serverless variables whose value is looked up in the account at deploy time. */
const DEPLOY_LOOKUP = /\$\{(?:ssm|secretsmanager|vault|doppler|kms|s3|cf|param|terraform|output|stackOutput)(?:\([^)]*\))?:[^}]*\}/;
/** A serverless SSM lookup of a Secrets Manager secret: a secret whatever the variable is called. */
const SECRETS_MANAGER_LOOKUP = /\$\{(?:ssm(?:\([^)]*\))?:\/aws\/reference\/secretsmanager\/|secretsmanager:)[^}]*\}/;

/** `dbPassword` / `db-password` / `DB_PASSWORD` -> `DB_PASSWORD`. */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

export function isSecretLikeName(name: string, referenceSuffixes: readonly string[] = DEFAULT_REFERENCE_SUFFIXES): boolean {
  const n = upperSnake(name);
  if (!SECRET_NAME.test(n) || LIMIT_PREFIX.test(n)) return false;
  return !referenceSuffixes.some((s) => n.endsWith(`_${s.toUpperCase()}`));
}

export function findCredential(text: string): { kind: string; masked: string } | undefined {
  for (const p of CREDENTIAL_PATTERNS) {
    const m = p.re.exec(text);
    if (m) return { kind: p.kind, masked: `${p.prefix(m[0])}…` };
  }
  return undefined;
}

/** A literal shown without its content: only its length. */
export function maskLiteral(text: string): string {
  return `a literal of ${text.length} characters`;
}

/** Text that is a reference to where a secret is kept, not a secret: an ARN, an SSM parameter path. */
function isReferenceText(text: string): boolean {
  return /^arn:/i.test(text) || /^\/[A-Za-z0-9_.\-/]+$/.test(text);
}

type Classified =
  | { kind: 'literal'; text: string }
  | { kind: 'credential'; kindOf: string; masked: string }
  | { kind: 'deployTime'; reference: string }
  | undefined;

/** What one possible value of a variable holds. */
export function classify(name: string, v: Value, source: Value | undefined, referenceSuffixes: readonly string[]): Classified {
  // `!Ref` / `!GetAtt` / `!ImportValue`: a resource, a parameter or another stack's output, not written here.
  const written = intrinsic(source ?? v);
  if (written && ['Ref', 'Fn::GetAtt', 'Fn::ImportValue'].includes(written.fn)) return undefined;
  const secretLike = isSecretLikeName(name, referenceSuffixes);
  // The text: a literal, a `Fn::Sub` template or `Fn::Join` of literals (references as `${X}`), or a deploy-time value's source.
  let text: string | undefined;
  let literal = false;
  if (v.kind === 'scalar') {
    if (typeof v.value !== 'string') return undefined; // numbers, booleans, null: settings, not secrets
    text = v.value;
    literal = true;
  } else if (v.kind === 'unknown') {
    if (v.reason !== 'deploy-time') return undefined;
    text = v.text;
  } else {
    text = templateText(v);
    literal = text !== undefined && !text.includes('${');
  }
  if (text === undefined) return undefined;
  // A value the reader computed from an expression with references (`!Sub '${DbPassword}'` and a
  // parameter default): the secret is not written at this variable.
  if (source !== undefined && intrinsic(source)) {
    const template = templateText(source);
    if (template === undefined || template.includes('${')) literal = false;
  }
  const credential = findCredential(text);
  if (credential) return { kind: 'credential', kindOf: credential.kind, masked: credential.masked };
  const secretReference = SECRET_DYNAMIC_REFERENCE.exec(text) ?? SECRETS_MANAGER_LOOKUP.exec(text);
  if (secretReference) return { kind: 'deployTime', reference: secretReference[0] };
  const deployTime = DYNAMIC_REFERENCE.exec(text) ?? (v.kind === 'unknown' ? DEPLOY_LOOKUP.exec(text) : null);
  if (deployTime) return secretLike ? { kind: 'deployTime', reference: deployTime[0] } : undefined;
  if (!literal || !secretLike) return undefined;
  const trimmed = text.trim();
  // Empty, a boolean or a number written as a string: a setting, not a secret.
  if (trimmed === '' || /^(?:true|false)$/i.test(trimmed) || /^-?\d+(?:\.\d+)?$/.test(trimmed) || isReferenceText(trimmed)) return undefined;
  return { kind: 'literal', text: trimmed };
}

/** `DB_PASSWORD` -> `DB_PASSWORD_SECRET_ARN`, `dbPassword` -> `dbPasswordSecretArn`: the name of what to pass instead. */
function referenceName(name: string): string {
  return /^[A-Z0-9_]+$/.test(name) ? `${name}_SECRET_ARN` : `${name}SecretArn`;
}

function contains(outer: Loc, inner: Loc): boolean {
  if (outer.file !== inner.file) return false;
  const starts = inner.line > outer.line || (inner.line === outer.line && inner.column >= outer.column);
  const ends = inner.endLine < outer.endLine || (inner.endLine === outer.endLine && inner.endColumn <= outer.endColumn);
  return starts && ends;
}

/** Where a variable is written: the function itself, or the shared defaults it inherits. */
function ownerOf(fn: LambdaFunction, env: EnvVar): { owner: string; inherited: boolean } {
  // SAM: a variable merged from `Globals` is written outside the function's resource.
  const fromGlobals = fn.platform === 'sam' && env.nameLoc.file === fn.loc.file && !contains(fn.node.loc, env.nameLoc);
  const from = env.inheritedFrom ?? (fromGlobals ? 'globals' : undefined);
  if (from === 'provider') return { owner: 'provider.environment', inherited: true };
  if (from === 'globals') return { owner: 'Globals.Function.Environment', inherited: true };
  return { owner: `Function ${fn.name}`, inherited: false };
}

export default defineRule<SecretInEnvOptions>({
  id: 'secret-in-env',
  category: 'security',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Secrets in environment variables: a literal in a secret-like variable or a value shaped like a known credential (error), a secret-like variable filled at deploy time from SSM or Secrets Manager (warning).',
  messages: {
    literal:
      '{{owner}}: environment variable {{name}} holds {{masked}}, and its name says it is a secret. It is readable by anyone who can read the function configuration or the template, and it is in version control. Store it in Secrets Manager or SSM Parameter Store (SecureString), pass its name or ARN instead (e.g. {{reference}}) and fetch it at run time with a cached client (e.g. Powertools Parameters).',
    credential:
      '{{owner}}: environment variable {{name}} contains {{kind}} ({{masked}}). It is readable by anyone who can read the function configuration or the template, and it is in version control: rotate it now, store the new one in Secrets Manager and fetch it at run time.',
    deployTime:
      '{{owner}}: environment variable {{name}} is filled at deploy time from {{source}}, so the secret is stored in plaintext in the function configuration (visible to anyone with lambda:GetFunctionConfiguration and in the console), and a rotation only reaches the function with the next deployment. Pass the parameter or secret name instead (e.g. {{reference}}) and fetch it at run time with a cached client.',
  },
  defaultOptions: { referenceSuffixes: [] },
  check(ctx) {
    const suffixes = [...DEFAULT_REFERENCE_SUFFIXES, ...ctx.options.referenceSuffixes];
    // A provider / Globals variable is shared by every function: report it once, where it is written.
    const reported = new Set<string>();
    for (const fn of ctx.model.functions) {
      for (const env of fn.environment) {
        const { owner, inherited } = ownerOf(fn, env);
        const alternatives = env.alternatives ?? [env.value];
        for (const v of alternatives) {
          const found = classify(env.name, v, env.alternatives ? undefined : env.source, suffixes);
          if (!found) continue;
          const key = `${v.loc.file}:${v.loc.line}:${v.loc.column}:${env.name}`;
          if (reported.has(key)) continue;
          reported.add(key);
          const base = { owner, name: env.name, reference: referenceName(env.name) };
          const target = inherited ? {} : { fn };
          if (found.kind === 'literal') {
            ctx.report({ messageId: 'literal', data: { ...base, masked: maskLiteral(found.text) }, loc: v.loc, ...target });
          } else if (found.kind === 'credential') {
            ctx.report({ messageId: 'credential', data: { ...base, kind: found.kindOf, masked: found.masked }, loc: v.loc, ...target });
          } else {
            ctx.report({ messageId: 'deployTime', data: { ...base, source: found.reference }, loc: v.loc, severity: 'warning', ...target });
          }
        }
      }
    }
  },
});
