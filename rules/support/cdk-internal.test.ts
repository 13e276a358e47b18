import { describe, expect, it } from 'vitest';
import { lintFiles } from '../test-support/harness.js';

// A user function and a helper the CDK synthesizes for itself, with the same (unset) settings.
const fn = (path: string) => ({
  Type: 'AWS::Lambda::Function',
  Properties: { Code: { S3Bucket: 'assets', S3Key: 'code.zip' }, Handler: 'index.handler', Role: 'arn:aws:iam::123456789012:role/r', Runtime: 'nodejs22.x', Timeout: 900 },
  Metadata: { 'aws:cdk:path': path },
});
const app = {
  'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
  'cdk.out/Shop.template.json': JSON.stringify(
    {
      Resources: {
        ApiHandler5E7490E8: fn('Shop/Api/Handler/Resource'),
        CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F: fn('Shop/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler'),
        BucketNotificationsHandler050a0587b7544547bf325f094a3db8347ECC3691: fn('Shop/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Resource'),
      },
    },
    undefined,
    1,
  ),
};

describe('functions the CDK creates for itself', () => {
  it('are left alone by the rules about a function\'s own settings, which their users cannot change', async () => {
    const r = await lintFiles(app);
    for (const id of ['log-retention', 'explicit-timeout', 'memory-size', 'missing-alarms']) {
      expect(r.findings.filter((f) => f.ruleId === id).map((f) => f.resource)).toEqual(['Shop/Api/Handler']);
    }
  });

  it('are left alone in a synthesized template linted as CloudFormation (`cdk synth > template.json`)', async () => {
    const r = await lintFiles({ 'template.json': app['cdk.out/Shop.template.json'] });
    for (const id of ['log-retention', 'explicit-timeout', 'memory-size', 'missing-alarms']) {
      expect(r.findings.filter((f) => f.ruleId === id).map((f) => f.resource)).toEqual(['Shop/Api/Handler/Resource']);
    }
  });
});
