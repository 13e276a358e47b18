import type { HandlerRef } from '@lambda-lint/core';
import { Node, Project, SyntaxKind, ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { HandlerAnalyzer, isOneTimeInit, keysTestedSet, keysTestedUnset, sdkFactsOf, type HandlerCode } from './index.js';

const ROOT = '/project';

function resolve(source: string): HandlerCode {
  const analyzer = new HandlerAnalyzer({ readFile: (p) => (p === `${ROOT}/src/ingest.ts` ? source : undefined) }, ROOT);
  const ref: HandlerRef = { modulePath: `${ROOT}/src/ingest`, exportName: 'handler', loc: { file: `${ROOT}/serverless.yml`, line: 1, column: 1, endLine: 1, endColumn: 1 } };
  const r = analyzer.resolve(ref);
  if (!r.ok) throw new Error(r.message);
  return r.code;
}

/** The condition of `if (<text>) {}`, keyed by identifier text. */
function condition(text: string): Node {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('c.ts', `if (${text}) {}`);
  const st = file.getStatements()[0]!;
  if (!Node.isIfStatement(st)) throw new Error('not an if statement');
  return st.getExpression();
}
const byName = (n: Node): string | undefined => (Node.isIdentifier(n) || Node.isPropertyAccessExpression(n) ? n.getText() : undefined);

describe('keysTestedUnset / keysTestedSet', () => {
  it('reads which references a condition requires unset or set, through && and ||, with the caller’s keys', () => {
    expect([...keysTestedUnset(condition("!a || b == null || undefined === c.d || typeof e === 'undefined'"), byName)]).toEqual(['a', 'b', 'c.d', 'e']);
    expect([...keysTestedUnset(condition('!a && f(b)'), byName)]).toEqual(['a']);
    expect([...keysTestedSet(condition("a && !!b && c !== undefined && null != d && typeof e !== 'undefined'"), byName)]).toEqual(['a', 'b', 'c', 'd', 'e']);
    // `||` does not require either side to be set.
    expect([...keysTestedSet(condition('a || b'), byName)]).toEqual([]);
    // Only what the key function tracks.
    expect([...keysTestedSet(condition('a && b'), (n) => (n.getText() === 'b' ? 'B' : undefined))]).toEqual(['B']);
  });
});

describe('isOneTimeInit with typeof guards', () => {
  it("counts `if (typeof x !== 'undefined') return x; x = ...` as one-time initialisation", () => {
    const code = resolve(
      [
        "import { S3Client } from '@aws-sdk/client-s3';", // 1
        'let s3: S3Client | undefined;', // 2
        "function client() { if (typeof s3 !== 'undefined') return s3; s3 = new S3Client({}); return s3; }", // 3
        'export const handler = async () => {', // 4
        '  const fresh = new S3Client({});', // 5
        '  return [client(), fresh];', // 6
        '};',
      ].join('\n'),
    );
    const clients = sdkFactsOf(code).clients;
    expect(clients.map((c) => [c.node.getStartLineNumber(), isOneTimeInit(code, c.node)])).toEqual([
      [3, true],
      [5, false],
    ]);
  });
});

describe('isOneTimeInit through the call sites of a function', () => {
  /** Whether ts-morph has a wrapper of a compiler node (in the project the handler module was wrapped in). */
  function hasWrapper(code: HandlerCode, node: ts.Node): boolean {
    const factory = (code.sourceFile as unknown as { _context: { compilerFactory: { hasCompilerNode(n: ts.Node): boolean } } })._context.compilerFactory;
    return factory.hasCompilerNode(node);
  }

  it('follows the sites of the asked function (module scope, lazy, per request, factory state) and wraps no other call', () => {
    const code = resolve(
      [
        "import { S3Client } from '@aws-sdk/client-s3';", // 1
        "import { SQSClient } from '@aws-sdk/client-sqs';", // 2
        "import { SNSClient } from '@aws-sdk/client-sns';", // 3
        "import { SESClient } from '@aws-sdk/client-ses';", // 4
        'function makeS3() { return new S3Client({}); }', // 5
        'function makeSqs() { return new SQSClient({}); }', // 6
        'function makeSns() { return new SNSClient({}); }', // 7
        'function memo(f: () => unknown) { let v: unknown; return () => (v ??= f()); }', // 8
        'const s3 = makeS3();', // 9
        'let sqs: SQSClient | undefined;', // 10
        'const ses = memo(() => new SESClient({}));', // 11
        '', // 12
        'function unrelated(x: number) { return Math.max(x, 1); }', // 13
        'export const handler = async () => {', // 14
        '  sqs ??= makeSqs();', // 15
        '  const sns = makeSns();', // 16
        '  unrelated(1); unrelated(2); console.log(String(3));', // 17
        '  return [s3, sqs, sns, ses()];', // 18
        '};',
      ].join('\n'),
    );
    const file = code.fileNodes[0]!;
    const constructions: ts.Node[] = [];
    const unrelatedCalls: ts.Node[] = [];
    const visit = (n: ts.Node): void => {
      if (n.kind === SyntaxKind.NewExpression) constructions.push(n);
      if (n.kind === SyntaxKind.CallExpression && /^(unrelated|console\.log|String|Math\.max)\(/.test(n.getText())) unrelatedCalls.push(n);
      n.forEachChild(visit);
    };
    file.forEachChild(visit);
    // Built in a function called at module scope, lazily (`??=`), per request, in a memoised closure.
    expect(constructions.map((n) => [n.getText(), isOneTimeInit(code, code.wrap(n))])).toEqual([
      ['new S3Client({})', true],
      ['new SQSClient({})', true],
      ['new SNSClient({})', false],
      ['new SESClient({})', true],
    ]);
    // The calls of unrelated functions were listed as sites on their compiler nodes, never wrapped.
    expect(unrelatedCalls).toHaveLength(5);
    expect(unrelatedCalls.filter((n) => hasWrapper(code, n))).toEqual([]);
  });
});
