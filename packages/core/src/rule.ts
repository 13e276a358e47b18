import type { Loc } from './loc.js';
import type { AppModel, LambdaFunction, Platform } from './model.js';
import type { ReviewContext } from './review.js';
import type { SuppressionOutcome } from './suppressions.js';

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export type Category =
  | 'architecture'
  | 'stateless'
  | 'cost'
  | 'reliability'
  | 'security'
  | 'observability'
  | 'deployment'
  | 'files'
  | 'adjacent'
  | 'iam'
  | 'input'
  | 'suppressions';

/**
 * `infra` reads configuration, `handler` reads code, `cross` reads both, `input` reports on the files
 * themselves, `review` reads what a change does to the deployed stack (only `lambda-lint diff` gives
 * it a {@link ReviewContext}; a plain lint run leaves it silent).
 */
export type Scope = 'infra' | 'handler' | 'cross' | 'input' | 'review';

export interface RelatedLocation {
  loc: Loc;
  message: string;
}

/** A function whose handler module was found, with the code analysis attached by the handler package. */
export interface HandlerBinding {
  fn: LambdaFunction;
  /** Absolute path of the resolved handler file. */
  file: string;
  exportName: string;
  /** Opaque to core: `@lambda-lint/handler` knows its shape. */
  code: unknown;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  loc: Loc;
  /** The function the finding is about; its name appears in the output. */
  fn?: LambdaFunction;
  /** The logical id (or construct path) of the resource the finding is about. */
  resource?: string;
  related?: RelatedLocation[];
  /** Overrides the rule's severity for this finding (rules with two levels, e.g. `secret-in-env`). */
  severity?: Severity;
  /**
   * One finding for several functions (a call in a helper they all reach): the engine fills the
   * `{{function}}` placeholder with `codeFunction` when one function is concerned (and sets `fn`),
   * else with their names (`register, forgot-password (in mailerSettings)`). A run split over worker
   * threads merges the functions of the same finding found in several parts.
   */
  concerns?: { fns: readonly LambdaFunction[]; codeFunction?: string };
}

export interface RuleContext<Options> {
  readonly model: AppModel;
  readonly handlers: readonly HandlerBinding[];
  readonly options: Options;
  /** "Today", injectable so that date-based rules do not age in tests. */
  readonly today: Date;
  /** Set in review mode (`lambda-lint diff`): the changes from the base revision to this model. */
  readonly review?: ReviewContext;
  /** Given to the suppression rules only, after every other rule ran: the run's suppressions and what became of them. */
  readonly suppressions?: SuppressionOutcome;
  /**
   * Set when only the findings located in this file (absolute path, `/` separators, as in `Loc.file`)
   * are wanted (the ESLint plugin re-linting one edited file): the engine drops every report elsewhere,
   * so a rule may skip the candidates it would report in other files. Evidence looked up elsewhere
   * (facts of the function, callers, cleanup in another file) must still be read everywhere.
   */
  readonly findingsIn?: string;
  report(report: Report): void;
}

export interface RuleDefinition<Options extends object = Record<string, never>> {
  id: string;
  category: Category;
  severity: Severity;
  scope: Scope;
  platforms: readonly Platform[];
  /** One sentence: what the rule finds. */
  description: string;
  /** Message templates by message id; `{{name}}` placeholders are filled from the report's data. */
  messages: Record<string, string>;
  defaultOptions: Options;
  /** JSON Schema of the options; when absent, one is derived from `defaultOptions` (see config.ts). */
  optionsSchema?: object;
  /** Experimental rules are off unless configured. */
  experimental?: boolean;
  check(ctx: RuleContext<Options>): void;
}

// eslint-style identity helper: keeps the options type of each rule while the registry holds them all.
export function defineRule<Options extends object = Record<string, never>>(
  def: RuleDefinition<Options>,
): RuleDefinition<Options> {
  return def;
}

// The registry stores rules of differing option types; `any` here is the erased form of that.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = RuleDefinition<any>;

export const DOCS_BASE = 'https://github.com/lambda-lint/lambda-lint/blob/main/rules';

export function docsUrl(rule: Pick<AnyRule, 'id' | 'category'>): string {
  return `${DOCS_BASE}/${rule.category}/${rule.id}/README.md`;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(data, name) ? String(data[name]) : whole,
  );
}
