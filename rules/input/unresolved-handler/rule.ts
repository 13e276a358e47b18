import { diagnosticRule } from '../../support/diagnostic-rule.js';

export default diagnosticRule(
  'unresolved-handler',
  'warning',
  'A function whose handler file or export cannot be found, so its code rules did not run.',
);
