export * from './loc.js';
export * from './value.js';
export * from './model.js';
export * from './rule.js';
export * from './engine.js';
export * from './frame.js';
export * from './paths.js';
export * from './fingerprint.js';
