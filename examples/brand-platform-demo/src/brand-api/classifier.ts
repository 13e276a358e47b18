import * as ort from 'onnxruntime-node';

const LABELS = ['wordmark', 'lettermark', 'pictorial', 'abstract', 'mascot', 'emblem'];

/** Classifies a 224x224 RGB logo; the model is loaded on first use. */
export async function classifyLogo(pixels: Float32Array) {
  const session = await ort.InferenceSession.create('./model/logo-classifier.onnx');
  const input = new ort.Tensor('float32', pixels, [1, 3, 224, 224]);
  const output = await session.run({ input });
  const scores = Array.from(output.logits.data as Float32Array);
  const best = scores.indexOf(Math.max(...scores));
  return { label: LABELS[best], confidence: scores[best] };
}
