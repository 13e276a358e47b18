import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeOf } from '@lambda-lint/handler';
import { at, fixtureTests, lintDirectory, lintFiles, positions } from '../../test-support/harness.js';
import { isAssetPath, mayServeFiles, servedFiles } from './rule.js';

const ID = 'static-assets-via-lambda';
const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';

describe('static-assets-via-lambda', () => {
  it('recognises asset paths', () => {
    expect(
      ['/static/{proxy+}', 'assets/app.css', '/public', '/favicon.ico', '/js/app.js', '/img/logo.PNG', 'GET /fonts/brand.woff2', 'ANY /static/{proxy+}', '/index.html'].map(
        isAssetPath,
      ),
    ).toEqual([true, true, true, true, true, true, true, true, true]);
    expect(['/brands/{id}', '/{proxy+}', '/api/assets-report', '/statistics', 'POST /assets', 'DELETE /static/{key}', '*'].map(isAssetPath)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  describe('serverless.yml', () => {
    // The function `web` is on line 8; `events` are its event items from line 11.
    const app = (events: string) => ({
      'serverless.yml': `service: brand-web
provider:
  name: aws
  runtime: nodejs20.x
  memorySize: 256
  timeout: 10
functions:
  web:
    handler: src/web.handler
    events:
${events}`,
      'src/web.ts': handler,
    });

    it('reports asset routes at their path, in http and httpApi string forms', async () => {
      const r = await lintFiles(app("      - http: GET /static/{proxy+}\n      - httpApi: 'GET /assets/app.css'\n"));
      expect(positions(r, ID)).toEqual([at(ID, 'route', 11, 19, 11, 35), at(ID, 'route', 12, 23, 12, 38)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('web: route /static/{proxy+} serves static files through Lambda');
    });

    it('reports asset routes in the object form', async () => {
      const r = await lintFiles(app('      - httpApi:\n          method: GET\n          path: /favicon.ico\n      - http:\n          method: get\n          path: public/logo.png\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'route', 13, 17, 13, 29), at(ID, 'route', 16, 17, 16, 32)]);
    });

    it('reports ALB path conditions for assets', async () => {
      const r = await lintFiles(
        app(
          '      - alb:\n          listenerArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/1/2\n          priority: 1\n          conditions:\n            path: /static/*\n',
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'route', 15, 19, 15, 28)]);
    });

    it('does not report API routes, catch-all routes or writes to an /assets resource', async () => {
      const r = await lintFiles(
        app("      - httpApi: GET /brands/{id}\n      - httpApi: '*'\n      - http: ANY /{proxy+}\n      - httpApi: POST /assets\n      - http:\n          method: delete\n          path: /assets/{id}\n"),
      );
      expect(positions(r, ID)).toEqual([]);
    });
    it('reports a distribution in resources whose default origin is the HTTP or REST API the framework generates', async () => {
      // `HttpApi` / `ApiGatewayRestApi` are not written in the template: the framework creates them from the events.
      const resources = (api: string, domain: string) => `resources:
  Resources:
    Site:
      Type: AWS::CloudFront::Distribution
      Properties:
        DistributionConfig:
          Enabled: true
          Origins:
            - Id: api
              DomainName: ${domain}
              CustomOriginConfig: { OriginProtocolPolicy: https-only }
          DefaultCacheBehavior:
            TargetOriginId: ${api}
            ViewerProtocolPolicy: redirect-to-https
`;
      const http = app(`      - httpApi: GET /brands/{id}\n${resources('api', "!Select [2, !Split ['/', !GetAtt HttpApi.ApiEndpoint]]")}`);
      expect(positions(await lintFiles(http), ID)).toEqual([at(ID, 'distribution', 24, 29, 24, 32)]);
      const rest = app(
        `      - http: GET /brands/{id}\n${resources('api', "!Join ['', [!Ref ApiGatewayRestApi, '.execute-api.', !Ref AWS::Region, '.amazonaws.com']]")}`,
      );
      expect(positions(await lintFiles(rest), ID)).toEqual([at(ID, 'distribution', 24, 29, 24, 32)]);
    });
  });

  describe('SAM', () => {
    // The function `Web` is on line 3; `events` are its Events entries from line 12.
    const sam = (events: string, resources = '') => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31
Resources:
  Web:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      CodeUri: src/
      Handler: web.handler
      MemorySize: 256
      Timeout: 10
      Events:
${events}${resources}`,
      'src/web.ts': handler,
    });
    const event = (name: string, type: string, path: string, method: string) =>
      `        ${name}:\n          Type: ${type}\n          Properties:\n            Path: ${path}\n            Method: ${method}\n`;

    it('reports Api and HttpApi events on asset paths at the Path value', async () => {
      const r = await lintFiles(sam(`${event('Static', 'Api', '/static/{proxy+}', 'GET')}${event('Favicon', 'HttpApi', '/favicon.ico', 'ANY')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'route', 15, 19, 15, 35), at(ID, 'route', 20, 19, 20, 31)]);
    });

    it('does not report API paths or non-read methods', async () => {
      const r = await lintFiles(sam(`${event('Get', 'HttpApi', '/brands/{id}', 'GET')}${event('Upload', 'Api', '/assets', 'post')}`));
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    // The function `Web` is on line 3; `resources` start on line 13.
    const template = (resources: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Web:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      MemorySize: 256
      Timeout: 10
      Role: arn:aws:iam::123456789012:role/web
      Code:
        ZipFile: exports.handler = async () => {}
${resources}`,
    });
    const restApi = (first: string, second: string, method = 'GET') => `  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: brand-web
  FirstResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: ${first}
  SecondResource:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !Ref FirstResource
      PathPart: '${second}'
  WebMethod:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref SecondResource
      HttpMethod: ${method}
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:\${AWS::Region}:lambda:path/2015-03-31/functions/\${Web.Arn}/invocations
`;

    it('reports a REST API method on an asset path built from the resource chain, at the method', async () => {
      const r = await lintFiles(template(restApi('static', '{proxy+}')));
      expect(positions(r, ID)).toEqual([at(ID, 'route', 29, 3, 29, 12)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('route /static/{proxy+}');
    });

    it('does not report REST API methods on API paths or that write', async () => {
      expect(positions(await lintFiles(template(restApi('brands', '{id}'))), ID)).toEqual([]);
      expect(positions(await lintFiles(template(restApi('assets', '{id}', 'PUT'))), ID)).toEqual([]);
    });

    const httpApi = (routeKey: string) => `  HttpApi:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Name: brand-web
      ProtocolType: HTTP
  WebIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref HttpApi
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Web.Arn
      PayloadFormatVersion: '2.0'
  WebRoute:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref HttpApi
      RouteKey: ${routeKey}
      Target: !Sub integrations/\${WebIntegration}
`;

    it('reports an HTTP API route on an asset path at its RouteKey', async () => {
      const r = await lintFiles(template(httpApi("'GET /static/{proxy+}'")));
      expect(positions(r, ID)).toEqual([at(ID, 'route', 29, 17, 29, 39)]);
      expect(positions(await lintFiles(template(httpApi('GET /brands/{id}'))), ID)).toEqual([]);
    });

    const distribution = (origins: string, defaultOrigin: string, behaviors = '') => `  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: brand-web
  Assets:
    Type: AWS::S3::Bucket
  Site:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
${origins}        DefaultCacheBehavior:
          TargetOriginId: ${defaultOrigin}
          ViewerProtocolPolicy: redirect-to-https
${behaviors}`;
    const apiOrigin = `          - Id: api
            DomainName: !Sub '\${Api}.execute-api.\${AWS::Region}.amazonaws.com'
            OriginPath: /prod
            CustomOriginConfig:
              OriginProtocolPolicy: https-only
`;
    const s3Origin = `          - Id: assets
            DomainName: !GetAtt Assets.RegionalDomainName
            S3OriginConfig: {}
`;
    const behavior = (pattern: string, origin: string) =>
      `        CacheBehaviors:\n          - PathPattern: ${pattern}\n            TargetOriginId: ${origin}\n            ViewerProtocolPolicy: redirect-to-https\n`;

    it('reports a distribution whose default behaviour targets API Gateway, at its TargetOriginId', async () => {
      const r = await lintFiles(template(distribution(apiOrigin, 'api')));
      expect(positions(r, ID)).toEqual([at(ID, 'distribution', 31, 27, 31, 30)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('Site: the default cache behaviour sends every path that no other behaviour matches (the site itself) to API Gateway');
    });

    it('reports a default behaviour on a literal execute-api domain', async () => {
      const origin = '          - Id: api\n            DomainName: abc123.execute-api.eu-west-1.amazonaws.com\n            CustomOriginConfig: { OriginProtocolPolicy: https-only }\n';
      expect(positions(await lintFiles(template(distribution(origin, 'api'))), ID)).toEqual([at(ID, 'distribution', 29, 27, 29, 30)]);
    });

    it('reports a default behaviour that targets a function URL', async () => {
      const url = `  WebUrl:\n    Type: AWS::Lambda::Url\n    Properties:\n      AuthType: AWS_IAM\n      TargetFunctionArn: !GetAtt Web.Arn\n`;
      const origin = "          - Id: web\n            DomainName: !Select [2, !Split ['/', !GetAtt WebUrl.FunctionUrl]]\n            CustomOriginConfig: { OriginProtocolPolicy: https-only }\n";
      const r = await lintFiles(template(`${url}${distribution(origin, 'web')}`));
      expect(positions(r, ID)).toEqual([at(ID, 'distribution', 34, 27, 34, 30)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('to a Lambda function URL');
    });

    it('reports an asset path pattern that targets API Gateway, at the pattern', async () => {
      const r = await lintFiles(template(distribution(`${s3Origin}${apiOrigin}`, 'assets', behavior("'/assets/*'", 'api'))));
      expect(positions(r, ID)).toEqual([at(ID, 'distribution', 37, 26, 37, 37)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('the cache behaviour /assets/* sends asset requests to API Gateway');
    });

    it('does not report an S3 default origin with /api/* routed to API Gateway', async () => {
      const r = await lintFiles(template(distribution(`${s3Origin}${apiOrigin}`, 'assets', behavior("'/api/*'", 'api'))));
      expect(positions(r, ID)).toEqual([]);
    });

    it('does not report an API default behaviour when the asset paths go to S3 (server-side rendering)', async () => {
      const r = await lintFiles(template(distribution(`${s3Origin}${apiOrigin}`, 'api', behavior("'/static/*'", 'assets'))));
      expect(positions(r, ID)).toEqual([]);
    });

    it('reads JSON templates', async () => {
      const json = `{
  "Resources": {
    "Web": {
      "Type": "AWS::Lambda::Function",
      "Properties": { "Runtime": "nodejs20.x", "Handler": "index.handler", "MemorySize": 256, "Timeout": 10, "Role": "arn:aws:iam::123456789012:role/web", "Code": { "ZipFile": "exports.handler = async () => {}" } }
    },
    "HttpApi": { "Type": "AWS::ApiGatewayV2::Api", "Properties": { "Name": "brand-web", "ProtocolType": "HTTP" } },
    "WebIntegration": {
      "Type": "AWS::ApiGatewayV2::Integration",
      "Properties": { "ApiId": { "Ref": "HttpApi" }, "IntegrationType": "AWS_PROXY", "IntegrationUri": { "Fn::GetAtt": ["Web", "Arn"] }, "PayloadFormatVersion": "2.0" }
    },
    "FaviconRoute": {
      "Type": "AWS::ApiGatewayV2::Route",
      "Properties": { "ApiId": { "Ref": "HttpApi" }, "RouteKey": "GET /favicon.ico", "Target": { "Fn::Sub": "integrations/\${WebIntegration}" } }
    }
  }
}
`;
      const r = await lintFiles({ 'template.json': json });
      expect(positions(r, ID)).toEqual([at(ID, 'route', 14, 66, 14, 84)]);
    });
  });

  describe('handler code', () => {
    // `web` is on line 7 (columns 3-6); it has no events, so only the code is read.
    const yml = 'service: brand-web\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\nfunctions:\n  web:\n    handler: src/web.handler\n';
    const code = (src: string, extra: Record<string, string> = {}) => ({ 'serverless.yml': yml, 'src/web.ts': src, ...extra });
    const lines = (...l: string[]) => `${l.join('\n')}\n`;
    const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === ID);

    it('reports a file read from __dirname and returned as CSS, at the Content-Type value, relating the read', async () => {
      const r = await lintFiles(
        code(
          lines(
            "import { readFileSync } from 'node:fs';", // 1
            "import { join } from 'node:path';", // 2
            'export const handler = async () => {', // 3
            "  const css = readFileSync(join(__dirname, 'public', 'app.css'), 'utf8');", // 4
            "  return { statusCode: 200, headers: { 'Content-Type': 'text/css' }, body: css };", // 5
            '};',
          ),
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'code', 5, 56, 5, 66)]);
      expect(own(r)[0]!.message).toContain('web: handler reads a file from the deployment package and returns it as text/css');
      expect(own(r)[0]!.related?.map((x) => [x.loc.line, x.loc.column, x.loc.endLine, x.loc.endColumn])).toEqual([[4, 15, 4, 73]]);
    });

    it('reads fs.promises, LAMBDA_TASK_ROOT, relative paths, MIME tables and conditional types in called helpers', async () => {
      const r = await lintFiles(
        code(
          lines(
            "import fs from 'fs';", // 1
            "import { readFile } from 'fs/promises';", // 2
            "const TYPES: Record<string, string> = { '.png': 'image/png', '.woff2': 'font/woff2' };", // 3
            'async function serve(name: string, ext: string) {', // 4
            '  const data = await fs.promises.readFile(`${process.env.LAMBDA_TASK_ROOT}/assets/${name}`);', // 5
            "  return { statusCode: 200, isBase64Encoded: true, headers: { 'content-type': TYPES[ext] }, body: data.toString('base64') };", // 6
            '}', // 7
            'async function page(js: boolean) {', // 8
            "  const body = await readFile('./static/index.js', 'utf8');", // 9
            "  return { statusCode: 200, headers: { 'Content-Type': js ? 'application/javascript' : 'text/plain' }, body };", // 10
            '}', // 11
            'export const handler = async (e: { name: string; ext: string }) => (e.ext ? serve(e.name, e.ext) : page(true));', // 12
          ),
        ),
      );
      expect(positions(r, ID)).toEqual([at(ID, 'code', 6, 79, 6, 89), at(ID, 'code', 10, 56, 10, 100)]);
      expect(own(r).map((f) => f.message.split(' reads')[0])).toEqual(['web: serve', 'web: page']);
    });

    it('reports a createReadStream of the bundle returned as an image', async () => {
      const src = lines(
        "const { createReadStream } = require('fs');", // 1
        "const path = require('path');", // 2
        'exports.handler = async () => {', // 3
        "  const stream = createReadStream(path.resolve(__dirname, 'logo.svg'));", // 4
        "  return { statusCode: 200, headers: { 'Content-Type': 'image/svg+xml' }, body: await streamToString(stream) };", // 5
        '};', // 6
        'async function streamToString(s) { let out = ""; for await (const c of s) out += c; return out; }', // 7
      );
      const r = await lintFiles({ 'serverless.yml': yml, 'src/web.js': src });
      expect(positions(r, ID)).toEqual([at(ID, 'code', 5, 56, 5, 71)]);
    });

    it('does not report /tmp files, JSON responses, HTML templates rendered per request, or unreached code', async () => {
      const src = lines(
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        'export function unused() {',
        "  return { headers: { 'Content-Type': 'text/css' }, body: readFileSync(join(__dirname, 'a.css'), 'utf8') };",
        '}',
        'export const handler = async (event: { name: string; report: boolean }) => {',
        '  if (event.report) {',
        "    const pdf = readFileSync('/tmp/report.png');",
        "    return { statusCode: 200, headers: { 'Content-Type': 'image/png' }, body: pdf.toString('base64') };",
        '  }',
        "  const template = readFileSync(join(__dirname, 'welcome.html'), 'utf8');",
        "  const html = template.replace('{{name}}', event.name);",
        "  return { statusCode: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: html };",
        '};',
      );
      expect(positions(await lintFiles(code(src)), ID)).toEqual([]);
      const json = lines(
        "import { readFile } from 'node:fs/promises';",
        'export const handler = async () => {',
        "  const model = JSON.parse(await readFile(new URL('./model.json', import.meta.url), 'utf8'));",
        "  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(model) };",
        '};',
      );
      expect(positions(await lintFiles(code(json)), ID)).toEqual([]);
    });

    it('reports static HTML returned as read', async () => {
      const src = lines(
        "import { readFileSync } from 'node:fs';", // 1
        "const page = readFileSync(new URL('./index.html', import.meta.url));", // 2
        'export const handler = async () => {', // 3
        "  const html = readFileSync(new URL('./index.html', import.meta.url));", // 4
        "  return { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: html.toString() + String(page.length) };", // 5
        '};', // 6
        'export const handler2 = async () => {',
        "  const html = readFileSync(new URL('./index.html', import.meta.url));",
        "  return { statusCode: 200, headers: { 'Content-Type': 'text/html' }, body: html.toString('utf8') };",
        '};',
      );
      const r = await lintFiles({ ...code(src), 'serverless.yml': `${yml}  web2:\n    handler: src/web.handler2\n` });
      expect(positions(r, ID)).toEqual([at(ID, 'code', 9, 56, 9, 67)]);
    });
    // A file read and a Content-Type spelled with escapes (the identifier, the string), beside a regular expression with one.
    const escaped = lines(
      "import * as fs from 'node:fs';", // 1
      "import { join } from 'node:path';", // 2
      "const plus = /\\+/g;", // 3
      'export const handler = async () => {', // 4
      "  const css = fs['re\\x61dFileSync'](join(__dirname, 'public', 'app.css'), 'utf8');", // 5
      "  return { statusCode: 200, headers: { 'Content\\x2DType': 'text/css' }, body: css.replace(plus, ' ') };", // 6
      '};',
    );
    const escapedName = escaped.replace("fs['re\\x61dFileSync']", 're\\u0061dFileSync').replace("import * as fs from 'node:fs';", "import { readFileSync } from 'node:fs';");

    it('reads a file read and a Content-Type written with escapes', async () => {
      expect(positions(await lintFiles(code(escaped)), ID)).toEqual([at(ID, 'code', 6, 59, 6, 69)]);
      expect(escapedName).toContain('re\\u0061dFileSync(join');
      expect(positions(await lintFiles(code(escapedName)), ID)).toEqual([at(ID, 'code', 6, 59, 6, 69)]);
    });

    it('tells from the files which handlers cannot serve a file, as the look at their reachable code finds', async () => {
      const fixtures = fileURLToPath(new URL('fixtures/', import.meta.url));
      const demo = fileURLToPath(new URL('../../../examples/brand-platform-demo/', import.meta.url));
      const regexOnly = lines("const plus = /\\+/g;", "export const handler = async (key: string) => ({ statusCode: 200, headers: { 'Content-Type': 'text/css' }, body: key.replace(plus, ' ') });");
      const results = [
        ...(await Promise.all(['invalid/sam-code', 'invalid/serverless-code', 'valid/serverless-code', 'valid/sam'].map((c) => lintDirectory(fixtures + c)))),
        await lintDirectory(demo),
        await lintFiles(code(escaped)),
        await lintFiles(code(escapedName)),
        await lintFiles(code(regexOnly)),
      ];
      let toldNo = 0;
      let serving = 0;
      for (const r of results) {
        for (const binding of r.handlers) {
          const code = codeOf(binding);
          const served = servedFiles(code, true).map((f) => `${f.functionName} ${f.contentType}`);
          if (served.length > 0) serving++;
          // Told it cannot: the look at every reachable call finds nothing either.
          if (!code.fileNodes.some(mayServeFiles)) {
            toldNo++;
            expect(served).toEqual([]);
          }
          expect(servedFiles(code)).toEqual(servedFiles(code, true));
        }
      }
      // Neither list is empty: handlers are told no, and handlers serve files (the fixtures', the escaped cases').
      expect(toldNo).toBeGreaterThan(3);
      expect(serving).toBeGreaterThanOrEqual(4);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
