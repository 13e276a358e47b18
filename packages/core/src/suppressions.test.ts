import { describe, expect, it } from 'vitest';
import { runRules, type Finding } from './engine.js';
import type { Loc } from './loc.js';
import { emptyModel } from './model.js';
import { defineRule, type AnyRule } from './rule.js';
import { parseDirective, suppressionFromComment, type Suppression } from './suppressions.js';
import { applyBaseline, createBaseline, parseBaseline, serializeBaseline } from './baseline.js';

const at = (file: string, line: number, column = 1, endColumn = column + 1): Loc => ({ file, line, column, endLine: line, endColumn });

/** A rule that reports at the given places. */
const reporting = (id: string, places: Loc[], severity: 'error' | 'warning' | 'info' = 'warning'): AnyRule =>
  defineRule({
    id,
    category: 'cost',
    severity,
    scope: 'infra',
    platforms: ['serverless'],
    description: id,
    messages: { m: `${id} here` },
    defaultOptions: {},
    check(ctx) {
      for (const loc of places) ctx.report({ messageId: 'm', loc });
    },
  });

/** Stand-in for the suppression rules: reports every status that is not `used`/`not-run`/`enable`, and missing reasons. */
const judge = defineRule({
  id: 'unused-suppression',
  category: 'suppressions',
  severity: 'info',
  scope: 'input',
  platforms: ['serverless'],
  description: 'judge',
  messages: { m: '{{state}} {{id}}', reason: 'no reason' },
  defaultOptions: {},
  check(ctx) {
    for (const s of ctx.suppressions?.statuses ?? []) {
      if (s.state !== 'used' && s.state !== 'not-run' && s.state !== 'enable') ctx.report({ messageId: 'm', data: { state: s.state, id: s.target.ruleId }, loc: s.target.loc });
    }
    for (const s of ctx.suppressions?.suppressions ?? []) if (!s.reason && s.kind !== 'enable') ctx.report({ messageId: 'reason', loc: s.loc });
  },
});

const F = '/p/serverless.yml';
const comment = (text: string, line: number, lastLine = 100): Suppression => {
  const s = suppressionFromComment(text, { line, column: 2 }, at(F, line, 1, text.length + 2), lastLine);
  if (!s) throw new Error('not a directive');
  return s;
};
const summary = (findings: Finding[]) => findings.map((f) => `${f.loc.line}:${f.loc.column} ${f.ruleId} ${f.message}`);

describe('parseDirective', () => {
  it('reads ids, kind and reason', () => {
    expect(parseDirective(' lambda-lint-disable-next-line memory-size, explicit-timeout -- sized by a load test')).toEqual({
      kind: 'next-line',
      ids: [
        { ruleId: 'memory-size', start: 31, end: 42 },
        { ruleId: 'explicit-timeout', start: 44, end: 60 },
      ],
      reason: 'sized by a load test',
    });
    expect(parseDirective(' lambda-lint-disable memory-size')).toEqual({ kind: 'rest-of-file', ids: [{ ruleId: 'memory-size', start: 21, end: 32 }] });
    expect(parseDirective(' lambda-lint-disable-next-line memory-size --   ')!.reason).toBeUndefined();
    expect(parseDirective(' lambda-lint-disable-line memory-size -- x')).toMatchObject({ kind: 'line', reason: 'x' });
  });
  it('reads the lambda-lint/ ids of ESLint directives, with their exact offsets', () => {
    const body = ' eslint-disable-next-line no-console, lambda-lint/floating-promise -- flushed in finally';
    expect(parseDirective(body)).toEqual({ kind: 'next-line', ids: [{ ruleId: 'floating-promise', start: 50, end: 66 }], reason: 'flushed in finally', origin: 'eslint' });
    expect(body.slice(50, 66)).toBe('floating-promise');
    expect(parseDirective(' eslint-disable no-console')).toBeUndefined();
    expect(parseDirective(' eslint-disable')).toBeUndefined();
    expect(parseDirective(' eslint-enable lambda-lint/fixed-tmp-path')).toMatchObject({ kind: 'enable', origin: 'eslint' });
  });

  it('ignores other comments', () => {
    expect(parseDirective(' this mentions lambda-lint-disable in passing')).toBeUndefined();
    expect(parseDirective(' lambda-lint-disabled memory-size')).toBeUndefined();
  });
  it('gives each id its exact range in the file', () => {
    const s = comment(' lambda-lint-disable-next-line memory-size -- why', 4);
    expect(s.targets[0]!.loc).toEqual({ file: F, line: 4, column: 33, endLine: 4, endColumn: 44 });
    expect([s.fromLine, s.toLine]).toEqual([5, 5]);
  });
});

describe('runRules with suppressions', () => {
  const rules = [reporting('memory-size', [at(F, 5), at(F, 9)]), reporting('explicit-timeout', [at(F, 5)]), judge];

  it('a next-line suppression with a reason silences exactly the finding on the next line', () => {
    const findings = runRules({ model: emptyModel('/p'), rules, suppressions: [comment(' lambda-lint-disable-next-line memory-size -- load tested', 4)] });
    expect(summary(findings)).toEqual(['5:1 explicit-timeout explicit-timeout here', '9:1 memory-size memory-size here']);
  });

  it('a suppression without a reason still applies and is reported', () => {
    const findings = runRules({ model: emptyModel('/p'), rules, suppressions: [comment(' lambda-lint-disable-next-line memory-size', 4)] });
    expect(summary(findings)).toEqual(['4:1 unused-suppression no reason', '5:1 explicit-timeout explicit-timeout here', '9:1 memory-size memory-size here']);
  });

  it('rest-of-file suppressions cover every later line', () => {
    const findings = runRules({ model: emptyModel('/p'), rules, suppressions: [comment(' lambda-lint-disable memory-size -- legacy', 2)] });
    expect(summary(findings)).toEqual(['5:1 explicit-timeout explicit-timeout here']);
  });

  it('lambda-lint-enable ends a rest-of-file suppression of its rules; a bare one ends all', () => {
    const findings = runRules({
      model: emptyModel('/p'),
      rules,
      suppressions: [comment(' lambda-lint-disable memory-size, explicit-timeout -- legacy block', 2), comment(' lambda-lint-enable memory-size', 7)],
    });
    expect(summary(findings)).toEqual(['9:1 memory-size memory-size here']);
    const bare = runRules({
      model: emptyModel('/p'),
      rules,
      suppressions: [comment(' lambda-lint-disable memory-size -- legacy block', 6), comment(' lambda-lint-enable', 7)],
    });
    // Line 9 is after the enable; the disable on line 6 covered only line 6 and is unused.
    expect(summary(bare)).toEqual(['5:1 explicit-timeout explicit-timeout here', '5:1 memory-size memory-size here', '6:23 unused-suppression unused memory-size', '9:1 memory-size memory-size here']);
  });

  it('reports unused, unknown and mandatory ids at the id, and mandatory findings stay', () => {
    const findings = runRules({
      model: emptyModel('/p'),
      rules,
      config: { mandatory: ['explicit-timeout'] },
      suppressions: [comment(' lambda-lint-disable-next-line explicit-timeout, memroy-size -- x', 4), comment(' lambda-lint-disable-next-line memory-size -- x', 6)],
    });
    expect(summary(findings)).toEqual([
      '4:33 unused-suppression mandatory explicit-timeout',
      '4:51 unused-suppression unknown-rule memroy-size',
      '5:1 explicit-timeout explicit-timeout here',
      '5:1 memory-size memory-size here',
      '6:33 unused-suppression unused memory-size',
      '9:1 memory-size memory-size here',
    ]);
  });

  it('a suppression for a rule that is off is neither used nor unused', () => {
    const findings = runRules({
      model: emptyModel('/p'),
      rules,
      config: { rules: { 'memory-size': 'off' } },
      suppressions: [comment(' lambda-lint-disable-next-line memory-size -- x', 4)],
    });
    expect(summary(findings)).toEqual(['5:1 explicit-timeout explicit-timeout here']);
  });
});

describe('runRules with per-path configuration', () => {
  const a = '/p/services/batch/serverless.yml';
  const b = '/p/services/api/serverless.yml';
  it('overrides change severity per file and ignore drops files', () => {
    const findings = runRules({
      model: emptyModel('/p'),
      rules: [reporting('memory-size', [at(a, 1), at(b, 1), at('/p/legacy/serverless.yml', 1)])],
      config: { overrides: [{ files: ['services/batch/**'], rules: { 'memory-size': 'error' } }], ignore: ['legacy/**'] },
    });
    expect(findings.map((f) => `${f.loc.file} ${f.severity}`)).toEqual([`${b} warning`, `${a} error`]);
  });

  it('overrides can turn a rule on for some files only', () => {
    const findings = runRules({
      model: emptyModel('/p'),
      rules: [reporting('memory-size', [at(a, 1), at(b, 1)])],
      config: { rules: { 'memory-size': 'off' }, overrides: [{ files: ['services/api/*'], rules: { 'memory-size': 'info' } }] },
    });
    expect(findings.map((f) => `${f.loc.file} ${f.severity}`)).toEqual([`${b} info`]);
  });

  it('overrides with options run the rule with those options for the matching files', () => {
    const seen: number[] = [];
    const thresholdRule = defineRule({
      id: 'function-per-endpoint',
      category: 'architecture',
      severity: 'info',
      scope: 'infra',
      platforms: ['serverless'],
      description: 'x',
      messages: { m: 'threshold {{t}}' },
      defaultOptions: { threshold: 10 },
      check(ctx) {
        seen.push(ctx.options.threshold);
        for (const file of [a, b]) ctx.report({ messageId: 'm', data: { t: ctx.options.threshold }, loc: at(file, 1) });
      },
    });
    const findings = runRules({
      model: emptyModel('/p'),
      rules: [thresholdRule],
      config: { overrides: [{ files: ['services/batch/**'], rules: { 'function-per-endpoint': ['info', { threshold: 3 }] } }] },
    });
    expect(seen.sort()).toEqual([10, 3].sort());
    expect(findings.map((f) => `${f.loc.file} ${f.message}`)).toEqual([`${b} threshold 10`, `${a} threshold 3`]);
  });
});

describe('baseline', () => {
  const lines: Record<string, string[]> = { [F]: ['provider:', '  name: aws', 'functions:', '  api:', '    handler: h.handler'] };
  const lineText = (file: string, line: number) => lines[file]?.[line - 1] ?? '';
  const finding = (line: number, ruleId = 'memory-size'): Finding => ({ ruleId, messageId: 'm', severity: 'warning', message: `${ruleId}: api`, loc: at(F, line), function: 'api' });

  it('hides baselined findings after lines are inserted above them, and shows new ones', () => {
    const baseline = parseBaseline(serializeBaseline(createBaseline([finding(4)], '/p', lineText)));
    lines[F] = ['# new comment', '# another', ...lines[F]!];
    const { kept, baselined } = applyBaseline([finding(6), finding(6, 'explicit-timeout')], baseline, '/p', lineText);
    expect(baselined).toBe(1);
    expect(kept.map((f) => f.ruleId)).toEqual(['explicit-timeout']);
    // Fixing the baselined finding leaves a stale entry.
    expect(applyBaseline([], baseline, '/p', lineText)).toEqual({ kept: [], baselined: 0, stale: 1 });
  });

  it('counts identical findings: one more copy is new', () => {
    const twice = createBaseline([finding(4), finding(4)], '/p', lineText);
    expect(twice.entries).toHaveLength(1);
    expect(twice.entries[0]!.count).toBe(2);
    expect(applyBaseline([finding(4), finding(4), finding(4)], twice, '/p', lineText).kept).toHaveLength(1);
  });

  it('writes sorted, one-entry-per-line JSON with relative paths', () => {
    const text = serializeBaseline(createBaseline([finding(5, 'explicit-timeout'), finding(4)], '/p', lineText));
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "version": 1,');
    expect(lines[3]).toContain('"ruleId":"explicit-timeout","file":"serverless.yml"');
    expect(lines[4]).toContain('"ruleId":"memory-size"');
    expect(serializeBaseline({ version: 1, entries: [] })).toBe('{\n  "version": 1,\n  "entries": []\n}\n');
  });

  it('rejects files that are not baselines', () => {
    expect(() => parseBaseline('nope')).toThrow(/not valid JSON/);
    expect(() => parseBaseline('{"version":9,"entries":[]}')).toThrow(/unsupported version 9/);
    expect(() => parseBaseline('{"version":1,"entries":[{}]}')).toThrow(/entry 1/);
  });
});
