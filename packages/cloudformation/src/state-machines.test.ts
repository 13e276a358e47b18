import { describe, expect, it } from 'vitest';
import { emptyModel, get, type AppModel, type Value } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { linkTemplate, readCloudFormation, readResources, type FileAccess } from './index.js';

function read(text: string, file = '/p/template.yaml', files?: FileAccess): AppModel {
  const model = emptyModel('/p');
  readCloudFormation(parseSource(file, text, { format: file.endsWith('.json') ? 'json' : 'yaml' }), model, 'cloudformation', files);
  linkTemplate(model, file);
  return model;
}

const head = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n";

function state(def: Value | undefined, name: string) {
  const states = get(def, 'States');
  return states?.kind === 'map' ? states.entries.find((e) => e.key === name) : undefined;
}

describe('AWS::StepFunctions::StateMachine', () => {
  it('parses a DefinitionString !Sub block scalar with positions in the template', () => {
    const m = read(
      head +
        `      TracingConfiguration:
        Enabled: true
      StateMachineType: EXPRESS
      DefinitionString: !Sub |
        {
          "StartAt": "Work",
          "States": {
            "Work": {
              "Type": "Task",
              "Resource": "\${WorkerArn}",
              "TimeoutSeconds": \${Timeout},
              "End": true
            }
          }
        }
`,
    );
    const sm = m.stateMachines[0]!;
    expect(sm).toMatchObject({ name: 'Flow', logicalId: 'Flow', platform: 'cloudformation', loc: { line: 3, column: 3, endColumn: 7 } });
    expect(sm.tracing).toMatchObject({ value: true, loc: { line: 7, column: 18 } });
    expect(sm.type?.value).toBe('EXPRESS');
    const work = state(sm.definition, 'Work')!;
    expect(work.keyLoc).toEqual({ file: '/p/template.yaml', line: 13, column: 13, endLine: 13, endColumn: 19 });
    expect(get(work.value, 'Resource')).toMatchObject({ kind: 'scalar', value: '${WorkerArn}', loc: { line: 15, column: 27, endColumn: 41 } });
    expect(get(work.value, 'TimeoutSeconds')).toMatchObject({ kind: 'unknown', text: '${Timeout}', loc: { line: 16, column: 33, endColumn: 43 } });
    expect(m.diagnostics).toEqual([]);
  });

  it("maps CDK's Fn::Join of JSON-escaped strings back to the exact template columns", () => {
    const json = `{
  "Resources": {
    "Flow": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "DefinitionString": { "Fn::Join": ["", ["{\\"StartAt\\":\\"Invoke\\",\\"States\\":{\\"Invoke\\":{\\"Type\\":\\"Task\\",\\"Resource\\":\\"", { "Fn::GetAtt": ["Fn", "Arn"] }, "\\",\\"End\\":true}}}"]] }
      }
    }
  }
}
`;
    const sm = read(json, '/p/cdk.out/App.template.json').stateMachines[0]!;
    const invoke = state(sm.definition, 'Invoke')!;
    expect(invoke.keyLoc).toMatchObject({ line: 6, column: 86, endLine: 6, endColumn: 96 });
    expect(get(invoke.value, 'Resource')).toMatchObject({ kind: 'scalar', value: '${Fn.Arn}', loc: { line: 6, column: 129, endColumn: 170 } });
    expect(get(invoke.value, 'End')).toMatchObject({ value: true, loc: { line: 6, column: 179, endColumn: 183 } });
  });

  it('maps single-line and double-quoted YAML strings with escapes', () => {
    const m = read(head + `      DefinitionString: "{\\"StartAt\\": \\"A\\", \\"States\\": {\\"A\\": {\\"Type\\": \\"Pass\\", \\"End\\": true}}}"\n`);
    const a = state(m.stateMachines[0]!.definition, 'A')!;
    // `      DefinitionString: "{\"StartAt\": \"A\", \"States\": {\"A\": ...`
    expect(a.keyLoc).toMatchObject({ line: 6, column: 60, endColumn: 65 });
  });

  it('locates everything at the DefinitionString when the template text is not given', () => {
    const root = parseSource('/p/t.yaml', head + `      DefinitionString: '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}'\n`, { format: 'yaml' }).root;
    const model = emptyModel('/p');
    readResources(get(root, 'Resources'), model, { file: '/p/t.yaml', platform: 'cloudformation', root });
    expect(state(model.stateMachines[0]!.definition, 'A')!.keyLoc).toEqual({ file: '/p/t.yaml', line: 6, column: 25, endLine: 6, endColumn: 91 });
  });

  it('maps folded block scalars and multi-line quoted strings', () => {
    const folded = read(head + '      DefinitionString: >-\n        {"StartAt": "A",\n         "States": {\n           "A": {"Type": "Pass", "End": true}}}\n');
    expect(state(folded.stateMachines[0]!.definition, 'A')!.keyLoc).toMatchObject({ line: 9, column: 12, endLine: 9, endColumn: 15 });
    const quoted = read(head + `      DefinitionString: '{"StartAt": "A",\n        "States": {"A": {"Type": "Pass", "End": true}}}'\n`);
    expect(state(quoted.stateMachines[0]!.definition, 'A')!.keyLoc).toMatchObject({ line: 7, column: 20, endLine: 7, endColumn: 23 });
  });

  it('reads an inline Definition as it is', () => {
    const m = read(head + '      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            End: true\n');
    expect(state(m.stateMachines[0]!.definition, 'A')!.keyLoc).toMatchObject({ line: 9, column: 11, endColumn: 12 });
  });

  it('reports an invalid DefinitionString as a parse error at its position', () => {
    const m = read(head + `      DefinitionString: '{"StartAt": "A", "States": {,}}'\n`);
    expect(m.stateMachines[0]!.definition).toBeUndefined();
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]).toMatchObject({ ruleId: 'parse-error', resource: 'Flow', loc: { file: "/p/template.yaml", line: 6, column: 54 } });
    expect(m.diagnostics[0]!.message).toMatch(/^Flow: DefinitionString is not valid JSON/);
  });

  it('reads a local DefinitionS3Location inside the project, never outside it', () => {
    const asked: string[] = [];
    const files: FileAccess = {
      root: '/p',
      readFile: (abs) => {
        asked.push(abs);
        return abs === '/p/sfn/flow.asl.json' ? '{\n  "StartAt": "A",\n  "States": { "A": { "Type": "Task", "Resource": "arn:aws:lambda:::function:x", "End": true } }\n}\n' : undefined;
      },
    };
    const m = read(head + '      DefinitionS3Location: sfn/flow.asl.json\n', '/p/template.yaml', files);
    expect(state(m.stateMachines[0]!.definition, 'A')!.keyLoc).toEqual({ file: '/p/sfn/flow.asl.json', line: 3, column: 15, endLine: 3, endColumn: 18 });
    expect(m.fileCount).toBe(1);
    const outside = read(head + '      DefinitionS3Location: ../other/flow.json\n', '/p/template.yaml', files);
    expect(outside.stateMachines[0]!.definition).toBeUndefined();
    expect(asked).toEqual(['/p/sfn/flow.asl.json']);
    const s3 = read(head + '      DefinitionS3Location:\n        Bucket: b\n        Key: k\n', '/p/template.yaml', files);
    expect(s3.stateMachines[0]!.definition).toBeUndefined();
  });
});
