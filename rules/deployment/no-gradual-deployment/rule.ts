import { defineRule, type LambdaFunction, type Loc, type Platform } from '@lambda-lint/core';

/** Where to configure a canary deployment with alarms, in the function's own format. */
const FIX: Record<Platform, string> = {
  serverless:
    'Set `deploymentSettings.type` to a canary or linear configuration (e.g. `Canary10Percent5Minutes`) with `alarms` on the function\'s errors (serverless-plugin-canary-deployments)',
  sam: 'Add `DeploymentPreference` with `Type: Canary10Percent5Minutes` (or a Linear type) and `Alarms` on the function\'s errors',
  cloudformation:
    'Add an `AWS::CodeDeploy::DeploymentGroup` with `DeploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes` (or Linear) and an `AlarmConfiguration`, named by the alias\'s `UpdatePolicy.CodeDeployLambdaAliasUpdate`',
  cdk: 'Add a `codedeploy.LambdaDeploymentGroup` for the alias with `deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES` and `alarms`',
};

/** The alias setting findings point at: the `AutoPublishAlias` value, the alias resource's key, the `deploymentSettings` key. */
function aliasLoc(fn: LambdaFunction): Loc {
  const alias = fn.alias!;
  return fn.platform === 'sam' && !alias.resource ? alias.name.loc : alias.loc;
}

export default defineRule({
  id: 'no-gradual-deployment',
  category: 'deployment',
  severity: 'info',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A function with an alias but no canary or linear deployment with alarms (SAM DeploymentPreference, CodeDeploy deployment group, serverless-plugin-canary-deployments).',
  messages: {
    none:
      '{{name}}: alias `{{alias}}` moves to each new version at once: a bad deploy hits 100% of traffic immediately and nothing rolls it back automatically. {{fix}}.',
    disabled:
      '{{name}}: the gradual deployment of alias `{{alias}}` is disabled, so a bad deploy hits 100% of traffic at once with no automatic rollback. {{fix}}.',
    allAtOnce:
      '{{name}}: alias `{{alias}}` is deployed all at once ({{type}}): a bad deploy hits 100% of traffic immediately and there is no window in which an alarm can roll it back. {{fix}}.',
    noAlarms:
      '{{name}}: alias `{{alias}}` shifts traffic gradually ({{type}}) but no alarm watches the shift, so CodeDeploy completes it even when the new version fails: no automatic rollback. Add alarms on the function\'s Errors (and Duration p99) to the deployment.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      if (!fn.alias) continue;
      const d = fn.deployment;
      const alias = fn.alias.name.value ?? '(unresolved)';
      const base = { name: fn.name, alias, fix: FIX[fn.platform] };
      const loc = aliasLoc(fn);
      if (!d) {
        ctx.report({ messageId: 'none', data: base, loc, fn });
        continue;
      }
      const related = [{ loc: d.type?.loc ?? d.loc, message: 'deployment configuration' }];
      if (d.enabled?.value === false) {
        ctx.report({ messageId: 'disabled', data: base, loc, fn, related: [{ loc: d.enabled.loc, message: 'deployment disabled here' }] });
        continue;
      }
      let strategy = d.strategy;
      if (!d.type) {
        // A CodeDeploy deployment group without `DeploymentConfigName` uses CodeDeployDefault.LambdaAllAtOnce.
        if (!d.resource) continue;
        strategy = 'all-at-once';
      } else if (d.type.value === undefined) {
        continue;
      }
      const type = d.type?.value ?? 'CodeDeployDefault.LambdaAllAtOnce';
      if (strategy === 'all-at-once') {
        ctx.report({ messageId: 'allAtOnce', data: { ...base, type }, loc, fn, related });
      } else if ((strategy === 'canary' || strategy === 'linear') && d.alarms.length === 0) {
        ctx.report({ messageId: 'noAlarms', data: { ...base, type }, loc, fn, related });
      }
    }
  },
});
