/**
 * Properties that `aws cloudformation package` and `sam package` / `sam deploy` upload: in the template
 * they hold a local path (`Code: ./src`), which the command replaces with the uploaded S3 location.
 * A string there is therefore not a wrong type. From the AWS CLI reference of `cloudformation package`.
 */
export const PACKAGEABLE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::ApiGateway::RestApi': ['BodyS3Location'],
  'AWS::ApiGatewayV2::Api': ['BodyS3Location'],
  'AWS::AppSync::FunctionConfiguration': ['CodeS3Location', 'RequestMappingTemplateS3Location', 'ResponseMappingTemplateS3Location'],
  'AWS::AppSync::GraphQLSchema': ['DefinitionS3Location'],
  'AWS::AppSync::Resolver': ['CodeS3Location', 'RequestMappingTemplateS3Location', 'ResponseMappingTemplateS3Location'],
  'AWS::CloudFormation::ModuleVersion': ['ModulePackage'],
  'AWS::CloudFormation::ResourceVersion': ['SchemaHandlerPackage'],
  'AWS::CloudFormation::Stack': ['TemplateURL'],
  'AWS::CodeCommit::Repository': ['Code.S3'],
  'AWS::ElasticBeanstalk::ApplicationVersion': ['SourceBundle'],
  'AWS::Glue::Job': ['Command.ScriptLocation'],
  'AWS::Lambda::Function': ['Code'],
  'AWS::Lambda::LayerVersion': ['Content'],
  'AWS::StepFunctions::StateMachine': ['DefinitionS3Location'],
};

export function isPackageableProperty(resourceType: string, path: string): boolean {
  return Object.prototype.hasOwnProperty.call(PACKAGEABLE_PROPERTIES, resourceType) && PACKAGEABLE_PROPERTIES[resourceType]!.includes(path);
}
