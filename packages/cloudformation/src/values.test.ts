import { describe, expect, it } from 'vitest';
import { emptyModel, propAlternatives, templateText, type AppModel, type Value } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { createContext, linkTemplate, readCloudFormation, resolveAll } from './index.js';

function read(text: string, file = '/p/template.yaml'): AppModel {
  const model = emptyModel('/p');
  readCloudFormation(parseSource(file, text, { format: file.endsWith('.json') ? 'json' : 'yaml' }), model);
  linkTemplate(model, file);
  return model;
}

/** A template whose function `Fn` has `extra` properties (6 spaces indented) after `Handler` (line 15). */
const template = (extra: string, head = '') =>
  `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage:
    Type: String
    Default: prod
  Mem:
    Type: Number
    Default: 512
  Bucket:
    Type: String
${head}Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
${extra}`;

describe('CloudFormation values', () => {
  it('keeps both branches of Fn::If, each located where it is written', () => {
    const t = template(`      MemorySize: !If [IsProd, 1024, 128]\n      Timeout: !If [IsProd, 30, 30]\n`, 'Conditions:\n  IsProd: !Equals [!Ref Stage, prod]\n');
    const f = read(t).functions[0]!;
    // Line 18: `      MemorySize: !If [IsProd, 1024, 128]`
    expect(f.memorySize).toMatchObject({ value: undefined, loc: { line: 18, column: 19, endLine: 18, endColumn: 42 } });
    expect(f.memorySize!.alternatives!.map((a) => [a.value, a.loc.line, a.loc.column, a.loc.endColumn])).toEqual([
      [1024, 18, 32, 36],
      [128, 18, 38, 41],
    ]);
    // Branches that agree are one known value; the alternatives remain for rules that want them.
    expect(f.timeout?.value).toBe(30);
    expect(propAlternatives(f.timeout!).map((a) => a.value)).toEqual([30, 30]);
  });

  it('resolves nested Fn::If, Ref to parameter defaults and AWS::NoValue as an unknown branch', () => {
    const t = template(`      MemorySize: !If [A, !Ref Mem, !If [B, 2048, !Ref AWS::NoValue]]\n`);
    const f = read(t).functions[0]!;
    expect(f.memorySize!.alternatives!.map((a) => [a.value, a.loc.column])).toEqual([
      [512, 27],
      [2048, 45],
      [undefined, 51],
    ]);
  });

  it('computes Fn::Sub from parameter defaults and keeps deploy-time parts unknown with their text', () => {
    const t = template(
      `      Environment:
        Variables:
          BUCKET: !Sub '\${Stage}-assets'
          ARN: !Sub 'arn:aws:s3:::\${Stage}-\${AWS::Region}/*'
          LITERAL: !Sub '\${!Stage}'
          VARS: !Sub ['\${A}/\${B}', { A: x, B: !Ref Mem }]
          TABLE: !GetAtt Table.Arn
          PASSWORD: '{{resolve:secretsmanager:db:SecretString:password}}'
`,
    );
    const env = read(t).functions[0]!.environment;
    const byName = Object.fromEntries(env.map((e) => [e.name, e]));
    expect(byName.BUCKET!.value).toMatchObject({ kind: 'scalar', value: 'prod-assets', loc: { line: 18, column: 19 } });
    expect(byName.BUCKET!.source).toMatchObject({ kind: 'map', entries: [{ key: 'Fn::Sub' }] });
    expect(byName.ARN!.value).toMatchObject({ kind: 'unknown', reason: 'deploy-time', text: 'arn:aws:s3:::prod-${AWS::Region}/*' });
    expect(byName.LITERAL!.value).toMatchObject({ kind: 'scalar', value: '${Stage}' });
    expect(byName.VARS!.value).toMatchObject({ kind: 'scalar', value: 'x/512' });
    expect(byName.TABLE!.value).toMatchObject({ kind: 'unknown', reason: 'deploy-time', text: '${Table.Arn}' });
    expect(byName.PASSWORD!.value).toMatchObject({
      kind: 'unknown',
      reason: 'deploy-time',
      text: '{{resolve:secretsmanager:db:SecretString:password}}',
      loc: { line: 23, column: 21 },
    });
    expect(byName.PASSWORD!.source).toMatchObject({ kind: 'scalar' });
  });

  it('computes Fn::Join of known parts, Fn::Select of a literal list and Fn::Split', () => {
    const t = template(
      `      Runtime: !Join ['', [nodejs, '20', .x]]
      Description: !Join ['-', [!Ref Stage, !Ref AWS::StackName]]
      MemorySize: !Select [1, [128, 256, 512]]
      Timeout: !Select [0, !Split [',', '15,30']]
`,
    );
    const f = read(t).functions[0]!;
    expect(f.runtime).toMatchObject({ value: 'nodejs20.x', loc: { line: 16, column: 16 } });
    expect(f.memorySize?.value).toBe(256);
    expect(f.timeout?.value).toBe(15);
    const ctx = createContext('/p/template.yaml', 'cloudformation', parseSource('/p/t.yaml', t, { format: 'yaml' }).root);
    const description = parseSource('/p/t.yaml', "!Join ['-', [!Ref Stage, !Ref AWS::StackName]]", { format: 'yaml' }).root!;
    expect(resolveAll(description, ctx)[0]!.value).toMatchObject({ kind: 'unknown', text: 'prod-${AWS::StackName}' });
  });

  it('looks up Fn::FindInMap with known keys, and yields every entry (located in Mappings) for a deploy-time key', () => {
    const t = template(
      `      MemorySize: !FindInMap [Sizes, !Ref Stage, Memory]
      Timeout: !FindInMap [Sizes, !Ref AWS::Region, Timeout]
`,
      'Mappings:\n  Sizes:\n    prod:\n      Memory: 1024\n      Timeout: 30\n    dev:\n      Memory: 128\n      Timeout: 900\n',
    );
    const f = read(t).functions[0]!;
    expect(f.memorySize).toMatchObject({ value: 1024, loc: { line: 24, column: 19 } });
    expect(f.memorySize!.alternatives).toBeUndefined();
    expect(f.timeout?.value).toBeUndefined();
    expect(f.timeout!.alternatives!.map((a) => [a.value, a.loc.line, a.loc.column])).toEqual([
      [30, 15, 16],
      [900, 18, 16],
    ]);
  });

  it('treats parameters without default, SSM parameter types and unknown mappings as unknown', () => {
    const t = template(
      `      Runtime: !Ref Bucket
      MemorySize: !Ref SsmMem
      Timeout: !FindInMap [Missing, a, b]
`,
      '',
    ).replace('Resources:', '  SsmMem:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /app/memory\nResources:');
    const f = read(t).functions[0]!;
    expect(f.runtime).toMatchObject({ value: undefined, node: { kind: 'map' } });
    expect(f.memorySize?.value).toBeUndefined();
    expect(f.timeout?.value).toBeUndefined();
    expect(f.timeout?.alternatives).toBeUndefined();
  });

  it('resolves list parameters for Fn::Join and Fn::Select', () => {
    const t = template('      Runtime: !Select [2, !Ref Parts]\n      Description: !Join [\'.\', !Ref Parts]\n', '').replace(
      'Resources:',
      '  Parts:\n    Type: CommaDelimitedList\n    Default: a, b, nodejs22.x\nResources:',
    );
    const m = read(t);
    expect(m.functions[0]!.runtime?.value).toBe('nodejs22.x');
  });

  it('resolves IAM statements: parameter defaults in Sub, conditional actions', () => {
    const t =
      template('      Role: !GetAtt R.Arn\n') +
      `  R:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: !If [IsProd, 's3:GetObject', 's3:*']
                Resource: !Sub 'arn:aws:s3:::\${Stage}-assets/*'
`;
    const role = read(t).functions[0]!.role!;
    const s = role.statements[0]!;
    expect(s.resources[0]).toMatchObject({ value: 'arn:aws:s3:::prod-assets/*', loc: { line: 26, column: 27 } });
    expect(s.actions[0]!.value).toBeUndefined();
    expect(s.actions[0]!.alternatives!.map((a) => [a.value, a.loc.column])).toEqual([
      ['s3:GetObject', 38],
      ['s3:*', 54],
    ]);
  });

  it('resolves JSON templates the same way', () => {
    const json = `{
  "Parameters": { "Mem": { "Type": "Number", "Default": 256 } },
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "MemorySize": { "Fn::If": ["Big", 3008, { "Ref": "Mem" }] },
        "Timeout": { "Fn::Join": ["", ["1", "0"]] }
      }
    }
  }
}
`;
    const f = read(json, '/p/app.template.json').functions[0]!;
    expect(f.memorySize!.alternatives!.map((a) => [a.value, a.loc.line, a.loc.column, a.loc.endColumn])).toEqual([
      [3008, 7, 43, 47],
      [256, 7, 49, 65],
    ]);
    expect(f.timeout?.value).toBe(10);
  });

  it('gives up on combinatorial explosions instead of enumerating them', () => {
    const branches = Array.from({ length: 6 }, (_, i) => `!If [C${i}, a, b]`).join(', ');
    const v = parseSource('/p/t.yaml', `!Join ['', [${branches}]]`, { format: 'yaml' }).root as Value;
    const all = resolveAll(v, { parameters: new Map() });
    expect(all).toHaveLength(1);
    expect(all[0]!.value.kind).toBe('unknown');
    expect(templateText(v)).toBeUndefined();
  });
});
