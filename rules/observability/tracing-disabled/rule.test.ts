import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'tracing-disabled';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

describe(ID, () => {
  describe('serverless.yml', () => {
    const app = (fn: string, provider = '', extra = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs22.x\n${provider}functions:\n  ingest:\n    handler: src/ingest.handler\n${fn}${extra}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without tracing at its key', async () => {
      const r = await lintFiles(app('    timeout: 10\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'function', 6, 3, 6, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toMatch(/^ingest: X-Ray tracing is not enabled .*provider\.tracing\.lambda: true/);
    });

    it('accepts provider.tracing.lambda true or Active, and a function-level Active', async () => {
      expect(positions(await lintFiles(app('', '  tracing:\n    lambda: true\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('', '  tracing:\n    lambda: Active\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('    tracing: Active\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('    tracing: true\n')), ID)).toEqual([]);
    });

    it('reports PassThrough at the value, on the function or the provider', async () => {
      const own = await lintFiles(app('    tracing: PassThrough\n'));
      expect(positions(own, ID)).toEqual([at(ID, 'functionNotActive', 8, 14, 8, 25)]);
      const inherited = await lintFiles(app('', '  tracing:\n    lambda: PassThrough\n'));
      expect(positions(inherited, ID)).toEqual([at(ID, 'functionNotActive', 6, 13, 6, 24)]);
      expect(inherited.findings.find((f) => f.ruleId === ID)?.message).toContain('mode is PassThrough (from `provider.tracing`)');
    });

    it('reads provider.tracing.lambda false as PassThrough, and a function Active overrides it', async () => {
      expect(positions(await lintFiles(app('', '  tracing:\n    lambda: false\n')), ID)).toEqual([at(ID, 'functionNotActive', 6, 13, 6, 18)]);
      expect(positions(await lintFiles(app('    tracing: Active\n', '  tracing:\n    lambda: false\n')), ID)).toEqual([]);
    });

    it('stays silent on a value that cannot be resolved offline', async () => {
      expect(positions(await lintFiles(app('    tracing: ${ssm:/brand/tracing}\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('', '  tracing:\n    lambda: ${ssm:/brand/tracing}\n')), ID)).toEqual([]);
    });

    it('reports the REST API of http events from provider.tracing.apiGateway, never the HTTP or WebSocket API', async () => {
      const events = '    events:\n      - http: GET /brands\n      - httpApi: GET /brands/{id}\n      - websocket: $connect\n';
      const tracing = (api: string) => `  tracing:\n    lambda: true\n${api}`;
      const r = await lintFiles(app(events, tracing('')));
      expect(positions(r, ID)).toEqual([at(ID, 'restStage', 11, 9, 11, 13)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('provider.tracing.apiGateway: true');
      expect(positions(await lintFiles(app(events, tracing('    apiGateway: true\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(events, tracing('    apiGateway: false\n'))), ID)).toEqual([at(ID, 'restStage', 7, 17, 7, 22)]);
      expect(positions(await lintFiles(app(events.replace('      - http: GET /brands\n', ''), tracing(''))), ID)).toEqual([]);
    });

    it('exempts a Lambda@Edge function (a cloudFront event): X-Ray does not support Lambda@Edge', async () => {
      const edge = '    events:\n      - cloudFront:\n          eventType: viewer-request\n          origin: s3://brand-assets.s3.amazonaws.com/\n';
      const r = await lintFiles(app(edge));
      expect(positions(r, ID)).toEqual([]);
      expect(r.model.functions[0]?.events.map((e) => [e.type, e.loc.line, e.loc.column])).toEqual([['cloudfront', 9, 9]]);
      // An explicit PassThrough is not reported either: Active is not available to it.
      expect(positions(await lintFiles(app(`    tracing: PassThrough\n${edge}`)), ID)).toEqual([]);
    });

    it('reports a state machine of serverless-step-functions without tracingConfig', async () => {
      const machine = (tracing: string) =>
        `stepFunctions:\n  stateMachines:\n    ingestFlow:\n${tracing}      definition:\n        StartAt: Done\n        States:\n          Done:\n            Type: Succeed\n`;
      const provider = '  tracing:\n    lambda: true\n';
      expect(positions(await lintFiles(app('', provider, machine(''))), ID)).toEqual([at(ID, 'stateMachine', 12, 5, 12, 15)]);
      expect(positions(await lintFiles(app('', provider, machine('      tracingConfig:\n        enabled: false\n'))), ID)).toEqual([
        at(ID, 'stateMachine', 14, 18, 14, 23),
      ]);
      expect(positions(await lintFiles(app('', provider, machine('      tracingConfig:\n        enabled: true\n'))), ID)).toEqual([]);
    });

    it('reads TracingConfig of a function in resources', async () => {
      const resources = (props: string) =>
        `resources:\n  Resources:\n    Legacy:\n      Type: AWS::Lambda::Function\n      Properties:\n        Runtime: nodejs22.x\n        Handler: index.handler\n        Role: arn:aws:iam::123456789012:role/legacy\n        Code:\n          ZipFile: exports.handler = async () => {}\n${props}`;
      const provider = '  tracing:\n    lambda: true\n';
      expect(positions(await lintFiles(app('', provider, resources(''))), ID)).toEqual([at(ID, 'function', 12, 5, 12, 11)]);
      expect(positions(await lintFiles(app('', provider, resources('        TracingConfig:\n          Mode: Active\n'))), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (props: string, more = '') => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n${props}${more}`,
    });
    const active = '      TracingConfig:\n        Mode: Active\n';

    it('reports a function without TracingConfig at its key and accepts Mode Active', async () => {
      const r = await lintFiles(template(''));
      expect(positions(r, ID)).toEqual([at(ID, 'function', 3, 3, 3, 9)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('TracingConfig: { Mode: Active }');
      expect(positions(await lintFiles(template(active)), ID)).toEqual([]);
    });

    it('reports Mode PassThrough at the value', async () => {
      const r = await lintFiles(template('      TracingConfig:\n        Mode: PassThrough\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'functionNotActive', 12, 15, 12, 26)]);
    });

    it('checks each branch of a condition and resolves parameter defaults', async () => {
      const cond = (def: string) => {
        const t = template('      TracingConfig:\n        Mode: !If [IsProd, Active, !Ref Mode]\n');
        t['template.yaml'] = t['template.yaml'].replace(
          'Resources:',
          `Parameters:\n  Mode:\n    Type: String\n${def}Conditions:\n  IsProd: !Equals [!Ref AWS::AccountId, '123456789012']\nResources:`,
        );
        return t;
      };
      expect(positions(await lintFiles(cond('    Default: PassThrough\n')), ID)).toEqual([at(ID, 'functionNotActive', 18, 36, 18, 45)]);
      expect(positions(await lintFiles(cond('')), ID)).toEqual([]);
    });

    it('exempts functions associated to a CloudFront distribution as Lambda@Edge (LambdaFunctionAssociations)', async () => {
      const distribution = (arn: string) =>
        '  FnVersion:\n    Type: AWS::Lambda::Version\n    Properties:\n      FunctionName: !Ref Ingest\n' +
        '  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n' +
        '        Origins:\n          - Id: assets\n            DomainName: brand-assets.s3.amazonaws.com\n            S3OriginConfig: {}\n' +
        `        DefaultCacheBehavior:\n          TargetOriginId: assets\n          ViewerProtocolPolicy: redirect-to-https\n          LambdaFunctionAssociations:\n            - EventType: origin-request\n              LambdaFunctionARN: ${arn}\n`;
      const r = await lintFiles(template('', distribution('!Ref FnVersion')));
      expect(positions(r, ID)).toEqual([]);
      expect(r.model.functions[0]?.events.map((e) => [e.type, e.loc.line, e.loc.column])).toEqual([['cloudfront', 28, 15]]);
      // Also through a version ARN written with !Sub.
      expect(positions(await lintFiles(template('', distribution('!Sub "${Ingest.Arn}:1"'))), ID)).toEqual([]);
      // A distribution that associates no function leaves the function reported.
      expect(positions(await lintFiles(template('', distribution('!Ref FnVersion').replace(/ {10}LambdaFunctionAssociations:[^]*$/, ''))), ID)).toEqual([
        at(ID, 'function', 3, 3, 3, 9),
      ]);
    });

    it('reports REST stages without TracingEnabled, not HTTP or WebSocket stages', async () => {
      const apis =
        '  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: brand\n' +
        '  Prod:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      DeploymentId: dep\n      StageName: prod\n' +
        '  Http:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: brand-http\n      ProtocolType: HTTP\n' +
        '  HttpStage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref Http\n      StageName: $default\n' +
        '  Ws:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: brand-ws\n      ProtocolType: WEBSOCKET\n      RouteSelectionExpression: $request.body.action\n' +
        '  WsStage:\n    Type: AWS::ApiGatewayV2::Stage\n    Properties:\n      ApiId: !Ref Ws\n      StageName: prod\n';
      const r = await lintFiles(template(active, apis));
      expect(positions(r, ID)).toEqual([at(ID, 'restStage', 17, 3, 17, 7)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toMatch(/^Prod: X-Ray tracing is not enabled on this API Gateway REST stage/);
      expect(positions(await lintFiles(template(active, apis.replace('StageName: prod\n', 'StageName: prod\n      TracingEnabled: true\n'))), ID)).toEqual([]);
      expect(positions(await lintFiles(template(active, apis.replace('StageName: prod\n', 'StageName: prod\n      TracingEnabled: false\n'))), ID)).toEqual([
        at(ID, 'restStage', 23, 23, 23, 28),
      ]);
    });

    it('reads StageDescription.TracingEnabled of a deployment that creates a stage', async () => {
      const deployment = (description: string) =>
        `  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Name: brand\n  Deployment:\n    Type: AWS::ApiGateway::Deployment\n    Properties:\n      RestApiId: !Ref Api\n      StageName: prod\n${description}`;
      expect(positions(await lintFiles(template(active, deployment(''))), ID)).toEqual([at(ID, 'restStage', 17, 3, 17, 13)]);
      expect(positions(await lintFiles(template(active, deployment('      StageDescription:\n        TracingEnabled: true\n'))), ID)).toEqual([]);
    });

    it('reports state machines without TracingConfiguration and AppSync APIs without XrayEnabled', async () => {
      const more = (sm: string, appsync: string) =>
        `  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: arn:aws:iam::123456789012:role/flow\n      Definition:\n        StartAt: Done\n        States:\n          Done:\n            Type: Succeed\n${sm}` +
        `  Graph:\n    Type: AWS::AppSync::GraphQLApi\n    Properties:\n      Name: brand\n      AuthenticationType: AWS_IAM\n${appsync}`;
      const r = await lintFiles(template(active, more('', '')));
      expect(positions(r, ID)).toEqual([at(ID, 'stateMachine', 13, 3, 13, 7), at(ID, 'appSync', 22, 3, 22, 8)]);
      expect(
        positions(await lintFiles(template(active, more('      TracingConfiguration:\n        Enabled: false\n', '      XrayEnabled: false\n'))), ID),
      ).toEqual([at(ID, 'stateMachine', 23, 18, 23, 23), at(ID, 'appSync', 29, 20, 29, 25)]);
      expect(
        positions(await lintFiles(template(active, more('      TracingConfiguration:\n        Enabled: true\n', '      XrayEnabled: true\n'))), ID),
      ).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (globals: string, props: string, more = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\n${globals}Resources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs22.x\n      CodeUri: src/\n      Handler: ingest.handler\n${props}${more}`,
      'src/ingest.ts': handler,
    });

    it('reports a function without Tracing and accepts Tracing Active on it or in Globals', async () => {
      expect(positions(await lintFiles(sam('', '')), ID)).toEqual([at(ID, 'function', 3, 3, 3, 9)]);
      expect(positions(await lintFiles(sam('', '      Tracing: Active\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    Tracing: Active\n', '')), ID)).toEqual([]);
    });

    it('exempts a Lambda@Edge function whose published version (`Fn.Version`) a distribution associates', async () => {
      const cdn =
        '  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n' +
        '        DefaultCacheBehavior:\n          TargetOriginId: assets\n          ViewerProtocolPolicy: redirect-to-https\n' +
        '          LambdaFunctionAssociations:\n            - EventType: viewer-request\n              LambdaFunctionARN: !Ref Ingest.Version\n';
      const r = await lintFiles(sam('', '      AutoPublishAlias: live\n', cdn));
      expect(positions(r, ID)).toEqual([]);
      expect(r.model.functions[0]?.events.map((e) => e.type)).toEqual(['cloudfront']);
    });

    it('reports PassThrough from Globals at the Globals value, unless the function overrides it', async () => {
      const r = await lintFiles(sam('Globals:\n  Function:\n    Tracing: PassThrough\n', ''));
      expect(positions(r, ID)).toEqual([at(ID, 'functionNotActive', 4, 14, 4, 25)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('mode is PassThrough (from `Globals`)');
      expect(positions(await lintFiles(sam('Globals:\n  Function:\n    Tracing: PassThrough\n', '      Tracing: Active\n')), ID)).toEqual([]);
    });

    it('reports the implicit REST API of Api events, not the implicit HTTP API, and reads Globals.Api', async () => {
      const events = '      Tracing: Active\n      Events:\n        List:\n          Type: Api\n          Properties:\n            Path: /brands\n            Method: get\n        Get:\n          Type: HttpApi\n          Properties:\n            Path: /brands/{id}\n            Method: get\n';
      const r = await lintFiles(sam('', events));
      expect(positions(r, ID)).toEqual([at(ID, 'restStage', 11, 9, 11, 13)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toMatch(/^ServerlessRestApi: .*`Globals.Api`/);
      expect(positions(await lintFiles(sam('Globals:\n  Api:\n    TracingEnabled: true\n', events)), ID)).toEqual([]);
    });

    it('reports an explicit Api without TracingEnabled and a state machine without Tracing', async () => {
      const more = (api: string, sm: string) =>
        `  BrandApi:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n${api}` +
        `  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: Done\n        States:\n          Done:\n            Type: Succeed\n${sm}`;
      expect(positions(await lintFiles(sam('', '      Tracing: Active\n', more('', ''))), ID)).toEqual([
        at(ID, 'restStage', 10, 3, 10, 11),
        at(ID, 'stateMachine', 14, 3, 14, 7),
      ]);
      expect(
        positions(await lintFiles(sam('', '      Tracing: Active\n', more('      TracingEnabled: true\n', '      Tracing:\n        Enabled: true\n'))), ID),
      ).toEqual([]);
    });
  });

  describe('CDK synth output', () => {
    it('reports a function without TracingConfig, named by its construct path', async () => {
      const fn = (tracing: object) => ({
        Type: 'AWS::Lambda::Function',
        Properties: { Code: { S3Bucket: 'assets', S3Key: 'handler.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/shop', Runtime: 'nodejs22.x', ...tracing },
        Metadata: { 'aws:cdk:path': 'Shop/Api/Handler/Resource' },
      });
      const app = (tracing: object) => ({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': JSON.stringify({ Resources: { ApiHandler5E7490E8: fn(tracing) } }, undefined, 1),
      });
      const r = await lintFiles(app({}));
      expect(positions(r, ID)).toEqual([at(ID, 'function', 3, 3, 3, 23)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toMatch(/^Shop\/Api\/Handler: .*lambda\.Tracing\.ACTIVE/);
      expect(positions(await lintFiles(app({ TracingConfig: { Mode: 'Active' } })), ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
