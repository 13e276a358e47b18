// The ESLint front end's own behaviour: which configuration a file belongs to, editor buffers,
// the content-keyed cache, disable comments, options and the shipped configs.
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects, lint, nodeHost, toPosix } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import plugin, { analyseFile, clearCache, codeRules, sourceCacheStats } from 'eslint-plugin-lambda-lint';

/** Projects on disk (ESLint's cwd); keys are relative paths. */
const { project, write, removeAll } = diskProjects('lambda-lint-eslint-');
afterAll(removeAll);

type Rules = NonNullable<Linter.Config['rules']>;
const FLOATING_ONLY: Rules = { 'lambda-lint/floating-promise': 'error' };
const EVERY_RULE: Rules = plugin.configs.all.rules!;

function verify(cwd: string, file: string, code: string, rules: Rules = FLOATING_ONLY): Linter.LintMessage[] {
  const linter = new Linter({ cwd });
  const languageOptions = file.endsWith('.ts') ? { parser: tseslint.parser } : {};
  return linter.verify(code, [{ files: ['**/*.{js,mjs,cjs,ts}'], languageOptions, plugins: { 'lambda-lint': plugin }, rules }], {
    filename: `${cwd}/${file}`,
  });
}

/** The exposed rules whose findings land on the function's or role's configuration, never in code. */
const CONFIG_ONLY = ['no-custom-metrics', 'reserved-concurrency', 'vpc-without-need', 'iam-unused-permission', 'shared-iam-role'];

const brief = (messages: Linter.LintMessage[]) => messages.map((m) => `${m.ruleId} ${m.line}:${m.column}-${m.endLine}:${m.endColumn}`);

const SERVERLESS_SQS = `service: orders
provider:
  name: aws
  runtime: nodejs22.x
functions:
  publish:
    handler: src/publish.handler
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:123456789012:orders
`;

const FLOATING = `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const sns = new SNSClient({});

export const handler = async (event) => {
  sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: event.body }));
  return { statusCode: 202 };
};
`;
const AWAITED = FLOATING.replace('  sns.send(', '  await sns.send(');

const COUNTER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event) => {
  for (const record of event.Records) {
    await doc.send(new UpdateCommand({ TableName: 'stats', Key: { id: record.messageId }, UpdateExpression: 'ADD views :one', ExpressionAttributeValues: { ':one': 1 } }));
  }
};
`;

describe('editor buffers', () => {
  it('analyses the text ESLint holds, not the file on disk', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': AWAITED });
    expect(brief(verify(dir, 'src/publish.mjs', FLOATING))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
    write(dir, { 'src/publish.mjs': FLOATING });
    expect(verify(dir, 'src/publish.mjs', AWAITED)).toEqual([]);
  });

  it('counts a byte order mark the way the CLI does', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': '\uFEFF' + FLOATING });
    const cli = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings.filter((f) => f.ruleId === 'floating-promise');
    const eslint = verify(dir, 'src/publish.mjs', '\uFEFF' + FLOATING);
    expect(cli).toHaveLength(1);
    expect(eslint.map((m) => [m.line, m.column, m.endLine, m.endColumn])).toEqual(cli.map((f) => [f.loc.line, f.loc.column, f.loc.endLine, f.loc.endColumn]));
  });
});

describe('finding the configuration', () => {
  it('uses the nearest configuration that references the file, walking up from it', () => {
    const dir = project({ 'services/orders/serverless.yml': SERVERLESS_SQS, 'services/orders/src/publish.mjs': FLOATING });
    expect(brief(verify(dir, 'services/orders/src/publish.mjs', FLOATING))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });

  it('keeps walking up when the nearest configuration does not reference the file', () => {
    const dir = project({
      'serverless.yml': SERVERLESS_SQS.replace('src/publish.handler', 'jobs/src/publish.handler'),
      'jobs/template.yaml': 'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n',
    });
    expect(brief(verify(dir, 'jobs/src/publish.mjs', FLOATING))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });

  it('reports in modules a handler imports, as the CLI does', () => {
    const library = FLOATING.replace('export const handler = async (event) =>', 'export const publish = async (event) =>');
    const dir = project({
      'serverless.yml': SERVERLESS_SQS,
      'src/publish.mjs': "import { publish } from './lib/publish.mjs';\n\nexport const handler = async (event) => publish(event);\n",
      'src/lib/publish.mjs': library,
    });
    const cli = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings.filter((f) => f.ruleId === 'floating-promise');
    expect(cli.map((f) => f.loc.file)).toEqual([`${dir}/src/lib/publish.mjs`]);
    expect(brief(verify(dir, 'src/lib/publish.mjs', library))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });

  it('stays silent on a file no configuration references', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': AWAITED });
    expect(verify(dir, 'src/other.mjs', FLOATING, EVERY_RULE)).toEqual([]);
  });

  it('stays silent on a handler-looking file when the project has no configuration at all', () => {
    const dir = project({ 'package.json': '{ "name": "x" }' });
    expect(verify(dir, 'src/publish.mjs', FLOATING, EVERY_RULE)).toEqual([]);
  });

  it('never reads outside the project root (ESLint cwd): a file outside it gets no findings', () => {
    const dir = project({ 'app/serverless.yml': SERVERLESS_SQS, 'app/src/publish.mjs': FLOATING });
    const request = { file: `${dir}/app/src/publish.mjs`, text: FLOATING, rules: codeRules, config: {} };
    expect(analyseFile({ ...request, root: dir }).findings.map((f) => f.ruleId)).toContain('floating-promise');
    expect(analyseFile({ ...request, root: `${dir}/elsewhere` }).findings).toEqual([]);
  });

  it('ignores code blocks a processor extracts from another file', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS.replace('src/publish.handler', 'docs/publish.handler') });
    // Linter.verify lints `.js` blocks only; the block is the file's whole text, so only the guard keeps it silent.
    const blocks = { preprocess: (text: string) => [{ text, filename: 'block.js' }], postprocess: (messages: Linter.LintMessage[][]) => messages.flat() };
    const linter = new Linter({ cwd: dir });
    const messages = linter.verify(
      FLOATING,
      [
        { files: ['**/*.mjs'], processor: blocks },
        { files: ['**/*.js'], plugins: { 'lambda-lint': plugin }, rules: FLOATING_ONLY },
      ],
      { filename: `${dir}/docs/publish.mjs` },
    );
    expect(messages).toEqual([]);
    expect(brief(verify(dir, 'docs/publish.mjs', FLOATING))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });

  it('does not crash on a configuration that is being edited and does not parse', () => {
    const dir = project({ 'serverless.yml': 'service: orders\nfunctions:\n  publish: [\n', 'src/publish.mjs': FLOATING });
    expect(verify(dir, 'src/publish.mjs', FLOATING, EVERY_RULE)).toEqual([]);
  });
});

describe('content-keyed cache', () => {
  it('picks up configuration changes between runs of the same process', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': COUNTER });
    const idempotency = () => brief(verify(dir, 'src/publish.mjs', COUNTER, { 'lambda-lint/not-idempotent': 'warn' }));
    expect(idempotency()).toEqual(['lambda-lint/not-idempotent 8:20-8:170']);
    // The trigger becomes an HTTP route: no longer at-least-once delivery.
    write(dir, { 'serverless.yml': SERVERLESS_SQS.replace(/- sqs:\n.*\n/, '- httpApi: POST /stats\n') });
    expect(idempotency()).toEqual([]);
    write(dir, { 'serverless.yml': SERVERLESS_SQS });
    expect(idempotency()).toEqual(['lambda-lint/not-idempotent 8:20-8:170']);
  });

  it('re-analyses only the functions reaching an edited file, also after another code file was saved', () => {
    const dir = project({
      'serverless.yml': SERVERLESS_SQS + '  notify:\n    handler: src/notify.handler\n',
      'src/publish.mjs': AWAITED,
      'src/notify.mjs': AWAITED,
    });
    const request = (text: string) => ({ file: `${dir}/src/publish.mjs`, text, root: dir, rules: codeRules, config: {} });
    const ids = (result: ReturnType<typeof analyseFile>) => result.findings.map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);
    expect(analyseFile(request(AWAITED)).run).toBe('project');
    const edited = analyseFile(request(FLOATING));
    expect(edited.run).toBe('functions-reaching-file');
    expect(ids(edited)).toContain('floating-promise 6:3');
    // Another handler was saved: it does not import the file, so the same functions reach it.
    write(dir, { 'src/notify.mjs': FLOATING });
    const afterSave = analyseFile(request(FLOATING + '\n'));
    expect(afterSave.run).toBe('functions-reaching-file');
    expect(ids(afterSave)).toEqual(ids(edited));
    // A saved configuration file may change every function: the whole project runs.
    write(dir, { 'serverless.yml': SERVERLESS_SQS + '  notify:\n    handler: src/notify.handler\n    timeout: 10\n' });
    const afterConfigSave = analyseFile(request(FLOATING + '\n\n'));
    expect(afterConfigSave.run).toBe('project');
    expect(ids(afterConfigSave)).toEqual(ids(edited));
  });

  describe('an edit after other code files were saved', () => {
    const NOTIFY = `import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

const sns = new SNSClient({});

export async function notify(message) {
  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: message }));
}
`;
    const CALLS_NOTIFY = "import { notify } from './lib/notify.mjs';\n\nexport const handler = async (event) => {\n  await notify(event.body);\n};\n";
    const ALONE = 'export const handler = async (event) => {\n  return { statusCode: 204 };\n};\n';
    const TWO_FUNCTIONS = 'service: orders\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  first:\n    handler: src/a.handler\n  second:\n    handler: src/b.handler\n';
    const missing = codeRules.filter((r) => r.id === 'iam-missing-permission');

    /** The functions iam-missing-permission names for the SNS publish in the library (the part of the message before the colon). */
    function setup(files: Record<string, string> = {}) {
      clearCache();
      const dir = project({ 'serverless.yml': TWO_FUNCTIONS, 'src/a.mjs': CALLS_NOTIFY, 'src/b.mjs': ALONE, 'src/lib/notify.mjs': NOTIFY, ...files });
      const file = `${dir}/src/lib/notify.mjs`;
      const lintBuffer = (text: string) => {
        const result = analyseFile({ file, text, root: dir, rules: missing, config: {} });
        return { run: result.run, functions: result.findings.map((f) => f.message.split(':')[0]) };
      };
      /** What the CLI reports in the library with `text` on disk. */
      const cli = (text: string) => {
        write(dir, { 'src/lib/notify.mjs': text });
        const findings = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings;
        const functions = findings.filter((f) => f.loc.file === file && f.ruleId === 'iam-missing-permission').map((f) => f.message.split(':')[0]);
        write(dir, { 'src/lib/notify.mjs': NOTIFY });
        return functions;
      };
      return { dir, lintBuffer, cli };
    }

    it('a saved handler that now imports the linted file brings its function into the partial run, with the CLI findings', () => {
      const { dir, lintBuffer, cli } = setup();
      expect(lintBuffer(NOTIFY)).toEqual({ run: 'project', functions: ['first'] });
      const typing = `${NOTIFY}// typing\n`;
      expect(lintBuffer(typing)).toEqual({ run: 'functions-reaching-file', functions: ['first'] });
      // The second handler is saved with an import of the library: the library's closure grew, the run stays partial.
      write(dir, { 'src/b.mjs': CALLS_NOTIFY });
      expect(lintBuffer(`${typing}// more\n`)).toEqual({ run: 'functions-reaching-file', functions: ['first, second'] });
      expect(cli(`${typing}// more\n`)).toEqual(['first, second']);
      // Saved again without the import: the function no longer reaches the library.
      write(dir, { 'src/b.mjs': ALONE });
      expect(lintBuffer(`${typing}// again\n`)).toEqual({ run: 'functions-reaching-file', functions: ['first'] });
      expect(cli(`${typing}// again\n`)).toEqual(['first']);
    });

    it('a file no function reaches stays silent after a save without a whole-project run, until a saved handler imports it', () => {
      const { dir } = setup({ 'src/lib/unused.mjs': NOTIFY });
      const file = `${dir}/src/lib/unused.mjs`;
      const lintUnused = (text: string) => analyseFile({ file, text, root: dir, rules: missing, config: {} });
      expect(lintUnused(NOTIFY).findings).toEqual([]);
      write(dir, { 'src/a.mjs': `${CALLS_NOTIFY}// saved\n` });
      const hits = sourceCacheStats().hits;
      expect(lintUnused(`${NOTIFY}// typing\n`)).toEqual({ findings: [], internalErrors: [] });
      // Nothing was analysed (a whole-project run would have taken the four kept files).
      expect(sourceCacheStats().hits).toBe(hits);
      write(dir, { 'src/b.mjs': CALLS_NOTIFY.replace('./lib/notify.mjs', './lib/unused.mjs') });
      const reached = lintUnused(`${NOTIFY}// more typing\n`);
      expect([reached.run, ...reached.findings.map((f) => f.message.split(':')[0])]).toEqual(['functions-reaching-file', 'second']);
    });

    it('a saved module between a handler and the linted file is followed too (the closures holding it are computed again)', () => {
      const relay = (target: string) => `export { notify } from '${target}';\n`;
      const { dir, lintBuffer, cli } = setup({ 'src/b.mjs': "import { notify } from './relay.mjs';\n\nexport const handler = async (event) => {\n  await notify(event.body);\n};\n", 'src/relay.mjs': relay('./other.mjs'), 'src/other.mjs': 'export async function notify() {}\n' });
      expect(lintBuffer(NOTIFY).functions).toEqual(['first']);
      write(dir, { 'src/relay.mjs': relay('./lib/notify.mjs') });
      expect(lintBuffer(`${NOTIFY}// typing\n`)).toEqual({ run: 'functions-reaching-file', functions: ['first, second'] });
      expect(cli(`${NOTIFY}// typing\n`)).toEqual(['first, second']);
    });

    it('the whole project runs when a saved file may change more than imports: the configuration, a tsconfig.json, a file added', () => {
      const { dir, lintBuffer } = setup({ 'tsconfig.json': '{ "compilerOptions": { "strict": true } }\n' });
      expect(lintBuffer(NOTIFY).run).toBe('project');
      expect(lintBuffer(`${NOTIFY}// 1\n`).run).toBe('functions-reaching-file');
      // A third function whose handler is the second one's module.
      write(dir, { 'serverless.yml': `${TWO_FUNCTIONS}  third:\n    handler: src/a.handler\n` });
      expect(lintBuffer(`${NOTIFY}// 2\n`)).toEqual({ run: 'project', functions: ['first, third'] });
      expect(lintBuffer(`${NOTIFY}// 3\n`).run).toBe('functions-reaching-file');
      write(dir, { 'tsconfig.json': '{ "compilerOptions": { "strict": true, "baseUrl": "." } }\n' });
      expect(lintBuffer(`${NOTIFY}// 4\n`).run).toBe('project');
      expect(lintBuffer(`${NOTIFY}// 5\n`).run).toBe('functions-reaching-file');
      write(dir, { 'src/lib/extra.mjs': 'export const extra = 1;\n' });
      expect(lintBuffer(`${NOTIFY}// 6\n`).run).toBe('project');
    });
  });

  it('notices a configuration edit that keeps the file size (content, not size, decides)', () => {
    const config = (format: string) => SERVERLESS_SQS.replace('  runtime: nodejs22.x\n', `  runtime: nodejs22.x\n  logs:\n    lambda:\n      logFormat: ${format}\n`);
    const logging = "export const handler = async (event) => {\n  console.log(`order ${event.id}`);\n};\n";
    const dir = project({ 'serverless.yml': config('Text'), 'src/publish.mjs': logging });
    const structured = () => brief(verify(dir, 'src/publish.mjs', logging, { 'lambda-lint/structured-logging': 'warn' }));
    expect(structured()).toEqual(['lambda-lint/structured-logging 2:3-2:35']);
    write(dir, { 'serverless.yml': config('JSON') });
    expect(config('JSON').length).toBe(config('Text').length);
    expect(structured()).toEqual([]);
  });

  describe('state kept between runs (parsed files, parsed configuration)', () => {
    const PUBLISH = "import { notify } from './notify.mjs';\n\nexport const handler = async (event) => {\n  await notify(event.body);\n  return { statusCode: 202 };\n};\n";
    const NOTIFY_AWAITED = `import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const sns = new SNSClient({});

export async function notify(message) {
  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: message }));
}
`;
    const NOTIFY_FLOATING = NOTIFY_AWAITED.replace('  await sns.send(', '  sns.send(');
    const floatingPromise = codeRules.filter((r) => r.id === 'floating-promise');
    const requestFor = (dir: string, rel: string, text: string) => ({ file: `${dir}/${rel}`, text, root: dir, rules: floatingPromise, config: {} });
    const ids = (result: ReturnType<typeof analyseFile>) => result.findings.map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);

    it('an edit that adds a floating promise, then removes it, shows on the next run while the unchanged files stay parsed', () => {
      clearCache();
      const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': PUBLISH, 'src/notify.mjs': NOTIFY_AWAITED });
      const notify = (text: string) => analyseFile(requestFor(dir, 'src/notify.mjs', text));
      expect(ids(notify(NOTIFY_AWAITED))).toEqual([]);
      const parsed = sourceCacheStats();
      expect(parsed.files).toBe(2);
      const edited = notify(NOTIFY_FLOATING);
      expect(edited.run).toBe('functions-reaching-file');
      expect(ids(edited)).toEqual(['floating-promise 6:3']);
      // The handler module was not parsed again: only the edited buffer was.
      expect(sourceCacheStats().hits).toBe(parsed.hits + 1);
      const reverted = notify(NOTIFY_AWAITED + '\n');
      expect(reverted.run).toBe('functions-reaching-file');
      expect(ids(reverted)).toEqual([]);
      expect(sourceCacheStats().hits).toBe(parsed.hits + 2);
      // Many edits, more than the dropped versions a ts-morph project may hold: an edited buffer is parsed into a project of its
      // own, so the handler module's kept version is never dropped with them (each edit parses the buffer only), same results.
      for (let i = 0; i < 150; i++) {
        const floating = i % 2 === 0;
        const hits = sourceCacheStats().hits;
        expect(ids(notify(`${floating ? NOTIFY_FLOATING : NOTIFY_AWAITED}// edit ${i}\n`))).toEqual(floating ? ['floating-promise 6:3'] : []);
        expect(sourceCacheStats().hits, `edit ${i}`).toBe(hits + 1);
      }
      // The handler module, the library as on disk (the first run's buffer was the disk's text) and its last buffer.
      expect(sourceCacheStats()).toMatchObject({ files: 2, versions: 3 });
      // The CLI agrees with both states.
      write(dir, { 'src/notify.mjs': NOTIFY_FLOATING });
      const cli = lint({ host: nodeHost(), paths: [dir], root: dir, rules: floatingPromise, config: {} }).findings.filter((f) => f.loc.file === `${dir}/src/notify.mjs`);
      expect(cli.map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`)).toEqual(ids(edited));
    });

    it('keeps the disk version and the last buffer of a file: linting file after file parses only the edited buffers', () => {
      clearCache();
      const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': PUBLISH, 'src/notify.mjs': NOTIFY_AWAITED });
      const parsesOf = (rel: string, text: string) => {
        const before = sourceCacheStats().hits;
        const result = analyseFile(requestFor(dir, rel, text));
        expect(result.run).toBe('functions-reaching-file');
        // Both files are read by each of these runs: one parse, one kept version.
        return { findings: ids(result), parses: 2 - (sourceCacheStats().hits - before) };
      };
      expect(ids(analyseFile(requestFor(dir, 'src/notify.mjs', NOTIFY_AWAITED)))).toEqual([]);
      expect(parsesOf('src/notify.mjs', NOTIFY_FLOATING)).toEqual({ findings: ['floating-promise 6:3'], parses: 1 });
      // The handler reads the library from disk: kept, though the library's buffer was parsed since.
      expect(parsesOf('src/publish.mjs', `${PUBLISH}// typing\n`)).toEqual({ findings: [], parses: 1 });
      expect(parsesOf('src/notify.mjs', `${NOTIFY_FLOATING}// typing\n`)).toEqual({ findings: ['floating-promise 6:3'], parses: 1 });
      expect(parsesOf('src/publish.mjs', `${PUBLISH}// more typing\n`)).toEqual({ findings: [], parses: 1 });
      expect(sourceCacheStats()).toMatchObject({ files: 2, versions: 4 });
      // The library's buffer is saved: the disk version is now the buffer's (not parsed again), the old one is dropped.
      write(dir, { 'src/notify.mjs': `${NOTIFY_FLOATING}// typing\n` });
      expect(parsesOf('src/publish.mjs', `${PUBLISH}// even more typing\n`)).toEqual({ findings: [], parses: 1 });
      expect(sourceCacheStats()).toMatchObject({ files: 2, versions: 3 });
    });

    it('a kept handler file sees the new version of a module it imports (resolution is not kept, only syntax)', () => {
      clearCache();
      const calling = PUBLISH.replace('  await notify(', '  notify(');
      const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': calling, 'src/notify.mjs': NOTIFY_AWAITED });
      const publish = () => ids(analyseFile(requestFor(dir, 'src/publish.mjs', calling)));
      expect(publish()).toEqual(['floating-promise 4:3']);
      // notify() no longer returns a promise: the call in the unchanged (kept) handler is fine.
      write(dir, { 'src/notify.mjs': 'export function notify(message) {\n  console.log(message);\n}\n' });
      const before = sourceCacheStats().hits;
      expect(publish()).toEqual([]);
      expect(sourceCacheStats().hits).toBe(before + 1);
      write(dir, { 'src/notify.mjs': NOTIFY_AWAITED });
      expect(publish()).toEqual(['floating-promise 4:3']);
    });

    it('a changed serverless.yml invalidates the kept model, also between edits of a file', () => {
      clearCache();
      const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': COUNTER });
      const idempotency = (text: string) => analyseFile({ ...requestFor(dir, 'src/publish.mjs', text), rules: codeRules.filter((r) => r.id === 'not-idempotent') });
      expect(ids(idempotency(COUNTER))).toEqual(['not-idempotent 8:20']);
      expect(idempotency(COUNTER + '\n').run).toBe('functions-reaching-file');
      // Still an SQS trigger, but now with a new key: the kept parse of the old text must not be used.
      write(dir, { 'serverless.yml': SERVERLESS_SQS.replace(/- sqs:\n.*\n/, '- httpApi: POST /stats\n') });
      const afterConfigEdit = idempotency(COUNTER + '\n');
      expect(afterConfigEdit.run).toBe('project');
      expect(ids(afterConfigEdit)).toEqual([]);
      write(dir, { 'serverless.yml': SERVERLESS_SQS });
      expect(ids(idempotency(COUNTER + '\n\n'))).toEqual(['not-idempotent 8:20']);
    });
  });

  it('notices a new function that starts referencing the file', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS, 'src/publish.mjs': AWAITED });
    expect(verify(dir, 'src/notify.mjs', FLOATING)).toEqual([]);
    write(dir, { 'serverless.yml': SERVERLESS_SQS + '  notify:\n    handler: src/notify.handler\n' });
    expect(brief(verify(dir, 'src/notify.mjs', FLOATING))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });
});

describe('ESLint conventions', () => {
  it('honours eslint-disable-next-line lambda-lint/<id> and only for that rule', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS });
    const disabled = FLOATING.replace('  sns.send(', '  // eslint-disable-next-line lambda-lint/floating-promise -- fire-and-forget metric on purpose\n  sns.send(');
    expect(verify(dir, 'src/publish.mjs', disabled)).toEqual([]);
    const otherRule = FLOATING.replace('  sns.send(', '  // eslint-disable-next-line lambda-lint/fixed-tmp-path -- not this one\n  sns.send(');
    const messages = verify(dir, 'src/publish.mjs', otherRule);
    expect(brief(messages.filter((m) => m.ruleId !== null))).toEqual(['lambda-lint/floating-promise 7:3-7:89']);
    // ESLint itself reports the directive that suppressed nothing.
    expect(messages.filter((m) => m.ruleId === null).map((m) => m.message)).toEqual([
      "Unused eslint-disable directive (no problems were reported from 'lambda-lint/fixed-tmp-path').",
    ]);
  });

  it('honours lambda-lint-disable-next-line comments as the CLI does (same engine)', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS });
    const suppressed = FLOATING.replace('  sns.send(', '  // lambda-lint-disable-next-line floating-promise -- metrics are best effort\n  sns.send(');
    write(dir, { 'src/publish.mjs': suppressed });
    const cli = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings.filter((f) => f.ruleId === 'floating-promise');
    expect(cli).toEqual([]);
    expect(verify(dir, 'src/publish.mjs', suppressed)).toEqual([]);
  });

  it('reads the Serverless stage from settings["lambda-lint"].stage', () => {
    const dir = project({ 'serverless.yml': SERVERLESS_SQS.replace('src/publish.handler', "src/${opt:stage, 'dev'}.handler") });
    const linter = new Linter({ cwd: dir });
    const lintAs = (stage: string | undefined) =>
      linter.verify(FLOATING, [{ plugins: { 'lambda-lint': plugin }, rules: FLOATING_ONLY, ...(stage ? { settings: { 'lambda-lint': { stage } } } : {}) }], {
        filename: `${dir}/src/prod.mjs`,
      });
    expect(lintAs(undefined)).toEqual([]);
    expect(brief(lintAs('prod'))).toEqual(['lambda-lint/floating-promise 6:3-6:89']);
  });

  it('passes rule options through to the lambda-lint rule, and ESLint validates them', () => {
    const signer = `import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const s3 = new S3Client({});
const TYPES = { png: 'image/png' };

export const handler = async (event) => {
  const type = TYPES[event.extension];
  if (!type) return { statusCode: 415 };
  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k', ContentType: type }), { expiresIn: 1800 });
};
`;
    const dir = project({ 'serverless.yml': SERVERLESS_SQS.replace(/events:[\s\S]*/, 'events:\n      - httpApi: POST /uploads\n') });
    const id = 'lambda-lint/presigned-url-unrestricted';
    expect(verify(dir, 'src/publish.mjs', signer, { [id]: 'warn' })).toEqual([]);
    const strict = verify(dir, 'src/publish.mjs', signer, { [id]: ['warn', { maxExpiresInSeconds: 900 }] });
    expect(brief(strict)).toEqual([`${id} 10:108-10:112`]);
    expect(strict[0]!.message).toContain('1800');
    expect(() => verify(dir, 'src/publish.mjs', signer, { [id]: ['warn', { maxExpiresIn: 900 }] })).toThrow(/Unexpected property "maxExpiresIn"/);
  });

  it('ships `recommended` (default levels, advice off) and `all` (every rule, advice as warnings)', () => {
    const recommended = plugin.configs.recommended.rules!;
    const all = plugin.configs.all.rules!;
    expect(Object.keys(all).sort()).toEqual(codeRules.map((r) => `lambda-lint/${r.id}`).sort());
    expect(recommended['lambda-lint/floating-promise']).toBe('error');
    expect(recommended['lambda-lint/client-in-handler']).toBe('warn');
    expect(recommended['lambda-lint/reserved-concurrency']).toBeUndefined();
    expect(all['lambda-lint/reserved-concurrency']).toBe('warn');
    for (const rule of codeRules) {
      const level = rule.severity === 'error' ? 'error' : 'warn';
      expect(all[`lambda-lint/${rule.id}`], rule.id).toBe(level);
      expect(recommended[`lambda-lint/${rule.id}`], rule.id).toBe(rule.severity === 'info' || rule.experimental ? undefined : level);
    }
    expect(plugin.configs.recommended.plugins!['lambda-lint']).toBe(plugin);
  });
});

describe('rules that report on the configuration', () => {
  const projects = ['packages/eslint-plugin/fixtures/app', 'examples/brand-platform-demo'].map((p) => toPosix(fileURLToPath(new URL(`../${p}`, import.meta.url))));

  it('are findings of the CLI on configuration files only: nothing an editor can show in a handler file', () => {
    const findings = projects.flatMap((dir) => lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings);
    for (const id of CONFIG_ONLY) {
      const found = findings.filter((f) => f.ruleId === id);
      expect(found.length, id).toBeGreaterThan(0);
      for (const f of found) expect(f.loc.file, id).toMatch(/\.(ya?ml|json)$/);
    }
  });
});
