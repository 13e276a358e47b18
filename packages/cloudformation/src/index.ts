import { get, type AppModel } from '@lambda-lint/core';
import type { ParsedSource } from '@lambda-lint/source';
import { readResources } from './resources.js';
import { isSamTemplate } from './template.js';

export * from './iam.js';
export * from './refs.js';
export * from './resources.js';
export * from './template.js';

/** Reads a plain CloudFormation template (or `sls package` / CDK output) into the model. */
export function readCloudFormation(parsed: ParsedSource, model: AppModel, platform: 'cloudformation' | 'cdk' = 'cloudformation'): void {
  if (!parsed.root) return;
  const p = isSamTemplate(parsed.root) ? 'sam' : platform;
  model.documents.push({ file: parsed.file, platform: p, root: parsed.root });
  readResources(get(parsed.root, 'Resources'), model, { file: parsed.file, platform: p, root: parsed.root });
}
