import { defineRule, type ApiStage } from '@lambda-lint/core';
import { stageLabel } from '../../support/api.js';
import { isJsonAccessLogFormat } from './json-format.js';

const EXAMPLE = '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","status":"$context.status","latency":"$context.responseLatency"}';

/** Where to configure access logs for this stage, in the user's own format. */
function setting(stage: ApiStage): string {
  const rest = stage.kind === 'rest';
  if (stage.platform === 'serverless' && stage.implicit) {
    const key = { rest: 'restApi', http: 'httpApi', websocket: 'websocket' }[stage.kind];
    return `\`provider.logs.${key}\``;
  }
  if (stage.platform === 'sam' && stage.implicit) return rest ? '`Globals.Api.AccessLogSetting`' : '`Globals.HttpApi.AccessLogSettings`';
  if (stage.platform === 'cdk') return rest ? '`deployOptions.accessLogDestination` with `accessLogFormat: AccessLogFormat.jsonWithStandardFields()`' : '`accessLogSettings` on the stage';
  if (stage.resource?.type === 'AWS::ApiGateway::Deployment') return '`StageDescription.AccessLogSetting`';
  return rest ? '`AccessLogSetting`' : '`AccessLogSettings`';
}

function missingFix(stage: ApiStage): string {
  if (stage.platform === 'serverless' && stage.implicit) {
    if (stage.kind === 'http') return 'Set `provider.logs.httpApi: true`: the framework creates the log group and writes its default JSON format.';
    return `Set ${setting(stage)} with a JSON \`format\` (the framework creates the log group; its default format is a plain-text line), e.g. format: '${EXAMPLE}'.`;
  }
  return `Set ${setting(stage)} with a log group and a JSON format, e.g. '${EXAMPLE}'.`;
}

function formatKey(stage: ApiStage): string {
  if (stage.platform === 'serverless' && stage.implicit) return `${setting(stage).slice(0, -1)}.format\``;
  if (stage.platform === 'cdk') return setting(stage);
  return `${setting(stage).slice(0, -1)}.Format\``;
}

export default defineRule({
  id: 'api-access-logging',
  category: 'observability',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  defaultOptions: {},
  description:
    'An API Gateway REST, HTTP or WebSocket stage (including the implicit APIs of SAM and Serverless events) with no access logs, or with access logs that are not JSON.',
  messages: {
    missing:
      '{{name}} has no access logs: when a client reports failures or an attack needs investigating there is no record of who called which route, with what status and latency. {{fix}}',
    notJson:
      '{{name}} writes access logs as {{what}}, not JSON: CloudWatch Logs Insights cannot filter or aggregate their fields (status, route, latency) in an incident. Set {{key}} to a JSON object, e.g. {{example}}.',
  },
  check(ctx) {
    for (const stage of ctx.model.apis) {
      const resource = stage.resource?.constructPath ?? stage.name;
      const log = stage.accessLog;
      if (!log || (!log.destination && !log.format)) {
        ctx.report({ messageId: 'missing', data: { name: stageLabel(stage), fix: missingFix(stage) }, loc: stage.loc, resource });
        continue;
      }
      const format = log.format?.value;
      if (format === undefined || !log.format || isJsonAccessLogFormat(format)) continue;
      const shown = format.length > 48 ? `${format.slice(0, 45)}...` : format;
      const what = log.defaultFormat ? `the framework's default plain-text line (\`${shown}\`)` : `\`${shown}\``;
      ctx.report({ messageId: 'notJson', data: { name: stageLabel(stage), what, key: formatKey(stage), example: `'${EXAMPLE}'` }, loc: log.format.loc, resource });
    }
  },
});
