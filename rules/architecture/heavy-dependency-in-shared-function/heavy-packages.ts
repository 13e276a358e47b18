/**
 * Packages that make a function heavy: native binaries, browsers, models or codecs that add tens to
 * hundreds of MB to the package (or a layer), seconds to a cold start, and need memory (and the CPU
 * Lambda allocates with it) to run. A package matches itself and its subpaths (`sharp/lib/...`).
 *
 * Left out on purpose, being pure JavaScript and small: `pdf-lib`, `jspdf`, `jimp` (CPU-bound but
 * no native code or model; size it by measurement), `pngjs`, `exceljs`.
 */
export type HeavyKind = 'machine learning' | 'image processing' | 'headless browser' | 'video and audio processing' | 'PDF rendering';

export const HEAVY_PACKAGES: Readonly<Record<string, HeavyKind>> = {
  'onnxruntime-node': 'machine learning',
  'onnxruntime-web': 'machine learning',
  '@tensorflow/tfjs-node': 'machine learning',
  '@tensorflow/tfjs-node-gpu': 'machine learning',
  '@tensorflow/tfjs': 'machine learning',
  '@xenova/transformers': 'machine learning',
  '@huggingface/transformers': 'machine learning',
  'sharp': 'image processing',
  'canvas': 'image processing',
  '@napi-rs/canvas': 'image processing',
  'skia-canvas': 'image processing',
  'puppeteer': 'headless browser',
  'puppeteer-core': 'headless browser',
  '@sparticuz/chromium': 'headless browser',
  '@sparticuz/chromium-min': 'headless browser',
  'chrome-aws-lambda': 'headless browser',
  'playwright': 'headless browser',
  'playwright-core': 'headless browser',
  'playwright-aws-lambda': 'headless browser',
  'fluent-ffmpeg': 'video and audio processing',
  'ffmpeg-static': 'video and audio processing',
  '@ffmpeg/ffmpeg': 'video and audio processing',
  '@ffmpeg-installer/ffmpeg': 'video and audio processing',
  'pdfkit': 'PDF rendering',
};

/** The table entry a module specifier loads (`sharp`, `sharp/lib/constructor` -> `sharp`), if any. */
export function heavyPackageOf(specifier: string): string | undefined {
  const s = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  // The package a specifier names is its first segment, or its first two for a scope (`@ffmpeg/ffmpeg/dist` -> `@ffmpeg/ffmpeg`):
  // one table look-up per import of every loaded file instead of a prefix test per entry.
  const slash = s.indexOf('/', s.startsWith('@') ? s.indexOf('/') + 1 : 0);
  const name = slash < 0 ? s : s.slice(0, slash);
  return Object.hasOwn(HEAVY_PACKAGES, name) ? name : undefined;
}

/**
 * A word of every entry's name (`chrom` for `@sparticuz/chromium` and `chrome-aws-lambda`): a few words
 * scan a file faster than every name, and words of four letters or more let the scan skip ahead. A
 * test holds each entry to match.
 */
const HEAVY_PACKAGE_WORD = /onnxruntime|tfjs|transformers|sharp|canvas|puppeteer|chrom|playwright|ffmpeg|pdfkit/;

/**
 * Whether a file's text can hold a string naming a heavy package: written with the package's name in
 * it, or with escapes (`'sh\x61rp'`: any backslash). Most files name none and skip the walk over
 * their calls for a `require()` or `import()` of one (their declarations' specifiers are read parsed).
 */
export function mayNameHeavyPackage(text: string): boolean {
  return text.includes('\\') || HEAVY_PACKAGE_WORD.test(text);
}
