import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const valid = readFileSync(`${dir}/fixtures/valid/serverless/serverless.yml`, 'utf8');
const handler = readFileSync(`${dir}/fixtures/valid/serverless/src/brands.ts`, 'utf8');
/** The valid app with its memory lines (suppression comment and memorySize) replaced. */
const app = (memoryLines: string) => ({
  'serverless.yml': valid.replace(/  # lambda-lint-disable-next-line.*\n  memorySize: 3008\n/, memoryLines),
  'src/brands.ts': handler,
});

describe('unused-suppression', () => {
  it('reports a suppression whose rule reported nothing on the next line, at the rule id', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size -- old\n  memorySize: 256\n'));
    expect(positions(r)).toEqual([at('unused-suppression', 'unused', 6, 35, 6, 46)]);
    expect(r.findings[0]!.message).toContain('reported nothing on line 7');
  });

  it('reports only the unused id of a comment that names two', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line explicit-timeout, memory-size -- measured\n  memorySize: 3008\n'));
    expect(positions(r)).toEqual([at('unused-suppression', 'unused', 6, 35, 6, 51)]);
  });

  it('a suppression covers the next line only', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size -- measured\n\n  memorySize: 3008\n'));
    expect(positions(r).map((p) => p.ruleId).sort()).toEqual(['memory-size', 'unused-suppression']);
  });

  it('a rest-of-file suppression covers every later line', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable memory-size -- whole service measured\n\n  # another comment\n  memorySize: 3008\n'));
    expect(r.findings).toEqual([]);
  });

  it('a disable-line comment covers its own line', async () => {
    const used = await lintFiles(app('  memorySize: 3008 # lambda-lint-disable-line memory-size -- measured with power tuning\n'));
    expect(used.findings).toEqual([]);
    const unused = await lintFiles(app('  memorySize: 256 # lambda-lint-disable-line memory-size -- measured\n'));
    expect(positions(unused)).toEqual([at('unused-suppression', 'unused', 6, 46, 6, 57)]);
  });

  it('lambda-lint-enable ends a disable: later findings are reported, and the message names the covered lines', async () => {
    const files = app('  # lambda-lint-disable memory-size -- legacy provider block\n  memorySize: 256\n  # lambda-lint-enable memory-size\n');
    files['serverless.yml'] = files['serverless.yml'].replace('    handler: src/brands.handler\n', '    handler: src/brands.handler\n    memorySize: 10240\n');
    const r = await lintFiles(files);
    expect(positions(r)).toEqual([at('unused-suppression', 'unused', 6, 25, 6, 36), at('memory-size', 'suspicious', 17, 17, 17, 22)]);
    expect(r.findings[0]!.message).toContain('reported nothing on lines 6-7');
  });

  it('reports an unknown rule id with a suggestion; the finding stays', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memroy-size -- measured\n  memorySize: 3008\n'));
    expect(positions(r)).toEqual([at('unused-suppression', 'unknownRule', 6, 35, 6, 46), at('memory-size', 'suspicious', 7, 15, 7, 19)]);
    expect(r.findings[0]!.message).toContain('did you mean "memory-size"?');
  });

  it('reports a directive that names no rule', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line -- measured\n  memorySize: 256\n'));
    expect(positions(r)).toEqual([at('unused-suppression', 'noRuleId', 6, 3, 6, 46)]);
  });

  it('a suppression of a mandatory rule is reported and does not apply', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size -- measured\n  memorySize: 3008\n'), { config: { mandatory: ['memory-size'] } });
    expect(positions(r)).toEqual([at('unused-suppression', 'mandatory', 6, 35, 6, 46), at('memory-size', 'suspicious', 7, 15, 7, 19)]);
  });

  it('says nothing about a suppression of a rule that is off', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size -- measured\n  memorySize: 256\n'), { config: { rules: { 'memory-size': 'off' } } });
    expect(r.findings).toEqual([]);
  });

  it('ignores directives inside strings and block scalars', async () => {
    const files = app('  memorySize: 256\n');
    files['serverless.yml'] = files['serverless.yml'].replace('custom:\n', 'custom:\n  note: "# lambda-lint-disable memory-size"\n  text: |\n    # lambda-lint-disable memory-size\n');
    const r = await lintFiles(files);
    expect(r.findings).toEqual([]);
  });

  it('handles TypeScript line and block comments, and ignores strings', async () => {
    const files = app('  memorySize: 256\n');
    files['src/brands.ts'] =
      "const note = '// lambda-lint-disable-next-line fixed-tmp-path -- not a comment';\n" +
      '/* lambda-lint-disable-next-line client-in-handler -- block comment */\n' +
      'export const handler = async () => {\n' +
      '  return { statusCode: 200, body: JSON.stringify({ brands: [], note }) }; // lambda-lint-disable-next-line memory-size -- trailing\n' +
      '};\n';
    const r = await lintFiles(files);
    expect(positions(r)).toEqual([at('unused-suppression', 'unused', 2, 34, 2, 51), at('unused-suppression', 'unused', 4, 108, 4, 119)]);
  });

  it('honours eslint-disable comments for lambda-lint/ rules in code when asked (the CLI), and leaves judging them to ESLint', async () => {
    const files = app('  memorySize: 256\n');
    files['src/brands.ts'] =
      "import { writeFile, rm } from 'node:fs/promises';\n\nexport const handler = async () => {\n  try {\n    // eslint-disable-next-line lambda-lint/fixed-tmp-path -- one request per environment\n    await writeFile('/tmp/brands.json', '[]');\n  } finally {\n    await rm('/tmp/brands.json', { force: true });\n  }\n  // eslint-disable-next-line lambda-lint/memory-size\n  return { statusCode: 200, body: JSON.stringify({ brands: [] }) };\n};\n";
    const { lint, memoryHost } = await import('@lambda-lint/linter');
    const { allRules } = await import('@lambda-lint/rules');
    const run = (f: Record<string, string>, eslintDirectives: boolean) =>
      lint({ host: memoryHost(f), paths: ['/project'], root: '/project', rules: allRules, eslintDirectives, today: new Date('2026-06-01') });
    // fixed-tmp-path is silenced; the unused, reasonless second comment is ESLint's to report.
    expect(run(files, true).findings).toEqual([]);
    // Under ESLint (the default), ESLint applies its comments itself.
    expect(run(files, false).findings.map((f) => f.ruleId)).toEqual(['fixed-tmp-path']);
    const without = { ...files, 'src/brands.ts': files['src/brands.ts']!.replace('// eslint-disable-next-line lambda-lint/fixed-tmp-path', '// a comment') };
    expect(run(without, true).findings.map((f) => f.ruleId)).toEqual(['fixed-tmp-path']);
  });

  it('reports an unknown id in CloudFormation Metadata at the id', async () => {
    const r = await lintFiles({
      'template.yaml': readFileSync(`${dir}/fixtures/invalid/sam/template.yaml`, 'utf8'),
      'src/brands.ts': readFileSync(`${dir}/fixtures/invalid/sam/src/brands.ts`, 'utf8'),
    });
    expect(positions(r)).toEqual([at('unused-suppression', 'unknownRule', 16, 17, 16, 28)]);
  });

  it('--no-inline-config: suppressions are not read', async () => {
    const { lint, memoryHost } = await import('@lambda-lint/linter');
    const { allRules } = await import('@lambda-lint/rules');
    const files = app('  # lambda-lint-disable-next-line memory-size -- measured\n  memorySize: 3008\n');
    const r = lint({ host: memoryHost(files), paths: ['/project'], root: '/project', rules: allRules, inlineConfig: false, today: new Date('2026-06-01') });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['memory-size']);
  });

  describe('Metadata suppressions in every format that has resources', () => {
    const fixtures = `${dir}/../../adjacent/sqs-visibility-timeout/fixtures/invalid`;
    const read = (rel: string) => readFileSync(`${fixtures}/${rel}`, 'utf8');

    it('serverless.yml resources', async () => {
      const files = { 'serverless.yml': read('serverless-default/serverless.yml'), 'src/jobs.ts': read('serverless-default/src/jobs.ts') };
      const before = await lintFiles(files);
      expect(positions(before, 'sqs-visibility-timeout')).toHaveLength(1);
      files['serverless.yml'] = files['serverless.yml'].replace(
        '      Type: AWS::SQS::Queue\n      Properties:\n        RedrivePolicy:',
        '      Type: AWS::SQS::Queue\n      Metadata:\n        lambda-lint:\n          ignore:\n            - { id: sqs-visibility-timeout, reason: jobs finish in 2 s }\n      Properties:\n        RedrivePolicy:',
      );
      const after = await lintFiles(files);
      expect(positions(after, 'sqs-visibility-timeout')).toEqual([]);
      expect(positions(after).filter((p) => p.ruleId.includes('suppression'))).toEqual([]);
      // The rest is unchanged: only the suppressed finding is gone.
      expect(after.findings.length).toBe(before.findings.length - 1);
    });

    it('CDK synth output (cfnResource.addMetadata)', async () => {
      const template = read('cdk-below-timeout/cdk.out/Shop.template.json');
      const files = { 'cdk.out/manifest.json': read('cdk-below-timeout/cdk.out/manifest.json'), 'cdk.out/Shop.template.json': template };
      const before = await lintFiles(files);
      expect(positions(before, 'sqs-visibility-timeout')).toHaveLength(1);
      files['cdk.out/Shop.template.json'] = template.replace(
        '"aws:cdk:path": "Shop/Jobs/Resource"',
        '"aws:cdk:path": "Shop/Jobs/Resource",\n    "lambda-lint": { "ignore": [{ "id": "sqs-visibility-timeout", "reason": "jobs finish in 2 s" }] }',
      );
      const after = await lintFiles(files);
      expect(positions(after, 'sqs-visibility-timeout')).toEqual([]);
      expect(positions(after).filter((p) => p.ruleId.includes('suppression'))).toEqual([]);
    });
  });

  fixtureTests(dir, 'unused-suppression');
});
