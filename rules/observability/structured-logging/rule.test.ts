import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@lambda-lint/handler';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import rule, { mayCallConsole, onConsole } from './rule.js';

const ID = 'structured-logging';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n  logRetentionInDays: 30\nfunctions:\n  orders:\n    handler: src/orders.handler\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function app(handler: string, config = SERVERLESS, file = 'src/orders.ts'): Record<string, string> {
  return { 'serverless.yml': config, [file]: handler };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const pos = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'interpolated', line, column, endLine, endColumn);

const LOGGING = lines(
  'export const handler = async (event: { id: string; n: number }) => {', // 1
  '  console.log(`order ${event.id} received`);', // 2
  '  return event.n;', // 3
  '};',
);

describe(ID, () => {
  it('reports a template literal logged with console.log, at the call, related to the function key', async () => {
    const r = await lintFiles(app(LOGGING));
    expect(positions(r, ID)).toEqual([pos(2, 3, 2, 44)]);
    const own = r.findings.filter((f) => f.ruleId === ID);
    expect(own[0]!.message).toBe(
      "orders: console.log logs a message built with a template literal, and the function has no JSON log format, so the values end up inside one line of text. CloudWatch Logs Insights cannot filter or aggregate them by field (order id, status, duration), and finding one request during an incident means regex over every line. Log an object (`console.log({ message: '...', orderId })`) with `LogFormat: JSON` set on the function, or use a structured logger (Powertools Logger, pino).",
    );
    expect(own[0]).toMatchObject({ severity: 'warning', function: 'orders' });
    expect(own[0]!.related?.[0]?.loc).toMatchObject({ file: '/project/serverless.yml', line: 9, column: 3 });
  });

  it('reports concatenation, printf-style placeholders and util.format, in called helpers too', async () => {
    expect(
      await found({
        ...app(
          lines(
            "import { format } from 'node:util';", // 1
            "import { trace } from './trace.js';", // 2
            'export const handler = async (event: { id: string }) => {', // 3
            "  console.error('failed ' + event.id);", // 4
            "  console.warn('order %s late', event.id);", // 5
            "  console.info(format('order %s', event.id));", // 6
            "  console['debug']('x', `id=${event.id}`);", // 7
            '  trace(event.id);', // 8
            '};',
          ),
        ),
        'src/trace.ts': lines('export function trace(id: string) {', "  console.log('trace: ' + id);", '}'),
      }),
    ).toEqual([pos(4, 3, 4, 38), pos(5, 3, 5, 42), pos(6, 3, 6, 45), pos(7, 3, 7, 42), pos(2, 3, 2, 30)]);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a plain literal message', ['export const handler = async () => {', "  console.log('started');", '};']],
      ['an object', ['export const handler = async (e: { id: string }) => {', "  console.log({ message: 'started', id: e.id });", '};']],
      ['JSON.stringify of an object', ['export const handler = async (e: { id: string }) => {', "  console.log(JSON.stringify({ message: 'started', id: e.id }));", '};']],
      ['a template of constants only', ["const SERVICE = 'orders';", 'export const handler = async () => {', '  console.log(`${SERVICE} started`);', '};']],
      ['a message with a value passed as a separate argument (no placeholder)', ['export const handler = async (e: { id: string }) => {', "  console.log('started', { id: e.id });", '};']],
      ['arithmetic, not text', ['export const handler = async (e: { a: number; b: number }) => {', '  console.log(e.a + e.b);', '};']],
      ['a Powertools Logger', ["import { Logger } from '@aws-lambda-powertools/logger';", 'const logger = new Logger();', 'export const handler = async (e: { id: string }) => {', '  logger.info(`order ${e.id}`);', '};']],
      ['a local variable named console', ['export const handler = async (e: { id: string }) => {', '  const console = { log: (_m: string) => undefined };', '  console.log(`order ${e.id}`);', '};']],
      ['code the handler never runs', ['export function unused(id: string) { console.log(`order ${id}`); }', 'export const handler = async () => 1;']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(app(lines(...code)))).toEqual([]);
      });
    }

    it('a function with the JSON log format (provider, function, unknown)', async () => {
      const provider = SERVERLESS.replace('  logRetentionInDays: 30\n', '  logRetentionInDays: 30\n  logs:\n    lambda:\n      logFormat: JSON\n');
      expect(await found(app(LOGGING, provider))).toEqual([]);
      const own = `${SERVERLESS}    logs:\n      logFormat: JSON\n`;
      expect(await found(app(LOGGING, own))).toEqual([]);
      const unknown = `${SERVERLESS}    logs:\n      logFormat: \${ssm:/log/format}\n`;
      expect(await found(app(LOGGING, unknown))).toEqual([]);
      const text = `${SERVERLESS}    logs:\n      logFormat: Text\n`;
      expect(await found(app(LOGGING, text))).toEqual([pos(2, 3, 2, 44)]);
    });
  });

  it('reads LoggingConfig.LogFormat of CloudFormation and SAM (with Globals)', async () => {
    const cfn = (logging: string) =>
      lintFiles({
        'template.yaml': lines(
          "AWSTemplateFormatVersion: '2010-09-09'",
          'Resources:',
          '  Orders:',
          '    Type: AWS::Lambda::Function',
          '    Properties:',
          '      Runtime: nodejs22.x',
          '      Handler: src/index.handler',
          '      Code: ./',
          '      Role: arn:aws:iam::123456789012:role/orders',
          logging,
        ),
        'src/index.js': lines('exports.handler = async (e) => {', "  console.log('order ' + e.id);", '};'),
      });
    expect(positions(await cfn(''), ID)).toEqual([pos(2, 3, 2, 31)]);
    expect(positions(await cfn('      LoggingConfig:\n        LogFormat: JSON'), ID)).toEqual([]);
    const sam = (globals: string, own: string) =>
      lintFiles({
        'template.yaml': lines('Transform: AWS::Serverless-2016-10-31', globals, 'Resources:', '  Orders:', '    Type: AWS::Serverless::Function', '    Properties:', '      Runtime: nodejs22.x', '      CodeUri: src/', '      Handler: app.handler', own),
        'src/app.mjs': lines('export const handler = async (e) => {', '  console.log(`order ${e.id}`);', '};'),
      });
    expect(positions(await sam('', ''), ID)).toEqual([pos(2, 3, 2, 31)]);
    expect(positions(await sam('Globals:\n  Function:\n    LoggingConfig:\n      LogFormat: JSON', ''), ID)).toEqual([]);
    expect(positions(await sam('', '      LoggingConfig:\n        LogFormat: JSON'), ID)).toEqual([]);
  });

  it('reports a console written with escapes (the test of the text lets a Unicode escape through)', async () => {
    const escaped = LOGGING.replace('  console.log(', '  \\u0063onsole.log(');
    expect(escaped).toContain('\\u0063onsole.log(`order');
    expect(await found(app(escaped))).toEqual([pos(2, 3, 2, 49)]);
  });

  it('skips, from the text of its files, only handlers whose reachable code has no call on console', async () => {
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const dirs = ['valid', 'invalid'].flatMap((v) => ['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => here(`fixtures/${v}/${c}/`)));
    const results = [
      ...(await Promise.all(dirs.map((d) => lintDirectory(d)))),
      await lintDirectory(here('../../../examples/brand-platform-demo/')),
      await lintFiles(app(LOGGING)),
      await lintFiles(app(LOGGING.replace('  console.log(', '  \\u0063onsole.log('))),
      await lintFiles(app(lines('import { log } from "./log.js";', 'export const handler = async (e: { id: string }) => log(`order ${e.id}`);'), SERVERLESS, 'src/orders.ts')),
      await lintFiles({ ...app(lines("import { log } from './log.js';", 'export const handler = async (e: { id: string }) => log(`order ${e.id}`);')), 'src/log.ts': 'export const log = (m: string) => console.info(m);\n' }),
      await lintFiles(app(lines('export const handler = async (e: { id: string }) => ({ statusCode: 200, body: e.id });'))),
    ];
    let skipped = 0;
    let kept = 0;
    for (const r of results) {
      for (const binding of r.handlers) {
        const code = codeOf(binding);
        const consoleCalls = code.reachableNodes([SyntaxKind.CallExpression]).nodes.filter((n) => onConsole(n as ts.CallExpression));
        if (mayCallConsole(code)) kept++;
        else {
          expect(consoleCalls).toEqual([]);
          skipped++;
        }
        if (consoleCalls.length > 0) expect(mayCallConsole(code)).toBe(true);
      }
    }
    expect(skipped).toBeGreaterThan(2);
    expect(kept).toBeGreaterThan(5);
  });

  it('reports every way of building the text, and skips the rest, without a ts-morph wrapper of any file', async () => {
    const only = { rules: [rule] };
    const code = lines(
      "import util from 'node:util';", // 1
      "const AREA = 'eu';", // 2
      'export const handler = async (event: { id: string; n: number }) => {', // 3
      '  console.log(`order ${event.id}`);', // 4
      "  console['warn']('order ' + event.id);", // 5
      "  console.error('order %s', event.id);", // 6
      "  console.info(util.format('order %s', event.id));", // 7
      '  console.debug(`area ${AREA}`);', // 8
      '  console.log(event.n + 1);', // 9
      "  console.log({ message: 'order', id: event.id });", // 10
      '  return event.n;', // 11
      '};',
    );
    const r = await lintFiles(app(code), only);
    expect(positions(r, ID)).toEqual([pos(4, 3, 4, 35), pos(5, 3, 5, 39), pos(6, 3, 6, 38), pos(7, 3, 7, 50)]);
    const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
    const runs = [r, ...(await Promise.all(['cloudformation', 'sam', 'serverless-cjs', 'serverless-ts'].map((c) => lintDirectory(here(`fixtures/invalid/${c}/`), only))))];
    for (const run of runs) {
      expect(run.findings.some((f) => f.ruleId === ID)).toBe(true);
      for (const binding of run.handlers) expect(codeOf(binding).wrappedFiles()).toEqual([]);
    }
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
