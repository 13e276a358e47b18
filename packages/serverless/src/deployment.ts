import {
  entry,
  get,
  isMap,
  items,
  str,
  type AppModel,
  type GradualDeployment,
  type LambdaFunction,
  type MapValue,
  type Prop,
  type TriggerType,
  type Value,
} from '@lambda-lint/core';
import { deploymentStrategy } from '@lambda-lint/cloudformation';

const CANARY_PLUGIN = 'serverless-plugin-canary-deployments';
const ALIAS_PLUGIN = 'serverless-aws-alias';

/**
 * The events serverless-plugin-canary-deployments points at the alias it creates (API Gateway
 * methods and v2 integrations, ALB target groups, event source mappings, SNS, S3, EventBridge rules,
 * CloudWatch Logs subscriptions, IoT topic rules). Function URLs, Cognito and Alexa triggers keep
 * invoking `$LATEST`.
 */
const CANARY_REDIRECTED: ReadonlySet<TriggerType> = new Set<TriggerType>([
  'http', 'httpApi', 'websocket', 'alb', 'sqs', 'kinesis', 'dynamodbStream', 'kafka', 'mq',
  'sns', 's3', 'eventbridge', 'schedule', 'cloudwatchLogs', 'iot',
]);

/**
 * Aliases and gradual deployments that plugins create for the service's functions:
 *
 * - serverless-plugin-canary-deployments: a function with `deploymentSettings` (merged over
 *   `custom.deploymentSettings`, as the plugin does) gets the alias `<alias>` and a CodeDeploy
 *   deployment group (`type`, `alarms`), and its events invoke the alias; nothing happens when
 *   `custom.deploymentSettings.stages` lists stages and the current one is not among them.
 * - serverless-aws-alias: every function gets an alias named after the stage (`provider.alias`),
 *   which its events invoke; no traffic shifting.
 *
 * `provisionedConcurrency` (framework): the alias `provisioned`, which every event invokes.
 *
 * `provider.versionFunctions` only publishes versions: no trigger invokes them, so it is no alias.
 */
export function applyDeploymentPlugins(root: MapValue, model: AppModel, file: string, stage: string): void {
  const plugins = pluginItems(get(root, 'plugins'));
  const functions = model.functions.filter((f) => f.file === file && f.platform === 'serverless');
  for (const fn of functions) provisionedAlias(fn);
  const canary = plugins.find((p) => str(p) === CANARY_PLUGIN);
  if (canary) canaryDeployments(root, functions, stage);
  const aliasPlugin = plugins.find((p) => str(p) === ALIAS_PLUGIN);
  if (aliasPlugin) {
    const configured = get(root, 'provider', 'alias');
    const name: Prop<string> = configured ? { value: str(configured), loc: configured.loc, node: configured } : { value: stage, loc: aliasPlugin.loc, node: aliasPlugin };
    for (const fn of functions) {
      if (fn.alias) continue;
      fn.alias = { name, loc: aliasPlugin.loc };
      for (const t of fn.events) t.qualifier = { kind: 'alias' };
    }
  }
}

/**
 * `provisionedConcurrency`: the framework publishes a version, creates the alias `provisioned` for it and
 * points every event (function URL included) at that alias.
 */
function provisionedAlias(fn: LambdaFunction): void {
  const pc = entry(fn.node, 'provisionedConcurrency');
  if (!pc || (pc.value.kind === 'scalar' && (pc.value.value === null || pc.value.value === 0))) return;
  fn.alias = { name: { value: 'provisioned', loc: pc.keyLoc, node: pc.value }, loc: pc.keyLoc };
  for (const t of fn.events) t.qualifier = { kind: 'alias', logicalId: `${fn.logicalId.replace(/LambdaFunction$/, '')}ProvConcLambdaAlias` };
}

/** `plugins: [a, b]` or `plugins: { modules: [a, b] }`. */
function pluginItems(v: Value | undefined): Value[] {
  if (isMap(v)) return items(get(v, 'modules'));
  return items(v);
}

function canaryDeployments(root: MapValue, functions: LambdaFunction[], stage: string): void {
  const global = get(root, 'custom', 'deploymentSettings');
  const stages = get(global, 'stages');
  if (stages?.kind === 'seq' && stages.items.length > 0) {
    const names = stages.items.map(str);
    // A stage list that cannot be read offline: the plugin may or may not run; keep the settings.
    if (names.every((n) => n !== undefined) && !names.includes(stage)) return;
  }
  for (const fn of functions) {
    const own = entry(fn.node, 'deploymentSettings');
    if (!own) continue;
    const setting = (key: string): Value | undefined => {
      const v = get(own.value, key) ?? get(global, key);
      return v && !(v.kind === 'scalar' && v.value === null) ? v : undefined;
    };
    const aliasNode = setting('alias');
    const name: Prop<string> = aliasNode ? { value: str(aliasNode), loc: aliasNode.loc, node: aliasNode } : { value: undefined, loc: own.keyLoc, node: own.value };
    const aliasId = name.value !== undefined ? `${fn.logicalId}Alias${name.value}` : undefined;
    fn.alias = { name, loc: own.keyLoc };
    for (const t of fn.events) {
      if (CANARY_REDIRECTED.has(t.type)) t.qualifier = aliasId ? { kind: 'alias', logicalId: aliasId } : { kind: 'alias' };
    }
    const deployment: GradualDeployment = { alarms: [], loc: own.keyLoc };
    const typeNode = setting('type');
    if (typeNode) {
      deployment.type = { value: str(typeNode), loc: typeNode.loc, node: typeNode };
      const strategy = deploymentStrategy(str(typeNode));
      if (strategy) deployment.strategy = strategy;
    }
    for (const alarm of items(setting('alarms'))) {
      // A logical id (`FooAlarm`), or `{ name: BarAlarm }` for an alarm outside the stack.
      const v = isMap(alarm) && get(alarm, 'name') ? get(alarm, 'name')! : alarm;
      deployment.alarms.push({ value: str(v), loc: v.loc, node: v });
    }
    fn.deployment = deployment;
  }
}
