import { describe, expect, it } from 'vitest';
import type { AnyRule, Finding } from '@lambda-lint/core';
import { allRules } from '@lambda-lint/rules';
import { escapeData, escapeProperty, formatGithub, formatJunit, formatSummary, type FormatInput } from '../packages/cli/src/formatters/index.js';

const cwd = '/work/app';

function finding(over: Partial<Finding> & Pick<Finding, 'ruleId' | 'severity' | 'message'>): Finding {
  return { messageId: 'm', loc: { file: `${cwd}/serverless.yml`, line: 3, column: 5, endLine: 3, endColumn: 12 }, ...over };
}

function input(findings: Finding[], over: Partial<FormatInput> = {}): FormatInput {
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  return {
    findings,
    summary: { errors: count('error'), warnings: count('warning'), infos: count('info'), files: 2, functions: 2 },
    cwd,
    color: false,
    sourceText: () => undefined,
    rules: allRules,
    ...over,
  };
}

describe('github format (workflow commands)', () => {
  it('escapes data and properties exactly as @actions/core does', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext%3A a%2C b');
    // `%` first: an escape sequence in the input is not decoded by the runner.
    expect(escapeData('%0A')).toBe('%250A');
  });

  it('prints one command per finding, error/warning/notice by severity, with the full range and the rule id as title', () => {
    const out = formatGithub(
      input([
        finding({ ruleId: 'fixed-tmp-path', severity: 'error', message: 'ingest: 50% of runs\nfail', loc: { file: `${cwd}/src/a,b:c.ts`, line: 4, column: 17, endLine: 4, endColumn: 35 } }),
        finding({ ruleId: 'memory-size', severity: 'warning', message: 'ingest: memory not set: 1024 MB default' }),
        finding({ ruleId: 'reserved-concurrency', severity: 'info', message: 'advice' }),
      ]),
    );
    expect(out).toBe(
      '::error file=src/a%2Cb%3Ac.ts,line=4,col=17,endLine=4,endColumn=35,title=fixed-tmp-path::ingest: 50%25 of runs%0Afail\n' +
        '::warning file=serverless.yml,line=3,col=5,endLine=3,endColumn=12,title=memory-size::ingest: memory not set: 1024 MB default\n' +
        '::notice file=serverless.yml,line=3,col=5,endLine=3,endColumn=12,title=reserved-concurrency::advice\n',
    );
  });

  it('prints nothing when there are no findings', () => {
    expect(formatGithub(input([]))).toBe('');
  });
});

describe('junit format', () => {
  it('writes one suite per file and one failing case per finding, escaping text and attributes', () => {
    const out = formatJunit(
      input([
        finding({ ruleId: 'secret-in-env', severity: 'error', message: 'api: "DB_PASSWORD" <literal> & more\nnext\u0007', function: 'api' }),
        finding({ ruleId: 'memory-size', severity: 'warning', message: 'w', loc: { file: `${cwd}/b.yml`, line: 1, column: 1, endLine: 1, endColumn: 2 } }),
      ]),
    );
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<testsuites name="lambda-lint" tests="2" failures="2" errors="0">',
        '  <testsuite name="serverless.yml" package="lambda-lint" tests="1" failures="1" errors="0" time="0">',
        '    <testcase name="secret-in-env serverless.yml:3:5" classname="lambda-lint.secret-in-env" file="serverless.yml" line="3" time="0">',
        '      <failure type="error" message="api: &quot;DB_PASSWORD&quot; &lt;literal&gt; &amp; more&#10;next\uFFFD">serverless.yml:3:5 [api] error api: "DB_PASSWORD" &lt;literal&gt; &amp; more\nnext\uFFFD (secret-in-env)</failure>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="b.yml" package="lambda-lint" tests="1" failures="1" errors="0" time="0">',
        '    <testcase name="memory-size b.yml:1:1" classname="lambda-lint.memory-size" file="b.yml" line="1" time="0">',
        '      <failure type="warning" message="w">b.yml:1:1 warning w (memory-size)</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('is an empty passing report without findings', () => {
    expect(formatJunit(input([]))).toBe('<?xml version="1.0" encoding="utf-8"?>\n<testsuites name="lambda-lint" tests="0" failures="0" errors="0">\n</testsuites>\n');
  });
});

describe('summary format (scorecard)', () => {
  const rules: AnyRule[] = allRules.filter((r) => ['fixed-tmp-path', 'memory-size', 'explicit-timeout', 'iam-wildcard-action', 'parse-error'].includes(r.id));
  const functions = [
    { name: 'ingest', resource: 'IngestLambdaFunction', file: `${cwd}/serverless.yml` },
    { name: 'report|daily', resource: 'ReportLambdaFunction', file: `${cwd}/serverless.yml` },
  ];

  it('has one row per function (clean ones too), one column per area, counts and the worst severity', () => {
    const out = formatSummary(
      input(
        [
          finding({ ruleId: 'fixed-tmp-path', severity: 'error', message: 'x', function: 'ingest', resource: 'IngestLambdaFunction' }),
          finding({ ruleId: 'memory-size', severity: 'warning', message: 'x', function: 'ingest', resource: 'IngestLambdaFunction' }),
          finding({ ruleId: 'explicit-timeout', severity: 'info', message: 'x', function: 'ingest', resource: 'IngestLambdaFunction' }),
          finding({ ruleId: 'explicit-timeout', severity: 'warning', message: 'y', function: 'ingest', resource: 'IngestLambdaFunction' }),
          finding({ ruleId: 'parse-error', severity: 'error', message: 'bad yaml' }),
        ],
        { rules, functions },
      ),
    );
    expect(out).toBe(
      [
        '## lambda-lint production-readiness scorecard',
        '',
        '| Function      | Stateless | Cost        | Security | Input     |',
        '| ------------- | --------- | ----------- | -------- | --------- |',
        '| ingest        | ✖ 1 error | ⚠ 3 warning | ✔        | ✔         |',
        '| report\\|daily | ✔         | ✔           | ✔        | ✔         |',
        '| (application) | ✔         | ✔           | ✔        | ✖ 1 error |',
        '',
        '2 functions in 2 files: 2 errors, 2 warnings, 1 info. Each cell: number of findings and the worst severity (✖ error, ⚠ warning, ℹ info); ✔ none.',
        '',
      ].join('\n'),
    );
  });

  it('tells apart functions of the same name in different services by file', () => {
    const out = formatSummary(
      input([finding({ ruleId: 'memory-size', severity: 'warning', message: 'x', function: 'api', resource: 'B' })], {
        rules,
        functions: [
          { name: 'api', resource: 'A', file: `${cwd}/a/serverless.yml` },
          { name: 'api', resource: 'B', file: `${cwd}/b/serverless.yml` },
        ],
      }),
    );
    expect(out.split('\n').slice(4, 6)).toEqual([
      '| api (a/serverless.yml) | ✔         | ✔           | ✔        |',
      '| api (b/serverless.yml) | ✔         | ⚠ 1 warning | ✔        |',
    ]);
  });
});
