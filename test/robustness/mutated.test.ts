// Property-based tests over the whole linter (every rule, in-memory projects): the repository's
// fixtures and examples, mutated. See support.ts for the invariants and the run budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutate, MUTATION_NAMES, rng } from '../../bench/corpus/mutate.mjs';
import { mutateProject } from '../../bench/corpus/generate.mjs';
import { budget, describeFiles, lintAndCheck, SCALE, seeds, under, type Files } from './support.js';

const YAML = /\.ya?ml$/;
const JSON_FILE = /\.json$/;
const CODE = /\.[cm]?[jt]s$/;

interface Mutation {
  file: string;
  mutation: string;
  seed: number;
}

/** A seed project that has files matching `pattern`, and 1-4 mutations of those files. */
function mutatedSeed(pattern: RegExp, mutations: readonly string[] = MUTATION_NAMES) {
  const candidates = seeds.filter((s) => Object.keys(s.files).some((f) => pattern.test(f)));
  return fc.nat({ max: candidates.length - 1 }).chain((i) => {
    const seed = candidates[i]!;
    const files = Object.keys(seed.files).filter((f) => pattern.test(f));
    const mutation = fc.record({ file: fc.constantFrom(...files), mutation: fc.constantFrom(...mutations), seed: fc.nat() });
    return fc.record({ seed: fc.constant(seed), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) });
  });
}

function apply(base: Record<string, string>, mutations: readonly Mutation[]): Files {
  const files: Files = { ...base };
  for (const m of mutations) files[m.file] = mutate(files[m.file]!, m.mutation, m.seed, SCALE);
  return files;
}

async function check(name: string, files: Files): Promise<void> {
  try {
    await lintAndCheck(under('app', files));
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- project ${name}:\n${describeFiles(files)}`);
  }
}

describe('robustness: mutated fixtures and examples, whole linter', () => {
  it('has seeds of every kind', () => {
    for (const p of [YAML, JSON_FILE, CODE]) expect(seeds.some((s) => Object.keys(s.files).some((f) => p.test(f))), String(p)).toBe(true);
  });

  it('YAML configurations (serverless.yml, SAM, CloudFormation)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSeed(YAML), async ({ seed, mutations }) => check(seed.name, apply(seed.files, mutations))),
      budget(50),
    );
  });

  it('YAML syntax specifically: tags, anchors, aliases and bombs, tabs, indentation, nesting', async () => {
    const yamlOnly = ['yaml-tag', 'anchor-alias', 'alias-bomb', 'tabs', 'reindent', 'deep-nesting', 'unbalanced', 'replace-value', 'rename-key', 'duplicate-lines'];
    await fc.assert(
      fc.asyncProperty(mutatedSeed(YAML, yamlOnly), async ({ seed, mutations }) => check(seed.name, apply(seed.files, mutations))),
      budget(40),
    );
  });

  it('JSON templates (CloudFormation, SAM, CDK output)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSeed(JSON_FILE), async ({ seed, mutations }) => check(seed.name, apply(seed.files, mutations))),
      budget(30),
    );
    await fc.assert(
      fc.asyncProperty(mutatedSeed(JSON_FILE, ['json-subtree']), async ({ seed, mutations }) => check(seed.name, apply(seed.files, mutations))),
      budget(30),
    );
  });

  it('handler code (TypeScript and JavaScript)', async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSeed(CODE), async ({ seed, mutations }) => check(seed.name, apply(seed.files, mutations))),
      budget(40),
    );
  });

  it('handler code spliced together from the code of every seed', async () => {
    // Realistic constructs in unrealistic combinations: the code rules meet everything at once.
    const donors = seeds.flatMap((s) => Object.entries(s.files).filter(([f]) => CODE.test(f)).map(([, text]) => text.split('\n')));
    const chunk = fc.record({ donor: fc.nat({ max: donors.length - 1 }), start: fc.nat(), length: fc.integer({ min: 1, max: 15 }) });
    const splice = fc.array(chunk, { minLength: 1, maxLength: 8 }).map((chunks) =>
      chunks.map(({ donor, start, length }) => {
        const lines = donors[donor]!;
        const from = start % lines.length;
        return lines.slice(from, from + length).join('\n');
      }).join('\n'),
    );
    const config = 'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  api:\n    handler: src/h.handler\n    events:\n      - sqs: arn:aws:sqs:us-east-1:123456789012:q\n      - http: GET /\n';
    await fc.assert(
      fc.asyncProperty(splice, splice, fc.constantFrom('src/h.ts', 'src/h.js', 'src/h.mjs'), async (main, lib, name) => {
        await check('spliced', { 'serverless.yml': config, [name]: `${main}\nexport const handler = async (event, context) => { return helper(event, context); };\n`, 'src/lib/helper.ts': lib, 'src/lib.ts': lib });
      }),
      budget(30),
    );
  });

  it('several files at once, including deleted files, formats under the wrong name and random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.nat(), async (i, seed) => {
        const files: Files = { ...seeds[i]!.files };
        mutateProject(files, rng(seed), { scale: SCALE, maxMutations: 5 });
        await check(seeds[i]!.name, files);
      }),
      budget(40),
    );
  });
});
