/**
 * Resource types that hold data, with what a replacement or deletion loses. Replacing one of them
 * (a changed `TableName`, `KeySchema`, `BucketName`, `QueueName`, `FifoQueue`, `LogGroupName`...)
 * creates a new, empty resource and deletes the old one; removing one from the template deletes it
 * unless its `DeletionPolicy` keeps it.
 *
 * Source: the CloudFormation resource reference (each type's "Update requires: Replacement"
 * properties, which `@aws-cdk/cloudformation-diff` reads from the resource specification it ships)
 * and the `DeletionPolicy` attribute documentation. Add a type when AWS adds a data store.
 */
export const STATEFUL_RESOURCES: Record<string, { kind: string; data: string }> = {
  'AWS::DynamoDB::Table': { kind: 'table', data: 'all its items' },
  'AWS::DynamoDB::GlobalTable': { kind: 'global table', data: 'all its items in every region' },
  'AWS::Serverless::SimpleTable': { kind: 'table', data: 'all its items' },
  'AWS::S3::Bucket': { kind: 'bucket', data: 'its objects (CloudFormation cannot delete a non-empty bucket, so the deploy fails instead)' },
  'AWS::SQS::Queue': { kind: 'queue', data: 'the messages waiting in it' },
  'AWS::SNS::Topic': { kind: 'topic', data: 'its subscriptions' },
  'AWS::Logs::LogGroup': { kind: 'log group', data: 'its log history' },
  'AWS::Kinesis::Stream': { kind: 'stream', data: 'the records it retains' },
  'AWS::KinesisFirehose::DeliveryStream': { kind: 'delivery stream', data: 'the records it buffers' },
  'AWS::RDS::DBInstance': { kind: 'database instance', data: 'its data (unless a final snapshot is taken)' },
  'AWS::RDS::DBCluster': { kind: 'database cluster', data: 'its data (unless a final snapshot is taken)' },
  'AWS::EFS::FileSystem': { kind: 'file system', data: 'its files' },
  'AWS::Cognito::UserPool': { kind: 'user pool', data: 'every user account and password' },
  'AWS::KMS::Key': { kind: 'KMS key', data: 'the ability to decrypt what it encrypted (after the deletion waiting period)' },
  'AWS::SecretsManager::Secret': { kind: 'secret', data: 'the secret value' },
  'AWS::ElastiCache::ReplicationGroup': { kind: 'cache', data: 'its cached data' },
  'AWS::OpenSearchService::Domain': { kind: 'search domain', data: 'its indexes' },
  'AWS::Elasticsearch::Domain': { kind: 'search domain', data: 'its indexes' },
  'AWS::Timestream::Table': { kind: 'table', data: 'its time series' },
  'AWS::Events::Archive': { kind: 'event archive', data: 'the archived events' },
  'AWS::Backup::BackupVault': { kind: 'backup vault', data: 'its recovery points' },
};

/**
 * Resource types that are immutable by design and replaced on every change in normal operation (a
 * new function version or layer version per deploy, a new API deployment, a Lambda permission or an
 * inline policy whose settings change): their replacement is not a finding.
 */
export const ROUTINE_REPLACEMENTS: ReadonlySet<string> = new Set([
  'AWS::Lambda::Version',
  'AWS::Lambda::LayerVersion',
  'AWS::Lambda::LayerVersionPermission',
  'AWS::Lambda::Permission',
  'AWS::ApiGateway::Deployment',
  'AWS::ApiGatewayV2::Deployment',
  'AWS::IAM::Policy',
  'AWS::CloudFormation::WaitConditionHandle',
]);
