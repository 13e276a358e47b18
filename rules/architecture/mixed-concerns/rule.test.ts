import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';
import { isAuthPath } from './rule.js';

const ID = 'mixed-concerns';
const handler = 'export const handler = async () => ({ statusCode: 200 });\n';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === ID);

describe('mixed-concerns', () => {
  it('recognises authentication endpoints', () => {
    expect(['/login', 'POST /register', '/auth/token', '/oauth2/authorize', '/api/v1/signin', '/users/logout', '/session/refresh', '/token', '/auth'].map(isAuthPath)).toEqual(
      Array(9).fill(true),
    );
    expect(['/brands/{id}', '/tokens-report', '/authors', '/logins/stats-x', '$default', '/'].map(isAuthPath)).toEqual([false, false, false, false, false, false]);
  });

  describe('serverless.yml', () => {
    // The function `live` is on line 8 (columns 3-7); its events from line 11.
    const app = (events: string) => ({
      'serverless.yml': `service: brand-live
provider:
  name: aws
  runtime: nodejs22.x
  memorySize: 256
  timeout: 10
functions:
  live:
    handler: src/live.handler
    events:
${events}`,
      'src/live.ts': handler,
    });

    it('reports a function with WebSocket and HTTP routes at its key, relating one event of each', async () => {
      const r = await lintFiles(app('      - websocket: $connect\n      - websocket:\n          route: $default\n      - http: GET /brands/{id}\n      - httpApi: GET /brands\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndHttp', 8, 3, 8, 7)]);
      const [finding] = own(r);
      expect(finding?.message).toContain('live handles both WebSocket route $connect and HTTP route GET /brands/{id}');
      expect(finding?.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([
        [11, 9, 'WebSocket route $connect'],
        [14, 9, 'HTTP route GET /brands/{id}'],
      ]);
    });

    it('names the authentication endpoint when one of the HTTP routes is one', async () => {
      const r = await lintFiles(app('      - websocket: $default\n      - httpApi: GET /brands\n      - httpApi:\n          method: post\n          path: /auth/token\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndAuth', 8, 3, 8, 7)]);
      const [finding] = own(r);
      expect(finding?.message).toContain('live handles both WebSocket route $default and the authentication endpoint POST /auth/token');
      expect(finding?.related?.map((x) => x.loc.line)).toEqual([11, 13]);
    });

    it('counts a function URL and an ALB target as HTTP', async () => {
      expect(positions(await lintFiles(app('      - websocket: $default\n    url: true\n')), ID)).toEqual([at(ID, 'websocketAndHttp', 8, 3, 8, 7)]);
      const alb = await lintFiles(
        app('      - websocket: $default\n      - alb:\n          listenerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/live/1/2\n          priority: 1\n          conditions:\n            path: /live\n'),
      );
      expect(positions(alb, ID)).toEqual([at(ID, 'websocketAndHttp', 8, 3, 8, 7)]);
      expect(own(alb)[0]?.message).toContain('and ALB path /live');
    });

    it('does not report WebSocket-only or HTTP-only functions', async () => {
      expect(positions(await lintFiles(app('      - websocket: $connect\n      - websocket: $disconnect\n      - websocket: $default\n')), ID)).toEqual([]);
      expect(positions(await lintFiles(app('      - httpApi: POST /login\n      - httpApi: GET /brands\n')), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    // The function `Live` is on line 3 (columns 3-7).
    const template = (resources: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Live:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/live
      Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 });' }
  LiveApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: brand-live
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  LiveIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref LiveApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Live.Arn}/invocations
  SubscribeRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref LiveApi
      RouteKey: subscribe
      Target: !Sub integrations/\${LiveIntegration}
${resources}`,
    });
    const restMethod = (pathPart: string) => `  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: brand-live-rest
  BrandsResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: ${pathPart}
  BrandsMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref BrandsResource
      HttpMethod: GET
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Live.Arn}/invocations
`;

    it('reports a WebSocket route and a REST method on one function', async () => {
      const r = await lintFiles(template(restMethod('brands')));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndHttp', 3, 3, 3, 7)]);
      expect(own(r)[0]?.related?.map((x) => [x.loc.line, x.message])).toEqual([
        [24, 'WebSocket route subscribe'],
        [40, 'HTTP route GET /brands'],
      ]);
    });

    it('reports a REST login method as an authentication endpoint', async () => {
      const r = await lintFiles(template(restMethod('login')));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndAuth', 3, 3, 3, 7)]);
      expect(own(r)[0]?.message).toContain('the authentication endpoint GET /login');
    });

    it('does not report the WebSocket function when the HTTP route targets another function', async () => {
      const other = restMethod('brands').replace('${Live.Arn}', '${Brands.Arn}');
      const brands = `  Brands:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/brands
      Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 });' }
`;
      expect(positions(await lintFiles(template(`${other}${brands}`)), ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    // The function `Live` is on line 3 (columns 3-7).
    const sam = (events: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Live:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      CodeUri: src/
      Handler: live.handler
      MemorySize: 256
      Timeout: 10
      Events:
${events}  LiveApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: brand-live
      ProtocolType: WEBSOCKET
      RouteSelectionExpression: $request.body.action
  LiveIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref LiveApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !Sub arn:\${AWS::Partition}:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Live.Arn}/invocations
  ConnectRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref LiveApi
      RouteKey: $connect
      Target: !Sub integrations/\${LiveIntegration}
`,
      'src/live.ts': handler,
    });
    const event = (name: string, type: string, path: string, method: string) =>
      `        ${name}:\n          Type: ${type}\n          Properties:\n            Path: ${path}\n            Method: ${method}\n`;

    it('reports an Api event next to a WebSocket route, at the function key', async () => {
      const r = await lintFiles(sam(event('Brands', 'Api', '/brands', 'GET')));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndHttp', 3, 3, 3, 7)]);
      expect(own(r)[0]?.related?.map((x) => [x.loc.line, x.loc.column])).toEqual([
        [29, 3],
        [12, 9],
      ]);
    });

    it('reports an HttpApi sign-up route as an authentication endpoint', async () => {
      const r = await lintFiles(sam(`${event('Brands', 'HttpApi', '/brands', 'GET')}${event('SignUp', 'HttpApi', '/signup', 'POST')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'websocketAndAuth', 3, 3, 3, 7)]);
      expect(own(r)[0]?.message).toContain('the authentication endpoint POST /signup');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
