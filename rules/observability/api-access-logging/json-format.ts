/**
 * Whether an API Gateway access log format is JSON: the format with every `$context.x` /
 * `$stageVariables.x` / `$input...` variable outside a string replaced by a placeholder must parse as a
 * JSON object. Lenient on purpose: `{"status": $context.status}` (an unquoted number) is JSON once
 * API Gateway fills it in, and is accepted.
 */
export function isJsonAccessLogFormat(format: string): boolean {
  let out = '';
  let inString = false;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (inString) {
      out += c;
      if (c === '\\' && i + 1 < format.length) out += format[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === '$') {
      // `$context.status`, `$context.authorizer.claims['sub']`: one value.
      const variable = /^\$[A-Za-z_][\w.-]*(?:\[[^\]]*\])?(?:\.[\w-]+)*/.exec(format.slice(i));
      if (variable) {
        out += '0';
        i += variable[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  try {
    const parsed: unknown = JSON.parse(out);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}
