import { relative } from 'node:path';
import { fullDiff, ResourceImpact, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import { Statement, parseStatements, parseLambdaPermission } from '@aws-cdk/cloudformation-diff/lib/iam/statement.js';
import { renderIntrinsics } from '@aws-cdk/cloudformation-diff/lib/render-intrinsics.js';
import {
  entry,
  isMap,
  str,
  type AppModel,
  type BroadenedPermission,
  type InputDiagnostic,
  type Loc,
  type ResourceChange,
  type ReviewContext,
  type Value,
  wildcardMatches,
} from '@lambda-lint/core';
import { plainJson, templateViews, UNKNOWN, type Origin, type TemplateView, type ViewResource } from './template.js';

/** What deploying `head` instead of `base` changes: permissions it broadens, resources it replaces or deletes. */
export function reviewChanges(base: AppModel, head: AppModel, baseRef: string): ReviewContext {
  const baseViews = templateViews(base);
  const headViews = templateViews(head);
  const context: ReviewContext = { baseRef, broadened: [], resourceChanges: [] };
  // A template that one side cannot read would look emptied (or created): its parse error is the finding.
  const unreadable = new Set([...base.diagnostics, ...head.diagnostics].filter((d) => d.ruleId === 'parse-error').map((d) => d.loc.file));
  const files = [...new Set([...baseViews.keys(), ...headViews.keys()])].filter((f) => !unreadable.has(f)).sort();
  for (const file of files) {
    const before = baseViews.get(file);
    const after = headViews.get(file);
    try {
      // The diff sorts and rewrites parts of what it reads: it gets copies, the views keep their origins.
      const diff = fullDiff(structuredClone(before?.template ?? {}), structuredClone(after?.template ?? {}));
      const replaced = resourceChanges(diff, before, after);
      const broadened = after ? broadenedPermissions(diff, before, after) : [];
      context.resourceChanges.push(...replaced);
      context.broadened.push(...broadened);
    } catch (error) {
      // cloudformation-diff assumes well-formed templates and throws on some odd ones: one template
      // left unreviewed is an input problem at that template, not a failed run.
      head.diagnostics.push(notCompared(head.root, file, after, baseRef, error));
    }
  }
  return context;
}

function notCompared(root: string, file: string, after: TemplateView | undefined, baseRef: string, error: unknown): InputDiagnostic {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ruleId: 'parse-error',
    message: `could not compare ${relative(root, file) || file} with revision ${baseRef}: ${reason}; its resource and permission changes are not reviewed`,
    loc: after?.resourcesLoc ?? fileStart(file),
  };
}

// ---------------------------------------------------------------------------------------------
// Resources replaced or deleted

const REPLACING = new Set<ResourceImpact>([ResourceImpact.WILL_REPLACE, ResourceImpact.MAY_REPLACE]);

function fileStart(file: string): Loc {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}

function resourceChanges(diff: TemplateDiff, before: TemplateView | undefined, after: TemplateView | undefined): ResourceChange[] {
  const out: ResourceChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    const impact = change.changeImpact;
    const old = before?.resources.get(logicalId);
    // A resource the platform generates has no place of its own to point at, unless it holds data (a function's log group).
    if (!old?.resource && !old?.generatedFor) return;
    const policyKey = impact === ResourceImpact.WILL_DESTROY ? 'DeletionPolicy' : 'UpdateReplacePolicy';
    const deletionPolicy = old.resource ? str(entry(old.resource.node, policyKey)?.value) : undefined;
    const common = {
      logicalId,
      type: old.type,
      baseLoc: old.loc,
      ...(old.constructPath ? { constructPath: old.constructPath } : {}),
      ...(old.generatedFor ? { generatedFor: old.generatedFor } : {}),
      ...(deletionPolicy ? { deletionPolicy } : {}),
    };
    if (impact === ResourceImpact.WILL_DESTROY) {
      const twin = after && renameTwin(diff, before, after, old.type);
      out.push({
        ...common,
        kind: 'removed',
        loc: (old.generatedFor ? after?.functionsLoc : undefined) ?? after?.resourcesLoc ?? (after ? fileStart(after.file) : old.loc),
        properties: [],
        ...(twin ? { renamedTo: { logicalId: twin.constructPath ?? twin.logicalId, loc: twin.loc } } : {}),
      });
      return;
    }
    const sam = SAM_REPLACING[old.type];
    // SAM's own types are transformed before deployment: the specification's replacement rules are not theirs.
    if (old.type.startsWith('AWS::Serverless::') && !sam) return;
    const now = after?.resources.get(logicalId);
    if (!now) return;
    const replacing = (name: string, impact: ResourceImpact | undefined) => (sam ? sam.includes(name) : impact !== undefined && REPLACING.has(impact));
    if (sam ? !Object.keys(change.propertyUpdates).some((name) => sam.includes(name)) : !REPLACING.has(impact)) return;
    const properties: ResourceChange['properties'] = [];
    if (change.resourceTypeChanged) properties.push({ name: 'Type', ...(now.resource ? { loc: entry(now.resource.node, 'Type')?.keyLoc ?? now.loc } : {}) });
    for (const [name, property] of Object.entries(change.propertyUpdates)) {
      if (!replacing(name, property.changeImpact)) continue;
      const written = now.resource?.properties ? entry(now.resource.properties, name) : undefined;
      properties.push({ name, ...(written ? { loc: written.keyLoc } : {}) });
    }
    out.push({ ...common, kind: sam || impact === ResourceImpact.WILL_REPLACE ? 'replaced' : 'may-be-replaced', loc: now.loc, properties });
  });
  return out;
}

/** SAM resources whose change replaces what they deploy (the properties the transform maps to replacing ones). */
const SAM_REPLACING: Record<string, string[]> = {
  // -> AWS::DynamoDB::Table KeySchema / TableName
  'AWS::Serverless::SimpleTable': ['PrimaryKey', 'TableName'],
};

/** A resource of `type` that the change adds to the template (the first, in template order). */
/**
 * The resource of `type` the change adds, when it may be the removed one under a new logical id: only
 * when the pairing is unambiguous (one removal and one addition of that type), so that five removed log
 * groups are not all called renamed to the one new log group.
 */
function renameTwin(diff: TemplateDiff, before: TemplateView | undefined, after: TemplateView, type: string): ViewResource | undefined {
  const changed = (view: TemplateView | undefined, isChange: (logicalId: string) => boolean) =>
    [...(view?.resources.values() ?? [])].filter((r) => r.type === type && (r.resource || r.generatedFor) && diff.resources.has(r.logicalId) && isChange(r.logicalId));
  const added = changed(after, (id) => diff.resources.get(id).isAddition);
  const removed = changed(before, (id) => diff.resources.get(id).isRemoval);
  return added.length === 1 && removed.length === 1 ? added[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Permissions broadened

/** Every statement of a template, as cloudformation-diff reads it (principals and resources defaulted). */
function allStatements(view: TemplateView | undefined): Statement[] {
  if (!view) return [];
  return fullDiff({}, structuredClone(view.template)).iamChanges.statements.additions;
}

/** IAM wildcard matching (`*`, `?`), case-insensitive for actions. */
function covers(pattern: string, value: string, caseInsensitive: boolean): boolean {
  if (pattern === value) return true;
  if (!/[*?]/.test(pattern)) return caseInsensitive && pattern.toLowerCase() === value.toLowerCase();
  return caseInsensitive ? wildcardMatches(pattern.toLowerCase(), value.toLowerCase()) : wildcardMatches(pattern, value);
}

/** JSON with object keys sorted: `{a, b}` and `{b, a}` are the same condition. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(x ?? null);
}

function sameCondition(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/**
 * Whether some statement of `effect` in `statements` covers `action` on `resource` for `principal`, with no
 * other condition (`condition` null: whatever the condition).
 */
function granted(statements: Statement[], principal: string, action: string, resource: string | undefined, condition: unknown, effect = 'Allow'): boolean {
  return statements.some(
    (b) =>
      b.effect === effect &&
      !b.actions.not &&
      !b.resources.not &&
      !b.principals.not &&
      (condition === null || b.condition === undefined || sameCondition(b.condition, condition)) &&
      b.principals.values.some((p) => covers(p, principal, false)) &&
      b.actions.values.some((a) => covers(a, action, true)) &&
      (resource === undefined || b.resources.values.some((r) => covers(r, resource, false))),
  );
}

const isUnknown = (v: string): boolean => v.includes(UNKNOWN);

interface Broadening {
  actions: string[];
  conditionDropped: string[];
  newActions: string[];
  newResources: string[];
  newPrincipals: string[];
  negated: boolean;
}

/** What an added Allow statement grants beyond the base; undefined when nothing (a narrowing or a reshuffle). */
function broadening(s: Statement, base: Statement[]): Broadening | undefined {
  const actions = s.actions.values;
  const resources = s.resources.values;
  const principals = s.principals.values;
  // A value only known at deploy time cannot be compared: silence rather than a guess.
  if ([...actions, ...resources, ...principals].some(isUnknown) || s.effect !== 'Allow') return undefined;
  if (s.actions.not || s.resources.not || s.principals.not) {
    return { actions, newActions: actions, newResources: resources, newPrincipals: [], conditionDropped: [], negated: true };
  }
  // A role or user of the template (`AWS:${Role}`) is who an identity policy is attached to: a new one
  // (a new function's role) is reported by the actions it gets, not as a principal.
  const newPrincipals = principals.filter((p) => !/^AWS:\$\{[^}]+\}$/.test(p) && !base.some((b) => b.principals.values.some((q) => covers(q, p, false))));
  const isNew = (a: string, condition: unknown) => !principals.every((p) => newPrincipals.includes(p) || granted(base, p, a, undefined, condition));
  const newActions = actions.filter((a) => isNew(a, null));
  // Allowed before, but only under a Condition this statement does not keep.
  const conditionDropped = actions.filter((a) => !newActions.includes(a) && isNew(a, s.condition));
  const known = actions.filter((a) => !newActions.includes(a) && !conditionDropped.includes(a));
  const newResources = resources.filter((r) =>
    known.some((a) => principals.some((p) => !newPrincipals.includes(p) && !granted(base, p, a, r, s.condition))),
  );
  if (!newActions.length && !newResources.length && !newPrincipals.length && !conditionDropped.length) return undefined;
  return { actions, newActions, newResources, newPrincipals, conditionDropped, negated: false };
}

function readableGrant(b: Broadening): Broadening {
  return { ...b, actions: b.actions.map(readable), conditionDropped: b.conditionDropped.map(readable), newActions: b.newActions.map(readable), newResources: b.newResources.map(readable), newPrincipals: b.newPrincipals.map((p) => readable(p).replace(/^(Service|AWS|Federated|CanonicalUser):/, '')) };
}

interface StatementSite {
  origin: Origin;
  json: Record<string, unknown>;
}

/** Statement-shaped objects (`Effect` and `Action`/`NotAction`) of the head template, with where they were written. */
function statementSites(view: TemplateView): StatementSite[] {
  const sites: StatementSite[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      const o = x as Record<string, unknown>;
      const origin = view.origins.get(o);
      if (origin && 'Effect' in o && ('Action' in o || 'NotAction' in o)) sites.push({ origin, json: o });
      Object.values(o).forEach(walk);
    }
  };
  walk(view.template.Resources);
  return sites;
}

function sameTargets(a: Statement, b: Statement): boolean {
  return (
    a.effect === b.effect &&
    a.actions.equal(b.actions) &&
    sameCondition(a.condition, b.condition) &&
    // An identity statement without Resource reads as the default; a resource policy's `*` becomes the resource.
    (a.resources.equal(b.resources) || b.resources.values.length === 0 || b.resources.values.includes('*'))
  );
}

/** The written statement an added statement of the diff comes from. */
function siteOf(s: Statement, sites: StatementSite[]): StatementSite | undefined {
  const candidates = sites.filter((site) => {
    const parsed = parseStatements(renderIntrinsics(structuredClone(site.json)))[0];
    return parsed !== undefined && sameTargets(s, parsed);
  });
  // The owner is named in the principal (`AWS:${Role}`) or the resource (`${Queue.Arn}`): `${Fn}` must not match `${FnRole}`.
  const text = JSON.stringify([s.principals.values, s.resources.values]);
  const named = (c: StatementSite) => text.includes(`\${${c.origin.owner}}`) || text.includes(`\${${c.origin.owner}.`);
  return candidates.find(named) ?? candidates.find((c) => c.origin.statement) ?? candidates[0];
}

/** A written value as the diff's statement reader spells it: `${Table.Arn}`, `{"Fn::Sub":"..."}`. */
function rendered(v: Value): string {
  const r: unknown = renderIntrinsics(plainJson(v));
  return typeof r === 'string' ? r : JSON.stringify(r);
}

/** `{"Fn::Sub":"${Bucket.Arn}/*"}` reads better as what it substitutes into: `${Bucket.Arn}/*`. */
export function readable(value: string): string {
  if (!value.startsWith('{"Fn::Sub":')) return value;
  try {
    const sub = (JSON.parse(value) as { 'Fn::Sub': unknown })['Fn::Sub'];
    const text = Array.isArray(sub) ? sub[0] : sub;
    return typeof text === 'string' ? text : value;
  } catch {
    return value;
  }
}

/** The first place in a written statement where one of `values` is written under one of `keys`. */
function findWritten(origin: Origin, keys: string[], values: string[], caseInsensitive: boolean): Loc | undefined {
  const norm = (x: string): string => (caseInsensitive ? x.toLowerCase() : x);
  const wanted = new Set(values.map(norm));
  const s = origin.statement;
  if (s) {
    const props = keys.flatMap((k) => (k === 'Action' ? s.actions : k === 'NotAction' ? s.notActions : k === 'Resource' ? s.resources : k === 'NotResource' ? s.notResources : []));
    const hit = props.find((p) => p.value !== undefined && wanted.has(norm(p.value)));
    if (hit) return hit.loc;
  }
  for (const key of keys) {
    const written = isMap(origin.node) ? entry(origin.node, key) : undefined;
    if (!written) continue;
    const items = written.value.kind === 'seq' ? written.value.items : [written.value];
    const hit = items.find((v) => wanted.has(norm(rendered(v))));
    if (hit) return hit.loc;
    if (values.length) return written.keyLoc;
  }
  return undefined;
}

/** Where one of the new principals is written (`Principal: '*'`, `Principal: { Service: s3.amazonaws.com }`), else the key. */
function principalLoc(origin: Origin, principals: string[]): Loc | undefined {
  const written = isMap(origin.node) ? entry(origin.node, 'Principal') : undefined;
  if (!written) return undefined;
  // The diff writes `Service:s3.amazonaws.com`, `AWS:arn:...`, or `*`.
  const wanted = new Set(principals.flatMap((p) => [p, p.slice(p.indexOf(':') + 1)]));
  const scalars = (v: Value): Value[] => (v.kind === 'seq' ? v.items.flatMap(scalars) : v.kind === 'map' ? v.entries.flatMap((e) => scalars(e.value)) : [v]);
  return scalars(written.value).find((v) => wanted.has(rendered(v)))?.loc ?? written.keyLoc;
}

function ownerName(view: TemplateView, logicalId: string): string {
  return view.resources.get(logicalId)?.constructPath ?? logicalId;
}

function broadenedPermissions(diff: TemplateDiff, before: TemplateView | undefined, after: TemplateView): BroadenedPermission[] {
  const out: BroadenedPermission[] = [];
  const base = allStatements(before);
  const sites = statementSites(after);
  for (const s of diff.iamChanges.statements.additions) {
    const b = broadening(s, base);
    if (!b) continue;
    const site = siteOf(s, sites);
    // A new role's trust policy says who may assume it; what the role may do is what is reviewed.
    if (site && isNewTrustPolicy(s, site, diff)) continue;
    if (site) {
      const statementLoc = site.origin.statement?.loc ?? site.origin.node.loc;
      const loc =
        findWritten(site.origin, ['Action', 'NotAction'], b.negated ? [] : [...b.newActions, ...b.conditionDropped], true) ??
        findWritten(site.origin, ['Resource', 'NotResource'], b.negated ? [] : b.newResources, false) ??
        (b.negated ? (findWritten(site.origin, ['NotAction', 'NotResource'], ['\u0000'], false) ?? statementLoc) : undefined) ??
        principalLoc(site.origin, b.newPrincipals) ??
        statementLoc;
      out.push({ kind: 'statement', resource: ownerName(after, site.origin.owner), loc, statementLoc, ...readableGrant(b) });
      continue;
    }
    const permission = lambdaPermissionOf(s, after);
    if (permission) out.push({ kind: 'lambda-permission', ...permission, ...readableGrant(b) });
  }
  for (const attachment of diff.iamChanges.managedPolicies.additions) {
    const owner = /^\$\{([^}.]+)\}$/.exec(attachment.identityArn)?.[1];
    if (!owner || isUnknown(attachment.managedPolicyArn)) continue;
    const loc = managedPolicyLoc(after, owner, attachment.managedPolicyArn);
    if (!loc) continue;
    out.push({
      kind: 'managed-policy',
      resource: ownerName(after, owner),
      loc,
      statementLoc: loc,
      actions: [],
      newActions: [],
      newResources: [],
      newPrincipals: [],
      conditionDropped: [],
      negated: false,
      managedPolicy: attachment.managedPolicyArn,
    });
  }
  out.push(...removedDenies(diff, before, after));
  return out;
}

/** Deny statements of the base whose actions no Deny of the head still blocks on the same resources. */
function removedDenies(diff: TemplateDiff, before: TemplateView | undefined, after: TemplateView): BroadenedPermission[] {
  const out: BroadenedPermission[] = [];
  const head = allStatements(after);
  const baseSites = before ? statementSites(before) : [];
  for (const r of diff.iamChanges.statements.removals) {
    if (r.effect !== 'Deny' || r.actions.not || r.resources.not || r.principals.not) continue;
    const values = [...r.actions.values, ...r.resources.values, ...r.principals.values];
    if (values.some(isUnknown)) continue;
    const undenied = r.actions.values.filter((a) => !r.principals.values.every((p) => r.resources.values.every((res) => granted(head, p, a, res, null, 'Deny'))));
    if (!undenied.length) continue;
    // The resource that held the Deny in the base, else the role or resource it applied to (`AWS:${Role}`, `${Queue.Arn}`).
    const baseSite = siteOf(r, baseSites);
    const owner = baseSite?.origin.owner ?? /\$\{([^}.]+)/.exec(JSON.stringify([r.principals.values, r.resources.values]))?.[1];
    const now = owner ? after.resources.get(owner) : undefined;
    const loc = now?.loc ?? after.resourcesLoc ?? fileStart(after.file);
    out.push({
      kind: 'deny-removed',
      resource: owner ? ownerName(after, owner) : readable(r.resources.values[0] ?? ''),
      loc,
      statementLoc: loc,
      actions: r.actions.values.map(readable),
      newActions: undenied.map(readable),
      newResources: r.resources.values.map(readable),
      newPrincipals: [],
      conditionDropped: [],
      negated: false,
      ...(baseSite ? { baseLoc: baseSite.origin.statement?.loc ?? baseSite.origin.node.loc } : {}),
    });
  }
  return out;
}

function isNewTrustPolicy(s: Statement, site: StatementSite, diff: TemplateDiff): boolean {
  const added = diff.resources.has(site.origin.owner) && diff.resources.get(site.origin.owner).isAddition;
  return added && s.actions.values.every((a) => /^sts:(AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|TagSession|SetSourceIdentity)$/i.test(a));
}

/** A new `AWS::Lambda::Permission` grant: located at its `Principal`. */
function lambdaPermissionOf(s: Statement, view: TemplateView): Pick<BroadenedPermission, 'resource' | 'loc' | 'statementLoc'> | undefined {
  for (const r of view.resources.values()) {
    if (r.type !== 'AWS::Lambda::Permission' || !r.resource?.properties) continue;
    const json = view.template.Resources[r.logicalId]?.Properties;
    if (!json || !parseLambdaPermission(renderIntrinsics(structuredClone(json))).equal(s)) continue;
    const principal = entry(r.resource.properties, 'Principal');
    return { resource: r.constructPath ?? r.logicalId, loc: principal?.value.loc ?? r.loc, statementLoc: r.loc };
  }
  return undefined;
}

function managedPolicyLoc(view: TemplateView, owner: string, arn: string): Loc | undefined {
  const props = view.template.Resources[owner]?.Properties;
  const list = props?.ManagedPolicyArns;
  if (!Array.isArray(list)) return view.resources.get(owner)?.loc;
  const origin = view.origins.get(list);
  const index = list.findIndex((item) => JSON.stringify(renderIntrinsics(item)) === JSON.stringify(arn) || item === arn);
  if (origin?.items) return origin.items[index]?.loc ?? view.resources.get(owner)?.loc;
  const node = origin?.node;
  if (node?.kind === 'seq' && index >= 0) return node.items[index]?.loc;
  return view.resources.get(owner)?.loc;
}
