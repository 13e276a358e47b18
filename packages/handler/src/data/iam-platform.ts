/**
 * IAM facts about the platform: what the AWS managed policies commonly attached to function roles
 * grant (so a role using them is still fully known), and which actions Lambda itself performs with
 * the function's role (so granting them is not "unused").
 */

/** AWS managed policies by name (the last segment of their ARN) -> the actions they allow on `*`. */
export const KNOWN_MANAGED_POLICIES: Readonly<Record<string, readonly string[]>> = {
  AWSLambdaBasicExecutionRole: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  AWSLambdaVPCAccessExecutionRole: [
    'logs:CreateLogGroup',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeSubnets',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ],
  AWSLambdaSQSQueueExecutionRole: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  AWSLambdaKinesisExecutionRole: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
    'logs:CreateLogGroup',
    'logs:CreateLogStream',
    'logs:PutLogEvents',
  ],
  AWSLambdaDynamoDBExecutionRole: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
  AWSXRayDaemonWriteAccess: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
  AWSXrayWriteOnlyAccess: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'],
  CloudWatchLambdaInsightsExecutionRolePolicy: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
};

/** Writing the function's own logs: Lambda does it with the role for every function. */
export const PLATFORM_LOG_ACTIONS: readonly string[] = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];

/** Sending trace segments when active tracing is on. */
export const PLATFORM_XRAY_ACTIONS: readonly string[] = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:GetSamplingStatisticSummaries'];

/** Network interfaces of a function in a VPC. */
export const PLATFORM_VPC_ACTIONS: readonly string[] = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVpcs',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** What the event source mapping of a poll-based trigger does with the function's role. */
export const PLATFORM_POLL_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  kinesis: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:ListShards', 'kinesis:ListStreams', 'kinesis:SubscribeToShard'],
  dynamodbStream: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
  kafka: ['kafka:*', 'kafka-cluster:*', 'ec2:*', 'secretsmanager:GetSecretValue'],
  mq: ['mq:*', 'ec2:*', 'secretsmanager:GetSecretValue'],
  documentdb: ['rds:*', 'ec2:*', 'secretsmanager:GetSecretValue'],
};

/** Delivering failed asynchronous invocations or stream batches to a dead-letter queue or destination. */
export const PLATFORM_DESTINATION_ACTIONS: readonly string[] = ['sqs:SendMessage', 'sns:Publish', 'lambda:InvokeFunction', 'events:PutEvents', 's3:PutObject'];

/**
 * KMS actions are used implicitly by encrypted resources the code reads and writes (SSE-KMS buckets and
 * queues, SecureString parameters, secrets, encrypted environment variables): never reported as unused.
 */
export const IMPLICIT_PREFIXES: readonly string[] = ['kms'];
