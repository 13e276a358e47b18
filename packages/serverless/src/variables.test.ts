import { describe, expect, it } from 'vitest';
import { parseVariables } from './syntax.js';
import { offsetMap } from './locate.js';
import { FILE, plain, pos, run } from './testing.js';

const diags = (r: ReturnType<typeof run>) => r.model.diagnostics.filter((d) => d.ruleId === 'unresolved-variable');

describe('self references', () => {
  it('resolves ${self:path} keeping the type of a whole-variable value, at the variable', () => {
    const r = run(`service: brand
custom:
  mem: 512
  tags:
    team: core
provider:
  memorySize: \${self:custom.mem}
  tags: \${self:custom.tags}
  name: \${self:service}-api
`);
    expect(r.at('provider', 'memorySize')).toMatchObject({ kind: 'scalar', value: 512 });
    expect(pos(r.at('provider', 'memorySize')!.loc)).toBe('7:15-7:33');
    const tags = r.at('provider', 'tags');
    expect(plain(tags)).toEqual({ team: 'core' });
    // The map stands where the variable is; its entries stay where their text is.
    expect(pos(tags!.loc)).toBe('8:9-8:28');
    expect(tags?.kind === 'map' && pos(tags.entries[0]!.keyLoc)).toBe('5:5-5:9');
    expect(plain(r.at('provider', 'name'))).toBe('brand-api');
    expect(diags(r)).toEqual([]);
  });

  it('resolves nested variables inside the address first', () => {
    const yaml = `custom:
  memory:
    dev: 256
    prod: 2048
provider:
  stage: \${opt:stage, 'dev'}
  memorySize: \${self:custom.memory.\${sls:stage}}
  other: \${self:custom.memory.\${opt:stage, self:provider.stage}}
`;
    expect(plain(run(yaml).at('provider', 'memorySize'))).toBe(256);
    expect(plain(run(yaml, {}, { stage: 'prod' }).at('provider', 'memorySize'))).toBe(2048);
    expect(plain(run(yaml, {}, { options: { stage: 'prod' } }).at('provider', 'other'))).toBe(2048);
    expect(plain(run(yaml).at('provider', 'other'))).toBe(256);
  });

  it('resolves list indexes and values that refer to siblings through other variables', () => {
    const r = run(`custom:
  list: [a, b]
  base: \${self:custom.list.1}
  derived: \${self:custom.base}-x
  whole: \${self:custom}
x: \${self:custom.derived}
`);
    expect(plain(r.at('x'))).toBe('b-x');
    // A map that contains a reference to itself is a cycle.
    expect(plain(r.at('custom', 'whole'))).toBe('<unresolved: ${self:custom}>');
    expect(diags(r)).toHaveLength(1);
    expect(pos(diags(r)[0]!.loc)).toBe('5:10-5:24');
  });

  it('supports old-style ${self:provider.stage} and region with framework defaults', () => {
    const r = run(`provider:
  name: aws
a: \${self:provider.stage}
b: \${self:provider.region}
`);
    expect(plain(r.at('a'))).toBe('dev');
    expect(plain(r.at('b'))).toBe('us-east-1');
    const set = run(`provider:
  stage: qa
  region: eu-west-1
a: \${self:provider.stage}-\${aws:region}
`);
    expect(plain(set.at('a'))).toBe('qa-eu-west-1');
  });

  it('reports a missing key at the exact variable', () => {
    const r = run(`custom:
  a: 1
provider:
  memorySize: \${self:custom.nope}
`);
    expect(r.at('provider', 'memorySize')).toMatchObject({ kind: 'unknown', reason: 'unresolved', text: '${self:custom.nope}' });
    expect(diags(r)).toHaveLength(1);
    expect(diags(r)[0]).toMatchObject({ ruleId: 'unresolved-variable', loc: { file: FILE, line: 4, column: 15, endLine: 4, endColumn: 34 } });
    expect(diags(r)[0]!.message).toContain('self:custom.nope');
  });
});

describe('fallbacks and simple sources', () => {
  it('uses fallbacks in order: quoted literals, other sources, numbers', () => {
    const r = run(
      `custom:
  y: from-self
a: \${opt:stage, 'dev'}
b: \${opt:x, "d"}
c: \${opt:x, self:custom.y}
d: \${opt:x, env:NOPE, env:HOME, 'z'}
e: \${opt:x, 10}
f: \${opt:x, \${self:custom.y}}
g: \${env:NOPE, 'default, with comma'}
h: \${opt:given, 'no'}
i: \${env:EMPTY, 'x'}
`,
      {},
      { env: { HOME: '/home/me', EMPTY: '' }, options: { given: 'yes' } },
    );
    expect(plain(r.doc)).toMatchObject({
      a: 'dev',
      b: 'd',
      c: 'from-self',
      d: '/home/me',
      e: 10,
      f: 'from-self',
      g: 'default, with comma',
      h: 'yes',
      i: '',
    });
    expect(diags(r)).toEqual([]);
  });

  it('falls back to the stage in effect when --stage is not given', () => {
    expect(plain(run(`provider:\n  stage: prod\na: \${opt:stage}\nb: \${sls:stage}\n`).doc)).toMatchObject({ a: 'prod', b: 'prod' });
    expect(plain(run(`a: \${opt:stage}\nb: \${sls:stage}\n`).doc)).toMatchObject({ a: 'dev', b: 'dev' });
    expect(plain(run(`provider:\n  stage: \${opt:stage}\nb: \${sls:stage}\n`).doc)).toMatchObject({ provider: { stage: 'dev' }, b: 'dev' });
    expect(plain(run(`provider:\n  stage: prod\nb: \${sls:stage}\n`, {}, { stage: 'test' }).doc)).toMatchObject({ b: 'test' });
  });

  it('reports a variable with no value and no usable fallback', () => {
    const r = run(`a: \${opt:x, env:NOPE}\n`);
    expect(plain(r.at('a'))).toBe('<unresolved: ${opt:x, env:NOPE}>');
    expect(diags(r)).toHaveLength(1);
    expect(pos(diags(r)[0]!.loc)).toBe('1:4-1:22');
    expect(diags(r)[0]!.message).toMatch(/option --x is not set.*NOPE is not set/);
  });

  it('resolves env, aws:region and strToBool', () => {
    const r = run(`a: \${env:TABLE}\nb: \${aws:region}\nc: \${strToBool(\${env:FLAG})}\nd: \${aws:partition}\n`, {}, { env: { TABLE: 't1', FLAG: 'true' }, region: 'cn-north-1' });
    expect(plain(r.doc)).toEqual({ a: 't1', b: 'cn-north-1', c: true, d: 'aws-cn' });
  });
});

describe('deploy-time values', () => {
  it('turns ssm, cf, s3, secretsmanager, aws:accountId and sls:instanceId into deploy-time unknowns without a diagnostic', () => {
    const r = run(`a: \${ssm:/brand/db-password}
b: \${cf:other-stack.QueueUrl}
c: \${s3:bucket/key}
d: \${secretsmanager:brand/key}
e: \${aws:accountId}
f: \${sls:instanceId}
g: arn:aws:sqs:\${aws:region}:\${aws:accountId}:queue
h: \${ssm(us-east-1):/x}
i: \${cf.eu-west-1:stack.Out}
j: \${param:domain}
`);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'h', 'i', 'j']) expect(r.at(key)).toMatchObject({ kind: 'unknown', reason: 'deploy-time' });
    expect(r.at('a')).toMatchObject({ text: '${ssm:/brand/db-password}', loc: { line: 1, column: 4 } });
    // An embedded deploy-time value makes the whole string unknown; resolvable parts are filled in.
    expect(r.at('g')).toMatchObject({ kind: 'unknown', reason: 'deploy-time', text: 'arn:aws:sqs:us-east-1:${aws:accountId}:queue' });
    expect(diags(r)).toEqual([]);
  });

  it('propagates a deploy-time value through self references', () => {
    const r = run(`custom:\n  secret: \${ssm:/x}\nprovider:\n  environment:\n    API_KEY: \${self:custom.secret}\n`);
    expect(r.at('provider', 'environment', 'API_KEY')).toMatchObject({ kind: 'unknown', reason: 'deploy-time', text: '${ssm:/x}', loc: { line: 5, column: 14 } });
  });

  it('keeps a deploy-time value as the answer even with a fallback', () => {
    expect(run(`a: \${ssm:/x, 'fallback'}\n`).at('a')).toMatchObject({ kind: 'unknown', reason: 'deploy-time' });
  });
});

describe('params', () => {
  it('reads v4 stages.<stage>.params, then stages.default.params', () => {
    const yaml = `stages:
  default:
    params:
      domain: dev.example.com
      size: 128
  prod:
    params:
      domain: example.com
a: \${param:domain}
b: \${param:size}
c: \${param:nope, 'x'}
`;
    expect(plain(run(yaml).doc)).toMatchObject({ a: 'dev.example.com', b: 128, c: 'x' });
    expect(plain(run(yaml, {}, { stage: 'prod' }).doc)).toMatchObject({ a: 'example.com', b: 128 });
    expect(plain(run(yaml, {}, { options: { 'param:domain': 'cli.example.com' } }).doc)).toMatchObject({ a: 'cli.example.com' });
  });

  it('reads v3 params.<stage> and params.default', () => {
    const yaml = `params:\n  default:\n    a: 1\n  prod:\n    a: 2\nx: \${param:a}\n`;
    expect(plain(run(yaml).at('x'))).toBe(1);
    expect(plain(run(yaml, {}, { stage: 'prod' }).at('x'))).toBe(2);
  });
});

describe('cycles', () => {
  it('reports a cycle once, at the reference that closes it', () => {
    const r = run(`custom:
  a: \${self:custom.b}
  b: \${self:custom.a}
provider:
  memorySize: \${self:custom.a}
`);
    expect(r.at('custom', 'a')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(r.at('custom', 'b')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(r.at('provider', 'memorySize')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(diags(r)).toHaveLength(1);
    expect(diags(r)[0]!.message).toContain('cycle');
    expect(pos(diags(r)[0]!.loc)).toBe('3:6-3:22');
  });

  it('reports a self-reference', () => {
    const r = run(`a: \${self:a}\n`);
    expect(r.at('a')).toMatchObject({ kind: 'unknown' });
    expect(diags(r)).toHaveLength(1);
  });
});

describe('positions of variables inside strings', () => {
  it('computes the column for plain, single-quoted and double-quoted scalars', () => {
    const r = run(`a: pre-\${env:A}-post
b: 'it''s \${env:B}'
c: "tab\\t\${env:C}"
d: >-
  folded \${env:D}
  text
f: |
  \${env:F}
  \${env:F}
e: !Sub 'arn:\${AWS::Partition}:s3:::\${env:E}/*'
`);
    const byLine = new Map(diags(r).map((d) => [d.loc.line, pos(d.loc)]));
    expect(byLine.get(1)).toBe('1:8-1:16');
    expect(byLine.get(2)).toBe('2:11-2:19');
    expect(byLine.get(3)).toBe('3:10-3:18');
    // In a folded scalar the variable's text is found where it is.
    expect(byLine.get(5)).toBe('5:10-5:18');
    expect(byLine.get(10)).toBe('10:37-10:45');
    // The same text twice: the scalar itself.
    expect(byLine.get(7)).toBe('7:4-10:1');
    expect(r.at('e', 'Fn::Sub')).toMatchObject({ kind: 'unknown', text: 'arn:${AWS::Partition}:s3:::${env:E}/*' });
  });

  it('maps value offsets back to quoted source text', () => {
    expect(offsetMap('abc', 'abc')).toEqual([0, 1, 2, 3]);
    expect(offsetMap("'a''b'", "a'b")).toEqual([1, 2, 4, 5]);
    expect(offsetMap('"a\\nb"', 'a\nb')).toEqual([1, 2, 4, 5]);
    expect(offsetMap('"a\\u00e9b"', 'aéb')).toEqual([1, 2, 8, 9]);
    expect(offsetMap('x', 'y')).toBeUndefined();
  });
});

describe('syntax', () => {
  it('leaves CloudFormation Sub placeholders alone', () => {
    const r = run(`Resources:
  a: !Sub 'arn:\${AWS::Partition}:s3:::\${Bucket}/*'
  b: !Sub '\${MyFn.Arn}'
  c: '\${AWS::Region}-\${self:service}'
service: brand
`);
    expect(plain(r.at('Resources', 'a', 'Fn::Sub'))).toBe('arn:${AWS::Partition}:s3:::${Bucket}/*');
    expect(plain(r.at('Resources', 'b', 'Fn::Sub'))).toBe('${MyFn.Arn}');
    expect(plain(r.at('Resources', 'c'))).toBe('${AWS::Region}-brand');
    expect(diags(r)).toEqual([]);
  });

  it('reports bad syntax at the variable', () => {
    const r = run(`a: x-\${self:custom.x\nb: \${opt:stage, }\nc: \${opt:stage, 'dev' extra}\n`);
    const d = diags(r);
    expect(d.map((x) => pos(x.loc))).toEqual(['1:6-1:21', '2:4-2:18', '3:4-3:29']);
    expect(d[0]!.message).toContain('closing');
    expect(r.at('a')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
  });

  it('reports an unknown variable source', () => {
    const r = run(`a: \${git:sha1}\n`);
    expect(r.at('a')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(diags(r)[0]!.message).toContain('"git" is not a variable source');
  });

  it('parses nested variables and fallbacks with offsets into the string', () => {
    const p = parseVariables("x ${self:a.${opt:b}, 'c'} y");
    expect(p.errors).toEqual([]);
    expect(p.pieces.map((x) => x.kind)).toEqual(['text', 'var', 'text']);
    const v = p.pieces[1]!;
    expect(v.kind === 'var' && [v.node.start, v.node.end, v.node.alternatives.length]).toEqual([2, 25, 2]);
    const nested = v.kind === 'var' ? v.node.alternatives[0]!.segments[1] : undefined;
    expect(nested?.kind === 'var' && [nested.node.start, nested.node.text]).toEqual([11, '${opt:b}']);
  });
});

describe('${file()}', () => {
  const files = {
    '/project/config/dev.yml': 'memory: 256\ntable:\n  name: brand-${sls:stage}\nservice: ${self:service}\n',
    '/project/config/prod.yml': 'memory: 2048\n',
    '/project/env.json': '{\n  "LOG_LEVEL": "debug",\n  "NESTED": { "a": 1 }\n}\n',
    '/project/vars.js': 'module.exports = () => ({ a: 1 })',
    '/project/cycle.yml': 'x: ${self:custom.fromFile}\n',
  };

  it('reads YAML and JSON files inside the root, with positions in those files', () => {
    const r = run(
      `service: brand
custom:
  stageConfig: \${file(./config/\${sls:stage}.yml)}
  memory: \${file(./config/dev.yml):memory}
  table: \${file(config/dev.yml):table.name}
  env: \${file(./env.json)}
  level: \${file(./env.json):LOG_LEVEL}
  back: \${file(./config/dev.yml):service}
`,
      files,
    );
    expect(plain(r.at('custom'))).toEqual({
      stageConfig: { memory: 256, table: { name: 'brand-dev' }, service: 'brand' },
      memory: 256,
      table: 'brand-dev',
      env: { LOG_LEVEL: 'debug', NESTED: { a: 1 } },
      level: 'debug',
      back: 'brand',
    });
    const stageConfig = r.at('custom', 'stageConfig');
    expect(stageConfig?.kind === 'map' && stageConfig.entries[0]!.keyLoc).toEqual({ file: '/project/config/dev.yml', line: 1, column: 1, endLine: 1, endColumn: 7 });
    const env = r.at('custom', 'env');
    expect(env?.kind === 'map' && env.entries[1]!.value.loc).toMatchObject({ file: '/project/env.json', line: 3 });
    expect(r.model.fileCount).toBe(2);
    expect(diags(r)).toEqual([]);
  });

  it('never executes code files: their value is unknown (code)', () => {
    const r = run(`custom: \${file(./vars.js)}\nx: \${file(./vars.js):a}\ny: \${self:custom.a}\n`, files);
    expect(r.at('custom')).toMatchObject({ kind: 'unknown', reason: 'code', text: '${file(./vars.js)}' });
    expect(r.at('x')).toMatchObject({ kind: 'unknown', reason: 'code' });
    expect(r.at('y')).toMatchObject({ kind: 'unknown', reason: 'code' });
    expect(r.reads).not.toContain('/project/vars.js');
    expect(diags(r)).toEqual([]);
  });

  it('never reads a file outside the project root and reports it at the variable', () => {
    const r = run(`custom:\n  shared: \${file(../shared/config.yml):memory}\n  abs: \${file(/etc/passwd)}\n`, { '/shared/config.yml': 'memory: 1\n' });
    expect(r.at('custom', 'shared')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(r.at('custom', 'abs')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(r.reads).toEqual([]);
    expect(diags(r).map((d) => pos(d.loc))).toEqual(['2:11-2:47', '3:8-3:28']);
    expect(diags(r)[0]!.message).toContain('outside the project root');
  });

  it('resolves paths from the directory of serverless.yml', () => {
    const r = run(`a: \${file(./local.yml):x}\nb: \${file(../top.yml):y}\n`, { '/project/svc/local.yml': 'x: 1\n', '/project/top.yml': 'y: 2\n' }, {}, '/project/svc/serverless.yml');
    expect(plain(r.doc)).toEqual({ a: 1, b: 2 });
  });

  it('reports a missing file or key unless a fallback applies', () => {
    const r = run(`a: \${file(./nope.yml):x}\nb: \${file(./nope.yml):x, 'fb'}\nc: \${file(./config/prod.yml):nope}\n`, files);
    expect(plain(r.at('b'))).toBe('fb');
    expect(diags(r).map((d) => d.loc.line)).toEqual([1, 3]);
    expect(diags(r)[0]!.message).toContain('nope.yml does not exist');
  });

  it('reports parse errors of included files and treats their value as unknown', () => {
    const r = run(`a: \${file(./bad.yml)}\n`, { '/project/bad.yml': 'a: [\n' });
    expect(r.at('a')).toMatchObject({ kind: 'unknown', reason: 'unresolved' });
    expect(r.model.diagnostics.some((d) => d.ruleId === 'parse-error' && d.loc.file === '/project/bad.yml')).toBe(true);
  });

  it('detects a cycle that goes through a file', () => {
    const r = run(`custom:\n  fromFile: \${file(./cycle.yml):x}\n`, files);
    expect(r.at('custom', 'fromFile')).toMatchObject({ kind: 'unknown' });
    expect(diags(r)).toHaveLength(1);
    expect(diags(r)[0]!.loc.file).toBe('/project/cycle.yml');
  });

  it('reads a file once however often it is referenced', () => {
    const r = run(`a: \${file(./config/dev.yml):memory}\nb: \${file(./config/dev.yml):memory}\n`, files);
    expect(r.reads.filter((p) => p === '/project/config/dev.yml')).toHaveLength(1);
  });
});
