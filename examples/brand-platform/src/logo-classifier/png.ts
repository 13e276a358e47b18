import { inflateSync } from 'node:zlib';

/** Decoded pixels, always 8 bits per channel RGBA, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export class UnsupportedImageError extends Error {
  override name = 'UnsupportedImageError';
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Channels per colour type: grey, RGB, palette, grey+alpha, RGBA. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

function parseHeader(data: Buffer, maxPixels: number): Header {
  if (data.length !== 13) throw new UnsupportedImageError('malformed PNG header');
  const width = data.readUInt32BE(0);
  const height = data.readUInt32BE(4);
  const bitDepth = data[8];
  const colorType = data[9];
  const interlace = data[12];
  if (width === 0 || height === 0 || width * height > maxPixels) {
    throw new UnsupportedImageError('image must have between 1 and ' + maxPixels + ' pixels');
  }
  // 8 bits per sample, or 1/2/4 for greyscale and palette images (common for flat logos).
  const lowDepth = (bitDepth === 1 || bitDepth === 2 || bitDepth === 4) && (colorType === 0 || colorType === 3);
  if ((bitDepth !== 8 && !lowDepth) || CHANNELS[colorType] === undefined || interlace !== 0) {
    throw new UnsupportedImageError('only non-interlaced PNG images with up to 8 bits per sample are supported');
  }
  return { width, height, bitDepth, colorType };
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

const rowBytesOf = (header: Header, channels: number): number =>
  Math.ceil((header.width * channels * header.bitDepth) / 8);

/** Reverses the per-scanline PNG filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Buffer, header: Header, channels: number): Uint8Array {
  const rowBytes = rowBytesOf(header, channels);
  const bpp = Math.max(1, (channels * header.bitDepth) >> 3);
  if (raw.length !== header.height * (rowBytes + 1)) throw new UnsupportedImageError('truncated PNG image data');
  const out = new Uint8Array(rowBytes * header.height);
  for (let y = 0; y < header.height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const src = y * (rowBytes + 1) + 1;
    const row = y * rowBytes;
    const prev = row - rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: predictor = paeth(a, b, c); break;
        default: throw new UnsupportedImageError('unknown PNG filter type');
      }
      out[row + x] = (raw[src + x] + predictor) & 0xff;
    }
  }
  return out;
}

/** Unpacks 1/2/4-bit samples to one byte each (greyscale scaled to 0-255, palette indexes kept). */
function unpack(packed: Uint8Array, header: Header): Uint8Array {
  if (header.bitDepth === 8) return packed;
  const { width, height, bitDepth } = header;
  const rowBytes = rowBytesOf(header, 1);
  const mask = (1 << bitDepth) - 1;
  const scale = header.colorType === 0 ? 255 / mask : 1;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const bit = x * bitDepth;
      const byte = packed[y * rowBytes + (bit >> 3)];
      out[y * width + x] = ((byte >> (8 - bitDepth - (bit & 7))) & mask) * scale;
    }
  }
  return out;
}

function toRgba(pixels: Uint8Array, header: Header, palette?: Buffer, alphas?: Buffer): Uint8Array {
  const count = header.width * header.height;
  const rgba = new Uint8Array(count * 4);
  for (let i = 0; i < count; i++) {
    const o = i * 4;
    switch (header.colorType) {
      case 0: rgba.fill(pixels[i], o, o + 3); rgba[o + 3] = 255; break;
      case 4: rgba.fill(pixels[i * 2], o, o + 3); rgba[o + 3] = pixels[i * 2 + 1]; break;
      case 2: rgba.set(pixels.subarray(i * 3, i * 3 + 3), o); rgba[o + 3] = 255; break;
      case 6: rgba.set(pixels.subarray(o, o + 4), o); break;
      case 3: {
        const index = pixels[i];
        if (palette === undefined || index * 3 + 2 >= palette.length) throw new UnsupportedImageError('PNG palette index out of range');
        rgba.set(palette.subarray(index * 3, index * 3 + 3), o);
        rgba[o + 3] = alphas !== undefined && index < alphas.length ? alphas[index] : 255;
        break;
      }
    }
  }
  return rgba;
}

/**
 * A small PNG decoder (non-interlaced, up to 8 bits per sample, every colour type), enough for logo analysis without
 * a native image library. `maxPixels` bounds the work and memory a request can cause, including
 * a "decompression bomb" whose IDAT inflates far beyond its compressed size.
 */
export function decodePng(file: Buffer, maxPixels: number): RgbaImage {
  if (file.length < SIGNATURE.length || !file.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
    throw new UnsupportedImageError('the image is not a PNG file');
  }
  let header: Header | undefined;
  let palette: Buffer | undefined;
  let alphas: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let offset = SIGNATURE.length; offset + 8 <= file.length; ) {
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const start = offset + 8;
    const end = start + length;
    if (end + 4 > file.length) throw new UnsupportedImageError('truncated PNG chunk');
    const data = file.subarray(start, end);
    if (type === 'IHDR') header = parseHeader(data, maxPixels);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') alphas = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    offset = end + 4; // the CRC; chunk integrity is left to zlib's own checksum
  }
  if (header === undefined || idat.length === 0) throw new UnsupportedImageError('PNG image data is missing');
  const channels = CHANNELS[header.colorType];
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: header.height * (rowBytesOf(header, channels) + 1) });
  } catch {
    throw new UnsupportedImageError('PNG image data is corrupt or larger than its header says');
  }
  const samples = unpack(unfilter(raw, header, channels), header);
  return { width: header.width, height: header.height, data: toRgba(samples, header, palette, alphas) };
}
