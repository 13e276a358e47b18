import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const handler = 'export const handler = async () => ({ statusCode: 200, body: "ok" });\n';
const ID = 'no-gradual-deployment';

describe('no-gradual-deployment', () => {
  describe('serverless.yml', () => {
    const app = (settings: string, top = '') => ({
      'serverless.yml': `service: brand\nprovider:\n  name: aws\n  runtime: nodejs20.x\nplugins:\n  - serverless-plugin-canary-deployments\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    events:\n      - httpApi: GET /brands\n${settings}${top}`,
      'src/ingest.ts': handler,
    });

    it('accepts a canary with alarms, also from custom defaults', async () => {
      expect(positions(await lintFiles(app('    deploymentSettings:\n      type: Linear10PercentEvery1Minute\n      alias: Live\n      alarms:\n        - name: brand-errors\n')), ID)).toEqual([]);
      const top = 'custom:\n  deploymentSettings:\n    type: Canary10Percent5Minutes\n    alarms: [IngestErrorsAlarm]\n';
      expect(positions(await lintFiles(app('    deploymentSettings:\n      alias: Live\n', top)), ID)).toEqual([]);
    });

    it('reports a canary without alarms at the deploymentSettings key', async () => {
      const r = await lintFiles(app('    deploymentSettings:\n      type: Canary10Percent5Minutes\n      alias: Live\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'noAlarms', 12, 5, 12, 23)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain('no automatic rollback');
    });

    it('reports AllAtOnce', async () => {
      const r = await lintFiles(app('    deploymentSettings:\n      type: AllAtOnce\n      alias: Live\n      alarms: [IngestErrorsAlarm]\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'allAtOnce', 12, 5, 12, 23)]);
    });

    it('reports the alias of provisionedConcurrency, which moves at once', async () => {
      const r = await lintFiles(app('    provisionedConcurrency: 2\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'none', 12, 5, 12, 27)]);
      expect(positions(r, 'no-alias')).toEqual([]);
    });

    it('stays silent on a type that cannot be resolved offline', async () => {
      const r = await lintFiles(app('    deploymentSettings:\n      type: ${ssm:/brand/deploy-type}\n      alias: Live\n'));
      expect(positions(r, ID)).toEqual([]);
    });
  });

  describe('SAM', () => {
    const sam = (props: string) => ({
      'template.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  Ingest:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: nodejs20.x\n      CodeUri: src/\n      Handler: ingest.handler\n${props}`,
      'src/ingest.ts': handler,
    });

    it('reports AutoPublishAlias without DeploymentPreference at the alias value', async () => {
      const r = await lintFiles(sam('      AutoPublishAlias: live\n'));
      expect(positions(r, ID)).toEqual([at(ID, 'none', 9, 25, 9, 29)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toMatch(/^Ingest: alias `live` moves to each new version at once: a bad deploy hits 100% of traffic/);
    });

    it('reports a disabled preference, AllAtOnce and a canary without Alarms', async () => {
      const pref = (body: string) => sam(`      AutoPublishAlias: live\n      DeploymentPreference:\n${body}`);
      expect(positions(await lintFiles(pref('        Type: Canary10Percent5Minutes\n        Enabled: false\n        Alarms: [brand-errors]\n')), ID)).toEqual([
        at(ID, 'disabled', 9, 25, 9, 29),
      ]);
      expect(positions(await lintFiles(pref('        Type: AllAtOnce\n')), ID)).toEqual([at(ID, 'allAtOnce', 9, 25, 9, 29)]);
      expect(positions(await lintFiles(pref('        Type: Linear10PercentEvery1Minute\n')), ID)).toEqual([at(ID, 'noAlarms', 9, 25, 9, 29)]);
      expect(positions(await lintFiles(pref('        Type: Canary10Percent5Minutes\n        Alarms:\n          - !Ref IngestErrors\n')), ID)).toEqual([]);
    });

    it('is silent on a function without an alias', async () => {
      expect(positions(await lintFiles(sam('      MemorySize: 256\n')), ID)).toEqual([]);
    });
  });

  describe('CloudFormation', () => {
    const template = (group: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/ingest\n      Code:\n        ZipFile: exports.handler = async () => {}\n  IngestVersion:\n    Type: AWS::Lambda::Version\n    Properties:\n      FunctionName: !Ref Ingest\n  IngestAlias:\n    Type: AWS::Lambda::Alias\n${group ? '    UpdatePolicy:\n      CodeDeployLambdaAliasUpdate:\n        ApplicationName: brand\n        DeploymentGroupName: !Ref IngestGroup\n' : ''}    Properties:\n      FunctionName: !Ref Ingest\n      FunctionVersion: !GetAtt IngestVersion.Version\n      Name: live\n${group}`,
    });
    const group = (config: string, alarms: string) =>
      `  IngestGroup:\n    Type: AWS::CodeDeploy::DeploymentGroup\n    Properties:\n      ApplicationName: brand\n      ServiceRoleArn: arn:aws:iam::123456789012:role/codedeploy\n${config}${alarms}`;

    it('reports an alias without a deployment group at the alias key', async () => {
      expect(positions(await lintFiles(template('')), ID)).toEqual([at(ID, 'none', 15, 3, 15, 14)]);
    });

    it('reports a group without DeploymentConfigName (all at once) or without alarms', async () => {
      expect(positions(await lintFiles(template(group('', ''))), ID)).toEqual([at(ID, 'allAtOnce', 15, 3, 15, 14)]);
      expect(positions(await lintFiles(template(group('      DeploymentConfigName: CodeDeployDefault.LambdaLinear10PercentEvery1Minute\n', ''))), ID)).toEqual([
        at(ID, 'noAlarms', 15, 3, 15, 14),
      ]);
    });

    it('accepts a canary group with an alarm configuration', async () => {
      const alarms = '      AlarmConfiguration:\n        Enabled: true\n        Alarms:\n          - Name: brand-ingest-errors\n';
      expect(positions(await lintFiles(template(group('      DeploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes\n', alarms))), ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
