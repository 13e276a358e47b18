// ESLint's own RuleTester on every rule the plugin exposes, with ESLint's default parser (plain
// JavaScript) and the typescript-eslint parser. The cases are editor buffers for the handler files of
// packages/eslint-plugin/fixtures/app/serverless.yml (one function per rule, src/<rule-id>). The valid
// case of each rule is its handler file on disk; the invalid case is a buffer that differs from the
// disk, so a finding can only come from the text ESLint hands the rule.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import allRules from '@lambda-lint/rules';
import plugin, { codeRules } from 'eslint-plugin-lambda-lint';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const pluginDir = fileURLToPath(new URL('../packages/eslint-plugin/', import.meta.url));
const casesDir = `${pluginDir}fixtures/cases`;
const appSrc = `${pluginDir}fixtures/app/src`;

interface ExpectedError {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

/** What the CLI reports for each invalid case (same ids, messages and ranges); ESLint columns are 1-based like the CLI's. */
const expected: Record<string, ExpectedError[]> = {
  'base64-upload-size': [
    { line: 6, column: 16, endLine: 6, endColumn: 49, message: "handler: Buffer.from(event.body, 'base64') decodes an upload without checking its size. Payloads near the hard limits (API Gateway 10 MB, Lambda 6 MB synchronous payload) are decoded in memory (the Base64 text is a third larger than the file), slow every request and fail with 413 or out-of-memory errors instead of a clear answer; above about 1 MB a file should not go through the function at all. Check the size before decoding (e.g. `if (Buffer.byteLength(body) > MAX_BASE64_CHARS) return 413`) and have clients upload large files straight to S3 with a pre-signed URL." },
  ],
  'client-in-handler': [
    { line: 4, column: 18, endLine: 4, endColumn: 40, message: "handler: new DynamoDBClient() creates an AWS SDK client on every invocation. Warm execution environments are reused, but a client made per request throws away its connection pool, TLS sessions and resolved credentials, adding tens to hundreds of milliseconds to each request and extra load under concurrency. Create it once at module scope (outside the handler) and reuse it, or lazily once (`client ??= new DynamoDBClient()`)." },
  ],
  'fixed-tmp-path': [
    { line: 5, column: 21, endLine: 5, endColumn: 39, message: "handler: writeFile() uses the fixed path \"/tmp/export.json\". /tmp survives between invocations of a warm environment, so this request reads or overwrites what an earlier request left there: stale or leaked data, half-written files after a timeout, and a full disk as files pile up. Make the path unique per request, e.g. path.join(os.tmpdir(), `${context.awsRequestId}-export.json`) or randomUUID(), or create a directory with fs.mkdtemp(), and remove it in a finally block." },
    { line: 6, column: 52, endLine: 6, endColumn: 70, message: "handler: readFile() uses the fixed path \"/tmp/export.json\". /tmp survives between invocations of a warm environment, so this request reads or overwrites what an earlier request left there: stale or leaked data, half-written files after a timeout, and a full disk as files pile up. Make the path unique per request, e.g. path.join(os.tmpdir(), `${context.awsRequestId}-export.json`) or randomUUID(), or create a directory with fs.mkdtemp(), and remove it in a finally block." },
  ],
  'floating-promise': [
    { line: 6, column: 3, endLine: 6, endColumn: 89, message: "handler: the promise of sns.send(...) is neither awaited nor returned. When the handler returns, Lambda freezes the execution environment: the work stops mid-flight, may never complete or resume during a later, unrelated request, and its errors are never seen. Await it (use `await Promise.all([...])` for parallel work) or return it." },
  ],
  'global-mutable-state': [
    { line: 4, column: 3, endLine: 4, endColumn: 9, message: "handler: module-level \"served\" (declared on line 1) is incremented on every invocation; warm environments keep module scope between requests, so its value leaks from one request into the next and differs between concurrent environments. Keep per-request state inside the handler; keep only reusable clients and caches at module scope, initialised once (`client ??= new Client()`)." },
  ],
  'heavy-dependency-in-shared-function': [
    { line: 1, column: 1, endLine: 1, endColumn: 27, message: "heavy-dependency-in-shared-function: sharp (image processing) is loaded by a function that also serves 2 routes switched on event.rawPath. Every route then pays its package size and cold start, and shares one memory and timeout setting: sized for the heavy work, the light routes overpay on every request; sized for the light routes, the heavy work is slow or runs out of memory. Move the image processing work into its own function with its own memory and timeout, and keep the light routes in a lean function." },
  ],
  'iam-missing-permission': [
    { line: 8, column: 20, endLine: 8, endColumn: 128, message: "iam-missing-permission: PutCommand needs dynamodb:PutItem on ${BrandsTable.Arn}, which role IamDashmissingDashpermissionIamRoleLambdaExecution does not grant: the call fails with AccessDenied in production. Add dynamodb:PutItem on that resource to the function's role (`lambda-lint iam` prints the policy the code needs)." },
  ],
  'not-idempotent': [
    { line: 9, column: 20, endLine: 9, endColumn: 165, message: "handler: UpdateCommand applies `ADD views :one` to the table process.env.TABLE, but SQS delivers events at least once: a redelivered or retried event applies it again and the value drifts. Make the handler idempotent: wrap it with Powertools makeIdempotent keyed on the event id, or add a ConditionExpression on the last processed event id (e.g. `attribute_not_exists(processed.#id)` / `lastEventId <> :id`)." },
  ],
  'presigned-url-unrestricted': [
    { line: 7, column: 21, endLine: 7, endColumn: 127, message: "handler: getSignedUrl(PutObjectCommand) signs an S3 upload without a ContentType. Whoever holds the URL can upload any file type - HTML or SVG with scripts served back from your bucket or CDN, executables, content your pipeline does not expect. Set ContentType from an allowlist (check the requested type with ALLOWED_TYPES.includes(type) first) so S3 rejects an upload with another Content-Type, and cap the size with a presigned POST content-length-range." },
  ],
  'scan-in-request-path': [
    { line: 7, column: 36, endLine: 7, endColumn: 191, message: "handler: ScanCommand scans the table while serving HTTP API requests. A Scan reads every item of the table (a FilterExpression only filters after the read), so its latency and read cost grow with the table until requests time out and throttle. Model the access pattern as a Query on the key or a global secondary index (GSI) instead." },
  ],
  'static-assets-via-lambda': [
    { line: 5, column: 56, endLine: 5, endColumn: 66, message: "static-assets-via-lambda: handler reads a file from the deployment package and returns it as text/css, so static files are served through Lambda, paying an invocation (and a possible cold start) per file, with no edge caching and a 6 MB response cap. Upload the files to S3 and serve them through CloudFront; keep the function for the API." },
  ],
  'structured-logging': [
    { line: 2, column: 3, endLine: 2, endColumn: 67, message: "structured-logging: console.log logs a message built with a template literal, and the function has no JSON log format, so the values end up inside one line of text. CloudWatch Logs Insights cannot filter or aggregate them by field (order id, status, duration), and finding one request during an incident means regex over every line. Log an object (`console.log({ message: '...', orderId })`) with `LogFormat: JSON` set on the function, or use a structured logger (Powertools Logger, pino)." },
  ],
  'tmp-file-not-cleaned': [
    { line: 6, column: 9, endLine: 6, endColumn: 47, message: "handler: writeFile() creates a per-request file in /tmp (`path`) and nothing removes it. /tmp (512 MB by default) lives as long as the execution environment, so every request leaves its files behind until the disk is full and later requests fail with ENOSPC; the files also stay readable by later requests. Remove it in a finally block: try { ... } finally { await rm(path, { recursive: true, force: true }) }." },
  ],
  'websocket-gone-not-handled': [
    { line: 6, column: 9, endLine: 6, endColumn: 101, message: "handler: send(PostToConnectionCommand) is not in a try/catch that handles GoneException (HTTP 410). A client that disconnected without a clean $disconnect (network loss, closed laptop) leaves its connection id behind; posting to it throws, which fails this invocation (and a broadcast loop stops at the first stale id) while the dead id stays in the table forever. Catch the error, and when it is a GoneException (err.name === 'GoneException' or err.$metadata?.httpStatusCode === 410) delete the connection id from the connections table; rethrow anything else." },
  ],
};

/** Rules that report on the configuration file only (the function's settings), never on handler code: ESLint cannot show them. */
const configOnly = new Set(['no-custom-metrics', 'reserved-concurrency', 'vpc-without-need', 'iam-unused-permission', 'shared-iam-role']);

const invalidCase = (id: string): string => readFileSync(`${casesDir}/${id}.js`, 'utf8');
const validCase = (id: string): string => readFileSync(`${appSrc}/${id}.mjs`, 'utf8');
const caseFiles = readdirSync(casesDir);
const handlerFiles = readdirSync(appSrc);

const parsers = [
  { name: 'espree (plain JavaScript)', extension: 'mjs', config: {} },
  { name: 'typescript-eslint', extension: 'ts', config: { languageOptions: { parser: tseslint.parser } } },
] as const;

describe('RuleTester: every exposed rule', () => {
  it('exposes exactly the handler and cross-layer rules of the generated index', () => {
    const ids = Object.keys(plugin.rules).sort();
    const fromIndex = allRules.filter((r) => r.scope === 'handler' || r.scope === 'cross').map((r) => r.id).sort();
    expect(ids).toEqual(fromIndex);
    expect(codeRules.map((r) => r.id).sort()).toEqual(fromIndex);
    for (const id of ids) {
      expect(handlerFiles, `valid case of ${id}`).toContain(`${id}.mjs`);
      if (configOnly.has(id)) continue;
      expect(caseFiles, `invalid case of ${id}`).toContain(`${id}.js`);
      expect(expected[id]?.length, `expected errors of ${id}`).toBeGreaterThan(0);
    }
  });

  for (const parser of parsers) {
    describe(parser.name, () => {
      const tester = new RuleTester({ ...parser.config });
      for (const rule of codeRules) {
        const filename = `${appSrc}/${rule.id}.${parser.extension}`;
        tester.run(rule.id, plugin.rules[rule.id]!, {
          valid: [{ code: validCase(rule.id), filename }],
          invalid: configOnly.has(rule.id)
            ? []
            : [{ code: invalidCase(rule.id), filename, errors: expected[rule.id]! }],
        });
      }
    });
  }

  describe('typescript-eslint: TypeScript-only syntax', () => {
    const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
    const tsCase = (name: string) => readFileSync(`${casesDir}/typescript/${name}`, 'utf8');
    tester.run('floating-promise', plugin.rules['floating-promise']!, {
      valid: [],
      invalid: [
        {
          code: tsCase('floating-promise.invalid.ts'),
          filename: `${appSrc}/floating-promise.ts`,
          errors: [
            { line: 7, column: 3, endLine: 7, endColumn: 95, message: expected['floating-promise']![0]!.message },
          ],
        },
      ],
    });
    tester.run('global-mutable-state', plugin.rules['global-mutable-state']!, {
      valid: [],
      invalid: [
        {
          code: tsCase('global-mutable-state.invalid.ts'),
          filename: `${appSrc}/global-mutable-state.ts`,
          errors: [
            {
              line: 8,
              column: 3,
              endLine: 8,
              endColumn: 37,
              message:
                'handler: module-level Map "lastSeen" (declared on line 5) is mutated by lastSeen.set() on every invocation; warm environments keep it between requests, so data of one request leaks into the next, grows without bound and differs between concurrent environments. Build per-request data inside the handler; if this is a deliberate cache, bound its size and suppress this finding with a reason.',
            },
          ],
        },
      ],
    });
  });
});
