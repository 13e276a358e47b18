// The types are ts-morph's own; index.js provides the values lambda-lint uses (see there).
export * from 'ts-morph';
