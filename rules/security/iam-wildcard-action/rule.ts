import { defineRule, templateText, type Prop, type Role, type Value } from '@lambda-lint/core';
import { roleName, statementOwner, uniqueStatements } from '../../support/iam.js';

/** AWS managed policies that grant far more than any one function needs (`AWSLambda_FullAccess` has an underscore). */
const BROAD_NAME = /^(AdministratorAccess|PowerUserAccess|[A-Za-z0-9_]*FullAccess(?:V\d+)?)$/;
/** An AWS managed policy ARN, in any partition, literal or `${AWS::Partition}`; the name is the last path segment. */
const AWS_MANAGED_ARN = /^arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::aws:policy\/(?:[^/]+\/)*([^/]+)$/;

/**
 * The name of a broad AWS managed policy, from an ARN or (SAM `Policies`) a bare managed policy name.
 * Customer managed policies (`arn:aws:iam::123456789012:policy/TeamFullAccess`) are not AWS's and not reported.
 */
export function broadManagedPolicy(policy: string): string | undefined {
  const name = policy.startsWith('arn:') ? AWS_MANAGED_ARN.exec(policy)?.[1] : /^[\w+=,.@-]+$/.test(policy) ? policy : undefined;
  return name !== undefined && BROAD_NAME.test(name) ? name : undefined;
}

const EXAMPLE_ACTIONS: Record<string, string> = {
  s3: 's3:GetObject, s3:PutObject',
  dynamodb: 'dynamodb:GetItem, dynamodb:PutItem',
  sqs: 'sqs:SendMessage',
  sns: 'sns:Publish',
  lambda: 'lambda:InvokeFunction',
  events: 'events:PutEvents',
  kms: 'kms:Decrypt',
  secretsmanager: 'secretsmanager:GetSecretValue',
  ssm: 'ssm:GetParameter',
  states: 'states:StartExecution',
  logs: 'logs:CreateLogStream, logs:PutLogEvents',
  cloudwatch: 'cloudwatch:PutMetricData',
  ses: 'ses:SendEmail',
  kinesis: 'kinesis:PutRecord',
  firehose: 'firehose:PutRecord',
  'execute-api': 'execute-api:ManageConnections',
  bedrock: 'bedrock:InvokeModel',
  athena: 'athena:StartQueryExecution, athena:GetQueryResults',
  xray: 'xray:PutTraceSegments',
};

function exampleFor(service: string): string {
  return EXAMPLE_ACTIONS[service.toLowerCase()] ?? `${service}:<Verb><Noun>`;
}

type ActionProblem = 'everything' | 'service' | 'verbs';

/** Why an action pattern grants too much, if it does. `s3:GetObject*` is a family of one verb and is fine. */
export function actionProblem(action: string): ActionProblem | undefined {
  if (/^\*+$/.test(action)) return 'everything';
  const colon = action.indexOf(':');
  if (colon < 0) return undefined;
  const service = action.slice(0, colon);
  const name = action.slice(colon + 1);
  if (/^\*+$/.test(name)) return /^\*+$/.test(service) ? 'everything' : 'service';
  // A leading wildcard (`*Object*`, `*Item`) matches every verb: Get, Put, Delete...
  if (name.startsWith('*') || name.startsWith('?')) return 'verbs';
  return undefined;
}

export default defineRule({
  id: 'iam-wildcard-action',
  category: 'security',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    "IAM statements that allow `*`, `service:*`, a wildcard spanning every verb (`s3:*Object*`) or `NotAction`, and broad AWS managed policies (AdministratorAccess, PowerUserAccess, *FullAccess) on function roles.",
  messages: {
    everything:
      '{{owner}}: Action "{{action}}" allows every action on every service: a compromised dependency or injected input can do anything the account can. List the actions the code calls (e.g. dynamodb:GetItem).',
    service:
      '{{owner}}: Action "{{action}}" allows every {{service}} action, including destructive and administrative ones. List the actions the code calls (e.g. {{example}}).',
    verbs:
      '{{owner}}: Action "{{action}}" starts with a wildcard, so it matches every verb (Get, Put, Delete...) of {{service}}. Name the verbs the code uses (e.g. {{example}}).',
    notAction:
      '{{owner}}: Allow with NotAction grants every action except those listed, including ones AWS adds in the future. Use an explicit Action list instead.',
    managedPolicy:
      'Function role {{role}} has the AWS managed policy {{policy}}, which grants far more than one function needs. Replace it with a policy that lists the actions and resources the code uses.',
  },
  defaultOptions: {},
  check(ctx) {
    // Each statement once, with the role (and the function, when only one uses it) it belongs to, as iam-wildcard-resource reports it.
    for (const { statement, role } of uniqueStatements(ctx.model)) {
      if (statement.effect.value !== 'Allow') continue;
      const { owner, target } = statementOwner(ctx.model, role);
      for (const action of statement.actions) reportAction(action, owner, target);
      const firstNot = statement.notActions[0];
      if (firstNot) ctx.report({ messageId: 'notAction', data: { owner }, loc: firstNot.loc, ...target });
    }
    const functionRoles = new Set(ctx.model.functions.map((f) => f.role).filter((r): r is Role => r !== undefined));
    // serverless-iam-roles-per-function copies the provider's managed policies: one finding per place it is written.
    const reported = new Set<Value>();
    for (const role of functionRoles) {
      for (const policy of role.managedPolicies) {
        if (reported.has(policy.node)) continue;
        const text = policy.value ?? templateText(policy.node);
        const name = text === undefined ? undefined : broadManagedPolicy(text);
        if (!name) continue;
        reported.add(policy.node);
        const fn = ctx.model.functions.find((f) => f.role === role);
        ctx.report({
          messageId: 'managedPolicy',
          data: { role: roleName(role), policy: name },
          loc: policy.loc,
          ...(fn ? { fn } : {}),
        });
      }
    }

    function reportAction(action: Prop<string>, owner: string, target: ReturnType<typeof statementOwner>['target']): void {
      if (action.value === undefined) return;
      const problem = actionProblem(action.value);
      if (!problem) return;
      const service = action.value.split(':')[0] ?? '';
      ctx.report({ messageId: problem, data: { owner, action: action.value, service, example: exampleFor(service) }, loc: action.loc, ...target });
    }
  },
});
