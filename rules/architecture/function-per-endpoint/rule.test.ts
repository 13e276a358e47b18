import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';
import { resourceOf } from './rule.js';

const ID = 'function-per-endpoint';
const own = (r: Awaited<ReturnType<typeof lintFiles>>) => r.findings.filter((f) => f.ruleId === ID);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('function-per-endpoint', () => {
  it('takes the first literal path segment as the resource', () => {
    expect(['/brands/{id}', 'brands', '/{tenant}/orders/{id}', '/', '*', undefined].map(resourceOf)).toEqual(['/brands', '/brands', '/orders', undefined, undefined, undefined]);
  });

  describe('serverless.yml', () => {
    // Functions start on line 8; each takes 4 lines (key, handler, events, event), so function i is on line 8 + 4i.
    const app = (count: number, extra: (i: number) => string = () => '', provider = '') => {
      let yml = `service: brand-admin\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\n${provider}functions:\n`;
      const files: Record<string, string> = {};
      for (const i of range(count)) {
        const resource = i % 2 === 0 ? 'brands' : 'orders';
        yml += `  route-${i}:\n    handler: src/route${i}.handler\n    events:\n      - httpApi: GET /${resource}/r${i}\n${extra(i)}`;
        files[`src/route${i}.ts`] = 'export const handler = async () => ({ statusCode: 200 });\n';
      }
      files['serverless.yml'] = yml;
      return files;
    };

    it('reports more than 10 single-route functions with the same settings once, at the first function', async () => {
      const r = await lintFiles(app(11));
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 8, 3, 8, 10)]);
      const [finding] = own(r);
      expect(finding?.message).toContain('11 functions (route-0, route-1, route-2, route-3, route-4 and 6 more) each serve one HTTP route');
      expect(finding?.message).toContain('memory 256 MB, timeout 10 s, runtime nodejs22.x');
      expect(finding?.message).toContain('(e.g. /brands: 6 routes, /orders: 5 routes)');
      expect(finding?.function).toBe('route-0');
      expect(finding?.related?.map((x) => x.loc.line)).toEqual([12, 16, 20, 24, 28]);
      expect(finding?.related?.[0]?.message).toBe('route-1 serves GET /orders/r1 with the same settings');
    });

    it('does not report 10 such functions', async () => {
      expect(positions(await lintFiles(app(10)), ID)).toEqual([]);
    });

    it('takes the threshold from options', async () => {
      const r = await lintFiles(app(4), { config: { rules: { [ID]: ['info', { threshold: 3 }] } } });
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 8, 3, 8, 10)]);
    });

    it('compares effective values: an explicit value equal to the inherited or default one is the same setting', async () => {
      // route-3 repeats the provider's memory; everyone gets the framework's default timeout (6 s).
      const files = app(11, (i) => (i === 3 ? '    memorySize: 256\n' : ''));
      files['serverless.yml'] = files['serverless.yml']!.replace('  timeout: 10\n', '');
      const r = await lintFiles(files);
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 7, 3, 7, 10)]);
      expect(own(r)[0]?.message).toContain('timeout 6 s');
    });

    it('does not group functions whose memory, timeout or runtime differ', async () => {
      expect(positions(await lintFiles(app(11, (i) => (i === 10 ? '    memorySize: 1024\n' : ''))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(11, (i) => (i === 0 ? '    timeout: 29\n' : ''))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(11, (i) => (i === 5 ? '    runtime: nodejs24.x\n' : ''))), ID)).toEqual([]);
    });

    it('leaves out a function whose memory cannot be known offline', async () => {
      expect(positions(await lintFiles(app(11, (i) => (i === 0 ? '    memorySize: ${ssm:/brand/memory}\n' : ''))), ID)).toEqual([]);
    });

    it('leaves out functions with more than one event', async () => {
      expect(positions(await lintFiles(app(11, (i) => (i === 2 ? '      - httpApi: POST /brands\n' : ''))), ID)).toEqual([]);
      expect(positions(await lintFiles(app(11, (i) => (i === 2 ? '      - schedule: rate(5 minutes)\n' : ''))), ID)).toEqual([]);
    });

    const statements = (table: string) =>
      `    iamRoleStatements:\n      - Effect: Allow\n        Action: [dynamodb:GetItem]\n        Resource: !GetAtt ${table}.Arn\n`;

    it('compares per-function IAM statements by effect, action and resource', async () => {
      // The same statement in every function (serverless-iam-roles-per-function) is the same permission.
      const same = await lintFiles(app(11, () => statements('AdminTable')));
      expect(positions(same, ID)).toEqual([at(ID, 'tooGranular', 8, 3, 8, 10)]);
      // Each function reads its own table: least privilege per route is a reason to keep them apart.
      expect(positions(await lintFiles(app(11, (i) => statements(i === 7 ? 'AuditTable' : 'AdminTable'))), ID)).toEqual([]);
    });

    it('treats action names case-insensitively and ignores statement order', async () => {
      const two = (first: string, second: string) =>
        `    iamRoleStatements:\n      - Effect: Allow\n        Action: ${first}\n        Resource: '*'\n      - Effect: Allow\n        Action: ${second}\n        Resource: '*'\n`;
      const r = await lintFiles(app(11, (i) => (i % 2 === 0 ? two('xray:PutTraceSegments', 'cloudwatch:PutMetricData') : two('cloudwatch:putMetricData', 'xray:PutTraceSegments'))));
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 8, 3, 8, 10)]);
    });
  });

  describe('CloudFormation', () => {
    // The first function, `Route0Function`, is on line 8 (columns 3-17).
    const template = (count: number, props: (i: number) => string = () => '', role: (i: number) => string = () => 'brand-admin') => {
      let yml = `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      Name: brand-admin\n      ProtocolType: HTTP\n`;
      for (const i of range(count)) {
        yml += `  Route${i}Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/${role(i)}
      Code: { ZipFile: 'exports.handler = async () => ({ statusCode: 200 });' }
${props(i)}  Route${i}Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Route${i}Function.Arn
  Route${i}:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Api
      RouteKey: GET /brands/r${i}
      Target: !Sub integrations/\${Route${i}Integration}
`;
      }
      return { 'template.yaml': yml };
    };

    it('reports functions that all get the 128 MB / 3 s defaults, at the first function', async () => {
      // Route1Function sets the default explicitly: still the same setting.
      const r = await lintFiles(template(11, (i) => (i === 1 ? '      MemorySize: 128\n' : '')));
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 8, 3, 8, 17)]);
      expect(own(r)[0]?.message).toContain('memory 128 MB, timeout 3 s, runtime nodejs22.x');
      expect(own(r)[0]?.message).toContain('/brands: 11 routes');
    });

    it('does not group functions with different roles', async () => {
      const r = await lintFiles(template(11, () => '', (i) => (i === 4 ? 'brand-audit' : 'brand-admin')));
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    // Function i is on line 9 + 11i.
    const sam = (count: number, policies: (i: number) => string = () => '        - DynamoDBReadPolicy:\n            TableName: !Ref AdminTable\n') => {
      let yml = `Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: nodejs22.x\n    CodeUri: src/\n    MemorySize: 256\n    Timeout: 10\nResources:\n`;
      const files: Record<string, string> = {};
      for (const i of range(count)) {
        yml += `  Route${i}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: route${i}.handler
      Policies:
${policies(i)}      Events:
        Get:
          Type: Api
          Properties:
            Path: /brands/r${i}
            Method: GET
`;
        files[`src/route${i}.ts`] = 'export const handler = async () => ({ statusCode: 200 });\n';
      }
      files['template.yaml'] = yml;
      return files;
    };

    it('reports single-route functions with Globals settings and the same policy template', async () => {
      const r = await lintFiles(sam(11));
      expect(positions(r, ID)).toEqual([at(ID, 'tooGranular', 9, 3, 9, 9)]);
      expect(own(r)[0]?.message).toContain('memory 256 MB, timeout 10 s, runtime nodejs22.x');
    });

    it('does not group functions whose policy templates differ in their arguments', async () => {
      const r = await lintFiles(sam(11, (i) => `        - DynamoDBReadPolicy:\n            TableName: !Ref ${i === 3 ? 'AuditTable' : 'AdminTable'}\n`));
      expect(positions(r, ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
