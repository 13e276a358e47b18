import { defineRule, get, type Distribution, type Prop } from '@lambda-lint/core';

const ASSET_PREFIX = /^\/?(static|assets|public)(\/|$)/i;
const ASSET_FILE = /\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|otf|eot|html?)$/i;

/** Methods that can serve a file; `POST /assets` is an API that manages assets, not a file server. */
const READ_METHOD = /^(GET|HEAD|ANY|\*)$/i;

/** True for a route (optionally `METHOD /path`) or CloudFront path pattern that names static files. */
export function isAssetPath(path: string): boolean {
  const m = /^\s*([A-Za-z]+|\*)\s+(\S.*)$/.exec(path);
  if (m && !READ_METHOD.test(m[1]!)) return false;
  const p = (m ? m[2]! : path).trim();
  return ASSET_PREFIX.test(p) || ASSET_FILE.test(p) || /(^|\/)favicon\.ico$/i.test(p);
}

function readsFiles(method: Prop<string> | undefined): boolean {
  // An unknown method (unresolved, or a route key that carries it) may be GET.
  return method?.value === undefined || READ_METHOD.test(method.value.trim().split(/\s+/)[0]!);
}

/** Asset path patterns sent to S3: the static files are already off Lambda, the default behaviour is the app (SSR). */
function servesAssetsFromS3(d: Distribution): boolean {
  return d.behaviors.some((b) => !b.isDefault && b.target === 's3' && b.pathPattern?.value !== undefined && isAssetPath(b.pathPattern.value.replace(/\*+$/, '')));
}

export default defineRule({
  id: 'static-assets-via-lambda',
  category: 'architecture',
  severity: 'warning',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'Static files served through Lambda: HTTP routes for asset paths, or a CloudFront distribution whose default behaviour or asset path pattern targets API Gateway or a function URL.',
  messages: {
    route:
      '{{name}}: route {{path}} serves static files through Lambda; every asset request pays an invocation and a possible cold start, and responses are capped at 6 MB. Serve assets from S3 behind CloudFront and keep Lambda for the API.',
    distribution:
      '{{distribution}}: the {{behavior}} sends {{what}} to {{target}}, so static files are served through Lambda, paying an invocation per asset. Point it at an S3 origin and route only `/api/*` to the API.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const fn of ctx.model.functions) {
      for (const trigger of fn.events) {
        if (trigger.type !== 'http' && trigger.type !== 'httpApi' && trigger.type !== 'alb') continue;
        const path = trigger.path;
        if (!path?.value || !isAssetPath(path.value) || !readsFiles(trigger.method)) continue;
        ctx.report({ messageId: 'route', data: { name: fn.name, path: path.value }, loc: path.loc, fn });
      }
    }
    for (const d of ctx.model.distributions) {
      const assetsOnS3 = servesAssetsFromS3(d);
      for (const b of d.behaviors) {
        if (b.target !== 'api-gateway' && b.target !== 'function-url') continue;
        const pattern = b.pathPattern?.value;
        if (b.isDefault ? assetsOnS3 : !(pattern && isAssetPath(pattern.replace(/\*+$/, '')))) continue;
        // The default behaviour is a block of settings; the line to change is its origin.
        const origin = b.isDefault ? get(d.resource.properties, 'DistributionConfig', 'DefaultCacheBehavior', 'TargetOriginId') : undefined;
        ctx.report({
          messageId: 'distribution',
          data: {
            distribution: d.resource.constructPath ?? d.resource.logicalId,
            behavior: b.isDefault ? 'default cache behaviour' : `cache behaviour ${pattern}`,
            what: b.isDefault ? 'every path that no other behaviour matches (the site itself)' : 'asset requests',
            target: b.target === 'api-gateway' ? 'API Gateway' : 'a Lambda function URL',
          },
          loc: b.isDefault ? (origin?.loc ?? b.loc) : (b.pathPattern?.loc ?? b.loc),
          resource: d.resource.constructPath ?? d.resource.logicalId,
        });
      }
    }
  },
});
