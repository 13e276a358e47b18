import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding, Value } from '@lambda-lint/core';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { classify, DEFAULT_REFERENCE_SUFFIXES, findCredential, isSecretLikeName, upperSnake } from './rule.js';

const ID = 'secret-in-env';
const here = fileURLToPath(new URL('.', import.meta.url));
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';
const own = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID);
const loc = { file: '/project/template.yaml', line: 1, column: 1, endLine: 1, endColumn: 2 };
const scalar = (value: string | number | boolean): Value => ({ kind: 'scalar', value, loc });

describe('secret-in-env', () => {
  it('recognises secret-like names, in any casing, and not references to secrets or settings about them', () => {
    expect(upperSnake('dbPassword')).toBe('DB_PASSWORD');
    expect(
      ['DB_PASSWORD', 'dbPassword', 'STRIPE_SECRET', 'GITHUB_TOKEN', 'API_KEY', 'apiKey', 'X_APIKEY', 'JWT_PRIVATE_KEY', 'DB_PASSWD', 'SERVICE_CREDENTIALS', 'SECRET_TOKEN_PROD'].map((n) =>
        isSecretLikeName(n),
      ),
    ).toEqual([true, true, true, true, true, true, true, true, true, true, true]);
    expect(
      ['DB_PASSWORD_ARN', 'DB_SECRET_NAME', 'API_KEY_ID', 'TOKEN_PATH', 'DB_PASSWORD_PARAM', 'API_KEY_PARAMETER', 'TOKEN_URL', 'TOKEN_TTL', 'MAX_TOKENS', 'PASSWORD_MIN_LENGTH', 'TABLE_NAME', 'KEYWORDS'].map((n) =>
        isSecretLikeName(n),
      ),
    ).toEqual([false, false, false, false, false, false, false, false, false, false, false, false]);
    expect(isSecretLikeName('API_KEY_VAULT', [...DEFAULT_REFERENCE_SUFFIXES, 'VAULT'])).toBe(false);
  });

  it('recognises known credentials by their shape and shows only their public prefix', () => {
    const cases: [string, string][] = [
      ['AKIAIOSFODNN7EXAMPLE', 'AKIA…'],
      ['sk_live_FAKE00000000000000000000', 'sk_live_…'],
      ['ghp_0123456789abcdefghijklmnopqrstuvwxyz', 'ghp_…'],
      ['xoxb-1234567890-abcdefghij', 'xoxb-…'],
      ['-----BEGIN RSA PRIVATE KEY-----\nMIIEow...', '-----BEGIN RSA PRIVATE KEY-----…'],
      ['-----BEGIN PRIVATE KEY-----', '-----BEGIN PRIVATE KEY-----…'],
      ['postgres://brand:hunter22@db.example.com:5432/brand', 'postgres://<user>:…'],
    ];
    for (const [text, masked] of cases) expect(findCredential(text)?.masked, text).toBe(masked);
    for (const text of ['AKIA-not-a-key', 'sk_test_FAKE000000WDarjtT1zdp7dc', 'https://api.example.com/v1', 'postgres://brand:${DbPassword}@db/brand', 'postgres://brand@db/brand']) {
      expect(findCredential(text), text).toBeUndefined();
    }
  });

  it('classifies values: literals, deploy-time lookups, references and settings', () => {
    const s = DEFAULT_REFERENCE_SUFFIXES;
    expect(classify('DB_PASSWORD', scalar('hunter22'), undefined, s)).toEqual({ kind: 'literal', text: 'hunter22' });
    for (const v of ['', '  ', 'true', 'False', '4096', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:brand-db', '/brand/prod/db-password']) {
      expect(classify('DB_PASSWORD', scalar(v), undefined, s), v).toBeUndefined();
    }
    expect(classify('DB_PASSWORD', scalar(true), undefined, s)).toBeUndefined();
    expect(classify('API_TOKEN', scalar(123456), undefined, s)).toBeUndefined();
    expect(classify('DB_PASSWORD', { kind: 'unknown', reason: 'unresolved', text: '${env:DB_PASSWORD}', loc }, undefined, s)).toBeUndefined();
    expect(classify('DB_PASSWORD', { kind: 'unknown', reason: 'deploy-time', text: '${ssm:/brand/db-password}', loc }, undefined, s)).toEqual({
      kind: 'deployTime',
      reference: '${ssm:/brand/db-password}',
    });
    // A value the reader resolved from a `!Ref` (e.g. a parameter default) is a reference, not a literal written here.
    const ref: Value = { kind: 'map', entries: [{ key: 'Ref', keyLoc: loc, value: scalar('DbPassword') }], loc };
    expect(classify('DB_PASSWORD', scalar('hunter22'), ref, s)).toBeUndefined();
    const sub = (template: string): Value => ({ kind: 'map', entries: [{ key: 'Fn::Sub', keyLoc: loc, value: scalar(template) }], loc });
    expect(classify('DB_PASSWORD', scalar('hunter22'), sub('${DbPassword}'), s)).toBeUndefined();
    expect(classify('DB_PASSWORD', scalar('hunter22'), sub('hunter22'), s)).toEqual({ kind: 'literal', text: 'hunter22' });
    expect(classify('DB_PASSWORD', { kind: 'unknown', reason: 'deploy-time', text: '{{resolve:secretsmanager:brand/db:SecretString:password}}', loc }, undefined, s)).toEqual({
      kind: 'deployTime',
      reference: '{{resolve:secretsmanager:brand/db:SecretString:password}}',
    });
  });

  describe('serverless.yml', () => {
    // `provider` continues the provider block (from line 7); `fn` continues the function `ingest` (from line 10).
    const app = (provider: string, fn = '', extra = '') => ({
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
${provider}functions:
  ingest:
    handler: src/ingest.handler
${fn}  audit:
    handler: src/ingest.handler
${extra}`,
      'src/ingest.ts': handler,
    });

    it('reports a literal in a secret-like provider variable once, at its value, without printing it', async () => {
      const r = await lintFiles(
        app(`  environment:
    DB_PASSWORD: hunter22
    TABLE_NAME: brands
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'literal', 8, 18, 8, 26)]);
      const [finding] = own(r);
      expect(finding).toMatchObject({ severity: 'error' });
      expect(finding!.function).toBeUndefined();
      expect(finding!.message).toBe(
        'provider.environment: environment variable DB_PASSWORD holds a literal of 8 characters, and its name says it is a secret. It is readable by anyone who can read the function configuration or the template, and it is in version control. Store it in Secrets Manager or SSM Parameter Store (SecureString), pass its name or ARN instead (e.g. DB_PASSWORD_SECRET_ARN) and fetch it at run time with a cached client (e.g. Powertools Parameters).',
      );
      expect(finding!.message).not.toContain('hunter22');
    });

    it('reports a value shaped like a credential whatever the variable is called, at the function that has it', async () => {
      const r = await lintFiles(
        app(
          '',
          `    environment:
      AWS_ACCESS_KEY_ID: AKIAIOSFODNN7EXAMPLE
      PAYMENTS: sk_live_FAKE00000000000000000000
      DATABASE_URL: postgres://brand:hunter22@db.example.com/brand
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'credential', 11, 26, 11, 46), at(ID, 'credential', 12, 17, 12, 49), at(ID, 'credential', 13, 21, 13, 67)]);
      const findings = own(r);
      expect(findings.map((f) => f.function)).toEqual(['ingest', 'ingest', 'ingest']);
      expect(findings[0]!.message).toBe(
        'Function ingest: environment variable AWS_ACCESS_KEY_ID contains an AWS access key id (AKIA…). It is readable by anyone who can read the function configuration or the template, and it is in version control: rotate it now, store the new one in Secrets Manager and fetch it at run time.',
      );
      expect(findings.map((f) => f.message).join('\n')).not.toMatch(/IOSFODNN7|FAKE000000|hunter22/);
    });

    it('warns about secret-like variables filled from SSM at deploy time, and about Secrets Manager lookups of any name', async () => {
      const r = await lintFiles(
        app(`  environment:
    DB_PASSWORD: \${ssm:/brand/db-password}
    DB_CONFIG: \${ssm:/aws/reference/secretsmanager/brand/db}
    TABLE_NAME: \${ssm:/brand/table-name}
    DB_PASSWORD_PARAM: /brand/db-password
`),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'deployTime', 8, 18, 8, 43), at(ID, 'deployTime', 9, 16, 9, 61)]);
      const findings = own(r);
      expect(findings.map((f) => f.severity)).toEqual(['warning', 'warning']);
      expect(findings[0]!.message).toBe(
        'provider.environment: environment variable DB_PASSWORD is filled at deploy time from ${ssm:/brand/db-password}, so the secret is stored in plaintext in the function configuration (visible to anyone with lambda:GetFunctionConfiguration and in the console), and a rotation only reaches the function with the next deployment. Pass the parameter or secret name instead (e.g. DB_PASSWORD_SECRET_ARN) and fetch it at run time with a cached client.',
      );
    });

    it('follows ${self:} to a literal and stays silent on values it cannot know, references and settings', async () => {
      const r = await lintFiles(
        app(
          `  environment:
    API_KEY: \${self:custom.apiKey}
    STRIPE_SECRET: \${env:STRIPE_SECRET}
    DB_PASSWORD_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:123456789012:secret:brand-db
    SIGNING_SECRET: !Ref SigningSecret
    WEBHOOK_TOKEN: ''
    USE_TOKEN_AUTH: true
    TOKEN_TTL_SECONDS: 3600
    MAX_TOKENS: '4096'
`,
          '',
          `custom:
  apiKey: brand-api-key-2024
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'literal', 8, 14, 8, 35)]);
    });

    it('reports a function variable that overrides a provider one at the function, and the provider one once', async () => {
      const r = await lintFiles(
        app(
          `  environment:
    API_TOKEN: provider-token-1
`,
          `    environment:
      API_TOKEN: ingest-token-1
`,
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'literal', 8, 16, 8, 32), at(ID, 'literal', 13, 18, 13, 32)]);
      expect(own(r).map((f) => f.message.split(':')[0])).toEqual(['provider.environment', 'Function ingest']);
    });
  });

  describe('CloudFormation', () => {
    // `vars` are the function's Environment.Variables (from line 15); `resources` adds resources after it.
    const template = (vars: string, resources = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/ingest
      Code:
        ZipFile: exports.handler = async () => {}
      Environment:
        Variables:
${vars}${resources}`,
    });

    it('warns about secret dynamic references of any name, also inside !Sub and !Join, and reports literals', async () => {
      const r = await lintFiles(
        template(`          DB_PASSWORD: '{{resolve:secretsmanager:brand/db:SecretString:password}}'
          DB_CONNECTION: !Sub 'postgres://brand:{{resolve:ssm-secure:/brand/db-password}}@\${DbHost}/brand'
          API_KEY: !Join ['', ['{{resolve:ssm:/brand/', 'api-key}}']]
          SIGNING_SECRET: s3cr3t-v4lue
          FEATURE_FLAGS: '{{resolve:ssm:/brand/flags}}'
`),
      );
      expect(positions(r, ID)).toEqual([
        at(ID, 'deployTime', 15, 24, 15, 83),
        at(ID, 'deployTime', 16, 26, 16, 107),
        at(ID, 'deployTime', 17, 20, 17, 70),
        at(ID, 'literal', 18, 27, 18, 39),
      ]);
      const findings = own(r);
      expect(findings.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning', 'error']);
      expect(findings[1]!.message).toContain('DB_CONNECTION is filled at deploy time from {{resolve:ssm-secure:/brand/db-password}}');
      expect(findings[2]!.message).toContain('API_KEY is filled at deploy time from {{resolve:ssm:/brand/api-key}}');
    });

    it('is silent on !Ref, !GetAtt, !ImportValue, !Sub with references only, empty values and booleans', async () => {
      const r = await lintFiles(
        template(
          `          DB_PASSWORD: !Ref DbPassword
          API_KEY: !GetAtt ApiKey.Value
          SHARED_SECRET: !ImportValue shared-secret-arn
          DB_CONNECTION: !Sub 'postgres://brand:\${DbPassword}@db.example.com/brand'
          WEBHOOK_TOKEN: ''
          ROTATE_TOKENS: false
`,
          `Parameters:
  DbPassword:
    Type: String
    NoEcho: true
`,
        ),
      );
      expect(positions(r, ID)).toEqual([]);
    });

    it('reads JSON templates', async () => {
      const json = `{
  "Resources": {
    "Ingest": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "nodejs22.x",
        "Handler": "index.handler",
        "MemorySize": 256,
        "Timeout": 10,
        "Role": "arn:aws:iam::123456789012:role/ingest",
        "Code": { "ZipFile": "exports.handler = async () => {}" },
        "Environment": { "Variables": { "GITHUB_TOKEN": "ghp_0123456789abcdefghijklmnopqrstuvwxyz", "TABLE_NAME": "brands" } }
      }
    }
  }
}
`;
      const r = await lintFiles({ 'template.json': json });
      expect(positions(r, ID)).toEqual([at(ID, 'credential', 12, 57, 12, 99)]);
      expect(own(r)[0]!.message).toContain('GITHUB_TOKEN contains a GitHub token (ghp_…)');
    });
  });

  describe('SAM', () => {
    it('reports a Globals variable once, at Globals, and a function variable at the function', async () => {
      const r = await lintFiles({
        'template.yaml': `Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs22.x
    MemorySize: 256
    Timeout: 10
    Environment:
      Variables:
        SENTRY_AUTH_TOKEN: sntrys-0123456789
Resources:
  Ingest:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: ingest.handler
      Environment:
        Variables:
          DB_PASSWORD: '{{resolve:secretsmanager:brand/db:SecretString:password}}'
  Audit:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: ingest.handler
`,
        'src/ingest.ts': handler,
      });
      expect(positions(r, ID)).toEqual([at(ID, 'literal', 9, 28, 9, 45), at(ID, 'deployTime', 18, 24, 18, 83)]);
      const findings = own(r);
      expect(findings[0]!.message).toMatch(/^Globals\.Function\.Environment: environment variable SENTRY_AUTH_TOKEN holds a literal of 17 characters/);
      expect(findings[0]!.function).toBeUndefined();
      expect(findings[1]).toMatchObject({ function: 'Ingest', severity: 'warning' });
    });
  });

  describe('CDK synth output', () => {
    it('warns about secret.secretValue, a secretsmanager dynamic reference joined around the secret\'s Ref', async () => {
      const r = await lintDirectory(join(here, 'fixtures/invalid/cdk-secret-value'));
      expect(positions(r, ID)).toEqual([at(ID, 'deployTime', 48, 104, 48, 213)]);
      expect(own(r)[0]).toMatchObject({ function: 'BrandStack/GetBrand', severity: 'warning' });
      expect(own(r)[0]!.message).toContain('PARTNER_API_KEY is filled at deploy time from {{resolve:secretsmanager:${PartnerApiKeyB1D3F5A7}:SecretString:::}}');
    });
  });

  it('takes extra reference suffixes as an option', async () => {
    const files = {
      'serverless.yml': `service: brand
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
  environment:
    API_KEY_VAULT: brand/api-key
functions:
  ingest:
    handler: src/ingest.handler
`,
      'src/ingest.ts': handler,
    };
    expect(positions(await lintFiles(files), ID)).toEqual([at(ID, 'literal', 8, 20, 8, 33)]);
    expect(positions(await lintFiles(files, { config: { rules: { [ID]: ['error', { referenceSuffixes: ['VAULT'] }] } } }), ID)).toEqual([]);
  });

  fixtureTests(here, ID);
});
