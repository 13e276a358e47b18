// functionNeeds computes what the platform uses of a role and whether the code is opaque on first read
// (only iam-unused-permission and shared-iam-role read them): the answers must be those of the eager
// calls, whichever is read first and however often.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defineRule } from '@lambda-lint/core';
import { codeOf, opaqueAwsUseOf, platformActionsOf } from '@lambda-lint/handler';
import { lint, memoryHost, nodeHost, toPosix } from '@lambda-lint/linter';
import { functionNeeds } from './permissions.js';

const repo = toPosix(fileURLToPath(new URL('../..', import.meta.url))).replace(/\/$/, '');

interface Seen {
  fn: string;
  platform: string[];
  opaque: string | undefined;
}

/** A rule that reads the lazy needs (opaque first for every other function) and the eager answers, and keeps both. */
function comparingRule(lazy: Seen[], eager: Seen[]) {
  return defineRule({
    id: 'needs-probe',
    category: 'iam',
    severity: 'info',
    scope: 'cross',
    platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
    description: 'test probe',
    messages: {},
    defaultOptions: {},
    check(ctx) {
      const needs = functionNeeds(ctx.model, ctx.handlers);
      [...needs.values()].forEach((n, i) => {
        // Half the functions read opaque first, half platform first; each getter keeps its first answer.
        const seen = i % 2 === 0 ? { opaque: n.opaque, platform: n.platform } : { platform: n.platform, opaque: n.opaque };
        lazy.push({ fn: n.fn.id, platform: [...seen.platform], opaque: seen.opaque });
        expect(n.platform).toBe(seen.platform);
        expect(n.opaque).toBe(seen.opaque);
      });
      const done = new Set<string>();
      for (const binding of ctx.handlers) {
        if (done.has(binding.fn.id)) continue;
        done.add(binding.fn.id);
        const code = codeOf(binding);
        eager.push({ fn: binding.fn.id, platform: platformActionsOf(binding.fn, code), opaque: opaqueAwsUseOf(code) });
      }
    },
  });
}

function needsOf(options: Omit<Parameters<typeof lint>[0], 'rules'>): { lazy: Seen[]; eager: Seen[] } {
  const lazy: Seen[] = [];
  const eager: Seen[] = [];
  lint({ ...options, rules: [comparingRule(lazy, eager)] });
  return { lazy, eager };
}

const projects = ['iam-unused-permission', 'shared-iam-role', 'iam-missing-permission'].flatMap((id) =>
  ['valid', 'invalid'].flatMap((kind) => {
    const dir = `${repo}/rules/security/${id}/fixtures/${kind}`;
    return readdirSync(dir).map((name) => `${dir}/${name}`);
  }),
);

describe('functionNeeds: platform and opaque computed on first read', () => {
  it('gives the eager answers on the IAM rules’ fixtures and the demo', () => {
    let platforms = 0;
    for (const root of [...projects, `${repo}/examples/brand-platform-demo`]) {
      const { lazy, eager } = needsOf({ host: nodeHost({}), paths: [root], root });
      expect(lazy).toEqual(eager);
      platforms += lazy.filter((s) => s.platform.length > 0).length;
    }
    expect(platforms).toBeGreaterThan(5);
  });

  it('gives the eager answers for code whose AWS calls are not all visible', () => {
    const files = {
      'serverless.yml': `service: s
provider:
  name: aws
  runtime: nodejs22.x
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [s3:GetObject]
          Resource: '*'
functions:
  a:
    handler: a.handler
  b:
    handler: b.handler
`,
      'a.ts': `import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from 'some-uploader';
const s3 = new S3Client({});
export const handler = async () => new Upload(s3).done();
`,
      'b.ts': `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
const s3 = new S3Client({});
export const handler = async () => s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
`,
    };
    const root = '/project';
    const { lazy, eager } = needsOf({ host: memoryHost(files, root, {}), paths: [root], root });
    expect(lazy).toEqual(eager);
    // One function opaque (its client handed to a package), one not: both answers are exercised.
    expect(lazy.map((s) => s.opaque === undefined)).toEqual([false, true]);
  });
});
