import { templateText, type AppModel, type LambdaFunction, type Resource } from '@lambda-lint/core';
import { createContext, numberProp, prop } from './template.js';

/** Resources whose `LogGroupName` + `RetentionInDays` set a function's log retention (CDK `logRetention` synthesizes `Custom::LogRetention`). */
const LOG_GROUP_TYPES = new Set(['AWS::Logs::LogGroup', 'Custom::LogRetention']);

/**
 * Finds the log group each function of the file writes to, and its `RetentionInDays`: the group named by
 * `LoggingConfig.LogGroup` (`!Ref Group` or its name), else the one named `/aws/lambda/<function name>`
 * (`!Sub /aws/lambda/${Fn}`, `!Join ['', [/aws/lambda/, !Ref Fn]]`, or the literal `FunctionName`), or in
 * serverless.yml the generated `<Fn>LogGroup` overridden in `resources`. Functions that already know their
 * retention (serverless `logRetentionInDays`) are left as they are.
 */
export function linkLogGroups(model: AppModel, file: string, resources: Map<string, Resource>, functions: Iterable<LambdaFunction>): void {
  const groups = [...resources.values()].filter((r) => LOG_GROUP_TYPES.has(r.type));
  const doc = model.documents.find((d) => d.file === file);
  const ctx = createContext(file, doc?.platform ?? 'cloudformation', doc?.root);
  const nameOf = (g: Resource) => templateText(prop(g, 'LogGroupName'));
  for (const fn of new Set(functions)) {
    if (fn.file !== file || fn.logRetention || fn.logGroup) continue;
    let group: Resource | undefined;
    if (fn.logGroupName) {
      const wanted = templateText(fn.logGroupName.node);
      group = groups.find((g) => g.type === 'AWS::Logs::LogGroup' && wanted !== undefined && (wanted === `\${${g.logicalId}}` || wanted === nameOf(g)));
      if (!group) {
        // A log group managed outside this template: its retention cannot be known here.
        fn.logRetention = { value: undefined, loc: fn.logGroupName.loc, node: fn.logGroupName.node };
        continue;
      }
    } else {
      const names = new Set([`/aws/lambda/\${${fn.logicalId}}`]);
      const functionName = fn.resource ? templateText(prop(fn.resource, 'FunctionName')) : undefined;
      if (functionName !== undefined) names.add(`/aws/lambda/${functionName}`);
      const candidates = groups.filter((g) => names.has(nameOf(g) ?? ''));
      if (fn.platform === 'serverless') {
        const generated = resources.get(fn.logicalId.replace(/LambdaFunction$/, 'LogGroup'));
        if (generated && LOG_GROUP_TYPES.has(generated.type)) candidates.push(generated);
      }
      group = candidates.find((g) => prop(g, 'RetentionInDays') !== undefined) ?? candidates[0];
    }
    if (!group) continue;
    fn.logGroup = group;
    const retention = numberProp(prop(group, 'RetentionInDays'), ctx);
    if (retention) fn.logRetention = retention;
  }
}
