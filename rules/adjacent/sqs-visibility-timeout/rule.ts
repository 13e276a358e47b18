import { defineRule, entry, type LambdaFunction, type Loc, type Resource, type Trigger } from '@lambda-lint/core';
import { effectiveTimeouts, inheritedNote, templateNumber } from '../../support/values.js';

/** SQS `VisibilityTimeout` when the queue does not set one. */
const SQS_DEFAULT_VISIBILITY_SECONDS = 30;

interface Consumer {
  fn: LambdaFunction;
  trigger: Trigger;
  seconds: number;
  /** Where the timeout is written; undefined when the platform default applies. */
  timeoutLoc?: Loc;
  timeoutNote: string;
}

export default defineRule({
  id: 'sqs-visibility-timeout',
  category: 'adjacent',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'An SQS queue that triggers a function with a VisibilityTimeout below the function timeout (error) or below 6x the timeout (warning, AWS guidance); the SQS default is 30 s.',
  messages: {
    belowTimeout:
      'Queue {{queue}} has a visibility timeout of {{visibility}} s{{visibilityNote}}, below the {{timeout}} s timeout{{timeoutNote}} of {{name}}, which consumes it: a message becomes visible again while {{name}} is still working on it and is processed twice (Lambda also rejects creating such an event source mapping). Set VisibilityTimeout to at least {{recommended}} s ({{multiple}}x the function timeout).',
    belowRecommended:
      'Queue {{queue}} has a visibility timeout of {{visibility}} s{{visibilityNote}}, less than {{multiple}}x the {{timeout}} s timeout{{timeoutNote}} of {{name}}, which consumes it: when Lambda retries a throttled or failed batch, messages can reappear before the retry is done and are processed twice. AWS recommends at least {{multiple}}x the function timeout: set VisibilityTimeout to {{recommended}} s or more.',
  },
  defaultOptions: { multiple: 6 },
  check(ctx) {
    const consumers = new Map<Resource, Consumer[]>();
    for (const fn of ctx.model.functions) {
      for (const trigger of fn.events) {
        if (trigger.type !== 'sqs' || !trigger.sourceLogicalId) continue;
        const queue = ctx.model.resources.find((r) => r.file === fn.file && r.logicalId === trigger.sourceLogicalId && r.type === 'AWS::SQS::Queue');
        if (!queue) continue;
        const list = consumers.get(queue) ?? [];
        for (const t of effectiveTimeouts(fn)) {
          list.push({
            fn,
            trigger,
            seconds: t.seconds,
            ...(t.prop ? { timeoutLoc: t.prop.loc } : {}),
            timeoutNote: t.prop ? inheritedNote(t.prop.inheritedFrom ? t.prop : fn.timeout, fn.platform === 'serverless' ? 'timeout' : 'Timeout') : ' (the platform default)',
          });
        }
        consumers.set(queue, list);
      }
    }
    for (const [queue, list] of consumers) {
      const setting = entry(queue.properties, 'VisibilityTimeout');
      const visibility = setting ? templateNumber(ctx.model, queue.file, setting.value) : SQS_DEFAULT_VISIBILITY_SECONDS;
      if (visibility === undefined) continue;
      // The consumer with the longest timeout decides.
      const worst = [...list].sort((a, b) => b.seconds - a.seconds)[0];
      if (!worst) continue;
      const multiple = ctx.options.multiple;
      const recommended = Math.ceil(worst.seconds * multiple);
      const error = visibility < worst.seconds;
      if (!error && visibility >= recommended) continue;
      ctx.report({
        messageId: error ? 'belowTimeout' : 'belowRecommended',
        severity: error ? 'error' : 'warning',
        data: {
          queue: queue.constructPath ?? queue.logicalId,
          visibility,
          visibilityNote: setting ? '' : ' (the SQS default, VisibilityTimeout is not set)',
          timeout: worst.seconds,
          timeoutNote: worst.timeoutNote,
          name: worst.fn.name,
          multiple,
          recommended,
        },
        loc: setting ? setting.value.loc : queue.loc,
        fn: worst.fn,
        resource: queue.constructPath ?? queue.logicalId,
        related: [
          { loc: worst.trigger.loc, message: `${worst.fn.name} consumes the queue here` },
          ...(worst.timeoutLoc ? [{ loc: worst.timeoutLoc, message: `${worst.fn.name} timeout: ${worst.seconds} s` }] : []),
        ],
      });
    }
  },
});
