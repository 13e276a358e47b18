import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'vpc-without-need';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

const VPC = ['    vpc:', '      securityGroupIds: [sg-0123456789abcdef0]', '      subnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]'];
const serverless = (...fnLines: string[]) =>
  lines('service: s', 'provider:', '  name: aws', '  runtime: nodejs22.x', 'functions:', '  worker:', '    handler: src/worker.handler', ...fnLines);

const S3_ONLY = lines(
  "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';",
  'const s3 = new S3Client({});',
  "export const handler = async (event: { key: string }) => s3.send(new GetObjectCommand({ Bucket: 'b', Key: event.key }));",
);

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}
const vpc = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'vpcWithoutNeed', line, column, endLine, endColumn);

describe(ID, () => {
  it('reports a VPC function that only calls public AWS APIs, at its vpc setting', async () => {
    const r = await lintFiles({ 'serverless.yml': serverless(...VPC), 'src/worker.ts': S3_ONLY });
    expect(positions(r, ID)).toEqual([vpc(9, 7, 11, 1)]);
    const f = r.findings.find((x) => x.ruleId === ID)!;
    expect(f.message).toContain('worker is attached to a VPC but its handler (src/worker.ts) reaches no VPC-only resource');
    expect(f).toMatchObject({ severity: 'warning', function: 'worker' });
  });

  it('reports a provider-level VPC at the provider setting', async () => {
    const r = await found({
      'serverless.yml': lines('service: s', 'provider:', '  name: aws', '  runtime: nodejs22.x', '  vpc:', '    securityGroupIds: [sg-1]', '    subnetIds: [subnet-1]', 'functions:', '  worker:', '    handler: src/worker.handler'),
      'src/worker.ts': S3_ONLY,
    });
    expect(r).toEqual([vpc(6, 5, 8, 1)]);
  });

  describe('not a finding', () => {
    const cases: [string, Record<string, string>][] = [
      ['a pg pool', { 'src/worker.ts': lines("import pg from 'pg';", 'const pool = new pg.Pool({ max: 1 });', "export const handler = async () => pool.query('select 1');") }],
      ['an ioredis client in a local module', { 'src/worker.ts': lines("import { cache } from './cache';", "export const handler = async () => cache.get('k');"), 'src/cache.ts': lines("import Redis from 'ioredis';", 'export const cache = new Redis(process.env.REDIS_URL ?? "");') }],
      ['a local CommonJS module the analysis cannot follow', { 'src/worker.js': lines("const { cache } = require('./cache');", 'exports.handler = async () => cache.get("k");'), 'src/cache.js': lines("const Redis = require('ioredis');", 'exports.cache = new Redis(process.env.REDIS_URL);') }],
      ['an OpenSearch client', { 'src/worker.mjs': lines("import { Client } from '@opensearch-project/opensearch';", 'const os = new Client({ node: process.env.SEARCH_URL });', "export const handler = async () => os.search({ index: 'brands' });") }],
      ['a private IP in code', { 'src/worker.ts': lines("export const handler = async () => fetch('http://10.0.4.12:8080/health');") }],
      ['an internal host name in code', { 'src/worker.ts': lines("const BASE = 'https://inventory.internal';", 'export const handler = async () => fetch(`${BASE}/stock`);') }],
    ];
    for (const [name, files] of cases) {
      it(name, async () => {
        const handlerFile = Object.keys(files)[0]!;
        const yml = serverless(...VPC).replace('src/worker.handler', `${handlerFile.replace(/\.[a-z]+$/, '')}.handler`);
        expect(await found({ 'serverless.yml': yml, ...files })).toEqual([]);
      });
    }
    it('an RDS endpoint in the environment (literal or GetAtt of an RDS resource)', async () => {
      expect(await found({ 'serverless.yml': serverless('    environment:', '      DB_HOST: db.c0ffee.eu-west-1.rds.amazonaws.com', ...VPC), 'src/worker.ts': S3_ONLY })).toEqual([]);
      const cfn = lines(
        "AWSTemplateFormatVersion: '2010-09-09'",
        'Resources:',
        '  Db:',
        '    Type: AWS::RDS::DBInstance',
        '    Properties: { Engine: postgres, DBInstanceClass: db.t4g.micro, AllocatedStorage: "20" }',
        '  Worker:',
        '    Type: AWS::Lambda::Function',
        '    Properties:',
        '      Runtime: nodejs22.x',
        '      Handler: src/worker.handler',
        '      Code: ./',
        '      Role: arn:aws:iam::123456789012:role/worker',
        '      Environment:',
        '        Variables:',
        '          DB_HOST: !GetAtt Db.Endpoint.Address',
        '      VpcConfig:',
        '        SecurityGroupIds: [sg-1]',
        '        SubnetIds: [subnet-1]',
      );
      expect(await found({ 'template.yaml': cfn, 'src/worker.ts': S3_ONLY })).toEqual([]);
      const sub = cfn.replace('DB_HOST: !GetAtt Db.Endpoint.Address', "DB_URL: !Sub 'postgres://${Db.Endpoint.Address}:5432/app'");
      expect(await found({ 'template.yaml': sub, 'src/worker.ts': S3_ONLY })).toEqual([]);
      // The same template without the database variable: only public APIs.
      expect(await found({ 'template.yaml': cfn.replace(/      Environment:\n.*\n.*\n/, ''), 'src/worker.ts': S3_ONLY })).toEqual([vpc(14, 9, 16, 1)]);
    });
    it('a host variable only known at deploy time, an empty or deploy-time VPC, an unresolved handler', async () => {
      expect(await found({ 'serverless.yml': serverless('    environment:', '      DB_HOST: ${ssm:/db/host}', ...VPC), 'src/worker.ts': S3_ONLY })).toEqual([]);
      expect(await found({ 'serverless.yml': serverless('    vpc: ${ssm:/network/vpc}'), 'src/worker.ts': S3_ONLY })).toEqual([]);
      expect(await found({ 'serverless.yml': serverless('    vpc:', '      securityGroupIds: []', '      subnetIds: []'), 'src/worker.ts': S3_ONLY })).toEqual([]);
      expect(await found({ 'serverless.yml': serverless(...VPC) })).toEqual([]);
    });
    it('a function without a VPC', async () => {
      expect(await found({ 'serverless.yml': serverless(), 'src/worker.ts': S3_ONLY })).toEqual([]);
    });
  });

  it('reads SAM VpcConfig', async () => {
    const sam = lines(
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Worker:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Runtime: nodejs22.x',
      '      CodeUri: src/',
      '      Handler: worker.handler',
      '      VpcConfig:',
      '        SecurityGroupIds: [sg-1]',
      '        SubnetIds: [subnet-1]',
    );
    expect(await found({ 'template.yaml': sam, 'src/worker.ts': S3_ONLY })).toEqual([vpc(10, 9, 12, 1)]);
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
