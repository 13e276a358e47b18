// The module pack lives in @lambda-lint/linter, shared with the ESLint plugin's entry.
export { openPack, packSource, type OpenPack } from '@lambda-lint/linter/start-up';
