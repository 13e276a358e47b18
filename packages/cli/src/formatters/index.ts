import { formatJson } from './json.js';
import { formatStylish } from './stylish.js';
import type { Formatter } from './types.js';

export * from './types.js';
export { formatJson, formatStylish };

export const formatters: Record<string, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
};
