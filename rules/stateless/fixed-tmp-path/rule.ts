import { defineRule } from '@lambda-lint/core';
import { codeOf, locOfNode, type ModuleMember } from '@lambda-lint/handler';
import { Node, SyntaxKind } from '@lambda-lint/handler/ts-morph';

const CALLS = [SyntaxKind.CallExpression];
import { posix } from 'node:path';
import { calleeMember, calleeMemberTs, forEachReachableWhere, mayNameAnyInReachableFiles } from '../../support/code-facts.js';

/** fs functions that read or write file contents, with the indexes of their path arguments. */
const FS_PATH_ARGS: Readonly<Record<string, readonly number[]>> = {
  readFile: [0],
  readFileSync: [0],
  writeFile: [0],
  writeFileSync: [0],
  appendFile: [0],
  appendFileSync: [0],
  createReadStream: [0],
  createWriteStream: [0],
  open: [0],
  openSync: [0],
  truncate: [0],
  truncateSync: [0],
  copyFile: [0, 1],
  copyFileSync: [0, 1],
  cp: [0, 1],
  cpSync: [0, 1],
  rename: [0, 1],
  renameSync: [0, 1],
};

/** fs-extra's additions that read or write file contents. */
const FS_EXTRA_PATH_ARGS: Readonly<Record<string, readonly number[]>> = {
  ...FS_PATH_ARGS,
  outputFile: [0],
  outputFileSync: [0],
  outputJson: [0],
  outputJsonSync: [0],
  outputJSON: [0],
  outputJSONSync: [0],
  writeJson: [0],
  writeJsonSync: [0],
  writeJSON: [0],
  writeJSONSync: [0],
  readJson: [0],
  readJsonSync: [0],
  readJSON: [0],
  readJSONSync: [0],
  copy: [0, 1],
  copySync: [0, 1],
  move: [0, 1],
  moveSync: [0, 1],
};
/** The names of both tables: a method call of another name is none of them. */
const FS_FUNCTION_NAMES: ReadonlySet<string> = new Set([...Object.keys(FS_PATH_ARGS), ...Object.keys(FS_EXTRA_PATH_ARGS)]);

/**
 * What the specifier of every module {@link fsPathArguments} knows has in it (`fs`, `node:fs`,
 * `fs/promises`, `graceful-fs`, `fs-extra`): a callee's module is named in the call's own file.
 */
export const FS_MODULE_WORDS: readonly string[] = ['fs'];

/** The path argument indexes of an fs call, or undefined when the callee is not a content read/write API. */
export function fsPathArguments(member: ModuleMember | undefined): readonly number[] | undefined {
  if (!member) return undefined;
  const { module, path } = member;
  let fn: string | undefined;
  let table = FS_PATH_ARGS;
  if (module === 'fs' || module === 'graceful-fs') {
    if (path.length === 1) fn = path[0];
    else if (path.length === 2 && path[0] === 'promises') fn = path[1];
  } else if (module === 'fs/promises') {
    if (path.length === 1) fn = path[0];
  } else if (module === 'fs-extra') {
    table = FS_EXTRA_PATH_ARGS;
    if (path.length === 1) fn = path[0];
    else if (path.length === 2 && path[0] === 'promises') fn = path[1];
  }
  return fn !== undefined && Object.prototype.hasOwnProperty.call(table, fn) ? table[fn] : undefined;
}

/** A constant path inside /tmp (not /tmp itself). */
export function fixedTmpPath(value: string | undefined): string | undefined {
  if (value === undefined || !value.startsWith('/')) return undefined;
  const p = posix.normalize(value);
  return p.startsWith('/tmp/') && p.length > '/tmp/'.length ? p : undefined;
}

function calleeText(node: Node): string {
  return node.getText().replace(/\s+/g, '');
}

export default defineRule({
  id: 'fixed-tmp-path',
  category: 'stateless',
  severity: 'error',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A constant /tmp path (no per-request unique part) passed to an fs read, write or stream API in code the handler runs.',
  messages: {
    fixedPath:
      '{{function}}: {{api}}() uses the fixed path "{{path}}". /tmp survives between invocations of a warm environment, so this request reads or overwrites what an earlier request left there: stale or leaked data, half-written files after a timeout, and a full disk as files pile up. Make the path unique per request, e.g. path.join(os.tmpdir(), `${context.awsRequestId}-{{base}}`) or randomUUID(), or create a directory with fs.mkdtemp(), and remove it in a finally block.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      // Functions that share a handler share its analysis; the engine drops the identical findings.
      const code = codeOf(binding);
      // Nearly no handler's files name an fs module: their calls need no look.
      if (!mayNameAnyInReachableFiles(code, FS_MODULE_WORDS)) continue;
      // The callee resolved on the compiler node: only fs path calls get wrappers.
      forEachReachableWhere(code, (n) => fsPathArguments(calleeMemberTs(code, n, FS_FUNCTION_NAMES)) !== undefined, (node, fn) => {
        if (!Node.isCallExpression(node)) return;
        const pathArgs = fsPathArguments(calleeMember(code, node, FS_FUNCTION_NAMES));
        if (!pathArgs) return;
        const callee = node.getExpression();
        const args = node.getArguments();
        for (const i of pathArgs) {
          const arg = args[i];
          if (!arg || Node.isSpreadElement(arg)) continue;
          const path = fixedTmpPath(code.evaluateString(arg));
          if (!path) continue;
          ctx.report({
            messageId: 'fixedPath',
            data: { function: code.functionName(fn), api: calleeText(callee), path, base: posix.basename(path) },
            loc: locOfNode(arg),
            fn: binding.fn,
          });
        }
        // Reported at an argument of the call visited: only the wanted file's calls need a look.
      }, CALLS, { onlyFile: ctx.findingsIn });
    }
  },
});
