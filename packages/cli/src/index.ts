export { main, type CliIO } from './main.js';
export * from './formatters/index.js';
