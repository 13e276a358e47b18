import type { HandlerRef } from '@lambda-lint/core';
import { Node, Project } from 'ts-morph';
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
