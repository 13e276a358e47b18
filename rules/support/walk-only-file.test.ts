// The walks of reachable code with { onlyFile } (a rule's ctx.findingsIn): they must visit exactly the
// nodes a whole walk visits in that file, in the same order and with the same functions, and nothing
// for a file the handler's code never enters.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf, locOfTsNode, type HandlerCode } from '@lambda-lint/handler';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { lintDirectory } from '../test-support/harness.js';
import { forEachReachableTsWhere, forEachReachableWhere, inFileTest, isInFile, reachedFile, STATEMENT_AND_WRITE_KINDS } from './code-facts.js';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const KIND_SETS: readonly (readonly SyntaxKind[])[] = [[SyntaxKind.CallExpression], [SyntaxKind.NewExpression, SyntaxKind.CallExpression], STATEMENT_AND_WRITE_KINDS];

/** Every node of some kinds a walk visits (and its function), as positions: file, start, kind. */
function visited(code: HandlerCode, kinds: readonly SyntaxKind[], test: (n: ts.Node) => boolean, onlyFile?: string): string[] {
  const out: string[] = [];
  forEachReachableWhere(code, test, (node, fn) => out.push(`${node.getSourceFile().getFilePath()}:${node.getStart()}:${node.getKind()} in ${fn.getStart()}`), kinds, { onlyFile });
  return out;
}

function visitedTs(code: HandlerCode, kinds: readonly SyntaxKind[], test: (n: ts.Node) => boolean, onlyFile?: string): string[] {
  const out: string[] = [];
  forEachReachableTsWhere(code, test, (node, fn) => out.push(`${locOfTsNode(node).file}:${node.getStart()}:${node.kind} in ${fn.getStart()}`), kinds, { onlyFile });
  return out;
}

describe('walks restricted to one file', () => {
  it('visit the whole walk’s nodes of that file, in order, for every handler and reachable file of the demo and some fixtures', async () => {
    const dirs = ['../../examples/brand-platform-demo/', '../stateless/tmp-file-not-cleaned/fixtures/invalid/serverless-ts/', '../files/base64-upload-size/fixtures/invalid/serverless-ts/'];
    let compared = 0;
    let restricted = 0;
    for (const dir of dirs) {
      const result = await lintDirectory(here(dir));
      for (const binding of result.handlers) {
        const code = codeOf(binding);
        const files = code.fileNodes.map((f) => locOfTsNode(f).file);
        // Every node kept, and a test that keeps about half: the restriction must not depend on the test.
        const tests = [() => true, (n: ts.Node) => n.pos % 2 === 0];
        for (const kinds of KIND_SETS) {
          for (const test of tests) {
            const whole = visited(code, kinds, test);
            const wholeTs = visitedTs(code, kinds, test);
            for (const file of files) {
              const expected = whole.filter((v) => v.startsWith(`${file}:`));
              expect(visited(code, kinds, test, file)).toEqual(expected);
              expect(visitedTs(code, kinds, test, file)).toEqual(wholeTs.filter((v) => v.startsWith(`${file}:`)));
              compared++;
              if (expected.length < whole.length) restricted++;
            }
            // A file the code never enters: nothing visited, and no test made.
            let tested = 0;
            expect(visited(code, kinds, (n) => (tested++, test(n)), `${result.handlers[0]!.file}.elsewhere.ts`)).toEqual([]);
            expect(tested).toBe(0);
          }
        }
      }
    }
    // The comparisons are not vacuous: handlers reaching several files, and walks the restriction shortens.
    expect(compared).toBeGreaterThan(100);
    expect(restricted).toBeGreaterThan(10);
  });

  it('inFileTest, isInFile and reachedFile agree with the nodes’ positions', async () => {
    const result = await lintDirectory(here('../../examples/brand-platform-demo/'));
    for (const binding of result.handlers) {
      const code = codeOf(binding);
      const found = code.reachableNodes([SyntaxKind.CallExpression]);
      for (const sf of code.fileNodes) {
        const file = locOfTsNode(sf).file;
        expect(reachedFile(code, file)).toBe(sf);
        const inFile = inFileTest(code, found, file)!;
        found.nodes.forEach((n, i) => {
          const expected = locOfTsNode(n).file === file;
          expect(inFile(i)).toBe(expected);
          expect(isInFile(n, file)).toBe(expected);
        });
      }
      expect(inFileTest(code, found, '/nowhere/x.ts')).toBeUndefined();
      expect(found.nodes.every((n) => isInFile(n, undefined))).toBe(true);
    }
  });
});
