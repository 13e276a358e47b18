import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PART_SIZES,
  lint,
  lintPart,
  memoryHost,
  nodeHost,
  planParts,
  type DiscoveredFile,
  type LintOptions,
  type LintResult,
  type ParallelLint,
  type PartSizes,
} from '@lambda-lint/linter';
import { allRules } from '@lambda-lint/rules';
import { generateMonorepo } from '../bench/monorepo/generate.mjs';
import { repoRoot } from './support.js';

const today = new Date('2026-06-01T00:00:00Z');
/** Small enough that a few functions are split: the fixtures here are not monorepos. */
const SMALL: PartSizes = { minFunctions: 2, minPerPart: 1 };

/**
 * Worker threads stood in for by calls in this thread: the same plan, the same parts and the same
 * merge as with real threads (test/cli-concurrency.test.ts runs those), but deterministic and
 * inspectable. `failing` parts come back as a failed worker's do (undefined).
 */
function inThread(options: LintOptions, helpers: number, sizes: PartSizes, failing: number[] = []): ParallelLint & { parts: number; cancelled: boolean } {
  let files: readonly DiscoveredFile[] = [];
  const parallel = {
    sizes,
    parts: 0,
    cancelled: false,
    start(found: readonly DiscoveredFile[]) {
      files = found;
      return helpers;
    },
    collect(parts: number) {
      parallel.parts = parts;
      return Array.from({ length: parts - 1 }, (_, k) => (failing.includes(k + 1) ? undefined : lintPart({ ...options, files }, k + 1, helpers + 1, sizes)));
    },
    cancel() {
      parallel.cancelled = true;
    },
  };
  return parallel;
}

function lintBothWays(options: LintOptions, helpers: number, sizes: PartSizes, failing: number[] = []): { plain: LintResult; split: LintResult; parts: number } {
  const plain = lint(options);
  const parallel = inThread(options, helpers, sizes, failing);
  const split = lint({ ...options, parallel });
  return { plain, split, parts: parallel.parts };
}

function memoryProject(files: Record<string, string>): LintOptions {
  const root = '/project';
  return { host: memoryHost(files, root), paths: [root], root, rules: allRules, today };
}

describe('a run split over worker threads gives the findings of a run in one thread', () => {
  it('on the generated monorepo, with the default part sizes (two parts)', () => {
    const { plain, split, parts } = lintBothWays(memoryProject(generateMonorepo({ handlers: 200, functions: 40, seed: 3 })), 1, DEFAULT_PART_SIZES);
    expect(parts).toBe(2);
    expect(plain.findings.length).toBeGreaterThan(20);
    expect(split.findings).toEqual(plain.findings);
    expect(split.fileCount).toBe(plain.fileCount);
    expect(split.functionCount).toBe(plain.functionCount);
    expect(split.internalErrors).toEqual([]);
  });

  it('on the generated monorepo in four parts, and when a worker fails (its part is analysed by the main thread)', () => {
    const options = memoryProject(generateMonorepo({ handlers: 250, functions: 50, seed: 5 }));
    const four = lintBothWays(options, 3, SMALL);
    expect(four.parts).toBe(4);
    expect(four.split.findings).toEqual(four.plain.findings);
    const failed = lintBothWays(options, 3, SMALL, [2]);
    expect(failed.split.findings).toEqual(four.plain.findings);
    expect(failed.split.fileCount).toBe(four.plain.fileCount);
  });

  it('on the demo platform (every rule has findings there)', () => {
    const root = `${repoRoot}/examples/brand-platform-demo`;
    const { plain, split, parts } = lintBothWays({ host: nodeHost({}), paths: [root], root, rules: allRules, today }, 3, SMALL);
    expect(parts).toBeGreaterThan(1);
    expect(plain.findings.length).toBeGreaterThan(100);
    expect(split.findings).toEqual(plain.findings);
    expect(split.fileCount).toBe(plain.fileCount);
  });

  it('on every rule fixture (many projects, functions without code, rules that judge functions by configuration and code together)', () => {
    // reserved-concurrency reports a function by its configuration and adds what its code opens: only
    // the part that analysed the function's code may report it (each part reports its own functions).
    const root = `${repoRoot}/rules`;
    const { plain, split, parts } = lintBothWays({ host: nodeHost({}), paths: [root], root, rules: allRules, today }, 3, SMALL);
    expect(parts).toBe(4);
    expect(plain.functionCount).toBeGreaterThan(300);
    expect(split.findings).toEqual(plain.findings);
    expect(split.fileCount).toBe(plain.fileCount);
  });

  it('stays in one thread (and stops the workers) when the run is too small', () => {
    const options = memoryProject(generateMonorepo({ handlers: 60, functions: 12, seed: 1 }));
    const parallel = inThread(options, 1, DEFAULT_PART_SIZES);
    const split = lint({ ...options, parallel });
    expect(parallel.cancelled).toBe(true);
    expect(parallel.parts).toBe(0);
    expect(split.findings).toEqual(lint(options).findings);
  });
});

/** Two services whose functions reach one shared helper: each service is analysed in another part. */
const SHARED_HELPER = `import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
export async function sendMail(to: string): Promise<void> {
  const ses = new SESClient({});
  await ses.send(new SendEmailCommand({ Source: 'a@example.com', Destination: { ToAddresses: [to] }, Message: { Subject: { Data: 's' }, Body: { Text: { Data: 'b' } } } }));
}
`;
const service = (name: string) => `service: ${name}
provider:
  name: aws
  runtime: nodejs22.x
functions:
  ${name}One:
    handler: src/one.handler
  ${name}Two:
    handler: src/two.handler
`;
const handlerUsingHelper = (imports = '', body = '') => `import { sendMail } from '../../shared/mailer.js';
${imports}export const handler = async (event: { to: string }) => {
  await sendMail(event.to);
${body}  return { ok: true };
};
`;

describe('planning the parts', () => {
  // Only what planParts reads of a model: the functions' files and roles.
  const modelOf = (fns: { file: string; role?: object }[]) => ({ functions: fns }) as unknown as Parameters<typeof planParts>[0];
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('keeps the functions of one file, and those sharing a role, in one part', () => {
    const role = {};
    const model = modelOf([{ file: 'a' }, { file: 'b', role }, { file: 'a' }, { file: 'c', role }, { file: 'd' }, { file: 'e' }]);
    const parts = planParts(model, all(6), 3, SMALL);
    const partOf = (i: number) => parts.findIndex((p) => p.includes(i));
    expect(partOf(0)).toBe(partOf(2));
    expect(partOf(1)).toBe(partOf(3));
    expect(parts.flat().sort()).toEqual(all(6));
    expect(parts).toHaveLength(3);
    // Deterministic: every thread plans the same parts.
    expect(planParts(model, all(6), 3, SMALL)).toEqual(parts);
  });

  it('gives the main thread no less than a worker, and does not split small runs or a single unit', () => {
    const files = modelOf(Array.from({ length: 60 }, (_, i) => ({ file: `f${i}` })));
    const [main, worker] = planParts(files, all(60), 2);
    expect(main!.length).toBeGreaterThanOrEqual(worker!.length);
    expect(planParts(files, all(39), 4)).toEqual([all(39)]);
    expect(planParts(modelOf(Array.from({ length: 60 }, () => ({ file: 'one' }))), all(60), 4)).toEqual([all(60)]);
  });
});

describe('merging the parts of a split run', () => {
  const files = {
    'shop/serverless.yml': service('shop'),
    'shop/src/one.ts': handlerUsingHelper(),
    'shop/src/two.ts': handlerUsingHelper(),
    'mail/serverless.yml': service('mail'),
    'mail/src/one.ts': handlerUsingHelper(),
    'mail/src/two.ts': handlerUsingHelper(
      "import { writeFileSync } from 'node:fs';\n",
      "  // lambda-lint-disable-next-line fixed-tmp-path -- one invocation at a time writes it\n  writeFileSync('/tmp/report.json', '{}');\n  // lambda-lint-disable-next-line memory-size -- nothing here to silence\n",
    ),
    'shared/mailer.ts': SHARED_HELPER,
  };

  it('plans the two services as two parts, each service whole', () => {
    const options = memoryProject(files);
    const { model } = lint({ ...options, rules: allRules.filter((r) => r.scope === 'infra') });
    const byName = (i: number) => model.functions[i]!.name;
    const parts = planParts(model, model.functions.map((_, i) => i), 2, SMALL);
    expect(parts.map((p) => p.map(byName).sort()).sort()).toEqual([
      ['mailOne', 'mailTwo'],
      ['shopOne', 'shopTwo'],
    ]);
  });

  it('reports a call in a helper reached from both parts once, naming the functions of both', () => {
    const { plain, split, parts } = lintBothWays(memoryProject(files), 1, SMALL);
    expect(parts).toBe(2);
    expect(split.findings).toEqual(plain.findings);
    const perInvocation = split.findings.filter((f) => f.ruleId === 'client-in-handler');
    expect(perInvocation).toHaveLength(1);
    expect(perInvocation[0]!.loc).toMatchObject({ file: '/project/shared/mailer.ts', line: 3, column: 15 });
    expect(perInvocation[0]!.message).toMatch(/^mailOne, mailTwo, shopOne, shopTwo \(in sendMail\): |^shopOne, shopTwo, mailOne, mailTwo \(in sendMail\): /);
    expect(perInvocation[0]!.function).toBeUndefined();
  });

  it('applies the suppression comments of code only a worker read, and reports the unused one', () => {
    const options = memoryProject(files);
    const unsuppressed = lintBothWays({ ...options, inlineConfig: false }, 1, SMALL);
    expect(unsuppressed.split.findings.filter((f) => f.ruleId === 'fixed-tmp-path').map((f) => [f.loc.file, f.loc.line])).toEqual([['/project/mail/src/two.ts', 6]]);
    const { plain, split, parts } = lintBothWays(options, 1, SMALL);
    expect(parts).toBe(2);
    expect(split.findings).toEqual(plain.findings);
    expect(split.findings.filter((f) => f.ruleId === 'fixed-tmp-path')).toEqual([]);
    const unused = split.findings.filter((f) => f.ruleId === 'unused-suppression');
    expect(unused.map((f) => [f.loc.file, f.loc.line, f.loc.column])).toEqual([['/project/mail/src/two.ts', 7, 36]]);
  });
});
