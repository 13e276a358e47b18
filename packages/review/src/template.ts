import { entry, get, type AppModel, type IamStatement, type Loc, type Prop, type Resource, type Value } from '@lambda-lint/core';

/** Marks a value that cannot be known offline: grants that name one are never called broader. */
export const UNKNOWN = '\u0000unknown';

/** Where a piece of the CloudFormation view was written. */
export interface Origin {
  /** The logical id of the resource the piece belongs to. */
  owner: string;
  node: Value;
  /** For statements the readers parsed: the model's statement, whose props carry resolved values and exact locations. */
  statement?: IamStatement;
  /** For a synthesized `ManagedPolicyArns` list: the model's props, one per item. */
  items?: Prop<string>[];
}

export interface ViewResource {
  logicalId: string;
  type: string;
  loc: Loc;
  constructPath?: string;
  /** The resource as written (undefined for a resource the platform generates). */
  resource?: Resource;
  /** For a resource the platform generates that holds data: what it is, for messages (`the log group of function ingest`). */
  generatedFor?: string;
}

/**
 * One template file (CloudFormation, SAM, CDK stack, serverless.yml) seen as the CloudFormation that
 * deploys it, as far as the model knows it: its resources as written plus the execution roles the
 * platform generates from `provider.iam` / per-function statements / SAM `Policies`.
 */
export interface TemplateView {
  file: string;
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; [key: string]: unknown }> };
  resources: Map<string, ViewResource>;
  /** JSON objects and arrays of `template` back to where they were written. */
  origins: WeakMap<object, Origin>;
  /** The template's `Resources` key (serverless: `resources.Resources`), where removals are reported. */
  resourcesLoc?: Loc;
  /** serverless.yml: the `functions` key, where the removal of what a function generates is reported. */
  functionsLoc?: Loc;
}

/** Plain JSON of a position-preserving value; unknown values become {@link UNKNOWN} strings. */
function toJson(v: Value, owner: string, origins: WeakMap<object, Origin>): unknown {
  switch (v.kind) {
    case 'scalar':
      return v.value;
    case 'unknown':
      return `${UNKNOWN}:${v.text}`;
    case 'seq': {
      const out = v.items.map((i) => toJson(i, owner, origins));
      origins.set(out, { owner, node: v });
      return out;
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of v.entries) out[e.key] = toJson(e.value, owner, origins);
      // `!GetAtt Table.Arn` is `Fn::GetAtt: [Table, Arn]` to CloudFormation, and to the diff's statement reader.
      const getAtt = out['Fn::GetAtt'];
      if (v.entries.length === 1 && typeof getAtt === 'string' && getAtt.includes('.')) {
        out['Fn::GetAtt'] = [getAtt.slice(0, getAtt.indexOf('.')), getAtt.slice(getAtt.indexOf('.') + 1)];
      }
      origins.set(out, { owner, node: v });
      return out;
    }
  }
}

/** Plain JSON of a value, as the view writes it into the template. */
export function plainJson(v: Value): unknown {
  return toJson(v, '', new WeakMap());
}

/**
 * Resolved values; a value the readers could not resolve stays as written when it is an expression
 * (`!Ref Brands` in a policy template's table ARN compares equal in both revisions), else unknown.
 */
function propValues(props: Prop<string>[]): unknown[] {
  return props.map((p) => p.value ?? (p.node.kind === 'map' ? plainJson(p.node) : `${UNKNOWN}:${p.node.kind === 'unknown' ? p.node.text : ''}`));
}

/** A statement the readers parsed (serverless, SAM policies, policy templates) as IAM JSON, with resolved values. */
function statementJson(s: IamStatement, owner: string, origins: WeakMap<object, Origin>): Record<string, unknown> {
  const out: Record<string, unknown> = { Effect: s.effect.value ?? UNKNOWN };
  const lists: [string, Prop<string>[]][] = [
    ['Action', s.actions],
    ['NotAction', s.notActions],
    ['Resource', s.resources],
    ['NotResource', s.notResources],
  ];
  for (const [key, props] of lists) {
    // As written when the statement has the key (intrinsics such as `!GetAtt Table.Arn` stay comparable),
    // else the values a policy template expands to.
    const written = get(s.node, key);
    if (written) out[key] = toJson(written, owner, origins);
    else if (props.length) out[key] = propValues(props);
  }
  const condition = get(s.node, 'Condition');
  if (condition) out.Condition = toJson(condition, owner, origins);
  origins.set(out, { owner, node: s.node, statement: s });
  return out;
}

function scalarTrue(v: Value | undefined): boolean {
  return v?.kind === 'scalar' && (v.value === true || v.value === 'true');
}

function logicalIdOfRole(roleId: string): string {
  return roleId.slice(roleId.lastIndexOf('#') + 1);
}

/** The model's CloudFormation view, one template per file that defines resources or roles. */
export function templateViews(model: AppModel): Map<string, TemplateView> {
  const views = new Map<string, TemplateView>();
  const viewOf = (file: string): TemplateView => {
    let view = views.get(file);
    if (!view) {
      view = { file, template: { Resources: {} }, resources: new Map(), origins: new WeakMap() };
      const doc = model.documents.find((d) => d.file === file);
      const key = doc ? (entry(doc.root, 'Resources') ?? entry(get(doc.root, 'resources'), 'Resources')) : undefined;
      if (key) view.resourcesLoc = key.keyLoc;
      const functions = doc?.platform === 'serverless' ? entry(doc.root, 'functions') : undefined;
      if (functions) view.functionsLoc = functions.keyLoc;
      views.set(file, view);
    }
    return view;
  };
  for (const r of model.resources) {
    const view = viewOf(r.file);
    const json = toJson(r.node, r.logicalId, view.origins) as Record<string, unknown>;
    view.template.Resources[r.logicalId] = { ...json, Type: r.type };
    view.resources.set(r.logicalId, { logicalId: r.logicalId, type: r.type, loc: r.loc, resource: r, ...(r.constructPath ? { constructPath: r.constructPath } : {}) });
  }
  // The log group the Serverless Framework generates for each function (`<Fn>LogGroup`): removing or
  // renaming the function deletes it, and its log history with it.
  for (const fn of model.functions) {
    if (fn.platform !== 'serverless' || !fn.logicalId.endsWith('LambdaFunction') || get(fn.node, 'disableLogs')?.kind === 'scalar' && scalarTrue(get(fn.node, 'disableLogs'))) continue;
    const view = viewOf(fn.file);
    const logicalId = fn.logicalId.replace(/LambdaFunction$/, 'LogGroup');
    if (view.template.Resources[logicalId]) continue;
    view.template.Resources[logicalId] = { Type: 'AWS::Logs::LogGroup', Properties: {} };
    view.resources.set(logicalId, { logicalId, type: 'AWS::Logs::LogGroup', loc: fn.loc, generatedFor: `the log group of function ${fn.name}` });
  }
  for (const role of model.roles) {
    // A role written as AWS::IAM::Role is in the template already; the others are generated by the platform.
    if (role.resource?.type === 'AWS::IAM::Role') continue;
    const file = role.loc.file;
    const view = viewOf(file);
    const logicalId = logicalIdOfRole(role.id);
    if (view.template.Resources[logicalId]) continue;
    const statements = role.statements.map((s) => statementJson(s, logicalId, view.origins));
    // SAM policy templates are recorded as `template:<Name>` and expanded into statements: they are not managed policies.
    const attached = role.managedPolicies.filter((p) => !p.value?.startsWith('template:'));
    const managed = propValues(attached);
    view.origins.set(managed, { owner: logicalId, node: attached[0]?.node ?? { kind: 'seq', items: [], loc: role.loc }, items: attached });
    const properties: Record<string, unknown> = {
      Policies: [{ PolicyName: 'generated', PolicyDocument: { Version: '2012-10-17', Statement: statements } }],
    };
    if (managed.length) properties.ManagedPolicyArns = managed;
    view.template.Resources[logicalId] = { Type: 'AWS::IAM::Role', Properties: properties };
    view.resources.set(logicalId, { logicalId, type: 'AWS::IAM::Role', loc: role.loc });
  }
  return views;
}
