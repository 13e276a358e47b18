import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import { formatSummary } from './summary.js';
import type { Formatter } from './types.js';

export * from './types.js';
export { formatGithub, formatJson, formatJunit, formatSarif, formatStylish, formatSummary };
export { escapeData, escapeProperty } from './github.js';

/** The `--format` choices. Each is a pure function of the findings and the run's facts. */
export const formatters: Record<string, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  junit: formatJunit,
  summary: formatSummary,
};
