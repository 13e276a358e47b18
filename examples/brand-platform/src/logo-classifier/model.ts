import { readFile } from 'node:fs/promises';
import type { RgbaImage } from './png.js';

/**
 * A stand-in for a real model: a nearest-centroid classifier over colour-histogram features,
 * stored as JSON in the deployment package. Swapping in an ONNX model keeps the same shape:
 * load once per execution environment, then `classify` per request.
 */
export interface Model {
  version: string;
  features: string[];
  temperature: number;
  sampleBudget: number;
  classes: { label: string; centroid: number[] }[];
}

export interface Classification {
  modelVersion: string;
  label: string;
  confidence: number;
  scores: Record<string, number>;
  dominantColours: string[];
}

export async function readModel(path: string): Promise<Model> {
  const model = JSON.parse(await readFile(path, 'utf8')) as Model;
  const size = model.features.length;
  if (model.classes.length === 0 || model.classes.some((c) => c.centroid.length !== size)) {
    throw new Error('model file is inconsistent: every centroid needs one value per feature');
  }
  return model;
}

/** Hue buckets of 60 degrees: red, yellow, green, cyan, blue, magenta. */
const HUE_BUCKETS = 6;
/** Below this saturation a pixel counts as neutral (black, white, grey). */
const NEUTRAL_SATURATION = 0.15;

/**
 * Features, in the order of `model.features`: the share of opaque pixels in each hue bucket, the
 * share of neutral pixels, mean saturation and mean lightness (HSL). Also returns the three most
 * common colours (4 bits per channel) for display.
 */
function extractFeatures(image: RgbaImage, sampleBudget: number): { features: number[]; dominantColours: string[] } {
  const step = Math.max(1, Math.floor(Math.sqrt((image.width * image.height) / sampleBudget)));
  const hues = new Array<number>(HUE_BUCKETS).fill(0);
  const colourCounts = new Uint32Array(4096);
  let neutral = 0;
  let saturationSum = 0;
  let lightnessSum = 0;
  let opaque = 0;
  for (let y = 0; y < image.height; y += step) {
    for (let x = 0; x < image.width; x += step) {
      const o = (y * image.width + x) * 4;
      if (image.data[o + 3] < 128) continue; // transparent background
      const r = image.data[o] / 255;
      const g = image.data[o + 1] / 255;
      const b = image.data[o + 2] / 255;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const lightness = (max + min) / 2;
      const chroma = max - min;
      const saturation = chroma === 0 ? 0 : chroma / (1 - Math.abs(2 * lightness - 1));
      opaque += 1;
      saturationSum += saturation;
      lightnessSum += lightness;
      colourCounts[((image.data[o] >> 4) << 8) | ((image.data[o + 1] >> 4) << 4) | (image.data[o + 2] >> 4)] += 1;
      if (saturation < NEUTRAL_SATURATION) {
        neutral += 1;
        continue;
      }
      let hue: number;
      if (max === r) hue = ((g - b) / chroma + 6) % 6;
      else if (max === g) hue = (b - r) / chroma + 2;
      else hue = (r - g) / chroma + 4;
      hues[Math.floor(hue) % HUE_BUCKETS] += 1;
    }
  }
  if (opaque === 0) return { features: [], dominantColours: [] };
  const dominantColours = [...colourCounts.keys()]
    .filter((c) => colourCounts[c] > 0)
    .sort((a, b) => colourCounts[b] - colourCounts[a])
    .slice(0, 3)
    .map((c) => '#' + [c >> 8, (c >> 4) & 15, c & 15].map((v) => (v * 17).toString(16).padStart(2, '0')).join(''));
  return {
    features: [...hues.map((h) => h / opaque), neutral / opaque, saturationSum / opaque, lightnessSum / opaque],
    dominantColours,
  };
}

/** Softmax over negative squared distances to each class centroid. Returns null for a blank image. */
export function classify(model: Model, image: RgbaImage): Classification | null {
  const { features, dominantColours } = extractFeatures(image, model.sampleBudget);
  if (features.length === 0) return null;
  const logits = model.classes.map(
    (c) => -c.centroid.reduce((sum, v, i) => sum + (v - features[i]) ** 2, 0) / model.temperature,
  );
  const top = Math.max(...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const scores = Object.fromEntries(model.classes.map((c, i) => [c.label, Math.round((weights[i] / total) * 1000) / 1000]));
  const best = logits.indexOf(top);
  return {
    modelVersion: model.version,
    label: model.classes[best].label,
    confidence: scores[model.classes[best].label],
    scores,
    dominantColours,
  };
}
