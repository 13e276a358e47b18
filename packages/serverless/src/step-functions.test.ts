import { describe, expect, it } from 'vitest';
import { get } from '@lambda-lint/core';
import { pos, run } from './testing.js';

describe('serverless-step-functions state machines', () => {
  it('reads stepFunctions.stateMachines into the model with positions, logical ids, type and tracing', () => {
    const r = run(`service: brand
stepFunctions:
  stateMachines:
    checkout:
      type: express
      tracingConfig:
        enabled: true
      definition:
        StartAt: Charge
        States:
          Charge:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            End: true
    refund-flow:
      name: brand-refund-\${sls:stage}
      definition: \${ssm:/brand/refund-definition}
    audit:
      id: AuditMachine
      definition: \${file(./audit.yml)}
`, { '/project/audit.yml': 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n' });
    const [checkout, refund, audit] = r.model.stateMachines;
    expect(r.model.stateMachines.map((s) => [s.name, s.logicalId, s.platform, pos(s.loc)])).toEqual([
      ['checkout', 'CheckoutStepFunctionsStateMachine', 'serverless', '4:5-4:13'],
      ['refund-flow', 'BrandDashrefundDashdev', 'serverless', '15:5-15:16'],
      ['audit', 'AuditMachine', 'serverless', '18:5-18:10'],
    ]);
    expect(checkout!.type).toMatchObject({ value: 'EXPRESS' });
    expect(checkout!.tracing).toMatchObject({ value: true });
    expect(pos(get(checkout!.definition, 'States', 'Charge', 'Type')?.loc)).toBe('12:19-12:23');
    // A deploy-time definition is unknown: no definition, never a guess.
    expect(refund!.definition).toBeUndefined();
    expect(refund!.tracing).toBeUndefined();
    expect(get(audit!.definition, 'States', 'A', 'Type')?.loc.file).toBe('/project/audit.yml');
  });

  it('reads nothing without a stepFunctions block', () => {
    expect(run('service: brand\nfunctions:\n  a:\n    handler: h.main\n').model.stateMachines).toEqual([]);
  });
});
