export * from './host.js';
export * from './discover.js';
export * from './lint.js';
export * from './testing.js';
