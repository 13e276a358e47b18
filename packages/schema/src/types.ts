/** The value kinds a CloudFormation property accepts, as far as a linter needs them. */
export type PrimitiveKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'boolean'
  /** Any JSON value: a map, a list or a string (policy documents, event patterns). */
  | 'json'
  | 'timestamp'
  /** A `{ Key, Value }` tag. */
  | 'tag'
  /** Not checked (hand-written schemas that only know the property name). */
  | 'any';

export interface PrimitiveType {
  readonly kind: PrimitiveKind;
}

export interface CollectionType {
  readonly kind: 'list' | 'map';
  readonly element: PropertyType;
}

export interface UnionType {
  readonly kind: 'union';
  readonly types: readonly PropertyType[];
}

/** A nested property type (`AWS::Lambda::Function.Code`). Its properties are decoded on first access. */
export interface ObjectType {
  readonly kind: 'object';
  /** Full CloudFormation name, e.g. `AWS::Lambda::Function.Code`. */
  readonly name: string;
  readonly properties: ReadonlyMap<string, PropertySchema>;
}

export type PropertyType = PrimitiveType | CollectionType | UnionType | ObjectType;

export interface PropertySchema {
  readonly name: string;
  readonly type: PropertyType;
  /** Types the property had in earlier versions of the specification; values of these still deploy. */
  readonly previousTypes: readonly PropertyType[];
  readonly required: boolean;
  readonly deprecated: boolean;
}

export type SchemaSource =
  /** The CloudFormation resource database (`@aws-cdk/aws-service-spec`). */
  | 'cloudformation'
  /** The hand-written AWS SAM table in this package. */
  | 'sam'
  /** `Custom::*` and `AWS::CloudFormation::CustomResource`: properties go to the provider. */
  | 'custom-resource'
  /** Resources that tools add to templates (`AWS::CDK::Metadata`). */
  | 'tooling';

export interface ResourceSchema {
  readonly type: string;
  readonly source: SchemaSource;
  readonly properties: ReadonlyMap<string, PropertySchema>;
  /** Properties not listed are accepted too (custom resources, SAM types known by name only). */
  readonly additionalProperties: boolean;
}

/** Where the schema data came from and what loading it cost. */
export interface SchemaInfo {
  package: string;
  version: string;
  /** `index`: the compact index shipped with this package; `database`: derived from `db.json.gz` at run time. */
  loadedFrom: 'index' | 'database';
  loadMs: number;
}
