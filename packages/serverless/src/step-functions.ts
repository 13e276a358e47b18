import { bool, entry, get, isMap, str, type AppModel, type MapValue, type StateMachine } from '@lambda-lint/core';
import { normalizeNameToLogicalId } from './naming.js';

/**
 * The serverless-step-functions plugin's `stepFunctions.stateMachines.<name>` block (already
 * variable-resolved, positions kept) into `model.stateMachines`: the definition as written (a map,
 * or what `${file(...)}` resolved to), `type` and `tracingConfig.enabled`. The logical id follows the
 * plugin's naming: `id` or `name` normalized, else `<Key>StepFunctionsStateMachine`.
 */
export function readStepFunctions(root: MapValue, model: AppModel, file: string): void {
  const machines = get(root, 'stepFunctions', 'stateMachines');
  if (!isMap(machines)) return;
  for (const e of machines.entries) {
    const def = e.value;
    const sm: StateMachine = {
      id: `${file}#stepFunctions.${e.key}`,
      name: e.key,
      platform: 'serverless',
      file,
      loc: e.keyLoc,
      node: def,
    };
    if (isMap(def)) {
      const custom = get(def, 'id') ?? get(def, 'name');
      const customText = custom === undefined ? undefined : str(custom);
      if (custom === undefined) sm.logicalId = `${normalizeNameToLogicalId(e.key)}StepFunctionsStateMachine`;
      else if (customText !== undefined && !customText.includes('${')) sm.logicalId = normalizeNameToLogicalId(customText);
      const definition = get(def, 'definition');
      // A definition that cannot be read offline (unknown, a string) stays undefined: rules stay silent.
      if (isMap(definition)) sm.definition = definition;
      const type = entry(def, 'type');
      if (type) sm.type = { value: str(type.value)?.toUpperCase(), loc: type.value.loc, node: type.value };
      const tracing = entry(get(def, 'tracingConfig'), 'enabled');
      if (tracing) sm.tracing = { value: bool(tracing.value), loc: tracing.value.loc, node: tracing.value };
    }
    model.stateMachines.push(sm);
  }
}
