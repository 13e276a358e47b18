import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  closest,
  deriveIndexFromDatabase,
  editDistance,
  INDEX_URL,
  installedSpecVersion,
  isCoveredNamespace,
  isPackageableProperty,
  isSchemaLoaded,
  knownResourceTypes,
  resourceSchema,
  schemaInfo,
  serializeIndex,
  type ObjectType,
} from './index.js';

describe('@lambda-lint/schema', () => {
  it('reads nothing when imported', () => {
    expect(isSchemaLoaded()).toBe(false);
  });

  it('loads the shipped index on first use, once, fast', () => {
    expect(resourceSchema('AWS::Lambda::Function')).toBeDefined();
    expect(isSchemaLoaded()).toBe(true);
    const info = schemaInfo();
    expect(info).toMatchObject({ package: '@aws-cdk/aws-service-spec', version: installedSpecVersion(), loadedFrom: 'index' });
    // Generous bound for a loaded CI machine; typically 15-30 ms (the whole database: 500-800 ms).
    expect(info.loadMs).toBeLessThan(300);
    expect(schemaInfo().loadMs).toBe(info.loadMs);
  });

  it('the shipped index is what the installed database gives (run scripts/build-index.mjs after an upgrade)', () => {
    const shipped = gunzipSync(readFileSync(INDEX_URL)).toString('utf8');
    expect(shipped === serializeIndex(deriveIndexFromDatabase())).toBe(true);
  });

  it('describes properties: types, required flags, nested types, unions and previous types', () => {
    const fn = resourceSchema('AWS::Lambda::Function')!;
    expect(fn.source).toBe('cloudformation');
    expect(fn.additionalProperties).toBe(false);
    expect(fn.properties.get('Role')).toMatchObject({ required: true, type: { kind: 'string' } });
    expect(fn.properties.get('MemorySize')).toMatchObject({ required: false, type: { kind: 'integer' } });
    expect(fn.properties.get('Layers')!.type).toEqual({ kind: 'list', element: { kind: 'string' } });
    expect(fn.properties.get('Tags')!.type).toEqual({ kind: 'list', element: { kind: 'tag' } });
    const code = fn.properties.get('Code')!.type as ObjectType;
    expect(code.kind).toBe('object');
    expect(code.name).toBe('AWS::Lambda::Function.Code');
    expect([...code.properties.keys()]).toEqual(expect.arrayContaining(['S3Bucket', 'S3Key', 'ZipFile', 'ImageUri']));
    const env = fn.properties.get('Environment')!.type as ObjectType;
    expect(env.properties.get('Variables')!.type).toEqual({ kind: 'map', element: { kind: 'string' } });

    const keySchema = resourceSchema('AWS::DynamoDB::Table')!.properties.get('KeySchema')!;
    expect(keySchema.required).toBe(true);
    expect(keySchema.type.kind).toBe('union');
    expect(keySchema.previousTypes.length).toBeGreaterThan(0);
  });

  it('decodes recursive nested types lazily', () => {
    const waf = resourceSchema('AWS::WAFv2::WebACL')!;
    const rule = (waf.properties.get('Rules')!.type as { element: ObjectType }).element;
    const statement = rule.properties.get('Statement')!.type as ObjectType;
    const and = statement.properties.get('AndStatement')!.type as ObjectType;
    const inner = (and.properties.get('Statements')!.type as { element: ObjectType }).element;
    expect(inner).toBe(statement);
  });

  it('knows SAM types from its own table, with the Lambda properties SAM passes through', () => {
    const fn = resourceSchema('AWS::Serverless::Function')!;
    expect(fn.source).toBe('sam');
    expect(fn.properties.get('AutoPublishAlias')!.type).toEqual({ kind: 'string' });
    expect(fn.properties.get('Events')!.type).toEqual({ kind: 'map', element: { kind: 'any' } });
    expect(fn.properties.has('RecursiveLoop')).toBe(true);
    expect(resourceSchema('AWS::Serverless::Api')!.properties.get('StageName')!.required).toBe(true);
    expect(resourceSchema('AWS::Serverless::GraphQLApi')!.additionalProperties).toBe(true);
  });

  it('treats custom resources as open, with a required ServiceToken', () => {
    for (const type of ['Custom::Seed', 'AWS::CloudFormation::CustomResource']) {
      const s = resourceSchema(type)!;
      expect(s.source).toBe('custom-resource');
      expect(s.additionalProperties).toBe(true);
      expect(s.properties.get('ServiceToken')!.required).toBe(true);
    }
    expect(resourceSchema('AWS::CDK::Metadata')!.additionalProperties).toBe(true);
  });

  it('returns undefined for unknown types and lists the known ones', () => {
    expect(resourceSchema('AWS::Lambda::Functon')).toBeUndefined();
    expect(resourceSchema('toString')).toBeUndefined();
    const types = knownResourceTypes();
    expect(types.length).toBeGreaterThan(1500);
    expect(types).toContain('AWS::Serverless::Connector');
    expect(types).toContain('AWS::CDK::Metadata');
    expect(isCoveredNamespace('AWS::Foo::Bar')).toBe(true);
    expect(isCoveredNamespace('MongoDB::Atlas::Cluster')).toBe(false);
  });

  it('suggests close names only', () => {
    expect(editDistance('Timout', 'Timeout')).toBe(1);
    expect(editDistance('memorysize', 'MemorySize')).toBe(0);
    expect(closest('AWS::Lamda::Function', knownResourceTypes())).toBe('AWS::Lambda::Function');
    expect(closest('Memorysize', ['MemorySize', 'Timeout'])).toBe('MemorySize');
    expect(closest('Foo', ['MemorySize', 'Timeout'])).toBeUndefined();
  });

  it('knows which properties `aws cloudformation package` uploads', () => {
    expect(isPackageableProperty('AWS::Lambda::Function', 'Code')).toBe(true);
    expect(isPackageableProperty('AWS::Lambda::Function', 'Role')).toBe(false);
  });
});
