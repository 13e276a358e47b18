import {
  defineRule,
  entry,
  get,
  intrinsic,
  isMap,
  str,
  type Loc,
  type MapEntry,
  type MapValue,
  type RuleContext,
  type Value,
} from '@lambda-lint/core';
import {
  closest,
  isCoveredNamespace,
  isPackageableProperty,
  knownResourceTypes,
  resourceSchema,
  samResource,
  type PropertySchema,
  type PropertyType,
  type ResourceSchema,
} from '@lambda-lint/schema';

/**
 * Transforms that do not change resource types or properties before CloudFormation validates them
 * (SAM types are known to the schemas). Any other transform is a macro that may rewrite the template,
 * so its resources are not checked.
 */
const KNOWN_TRANSFORMS = new Set([
  'AWS::Serverless-2016-10-31',
  'AWS::LanguageExtensions',
  'AWS::Include',
  'AWS::CodeDeployBlueGreen',
  'AWS::SecretsManager-2020-07-23',
]);

/** Logical ids the Serverless Framework generates; a `resources` entry with such an id is merged into the generated resource. */
const SERVERLESS_GENERATED =
  /^(IamRoleLambdaExecution|ServerlessDeploymentBucket(Policy)?|ApiGateway[A-Z]\w*|HttpApi\w*|Websockets\w*|SNSTopic\w*|S3Bucket\w*|CloudFrontDistribution\w*|Cognito\w*|\w+LambdaFunction|\w+LogGroup|\w+LambdaPermission\w*|\w+EventSourceMapping\w*|\w+LambdaVersion\w*|\w+IamRoleLambdaExecution)$/;

interface Problem {
  messageId: 'unknownProperty' | 'wrongType' | 'missingRequired';
  data: Record<string, string>;
  loc: Loc;
}

interface Checked {
  schema: ResourceSchema;
  problems: Problem[];
  /** Properties that `Globals` supplies (SAM), so they are not missing. */
  fromGlobals: ReadonlySet<string>;
}

export default defineRule({
  id: 'resource-schema',
  category: 'input',
  severity: 'error',
  scope: 'infra',
  platforms: ['serverless', 'cloudformation', 'sam', 'cdk'],
  description:
    'A CloudFormation resource its schema rejects: unknown resource type, unknown property, wrong property type or missing required property (CloudFormation, SAM, CDK output and serverless.yml `resources`).',
  messages: {
    unknownType:
      '{{resource}}: `{{type}}` is not a CloudFormation resource type, so the deploy fails with "Unrecognized resource types: [{{type}}]". {{fix}}',
    unknownProperty: '{{resource}}: `{{property}}` is not a property of `{{owner}}`, so {{failure}}. {{fix}}',
    wrongType:
      '{{resource}}: `{{path}}` is {{actual}}, but `{{owner}}` expects {{expected}} there, so {{failure}}. Write {{expected}}, or an intrinsic function (`!Ref`, `!GetAtt`, `!Sub`) that yields one.',
    missingRequired: '{{resource}}: `{{owner}}` requires {{names}}, which {{verb}} missing, so {{failure}}. Add {{names}}.',
    functionNotDefinition:
      'functions.{{name}} {{what}}: the Serverless Framework rejects it (a function is a map with `handler` or `image`), and lambda-lint does not lint it as a function. {{fix}}',
    functionWithoutHandler:
      'functions.{{name}} has neither `handler` nor `image`, so the Serverless Framework cannot package or deploy it. Add `handler: <file>.<export>` (or `image`); a `handler:` one level too far left sits beside the function instead of under it.',
  },
  defaultOptions: {},
  check(ctx) {
    for (const d of ctx.model.documents) if (d.platform === 'serverless') checkServerlessFunctions(ctx, d.root);
    // Nothing to check, nothing loaded: the schemas are read on the first resource.
    if (ctx.model.resources.length === 0) return;
    const roots = new Map(ctx.model.documents.map((d) => [d.file, d.root]));

    for (const resource of ctx.model.resources) {
      const root = roots.get(resource.file);
      if (resource.platform !== 'serverless' && hasMacroTransform(root)) continue;
      const name = resource.constructPath ?? resource.logicalId;
      const typeNode = get(resource.node, 'Type');
      const schema = resourceSchema(resource.type);
      if (!schema) {
        if (!isCoveredNamespace(resource.type)) continue;
        const suggestion = closest(resource.type, knownResourceTypes());
        ctx.report({
          messageId: 'unknownType',
          data: {
            resource: name,
            type: resource.type,
            fix: suggestion
              ? `Did you mean \`${suggestion}\`?`
              : 'Use a type name from the CloudFormation resource type reference; a registry extension has its own namespace, not `AWS::`.',
          },
          loc: typeNode?.loc ?? resource.loc,
          resource: name,
        });
        continue;
      }

      const checked: Checked = { schema, problems: [], fromGlobals: globalsOf(root, resource.type) };
      const propsEntry = entry(resource.node, 'Properties');
      const props = propsEntry?.value;
      // A serverless.yml resource with a generated logical id is merged into the generated resource,
      // which supplies the required properties.
      const mergedByFramework = resource.platform === 'serverless' && SERVERLESS_GENERATED.test(resource.logicalId);
      if (props === undefined || (props.kind === 'scalar' && props.value === null)) {
        if (!mergedByFramework) missing(checked, new Map(), schema.properties, schema.type, propsEntry?.keyLoc ?? resource.loc, checked.fromGlobals);
      } else if (!acceptsAnything(props)) {
        if (isMap(props)) {
          checkObject(checked, props, schema.properties, schema.additionalProperties, schema.type, '', propsEntry!.keyLoc, !mergedByFramework);
        } else {
          checked.problems.push(wrongType(checked, 'Properties', props, 'a map of properties', schema.type));
        }
      }
      for (const p of checked.problems) ctx.report({ messageId: p.messageId, data: { resource: name, ...p.data }, loc: p.loc, resource: name });
    }
  },
});

/** Function settings (serverless.yml `functions.<name>.*`) that, as a `functions` entry, are mis-indented. */
const FUNCTION_SETTINGS = new Set([
  'handler', 'image', 'events', 'runtime', 'memorySize', 'timeout', 'environment', 'role', 'name', 'description',
  'layers', 'vpc', 'url', 'tags', 'package', 'reservedConcurrency', 'provisionedConcurrency', 'tracing', 'destinations',
  'onError', 'iamRoleStatements', 'architecture', 'logRetentionInDays', 'ephemeralStorageSize', 'maximumRetryAttempts',
]);

/**
 * `functions` entries that are no function: a string, list or empty value (YAML that put a function's
 * settings beside it), and maps with neither `handler` nor `image`. A variable may stand for either.
 */
function checkServerlessFunctions(ctx: RuleContext<Record<string, never>>, root: Value): void {
  const functions = get(root, 'functions');
  const entries = (functions?.kind === 'seq' ? functions.items : functions ? [functions] : []).flatMap((part) => (isMap(part) ? part.entries : []));
  let previous: string | undefined;
  for (const e of entries) {
    const v = e.value;
    if (v.kind === 'unknown') {
      previous = e.key;
      continue;
    }
    if (isMap(v)) {
      previous = e.key;
      if (!entry(v, 'handler') && !entry(v, 'image')) ctx.report({ messageId: 'functionWithoutHandler', data: { name: e.key }, loc: e.keyLoc });
      continue;
    }
    const what = v.kind === 'seq' ? 'is a list, not a function definition' : v.kind === 'scalar' && v.value === null ? 'has no definition' : `is a ${typeof (v as { value: unknown }).value}, not a function definition`;
    const fix = FUNCTION_SETTINGS.has(e.key)
      ? `\`${e.key}\` is a function setting: indent it under the function it belongs to${previous ? ` (${previous})` : ''}.`
      : 'Write its settings under it, indented one level deeper.';
    ctx.report({ messageId: 'functionNotDefinition', data: { name: e.key, what, fix }, loc: e.keyLoc });
    if (!FUNCTION_SETTINGS.has(e.key)) previous = e.key;
  }
}

function hasMacroTransform(root: Value | undefined): boolean {
  const t = get(root, 'Transform');
  if (t === undefined) return false;
  const names = t.kind === 'seq' ? t.items : [t];
  return names.some((n) => {
    const name = str(n) ?? str(get(n, 'Name'));
    return name === undefined || !KNOWN_TRANSFORMS.has(name);
  });
}

function globalsOf(root: Value | undefined, type: string): ReadonlySet<string> {
  const section = samResource(type)?.globals;
  const globals = section ? get(root, 'Globals', section) : undefined;
  return new Set(isMap(globals) ? globals.entries.map((e) => e.key) : []);
}

/** A value that can stand for anything: an intrinsic function, a deploy-time unknown, a dynamic reference. */
function acceptsAnything(v: Value): boolean {
  if (v.kind === 'unknown') return true;
  if (intrinsic(v)) return true;
  return v.kind === 'scalar' && typeof v.value === 'string' && v.value.includes('{{resolve:');
}

function failureOf(c: Checked, kind: Problem['messageId'], property: string): string {
  if (c.schema.source === 'sam') {
    if (kind === 'unknownProperty') return `the SAM transform fails ("property ${property} not defined for resource of type ${c.schema.type}")`;
    if (kind === 'missingRequired') return `the SAM transform fails ("Missing required property '${property}'")`;
    return 'the SAM transform or the deploy fails';
  }
  if (kind === 'unknownProperty') return `the deploy fails ("Encountered unsupported property ${property}")`;
  if (kind === 'missingRequired') return `the deploy fails its property validation ("required key [${property}] not found")`;
  return 'the deploy fails its property validation';
}

function checkObject(
  c: Checked,
  value: MapValue,
  properties: ReadonlyMap<string, PropertySchema>,
  additional: boolean,
  owner: string,
  path: string,
  at: Loc,
  checkRequired: boolean,
): void {
  const present = new Map<string, MapEntry>();
  let transformed = false;
  for (const e of value.entries) {
    if (e.key.startsWith('Fn::')) {
      // `Fn::Transform` (AWS::Include) inserts properties at deploy time.
      transformed = true;
      continue;
    }
    present.set(e.key, e);
    const prop = properties.get(e.key);
    const propPath = path ? `${path}.${e.key}` : e.key;
    if (!prop) {
      if (additional) continue;
      const suggestion = closest(e.key, properties.keys());
      const names = [...properties.keys()];
      c.problems.push({
        messageId: 'unknownProperty',
        data: {
          property: e.key,
          owner,
          failure: failureOf(c, 'unknownProperty', e.key),
          fix: suggestion
            ? `Did you mean \`${suggestion}\`?`
            : names.length === 0
              ? 'Remove it: this type has no properties.'
              : names.length <= 12
                ? `Remove it, or use one of ${names.map((n) => `\`${n}\``).join(', ')}.`
                : `Remove it, or check the name in the \`${owner}\` reference.`,
        },
        loc: e.keyLoc,
      });
      continue;
    }
    const type: PropertyType = prop.previousTypes.length ? { kind: 'union', types: [prop.type, ...prop.previousTypes] } : prop.type;
    checkValue(c, e.value, type, propPath, owner, e.keyLoc);
  }
  if (checkRequired && !transformed) missing(c, present, properties, owner, at, path === '' ? c.fromGlobals : new Set());
}

function missing(
  c: Checked,
  present: ReadonlyMap<string, MapEntry>,
  properties: ReadonlyMap<string, PropertySchema>,
  owner: string,
  at: Loc,
  supplied: ReadonlySet<string>,
): void {
  const absent = [...properties.values()].filter((p) => p.required && !present.has(p.name) && !supplied.has(p.name)).map((p) => p.name);
  if (absent.length === 0) return;
  c.problems.push({
    messageId: 'missingRequired',
    data: {
      owner,
      names: absent.map((n) => `\`${n}\``).join(', '),
      verb: absent.length === 1 ? 'is' : 'are',
      failure: failureOf(c, 'missingRequired', absent[0]!),
    },
    loc: at,
  });
}

/** Checks `v` against `type`; `at` is where a nested object's missing properties are reported. */
function checkValue(c: Checked, v: Value, type: PropertyType, path: string, owner: string, at: Loc): void {
  if (acceptsAnything(v)) return;
  // `Code: ./src` is a local path that `aws cloudformation package` replaces with the uploaded location.
  if (v.kind === 'scalar' && typeof v.value === 'string' && isPackageableProperty(c.schema.type, path)) return;
  if (type.kind === 'union') {
    checkUnion(c, v, type.types, path, owner, at);
    return;
  }
  if (!shapeFits(v, type)) {
    c.problems.push(wrongType(c, path, v, describe(type), owner));
    return;
  }
  if (type.kind === 'list' && v.kind === 'seq') {
    v.items.forEach((item, i) => checkValue(c, item, type.element, `${path}[${i}]`, owner, itemLoc(item)));
  } else if (type.kind === 'map' && v.kind === 'map') {
    for (const e of v.entries) checkValue(c, e.value, type.element, `${path}.${e.key}`, owner, e.keyLoc);
  } else if (type.kind === 'object' && v.kind === 'map') {
    checkObject(c, v, type.properties, false, type.name, path, at, true);
  }
}

function checkUnion(c: Checked, v: Value, types: readonly PropertyType[], path: string, owner: string, at: Loc): void {
  const fitting = types.filter((t) => shapeFits(v, t));
  if (fitting.length === 0) {
    c.problems.push(wrongType(c, path, v, describeUnion(types), owner));
    return;
  }
  // Report what a member finds only when exactly one member fits the value's shape; with several
  // candidates, any one that accepts the value in full is enough.
  const results = fitting.map((t) => {
    const trial: Checked = { ...c, problems: [] };
    checkValue(trial, v, t, path, owner, at);
    return trial.problems;
  });
  if (results.some((r) => r.length === 0)) return;
  if (results.length === 1) c.problems.push(...results[0]!);
}

/** Whether the value has the outer shape the type needs (nested values are checked separately). */
function shapeFits(v: Value, type: PropertyType): boolean {
  if (v.kind === 'unknown') return true;
  if (v.kind === 'scalar' && v.value === null) return true;
  switch (type.kind) {
    case 'any':
    case 'json':
      return true;
    case 'string':
    case 'timestamp':
      // CloudFormation turns numbers and booleans into strings.
      return v.kind === 'scalar';
    case 'number':
    case 'integer':
      // "128" is accepted where a number is expected.
      return v.kind === 'scalar' && (typeof v.value === 'number' || (typeof v.value === 'string' && isNumeric(v.value)));
    case 'boolean':
      return v.kind === 'scalar' && (typeof v.value === 'boolean' || (typeof v.value === 'string' && /^(true|false)$/i.test(v.value)));
    case 'tag':
    case 'object':
    case 'map':
      return v.kind === 'map';
    case 'list':
      return v.kind === 'seq';
    case 'union':
      return type.types.some((t) => shapeFits(v, t));
  }
}

function isNumeric(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

function itemLoc(item: Value): Loc {
  // A list item that is a map is reported at its first key, the line the item starts on.
  return item.kind === 'map' && item.entries[0] ? item.entries[0].keyLoc : item.loc;
}

function wrongType(c: Checked, path: string, v: Value, expected: string, owner: string): Problem {
  return {
    messageId: 'wrongType',
    data: { path, actual: describeValue(v), expected, owner, failure: failureOf(c, 'wrongType', path) },
    loc: v.loc,
  };
}

function describeValue(v: Value): string {
  if (v.kind === 'map') return 'a map';
  if (v.kind === 'seq') return 'a list';
  if (v.kind !== 'scalar') return 'a value';
  const text = String(v.value);
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  if (typeof v.value === 'number') return `the number \`${shown}\``;
  if (typeof v.value === 'boolean') return `the boolean \`${shown}\``;
  return `the string \`${shown}\``;
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function describe(type: PropertyType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'integer':
      return 'an integer';
    case 'boolean':
      return 'a boolean (`true` or `false`)';
    case 'timestamp':
      return 'a date-time string';
    case 'tag':
      return 'a tag (`Key` and `Value`)';
    case 'json':
    case 'any':
      return 'any value';
    case 'list':
      return `a list of ${plural(type.element)}`;
    case 'map':
      return `a map of ${plural(type.element)}`;
    case 'object':
      return `a \`${shortName(type.name)}\` object`;
    case 'union':
      return describeUnion(type.types);
  }
}

function describeUnion(types: readonly PropertyType[]): string {
  return [...new Set(types.map(describe))].join(' or ');
}

function plural(type: PropertyType): string {
  switch (type.kind) {
    case 'string':
      return 'strings';
    case 'number':
      return 'numbers';
    case 'integer':
      return 'integers';
    case 'boolean':
      return 'booleans';
    case 'timestamp':
      return 'date-time strings';
    case 'tag':
      return 'tags (`Key` and `Value`)';
    case 'object':
      return `\`${shortName(type.name)}\` objects`;
    case 'list':
      return 'lists';
    case 'map':
      return 'maps';
    default:
      return 'values';
  }
}
