import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'step-functions-task-retry';
const handler = 'export const handler = async (event: unknown) => ({ ok: event !== undefined });\n';

const RETRY = `Retry:
  - ErrorEquals: [Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException]
    IntervalSeconds: 2
    MaxAttempts: 6
    BackoffRate: 2
`;
const CATCH = `Catch:
  - ErrorEquals: [States.ALL]
    Next: Failed
`;
const indent = (text: string, n: number) =>
  text
    .split('\n')
    .map((l) => (l ? ' '.repeat(n) + l : l))
    .join('\n');

/**
 * The states of every YAML case below, written at the indentation of `States` entries in all three
 * spellings (10 spaces), starting at line 10 of each document:
 *
 * 10 Validate (Task, Retry + Catch)      22 FanOut (Parallel, no Catch)
 * 28 ChargeCard (Task, neither)          40 Reserve (Task, Retry only, inside Map ItemProcessor)
 * 51 Enrich (Task, Catch only, inside legacy Map Iterator), 62 Failed (Fail), 64 Done (Succeed)
 */
const NESTED = `Validate:
  Type: Task
  Resource: arn:aws:lambda:eu-west-1:123456789012:function:validate
${indent(RETRY, 2)}${indent(CATCH, 2)}  Next: FanOut
FanOut:
  Type: Parallel
  Next: Done
  Branches:
    - StartAt: ChargeCard
      States:
        ChargeCard:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          End: true
    - StartAt: Items
      States:
        Items:
          Type: Map
          End: true
          ItemProcessor:
            StartAt: Reserve
            States:
              Reserve:
                Type: Task
                Resource: arn:aws:states:::dynamodb:updateItem
                Retry:
                  - ErrorEquals: [States.ALL]
                End: true
        Labels:
          Type: Map
          Iterator:
            StartAt: Enrich
            States:
              Enrich:
                Type: Task
                Resource: arn:aws:lambda:eu-west-1:123456789012:function:enrich
                Catch:
                  - ErrorEquals: [States.ALL]
                    Next: Skip
                End: true
              Skip:
                Type: Pass
                End: true
          End: true
Failed:
  Type: Fail
Done:
  Type: Succeed
`;

const NESTED_FINDINGS = [
  at(ID, 'missingRetry', 28, 19, 28, 29),
  at(ID, 'missingCatch', 40, 25, 40, 32),
  at(ID, 'missingRetry', 51, 25, 51, 31),
];

describe('step-functions-task-retry', () => {
  describe('serverless-step-functions (stepFunctions.stateMachines)', () => {
    // `serverless` above puts `definition` on line 11 and the first state on line 14: shift by a
    // fixed preamble so that states start at line 10 as in the other spellings.
    const app = (states: string) => ({
      'serverless.yml': `service: brand
functions:
  charge:
    handler: src/charge.handler
stepFunctions:
  stateMachines:
    checkout:
      definition:
        States:
${indent(states, 10)}`,
      'src/charge.ts': handler,
    });

    it('reports Tasks without Retry or Catch at every depth, at the state key', async () => {
      const r = await lintFiles(app(NESTED));
      expect(positions(r, ID)).toEqual(NESTED_FINDINGS);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[0]).toBe(
        'checkout: Task state ChargeCard (inside Parallel FanOut) has no Retry and no Catch: one transient error (Lambda.ServiceException, a Lambda.TooManyRequestsException throttle, an SDK timeout) fails the whole execution instead of being retried. Add a Retry for Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException and Lambda.TooManyRequestsException with backoff (e.g. IntervalSeconds 2, MaxAttempts 6, BackoffRate 2, JitterStrategy FULL), and a Catch for States.ALL that routes to a failure-handling state (record, notify, then Fail).',
      );
      expect(messages[1]).toMatch(/^checkout: Task state Reserve \(inside Parallel FanOut, Map Items\) has no Catch, and no enclosing Parallel or Map catches for it: /);
      expect(messages[2]).toMatch(/^checkout: Task state Enrich \(inside Parallel FanOut, Map Labels\) has no Retry: .* fails the state and sends the execution down its Catch instead/);
      expect(r.findings.find((f) => f.ruleId === ID)?.resource).toBe('CheckoutStepFunctionsStateMachine');
    });

    it('reads several state machines and a definition from ${file(...)} at its own positions', async () => {
      const files = {
        'serverless.yml': `service: brand
functions:
  charge:
    handler: src/charge.handler
stepFunctions:
  stateMachines:
    checkout:
      definition: \${file(./sfn/checkout.yml)}
    refund:
      name: brand-refund-\${sls:stage}
      definition:
        StartAt: Refund
        States:
          Refund:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            ${CATCH.replace(/\n {2}/g, '\n              ').trimEnd()}
            End: true
`,
        'sfn/checkout.yml': `StartAt: Charge\nStates:\n  Charge:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n    End: true\n`,
        'src/charge.ts': handler,
      };
      const r = await lintFiles(files);
      const own = r.findings.filter((f) => f.ruleId === ID);
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 14, 11, 14, 17), at(ID, 'missingRetry', 3, 3, 3, 9)]);
      expect(own.map((f) => f.loc.file.split('/').slice(-2).join('/'))).toEqual([expect.stringMatching(/serverless\.yml$/), 'sfn/checkout.yml']);
      expect(own[0]!.message).toMatch(/^refund: Task state Refund has no Retry: /);
      // `name` decides the logical id, as in the plugin.
      expect(own[0]!.resource).toBe('BrandDashrefundDashdev');
      expect(own[1]!.message).toMatch(/^checkout: Task state Charge has no Retry and no Catch: /);
    });

    it('stays silent on a definition that cannot be read offline', async () => {
      const r = await lintFiles({
        'serverless.yml': 'service: brand\nfunctions:\n  charge:\n    handler: src/charge.handler\nstepFunctions:\n  stateMachines:\n    checkout:\n      definition: ${ssm:/brand/checkout-definition}\n',
        'src/charge.ts': handler,
      });
      expect(positions(r, ID)).toEqual([]);
    });

    it('stays silent on Retry and Catch it cannot resolve', async () => {
      const states = `Charge:
  Type: Task
  Resource: arn:aws:states:::lambda:invoke
  Retry: \${ssm:/brand/retry-policy}
  Catch: \${self:custom.missing}
  End: true
`;
      expect(positions(await lintFiles(app(states)), ID)).toEqual([]);
    });
  });

  describe('CloudFormation AWS::StepFunctions::StateMachine', () => {
    const template = (definition: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Checkout:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/checkout
      Definition:
        StartAt: Validate
        States:
${indent(definition, 10)}`,
    });

    it('reports Tasks at every depth of an inline Definition', async () => {
      const r = await lintFiles(template(NESTED));
      expect(positions(r, ID)).toEqual(NESTED_FINDINGS);
      expect(r.findings.find((f) => f.ruleId === ID)?.resource).toBe('Checkout');
    });

    it("counts an enclosing Parallel's Catch for Catch but never for Retry", async () => {
      const states = `Work:
  Type: Parallel
  End: true
${indent(CATCH, 2)}  Branches:
    - StartAt: Charge
      States:
        Charge:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          End: true
        Notify:
          Type: Task
          Resource: arn:aws:states:::sns:publish
${indent(RETRY, 10)}          End: true
Failed:
  Type: Fail
`;
      const r = await lintFiles(template(states));
      // Line 10 Work; the Catch takes lines 13-15, Branches 16, Charge 19, Notify 23.
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 19, 19, 19, 25)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.message).toContain(
        'Task state Charge (inside Parallel Work) has no Retry: one transient error (Lambda.ServiceException, a Lambda.TooManyRequestsException throttle, an SDK timeout) fails Parallel Work and sends the execution down its Catch instead of being retried.',
      );
    });

    it('reads DefinitionString JSON inside YAML (!Sub) at its exact position', async () => {
      const r = await lintFiles({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ChargeArn:
    Type: String
Resources:
  Checkout:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/checkout
      DefinitionString: !Sub |
        {
          "StartAt": "FanOut",
          "States": {
            "FanOut": {
              "Type": "Parallel",
              "Branches": [
                {
                  "StartAt": "Charge",
                  "States": {
                    "Charge": { "Type": "Task", "Resource": "\${ChargeArn}", "End": true },
                    "Audit": { "Type": "Task", "Resource": "\${ChargeArn}", "Retry": \${RetryPolicy}, "End": true }
                  }
                }
              ],
              "End": true
            }
          }
        }
`,
      });
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 20, 21, 20, 29), at(ID, 'missingCatch', 21, 21, 21, 28)]);
    });

    it('reads JSON templates', async () => {
      const json = JSON.stringify(
        {
          AWSTemplateFormatVersion: '2010-09-09',
          Resources: {
            Checkout: {
              Type: 'AWS::StepFunctions::StateMachine',
              Properties: {
                RoleArn: 'arn:aws:iam::123456789012:role/checkout',
                Definition: {
                  StartAt: 'Items',
                  States: {
                    Items: {
                      Type: 'Map',
                      ItemProcessor: {
                        StartAt: 'Charge',
                        States: { Charge: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
                      },
                      End: true,
                    },
                  },
                },
              },
            },
          },
        },
        null,
        2,
      );
      const r = await lintFiles({ 'template.json': json });
      // `                  "Charge": {` on line 16.
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 16, 19, 16, 27)]);
    });

    it('stays silent on non-Task states, intrinsic Retry/Catch, and a definition in S3', async () => {
      const states = `Choose:
  Type: Choice
  Default: Wait
  Choices: []
Wait:
  Type: Wait
  Seconds: 5
  Next: Charge
Charge:
  Type: Task
  Resource: arn:aws:states:::lambda:invoke
  Retry: !If [IsProd, [{ ErrorEquals: [States.ALL] }], !Ref AWS::NoValue]
  Catch: !FindInMap [Policies, Catch, Default]
  End: true
`;
      expect(positions(await lintFiles(template(states)), ID)).toEqual([]);
      const s3 = await lintFiles({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Checkout:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/checkout
      DefinitionS3Location:
        Bucket: brand-definitions
        Key: checkout.asl.json
`,
      });
      expect(positions(s3, ID)).toEqual([]);
    });

    it('takes requireRetry and requireCatch from options', async () => {
      const noCatch = { config: { rules: { [ID]: ['error', { requireCatch: false }] as ['error', Record<string, unknown>] } } };
      expect(positions(await lintFiles(template(NESTED), noCatch), ID)).toEqual([NESTED_FINDINGS[0]!, NESTED_FINDINGS[2]!]);
      const noRetry = { config: { rules: { [ID]: ['error', { requireRetry: false }] as ['error', Record<string, unknown>] } } };
      expect(positions(await lintFiles(template(NESTED), noRetry), ID)).toEqual([at(ID, 'missingCatch', 28, 19, 28, 29), NESTED_FINDINGS[1]!]);
    });
  });

  describe('SAM AWS::Serverless::StateMachine', () => {
    const template = (props: string) => ({
      'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Checkout:
    Type: AWS::Serverless::StateMachine
    Properties:
${props}`,
    });

    it('reports Tasks at every depth of an inline Definition', async () => {
      const r = await lintFiles(template(`      Definition:\n        States:\n${indent(NESTED, 10).replace(/^/, '')}`));
      // Definition on line 7, States on 8: one line earlier than the other spellings.
      expect(positions(r, ID)).toEqual(NESTED_FINDINGS.map((p) => ({ ...p, line: p.line - 1, endLine: p.endLine - 1 })));
    });

    it('reads a DefinitionUri file and reports in that file', async () => {
      const asl = `{
  "StartAt": "FanOut",
  "States": {
    "FanOut": {
      "Type": "Parallel",
      "End": true,
      "Branches": [
        { "StartAt": "Charge", "States": { "Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true } } }
      ]
    }
  }
}
`;
      const r = await lintFiles({ ...template('      DefinitionUri: statemachine/checkout.asl.json\n'), 'statemachine/checkout.asl.json': asl });
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 8, 44, 8, 52)]);
      expect(r.findings.find((f) => f.ruleId === ID)?.loc.file).toMatch(/statemachine\/checkout\.asl\.json$/);
      // The finding is in the definition file and points back at the state machine's key.
      expect(r.findings.find((f) => f.ruleId === ID)?.related).toEqual([
        { loc: expect.objectContaining({ file: expect.stringMatching(/template\.yaml$/), line: 4, column: 3, endLine: 4, endColumn: 11 }), message: 'state machine Checkout' },
      ]);
    });
  });

  describe('CDK synth output', () => {
    it("reads CDK's Fn::Join DefinitionString and names the construct path", async () => {
      // What `new StateMachine(this, 'Checkout', { definitionBody: DefinitionBody.fromChainable(new Parallel(...)) })` synthesizes.
      const join = [
        '{"StartAt":"FanOut","States":{"FanOut":{"Type":"Parallel","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}],"Branches":[{"StartAt":"Charge","States":{"Charge":{"End":true,"Type":"Task","Resource":"arn:',
        { Ref: 'AWS::Partition' },
        ':states:::lambda:invoke","Parameters":{"FunctionName":"',
        { 'Fn::GetAtt': ['ChargeFn', 'Arn'] },
        '","Payload.$":"$"}}}}]},"Failed":{"Type":"Fail"}}}',
      ];
      const template = `{
  "Resources": {
    "CheckoutSM": {
      "Type": "AWS::StepFunctions::StateMachine",
      "Properties": {
        "RoleArn": "arn:aws:iam::123456789012:role/checkout",
        "TracingConfiguration": { "Enabled": true },
        "DefinitionString": { "Fn::Join": ["", ${JSON.stringify(join)}] }
      },
      "Metadata": { "aws:cdk:path": "Shop/Checkout/Resource" }
    }
  }
}
`;
      const r = await lintFiles({
        'cdk.out/manifest.json': JSON.stringify({ version: '36.0.0', artifacts: { Shop: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Shop.template.json' } } } }),
        'cdk.out/Shop.template.json': template,
      });
      // The key `\"Charge\"` as written inside the JSON string on line 8 of the template: columns 250-259.
      expect(template.split('\n')[7]!.indexOf('\\"Charge\\":{') + 1).toBe(250);
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 8, 250, 8, 260)]);
      const finding = r.findings.find((f) => f.ruleId === ID)!;
      expect(finding.resource).toBe('Shop/Checkout/Resource');
      expect(finding.message).toMatch(/^Shop\/Checkout\/Resource: Task state Charge \(inside Parallel FanOut\) has no Retry: .* fails Parallel FanOut and sends the execution down its Catch/);
    });
  });

  describe('nesting', () => {
    it("counts a Map's Catch, the nearest enclosing Catch of several, and Parallel inside Map inside Parallel", async () => {
      const states = `Outer:
  Type: Parallel
  End: true
  Branches:
    - StartAt: Items
      States:
        Items:
          Type: Map
          End: true
${indent(CATCH, 10)}          ItemProcessor:
            StartAt: Inner
            States:
              Inner:
                Type: Parallel
                End: true
                Branches:
                  - StartAt: Deep
                    States:
                      Deep:
                        Type: Task
                        Resource: arn:aws:states:::sqs:sendMessage
${indent(RETRY, 24)}                        End: true
                  - StartAt: Deeper
                    States:
                      Deeper:
                        Type: Task
                        Resource: arn:aws:states:::sqs:sendMessage
                        End: true
    - StartAt: Alone
      States:
        Alone:
          Type: Task
          Resource: arn:aws:states:::sqs:sendMessage
${indent(RETRY, 10)}          End: true
Failed:
  Type: Fail
`;
      const r = await lintFiles({
        'template.yaml': `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Checkout:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/checkout
      Definition:
        StartAt: Outer
        States:
${indent(states, 10)}`,
      });
      // Deep (line 31): Retry and the Map's Catch, fine. Deeper (line 42): caught by Map Items, no Retry.
      // Alone (line 48): Retry, and no Catch anywhere on its path.
      expect(positions(r, ID)).toEqual([at(ID, 'missingRetry', 42, 33, 42, 39), at(ID, 'missingCatch', 48, 19, 48, 24)]);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[0]).toContain('Task state Deeper (inside Parallel Outer, Map Items, Parallel Inner) has no Retry: ');
      expect(messages[0]).toContain('fails Map Items and sends the execution down its Catch');
      expect(messages[1]).toContain('Task state Alone (inside Parallel Outer) has no Catch');
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
