import { get, type AppModel } from '@lambda-lint/core';
import type { ParsedSource } from '@lambda-lint/source';
import { readResources } from './resources.js';
import type { FileAccess } from './state-machines.js';
import { isSamTemplate } from './template.js';

export * from './alarms.js';
export * from './apis.js';
export * from './deployment.js';
export * from './embedded.js';
export * from './iam.js';
export * from './refs.js';
export * from './resources.js';
export * from './template.js';
export * from './state-machines.js';
export * from './values.js';

/**
 * Reads a plain CloudFormation template (or `sls package` / CDK output) into the model. `files` lets it
 * read local files the template points to (`DefinitionS3Location`), inside the project root only.
 */
export function readCloudFormation(
  parsed: ParsedSource,
  model: AppModel,
  platform: 'cloudformation' | 'cdk' = 'cloudformation',
  files?: FileAccess,
): void {
  if (!parsed.root) return;
  const p = isSamTemplate(parsed.root) ? 'sam' : platform;
  model.documents.push({ file: parsed.file, platform: p, root: parsed.root });
  readResources(get(parsed.root, 'Resources'), model, {
    file: parsed.file,
    platform: p,
    root: parsed.root,
    source: { text: parsed.text, lineStarts: parsed.lineStarts },
    ...(files ? { files } : {}),
  });
}
