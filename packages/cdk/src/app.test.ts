import { describe, expect, it } from 'vitest';
import { emptyModel } from '@lambda-lint/core';
import { analyzeCdkApp, appEntry, type CdkIo } from './index.js';

const ROOT = '/app';

function memoryIo(files: Record<string, string>, root = ROOT): CdkIo {
  const map = new Map(Object.entries(files).map(([k, v]) => [`${root}/${k}`, new TextEncoder().encode(v)]));
  return { root, readFile: (p) => map.get(p) };
}

const CDK_JSON = JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts' });

/** The functions an app defines, as `path -> file#export` (`?` for an unknown construct id). */
function functionsOf(files: Record<string, string>) {
  const model = emptyModel(ROOT);
  const app = analyzeCdkApp(ROOT, memoryIo({ 'cdk.json': CDK_JSON, ...files }), model);
  const map = app.functions.map((f) => {
    const path = f.path ? f.path.map((s) => s ?? '?').join('/') : `?/${f.id ?? '?'}`;
    const h = f.handler;
    const target = h ? `${h.modulePath.slice(ROOT.length + 1)}${h.extension ?? ''}#${h.exportName}${h.optional ? ' (optional)' : ''}` : 'none';
    return `${path} -> ${target}`;
  });
  return { map, app, model };
}

const STACK_HEAD = `import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
`;

const APP = `import * as cdk from 'aws-cdk-lib';
import { AppStack } from '../lib/stack';
const app = new cdk.App();
new AppStack(app, 'App');
`;

describe('analyzeCdkApp', () => {
  it('follows stacks and nested constructs to NodejsFunction and lambda.Function', () => {
    const { map } = functionsOf({
      'bin/app.ts': APP,
      'lib/stack.ts': `${STACK_HEAD}
class Api extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new NodejsFunction(this, 'Handler', { entry: path.join(__dirname, '../src/api.ts'), handler: 'main' });
  }
}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Api(this, 'Api');
    new lambda.Function(this, 'Worker', { code: lambda.Code.fromAsset('lambda/worker'), handler: 'app.process', runtime: lambda.Runtime.NODEJS_22_X });
    new NodejsFunction(this, 'Relative', { entry: 'src/relative.ts' });
  }
}
`,
      'src/api.ts': 'export const main = async () => 1;\n',
      'src/relative.ts': 'export const handler = async () => 1;\n',
      'lambda/worker/app.js': 'exports.process = async () => 1;\n',
    });
    expect(map).toEqual([
      'App/Api/Handler -> src/api.ts#main',
      'App/Worker -> lambda/worker/app#process',
      'App/Relative -> src/relative.ts#handler',
    ]);
  });

  it('uses NodejsFunction defaults: entry `<defining file>.<id>.ts`, export `handler`', () => {
    const { map, app } = functionsOf({
      'bin/app.ts': APP,
      'lib/stack.ts': `${STACK_HEAD}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new NodejsFunction(this, 'Ingest');
    new NodejsFunction(this, 'Missing');
  }
}
`,
      'lib/stack.Ingest.ts': 'export const handler = async () => 1;\n',
    });
    // `Missing` has no default entry file: synth would have failed, so we do not guess one.
    expect(map).toEqual(['App/Ingest -> lib/stack.Ingest.ts#handler', 'App/Missing -> none']);
    expect(app.entry).toBe('/app/bin/app.ts');
    expect(app.files).toEqual(['/app/cdk.json', '/app/bin/app.ts', '/app/lib/stack.ts']);
  });

  it('passes props down through constructs, spreads, defaults and destructuring', () => {
    const { map } = functionsOf({
      'bin/app.ts': APP,
      'lib/fn.ts': `import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
const defaults: Partial<NodejsFunctionProps> = { memorySize: 512 };
export interface FnProps { entry: string; handler?: string }
export class Fn extends Construct {
  constructor(scope: Construct, id: string, { entry, handler = 'handler' }: FnProps) {
    super(scope, id);
    new NodejsFunction(this, 'Function', { ...defaults, entry, handler });
  }
}
export class Fn2 extends Construct {
  constructor(scope: Construct, id: string, private readonly props: FnProps) {
    super(scope, id);
    this.create();
  }
  private create() {
    new NodejsFunction(this, 'Function', { entry: this.props.entry, handler: this.props.handler ?? 'handler' });
  }
}
`,
      'lib/stack.ts': `${STACK_HEAD}
import { Fn, Fn2 } from './fn';
const SRC = path.resolve(__dirname, '..', 'src');
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new Fn(this, 'Orders', { entry: 'src/orders.ts' });
    new Fn(this, 'Users', { entry: path.join(SRC, 'users.ts'), handler: 'main' });
    new Fn2(this, 'Carts', { entry: \`\${SRC}/carts.ts\` });
  }
}
`,
      'src/orders.ts': 'export const handler = async () => 1;\n',
      'src/users.ts': 'export const main = async () => 1;\n',
      'src/carts.ts': 'export const handler = async () => 1;\n',
    });
    expect(map).toEqual([
      'App/Orders/Function -> src/orders.ts#handler',
      'App/Users/Function -> src/users.ts#main',
      'App/Carts/Function -> src/carts.ts#handler',
    ]);
  });

  it('unrolls loops over literal arrays and objects (for...of, forEach, Object.entries)', () => {
    const { map } = functionsOf({
      'bin/app.ts': APP,
      'lib/stack.ts': `${STACK_HEAD}
const routes = [
  { name: 'List', file: 'list' },
  { name: 'Get', file: 'get' },
];
const jobs = { Nightly: 'nightly', Hourly: 'hourly' };
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    for (const r of routes) {
      new NodejsFunction(this, r.name, { entry: \`src/\${r.file}.ts\` });
    }
    ['A', 'B'].forEach((name) => new NodejsFunction(this, 'Fn' + name, { entry: 'src/' + name.toLowerCase() + '.ts' }));
    for (const [name, file] of Object.entries(jobs)) new NodejsFunction(this, name, { entry: path.join('src/jobs', file + '.ts') });
  }
}
`,
      'src/list.ts': 'export const handler = 1;\n',
      'src/get.ts': 'export const handler = 1;\n',
      'src/a.ts': 'export const handler = 1;\n',
      'src/b.ts': 'export const handler = 1;\n',
      'src/jobs/nightly.ts': 'export const handler = 1;\n',
      'src/jobs/hourly.ts': 'export const handler = 1;\n',
    });
    expect(map).toEqual([
      'App/List -> src/list.ts#handler',
      'App/Get -> src/get.ts#handler',
      'App/FnA -> src/a.ts#handler',
      'App/FnB -> src/b.ts#handler',
      'App/Nightly -> src/jobs/nightly.ts#handler',
      'App/Hourly -> src/jobs/hourly.ts#handler',
    ]);
  });

  it('reads ESM apps: import.meta.url, fileURLToPath, new URL, aws-cdk-lib namespaces', () => {
    const { map } = functionsOf({
      'cdk.json': JSON.stringify({ app: 'npx tsx bin/app.mts' }),
      'bin/app.mts': `import { App } from 'aws-cdk-lib';
import { AppStack } from '../lib/stack.mjs';
new AppStack(new App(), 'App');
`,
      'lib/stack.mts': `import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cdk from 'aws-cdk-lib';
import { aws_lambda as lambda, Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
const __dirname = dirname(fileURLToPath(import.meta.url));
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new cdk.aws_lambda_nodejs.NodejsFunction(this, 'A', { entry: join(__dirname, '../src/a.mts') });
    new cdk.aws_lambda_nodejs.NodejsFunction(this, 'B', { entry: fileURLToPath(new URL('../src/b.ts', import.meta.url)) });
    new lambda.Function(this, 'C', { code: lambda.Code.fromAsset(join(import.meta.dirname, '../lambda')), handler: 'c.handler', runtime: lambda.Runtime.NODEJS_22_X });
  }
}
`,
      'src/a.mts': 'export const handler = 1;\n',
      'src/b.ts': 'export const handler = 1;\n',
    });
    expect(map).toEqual(['App/A -> src/a.mts#handler', 'App/B -> src/b.ts#handler', 'App/C -> lambda/c#handler']);
  });

  it('reads CommonJS apps (`node bin/app.js`) and prefers the TypeScript source next to compiled JS', () => {
    const js = functionsOf({
      'cdk.json': JSON.stringify({ app: 'node bin/app.js' }),
      'bin/app.js': `const cdk = require('aws-cdk-lib');
const { AppStack } = require('../lib/stack');
const app = new cdk.App();
new AppStack(app, 'App');
`,
      'lib/stack.js': `const path = require('path');
const { Stack } = require('aws-cdk-lib');
const { NodejsFunction } = require('aws-cdk-lib/aws-lambda-nodejs');
class AppStack extends Stack {
  constructor(scope, id) {
    super(scope, id);
    new NodejsFunction(this, 'Fn', { entry: path.join(__dirname, '../src/fn.js') });
  }
}
module.exports = { AppStack };
`,
      'src/fn.js': 'exports.handler = async () => 1;\n',
    });
    expect(js.map).toEqual(['App/Fn -> src/fn.js#handler']);
    expect(appEntry('node bin/app.js', ROOT, memoryIo({ 'bin/app.js': '', 'bin/app.ts': '' }))).toBe('/app/bin/app.ts');
    expect(appEntry('npx ts-node -P tsconfig.dev.json --prefer-ts-exts src/main.ts', ROOT, memoryIo({ 'src/main.ts': '' }))).toBe('/app/src/main.ts');
    expect(appEntry('python3 app.py', ROOT, memoryIo({ 'app.py': '' }))).toBeUndefined();
  });

  it('follows subclasses of NodejsFunction, helper functions, methods and class fields', () => {
    const { map } = functionsOf({
      'bin/app.ts': APP,
      'lib/stack.ts': `${STACK_HEAD}
class TsFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, entry: string) {
    super(scope, id, { entry: path.join(__dirname, '../src', entry), handler: 'run' });
  }
}
class DefaultEntry extends NodejsFunction {}
function worker(scope: Construct, name: string) {
  return new NodejsFunction(scope, name, { entry: \`src/workers/\${name.toLowerCase()}.ts\` });
}
class Api extends Construct {
  private readonly common = { handler: 'main' };
  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.route('Orders');
  }
  route(name: string) {
    new NodejsFunction(this, name, { ...this.common, entry: 'src/routes/' + name + '.ts' });
  }
}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new TsFunction(this, 'Sub', 'sub.ts');
    new DefaultEntry(this, 'Dflt');
    worker(this, 'Resize');
    const api = new Api(this, 'Api');
    api.route('Users');
  }
}
`,
      'src/sub.ts': 'export const run = 1;\n',
      'lib/stack.Dflt.ts': 'export const handler = 1;\n',
      'src/workers/resize.ts': 'export const handler = 1;\n',
      'src/routes/Orders.ts': 'export const main = 1;\n',
      'src/routes/Users.ts': 'export const main = 1;\n',
    });
    expect(map).toEqual([
      'App/Sub -> src/sub.ts#run',
      'App/Dflt -> lib/stack.Dflt.ts#handler',
      'App/Resize -> src/workers/resize.ts#handler',
      'App/Api/Orders -> src/routes/Orders.ts#main',
      'App/Api/Users -> src/routes/Users.ts#main',
    ]);
  });

  it('keeps what it cannot know unknown: dynamic ids, unknown props, inline code, missing entries', () => {
    const { map } = functionsOf({
      'bin/app.ts': `import * as cdk from 'aws-cdk-lib';
import { AppStack } from '../lib/stack';
const app = new cdk.App();
new AppStack(app, \`\${process.env.STAGE}-App\`, { entry: process.env.ENTRY });
`,
      'lib/stack.ts': `${STACK_HEAD}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string, props: { entry?: string }) {
    super(scope, id);
    new NodejsFunction(this, 'Known', { entry: 'src/known.ts' });
    new NodejsFunction(this, 'FromEnv', { entry: props.entry });
    new NodejsFunction(this, 'Gone', { entry: 'src/gone.ts' });
    new lambda.Function(this, 'Inline', { code: lambda.Code.fromInline('exports.handler = 1'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    new lambda.Function(this, 'Bundled', { code: lambda.Code.fromAsset('lambda', { bundling: { image: lambda.Runtime.NODEJS_22_X.bundlingImage } }), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
    new lambda.Function(this, 'Built', { code: lambda.Code.fromAsset('dist/lambda'), handler: 'index.handler', runtime: lambda.Runtime.NODEJS_22_X });
  }
}
`,
      'src/known.ts': 'export const handler = 1;\n',
    });
    expect(map).toEqual([
      '?/Known -> src/known.ts#handler',
      '?/FromEnv -> none',
      '?/Gone -> none',
      '?/Inline -> none',
      '?/Bundled -> lambda/index#handler (optional)',
      '?/Built -> dist/lambda/index#handler (optional)',
    ]);
  });

  it('does not take the initial value of a reassigned variable, nor unroll counting loops', () => {
    const { map } = functionsOf({
      'bin/app.ts': APP,
      'lib/stack.ts': `${STACK_HEAD}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    let entry = 'src/a.ts';
    if (process.env.B) entry = 'src/b.ts';
    new NodejsFunction(this, 'Switch', { entry });
    for (let i = 0; i < 2; i++) new NodejsFunction(this, 'Shard' + i, { entry: 'src/a.ts' });
  }
}
`,
      'src/a.ts': 'export const handler = 1;\n',
      'src/b.ts': 'export const handler = 1;\n',
    });
    expect(map).toEqual(['App/Switch -> none', 'App/? -> src/a.ts#handler']);
  });

  it('reports syntax errors of the app as parse errors and never throws on odd code', () => {
    const { map, model } = functionsOf({
      'bin/app.ts': `import * as cdk from 'aws-cdk-lib';
import { AppStack } from '../lib/stack';
const app = new cdk.App();
new AppStack(app, 'App');
`,
      'lib/stack.ts': `${STACK_HEAD}
export class AppStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new AppStack(this, 'Again');
    this.loop();
    new NodejsFunction(this, 'Fn', { entry: 'src/fn.ts', handler: (
  }
  loop(): void { this.loop(); }
}
`,
      'src/fn.ts': 'export const handler = 1;\n',
    });
    expect(model.diagnostics).toEqual([
      {
        ruleId: 'parse-error',
        message: 'TypeScript syntax error: Expression expected.',
        loc: { file: '/app/lib/stack.ts', line: 13, column: 3, endLine: 13, endColumn: 4 },
      },
    ]);
    expect(map).toEqual(['App/Fn -> none']);
  });

  it('reads nothing without a cdk.json that names a TypeScript or JavaScript entry', () => {
    expect(analyzeCdkApp(ROOT, memoryIo({ 'bin/app.ts': APP })).functions).toEqual([]);
    expect(analyzeCdkApp(ROOT, memoryIo({ 'cdk.json': '{"app": "python3 app.py"}', 'app.py': '' })).files).toEqual(['/app/cdk.json']);
    const model = emptyModel(ROOT);
    analyzeCdkApp(ROOT, memoryIo({ 'cdk.json': '{"app": ' }), model);
    expect(model.diagnostics.map((d) => [d.ruleId, d.loc.line, d.loc.column])).toEqual([['parse-error', 1, 9]]);
  });
});
