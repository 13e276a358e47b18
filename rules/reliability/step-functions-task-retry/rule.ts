import { defineRule, entry, get, intrinsic, isMap, items, str, type MapValue, type StateMachine, type Value } from '@lambda-lint/core';

export interface StepFunctionsTaskRetryOptions {
  /** Report Task states without a `Retry`. */
  requireRetry: boolean;
  /** Report Task states without a `Catch` (their own or that of an enclosing `Parallel` / `Map`). */
  requireCatch: boolean;
}

/** Whether a state handles errors with `Retry` / `Catch`: a non-empty list, none, or not knowable offline. */
type Handling = 'present' | 'absent' | 'unknown';

function handling(state: MapValue, key: 'Retry' | 'Catch'): Handling {
  const e = entry(state, key);
  if (!e) return state.open ? 'unknown' : 'absent';
  const v = e.value;
  if (v.kind === 'scalar' && v.value === null) return 'absent';
  if (v.kind === 'seq') return v.items.length > 0 ? 'present' : 'absent';
  // An intrinsic, a `${...}` placeholder, a deploy-time value: not knowable offline.
  return 'unknown';
}

/** A Catch that applies to a state: its own, else the nearest enclosing Parallel/Map's (errors propagate to it). */
function combine(own: Handling, inherited: Handling): Handling {
  if (own !== 'absent') return own;
  return inherited;
}

/** What a transient error fails when the Task has no Retry but a Catch applies. */
function failsWhat(own: Handling, scope: Scope): string {
  if (own === 'present') return 'the state and sends the execution down its Catch';
  if (own === 'absent' && scope.catch === 'present' && scope.catchOwner) return `${scope.catchOwner} and sends the execution down its Catch`;
  if (own === 'absent' && scope.catch === 'absent') return 'the whole execution';
  return 'the state';
}

interface Scope {
  /** Catch of the enclosing Parallel / Map states, combined outward-in. */
  catch: Handling;
  /** The nearest enclosing state whose Catch applies (`Parallel FanOut`), for messages. */
  catchOwner?: string;
  /** `inside Parallel FanOut, Map Items` for messages. */
  path: string[];
}

export default defineRule<StepFunctionsTaskRetryOptions>({
  id: 'step-functions-task-retry',
  category: 'reliability',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A Step Functions Task state (at any depth: Parallel branches, Map iterators and item processors) without a Retry, or without a Catch of its own or of an enclosing Parallel/Map.',
  messages: {
    missingRetry:
      '{{machine}}: Task state {{state}}{{where}} has no Retry{{alsoCatch}}: one transient error (Lambda.ServiceException, a Lambda.TooManyRequestsException throttle, an SDK timeout) fails {{fails}} instead of being retried. Add a Retry for Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException and Lambda.TooManyRequestsException with backoff (e.g. IntervalSeconds 2, MaxAttempts 6, BackoffRate 2, JitterStrategy FULL){{catchFix}}.',
    missingCatch:
      '{{machine}}: Task state {{state}}{{where}} has no Catch, and no enclosing Parallel or Map catches for it: once its retries are exhausted, or on an error that is not retried, the whole execution fails with no compensation and no record of the failed input. Add a Catch for States.ALL (with a ResultPath such as $.error) that routes to a failure-handling state (record, notify, then Fail).',
  },
  defaultOptions: { requireRetry: true, requireCatch: true },
  check(ctx) {
    const { requireRetry, requireCatch } = ctx.options;
    const visit = (sm: StateMachine, states: Value | undefined, scope: Scope): void => {
      // `States` written as an intrinsic or a placeholder: its states are unknown.
      if (!isMap(states) || intrinsic(states)) return;
      for (const e of states.entries) {
        const state = e.value;
        if (!isMap(state) || intrinsic(state)) continue;
        const type = str(get(state, 'Type'));
        if (type === 'Task') {
          const retry = requireRetry ? handling(state, 'Retry') : 'present';
          const caught = requireCatch ? combine(handling(state, 'Catch'), scope.catch) : 'present';
          if (retry !== 'absent' && caught !== 'absent') continue;
          const where = scope.path.length > 0 ? ` (inside ${scope.path.join(', ')})` : '';
          const common = { machine: sm.name, state: e.key, where };
          const resource = sm.constructPath ?? sm.logicalId ?? sm.name;
          // A definition in its own file (`DefinitionUri`, `${file(...)}`): point back at the state machine too.
          const related = e.keyLoc.file !== sm.file ? { related: [{ loc: sm.loc, message: `state machine ${sm.name}` }] } : {};
          if (retry === 'absent') {
            const both = caught === 'absent';
            ctx.report({
              messageId: 'missingRetry',
              data: {
                ...common,
                alsoCatch: both ? ' and no Catch' : '',
                fails: both ? 'the whole execution' : failsWhat(handling(state, 'Catch'), scope),
                catchFix: both ? ', and a Catch for States.ALL that routes to a failure-handling state (record, notify, then Fail)' : '',
              },
              loc: e.keyLoc,
              resource,
              ...related,
            });
          } else {
            ctx.report({ messageId: 'missingCatch', data: common, loc: e.keyLoc, resource, ...related });
          }
        } else if (type === 'Parallel' || type === 'Map') {
          const own = handling(state, 'Catch');
          const owner = own === 'present' ? `${type} ${e.key}` : own === 'absent' ? scope.catchOwner : undefined;
          const inner: Scope = {
            catch: combine(own, scope.catch),
            ...(owner !== undefined ? { catchOwner: owner } : {}),
            path: [...scope.path, `${type} ${e.key}`],
          };
          if (type === 'Parallel') {
            for (const branch of items(get(state, 'Branches'))) visit(sm, get(branch, 'States'), inner);
          } else {
            visit(sm, get(state, 'ItemProcessor', 'States') ?? get(state, 'Iterator', 'States'), inner);
          }
        }
      }
    };
    for (const sm of ctx.model.stateMachines) {
      if (!sm.definition) continue;
      visit(sm, get(sm.definition, 'States'), { catch: 'absent', path: [] });
    }
  },
});
