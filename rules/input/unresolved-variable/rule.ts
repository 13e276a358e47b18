import { diagnosticRule } from '../../support/diagnostic-rule.js';

export default diagnosticRule(
  'unresolved-variable',
  'info',
  'A Serverless variable that cannot be resolved offline (missing key, cycle, file outside the project root); its value is treated as unknown.',
);
