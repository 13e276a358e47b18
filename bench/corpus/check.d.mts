export type Content = string | Uint8Array;
export interface CheckedLoc {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
export interface CheckedRun {
  findings: readonly { ruleId: string; message: string; loc: CheckedLoc; related?: readonly { loc: CheckedLoc }[] }[];
  internalErrors?: readonly { ruleId: string; message: string }[];
}
export interface CheckOptions {
  root?: string;
  maxBytes?: number;
  /** Number of errors the `yaml` package reports for a text (an independent judge of YAML syntax). */
  yamlErrors?: (text: string) => number;
}
export function claimsToBeConfig(rel: string): boolean;
export function textOf(content: Content): string;
export function lineLengths(text: string): number[];
export function rangeProblem(loc: CheckedLoc, lineLengths: readonly number[]): string | undefined;
export function unreadableReason(rel: string, content: Content, options?: Omit<CheckOptions, 'root'>): string | undefined;
export function checkRun(files: Record<string, Content>, result: CheckedRun, options?: CheckOptions): string[];
