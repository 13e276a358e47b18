import { defineRule, type IamStatement, type LambdaFunction, type Loc, type Role } from '@lambda-lint/core';
import { evaluate, knownStatements, locOfNode } from '@lambda-lint/handler';
import { isCdkInternalRole, roleName } from '../../support/iam.js';
import { functionNeeds, permissionsIn, resourceLabel } from '../../support/permissions.js';

/** The statement to show next to a missing grant: the user's statement on the same service, else none. */
function nearestStatement(statements: readonly IamStatement[], action: string): IamStatement | undefined {
  const prefix = `${action.split(':')[0]!.toLowerCase()}:`;
  return statements.find((s) => s.origin !== 'managed' && s.effect.value === 'Allow' && s.actions.some((a) => a.value?.toLowerCase().startsWith(prefix)));
}

/** A finding waiting for the other functions that make the same call with the same role. */
interface PendingReport {
  messageId: 'missing' | 'missingAny' | 'denied';
  data: { api: string; action: string; resource: string; role: string };
  loc: Loc;
  related: { loc: Loc; message: string }[];
  fns: LambdaFunction[];
}

/** Where a role is defined: two roles of one name in different stacks are different roles. */
function roleKey(role: Role): string {
  return `${role.loc.file}:${role.loc.line}:${role.loc.column}`;
}

export default defineRule({
  id: 'iam-missing-permission',
  category: 'security',
  severity: 'error',
  scope: 'cross',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'The handler calls an AWS action (SDK v3 or v2, paginator, pre-signed URL, Powertools Parameters or Idempotency) that its execution role does not grant, or that a Deny statement of the role forbids: AccessDenied in production.',
  messages: {
    missing:
      '{{function}}: {{api}} needs {{action}} on {{resource}}, which role {{role}} does not grant: the call fails with AccessDenied in production. Add {{action}} on that resource to the function\'s role (`lambda-lint iam` prints the policy the code needs).',
    missingAny:
      '{{function}}: {{api}} needs one of {{action}} on {{resource}} (which one depends on input built at run time), and role {{role}} grants none of them: the call fails with AccessDenied in production. Add the ones the code sends to the function\'s role.',
    denied:
      '{{function}}: {{api}} needs {{action}} on {{resource}}, which a Deny statement of role {{role}} forbids: the call fails with AccessDenied in production whatever else allows it. Narrow the Deny, or stop making the call.',
  },
  defaultOptions: {},
  check(ctx) {
    // A call in a helper shared by several functions of one role is one problem with one fix: report
    // it once per call site, role and action, naming every function concerned.
    const groups = new Map<string, PendingReport>();
    const collect = (fn: LambdaFunction, role: Role, report: Omit<PendingReport, 'fns'>) => {
      const l = report.loc;
      const key = [report.messageId, report.data.action, report.data.resource, roleName(role), roleKey(role), l.file, l.line, l.column, l.endLine, l.endColumn].join('\0');
      const group = groups.get(key) ?? { ...report, fns: [] };
      if (!group.fns.includes(fn)) group.fns.push(fn);
      groups.set(key, group);
    };
    // Each finding is placed at the call that needs the action: with one file's findings wanted, only that file's calls are judged.
    const needs = ctx.findingsIn === undefined ? functionNeeds(ctx.model, ctx.handlers) : permissionsIn(ctx.model, ctx.handlers, ctx.findingsIn);
    for (const { fn, permissions } of needs.values()) {
      const role: Role | undefined = fn.role;
      if (!role || isCdkInternalRole(role)) continue;
      // A policy lambda-lint cannot see may grant anything: only judge fully known roles.
      const known = knownStatements(ctx.model, role);
      if (!known) continue;
      for (const p of permissions) {
        if (p.anyOf) {
          // Only one of them is needed: report when the role grants none.
          const grants = p.actions.map((a) => evaluate(ctx.model, fn.file, known.statements, a, p.resource));
          if (grants.every((g) => g.kind !== 'granted') && grants.some((g) => g.kind === 'missing')) {
            const data = { api: p.api, action: p.actions.join(', '), resource: resourceLabel(p.resource), role: roleName(role) };
            collect(fn, role, { messageId: 'missingAny', data, loc: locOfNode(p.node), related: [{ loc: role.loc, message: `role ${roleName(role)}: no statement grants ${p.actions.join(', ')}` }] });
          }
          continue;
        }
        for (const action of p.actions) {
          const grant = evaluate(ctx.model, fn.file, known.statements, action, p.resource);
          if (grant.kind === 'granted') continue;
          const data = { api: p.api, action, resource: resourceLabel(p.resource), role: roleName(role) };
          if (grant.kind === 'denied') {
            collect(fn, role, { messageId: 'denied', data, loc: locOfNode(p.node), related: [{ loc: grant.by.loc, message: `the Deny statement of role ${roleName(role)}` }] });
            continue;
          }
          const near = nearestStatement(known.statements, action);
          const related = near
            ? { loc: near.loc, message: `role ${roleName(role)}: this statement grants ${action.split(':')[0]} actions, but not ${action} on ${resourceLabel(p.resource)}` }
            : { loc: role.loc, message: `role ${roleName(role)}: no statement grants ${action}` };
          collect(fn, role, { messageId: 'missing', data, loc: locOfNode(p.node), related: [related] });
        }
      }
    }
    for (const { fns, data, ...report } of groups.values()) {
      ctx.report({ ...report, data, concerns: { fns } });
    }
  },
});
