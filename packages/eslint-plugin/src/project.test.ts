// The state the plugin keeps between runs of one process (an editor's ESLint server): the
// application model read from unchanged configuration, and files read from disk.
import { readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, type BigIntStats } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { diskProjects, lint, nodeHost } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';
import { DiskCache, trusted, withDiskSignatures } from './host.js';
import { analyseFile, clearCache } from './project.js';
import { codeRules } from './rules.js';

const { project, write, removeAll } = diskProjects('lambda-lint-kept-');
afterAll(removeAll);

/** Dates a file back, as a file not touched for an hour (its disk signature is then trusted). */
function age(path: string, seconds = 3600): void {
  const then = new Date(Date.now() - seconds * 1000);
  utimesSync(path, then, then);
}

const notIdempotent = codeRules.filter((r) => r.id === 'not-idempotent');
const ids = (result: ReturnType<typeof analyseFile>) => result.findings.map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);

const SERVERLESS = `service: stats
provider:
  name: aws
  runtime: nodejs22.x
functions:
  count:
    handler: src/count.handler
    events:
      - sqs:
          arn: arn:aws:sqs:eu-west-1:123456789012:views
`;

const COUNTER = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event) => {
  for (const record of event.Records) {
    await doc.send(new UpdateCommand({ TableName: 'stats', Key: { id: record.messageId }, UpdateExpression: 'ADD views :one', ExpressionAttributeValues: { ':one': 1 } }));
  }
};
`;

/** What the CLI reports in `file` with `text` on disk. */
function cli(dir: string, rel: string, text: string): string[] {
  write(dir, { [rel]: text });
  const findings = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules }).findings;
  return findings.filter((f) => f.loc.file === `${dir}/${rel}` && f.ruleId === 'not-idempotent').map((f) => `${f.ruleId} ${f.loc.line}:${f.loc.column}`);
}

describe('the application model kept between runs', () => {
  it('an edit of a handler takes the model the whole-project run read, with the findings the CLI gives', () => {
    clearCache();
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/count.mjs': COUNTER });
    const request = (text: string) => ({ file: `${dir}/src/count.mjs`, text, root: dir, rules: notIdempotent, config: {} });
    const whole = analyseFile(request(COUNTER));
    expect(whole.run).toBe('project');
    expect(ids(whole)).toEqual(['not-idempotent 8:20']);
    // The write is now an idempotent put: nothing to report, and the model was not read again.
    const put = COUNTER.replace("UpdateCommand({ TableName: 'stats', Key: { id: record.messageId }, UpdateExpression: 'ADD views :one', ExpressionAttributeValues: { ':one': 1 } })", "UpdateCommand({ TableName: 'stats', Key: { id: record.messageId }, UpdateExpression: 'SET seen = :one', ExpressionAttributeValues: { ':one': 1 } })");
    const edited = analyseFile(request(put));
    expect([edited.run, edited.model]).toEqual(['functions-reaching-file', 'kept']);
    expect(ids(edited)).toEqual(cli(dir, 'src/count.mjs', put));
    expect(ids(edited)).toEqual([]);
    // Back to the counter in the buffer (the put is on disk now, where the CLI read it): only the file differs, the model is still the kept one.
    const again = analyseFile(request(`${COUNTER}\n`));
    expect([again.run, again.model]).toEqual(['functions-reaching-file', 'kept']);
    expect(ids(again)).toEqual(['not-idempotent 8:20']);
  });

  it('a configuration change is seen by the next run of an edited file, also when the buffer is the same as before', () => {
    clearCache();
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/count.mjs': COUNTER });
    const request = (text: string) => ({ file: `${dir}/src/count.mjs`, text, root: dir, rules: notIdempotent, config: {} });
    expect(analyseFile(request(COUNTER)).run).toBe('project');
    const edited = analyseFile(request(`${COUNTER}// typing\n`));
    expect([edited.run, edited.model, ...ids(edited)]).toEqual(['functions-reaching-file', 'kept', 'not-idempotent 8:20']);
    // The trigger becomes an HTTP route (same length of file: the content decides, not the size).
    write(dir, { 'serverless.yml': SERVERLESS.replace('      - sqs:\n          arn: arn:aws:sqs:eu-west-1:123456789012:views\n', '      - httpApi: POST /views/count\n') });
    const afterConfigEdit = analyseFile(request(`${COUNTER}// typing\n`));
    expect(afterConfigEdit.run).toBe('project');
    expect(ids(afterConfigEdit)).toEqual([]);
  });

  it('an edit of a module the configuration itself reads (a serverless.ts import) reads the model again', () => {
    clearCache();
    const events = (trigger: string) => `export const events = [${trigger}];\n\n${COUNTER}`;
    const sqs = "{ sqs: { arn: 'arn:aws:sqs:eu-west-1:123456789012:views' } }";
    const http = "{ httpApi: 'POST /views' }";
    const dir = project({
      'serverless.ts':
        "import { events } from './src/count';\n\nexport default {\n  service: 'stats',\n  provider: { name: 'aws', runtime: 'nodejs22.x' },\n  functions: { count: { handler: 'src/count.handler', events } },\n};\n",
      'src/count.ts': events(sqs),
    });
    const request = (text: string) => ({ file: `${dir}/src/count.ts`, text, root: dir, rules: notIdempotent, config: {} });
    expect(ids(analyseFile(request(events(sqs))))).toEqual(['not-idempotent 10:20']);
    // The buffer makes the trigger an HTTP route: the configuration read from it changes, so does the finding.
    const edited = analyseFile(request(events(http)));
    expect([edited.run, edited.model]).toEqual(['functions-reaching-file', 'read']);
    expect(ids(edited)).toEqual([]);
    expect(ids(edited)).toEqual(cli(dir, 'src/count.ts', events(http)));
  });
});

describe('which functions an edit re-analyses', () => {
  it('those importing the file through a tsconfig paths alias too (declared in a config the tsconfig extends)', () => {
    clearCache();
    const handler = (from: string) => `import { notify } from '${from}';\n\nexport const handler = async (event) => {\n  await notify(event.body);\n};\n`;
    const dir = project({
      'serverless.yml': 'service: orders\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  viaAlias:\n    handler: src/a.handler\n  viaPath:\n    handler: src/b.handler\n',
      'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }\n',
      'tsconfig.json': '{ "extends": "./tsconfig.base.json" }\n',
      'src/a.ts': handler('@lib/notify'),
      'src/b.ts': handler('./lib/notify'),
      'src/lib/notify.ts':
        "import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';\n\nconst sns = new SNSClient({});\n\nexport async function notify(message: string) {\n  await sns.send(new PublishCommand({ TopicArn: process.env.TOPIC_ARN, Message: message }));\n}\n",
    });
    const file = `${dir}/src/lib/notify.ts`;
    const missing = codeRules.filter((r) => r.id === 'iam-missing-permission');
    const messages = (text: string) => analyseFile({ file, text, root: dir, rules: missing, config: {} }).findings.map((f) => f.message.split(':')[0]);
    const cliMessages = lint({ host: nodeHost(), paths: [dir], root: dir, rules: allRules })
      .findings.filter((f) => f.loc.file === file && f.ruleId === 'iam-missing-permission')
      .map((f) => f.message.split(':')[0]);
    expect(cliMessages).toEqual(['viaAlias, viaPath']);
    const text = readFileSync(file, 'utf8');
    expect(messages(text)).toEqual(cliMessages);
    // The edit path: both functions reach the file, one through the alias the textual closure cannot follow.
    expect(analyseFile({ file, text: `${text}// typing\n`, root: dir, rules: missing, config: {} }).run).toBe('functions-reaching-file');
    expect(messages(`${text}// typing\n`)).toEqual(cliMessages);
  });
});

describe("the rules and configuration of a request (the plugin's shared ones are frozen, and what is derived from them kept)", () => {
  const settings = (ids: string[]) => ({ rules: codeRules.filter((r) => ids.includes(r.id)), config: { rules: Object.fromEntries(ids.map((id) => [id, 'warning' as const])) } });
  const frozen = (ids: string[]) => {
    const { rules, config } = settings(ids);
    return { rules: Object.freeze(rules), config: Object.freeze({ rules: Object.freeze(config.rules) }) };
  };

  it('a configuration object changed between calls is read as it is now (its runs are not kept by the object)', () => {
    clearCache();
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/count.mjs': COUNTER });
    const { rules, config } = settings(['not-idempotent']);
    const request = (text: string) => ({ file: `${dir}/src/count.mjs`, text, root: dir, rules, config });
    expect(ids(analyseFile(request(COUNTER)))).toEqual(['not-idempotent 8:20']);
    config.rules['not-idempotent'] = 'off' as 'warning';
    expect(ids(analyseFile(request(COUNTER)))).toEqual([]);
    expect(ids(analyseFile(request(`${COUNTER}// typing\n`)))).toEqual([]);
    config.rules['not-idempotent'] = 'warning';
    expect(ids(analyseFile(request(`${COUNTER}// typing\n`)))).toEqual(['not-idempotent 8:20']);
  });

  it('frozen settings give the findings of equal unfrozen ones, whole-project runs and edits (configuration-only rules left out), called again with the same objects', () => {
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/count.mjs': COUNTER });
    // reserved-concurrency and shared-iam-role report on the configuration only: left out of the edit runs.
    const chosen = ['not-idempotent', 'floating-promise', 'reserved-concurrency', 'shared-iam-role', 'iam-missing-permission'];
    const floating = COUNTER.replace('    await doc.send(', '    doc.send(');
    const texts = [COUNTER, `${COUNTER}// typing\n`, floating, `${floating}// more\n`, COUNTER];
    const session = (make: () => { rules: readonly (typeof codeRules)[number][]; config: { rules: Record<string, 'warning'> } }, sameObjects: boolean) => {
      clearCache();
      let current = make();
      return texts.map((text) => {
        if (!sameObjects) current = make();
        const result = analyseFile({ file: `${dir}/src/count.mjs`, text, root: dir, ...current });
        return [result.run, ...ids(result)];
      });
    };
    const expected = session(() => settings(chosen), false);
    expect(expected.map((r) => r[0])).toEqual(['project', 'functions-reaching-file', 'functions-reaching-file', 'functions-reaching-file', 'project']);
    expect(expected[2]).toContain('floating-promise 8:5');
    expect(session(() => frozen(chosen), true)).toEqual(expected);
    expect(session(() => frozen(chosen), false)).toEqual(expected);
  });

  it('one frozen configuration with other rules each time: the runs of those rules', () => {
    clearCache();
    const floating = COUNTER.replace('    await doc.send(', '    doc.send(');
    const dir = project({ 'serverless.yml': SERVERLESS, 'src/count.mjs': floating });
    // The rules it does not name run at their default level.
    const { config } = frozen(['reserved-concurrency']);
    const only = (ids: string[]) => Object.freeze(codeRules.filter((r) => ids.includes(r.id)));
    const run = (text: string, rules: readonly (typeof codeRules)[number][]) => ids(analyseFile({ file: `${dir}/src/count.mjs`, text, root: dir, rules, config }));
    const [idempotency, promises] = [only(['not-idempotent', 'reserved-concurrency']), only(['floating-promise', 'reserved-concurrency'])];
    expect(run(floating, idempotency)).toEqual(['not-idempotent 8:14']);
    expect(run(floating, promises)).toEqual(['floating-promise 8:5']);
    expect(run(`${floating}// typing\n`, idempotency)).toEqual(['not-idempotent 8:14']);
    expect(run(`${floating}// typing\n`, promises)).toEqual(['floating-promise 8:5']);
  });
});

describe('files kept from disk', () => {
  it('keeps a file by its disk signature and reads it again when the signature changes', () => {
    const dir = project({ 'a.txt': 'one' });
    const path = `${dir}/a.txt`;
    age(path);
    const cache = new DiskCache();
    const first = withDiskSignatures(nodeHost(), cache).readFile(path);
    expect(new TextDecoder().decode(first)).toBe('one');
    expect(cache.files.has(path)).toBe(true);
    // Another question of ESLint's: the same bytes, not read again.
    expect(withDiskSignatures(nodeHost(), cache).readFile(path)).toBe(first);
    write(dir, { 'a.txt': 'two' });
    age(path, 1800);
    expect(new TextDecoder().decode(withDiskSignatures(nodeHost(), cache).readFile(path))).toBe('two');
  });

  it('does not trust the signature of a file modified in the last moments (it may change again within the same timestamp)', () => {
    const dir = project({ 'a.txt': 'one' });
    const path = `${dir}/a.txt`;
    const cache = new DiskCache();
    const { mtime } = statSync(path);
    expect(new TextDecoder().decode(withDiskSignatures(nodeHost(), cache).readFile(path))).toBe('one');
    expect(cache.files.get(path)?.signature).toBeUndefined();
    // Same size, same inode, same modification time: only the content tells.
    writeFileSync(path, 'two');
    utimesSync(path, mtime, mtime);
    expect(new TextDecoder().decode(withDiskSignatures(nodeHost(), cache).readFile(path))).toBe('two');
  });

  it('trusts a signature a tenth of a second after the modification when the file system keeps sub-millisecond times, two seconds after otherwise', () => {
    const at = (msAgo: number, fine: boolean) => {
      const ms = 1_700_000_000_000 - msAgo;
      const ns = BigInt(ms) * 1_000_000n + (fine ? 123_456n : 0n);
      return { mtimeNs: ns, mtimeMs: ns / 1_000_000n } as unknown as BigIntStats;
    };
    const now = 1_700_000_000_000;
    expect([50, 99, 101, 500].map((ago) => trusted(at(ago, true), now))).toEqual([false, false, true, true]);
    // Whole milliseconds: maybe HFS+ (1 s) or FAT (2 s).
    expect([101, 1000, 1999, 2001].map((ago) => trusted(at(ago, false), now))).toEqual([false, false, false, true]);
  });

  it('a file read again while its signature is not trusted gives the same bytes object when its content is the same', () => {
    const dir = project({ 'a.ts': 'export const a = 1;\n' });
    const path = `${dir}/a.ts`;
    const cache = new DiskCache();
    const first = withDiskSignatures(nodeHost(), cache).readFile(path);
    expect(cache.files.get(path)?.signature).toBeUndefined();
    expect(withDiskSignatures(nodeHost(), cache).readFile(path)).toBe(first);
    write(dir, { 'a.ts': 'export const a = 2;\n' });
    const changed = withDiskSignatures(nodeHost(), cache).readFile(path);
    expect(changed).not.toBe(first);
    expect(new TextDecoder().decode(changed)).toBe('export const a = 2;\n');
  });

  it('reads a file whose signature is not trusted once per question, and again in the next question', () => {
    const dir = project({ 'a.ts': 'export const a = 1;\n' });
    const path = `${dir}/a.ts`;
    const reads: string[] = [];
    const disk = nodeHost();
    const counting = { ...disk, readFile: (p: string) => (reads.push(p), disk.readFile(p)) };
    const cache = new DiskCache();
    const question = withDiskSignatures(counting, cache);
    const first = question.readFile(path);
    expect(cache.files.get(path)?.signature).toBeUndefined();
    // Saved again within the question: the question's answer stands, as its stat does.
    write(dir, { 'a.ts': 'export const a = 2;\n' });
    expect(question.readFile(path)).toBe(first);
    expect(question.readSigned!(path).bytes).toBe(first);
    expect(reads).toEqual([path]);
    // The next question looks at the disk again and sees the save.
    expect(new TextDecoder().decode(withDiskSignatures(counting, cache).readFile(path))).toBe('export const a = 2;\n');
    expect(reads).toEqual([path, path]);
  });

  it('lists a folder again when an entry is added', () => {
    const dir = project({ 'a.txt': 'one' });
    age(dir);
    const cache = new DiskCache();
    const names = () => (withDiskSignatures(nodeHost(), cache).readDir(dir) ?? []).map((e) => e.name).sort();
    expect(names()).toEqual(['a.txt']);
    expect(cache.dirs.has(dir)).toBe(true);
    write(dir, { 'b.txt': 'two' });
    expect(names()).toEqual(['a.txt', 'b.txt']);
  });

  it('answers a path that is not a file without reading it', () => {
    const dir = project({ 'sub/a.txt': 'one' });
    const host = withDiskSignatures(nodeHost());
    expect(host.readFile(`${dir}/missing.ts`)).toBeUndefined();
    expect(host.readFile(`${dir}/sub`)).toBeUndefined();
    expect(host.kindOf(`${dir}/sub`)).toBe('dir');
    expect(host.kindOf(`${dir}/sub/a.txt`)).toBe('file');
    expect(host.kindOf(`${dir}/missing.ts`)).toBeUndefined();
  });

  describe('a missing file, answered by the kept listing of its folder while the folder is unchanged', () => {
    it('is found once it is made, whether the folder is modified recently or long ago', () => {
      const dir = project({ 'a.ts': 'export {};' });
      age(dir);
      const cache = new DiskCache();
      const read = () => withDiskSignatures(nodeHost(), cache).readFile(`${dir}/tsconfig.json`);
      expect(read()).toBeUndefined();
      // The folder was listed for the next probes there, and answers them while its signature stays.
      expect(cache.dirs.get(dir)?.entries?.map((e) => e.name)).toEqual(['a.ts']);
      expect(read()).toBeUndefined();
      write(dir, { 'tsconfig.json': '{}' });
      expect(new TextDecoder().decode(read())).toBe('{}');
      // Old again: its signature is trusted, and not the one the kept listing was read under.
      age(dir, 1800);
      expect(new TextDecoder().decode(read())).toBe('{}');
    });

    it('looks at a broken symbolic link (its target may appear elsewhere) and at a folder modified in the last moments', () => {
      const dir = project({ 'a.ts': 'export {};', 'target/keep.txt': '' });
      const cache = new DiskCache();
      const read = () => withDiskSignatures(nodeHost(), cache).readFile(`${dir}/tsconfig.json`);
      expect(read()).toBeUndefined();
      expect(cache.dirs.has(dir)).toBe(false);
      symlinkSync(`${dir}/target/tsconfig.json`, `${dir}/tsconfig.json`);
      age(dir);
      expect(read()).toBeUndefined();
      expect(cache.dirs.has(dir)).toBe(true);
      write(dir, { 'target/tsconfig.json': '{}' });
      expect(new TextDecoder().decode(read())).toBe('{}');
    });
  });
});
