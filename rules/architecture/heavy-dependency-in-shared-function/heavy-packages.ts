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
  for (const name of Object.keys(HEAVY_PACKAGES)) if (s === name || s.startsWith(`${name}/`)) return name;
  return undefined;
}
