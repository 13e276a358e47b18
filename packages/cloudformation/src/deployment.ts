import {
  get,
  intrinsic,
  items,
  str,
  templateText,
  type GradualDeployment,
  type LambdaFunction,
  type Resource,
  type Trigger,
  type Value,
} from '@lambda-lint/core';
import { referencedIds } from './refs.js';
import { booleanProp, prop, stringProp, type TemplateContext } from './template.js';

/** `Canary10Percent5Minutes`, `CodeDeployDefault.LambdaLinear10PercentEvery1Minute`, `AllAtOnce` -> the strategy. */
export function deploymentStrategy(type: string | undefined): GradualDeployment['strategy'] {
  if (type === undefined) return undefined;
  if (/canary/i.test(type)) return 'canary';
  if (/linear/i.test(type)) return 'linear';
  if (/allatonce/i.test(type)) return 'all-at-once';
  return undefined;
}

/**
 * `AWS::Lambda::Alias` resources become their function's `alias`; an alias whose `UpdatePolicy`
 * names a CodeDeploy deployment group (`CodeDeployLambdaAliasUpdate`) gives the function its `deployment`.
 * `functions` maps logical ids (also of versions and aliases) to the function they stand for.
 */
export function linkAliases(resources: Map<string, Resource>, functions: Map<string, LambdaFunction>, ctx: TemplateContext): void {
  for (const r of resources.values()) {
    if (r.type !== 'AWS::Lambda::Alias') continue;
    const fn = [...referencedIds(prop(r, 'FunctionName'))].map((id) => functions.get(id)).find((f) => f !== undefined);
    if (!fn) continue;
    if (!fn.alias) {
      const name = stringProp(prop(r, 'Name'), ctx) ?? { value: undefined, loc: r.loc, node: r.node };
      fn.alias = { name, loc: r.loc, resource: r };
    }
    const update = get(r.node, 'UpdatePolicy', 'CodeDeployLambdaAliasUpdate');
    if (!update || fn.deployment) continue;
    const groupNode = get(update, 'DeploymentGroupName');
    const group = deploymentGroup(groupNode, resources);
    fn.deployment = group ? deploymentFromGroup(group, resources, ctx) : { alarms: [], loc: update.loc };
  }
}

function deploymentGroup(node: Value | undefined, resources: Map<string, Resource>): Resource | undefined {
  for (const id of referencedIds(node)) {
    const r = resources.get(id);
    if (r?.type === 'AWS::CodeDeploy::DeploymentGroup') return r;
  }
  const name = str(node);
  if (name === undefined) return undefined;
  for (const r of resources.values()) {
    if (r.type === 'AWS::CodeDeploy::DeploymentGroup' && str(prop(r, 'DeploymentGroupName')) === name) return r;
  }
  return undefined;
}

function deploymentFromGroup(group: Resource, resources: Map<string, Resource>, ctx: TemplateContext): GradualDeployment {
  const deployment: GradualDeployment = { alarms: [], loc: group.loc, resource: group };
  const configNode = prop(group, 'DeploymentConfigName');
  const type = stringProp(configNode, ctx);
  if (type) {
    deployment.type = type;
    // A custom `AWS::CodeDeploy::DeploymentConfig` names its traffic routing type.
    const [configId] = referencedIds(configNode);
    const config = configId ? resources.get(configId) : undefined;
    const routing = config ? str(get(prop(config, 'TrafficRoutingConfig'), 'Type')) : undefined;
    const strategy = deploymentStrategy(routing?.replace(/^TimeBased/, '') ?? type.value);
    if (strategy) deployment.strategy = strategy;
  }
  const alarmConfig = prop(group, 'AlarmConfiguration');
  const enabled = booleanProp(get(alarmConfig, 'Enabled'), ctx);
  if (enabled?.value !== false) {
    for (const alarm of items(get(alarmConfig, 'Alarms'))) {
      const name = get(alarm, 'Name');
      if (name) deployment.alarms.push(stringProp(name, ctx)!);
    }
  }
  return deployment;
}

const QUALIFIED_ARN = /\$\{([A-Za-z0-9]+)(?:\.Arn)?\}:([A-Za-z0-9$_-]+)/;

/**
 * Whether a trigger's definition invokes `fn` through an alias or version: it names an
 * `AWS::Lambda::Alias`/`Version` of it, or a qualified ARN (`!Sub ${Fn.Arn}:live`, `!Join [':', [!GetAtt Fn.Arn, live]]`).
 */
export function qualifierOf(
  node: Value | undefined,
  fn: LambdaFunction,
  functions: Map<string, LambdaFunction>,
  resources: Map<string, Resource>,
): Trigger['qualifier'] | undefined {
  if (!node) return undefined;
  const q = get(node, 'Properties', 'Qualifier');
  if (str(get(node, 'Type')) === 'AWS::Lambda::Url' && q) return str(q) === '$LATEST' ? undefined : { kind: /^\d+$/.test(str(q) ?? '') ? 'version' : 'alias' };
  for (const id of referencedIds(node)) {
    if (functions.get(id) !== fn) continue;
    const type = resources.get(id)?.type;
    if (type === 'AWS::Lambda::Alias') return { kind: 'alias', logicalId: id };
    if (type === 'AWS::Lambda::Version') return { kind: 'version', logicalId: id };
    // Not a resource of the template: the alias SAM generates for `AutoPublishAlias`.
    if (!type && id !== fn.logicalId && fn.alias && !fn.alias.resource) return { kind: 'alias', logicalId: id };
  }
  return qualifiedText(node, fn, functions);
}

/** SAM's reference to the alias `AutoPublishAlias` generates: `!Ref Fn.Alias`, `${Fn.Alias}` in a `!Sub`. */
const SAM_ALIAS_REF = /^([A-Za-z0-9]+)\.Alias$/;
const SAM_ALIAS_SUB = /\$\{([A-Za-z0-9]+)\.Alias\}/g;

function samAlias(ids: Iterable<string>, fn: LambdaFunction, functions: Map<string, LambdaFunction>): Trigger['qualifier'] | undefined {
  if (!fn.alias || fn.alias.resource) return undefined;
  for (const id of ids) {
    if (functions.get(id) !== fn) continue;
    const name = fn.alias.name.value;
    return name !== undefined ? { kind: 'alias', logicalId: `${fn.logicalId}Alias${name.replace(/[^A-Za-z0-9]/g, '')}` } : { kind: 'alias' };
  }
  return undefined;
}

function qualifiedText(node: Value, fn: LambdaFunction, functions: Map<string, LambdaFunction>): Trigger['qualifier'] | undefined {
  const fnName = intrinsic(node)?.fn;
  if (fnName === 'Ref') {
    const m = SAM_ALIAS_REF.exec(str(intrinsic(node)!.arg) ?? '');
    return m ? samAlias([m[1]!], fn, functions) : undefined;
  }
  if (fnName === 'Fn::Sub' || fnName === 'Fn::Join') {
    const text = templateText(node) ?? '';
    const viaSam = samAlias([...text.matchAll(SAM_ALIAS_SUB)].map((m) => m[1]!), fn, functions);
    if (viaSam) return viaSam;
    const m = QUALIFIED_ARN.exec(text);
    if (m && functions.get(m[1]!) === fn && m[2] !== '$LATEST') return { kind: /^\d+$/.test(m[2]!) ? 'version' : 'alias' };
    return undefined;
  }
  if (node.kind === 'map') {
    for (const e of node.entries) {
      const q = qualifiedText(e.value, fn, functions);
      if (q) return q;
    }
  } else if (node.kind === 'seq') {
    for (const i of node.items) {
      const q = qualifiedText(i, fn, functions);
      if (q) return q;
    }
  }
  return undefined;
}
