import { describe, expect, it } from 'vitest';
import { emptyModel, type AppModel } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate, readCloudFormation } from './index.js';

function read(text: string, file = '/p/template.yaml'): AppModel {
  const model = emptyModel('/p');
  readCloudFormation(parseSource(file, text, { format: 'yaml' }), model);
  linkTemplate(model, file);
  return model;
}

const fn = (id: string, extra = '') =>
  `  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Code:\n        ZipFile: x\n${extra}`;
const group = (id: string, name: string, retention = '      RetentionInDays: 30\n') =>
  `  ${id}:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: ${name}\n${retention}`;
const template = (...parts: string[]) => `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n${parts.join('')}`;

describe('log groups linked to functions', () => {
  it('links /aws/lambda/<name> log groups written with !Sub, !Join or the literal FunctionName, with their retention', () => {
    const m = read(
      template(
        fn('A'),
        group('ALogs', '!Sub /aws/lambda/${A}'),
        fn('B'),
        group('BLogs', "!Join ['', [/aws/lambda/, !Ref B]]", '      RetentionInDays: 7\n'),
        fn('C', '      FunctionName: brand-c\n'),
        group('CLogs', '/aws/lambda/brand-c'),
      ),
    );
    const [a, b, c] = m.functions;
    expect(a!.logGroup?.logicalId).toBe('ALogs');
    expect(a!.logRetention).toMatchObject({ value: 30, loc: { line: 14, column: 24 } });
    expect(b!.logRetention?.value).toBe(7);
    expect(c!.logGroup?.logicalId).toBe('CLogs');
  });

  it('records a log group without RetentionInDays, and no retention', () => {
    const f = read(template(fn('A'), group('ALogs', '!Sub /aws/lambda/${A}', ''))).functions[0]!;
    expect(f.logGroup?.logicalId).toBe('ALogs');
    expect(f.logRetention).toBeUndefined();
  });

  it('follows LoggingConfig.LogGroup, and treats a log group outside the template as unknown', () => {
    const shared = `  Shared:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      RetentionInDays: 90\n`;
    const linked = read(template(fn('A', '      LoggingConfig:\n        LogGroup: !Ref Shared\n'), shared)).functions[0]!;
    expect(linked.logGroupName?.value).toBeUndefined();
    expect(linked.logGroup?.logicalId).toBe('Shared');
    expect(linked.logRetention?.value).toBe(90);
    const external = read(template(fn('A', '      LoggingConfig:\n        LogGroup: platform-logs\n'))).functions[0]!;
    expect(external.logGroupName?.value).toBe('platform-logs');
    expect(external.logGroup).toBeUndefined();
    expect(external.logRetention).toMatchObject({ value: undefined, loc: { line: 11, column: 19 } });
  });

  it("does not take another function's log group", () => {
    const m = read(template(fn('A'), fn('B'), group('BLogs', '!Sub /aws/lambda/${B}')));
    expect(m.functions[0]!.logGroup).toBeUndefined();
    expect(m.functions[1]!.logGroup?.logicalId).toBe('BLogs');
  });
});
