import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const app = (name: string) => ({
  'serverless.yml': readFileSync(`${dir}/fixtures/valid/serverless/serverless.yml`, 'utf8').replace(
    /  # lambda-lint-disable-next-line.*\n/,
    name,
  ),
  'src/brands.ts': readFileSync(`${dir}/fixtures/valid/serverless/src/brands.ts`, 'utf8'),
});

describe('suppression-without-reason', () => {
  it('a suppression with a reason silences exactly the finding on the next line', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size -- measured with power tuning\n'));
    expect(r.findings).toEqual([]);
  });

  it('reports a suppression comment without a reason at the comment; the suppression still applies', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size\n'));
    expect(positions(r)).toEqual([at('suppression-without-reason', 'comment', 6, 3, 6, 46)]);
  });

  it('an empty reason after -- is no reason', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line memory-size --   \n'));
    expect(positions(r)).toEqual([at('suppression-without-reason', 'comment', 6, 3, 6, 49)]);
  });

  it('reports TypeScript comments without a reason', async () => {
    const files = app('  # lambda-lint-disable-next-line memory-size -- measured\n');
    files['src/brands.ts'] =
      "import { writeFile, rm } from 'node:fs/promises';\n\nexport const handler = async () => {\n  try {\n    // lambda-lint-disable-next-line fixed-tmp-path\n    await writeFile('/tmp/brands.json', '[]');\n  } finally {\n    await rm('/tmp/brands.json', { force: true });\n  }\n  return { statusCode: 200, body: JSON.stringify({ brands: [] }) };\n};\n";
    const r = await lintFiles(files);
    expect(positions(r)).toEqual([at('suppression-without-reason', 'comment', 5, 5, 5, 52)]);
    expect(r.findings[0]!.loc.file).toBe('/project/src/brands.ts');
  });

  it('reports a Metadata ignore entry without a reason at the entry', async () => {
    const r = await lintFiles({
      'template.yaml': readFileSync(`${dir}/fixtures/invalid/sam/template.yaml`, 'utf8'),
      'src/brands.ts': readFileSync(`${dir}/fixtures/invalid/sam/src/brands.ts`, 'utf8'),
    });
    expect(positions(r)).toEqual([at('suppression-without-reason', 'metadata', 16, 13, 16, 28)]);
  });

  it('a Metadata entry given as a bare rule id applies and is reported for its missing reason', async () => {
    const template = readFileSync(`${dir}/fixtures/invalid/sam/template.yaml`, 'utf8').replace('          - id: memory-size\n', '          - memory-size\n');
    const r = await lintFiles({ 'template.yaml': template, 'src/brands.ts': readFileSync(`${dir}/fixtures/invalid/sam/src/brands.ts`, 'utf8') });
    expect(positions(r)).toEqual([at('suppression-without-reason', 'metadata', 16, 13, 16, 24)]);
  });

  it('a directive that names no rule is reported by unused-suppression only', async () => {
    const r = await lintFiles(app('  # lambda-lint-disable-next-line\n'));
    expect(positions(r).map((p) => `${p.ruleId} ${p.messageId}`)).toEqual(['unused-suppression noRuleId', 'memory-size suspicious']);
  });

  fixtureTests(dir, 'suppression-without-reason');
});
