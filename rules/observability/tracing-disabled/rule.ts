import { bool, defineRule, get, propAlternatives, type Loc, type Platform, type Prop, type Resource } from '@lambda-lint/core';
import { resolveParameter } from '../../support/values.js';

const FUNCTION_FIX: Record<Platform, string> = {
  serverless: 'Set `provider.tracing.lambda: true` (or `tracing: Active` on the function); the framework adds the X-Ray permissions to the role',
  sam: 'Set `Tracing: Active` on the function or in `Globals.Function`; SAM adds the X-Ray permissions to the generated role',
  cloudformation: 'Set `TracingConfig: { Mode: Active }` and let the role write traces (`xray:PutTraceSegments`, `xray:PutTelemetryRecords`, e.g. the `AWSXRayDaemonWriteAccess` managed policy)',
  cdk: 'Set `tracing: lambda.Tracing.ACTIVE` on the function (CDK adds the X-Ray permissions)',
};

const STAGE_FIX: Record<Platform, string> = {
  serverless: 'Set `provider.tracing.apiGateway: true`',
  sam: 'Set `TracingEnabled: true` on the API or in `Globals.Api`',
  cloudformation: 'Set `TracingEnabled: true` on the stage (`StageDescription.TracingEnabled` for a stage created by an `AWS::ApiGateway::Deployment`)',
  cdk: 'Set `deployOptions: { tracingEnabled: true }` on the `RestApi`',
};

const STATE_MACHINE_FIX: Record<Platform, string> = {
  serverless: 'Set `tracingConfig: { enabled: true }` on the state machine',
  sam: 'Set `Tracing: { Enabled: true }` on the state machine',
  cloudformation: 'Set `TracingConfiguration: { Enabled: true }` on the state machine',
  cdk: 'Set `tracingEnabled: true` on the `StateMachine`',
};

function resourceName(r: Resource | undefined): string | undefined {
  return r ? (r.constructPath ?? r.logicalId) : undefined;
}

/** Where a disabled boolean setting is reported: each alternative that is `false`; nothing when it is unknown or `true`. */
function disabledAt(p: Prop<boolean>): Loc[] {
  return propAlternatives(p).flatMap((a) => (a.value === false ? [a.loc] : []));
}

function fromNote(p: Prop<unknown>): string {
  if (p.inheritedFrom === 'provider') return ' (from `provider.tracing`)';
  if (p.inheritedFrom === 'globals') return ' (from `Globals`)';
  return '';
}

export default defineRule({
  id: 'tracing-disabled',
  category: 'observability',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'X-Ray tracing not `Active` on a function, and not enabled on an API Gateway REST stage, a Step Functions state machine or an AppSync GraphQL API (HTTP and WebSocket APIs cannot trace and are not findings).',
  messages: {
    function:
      '{{name}}: X-Ray tracing is not enabled (no tracing setting, so Lambda uses PassThrough): a request has no end-to-end trace, no latency breakdown across API Gateway, the function and its AWS SDK calls, and a slow or failing downstream call cannot be singled out. {{fix}}.',
    functionNotActive:
      '{{name}}: X-Ray tracing mode is {{mode}}{{from}}, not Active: the function only records a trace when its caller already sampled the request, so most requests have no latency breakdown and a slow or failing downstream call cannot be singled out. {{fix}}.',
    restStage:
      '{{name}}: X-Ray tracing is not enabled on this API Gateway REST stage{{setting}}: traces start at the function, so the time spent in API Gateway (authorizers, integration latency, throttling) is missing and end-to-end latency cannot be broken down. {{fix}}.',
    stateMachine:
      '{{name}}: X-Ray tracing is not enabled on this state machine{{setting}}: an execution has no trace across its states and the functions and services they call, so the slow or failing step is hard to find. {{fix}}.',
    appSync:
      '{{name}}: X-Ray tracing is not enabled on this AppSync GraphQL API{{setting}}: resolver and data source latency is not traced, so a slow query cannot be broken down. Set `XrayEnabled: true` (CDK: `xrayEnabled: true`).',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      // Lambda@Edge functions cannot use X-Ray (CloudFront replicates them to its edge locations).
      if (fn.events.some((e) => e.type === 'cloudfront')) continue;
      const fix = FUNCTION_FIX[fn.platform];
      if (!fn.tracing) {
        ctx.report({ messageId: 'function', data: { name: fn.name, fix }, loc: fn.loc, fn });
        continue;
      }
      for (const alt of propAlternatives(fn.tracing)) {
        if (alt.value === undefined || alt.value === 'Active') continue;
        ctx.report({ messageId: 'functionNotActive', data: { name: fn.name, mode: alt.value, from: fromNote(fn.tracing), fix }, loc: alt.loc, fn });
      }
    }

    for (const stage of ctx.model.apis) {
      // HTTP and WebSocket APIs have no X-Ray integration: nothing to enable.
      if (stage.kind !== 'rest') continue;
      const resource = resourceName(stage.resource) ?? stage.name;
      const data = { name: stage.name, fix: STAGE_FIX[stage.platform] };
      if (!stage.tracing) {
        ctx.report({ messageId: 'restStage', data: { ...data, setting: '' }, loc: stage.loc, resource });
        continue;
      }
      for (const loc of disabledAt(stage.tracing)) {
        const key = stage.platform === 'serverless' ? '`provider.tracing.apiGateway`' : '`TracingEnabled`';
        ctx.report({ messageId: 'restStage', data: { ...data, setting: ` (${key} is false${stage.tracing.inheritedFrom === 'globals' ? ' in `Globals`' : ''})` }, loc, resource });
      }
    }

    for (const sm of ctx.model.stateMachines) {
      const resource = resourceName(sm.resource) ?? sm.name;
      const data = { name: sm.name, fix: STATE_MACHINE_FIX[sm.platform] };
      if (!sm.tracing) {
        ctx.report({ messageId: 'stateMachine', data: { ...data, setting: '' }, loc: sm.loc, resource });
        continue;
      }
      for (const loc of disabledAt(sm.tracing)) {
        const key = sm.platform === 'serverless' ? '`tracingConfig.enabled`' : sm.platform === 'sam' ? '`Tracing.Enabled`' : '`TracingConfiguration.Enabled`';
        ctx.report({ messageId: 'stateMachine', data: { ...data, setting: ` (${key} is false)` }, loc, resource });
      }
    }

    for (const r of ctx.model.resources) {
      if (r.type !== 'AWS::AppSync::GraphQLApi') continue;
      const name = resourceName(r)!;
      const node = get(r.properties, 'XrayEnabled');
      if (!node) {
        ctx.report({ messageId: 'appSync', data: { name, setting: '' }, loc: r.loc, resource: name });
        continue;
      }
      if (bool(resolveParameter(ctx.model, r.file, node)) === false) {
        ctx.report({ messageId: 'appSync', data: { name, setting: ' (`XrayEnabled` is false)' }, loc: node.loc, resource: name });
      }
    }
  },
});
