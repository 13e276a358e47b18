import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'global-mutable-state';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  ingest:\n    handler: src/ingest.handler\n    logRetentionInDays: 30\n    tracing: Active\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

function app(handler: string, extra: Record<string, string> = {}, file = 'src/ingest.ts'): Record<string, string> {
  return { 'serverless.yml': SERVERLESS, [file]: handler, ...extra };
}

async function found(files: Record<string, string>) {
  return positions(await lintFiles(files), ID);
}

const reassigned = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'reassigned', line, column, endLine, endColumn);
const mutated = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'mutated', line, column, endLine, endColumn);

describe(ID, () => {
  describe('reassigned module-level variables', () => {
    it('reports ++, compound and plain assignment at the variable', async () => {
      const r = await lintFiles(
        app(
          lines(
            'let requestCount = 0;',
            'var lastEvent;',
            'let total = 0;',
            'export const handler = async (event: { n: number }) => {',
            '  requestCount++;',
            '  lastEvent = event;',
            '  total += event.n;',
            '  --total;',
            '  return requestCount;',
            '};',
          ),
        ),
      );
      expect(positions(r, ID)).toEqual([reassigned(5, 3, 5, 15), reassigned(6, 3, 6, 12), reassigned(7, 3, 7, 8), reassigned(8, 5, 8, 10)]);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[0]).toBe(
        'handler: module-level "requestCount" (declared on line 1) is incremented on every invocation; warm environments keep module scope between requests, so its value leaks from one request into the next and differs between concurrent environments. Keep per-request state inside the handler; keep only reusable clients and caches at module scope, initialised once (`client ??= new Client()`).',
      );
      expect(messages[1]).toContain('"lastEvent" (declared on line 2) is reassigned');
      expect(messages[2]).toContain('"total" (declared on line 3) is updated with +=');
      expect(messages[3]).toContain('is decremented');
      expect(r.findings.filter((f) => f.ruleId === 'global-mutable-state')[0]).toMatchObject({ function: 'ingest', severity: 'error' });
    });

    it('reports destructuring assignment to module-level variables', async () => {
      expect(await found(app(lines('let a = 0, b = 0;', 'export const handler = async (e: number[]) => {', '  [a, b] = e;', '};')))).toEqual([
        reassigned(3, 4, 3, 5),
        reassigned(3, 7, 3, 8),
      ]);
    });

    it('ignores const, parameters and locals that shadow module names', async () => {
      expect(
        await found(
          app(
            lines(
              'let count = 0;',
              'const limit = 10;',
              'export const handler = async (event: { n: number }, count: number) => {',
              '  count++;',
              '  event.n = 1;',
              '  let limit = 0;',
              '  limit += 1;',
              '  for (let i = 0; i < 3; i++) {}',
              '  const out: number[] = [];',
              '  out.push(1);',
              '  return { count, limit, out };',
              '};',
            ),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('lazy one-time initialisation is not a finding', () => {
    const cases: [string, string[]][] = [
      ['if (!client) client = ...', ['let client: object | undefined;', 'export const handler = async () => {', '  if (!client) client = { created: Date.now() };', '  return client;', '};']],
      ['if (client === undefined) { client = ...; openedAt = ... }', ['let client;', 'let openedAt = 0;', 'export const handler = async () => {', '  if (client === undefined) {', '    client = await connect();', '    openedAt = Date.now();', '  }', '  return client;', '};', 'async function connect() { return {}; }']],
      ['client ??= / ||=', ['let a;', 'let b;', 'export const handler = async () => {', '  a ??= new Map();', '  b ||= new Set();', '  return [a, b];', '};']],
      ['client = client ?? ...', ['let client;', 'export const handler = async () => {', '  client = client ?? { ok: true };', '  client = client || { ok: true };', '  return client;', '};']],
      ['memoised promise with a reset on failure', ['let initPromise: Promise<void> | undefined;', 'function init() {', '  return load().catch((e) => {', '    initPromise = undefined;', '    throw e;', '  });', '}', 'async function load() {}', 'export const handler = async () => {', '  if (!initPromise) initPromise = init();', '  await initPromise;', '};']],
      ['early return when cached', ['let secret: string | undefined;', 'async function getSecret() {', '  if (secret) return secret;', '  secret = await fetchIt();', '  return secret;', '}', 'async function fetchIt() { return "s"; }', 'export const handler = async () => getSecret();']],
      ['x ?? (x = ...) and typeof guards', ['let conf;', 'let pool;', 'export const handler = async () => {', '  const c = conf ?? (conf = { a: 1 });', "  if (typeof pool === 'undefined') { pool = []; }", '  return [c, pool];', '};']],
      ['a token cache refreshed when it expires', ['let token: string | undefined;', 'let expiresAt = 0;', 'async function getToken() {', '  if (token && Date.now() < expiresAt) return token;', '  token = await fetchToken();', '  expiresAt = Date.now() + 300_000;', '  return token;', '}', 'async function fetchToken() { return "t"; }', 'export const handler = async () => getToken();']],
      ['initialised in the else branch', ['let client: object | undefined;', 'export const handler = async () => {', '  if (client) {', '    return client;', '  } else {', '    client = {};', '  }', '  return client;', '};']],
      ['an init function called only while unset', ['let db: object | undefined;', 'let openedAt = 0;', 'async function connect() {', '  db = {};', '  openedAt = Date.now();', '}', 'async function getDb() {', '  if (db) return db;', '  await connect();', '  return db;', '}', 'export const handler = async () => {', '  if (!db) await connect();', '  return getDb();', '};']],
      ['property of a module object initialised once', ['const cache: { client?: object } = {};', 'export const handler = async () => {', '  if (!cache.client) cache.client = {};', '  cache.client ??= {};', '  return cache.client;', '};']],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(app(lines(...code)))).toEqual([]);
      });
    }
  });

  it('reports an init function that is also called without a guard', async () => {
    expect(
      await found(app(lines('let db: object | undefined;', 'async function connect() {', '  db = {};', '}', 'export const handler = async () => {', '  if (!db) await connect();', '  await connect();', '  return db;', '};'))),
    ).toEqual([reassigned(3, 3, 3, 5)]);
  });

  it('reports a module-level write next to, but outside, a lazy initialisation', async () => {
    expect(
      await found(app(lines('let client: object | undefined;', 'let lastUsed = 0;', 'export const handler = async () => {', '  if (!client) client = {};', '  lastUsed = Date.now();', '  return client;', '};'))),
    ).toEqual([reassigned(5, 3, 5, 11)]);
  });

  describe('mutated module-level containers', () => {
    it('reports array, Map and Set mutation at the call', async () => {
      expect(
        await found(
          app(
            lines(
              'const seen: string[] = [];',
              'const byId = new Map<string, number>();',
              'const ids = new Set<string>();',
              'export const handler = async (event: { id: string }) => {',
              '  seen.push(event.id);',
              '  byId.set(event.id, 1);',
              '  ids.add(event.id);',
              '  byId.delete("x");',
              '  seen.splice(0, 1);',
              '  return byId.get(event.id) ?? seen.length;',
              '};',
            ),
          ),
        ),
      ).toEqual([mutated(5, 3, 5, 22), mutated(6, 3, 6, 24), mutated(7, 3, 7, 20), mutated(8, 3, 8, 19), mutated(9, 3, 9, 20)]);
    });

    it('reports property writes, delete and Object.assign on module-level objects', async () => {
      const r = await lintFiles(
        app(
          lines(
            'const state = { lastUser: "", hits: 0 };',
            'const config: Record<string, string> = {};',
            'class Stats { static total = 0; }',
            'export const handler = async (event: { user: string; overrides: object }) => {',
            '  state.lastUser = event.user;',
            '  state.hits++;',
            '  delete config[event.user];',
            '  Object.assign(config, event.overrides);',
            '  Stats.total += 1;',
            '};',
          ),
        ),
      );
      expect(positions(r, ID)).toEqual([mutated(5, 3, 5, 17), mutated(6, 3, 6, 13), mutated(7, 10, 7, 28), mutated(8, 3, 8, 41), mutated(9, 3, 9, 14)]);
      const messages = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
      expect(messages[0]).toContain('module-level object "state" (declared on line 1) is mutated by assigning state.lastUser');
      expect(messages[1]).toContain('mutated by state.hits++');
      expect(messages[2]).toContain('mutated by delete config[event.user]');
      expect(messages[3]).toContain('mutated by Object.assign(config, ...)');
      expect(messages[4]).toContain('module-level class "Stats"');
    });

    it('reports a container nested in a module-level object literal', async () => {
      const r = await lintFiles(app(lines('const state = { items: [] as string[] };', 'export const handler = async () => {', '  state.items.push("x");', '};')));
      expect(positions(r, ID)).toEqual([mutated(3, 3, 3, 24)]);
      expect(r.findings.filter((f) => f.ruleId === 'global-mutable-state')[0]!.message).toContain('handler: module-level array "state.items" (declared on line 1) is mutated by state.items.push()');
    });

    it('ignores methods of clients that merely share a name with a container method', async () => {
      expect(
        await found(
          app(
            lines(
              "import Redis from 'ioredis';",
              "import { S3Client } from '@aws-sdk/client-s3';",
              'const redis = new Redis();',
              'const s3 = new S3Client({});',
              'const settings = loadSettings();',
              'function loadSettings() { return new Map(); }',
              'export const handler = async (event: { id: string }) => {',
              '  await redis.set(event.id, "1");',
              '  settings.set("x", 1);',
              '  return s3.config;',
              '};',
            ),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('module-level instances of local classes', () => {
    it('reports writes to fields of a singleton through this, not in its constructor or lazy fields', async () => {
      const r = await lintFiles(
        app(
          lines(
            'class BrandService {', // 1
            '  private seen = new Set<string>();', // 2
            '  private calls = 0;', // 3
            '  private client?: object;', // 4
            '  private log: string[];', // 5
            '  constructor() {', // 6
            '    this.log = [];', // 7
            '    this.calls = 0;', // 8
            '  }', // 9
            '  async handle(event: { id: string }) {', // 10
            '    this.client ??= {};', // 11
            '    this.seen.add(event.id);', // 12
            '    this.calls++;', // 13
            '    [1].forEach(() => this.log.push(event.id));', // 14
            '    return this.seen.size;', // 15
            '  }', // 16
            '}', // 17
            'const service = new BrandService();', // 18
            'export const handler = service.handle.bind(service);', // 19
          ),
        ),
      );
      expect(positions(r, ID)).toEqual([mutated(12, 5, 12, 28), mutated(13, 5, 13, 15), mutated(14, 23, 14, 46)]);
      expect(r.findings.filter((f) => f.ruleId === ID).map((f) => f.message.split(' on every')[0])).toEqual([
        'handle: module-level Set "service.seen" (declared on line 18) is mutated by this.seen.add()',
        'handle: module-level instance of BrandService "service" (declared on line 18) is mutated by this.calls++',
        'handle: module-level array "service.log" (declared on line 18) is mutated by this.log.push()',
      ]);
    });

    it('ignores classes instantiated per request', async () => {
      expect(
        await found(
          app(
            lines(
              'class Batch {',
              '  items: string[] = [];',
              '  add(id: string) { this.items.push(id); }',
              '}',
              'export const handler = async (event: { ids: string[] }) => {',
              '  const batch = new Batch();',
              '  for (const id of event.ids) batch.add(id);',
              '  return batch.items;',
              '};',
            ),
          ),
        ),
      ).toEqual([]);
    });
  });

  describe('what runs per request', () => {
    it('ignores mutations in module-level code and in functions the handler never calls', async () => {
      expect(
        await found(
          app(
            lines(
              'const routes: string[] = [];',
              'let ready = false;',
              'routes.push("/a");',
              'function register(r: string) { routes.push(r); ready = true; }',
              'register("/b");',
              'function unused() { routes.length = 0; }',
              'export const handler = async () => routes.length;',
            ),
          ),
        ),
      ).toEqual([]);
    });

    it('follows helpers, callbacks and local modules, naming the function that writes', async () => {
      const r = await lintFiles(
        app(
          lines(
            "import { record } from './lib/metrics.js';",
            "import { items } from './lib/state.js';",
            'const seen = new Set<string>();',
            'function remember(id: string) {',
            '  seen.add(id);',
            '}',
            'export const handler = async (event: { Records: { id: string }[] }) => {',
            '  event.Records.forEach((r) => remember(r.id));',
            '  record(event.Records.length);',
            '  items.push("x");',
            '};',
          ),
          {
            'src/lib/metrics.ts': lines('let count = 0;', 'export function record(n: number) {', '  count += n;', '}'),
            'src/lib/state.ts': lines('export const items: string[] = [];'),
          },
        ),
      );
      expect(positions(r, ID)).toEqual([mutated(5, 3, 5, 15), mutated(10, 3, 10, 18), { ...reassigned(3, 3, 3, 8) }]);
      const byFile = r.findings.filter((f) => f.ruleId === ID).map((f) => `${f.loc.file} ${f.message.split(' on every')[0]}`);
      expect(byFile).toEqual([
        '/project/src/ingest.ts remember: module-level Set "seen" (declared on line 3) is mutated by seen.add()',
        '/project/src/ingest.ts handler: module-level array "items" (declared in src/lib/state.ts:1) is mutated by items.push()',
        '/project/src/lib/metrics.ts record: module-level "count" (declared on line 1) is updated with +=',
      ]);
    });

    it('works for CommonJS JavaScript handlers', async () => {
      expect(
        await found(
          app(
            lines("'use strict';", 'const cache = {};', 'let calls = 0;', 'module.exports.handler = async (event) => {', '  calls = calls + 1;', '  cache[event.id] = event;', '  return calls;', '};'),
            {},
            'src/ingest.js',
          ),
        ),
      ).toEqual([reassigned(5, 3, 5, 8), mutated(6, 3, 6, 18)]);
    });

    it('reports once when several functions share the handler', async () => {
      const r = await lintFiles({
        'serverless.yml': `${SERVERLESS}  replay:\n    handler: src/ingest.handler\n`,
        'src/ingest.ts': lines('let n = 0;', 'export const handler = async () => ++n;'),
      });
      expect(positions(r, ID)).toEqual([reassigned(2, 38, 2, 39)]);
    });

    it('works whatever configuration points at the handler (SAM)', async () => {
      const r = await lintFiles({
        'template.yaml': lines(
          'Transform: AWS::Serverless-2016-10-31',
          'Resources:',
          '  Ingest:',
          '    Type: AWS::Serverless::Function',
          '    Properties:',
          '      Runtime: nodejs20.x',
          '      CodeUri: src/',
          '      Handler: app.handler',
          '      MemorySize: 256',
          '      Timeout: 10',
        ),
        'src/app.mjs': lines('const buffer = [];', 'export const handler = async (event) => {', '  buffer.push(event);', '};'),
      });
      expect(positions(r, ID)).toEqual([mutated(3, 3, 3, 21)]);
    });
  });

  it('never throws on broken or unusual code', async () => {
    const base = lines(
      "import { put } from './lib/db.js';",
      'let count = 0;',
      'const cache = new Map<string, number>();',
      'class Svc { items: string[] = []; run(x: string) { this.items.push(x); } }',
      'const svc = new Svc();',
      'export const handler = async (event: { id: string }) => {',
      '  if (!cache.size) count = 1;',
      '  cache.set(event.id, ++count);',
      '  [count] = [1];',
      '  svc.run(event.id);',
      '  return put(event);',
      '};',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.constantFrom('', '(', ')', '{', '}', '=', '++', '.', ';', 'this', '`', '[', ']', '!', '??=')), { maxLength: 5 }), async (edits) => {
        let text = base;
        for (const [pos, del, ins] of edits) text = text.slice(0, pos) + ins + text.slice(pos + del);
        const r = await lintFiles(app(text, { 'src/lib/db.ts': 'export const put = async (x: unknown) => x;\n' }));
        for (const f of r.findings) expect(f.loc.line).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
