// lint({ findingsIn: F }) is the ESLint plugin's run after an edit of F. Rules are told the file
// (RuleContext.findingsIn) and skip the candidates they would report elsewhere; whatever they skip,
// the run must give exactly the findings of the whole run located in F: same ids, positions,
// messages, functions and related locations. Checked on every rule fixture project and the demo,
// for every code file of each (files that reach no finding included: they must stay empty).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { lint, memoryHost, nodeHost, toPosix, type LintOptions } from '@lambda-lint/linter';
import allRules from '@lambda-lint/rules';

const repo = toPosix(fileURLToPath(new URL('..', import.meta.url))).replace(/\/$/, '');
const CODE_FILE = /\.(?:[cm]?[jt]s)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', 'cdk.out', '.serverless', '.aws-sam']);

/** The code files of a project, relative paths in sorted order (build output and packages left out, as discovery does). */
function codeFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const path = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, path)).isDirectory()) {
      if (!SKIPPED_DIRS.has(name)) out.push(...codeFiles(dir, path));
    } else if (CODE_FILE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every fixture project of every rule: rules/<category>/<id>/fixtures/{valid,invalid}/<case>. */
function fixtureProjects(): string[] {
  const out: string[] = [];
  const dirsIn = (dir: string): string[] => {
    try {
      return readdirSync(dir)
        .filter((n) => statSync(join(dir, n)).isDirectory())
        .sort()
        .map((n) => `${dir}/${n}`);
    } catch {
      return [];
    }
  };
  for (const rule of allRules) {
    for (const kind of ['valid', 'invalid']) out.push(...dirsIn(`${repo}/rules/${rule.category}/${rule.id}/fixtures/${kind}`));
  }
  return out;
}

/**
 * Findings that rest on evidence in another file than their own, which a rule that skips the other
 * files' candidates must still read: a route switch in the handler and a heavy import in a helper;
 * a helper decoding Base64 whose caller checks the size; a helper's /tmp file removed in the
 * handler's finally (and another one not removed); `callbackWaitsForEmptyEventLoop = false` in the
 * handler with a promise left floating in a helper; posts to WebSocket connections in a helper, one
 * whose caller handles GoneException and one not; a per-request client, a POST, a console template
 * literal and calls the role does not allow in helpers reached from handlers in other files.
 */
const CROSS_FILE: Record<string, string> = {
  'serverless.yml': `service: cross-file
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 1024
  timeout: 10
functions:
  api:
    handler: src/api.handler
    events:
      - httpApi: 'GET /items'
  uploads:
    handler: src/uploads.handler
    events:
      - httpApi: 'POST /uploads'
  files:
    handler: src/files.handler
    events:
      - httpApi: 'POST /files'
  worker:
    handler: src/worker.handler
    events:
      - sqs: arn:aws:sqs:eu-west-1:123456789012:jobs
  legacy:
    handler: src/legacy.handler
    events:
      - httpApi: 'POST /legacy'
  ws:
    handler: src/ws.handler
    events:
      - websocket: $default
`,
  'src/api.ts': `import { render } from './render';
import { logged } from './log';
export const handler = async (event: { routeKey: string; body: string }) => {
  switch (event.routeKey) {
    case 'GET /health':
      return { statusCode: 200, body: logged(event.routeKey) };
    case 'POST /thumbnail':
      return { statusCode: 200, body: await render(event.body) };
    default:
      return { statusCode: 404 };
  }
};
`,
  'src/render.ts': `import sharp from 'sharp';
export async function render(body: string): Promise<string> {
  const out = await sharp(Buffer.from(body)).resize(10).toBuffer();
  return out.toString('hex');
}
`,
  'src/log.ts': `export function logged(route: string): string {
  console.log(\`serving \${route}\`);
  return route;
}
`,
  'src/uploads.ts': `import { decode } from './decode';
export const handler = async (event: { body: string }) => {
  if (event.body.length > 1_400_000) return { statusCode: 413 };
  return { statusCode: 200, body: String(decode(event.body).length) };
};
`,
  'src/decode.ts': `export const decode = (s: string) => Buffer.from(s, 'base64');
`,
  'src/files.ts': `import { rm } from 'node:fs/promises';
import { keep, save } from './save';
export const handler = async (event: { id: string }) => {
  try {
    await save(event);
    await keep(event);
  } finally {
    await rm(\`/tmp/\${event.id}.json\`, { force: true });
  }
  return { statusCode: 204 };
};
`,
  'src/save.ts': `import { writeFile } from 'node:fs/promises';
export async function save(event: { id: string }) {
  await writeFile(\`/tmp/\${event.id}.json\`, '{}');
}
export async function keep(event: { id: string }) {
  await writeFile(\`/tmp/\${event.id}.txt\`, 'x');
}
`,
  'src/worker.ts': `import { notify } from './notify';
export const handler = async (event: { Records: { body: string }[] }) => {
  for (const record of event.Records) await notify(record.body);
};
`,
  'src/notify.ts': `import { S3Client } from '@aws-sdk/client-s3';
export async function notify(body: string) {
  const client = new S3Client({});
  await fetch('https://hooks.example.com/jobs', { method: 'POST', body });
  return client;
}
`,
  'src/legacy.js': `const { publish } = require('./publish');
exports.handler = (event, context, callback) => {
  context.callbackWaitsForEmptyEventLoop = false;
  publish(event);
  callback(null, { ok: true });
};
`,
  'src/publish.js': `const AWS = require('aws-sdk');
const s3 = new AWS.S3();
exports.publish = (event) => {
  s3.putObject({ Bucket: 'b', Key: 'k', Body: JSON.stringify(event) }).promise();
};
`,
  'src/ws.ts': `import { DynamoDBClient, DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { post, shout } from './post';
const db = new DynamoDBClient({});
export const handler = async (event: { requestContext: { connectionId: string }; body: string }) => {
  const id = event.requestContext.connectionId;
  try {
    await post(id, event.body);
  } catch (err) {
    if ((err as { name?: string }).name === 'GoneException') {
      await db.send(new DeleteItemCommand({ TableName: 'connections', Key: { id: { S: id } } }));
      return { statusCode: 200 };
    }
    throw err;
  }
  await shout(id);
  return { statusCode: 200 };
};
`,
  'src/post.ts': `import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
const api = new ApiGatewayManagementApiClient({ endpoint: process.env.WS_ENDPOINT });
export async function post(id: string, body: string) {
  await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: body }));
}
export async function shout(id: string) {
  await api.send(new PostToConnectionCommand({ ConnectionId: id, Data: 'hi' }));
}
`,
};

const TODAY = new Date('2026-06-01T00:00:00Z');
const optionsFor = (root: string): LintOptions => ({ host: nodeHost({}), paths: [root], root, rules: allRules, today: TODAY });

/**
 * Compares, for each code file, the run restricted to it with the whole run's findings located in it;
 * returns the whole run's findings in those files (so a caller can tell the comparison is not vacuous).
 */
function checkRuns(options: LintOptions, files: readonly string[]): Finding[] {
  const whole = lint(options).findings;
  const inCode: Finding[] = [];
  for (const file of files) {
    const expected = whole.filter((f) => f.loc.file === file);
    inCode.push(...expected);
    const restricted = lint({ ...options, findingsIn: file }).findings;
    expect({ file, findings: restricted }).toEqual({ file, findings: expected });
  }
  return inCode;
}

function checkProject(root: string): Finding[] {
  return checkRuns(optionsFor(root), codeFiles(root).map((rel) => `${root}/${rel}`));
}

describe('lint({ findingsIn }) gives the whole run’s findings located in the file', () => {
  const projects = fixtureProjects();

  it('finds the fixture projects', () => {
    // Guard against a vacuous pass: the catalog's fixtures, many with handler code.
    expect(projects.length).toBeGreaterThan(300);
    expect(projects.filter((p) => codeFiles(p).length > 0).length).toBeGreaterThan(100);
  });

  for (const project of projects) {
    const name = project.slice(repo.length + 1);
    it(name, () => {
      checkProject(project);
    });
  }

  it('the demo, every code file', () => {
    const inCode = checkProject(`${repo}/examples/brand-platform-demo`);
    // The demo has handler findings in several code files: the comparison is not between empty lists.
    expect(inCode.length).toBeGreaterThan(5);
  });

  it('a project whose findings rest on evidence in other files', () => {
    const root = '/project';
    const options: LintOptions = { host: memoryHost(CROSS_FILE, root, {}), paths: [root], root, rules: allRules, today: TODAY };
    const code = Object.keys(CROSS_FILE).filter((f) => CODE_FILE.test(f));
    const inCode = checkRuns(options, code.map((f) => `${root}/${f}`));
    // The whole run's code findings, each resting on something another file holds (see CROSS_FILE).
    expect(inCode.map((f) => `${f.loc.file.slice(root.length + 1)}:${f.loc.line} ${f.ruleId} ${f.messageId}`).sort()).toEqual([
      'src/legacy.js:3 floating-promise noWaitPending',
      'src/log.ts:2 structured-logging interpolated',
      'src/notify.ts:3 client-in-handler sdkClient',
      'src/notify.ts:4 not-idempotent httpPost',
      'src/post.ts:4 iam-missing-permission missing',
      'src/post.ts:7 iam-missing-permission missing',
      'src/post.ts:7 websocket-gone-not-handled notHandled',
      'src/publish.js:4 floating-promise floating',
      'src/publish.js:4 iam-missing-permission missing',
      'src/render.ts:1 heavy-dependency-in-shared-function shared',
      'src/save.ts:6 tmp-file-not-cleaned notRemoved',
      'src/ws.ts:10 iam-missing-permission missing',
    ]);
  });

  it('the fixtures give code findings in files other than the handler module (helpers reached through imports)', () => {
    // What the restriction must get right: a finding in a helper file is reported by every handler
    // reaching it, and a finding in the handler module may rest on evidence in a helper.
    let helperFindings = 0;
    for (const project of projects) {
      const files = codeFiles(project);
      if (files.length < 2) continue;
      const result = lint(optionsFor(project));
      const handlerFiles = new Set(result.handlers.map((h) => h.file));
      helperFindings += result.findings.filter((f) => CODE_FILE.test(f.loc.file) && !handlerFiles.has(f.loc.file)).length;
    }
    expect(helperFindings).toBeGreaterThan(0);
  });
});
