import { describe, expect, it } from 'vitest';
import type { ApiStage } from '@lambda-lint/core';
import { FRAMEWORK_ACCESS_LOG_FORMATS } from './apis.js';
import { pos, run } from './testing.js';

const brief = (s: ApiStage) => ({
  kind: s.kind,
  name: s.name,
  at: pos(s.loc),
  implicit: s.implicit,
  ...(s.accessLog ? { format: s.accessLog.format?.value, formatAt: pos(s.accessLog.format?.loc), default: s.accessLog.defaultFormat ?? false } : {}),
  throttling: s.throttling.map((t) => `${t.scope} ${t.burstLimit?.value ?? '-'}/${t.rateLimit?.value ?? '-'} at ${pos(t.loc)}`),
});

const app = (provider: string, resources = '') => `service: brand
provider:
  name: aws
${provider}functions:
  api:
    handler: src/api.handler
    events:
      - http: GET /brands
      - httpApi: GET /v2/brands
  ws:
    handler: src/ws.handler
    events:
      - websocket: $connect
${resources}`;

describe('implicit API stages', () => {
  it('creates one stage per API kind, located at the first event, with no logs or throttling', () => {
    const r = run(app(''));
    expect(r.model.apis.map(brief)).toEqual([
      { kind: 'rest', name: 'ApiGatewayRestApi', at: '8:9-8:13', implicit: true, throttling: [] },
      { kind: 'http', name: 'HttpApi', at: '9:9-9:16', implicit: true, throttling: [] },
      { kind: 'websocket', name: 'WebsocketsApi', at: '13:9-13:18', implicit: true, throttling: [] },
    ]);
  });

  it('skips APIs that live outside the service', () => {
    const r = run(app('  apiGateway:\n    restApiId: abc123\n    websocketApiId: def456\n  httpApi:\n    id: ghi789\n'));
    expect(r.model.apis).toEqual([]);
  });

  it('reads provider.logs: the framework default formats, a custom format, accessLogging: false', () => {
    const r = run(app('  logs:\n    restApi: true\n    httpApi: true\n    websocket:\n      accessLogging: false\n'));
    expect(r.model.apis.map(brief)).toEqual([
      { kind: 'rest', name: 'ApiGatewayRestApi', at: '5:5-5:12', implicit: true, format: FRAMEWORK_ACCESS_LOG_FORMATS.rest, formatAt: '5:14-5:18', default: true, throttling: [] },
      { kind: 'http', name: 'HttpApi', at: '6:5-6:12', implicit: true, format: FRAMEWORK_ACCESS_LOG_FORMATS.http, formatAt: '6:14-6:18', default: true, throttling: [] },
      { kind: 'websocket', name: 'WebsocketsApi', at: '7:5-7:14', implicit: true, throttling: [] },
    ]);
    const custom = run(app('  logs:\n    restApi:\n      format: \'{"id":"$context.requestId"}\'\n'));
    expect(brief(custom.model.apis[0]!)).toMatchObject({ format: '{"id":"$context.requestId"}', formatAt: '6:15-6:44', default: false });
  });

  it('reads usage plan throttles, one plan or a list of named plans', () => {
    const one = run(app('  apiGateway:\n    usagePlan:\n      throttle:\n        burstLimit: 200\n        rateLimit: 100\n'));
    expect(one.model.apis[0]!.throttling.map((t) => `${t.scope} ${t.burstLimit?.value}/${t.rateLimit?.value}`)).toEqual(['usage-plan 200/100']);
    const list = run(app('  apiGateway:\n    usagePlan:\n      - free:\n          throttle:\n            rateLimit: 5\n      - paid:\n          quota:\n            limit: 1000\n'));
    expect(list.model.apis[0]!.throttling.map((t) => `${t.scope} ${t.rateLimit?.value}`)).toEqual(['usage-plan 5']);
    expect(run(app('  apiGateway:\n    usagePlan:\n      quota:\n        limit: 10\n')).model.apis[0]!.throttling).toEqual([]);
  });

  it('applies resources.extensions of the generated HTTP API and WebSocket stages', () => {
    const r = run(
      app(
        '  logs:\n    httpApi: true\n',
        `resources:
  extensions:
    HttpApiStage:
      Properties:
        DefaultRouteSettings:
          ThrottlingBurstLimit: 200
          ThrottlingRateLimit: 100
    WebsocketsDeploymentStage:
      Properties:
        AccessLogSettings:
          DestinationArn: arn:aws:logs:eu-west-1:123456789012:log-group:ws
          Format: '{"requestId":"$context.requestId"}'
`,
      ),
    );
    const [, http, ws] = r.model.apis.map(brief);
    expect(http).toMatchObject({ kind: 'http', default: true, throttling: ['stage 200/100 at 21:11-23:1'] });
    expect(ws).toMatchObject({ kind: 'websocket', format: '{"requestId":"$context.requestId"}', formatAt: '27:19-27:55' });
  });

  it('reads the serverless-api-gateway-throttling plugin settings', () => {
    const r = run(`plugins:\n  - serverless-api-gateway-throttling\ncustom:\n  apiGatewayThrottling:\n    maxRequestsPerSecond: 50\n    maxConcurrentRequests: 20\n${app('')}`);
    expect(r.model.apis[0]!.throttling.map((t) => `${t.scope} ${t.burstLimit?.value}/${t.rateLimit?.value}`)).toEqual(['stage 20/50']);
  });
});

describe('sls package output', () => {
  it('gives the packaged REST deployment stage the access logs that provider.logs.restApi sets', async () => {
    const { emptyModel } = await import('@lambda-lint/core');
    const { parseSource } = await import('@lambda-lint/source');
    const { readServerlessPackage } = await import('./index.js');
    const { linkTemplate } = await import('@lambda-lint/cloudformation');
    const yaml = `service: brand\nprovider:\n  name: aws\n  logs:\n    restApi: true\nfunctions:\n  api:\n    handler: src/api.handler\n    events:\n      - http: GET /brands\n`;
    const template = JSON.stringify(
      {
        Resources: {
          ApiGatewayRestApi: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'dev-brand' } },
          ApiGatewayDeployment1700000000000: { Type: 'AWS::ApiGateway::Deployment', Properties: { RestApiId: { Ref: 'ApiGatewayRestApi' }, StageName: 'dev' } },
        },
      },
      undefined,
      2,
    );
    const file = '/project/.serverless/cloudformation-template-update-stack.json';
    const model = emptyModel('/project');
    const config = parseSource('/project/serverless.yml', yaml, { format: 'yaml' });
    readServerlessPackage(parseSource(file, template, { format: 'json' }), model, { root: '/project', readFile: () => undefined, env: {}, config });
    linkTemplate(model, file);
    const stage = model.apis.find((a) => a.kind === 'rest');
    expect(pos(stage?.accessLog?.format?.loc)).toBe('5:14-5:18');
    expect(stage?.accessLog?.format?.value).toBe(FRAMEWORK_ACCESS_LOG_FORMATS.rest);
  });
});
