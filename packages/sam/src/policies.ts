import {
  entry,
  get,
  intrinsic,
  isMap,
  items,
  str,
  templateText,
  type IamStatement,
  type Loc,
  type MapEntry,
  type Prop,
  type Resource,
  type Role,
  type Value,
} from '@lambda-lint/core';
import { parseStatements, resolveOne, roleId, type ValueContext } from '@lambda-lint/cloudformation';
import { POLICY_TEMPLATES } from './data/policy-templates.js';

/**
 * The role SAM generates from `Policies`: inline statements, AWS managed policy names / ARNs, and policy
 * templates. A template is recorded by name in `managedPolicies` (`template:<Name>`) and, when the
 * project's table knows it, expanded into the statements it grants (`origin: 'policy-template'`).
 */
export function samPoliciesRole(r: Resource, policies: Value | undefined, ctx: ValueContext): Role {
  const role: Role = { id: roleId(r.file, `${r.logicalId}Role`), loc: policies?.loc ?? r.loc, statements: [], managedPolicies: [], resource: r };
  for (const policy of items(policies)) {
    const name = str(policy);
    if (name !== undefined) {
      role.managedPolicies.push({ value: name, loc: policy.loc, node: policy });
      continue;
    }
    if (!isMap(policy)) continue;
    // `!Sub arn:${AWS::Partition}:iam::aws:policy/X`, `!Ref CustomerPolicy`: an ARN only known as an expression.
    if (intrinsic(policy)) {
      const resolved = resolveOne(policy, ctx);
      role.managedPolicies.push({ value: resolved.kind === 'scalar' ? str(resolved) : undefined, loc: policy.loc, node: policy });
      continue;
    }
    if (entry(policy, 'Statement')) {
      role.statements.push(...parseStatements(get(policy, 'Statement'), ctx));
      continue;
    }
    const only = policy.entries.length === 1 ? policy.entries[0] : undefined;
    if (!only) continue;
    role.managedPolicies.push({ value: `template:${only.key}`, loc: only.keyLoc, node: only.value });
    role.statements.push(...expandPolicyTemplate(only, policy, ctx));
  }
  return role;
}

/**
 * The statements a SAM policy template grants, from the project's table; none for a template it does not
 * know. Actions are located at the template's name; a resource at the parameter it is built from.
 */
export function expandPolicyTemplate(template: MapEntry, policy: Value, ctx: ValueContext): IamStatement[] {
  const def = POLICY_TEMPLATES[template.key];
  if (!def) return [];
  const at = template.keyLoc;
  const synthetic = (value: string, loc: Loc): Value => ({ kind: 'scalar', value, loc });
  // Parameter values as `Fn::Sub` text: literal when known, `${Ref}` / `${Id.Attr}` for references.
  const params = new Map<string, { text: string; loc: Loc }>();
  for (const name of def.parameters) {
    const node = get(template.value, name);
    if (!node) continue;
    const resolved = resolveOne(node, ctx);
    const text = resolved.kind === 'scalar' ? (str(resolved) ?? '') : (templateText(node) ?? `\${${name}}`);
    params.set(name, { text, loc: node.loc });
  }
  const resourceProp = (pattern: string): Prop<string> => {
    let loc = at;
    const text = pattern.replace(/\$\{([A-Za-z0-9]+)\}/g, (whole, name: string) => {
      const p = params.get(name);
      if (!p) return whole;
      loc = p.loc;
      return p.text;
    });
    if (!text.includes('${')) return { value: text, loc, node: synthetic(text, loc) };
    const node: Value = { kind: 'map', entries: [{ key: 'Fn::Sub', keyLoc: loc, value: synthetic(text, loc) }], loc };
    const resolved = resolveOne(node, ctx);
    return { value: resolved.kind === 'scalar' ? str(resolved) : undefined, loc, node };
  };
  return def.statements.map((s) => ({
    effect: { value: 'Allow', loc: at, node: synthetic('Allow', at) },
    actions: s.actions.map((a) => ({ value: a, loc: at, node: synthetic(a, at) })),
    notActions: [],
    resources: s.resources.map(resourceProp),
    notResources: [],
    loc: policy.loc,
    node: policy,
    origin: 'policy-template' as const,
    policyTemplate: template.key,
  }));
}
