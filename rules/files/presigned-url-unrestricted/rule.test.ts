import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { at, fixtureTests, lintFiles, positions } from '../../test-support/harness.js';

const ID = 'presigned-url-unrestricted';

const SERVERLESS =
  'service: s\nprovider:\n  name: aws\n  runtime: nodejs22.x\n  memorySize: 256\n  timeout: 10\nfunctions:\n  sign:\n    handler: src/sign.handler\n    logRetentionInDays: 30\n';

const lines = (...l: string[]): string => `${l.join('\n')}\n`;

async function found(handler: string, file = 'src/sign.ts', options?: Record<string, unknown>) {
  const r = await lintFiles({ 'serverless.yml': SERVERLESS, [file]: handler }, options ? { config: { rules: { [ID]: ['warning', options] as ['warning', Record<string, unknown>] } } } : {});
  return positions(r, ID);
}

const type = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'contentType', line, column, endLine, endColumn);
const expires = (line: number, column: number, endLine: number, endColumn: number) => at(ID, 'expiresIn', line, column, endLine, endColumn);

const HEAD = [
  "import { S3Client, PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';", // 1
  "import { getSignedUrl } from '@aws-sdk/s3-request-presigner';", // 2
  'const s3 = new S3Client({});', // 3
  "const ALLOWED = ['image/png', 'image/jpeg'];", // 4
];

describe(ID, () => {
  it('reports a PutObject URL without ContentType at the call, and a long expiry at its value', async () => {
    const r = await lintFiles({
      'serverless.yml': SERVERLESS,
      'src/sign.ts': lines(
        ...HEAD,
        'export const handler = async (event: { key: string }) => {', // 5
        "  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'logos', Key: event.key }), { expiresIn: 7 * 24 * 3600 });", // 6
        '  return { url };', // 7
        '};',
      ),
    });
    expect(positions(r, ID)).toEqual([type(6, 21, 6, 126), expires(6, 110, 6, 123)]);
    const msgs = r.findings.filter((f) => f.ruleId === ID).map((f) => f.message);
    expect(msgs[0]!.startsWith('handler: getSignedUrl(PutObjectCommand) signs an S3 upload without a ContentType.')).toBe(true);
    expect(msgs[1]!.startsWith('handler: the upload URL is valid for 604800 s, longer than 3600 s.')).toBe(true);
  });

  it('reports a ContentType taken from the request unchecked, through a command variable', async () => {
    expect(
      await found(
        lines(
          ...HEAD,
          'export const handler = async (event: { key: string; type: string }) => {', // 5
          "  const cmd = new PutObjectCommand({ Bucket: 'logos', Key: event.key, ContentType: event.type });", // 6
          '  return getSignedUrl(s3, cmd, { expiresIn: 300 });', // 7
          '};',
        ),
      ),
    ).toEqual([type(7, 10, 7, 51)]);
  });

  it('reports createPresignedPost without a Content-Type condition, and its Expires', async () => {
    expect(
      await found(
        lines(
          "const { S3Client } = require('@aws-sdk/client-s3');",
          "const { createPresignedPost } = require('@aws-sdk/s3-presigned-post');",
          'const s3 = new S3Client({});',
          "exports.handler = async (event) => createPresignedPost(s3, { Bucket: 'b', Key: event.key, Expires: 86400, Conditions: [['content-length-range', 0, 1048576]] });",
        ),
        'src/sign.js',
      ),
    ).toEqual([type(4, 36, 4, 160), expires(4, 100, 4, 105)]);
  });

  it('reports a ContentType returned by a helper that does not check it', async () => {
    expect(
      await found(
        lines(
          ...HEAD,
          'function parseUpload(body: { type: string }) {', // 5
          "  if (!ALLOWED.includes(body.type.toUpperCase())) throw new Error('415');", // 6
          '  return { contentType: body.type.toLowerCase() };', // 7
          '}',
          'export const handler = async (event: { key: string; type: string }) => {', // 9
          '  const { contentType } = parseUpload(event);', // 10
          "  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: event.key, ContentType: contentType }), { expiresIn: 300 });", // 11
          '};',
        ),
      ),
    ).toEqual([type(11, 10, 11, 127)]);
  });

  it('reports SDK v2 getSignedUrl for putObject', async () => {
    expect(
      await found(
        lines("const AWS = require('aws-sdk');", 'const s3 = new AWS.S3();', "exports.handler = async (event) => ({ url: s3.getSignedUrl('putObject', { Bucket: 'b', Key: event.key, Expires: 60 }) });"),
        'src/sign.js',
      ),
    ).toEqual([type(3, 44, 3, 118)]);
  });

  it('takes the maximum expiry from the options', async () => {
    expect(await found(lines(...HEAD, "export const handler = async () => getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k', ContentType: 'image/png' }), { expiresIn: 900 });"), 'src/sign.ts', { maxExpiresInSeconds: 600 })).toEqual([
      expires(5, 141, 5, 144),
    ]);
  });

  describe('not a finding', () => {
    const cases: [string, string[]][] = [
      ['a literal ContentType', ["export const handler = async () => getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k', ContentType: 'image/png' }), { expiresIn: 3600 });"]],
      [
        'a ContentType checked with includes() first',
        ['export const handler = async (event: { key: string; type: string }) => {', '  if (!ALLOWED.includes(event.type)) return { statusCode: 415 };', "  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: event.key, ContentType: event.type }), { expiresIn: 300 });", '};'],
      ],
      [
        'a ContentType looked up in a constant table',
        ["const TYPES: Record<string, string> = { png: 'image/png' };", 'export const handler = async (event: { ext: string }) => {', '  const ContentType = TYPES[event.ext];', "  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: 'k', ContentType }));", '};'],
      ],
      [
        'a ContentType returned by a validation helper that checks it against the allowlist',
        [
          'function parseUpload(body: { type: string }) {',
          '  const contentType = body.type.toLowerCase();',
          "  if (!ALLOWED.includes(contentType)) throw new Error('415');",
          '  return { contentType, kind: 1 };',
          '}',
          'export const handler = async (event: { key: string; type: string }) => {',
          '  const { contentType } = parseUpload(event);',
          "  return getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: event.key, ContentType: contentType }), { expiresIn: 300 }) + await getSignedUrl(s3, new PutObjectCommand({ Bucket: 'b', Key: event.key, ContentType: parseUpload(event).contentType }));",
          '};',
        ],
      ],
      ['a download URL (GetObject)', ["export const handler = async () => getSignedUrl(s3, new GetObjectCommand({ Bucket: 'b', Key: 'k' }), { expiresIn: 3600 });"]],
    ];
    for (const [title, code] of cases) {
      it(title, async () => {
        expect(await found(lines(...HEAD, ...code))).toEqual([]);
      });
    }
    it('a presigned POST restricted to a Content-Type prefix', async () => {
      expect(
        await found(
          lines(
            "import { S3Client } from '@aws-sdk/client-s3';",
            "import { createPresignedPost } from '@aws-sdk/s3-presigned-post';",
            'const s3 = new S3Client({});',
            "export const handler = async (event) => createPresignedPost(s3, { Bucket: 'b', Key: event.key, Expires: 600, Conditions: [['starts-with', '$Content-Type', 'image/']] });",
          ),
          'src/sign.mjs',
        ),
      ).toEqual([]);
    });
  });

  fixtureTests(fileURLToPath(new URL('.', import.meta.url)), ID);
});
