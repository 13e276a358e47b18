/**
 * The JSON Schema of configuration files, generated from rule metadata so that editors complete
 * rule ids, severities and each rule's options (scripts/generate-config-schema.mjs writes it; a
 * test checks the committed file is current).
 */
import { optionsSchemaOf, PRESETS, SEVERITY_SETTINGS } from './config.js';
import { docsUrl, type AnyRule } from './rule.js';

export const CONFIG_SCHEMA_ID = 'https://github.com/lambda-lint/lambda-lint/blob/main/packages/cli/schema/lambda-lint.config.schema.json';

export function configJsonSchema(rules: readonly AnyRule[]): object {
  const sorted = [...rules].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleProperties: Record<string, object> = {};
  for (const rule of sorted) {
    const options = optionsSchemaOf(rule);
    const hasOptions = Object.keys(options.properties ?? {}).length > 0 || options.additionalProperties !== false;
    ruleProperties[rule.id] = {
      description: `${rule.description} Default: ${rule.experimental ? 'off (experimental)' : rule.severity}. ${docsUrl(rule)}`,
      oneOf: [
        { $ref: '#/definitions/severity' },
        {
          type: 'array',
          items: hasOptions ? [{ $ref: '#/definitions/severity' }, options] : [{ $ref: '#/definitions/severity' }],
          minItems: 1,
          maxItems: hasOptions ? 2 : 1,
        },
      ],
    };
  }
  const rulesSchema = {
    type: 'object',
    description: 'Severity, or [severity, options], by rule id.',
    properties: ruleProperties,
    additionalProperties: false,
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: CONFIG_SCHEMA_ID,
    title: 'lambda-lint configuration',
    type: 'object',
    additionalProperties: false,
    definitions: {
      severity: { type: 'string', enum: [...SEVERITY_SETTINGS] },
      preset: {
        type: 'string',
        enum: [...PRESETS],
        description: 'recommended: default severities; strict: every level raised by one (info -> warning -> error); all: experimental rules on too.',
      },
      globs: { type: 'array', items: { type: 'string', minLength: 1 } },
      rules: rulesSchema,
    },
    properties: {
      $schema: { type: 'string' },
      extends: {
        description: 'Presets applied in order before `rules`.',
        oneOf: [{ $ref: '#/definitions/preset' }, { type: 'array', items: { $ref: '#/definitions/preset' } }],
      },
      rules: { $ref: '#/definitions/rules' },
      ignore: { $ref: '#/definitions/globs', description: 'Files not linted, as globs relative to this file (gitignore-like).' },
      overrides: {
        type: 'array',
        description: 'Rule settings for the findings in some files, applied in order on top of `rules`.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files', 'rules'],
          properties: { files: { $ref: '#/definitions/globs', minItems: 1 }, rules: { $ref: '#/definitions/rules' } },
        },
      },
      mandatory: {
        type: 'array',
        description: 'Rules that no suppression comment or Metadata entry can silence.',
        items: { type: 'string', enum: sorted.map((r) => r.id) },
      },
    },
  };
}
