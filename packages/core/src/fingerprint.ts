// Shared by the baseline (H4) and SARIF `partialFingerprints` (H3): change the recipe only with a
// new version prefix, since stored baselines and code-scanning alerts are matched by this value.

/** What identifies a finding independently of where it sits in the file. */
export interface FingerprintInput {
  ruleId: string;
  /** The file, relative to the project root, with `/` separators. */
  file: string;
  function?: string;
  resource?: string;
  message: string;
  /** The text of the finding's first line; whitespace differences do not count. */
  lineText?: string;
}

/**
 * A stable identity for a finding: rule, file, anchoring function or resource, message and the
 * normalized text of its line, but no line or column numbers, so edits above or below it do not
 * change it. Returns `v1:` followed by 16 hexadecimal digits.
 */
export function fingerprint(input: FingerprintInput): string {
  const line = (input.lineText ?? '').trim().replace(/\s+/g, ' ');
  const key = [input.ruleId, input.file, input.function ?? '', input.resource ?? '', input.message, line].join('\u0000');
  return `v1:${hash32(key, 0x811c9dc5)}${hash32(key, 0x01000193 ^ 0x5bd1e995)}`;
}

/** FNV-1a over UTF-16 code units; two seeds give 64 bits, plenty for the findings of one project. */
function hash32(text: string, seed: number): string {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** The text of 1-based line `line` of `text`, or '' when there is no such line. */
export function lineOf(text: string, line: number): string {
  return text.split(/\r\n|\r|\n/)[line - 1] ?? '';
}
