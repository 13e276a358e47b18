export * from './host.js';
export * from './discover.js';
export * from './lint.js';
export * from './testing.js';
export * from './changed.js';
export * from './config-file.js';
export * from './suppressions.js';
export * from './iam-policy.js';
