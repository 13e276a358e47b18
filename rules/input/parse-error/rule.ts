import { diagnosticRule } from '../../support/diagnostic-rule.js';

export default diagnosticRule(
  'parse-error',
  'error',
  'A file that cannot be read as what it claims to be: invalid YAML/JSON, an unknown tag, a TypeScript syntax error, a binary or oversized file, a YAML alias bomb.',
);
