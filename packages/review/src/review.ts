import { applyBaseline, cachedLineText, createBaseline, type Finding, type ReviewContext } from '@lambda-lint/core';
import { lint, type Host, type LintOptions, type LintResult } from '@lambda-lint/linter';
import { reviewChanges } from './changes.js';

/** The options of a lint run (paths, root, rules, config...), the same for both revisions. */
export interface ReviewOptions extends Omit<LintOptions, 'host' | 'review'> {
  /** The working tree (or any head revision). */
  head: Host;
  /** The base revision, e.g. {@link gitHost}: the same absolute paths as `head`. */
  base: Host;
  /** How the user named the base revision, for messages. */
  baseRef: string;
}

export interface ReviewResult extends LintResult {
  /** Findings of the head that the base has too (by fingerprint): not reported. */
  unchangedCount: number;
  /** What the change does to the stack, as the review rules saw it. */
  changes: ReviewContext;
}

/**
 * Lints the base and the head revision and keeps what the change brings: head findings whose
 * fingerprint the base does not have (as many times), the findings of the `review` rules among them
 * (they see the differences between the two CloudFormation views: permissions broadened, resources
 * replaced). Configuration, suppressions and severities apply to both runs alike.
 */
export function review(options: ReviewOptions): ReviewResult {
  const { head: headHost, base: baseHost, baseRef, ...common } = options;
  // The base run reports nothing of its own: no progress for it.
  const { onProgress: _progress, ...quiet } = common;
  const base = lint({ ...quiet, host: baseHost });
  let changes: ReviewContext = { baseRef, broadened: [], resourceChanges: [] };
  const head = lint({
    ...common,
    host: headHost,
    review: (model) => (changes = reviewChanges(base.model, model, baseRef)),
  });
  const fresh = newFindings(head.findings, base.findings, options.root, headHost, baseHost);
  return { ...head, findings: fresh, unchangedCount: head.findings.length - fresh.length, changes };
}

/**
 * `head` findings less those the base has: the base revision's findings are a baseline (the same
 * fingerprints, counted, as `--baseline` uses), each read with its own revision's line text.
 */
export function newFindings(head: readonly Finding[], base: readonly Finding[], root: string, headHost: Host, baseHost: Host): Finding[] {
  const baseline = createBaseline(base, root, cachedLineText((file) => baseHost.readFile(file)));
  return applyBaseline(head, baseline, root, cachedLineText((file) => headHost.readFile(file))).kept;
}
