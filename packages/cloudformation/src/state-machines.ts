import { get, isMap, joinPath, str, type AppModel, type MapValue, type Resource, type StateMachine, type Value } from '@lambda-lint/core';
import { parseSource } from '@lambda-lint/source';
import { parseEmbeddedJson, type SourceText } from './embedded.js';
import { booleanProp, stringProp, type TemplateContext } from './template.js';

/** Read access to files next to a template (`DefinitionUri`), never outside `root`. */
export interface FileAccess {
  /** Text of an absolute path, or undefined when it cannot be read. */
  readFile(absPath: string): string | undefined;
  /** Absolute project root: nothing outside it is read. */
  root: string;
}

export interface StateMachineOptions {
  source?: SourceText | undefined;
  files?: FileAccess | undefined;
}

/**
 * An `AWS::StepFunctions::StateMachine` or SAM `AWS::Serverless::StateMachine` (`props` with SAM
 * `Globals` merged): the definition from `Definition`, `DefinitionString` or a local
 * `DefinitionS3Location` / `DefinitionUri` file, the type and tracing.
 */
export function stateMachineFromResource(
  r: Resource,
  props: MapValue | undefined,
  model: AppModel,
  ctx: TemplateContext,
  options: StateMachineOptions,
): StateMachine {
  const sam = r.type === 'AWS::Serverless::StateMachine';
  const sm: StateMachine = {
    id: `${r.file}#${r.logicalId}`,
    name: r.constructPath ?? r.logicalId,
    logicalId: r.logicalId,
    platform: r.platform,
    file: r.file,
    loc: r.loc,
    node: r.node,
    resource: r,
  };
  if (r.constructPath) sm.constructPath = r.constructPath;
  const type = stringProp(get(props, sam ? 'Type' : 'StateMachineType'), ctx);
  if (type) sm.type = type;
  const tracing = booleanProp(get(props, sam ? 'Tracing' : 'TracingConfiguration', 'Enabled'), ctx);
  if (tracing) sm.tracing = tracing;

  const inline = get(props, 'Definition');
  if (isMap(inline)) {
    sm.definition = inline;
    return sm;
  }
  const definitionString = get(props, 'DefinitionString');
  if (definitionString) {
    const embedded = parseEmbeddedJson(definitionString, r.file, options.source);
    if (embedded) {
      if (embedded.root) sm.definition = embedded.root;
      for (const d of embedded.diagnostics) {
        model.diagnostics.push({ ...d, message: `${sm.name}: DefinitionString is not valid JSON: ${d.message.replace(/^Invalid JSON: /, '')}`, resource: sm.name });
      }
    }
    return sm;
  }
  const uri = str(get(props, sam ? 'DefinitionUri' : 'DefinitionS3Location'));
  if (uri !== undefined && options.files && !/^s3:\/\//i.test(uri)) {
    const definition = readDefinitionFile(joinPath(ctx.dir, uri), options.files, model);
    if (definition) sm.definition = definition;
  }
  return sm;
}

function readDefinitionFile(abs: string, files: FileAccess, model: AppModel): Value | undefined {
  const root = files.root.endsWith('/') ? files.root : files.root + '/';
  if (abs !== files.root && !abs.startsWith(root)) return undefined;
  const text = files.readFile(abs);
  if (text === undefined) return undefined;
  model.fileCount++;
  const parsed = parseSource(abs, text, { format: abs.toLowerCase().endsWith('.json') ? 'json' : 'yaml' });
  model.diagnostics.push(...parsed.diagnostics);
  return parsed.root;
}

