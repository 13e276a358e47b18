import { defineRule, type LambdaFunction } from '@lambda-lint/core';
import { codeOf, locOfTsNode, skipOuterExpressions, type HandlerCode } from '@lambda-lint/handler';
import { SyntaxKind, type ts } from '@lambda-lint/handler/ts-morph';
import { forEachReachableTsWhere, mayNameInReachableFiles, wrapperText } from '../../support/code-facts.js';

/** The `console` methods that write a log line. */
const CONSOLE_METHODS = new Set(['log', 'info', 'warn', 'error', 'debug', 'trace']);

/** A printf-style placeholder of `console.log` / `util.format`. */
const FORMAT_PLACEHOLDER = /%[sdifjoOc]/;

/** Whether a call's callee is a member of something named `console`, read on the compiler node (most calls are not). */
export function onConsole(call: ts.CallExpression): boolean {
  const callee = skipOuterExpressions(call.expression);
  if (callee.kind !== SyntaxKind.PropertyAccessExpression && callee.kind !== SyntaxKind.ElementAccessExpression) return false;
  const receiver = skipOuterExpressions((callee as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression);
  return receiver.kind === SyntaxKind.Identifier && (receiver as ts.Identifier).text === 'console';
}

/**
 * Whether the handler's code can call a method of `console`: a file of reachable code names it (see
 * {@link mayNameInReachableFiles}). Most files log through a logger or not at all, and their calls need no test.
 */
export function mayCallConsole(code: HandlerCode): boolean {
  return mayNameInReachableFiles(code, 'console');
}

/*
 * Calls and arguments are read on compiler nodes: a finding needs the call's position only, and a
 * ts-morph wrapper of a node wraps its whole file. Names are read as the wrappers' `getText()` and
 * `getName()` give them (an identifier's escapes resolved).
 */

/** `console.log(...)` (also `console['log']`) on the global console, not a local variable named `console`. */
function consoleMethod(code: HandlerCode, call: ts.CallExpression): string | undefined {
  if (!onConsole(call)) return undefined;
  const callee = skipOuterExpressions(call.expression);
  let receiver: ts.Node;
  let name: string | undefined;
  if (callee.kind === SyntaxKind.PropertyAccessExpression) {
    receiver = skipOuterExpressions((callee as ts.PropertyAccessExpression).expression);
    name = wrapperText((callee as ts.PropertyAccessExpression).name);
  } else if (callee.kind === SyntaxKind.ElementAccessExpression) {
    receiver = skipOuterExpressions((callee as ts.ElementAccessExpression).expression);
    const a = (callee as ts.ElementAccessExpression).argumentExpression;
    name = a.kind === SyntaxKind.StringLiteral ? (a as ts.StringLiteral).text : undefined;
  } else return undefined;
  if (receiver.kind !== SyntaxKind.Identifier || wrapperText(receiver) !== 'console' || !name || !CONSOLE_METHODS.has(name)) return undefined;
  if (code.lexicalBinding(receiver as ts.Identifier)) return undefined;
  return name;
}

function isStringLike(kind: SyntaxKind): boolean {
  return kind === SyntaxKind.StringLiteral || kind === SyntaxKind.NoSubstitutionTemplateLiteral;
}

/** How an argument builds its text, when it is built from values rather than written as a constant. */
function stringBuilding(code: HandlerCode, arg: ts.Node, rest: number): 'template' | 'concatenation' | 'format' | undefined {
  const e = skipOuterExpressions(arg);
  if (e.kind === SyntaxKind.TemplateExpression) return code.evaluateString(e) === undefined ? 'template' : undefined;
  if (isConcatenation(e)) {
    if (code.evaluateString(e) !== undefined) return undefined;
    // `'a' + b` or `` `a` + b ``: a string built by concatenation (not `a + b` of two numbers).
    const operands: ts.Node[] = [];
    const collect = (n: ts.Node): void => {
      const u = skipOuterExpressions(n);
      if (isConcatenation(u)) {
        collect((u as ts.BinaryExpression).left);
        collect((u as ts.BinaryExpression).right);
      } else operands.push(u);
    };
    collect(e);
    return operands.some((o) => isStringLike(o.kind) || o.kind === SyntaxKind.TemplateExpression) ? 'concatenation' : undefined;
  }
  if (e.kind === SyntaxKind.CallExpression) {
    const m = code.moduleMemberOf((e as ts.CallExpression).expression);
    if (m && (m.module === 'util' || m.module === 'node:util') && m.path.length === 1 && m.path[0] === 'format') return 'format';
  }
  if (rest > 0 && isStringLike(e.kind) && FORMAT_PLACEHOLDER.test((e as ts.StringLiteralLike).text)) return 'format';
  return undefined;
}

/** `a + b`. */
function isConcatenation(n: ts.Node): boolean {
  return n.kind === SyntaxKind.BinaryExpression && (n as ts.BinaryExpression).operatorToken.kind === SyntaxKind.PlusToken;
}

const HOW: Record<'template' | 'concatenation' | 'format', string> = {
  template: 'a template literal',
  concatenation: 'string concatenation',
  format: 'printf-style formatting',
};

function isJson(fn: LambdaFunction): boolean | undefined {
  if (!fn.logFormat) return false;
  const v = fn.logFormat.value;
  return v === undefined ? undefined : v.toUpperCase() === 'JSON';
}

export default defineRule({
  id: 'structured-logging',
  category: 'observability',
  severity: 'warning',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function without the JSON log format whose handler code logs strings built from values (template literals, concatenation, printf-style `%s`) with `console.*` instead of objects or a structured logger: logs CloudWatch Logs Insights cannot query by field.',
  messages: {
    interpolated:
      '{{function}}: console.{{method}} logs a message built with {{how}}, and the function has no JSON log format, so the values end up inside one line of text. CloudWatch Logs Insights cannot filter or aggregate them by field (order id, status, duration), and finding one request during an incident means regex over every line. Log an object (`console.{{method}}({ message: \'...\', orderId })`) with `LogFormat: JSON` set on the function, or use a structured logger (Powertools Logger, pino).',
  },
  defaultOptions: {},
  check(ctx) {
    for (const binding of ctx.handlers) {
      const json = isJson(binding.fn);
      // JSON log format (or a format that cannot be known offline): not reported.
      if (json !== false) continue;
      const code = codeOf(binding);
      if (!mayCallConsole(code)) continue;
      forEachReachableTsWhere(code, (n) => onConsole(n as ts.CallExpression), (node) => {
        const call = node as ts.CallExpression;
        const method = consoleMethod(code, call);
        if (!method) return;
        const args = call.arguments;
        for (let i = 0; i < args.length; i++) {
          const how = stringBuilding(code, args[i]!, i === 0 ? args.length - 1 : 0);
          if (!how) continue;
          ctx.report({
            messageId: 'interpolated',
            data: { function: binding.fn.name, method, how: HOW[how] },
            loc: locOfTsNode(call),
            fn: binding.fn,
            related: [{ loc: binding.fn.loc, message: `${binding.fn.name}: set the JSON log format here` }],
          });
          return;
        }
        // Reported at the call visited: only the wanted file's calls need a look.
      }, [SyntaxKind.CallExpression], { onlyFile: ctx.findingsIn });
    }
  },
});
