/**
 * From an AWS SDK operation to the IAM actions it needs. By default the action is the service's IAM
 * prefix and the operation name (`dynamodb` + `PutItem` -> `dynamodb:PutItem`); the tables below hold
 * the prefixes that differ from the client package's name and the operations whose action differs
 * from their name (from the AWS Service Authorization Reference, "Actions defined by ...").
 *
 * Keep entries sorted by service. A test pins every exception.
 */

/** `@aws-sdk/client-<suffix>` (and the v2 class mapped to it) -> IAM service prefix, where they differ. */
export const IAM_SERVICE_PREFIXES: Readonly<Record<string, string>> = {
  apigatewaymanagementapi: 'execute-api',
  'api-gateway': 'apigateway',
  apigatewayv2: 'apigateway',
  appconfigdata: 'appconfig',
  'application-auto-scaling': 'application-autoscaling',
  'bedrock-agent-runtime': 'bedrock',
  'bedrock-runtime': 'bedrock',
  'cloudwatch-events': 'events',
  'cloudwatch-logs': 'logs',
  'cognito-identity-provider': 'cognito-idp',
  'cognito-identity': 'cognito-identity',
  'dynamodb-streams': 'dynamodb',
  'elastic-load-balancing-v2': 'elasticloadbalancing',
  eventbridge: 'events',
  'iot-data-plane': 'iot',
  'kinesis-video': 'kinesisvideo',
  'lex-runtime-v2': 'lex',
  'rds-data': 'rds-data',
  'sagemaker-runtime': 'sagemaker',
  'secrets-manager': 'secretsmanager',
  sesv2: 'ses',
  sfn: 'states',
  'timestream-query': 'timestream',
  'timestream-write': 'timestream',
};

/**
 * Operations whose IAM action is not `<prefix>:<Operation>`, keyed `<IAM prefix>:<Operation>`.
 * An empty list: the operation needs no permission (`sts:GetCallerIdentity`).
 */
export const IAM_ACTION_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  'bedrock:Converse': ['bedrock:InvokeModel'],
  'bedrock:ConverseStream': ['bedrock:InvokeModelWithResponseStream'],
  'dynamodb:TransactGetItems': ['dynamodb:GetItem'],
  'execute-api:DeleteConnection': ['execute-api:ManageConnections'],
  'execute-api:GetConnection': ['execute-api:ManageConnections'],
  'execute-api:PostToConnection': ['execute-api:ManageConnections'],
  'lambda:Invoke': ['lambda:InvokeFunction'],
  'lambda:InvokeAsync': ['lambda:InvokeFunction'],
  'lambda:InvokeWithResponseStream': ['lambda:InvokeFunction'],
  's3:CompleteMultipartUpload': ['s3:PutObject'],
  's3:CopyObject': ['s3:GetObject', 's3:PutObject'],
  's3:CreateMultipartUpload': ['s3:PutObject'],
  's3:DeleteBucketCors': ['s3:PutBucketCORS'],
  's3:DeleteBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:DeleteBucketLifecycle': ['s3:PutLifecycleConfiguration'],
  's3:DeleteObjects': ['s3:DeleteObject'],
  's3:GetBucketCors': ['s3:GetBucketCORS'],
  's3:GetBucketEncryption': ['s3:GetEncryptionConfiguration'],
  's3:GetBucketLifecycleConfiguration': ['s3:GetLifecycleConfiguration'],
  's3:GetBucketNotificationConfiguration': ['s3:GetBucketNotification'],
  's3:HeadBucket': ['s3:ListBucket'],
  's3:HeadObject': ['s3:GetObject'],
  's3:ListBuckets': ['s3:ListAllMyBuckets'],
  's3:ListMultipartUploads': ['s3:ListBucketMultipartUploads'],
  's3:ListObjectVersions': ['s3:ListBucketVersions'],
  's3:ListObjects': ['s3:ListBucket'],
  's3:ListObjectsV2': ['s3:ListBucket'],
  's3:ListParts': ['s3:ListMultipartUploadParts'],
  's3:PostObject': ['s3:PutObject'],
  's3:PutBucketCors': ['s3:PutBucketCORS'],
  's3:PutBucketEncryption': ['s3:PutEncryptionConfiguration'],
  's3:PutBucketLifecycleConfiguration': ['s3:PutLifecycleConfiguration'],
  's3:PutBucketNotificationConfiguration': ['s3:PutBucketNotification'],
  's3:SelectObjectContent': ['s3:GetObject'],
  's3:UploadPart': ['s3:PutObject'],
  's3:UploadPartCopy': ['s3:GetObject', 's3:PutObject'],
  'sns:PublishBatch': ['sns:Publish'],
  'sqs:ChangeMessageVisibilityBatch': ['sqs:ChangeMessageVisibility'],
  'sqs:DeleteMessageBatch': ['sqs:DeleteMessage'],
  'sqs:SendMessageBatch': ['sqs:SendMessage'],
  'sts:GetCallerIdentity': [],
};

/**
 * Operations whose action depends on their input: DynamoDB PartiQL needs the action of the statement's
 * verb, a transaction the action of each item. Listed here with every action they can need.
 */
export const IAM_INPUT_DEPENDENT: Readonly<Record<string, readonly string[]>> = {
  'dynamodb:BatchExecuteStatement': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'dynamodb:ExecuteStatement': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'dynamodb:ExecuteTransaction': ['dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete'],
  'dynamodb:TransactWriteItems': ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem'],
};

/**
 * Operations that hand a role to another service: they also need `iam:PassRole` on that role. The
 * value is where the input names the role (a property path).
 */
export const IAM_PASSROLE_OPERATIONS: Readonly<Record<string, readonly string[]>> = {
  'cloudformation:CreateStack': ['RoleARN'],
  'cloudformation:UpdateStack': ['RoleARN'],
  'events:PutTargets': ['Targets', 'RoleArn'],
  'lambda:CreateFunction': ['Role'],
  'lambda:UpdateFunctionConfiguration': ['Role'],
  'scheduler:CreateSchedule': ['Target', 'RoleArn'],
  'scheduler:UpdateSchedule': ['Target', 'RoleArn'],
  'states:CreateStateMachine': ['roleArn'],
  'states:UpdateStateMachine': ['roleArn'],
};

/** PartiQL statement verb -> action. */
export const PARTIQL_ACTIONS: Readonly<Record<string, string>> = {
  SELECT: 'dynamodb:PartiQLSelect',
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
};

/** `TransactItems[]` entry key -> action. */
export const TRANSACT_WRITE_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
};

/** Powertools Parameters functions -> the actions they call. */
export const POWERTOOLS_PARAMETER_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  getParameter: ['ssm:GetParameter'],
  getParameters: ['ssm:GetParametersByPath'],
  getParametersByName: ['ssm:GetParameters'],
  getSecret: ['secretsmanager:GetSecretValue'],
  getAppConfig: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
};

/** Powertools Idempotency with a DynamoDB persistence layer: what it does to its table. */
export const POWERTOOLS_IDEMPOTENCY_ACTIONS: readonly string[] = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

/** S3 actions on a bucket (the bucket ARN); every other S3 action of the code acts on objects (`bucket/key`). */
export const S3_BUCKET_ACTIONS: ReadonlySet<string> = new Set(['s3:ListBucket', 's3:ListBucketVersions', 's3:ListBucketMultipartUploads']);

/** The IAM prefix of an SDK service (`secrets-manager` -> `secretsmanager`). */
export function iamPrefixOf(service: string): string {
  // Own entries only: a service named from the user's imports may be `constructor`.
  return (Object.hasOwn(IAM_SERVICE_PREFIXES, service) ? IAM_SERVICE_PREFIXES[service] : undefined) ?? service.replace(/-/g, '');
}

/**
 * The IAM actions an SDK operation needs, from the tables: the exception when there is one, else
 * `<prefix>:<Operation>`. Input-dependent operations return every action they can need.
 */
export function iamActionsOf(service: string, operation: string): readonly string[] {
  const prefix = iamPrefixOf(service);
  const key = `${prefix}:${operation}`;
  return IAM_ACTION_EXCEPTIONS[key] ?? IAM_INPUT_DEPENDENT[key] ?? [key];
}
