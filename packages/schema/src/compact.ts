import { createRequire } from 'node:module';
import type { ObjectType, PropertySchema, PropertyType } from './types.js';

/**
 * The compact index: only what the `resource-schema` rule needs from the CloudFormation resource
 * database (property names, types, required and deprecated flags), without documentation, attributes,
 * metrics or relationships. Loading `db.json.gz` takes 0.5-0.8 s; this index 15-30 ms, because it is
 * stored one resource (or nested type) per line and a line is parsed only when a template uses it.
 *
 * Types are encoded as: `s` string, `n` number, `i` integer, `b` boolean, `j` JSON, `d` date-time,
 * `t` tag, `z` anything; a number is an index into `types`; `['L', t]` a list, `['M', t]` a map and
 * `['U', ...ts]` a union.
 */
export interface CompactIndex {
  format: 2;
  source: { package: string; version: string };
  /** Nested property types: full name (`AWS::Lambda::Function.Code`) and properties. */
  types: [string, Record<string, CompactProperty>][];
  /** Resource type name -> properties. */
  resources: Record<string, Record<string, CompactProperty>>;
}

export type CompactType = 's' | 'n' | 'i' | 'b' | 'j' | 'd' | 't' | 'z' | number | ['L', CompactType] | ['M', CompactType] | ['U', ...CompactType[]];

export interface CompactProperty {
  t: CompactType;
  /** required */
  r?: 1;
  /** deprecated */
  d?: 1;
  /** previous types */
  p?: CompactType[];
}

export const SPEC_PACKAGE = '@aws-cdk/aws-service-spec';
export const INDEX_FORMAT = 2;

// ---------------------------------------------------------------------------------------------
// Deriving the index from the database (build time, or at run time when the index is stale)

/** The parts of `@aws-cdk/service-spec-types` this file reads. */
interface SpecType {
  type: string;
  element?: SpecType;
  types?: SpecType[];
  reference?: { $ref: string };
}
interface SpecProperty {
  type: SpecType;
  required?: boolean;
  deprecated?: string;
  previousTypes?: SpecType[];
}
interface SpecTypeDefinition {
  $id: string;
  name: string;
  properties: Record<string, SpecProperty>;
}
interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
}
interface SpecDatabase {
  all(key: 'resource'): SpecResource[];
  get(key: 'typeDefinition', ref: { $ref: string }): SpecTypeDefinition;
}

const requireHere = createRequire(import.meta.url);

/** The installed version of `@aws-cdk/aws-service-spec`, or undefined when it is not installed. */
export function installedSpecVersion(): string | undefined {
  try {
    return (requireHere(`${SPEC_PACKAGE}/package.json`) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Loads the whole database (slow: 0.5-0.8 s) and keeps what the rule needs. */
export function deriveIndexFromDatabase(): CompactIndex {
  const spec = requireHere(SPEC_PACKAGE) as { loadAwsServiceSpecSync(): unknown };
  const db = spec.loadAwsServiceSpecSync() as SpecDatabase;
  return deriveIndex(db, installedSpecVersion() ?? 'unknown');
}

export function deriveIndex(db: SpecDatabase, version: string): CompactIndex {
  const types: CompactIndex['types'] = [];
  const typeIndex = new Map<string, number>();

  const encodeType = (t: SpecType, owner: string): CompactType => {
    switch (t.type) {
      case 'string':
        return 's';
      case 'number':
        return 'n';
      case 'integer':
        return 'i';
      case 'boolean':
        return 'b';
      case 'json':
        return 'j';
      case 'date-time':
        return 'd';
      case 'tag':
        return 't';
      case 'array':
        return ['L', encodeType(t.element!, owner)];
      case 'map':
        return ['M', encodeType(t.element!, owner)];
      case 'union':
        return ['U', ...t.types!.map((m) => encodeType(m, owner))];
      case 'ref': {
        const id = t.reference!.$ref;
        let index = typeIndex.get(id);
        if (index === undefined) {
          index = types.length;
          typeIndex.set(id, index);
          const def = db.get('typeDefinition', t.reference!);
          const slot: [string, Record<string, CompactProperty>] = [`${owner}.${def.name}`, {}];
          types.push(slot);
          slot[1] = encodeProperties(def.properties, owner);
        }
        return index;
      }
      default:
        // `null` and any kind added later: accept anything rather than guess.
        return 'z';
    }
  };

  const encodeProperties = (props: Record<string, SpecProperty>, owner: string): Record<string, CompactProperty> => {
    const out: Record<string, CompactProperty> = {};
    for (const name of Object.keys(props).sort()) {
      const p = props[name]!;
      const e: CompactProperty = { t: encodeType(p.type, owner) };
      if (p.required) e.r = 1;
      if (p.deprecated && p.deprecated !== 'NONE') e.d = 1;
      if (p.previousTypes?.length) e.p = p.previousTypes.map((t) => encodeType(t, owner));
      out[name] = e;
    }
    return out;
  };

  const resources: CompactIndex['resources'] = {};
  const all = [...db.all('resource')].sort((a, b) => (a.cloudFormationType < b.cloudFormationType ? -1 : a.cloudFormationType > b.cloudFormationType ? 1 : 0));
  for (const r of all) {
    // SAM types are in the database from an old SAM specification; the package's own SAM table is current.
    if (r.cloudFormationType.startsWith('AWS::Serverless::')) continue;
    resources[r.cloudFormationType] = encodeProperties(r.properties, r.cloudFormationType);
  }
  return { format: INDEX_FORMAT, source: { package: SPEC_PACKAGE, version }, types, resources };
}

// ---------------------------------------------------------------------------------------------
// The stored form: a header line, then one `name<TAB>properties-JSON` line per resource, then one per
// nested type (in `types` order).

export function serializeIndex(index: CompactIndex): string {
  const resources = Object.keys(index.resources);
  const lines = [JSON.stringify({ format: index.format, source: index.source, resources: resources.length, types: index.types.length })];
  for (const type of resources) lines.push(`${type}\t${JSON.stringify(index.resources[type])}`);
  for (const [name, props] of index.types) lines.push(`${name}\t${JSON.stringify(props)}`);
  return lines.join('\n') + '\n';
}

/** Read access to an index, whether parsed from the stored text or derived in memory. */
export interface IndexSource {
  readonly source: { package: string; version: string };
  resourceTypes(): string[];
  resource(type: string): Record<string, CompactProperty> | undefined;
  nestedType(index: number): [string, Record<string, CompactProperty>] | undefined;
}

export class MemoryIndexSource implements IndexSource {
  constructor(private readonly index: CompactIndex) {}
  get source() {
    return this.index.source;
  }
  resourceTypes(): string[] {
    return Object.keys(this.index.resources);
  }
  resource(type: string) {
    return Object.prototype.hasOwnProperty.call(this.index.resources, type) ? this.index.resources[type] : undefined;
  }
  nestedType(index: number) {
    return this.index.types[index];
  }
}

/** Splits the stored text into lines; a line's JSON is parsed when the resource or type is first used. */
export class TextIndexSource implements IndexSource {
  private readonly resourceLines = new Map<string, string>();
  private readonly typeLines: string[] = [];

  private constructor(readonly source: { package: string; version: string }) {}

  static parse(text: string): TextIndexSource | undefined {
    const lines = text.split('\n');
    const header = JSON.parse(lines[0] ?? '') as { format?: number; source?: { package: string; version: string }; resources?: number; types?: number };
    if (header.format !== INDEX_FORMAT || !header.source || typeof header.resources !== 'number' || typeof header.types !== 'number') return undefined;
    if (lines.length < 1 + header.resources + header.types) return undefined;
    const out = new TextIndexSource(header.source);
    for (let i = 1; i <= header.resources; i++) {
      const line = lines[i]!;
      out.resourceLines.set(line.slice(0, line.indexOf('\t')), line);
    }
    for (let i = 0; i < header.types; i++) out.typeLines.push(lines[1 + header.resources + i]!);
    return out;
  }

  resourceTypes(): string[] {
    return [...this.resourceLines.keys()];
  }

  resource(type: string) {
    const line = this.resourceLines.get(type);
    return line === undefined ? undefined : (JSON.parse(line.slice(type.length + 1)) as Record<string, CompactProperty>);
  }

  nestedType(index: number): [string, Record<string, CompactProperty>] | undefined {
    const line = this.typeLines[index];
    if (line === undefined) return undefined;
    const tab = line.indexOf('\t');
    return [line.slice(0, tab), JSON.parse(line.slice(tab + 1)) as Record<string, CompactProperty>];
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding, lazily: a resource's properties and a nested type's properties are built on first use.

const PRIMITIVES: Record<string, PropertyType> = {
  s: { kind: 'string' },
  n: { kind: 'number' },
  i: { kind: 'integer' },
  b: { kind: 'boolean' },
  j: { kind: 'json' },
  d: { kind: 'timestamp' },
  t: { kind: 'tag' },
  z: { kind: 'any' },
};

export class IndexDecoder {
  private readonly objects = new Map<number, ObjectType>();

  constructor(readonly index: IndexSource) {}

  type(t: CompactType): PropertyType {
    if (typeof t === 'string') return PRIMITIVES[t] ?? { kind: 'any' };
    if (typeof t === 'number') return this.object(t);
    const [tag, ...rest] = t;
    if (tag === 'L') return { kind: 'list', element: this.type(rest[0]!) };
    if (tag === 'M') return { kind: 'map', element: this.type(rest[0]!) };
    return { kind: 'union', types: rest.map((m) => this.type(m)) };
  }

  properties(props: Record<string, CompactProperty>): Map<string, PropertySchema> {
    const out = new Map<string, PropertySchema>();
    for (const [name, p] of Object.entries(props)) {
      out.set(name, {
        name,
        type: this.type(p.t),
        previousTypes: (p.p ?? []).map((t) => this.type(t)),
        required: p.r === 1,
        deprecated: p.d === 1,
      });
    }
    return out;
  }

  private object(index: number): ObjectType {
    let obj = this.objects.get(index);
    if (!obj) {
      const [name, props] = this.index.nestedType(index) ?? ['unknown', {}];
      let decoded: Map<string, PropertySchema> | undefined;
      // Nested types can be recursive (WAF statements), so properties are decoded on access.
      const decoder = this;
      obj = {
        kind: 'object',
        name,
        get properties() {
          decoded ??= decoder.properties(props);
          return decoded;
        },
      };
      this.objects.set(index, obj);
    }
    return obj;
  }
}
