import { defineRule } from '@lambda-lint/core';
import { codeOf, forEachDescendantNode, locOfNode, walkDescendants, type HandlerCode, type ModuleMember } from '@lambda-lint/handler';
import { Node, SyntaxKind, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import { calleeMember, calleeMemberTs, forEachReachableWhere, isFunctionLike, textKey, unwrap } from '../../support/code-facts.js';

const FS_MODULES = new Set(['fs', 'fs/promises', 'graceful-fs', 'fs-extra']);

/** fs calls that create a file or directory, with the index of the created path. */
const CREATORS: Readonly<Record<string, number>> = {
  writeFile: 0,
  writeFileSync: 0,
  appendFile: 0,
  appendFileSync: 0,
  createWriteStream: 0,
  mkdtemp: 0,
  mkdtempSync: 0,
  mkdir: 0,
  mkdirSync: 0,
  copyFile: 1,
  copyFileSync: 1,
  cp: 1,
  cpSync: 1,
  // fs-extra
  outputFile: 0,
  outputFileSync: 0,
  outputJson: 0,
  outputJsonSync: 0,
  outputJSON: 0,
  outputJSONSync: 0,
  writeJson: 0,
  writeJsonSync: 0,
  writeJSON: 0,
  writeJSONSync: 0,
  ensureDir: 0,
  ensureDirSync: 0,
  mkdirp: 0,
  mkdirpSync: 0,
  mkdirs: 0,
  mkdirsSync: 0,
  ensureFile: 0,
  ensureFileSync: 0,
};
/** The names of {@link CREATORS}: a method call of another name is none of them. */
const CREATOR_NAMES: ReadonlySet<string> = new Set(Object.keys(CREATORS));

const DIR_CREATORS = new Set(['mkdtemp', 'mkdtempSync', 'mkdir', 'mkdirSync', 'ensureDir', 'ensureDirSync', 'mkdirp', 'mkdirpSync', 'mkdirs', 'mkdirsSync']);

const REMOVERS = new Set(['unlink', 'unlinkSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'remove', 'removeSync']);

function fsFunction(member: ModuleMember | undefined): string | undefined {
  if (!member || !FS_MODULES.has(member.module)) return undefined;
  const p = member.path;
  if (p.length === 1) return p[0];
  if (p.length === 2 && p[0] === 'promises') return p[1];
  return undefined;
}

function isMkdtemp(code: HandlerCode, node: Node): boolean {
  const e = unwrap(node);
  if (!Node.isCallExpression(e)) return false;
  const f = fsFunction(code.moduleMemberOf(e.getExpression()));
  return f === 'mkdtemp' || f === 'mkdtempSync';
}

/**
 * Whether a path is inside /tmp: 'const' for a constant path, 'unique' when a dynamic part makes it
 * per request (a request id, a UUID, a mkdtemp directory), undefined when it is not under /tmp.
 */
function tmpPath(code: HandlerCode, expr: Node, depth = 0): 'const' | 'unique' | undefined {
  if (depth > 8) return undefined;
  const value = code.evaluateString(expr);
  if (value !== undefined) return value === '/tmp' || value.startsWith('/tmp/') ? 'const' : undefined;
  const e = unwrap(expr);
  if (isMkdtemp(code, e)) {
    const arg = (e as CallExpression).getArguments()[0];
    return arg && tmpPath(code, arg, depth + 1) ? 'unique' : undefined;
  }
  if (Node.isTemplateExpression(e)) {
    const head = e.getHead().getLiteralText();
    if (head.startsWith('/tmp/')) return 'unique';
    const first = e.getTemplateSpans()[0];
    if (head === '' && first && tmpPath(code, first.getExpression(), depth + 1)) return 'unique';
    return undefined;
  }
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    return tmpPath(code, e.getLeft(), depth + 1) ? 'unique' : undefined;
  }
  if (Node.isCallExpression(e)) {
    const m = code.moduleMemberOf(e.getExpression());
    const fn = m && (m.module === 'path' || m.module === 'path/posix') ? m.path[m.path.length - 1] : undefined;
    const first = e.getArguments()[0];
    if ((fn === 'join' || fn === 'resolve') && first) return tmpPath(code, first, depth + 1) ? 'unique' : undefined;
    return undefined;
  }
  if (Node.isIdentifier(e)) {
    const b = code.resolveIdentifier(e);
    if (b && (b.kind === 'const' || b.kind === 'let') && b.initializer) return tmpPath(code, b.initializer, depth + 1);
  }
  return undefined;
}

/** The identities a path is known by: its variable, its text, and those of the directory it lies in. */
function identities(code: HandlerCode, expr: Node, depth = 0, out = new Set<string>()): Set<string> {
  if (depth > 8) return out;
  out.add(textKey(expr));
  const e = unwrap(expr);
  if (Node.isIdentifier(e)) {
    const b = code.resolveIdentifier(e);
    if (b && (b.kind === 'const' || b.kind === 'let') && b.initializer && !isMkdtemp(code, b.initializer)) identities(code, b.initializer, depth + 1, out);
  } else if (Node.isTemplateExpression(e)) {
    const first = e.getTemplateSpans()[0];
    if (e.getHead().getLiteralText() === '' && first) identities(code, first.getExpression(), depth + 1, out);
  } else if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    identities(code, e.getLeft(), depth + 1, out);
  } else if (Node.isCallExpression(e)) {
    const m = code.moduleMemberOf(e.getExpression());
    const fn = m && (m.module === 'path' || m.module === 'path/posix') ? m.path[m.path.length - 1] : undefined;
    const args = e.getArguments();
    if ((fn === 'join' || fn === 'resolve') && args[0]) {
      identities(code, args[0], depth + 1, out);
      // `join(dir, id, 'x')` lies in `join(dir, id)`
      const callee = textKey(e.getExpression());
      for (let k = 2; k < args.length; k++) out.add(`${callee}(${args.slice(0, k).map((a) => textKey(a)).join(',')})`);
    }
  }
  return out;
}

interface Creation {
  call: CallExpression;
  api: string;
  /** What the created path is known by (a mkdtemp directory: the variable it is stored in). */
  ids: Set<string>;
  /** The function that creates it. */
  fn: Node;
  /** The primary identity: the mkdtemp variable, or the path expression's text. */
  key: string | undefined;
}

/** The removal calls inside `node` (and, two levels deep, in local helpers it calls), with the identities of their paths. */
function removalsIn(code: HandlerCode, node: Node, args: Map<string, Set<string>> | undefined, depth = 0): Set<string>[] {
  const out: Set<string>[] = [];
  forEachDescendantNode(node, (d) => {
    if (!Node.isCallExpression(d)) return true;
    const f = fsFunction(code.moduleMemberOf(d.getExpression()));
    const target = d.getArguments()[0];
    if (f && REMOVERS.has(f) && target) {
      const ids = identities(code, target);
      // Inside a helper: map its parameters to the caller's arguments.
      if (args) for (const id of [...ids]) for (const a of args.get(id) ?? []) ids.add(a);
      out.push(ids);
      return true;
    }
    if (depth < 2) {
      const callee = unwrap(d.getExpression());
      if (Node.isIdentifier(callee) || Node.isPropertyAccessExpression(callee)) {
        for (const helper of code.functionsOf(callee)) {
          const body = helper.getBody();
          if (!body) continue;
          const map = new Map<string, Set<string>>();
          helper.getParameters().forEach((p, i) => {
            const a = d.getArguments()[i];
            if (a && Node.isIdentifier(p.getNameNode())) {
              const ids = identities(code, a);
              if (args) for (const id of [...ids]) for (const x of args.get(id) ?? []) ids.add(x);
              map.set(p.getName(), ids);
            }
          });
          out.push(...removalsIn(code, body, map, depth + 1));
        }
      }
    }
    return true;
  });
  return out;
}

export default defineRule({
  id: 'tmp-file-not-cleaned',
  category: 'stateless',
  severity: 'warning',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A per-request /tmp file or directory created in code the handler runs with no unlink/rm of it in a finally block (cleanup that runs on every path).',
  messages: {
    notRemoved:
      '{{function}}: {{api}}() creates a per-request {{kind}} in /tmp (`{{path}}`) and nothing removes it. /tmp (512 MB by default) lives as long as the execution environment, so every request leaves its files behind until the disk is full and later requests fail with ENOSPC; the files also stay readable by later requests. Remove it in a finally block: try { ... } finally { await rm({{path}}, { recursive: true, force: true }) }.',
    notInFinally:
      '{{function}}: {{api}}() creates a per-request {{kind}} in /tmp (`{{path}}`), but removes it only on the success path. When the work in between throws or times out, it stays in /tmp for the life of the execution environment, and failures pile up until the disk is full (ENOSPC). Move the removal into a finally block: try { ... } finally { await rm({{path}}, { recursive: true, force: true }) }.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      const creations: Creation[] = [];
      // The callee resolved on the compiler node: only fs creator calls get wrappers.
      forEachReachableWhere(code, (n) => fsFunction(calleeMemberTs(code, n, CREATOR_NAMES)) !== undefined, (node, fn) => {
        if (!Node.isCallExpression(node)) return;
        const api = fsFunction(calleeMember(code, node, CREATOR_NAMES));
        if (!api || !Object.prototype.hasOwnProperty.call(CREATORS, api)) return;
        const arg = node.getArguments()[CREATORS[api]!];
        if (!arg || Node.isSpreadElement(arg)) return;
        const isTemp = api === 'mkdtemp' || api === 'mkdtempSync';
        // A constant path is overwritten, not piled up; `fixed-tmp-path` reports it.
        const kind = tmpPath(code, arg);
        if (isTemp ? !kind : kind !== 'unique') return;
        let ids: Set<string>;
        if (isTemp) {
          // The directory is what the call returns: known by the variable that keeps it.
          let p: Node | undefined = node.getParent();
          while (p && (Node.isAwaitExpression(p) || Node.isParenthesizedExpression(p) || Node.isAsExpression(p))) p = p.getParent();
          ids = new Set<string>();
          if (p && Node.isVariableDeclaration(p) && Node.isIdentifier(p.getNameNode())) ids.add(p.getName());
        } else {
          ids = identities(code, arg);
        }
        // Returned to the caller, the path is the caller's to remove.
        if (returnsPath(fn, ids)) return;
        creations.push({ call: node, api, ids, fn, key: isTemp ? [...ids][0] : textKey(arg) });
        // Reported at the creating call, and the filter below compares creations of one function (one
        // file): only the wanted file's calls need a look. Removals are still looked for everywhere.
      }, [SyntaxKind.CallExpression], { onlyFile: ctx.findingsIn });

      // A file inside a directory the same function creates is covered by that directory's finding.
      const reported = creations.filter((c) => !creations.some((o) => o !== c && o.fn === c.fn && DIR_CREATORS.has(o.api) && o.key !== undefined && o.key !== c.key && c.ids.has(o.key)));
      for (const c of reported) {
        const inFinally: Set<string>[] = [];
        const elsewhere: Set<string>[] = [];
        forEachDescendantNode(c.fn, (d) => {
          if (isFunctionLike(d) && d !== c.fn) return false;
          if (Node.isTryStatement(d)) {
            const fin = d.getFinallyBlock();
            if (fin) inFinally.push(...removalsIn(code, fin, undefined));
          }
          return true;
        });
        if (inFinally.some((ids) => [...ids].some((id) => c.ids.has(id)))) continue;
        // `finally` blocks of the callers (a helper that writes, the handler that removes)
        if (removedInOtherFinally(code, c)) continue;
        elsewhere.push(...removalsIn(code, c.fn, undefined));
        const removedSomewhere = elsewhere.some((ids) => [...ids].some((id) => c.ids.has(id)));
        const pathText = (c.api.startsWith('mkdtemp') ? c.key : undefined) ?? c.call.getArguments()[CREATORS[c.api]!]!.getText().replace(/\s+/g, ' ');
        ctx.report({
          messageId: removedSomewhere ? 'notInFinally' : 'notRemoved',
          data: { function: code.functionName(c.fn), api: c.api, kind: DIR_CREATORS.has(c.api) ? 'directory' : 'file', path: pathText.length > 60 ? `${pathText.slice(0, 57)}...` : pathText },
          loc: locOfNode(c.call),
          fn: binding.fn,
        });
      }
    }
  },
});

/**
 * Whether a `finally` block of another reachable function (a caller, or a function holding the
 * creating one) removes the created path. The try statements are found on the compiler nodes of the
 * reachable code: only a `finally` block is wrapped, to read its removals.
 */
function removedInOtherFinally(code: HandlerCode, c: Creation): boolean {
  const own = c.fn.compilerNode;
  for (const f of code.reachableFunctionNodes) {
    if (f === own) continue;
    let covered = false;
    walkDescendants(f, (d) => {
      if (covered) return false;
      const fin = d.kind === SyntaxKind.TryStatement ? (d as ts.TryStatement).finallyBlock : undefined;
      if (fin && removalsIn(code, code.wrap(fin), undefined).some((ids) => [...ids].some((id) => c.ids.has(id)))) covered = true;
      return true;
    });
    if (covered) return true;
  }
  return false;
}

/** Whether a function returns the created path (`return file`, `return { file }`, `return [dir, file]`). */
function returnsPath(fn: Node, ids: Set<string>): boolean {
  const carries = (e: Node | undefined): boolean => {
    if (!e) return false;
    const u = unwrap(e);
    if (Node.isIdentifier(u)) return ids.has(u.getText());
    if (Node.isObjectLiteralExpression(u)) {
      return u.getProperties().some((p) => (Node.isShorthandPropertyAssignment(p) && ids.has(p.getName())) || (Node.isPropertyAssignment(p) && carries(p.getInitializer())));
    }
    if (Node.isArrayLiteralExpression(u)) return u.getElements().some((x) => carries(x));
    return false;
  };
  let found = false;
  forEachDescendantNode(fn, (d) => {
    if (found) return false;
    if (isFunctionLike(d) && d !== fn) return false;
    if (Node.isReturnStatement(d) && carries(d.getExpression())) found = true;
    return !found;
  });
  if (!found && Node.isArrowFunction(fn)) {
    const body = fn.getBody();
    if (!Node.isBlock(body) && carries(body)) found = true;
  }
  return found;
}
