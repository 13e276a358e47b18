import { defineRule, type LambdaFunction, type Loc } from '@lambda-lint/core';
import { codeOf, isOneTimeInit, locOfNode, sdkFactsOf, unwrapExpression as unwrap, type ClientFact, type OperationFact } from '@lambda-lint/handler';
import { Node } from '@lambda-lint/handler/ts-morph';
import { isInFile } from '../../support/code-facts.js';

/** Operations that fetch configuration or secrets: per-request calls add latency, cost and throttling. */
const CONFIG_OPERATIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  ssm: new Set(['GetParameter', 'GetParameters', 'GetParametersByPath']),
  'secrets-manager': new Set(['GetSecretValue', 'BatchGetSecretValue']),
};

/** A client built with credentials of its own (a per-tenant assumed role): created per request by design. */
function hasOwnCredentials(config: Node | undefined): boolean {
  const c = config ? unwrap(config) : undefined;
  if (!c || !Node.isObjectLiteralExpression(c)) return false;
  return c.getProperties().some((p) => (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)) && p.getName() === 'credentials');
}

/** `new S3Client()`, `DynamoDBDocumentClient.from()`, `mysql.createPool()`: the callee as written, arguments elided. */
function written(fact: ClientFact): string {
  const callee = fact.node.getExpression().getText().replace(/\s+/g, '');
  const short = callee.length > 50 ? `${callee.slice(0, 47)}...` : callee;
  return Node.isNewExpression(fact.node) ? `new ${short}()` : `${short}()`;
}

function isConfigFetch(op: OperationFact): boolean {
  // Own entries only: the service comes from the user's import (`@aws-sdk/client-constructor`).
  return Object.hasOwn(CONFIG_OPERATIONS, op.service) && CONFIG_OPERATIONS[op.service]!.has(op.operation);
}

interface PendingReport {
  messageId: string;
  data: Record<string, string>;
  loc: Loc;
  fns: LambdaFunction[];
}

export default defineRule({
  id: 'client-in-handler',
  category: 'stateless',
  severity: 'warning',
  scope: 'handler',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Reusable resources (AWS SDK clients, database pools and connections, HTTP agents) created, or configuration and secrets fetched, on every invocation instead of once per execution environment.',
  messages: {
    sdkClient:
      '{{function}}: {{created}} creates an AWS SDK client on every invocation. Warm execution environments are reused, but a client made per request throws away its connection pool, TLS sessions and resolved credentials, adding tens to hundreds of milliseconds to each request and extra load under concurrency. Create it once at module scope (outside the handler) and reuse it, or lazily once (`client ??= {{created}}`).',
    connection:
      '{{function}}: {{created}} opens a {{service}} connection on every invocation. Each request pays the connect and TLS handshake, and with many concurrent environments the database runs out of connections (or leaks them when they are not closed). Create the pool or client once at module scope and reuse it across invocations (consider RDS Proxy for relational databases).',
    httpAgent:
      '{{function}}: {{created}} creates an HTTP agent on every invocation, so keep-alive sockets are never reused and each request pays a new TCP and TLS handshake. Create the agent once at module scope and pass the same instance to every request.',
    parametersProvider:
      '{{function}}: {{created}} creates a Powertools parameters provider on every invocation; its cache lives in the instance, so every request fetches again. Create the provider once at module scope, or use the getParameter/getSecret functions, which cache across invocations.',
    configFetch:
      '{{function}}: {{operation}} is called on every invocation with no module-level cache. Fetching configuration or secrets per request adds latency and cost, and request spikes hit the API\'s throttling limits (a throttled fetch fails the request). Fetch once and keep the value at module scope (refresh it after a TTL), or use Powertools Parameters (getParameter/getSecret), which caches across invocations.',
  },
  defaultOptions: {},
  check(ctx) {
    // A call in a helper shared by several functions is one problem with one fix: report it once per
    // call site, naming every function concerned (as iam-missing-permission does).
    const pending = new Map<string, PendingReport>();
    const collect = (fn: LambdaFunction, report: Omit<PendingReport, 'fns'>) => {
      const l = report.loc;
      const key = [report.messageId, l.file, l.line, l.column, l.endLine, l.endColumn].join('\0');
      const group = pending.get(key) ?? { ...report, fns: [] };
      if (!group.fns.includes(fn)) group.fns.push(fn);
      pending.set(key, group);
    };
    for (const binding of ctx.handlers) {
      const code = codeOf(binding);
      const sdk = sdkFactsOf(code);
      // Each finding is placed at its fact's call: with one file's findings wanted, the facts of other files need no judging.
      const only = ctx.findingsIn;
      for (const fact of sdk.clients) {
        if (fact.scope !== 'invocation' || !isInFile(fact.compilerNode, only) || !fact.fn) continue;
        let messageId: string;
        switch (fact.category) {
          case 'aws-v3':
          case 'aws-v3-aggregated':
          case 'aws-v2':
          case 'document-client':
          case 'document-client-aggregated':
            messageId = 'sdkClient';
            if (hasOwnCredentials(fact.config)) continue;
            break;
          case 'database':
            messageId = 'connection';
            break;
          case 'http-agent':
            messageId = 'httpAgent';
            break;
          case 'powertools':
            if (fact.service !== 'parameters') continue;
            messageId = 'parametersProvider';
            break;
          default:
            continue;
        }
        if (isOneTimeInit(code, fact.node)) continue;
        // A document client wrapping a client made right there is one finding: report the inner client only.
        if ((fact.category === 'document-client' || fact.category === 'document-client-aggregated') && fact.config) {
          const inner = sdk.clientOf(fact.config);
          if (inner && inner.scope === 'invocation' && !isOneTimeInit(code, inner.node) && !hasOwnCredentials(inner.config)) continue;
        }
        collect(binding.fn, { messageId, data: { function: code.functionName(fact.fn), created: written(fact), service: fact.service }, loc: locOfNode(fact.node) });
      }
      for (const op of sdk.operations) {
        // The kind first: reading `fn` wraps the function (and its file) in ts-morph.
        if (op.scope !== 'invocation' || !isConfigFetch(op) || !isInFile(op.compilerNode, only) || !op.fn) continue;
        if (isOneTimeInit(code, op.node)) continue;
        collect(binding.fn, {
          messageId: 'configFetch',
          data: { function: code.functionName(op.fn), operation: `${op.service === 'ssm' ? 'SSM' : 'Secrets Manager'} ${op.operation}` },
          loc: locOfNode(op.node),
        });
      }
    }
    for (const { fns, data, ...report } of pending.values()) {
      ctx.report({ ...report, data, concerns: { fns, codeFunction: data.function! } });
    }
  },
});
