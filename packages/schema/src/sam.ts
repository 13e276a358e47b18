import type { PrimitiveKind, PropertyType } from './types.js';

/**
 * AWS SAM resource types (`Transform: AWS::Serverless-2016-10-31`). The CloudFormation database holds
 * only an old SAM specification, so this table is written by hand from the AWS SAM specification
 * (developer guide, "AWS SAM resources and properties", and the `schema_source` models of
 * aws/serverless-application-model), as of 2026-01.
 *
 * Only top-level properties are known. A property's kind is given where the specification is
 * unambiguous; `any` means the name is known and the value is not checked (objects, unions, and
 * pass-through properties whose shape SAM leaves to CloudFormation).
 */
export interface SamResourceSpec {
  properties: Record<string, SamKind>;
  required?: readonly string[];
  /** CloudFormation types whose property names SAM passes through; accepted by name, not checked. */
  passThrough?: readonly string[];
  /** Known by name only: properties are not checked. */
  openProperties?: boolean;
  /** The `Globals` section that can supply this type's properties. */
  globals?: string;
}

export type SamKind = PrimitiveKind | 'list' | 'map';

export const SAM_SPEC_AS_OF = '2026-01';

export const SAM_RESOURCES: Readonly<Record<string, SamResourceSpec>> = {
  'AWS::Serverless::Function': {
    globals: 'Function',
    passThrough: ['AWS::Lambda::Function'],
    properties: {
      Architectures: 'list',
      AssumeRolePolicyDocument: 'json',
      AutoPublishAlias: 'string',
      AutoPublishAliasAllProperties: 'boolean',
      AutoPublishCodeSha256: 'string',
      CapacityProviderConfig: 'any',
      CodeSigningConfigArn: 'string',
      CodeUri: 'any',
      DeadLetterQueue: 'any',
      DeploymentPreference: 'any',
      Description: 'string',
      DurableConfig: 'any',
      Environment: 'any',
      EphemeralStorage: 'any',
      EventInvokeConfig: 'any',
      Events: 'map',
      FileSystemConfigs: 'list',
      FunctionName: 'string',
      FunctionScalingConfig: 'any',
      FunctionUrlConfig: 'any',
      Handler: 'string',
      ImageConfig: 'any',
      ImageUri: 'string',
      InlineCode: 'string',
      KmsKeyArn: 'string',
      Layers: 'list',
      LoggingConfig: 'any',
      MemorySize: 'integer',
      PackageType: 'string',
      PermissionsBoundary: 'string',
      Policies: 'any',
      PropagateTags: 'boolean',
      ProvisionedConcurrencyConfig: 'any',
      PublishToLatestPublished: 'boolean',
      RecursiveLoop: 'string',
      ReservedConcurrentExecutions: 'integer',
      Role: 'string',
      RolePath: 'string',
      Runtime: 'string',
      RuntimeManagementConfig: 'any',
      SnapStart: 'any',
      SourceKMSKeyArn: 'string',
      Tags: 'map',
      TenancyConfig: 'any',
      Timeout: 'integer',
      Tracing: 'string',
      VersionDeletionPolicy: 'string',
      VersionDescription: 'string',
      VpcConfig: 'any',
    },
  },
  'AWS::Serverless::Api': {
    globals: 'Api',
    required: ['StageName'],
    passThrough: ['AWS::ApiGateway::RestApi'],
    properties: {
      AccessLogSetting: 'any',
      AlwaysDeploy: 'boolean',
      ApiKeySourceType: 'string',
      Auth: 'any',
      BinaryMediaTypes: 'list',
      CacheClusterEnabled: 'boolean',
      CacheClusterSize: 'string',
      CanarySetting: 'any',
      Cors: 'any',
      DefinitionBody: 'json',
      DefinitionUri: 'any',
      Description: 'string',
      DisableExecuteApiEndpoint: 'boolean',
      Domain: 'any',
      EndpointConfiguration: 'any',
      FailOnWarnings: 'boolean',
      GatewayResponses: 'map',
      MergeDefinitions: 'boolean',
      MethodSettings: 'list',
      MinimumCompressionSize: 'integer',
      Mode: 'string',
      Models: 'map',
      Name: 'string',
      OpenApiVersion: 'string',
      Policy: 'json',
      PropagateTags: 'boolean',
      SecurityPolicy: 'string',
      StageName: 'string',
      Tags: 'map',
      TracingEnabled: 'boolean',
      Variables: 'map',
    },
  },
  'AWS::Serverless::HttpApi': {
    globals: 'HttpApi',
    properties: {
      AccessLogSettings: 'any',
      Auth: 'any',
      CorsConfiguration: 'any',
      DefaultRouteSettings: 'any',
      DefinitionBody: 'json',
      DefinitionUri: 'any',
      Description: 'string',
      DisableExecuteApiEndpoint: 'boolean',
      Domain: 'any',
      FailOnWarnings: 'boolean',
      Name: 'string',
      PropagateTags: 'boolean',
      RouteSettings: 'any',
      StageName: 'string',
      StageVariables: 'map',
      Tags: 'map',
    },
  },
  'AWS::Serverless::SimpleTable': {
    globals: 'SimpleTable',
    properties: {
      PointInTimeRecoverySpecification: 'any',
      PrimaryKey: 'any',
      ProvisionedThroughput: 'any',
      SSESpecification: 'any',
      TableName: 'string',
      Tags: 'map',
    },
  },
  'AWS::Serverless::LayerVersion': {
    globals: 'LayerVersion',
    required: ['ContentUri'],
    properties: {
      CompatibleArchitectures: 'list',
      CompatibleRuntimes: 'list',
      ContentUri: 'any',
      Description: 'string',
      LayerName: 'string',
      LicenseInfo: 'string',
      PublishLambdaVersion: 'boolean',
      RetentionPolicy: 'string',
    },
  },
  'AWS::Serverless::StateMachine': {
    globals: 'StateMachine',
    properties: {
      AutoPublishAlias: 'string',
      Definition: 'json',
      DefinitionSubstitutions: 'map',
      DefinitionUri: 'any',
      DeploymentPreference: 'any',
      Events: 'map',
      Logging: 'any',
      Name: 'string',
      PermissionsBoundary: 'string',
      Policies: 'any',
      PropagateTags: 'boolean',
      Role: 'string',
      RolePath: 'string',
      Tags: 'map',
      Tracing: 'any',
      Type: 'string',
      UseAliasAsEventTarget: 'boolean',
    },
  },
  'AWS::Serverless::Application': {
    required: ['Location'],
    properties: {
      Location: 'any',
      NotificationARNs: 'list',
      Parameters: 'map',
      Tags: 'map',
      TimeoutInMinutes: 'integer',
    },
  },
  'AWS::Serverless::Connector': {
    required: ['Source', 'Destination', 'Permissions'],
    properties: {
      Destination: 'any',
      Permissions: 'list',
      Source: 'any',
    },
  },
  // Known by name; their properties are not checked.
  'AWS::Serverless::GraphQLApi': { properties: {}, openProperties: true },
  'AWS::Serverless::CapacityProvider': { properties: {}, openProperties: true },
};

/** The SAM table entry of a type (own properties only: a template's `Type` can be any string). */
export function samResource(type: string): SamResourceSpec | undefined {
  return Object.prototype.hasOwnProperty.call(SAM_RESOURCES, type) ? SAM_RESOURCES[type] : undefined;
}

const ANY: PropertyType = { kind: 'any' };

export function samKindType(kind: SamKind): PropertyType {
  if (kind === 'list' || kind === 'map') return { kind, element: ANY };
  return { kind };
}
