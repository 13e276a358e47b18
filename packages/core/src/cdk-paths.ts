/**
 * Whether a construct path (`aws:cdk:path`) is one the CDK creates itself: singletons whose id ends in a
 * 32-hex-digit uuid (`LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a`, `AWS679f53fac002430cb0da5b7982bd2287`,
 * `BucketNotificationsHandler050a0587b7544547bf325f094a3db834`), `Custom::` resource providers
 * (`Custom::CDKBucketDeployment<uuid>`, `Custom::S3AutoDeleteObjectsCustomResourceProvider`), and the
 * functions of the custom resource provider framework (`<Provider>/framework-onEvent`). Their users
 * neither write nor can change their settings and policies. Used by the cdk.out reader and by the
 * CloudFormation reader for a synthesized template linted on its own (`cdk synth > template.json`).
 */
export function isFrameworkInternalPath(constructPath: string): boolean {
  return constructPath
    .split('/')
    .some((segment) => /[0-9a-f]{32}$/i.test(segment) || segment.startsWith('Custom::') || PROVIDER_FRAMEWORK_FUNCTIONS.has(segment));
}

const PROVIDER_FRAMEWORK_FUNCTIONS = new Set(['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']);
