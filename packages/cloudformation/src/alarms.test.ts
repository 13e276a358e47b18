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

const template = (resources: string) =>
  `AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Ingest:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: brand-ingest\n      Runtime: nodejs22.x\n      Handler: index.handler\n      Code:\n        ZipFile: x\n  Live:\n    Type: AWS::Lambda::Alias\n    Properties:\n      FunctionName: !Ref Ingest\n      FunctionVersion: '1'\n      Name: live\n${resources}`;

describe('CloudWatch alarms', () => {
  it('reads metric, namespace and statistics, and links the FunctionName dimension', () => {
    const model = read(
      template(
        `  Tail:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: Duration\n      ExtendedStatistic: p99\n      Dimensions:\n        - Name: FunctionName\n          Value: !Ref Ingest\n`,
      ),
    );
    expect(model.alarms).toHaveLength(1);
    const [a] = model.alarms;
    expect(a).toMatchObject({ functionIds: ['/p/template.yaml#Ingest'], source: 'cloudformation' });
    expect([a!.metricName?.value, a!.namespace?.value, a!.extendedStatistic?.value, a!.statistic]).toEqual(['Duration', 'AWS/Lambda', 'p99', undefined]);
    expect(a!.resource?.logicalId).toBe('Tail');
    expect(a!.loc.line).toBe(17);
  });

  it('links literal names, alias logical ids and `name:alias` Resource dimensions', () => {
    const alarm = (id: string, name: string, value: string) =>
      `  ${id}:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Namespace: AWS/Lambda\n      MetricName: Errors\n      Statistic: Sum\n      Dimensions:\n        - Name: ${name}\n          Value: ${value}\n`;
    const model = read(
      template(alarm('A', 'FunctionName', 'brand-ingest') + alarm('B', 'Resource', 'brand-ingest:live') + alarm('C', 'FunctionName', '!Ref Live') + alarm('D', 'FunctionName', 'other')),
    );
    expect(model.alarms.map((a) => a.functionIds)).toEqual([['/p/template.yaml#Ingest'], ['/p/template.yaml#Ingest'], ['/p/template.yaml#Ingest'], []]);
  });

  it('reads each MetricStat of a metric math alarm, percentiles as extended statistics', () => {
    const model = read(
      template(
        `  Math:\n    Type: AWS::CloudWatch::Alarm\n    Properties:\n      Metrics:\n        - Id: e\n          Expression: m1 + m2\n        - Id: m1\n          MetricStat:\n            Stat: Sum\n            Metric:\n              Namespace: AWS/Lambda\n              MetricName: Errors\n              Dimensions:\n                - Name: FunctionName\n                  Value: !Ref Ingest\n        - Id: m2\n          MetricStat:\n            Stat: p99\n            Metric:\n              Namespace: AWS/Lambda\n              MetricName: Duration\n              Dimensions:\n                - Name: FunctionName\n                  Value: !Ref Ingest\n`,
      ),
    );
    expect(model.alarms.map((a) => [a.metricName?.value, a.statistic?.value, a.extendedStatistic?.value])).toEqual([
      ['Errors', 'Sum', undefined],
      ['Duration', undefined, 'p99'],
    ]);
  });
});
