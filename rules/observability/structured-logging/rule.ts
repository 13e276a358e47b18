import { defineRule, type LambdaFunction } from '@lambda-lint/core';
import { codeOf, locOfNode, skipOuterExpressions, unwrapExpression as unwrap, type HandlerCode } from '@lambda-lint/handler';
import { Node, SyntaxKind, type CallExpression, type ts } from '@lambda-lint/handler/ts-morph';
import { forEachReachableWhere, mayNameInReachableFiles } from '../../support/code-facts.js';

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

/** `console.log(...)` (also `console['log']`) on the global console, not a local variable named `console`. */
function consoleMethod(code: HandlerCode, call: CallExpression): string | undefined {
  if (!onConsole(call.compilerNode)) return undefined;
  const callee = unwrap(call.getExpression());
  let receiver: Node;
  let name: string | undefined;
  if (Node.isPropertyAccessExpression(callee)) {
    receiver = unwrap(callee.getExpression());
    name = callee.getName();
  } else if (Node.isElementAccessExpression(callee)) {
    receiver = unwrap(callee.getExpression());
    const a = callee.getArgumentExpression();
    name = a && Node.isStringLiteral(a) ? a.getLiteralValue() : undefined;
  } else return undefined;
  if (!Node.isIdentifier(receiver) || receiver.getText() !== 'console' || !name || !CONSOLE_METHODS.has(name)) return undefined;
  if (code.resolveIdentifier(receiver)) return undefined;
  return name;
}

/** How an argument builds its text, when it is built from values rather than written as a constant. */
function stringBuilding(code: HandlerCode, arg: Node, rest: number): 'template' | 'concatenation' | 'format' | undefined {
  const e = unwrap(arg);
  if (Node.isTemplateExpression(e)) return code.evaluateString(e) === undefined ? 'template' : undefined;
  if (Node.isBinaryExpression(e) && e.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    if (code.evaluateString(e) !== undefined) return undefined;
    // `'a' + b` or `` `a` + b ``: a string built by concatenation (not `a + b` of two numbers).
    const operands: Node[] = [];
    const collect = (n: Node): void => {
      const u = unwrap(n);
      if (Node.isBinaryExpression(u) && u.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
        collect(u.getLeft());
        collect(u.getRight());
      } else operands.push(u);
    };
    collect(e);
    return operands.some((o) => Node.isStringLiteral(o) || Node.isNoSubstitutionTemplateLiteral(o) || Node.isTemplateExpression(o)) ? 'concatenation' : undefined;
  }
  if (Node.isCallExpression(e)) {
    const m = code.moduleMemberOf(e.getExpression());
    if (m && (m.module === 'util' || m.module === 'node:util') && m.path.length === 1 && m.path[0] === 'format') return 'format';
  }
  if (rest > 0 && (Node.isStringLiteral(e) || Node.isNoSubstitutionTemplateLiteral(e)) && FORMAT_PLACEHOLDER.test(e.getLiteralValue())) return 'format';
  return undefined;
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
      forEachReachableWhere(code, (n) => onConsole(n as ts.CallExpression), (node) => {
        if (!Node.isCallExpression(node)) return;
        const method = consoleMethod(code, node);
        if (!method) return;
        const args = node.getArguments();
        for (let i = 0; i < args.length; i++) {
          const how = stringBuilding(code, args[i]!, i === 0 ? args.length - 1 : 0);
          if (!how) continue;
          ctx.report({
            messageId: 'interpolated',
            data: { function: binding.fn.name, method, how: HOW[how] },
            loc: locOfNode(node),
            fn: binding.fn,
            related: [{ loc: binding.fn.loc, message: `${binding.fn.name}: set the JSON log format here` }],
          });
          return;
        }
      }, [SyntaxKind.CallExpression]);
    }
  },
});
