import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '@lambda-lint/core';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'shared-iam-role';
const own = (r: { findings: Finding[] }) => r.findings.filter((f) => f.ruleId === ID);
const lines = (...l: string[]): string => `${l.join('\n')}\n`;

const code = (command: string) =>
  lines(
    `import { DynamoDBClient, ${command} } from '@aws-sdk/client-dynamodb';`,
    'const db = new DynamoDBClient({});',
    `export const handler = async (id: string) => db.send(new ${command}({ TableName: 'brands', Key: { id: { S: id } }, Item: { id: { S: id } } }));`,
  );

/** Provider statements from line 8; functions `reader` (GetItem) and `writer` (PutItem). */
function app(statements: string[], functions: string[] = ['  reader:', '    handler: src/reader.handler', '  writer:', '    handler: src/writer.handler']) {
  return {
    'serverless.yml': lines('service: brand', 'provider:', '  name: aws', '  runtime: nodejs22.x', '  iam:', '    role:', '      statements:', ...statements, 'functions:', ...functions),
    'src/reader.ts': code('GetItemCommand'),
    'src/writer.ts': code('PutItemCommand'),
  };
}

const TABLE = '          Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/brands';

describe(ID, () => {
  it('reports a provider statement whose actions only some functions use, at the first such action', async () => {
    const r = await lintFiles(app(['        - Effect: Allow', '          Action:', '            - dynamodb:GetItem', '            - dynamodb:PutItem', TABLE]));
    expect(positions(r, ID)).toEqual([at(ID, 'shared', 10, 15, 10, 31)]);
    const f = own(r)[0]!;
    expect(f.severity).toBe('warning');
    expect(f.message).toBe(
      'provider-level statement: every function of the service gets dynamodb:GetItem and dynamodb:PutItem, but dynamodb:GetItem is only used by reader and dynamodb:PutItem is only used by writer. Through the shared provider role, a bug or a compromised dependency in reader and writer can use them. Move the statement to the functions that need it (serverless-iam-roles-per-function `iamRoleStatements` on the function).',
    );
    expect(f.related?.map((x) => [x.loc.line, x.loc.column, x.message])).toEqual([[11, 15, 'dynamodb:PutItem: only used by writer']]);
  });

  it('names the functions that do not need the grant', async () => {
    const r = await lintFiles(app(['        - Effect: Allow', '          Action: dynamodb:PutItem', TABLE]));
    expect(positions(r, ID)).toEqual([at(ID, 'shared', 9, 19, 9, 35)]);
    expect(own(r)[0]!.message).toContain('gets dynamodb:PutItem, but dynamodb:PutItem is only used by writer. Through the shared provider role, a bug or a compromised dependency in reader can use them.');
  });

  describe('not a finding', () => {
    it('a provider statement every function uses', async () => {
      const files = app(['        - Effect: Allow', '          Action: dynamodb:*Item', TABLE]);
      expect(positions(await lintFiles({ ...files, 'src/reader.ts': files['src/writer.ts'] }), ID)).toEqual([]);
    });
    it('an action no function uses (that is iam-unused-permission), and a service with one function', async () => {
      const unused = await lintFiles(app(['        - Effect: Allow', '          Action: dynamodb:DeleteItem', TABLE]));
      expect(positions(unused, ID)).toEqual([]);
      expect(positions(unused, 'iam-unused-permission')).toEqual([at('iam-unused-permission', 'unused', 9, 19, 9, 38)]);
      expect(positions(await lintFiles(app(['        - Effect: Allow', '          Action: dynamodb:PutItem', TABLE], ['  writer:', '    handler: src/writer.handler'])), ID)).toEqual([]);
    });
    it('per-function roles that do not inherit the provider statements', async () => {
      const files = app(
        ['        - Effect: Allow', '          Action: dynamodb:GetItem', TABLE],
        ['  reader:', '    handler: src/reader.handler', '  writer:', '    handler: src/writer.handler', '    iamRoleStatements:', '      - Effect: Allow', '        Action: dynamodb:PutItem', '        Resource: arn:aws:dynamodb:eu-west-1:123456789012:table/brands'],
      );
      expect(positions(await lintFiles(files), ID)).toEqual([]);
    });
    it('when a handler of the service cannot be read', async () => {
      const files = app(['        - Effect: Allow', '          Action: dynamodb:PutItem', TABLE], ['  reader:', '    handler: src/missing.handler', '  writer:', '    handler: src/writer.handler']);
      expect(positions(await lintFiles(files), ID)).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
