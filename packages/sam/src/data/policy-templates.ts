/**
 * AWS SAM policy templates and the statements each one grants, as SAM's policy template table defines
 * them (samtranslator `policy_templates.json`). Resources are `Fn::Sub` templates: `${AWS::...}` pseudo
 * parameters and `${<Parameter>}` for the template's own parameters. Keep in step with SAM releases;
 * a template missing here is still recorded by name (`template:<Name>`), only not expanded.
 */
export interface PolicyTemplateStatement {
  actions: readonly string[];
  resources: readonly string[];
}

export interface PolicyTemplate {
  parameters: readonly string[];
  statements: readonly PolicyTemplateStatement[];
}

const ARN = 'arn:${AWS::Partition}';
const REGIONAL = (service: string) => `${ARN}:${service}:\${AWS::Region}:\${AWS::AccountId}`;
const TABLE = `${REGIONAL('dynamodb')}:table/\${TableName}`;
const BUCKET = `${ARN}:s3:::\${BucketName}`;
const COLLECTION = `${REGIONAL('rekognition')}:collection/\${CollectionId}`;
const IDENTITY = `${REGIONAL('ses')}:identity/\${IdentityName}`;
const KEY = `${REGIONAL('kms')}:key/\${KeyId}`;
const DELIVERY_STREAM = `${REGIONAL('firehose')}:deliverystream/\${DeliveryStreamName}`;
const REPOSITORY = `${REGIONAL('codecommit')}:\${RepositoryName}`;

const one = (parameters: string[], actions: string[], resources: string[]): PolicyTemplate => ({
  parameters,
  statements: [{ actions, resources }],
});

const CODECOMMIT_READ = [
  'GitPull', 'GetBranch', 'ListBranches', 'BatchDescribeMergeConflicts', 'DescribeMergeConflicts', 'GetMergeCommit',
  'GetMergeOptions', 'BatchGetPullRequests', 'DescribePullRequestEvents', 'GetCommentsForPullRequest',
  'GetCommitsFromMergeBase', 'GetMergeConflicts', 'GetPullRequest', 'ListPullRequests', 'GetBlob', 'GetFile', 'GetFolder',
  'GetComment', 'GetCommentsForComparedCommit', 'BatchGetCommits', 'GetCommit', 'GetCommitHistory', 'GetDifferences',
  'GetObjectIdentifier', 'GetReferences', 'GetTree', 'GetRepository', 'ListTagsForResource', 'GetRepositoryTriggers',
  'TestRepositoryTriggers', 'GetUploadArchiveStatus',
];
const CODECOMMIT_WRITE = [
  'GitPush', 'CreateBranch', 'DeleteBranch', 'MergeBranchesByFastForward', 'MergeBranchesBySquash', 'MergeBranchesByThreeWay',
  'UpdateDefaultBranch', 'CreateUnreferencedMergeCommit', 'CreatePullRequest', 'MergePullRequestByFastForward',
  'MergePullRequestBySquash', 'MergePullRequestByThreeWay', 'PostCommentForPullRequest', 'UpdatePullRequestDescription',
  'UpdatePullRequestStatus', 'UpdatePullRequestTitle', 'DeleteFile', 'PutFile', 'DeleteCommentContent',
  'PostCommentForComparedCommit', 'PostCommentReply', 'UpdateComment', 'CreateCommit', 'UpdateRepositoryDescription',
  'TagResource', 'UntagResource', 'PutRepositoryTriggers', 'UploadArchive', 'CancelUploadArchive',
];
const prefixed = (service: string, names: string[]) => names.map((n) => `${service}:${n}`);

export const POLICY_TEMPLATES: Readonly<Record<string, PolicyTemplate>> = {
  // DynamoDB
  DynamoDBCrudPolicy: one(
    ['TableName'],
    prefixed('dynamodb', ['GetItem', 'DeleteItem', 'PutItem', 'Scan', 'Query', 'UpdateItem', 'BatchWriteItem', 'BatchGetItem', 'DescribeTable', 'ConditionCheckItem']),
    [TABLE, `${TABLE}/index/*`],
  ),
  DynamoDBReadPolicy: one(['TableName'], prefixed('dynamodb', ['GetItem', 'Scan', 'Query', 'BatchGetItem', 'DescribeTable']), [TABLE, `${TABLE}/index/*`]),
  DynamoDBWritePolicy: one(['TableName'], prefixed('dynamodb', ['PutItem', 'UpdateItem', 'BatchWriteItem']), [TABLE, `${TABLE}/index/*`]),
  DynamoDBReconfigurePolicy: one(['TableName'], ['dynamodb:UpdateTable'], [TABLE]),
  DynamoDBStreamReadPolicy: {
    parameters: ['TableName', 'StreamName'],
    statements: [
      { actions: prefixed('dynamodb', ['DescribeStream', 'GetRecords', 'GetShardIterator']), resources: [`${TABLE}/stream/\${StreamName}`] },
      { actions: ['dynamodb:ListStreams'], resources: [`${TABLE}/stream/*`] },
    ],
  },
  DynamoDBBackupFullAccessPolicy: {
    parameters: ['TableName'],
    statements: [
      { actions: prefixed('dynamodb', ['CreateBackup', 'DescribeContinuousBackups']), resources: [TABLE] },
      { actions: prefixed('dynamodb', ['DeleteBackup', 'DescribeBackup', 'ListBackups']), resources: [`${TABLE}/backup/*`] },
    ],
  },
  DynamoDBRestoreFromBackupPolicy: {
    parameters: ['TableName'],
    statements: [
      { actions: ['dynamodb:RestoreTableFromBackup'], resources: [`${TABLE}/backup/*`] },
      { actions: prefixed('dynamodb', ['PutItem', 'UpdateItem', 'DeleteItem', 'GetItem', 'Query', 'Scan', 'BatchWriteItem']), resources: [TABLE] },
    ],
  },

  // S3
  S3ReadPolicy: one(['BucketName'], prefixed('s3', ['GetObject', 'ListBucket', 'GetBucketLocation', 'GetObjectVersion', 'GetLifecycleConfiguration']), [BUCKET, `${BUCKET}/*`]),
  S3WritePolicy: one(['BucketName'], prefixed('s3', ['PutObject', 'PutObjectAcl', 'PutLifecycleConfiguration']), [BUCKET, `${BUCKET}/*`]),
  S3CrudPolicy: one(
    ['BucketName'],
    prefixed('s3', ['GetObject', 'ListBucket', 'GetBucketLocation', 'GetObjectVersion', 'PutObject', 'PutObjectAcl', 'GetLifecycleConfiguration', 'PutLifecycleConfiguration', 'DeleteObject']),
    [BUCKET, `${BUCKET}/*`],
  ),
  S3FullAccessPolicy: {
    parameters: ['BucketName'],
    statements: [
      {
        actions: prefixed('s3', [
          'GetObject', 'GetObjectAcl', 'GetObjectVersion', 'PutObject', 'PutObjectAcl', 'DeleteObject', 'DeleteObjectTagging',
          'DeleteObjectVersionTagging', 'GetObjectTagging', 'GetObjectVersionTagging', 'PutObjectTagging', 'PutObjectVersionTagging',
        ]),
        resources: [`${BUCKET}/*`],
      },
      { actions: prefixed('s3', ['ListBucket', 'GetBucketLocation', 'GetLifecycleConfiguration', 'PutLifecycleConfiguration']), resources: [BUCKET] },
    ],
  },

  // Queues, topics, streams, events
  SQSPollerPolicy: one(
    ['QueueName'],
    prefixed('sqs', ['ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'DeleteMessage', 'DeleteMessageBatch', 'GetQueueAttributes', 'ReceiveMessage']),
    [`${REGIONAL('sqs')}:\${QueueName}`],
  ),
  SQSSendMessagePolicy: one(['QueueName'], ['sqs:SendMessage*'], [`${REGIONAL('sqs')}:\${QueueName}`]),
  SNSPublishMessagePolicy: one(['TopicName'], ['sns:Publish'], [`${REGIONAL('sns')}:\${TopicName}`]),
  SNSCrudPolicy: one(
    ['TopicName'],
    prefixed('sns', ['ListSubscriptionsByTopic', 'CreateTopic', 'SetTopicAttributes', 'Subscribe', 'Publish']),
    [`${REGIONAL('sns')}:\${TopicName}*`],
  ),
  KinesisStreamReadPolicy: {
    parameters: ['StreamName'],
    statements: [
      { actions: prefixed('kinesis', ['ListStreams', 'DescribeLimits']), resources: [`${REGIONAL('kinesis')}:stream/*`] },
      {
        actions: prefixed('kinesis', ['DescribeStream', 'DescribeStreamSummary', 'GetRecords', 'GetShardIterator']),
        resources: [`${REGIONAL('kinesis')}:stream/\${StreamName}`],
      },
    ],
  },
  KinesisCrudPolicy: one(
    ['StreamName'],
    prefixed('kinesis', [
      'AddTagsToStream', 'CreateStream', 'DecreaseStreamRetentionPeriod', 'DeleteStream', 'DescribeStream', 'DescribeStreamSummary',
      'GetShardIterator', 'IncreaseStreamRetentionPeriod', 'ListTagsForStream', 'MergeShards', 'PutRecord', 'PutRecords', 'SplitShard',
      'RemoveTagsFromStream',
    ]),
    [`${REGIONAL('kinesis')}:stream/\${StreamName}`],
  ),
  FirehoseWritePolicy: one(['DeliveryStreamName'], prefixed('firehose', ['PutRecord', 'PutRecordBatch']), [DELIVERY_STREAM]),
  FirehoseCrudPolicy: one(
    ['DeliveryStreamName'],
    prefixed('firehose', ['CreateDeliveryStream', 'DeleteDeliveryStream', 'DescribeDeliveryStream', 'PutRecord', 'PutRecordBatch', 'UpdateDestination']),
    [DELIVERY_STREAM],
  ),
  EventBridgePutEventsPolicy: one(['EventBusName'], ['events:PutEvents'], [`${REGIONAL('events')}:event-bus/\${EventBusName}`]),

  // Compute and orchestration
  LambdaInvokePolicy: one(['FunctionName'], ['lambda:InvokeFunction'], [`${REGIONAL('lambda')}:function:\${FunctionName}*`]),
  StepFunctionsExecutionPolicy: one(['StateMachineName'], ['states:StartExecution'], [`${REGIONAL('states')}:stateMachine:\${StateMachineName}`]),
  StepFunctionsCallbackPolicy: one(
    ['StateMachineName'],
    prefixed('states', ['SendTaskSuccess', 'SendTaskFailure']),
    [`${REGIONAL('states')}:stateMachine:\${StateMachineName}`],
  ),
  VPCAccessPolicy: one(
    [],
    prefixed('ec2', ['CreateNetworkInterface', 'DeleteNetworkInterface', 'DescribeNetworkInterfaces', 'DetachNetworkInterface']),
    ['*'],
  ),
  EC2DescribePolicy: one([], prefixed('ec2', ['DescribeRegions', 'DescribeInstances']), ['*']),
  EC2CopyImagePolicy: one(['ImageId'], ['ec2:CopyImage'], [`${REGIONAL('ec2')}:image/\${ImageId}`]),
  AMIDescribePolicy: one([], ['ec2:DescribeImages'], [`${REGIONAL('ec2')}:image/*`]),
  EKSDescribePolicy: one([], prefixed('eks', ['DescribeCluster', 'ListClusters']), ['*']),
  CloudFormationDescribeStacksPolicy: one([], ['cloudformation:DescribeStacks'], [`${REGIONAL('cloudformation')}:stack/*`]),
  CodePipelineLambdaExecutionPolicy: one([], prefixed('codepipeline', ['PutJobSuccessResult', 'PutJobFailureResult']), ['*']),
  CodePipelineReadOnlyPolicy: one(['PipelineName'], ['codepipeline:ListPipelineExecutions'], [`${REGIONAL('codepipeline')}:\${PipelineName}`]),
  CodeCommitReadPolicy: one(['RepositoryName'], prefixed('codecommit', CODECOMMIT_READ), [REPOSITORY]),
  CodeCommitCrudPolicy: one(['RepositoryName'], prefixed('codecommit', [...CODECOMMIT_READ, ...CODECOMMIT_WRITE]), [REPOSITORY]),
  ServerlessRepoReadWriteAccessPolicy: one(
    [],
    prefixed('serverlessrepo', [
      'CreateApplication', 'CreateApplicationVersion', 'UpdateApplication', 'GetApplication', 'ListApplications', 'ListApplicationVersions',
      'ListApplicationDependencies',
    ]),
    [`${REGIONAL('serverlessrepo')}:applications/*`],
  ),

  // Secrets, parameters, keys, certificates
  SSMParameterReadPolicy: {
    parameters: ['ParameterName'],
    statements: [
      { actions: ['ssm:DescribeParameters'], resources: ['*'] },
      { actions: prefixed('ssm', ['GetParameters', 'GetParameter', 'GetParametersByPath']), resources: [`${REGIONAL('ssm')}:parameter/\${ParameterName}`] },
    ],
  },
  SSMParameterWithSlashPrefixReadPolicy: {
    parameters: ['ParameterName'],
    statements: [
      { actions: ['ssm:DescribeParameters'], resources: ['*'] },
      { actions: prefixed('ssm', ['GetParameters', 'GetParameter', 'GetParametersByPath']), resources: [`${REGIONAL('ssm')}:parameter\${ParameterName}`] },
    ],
  },
  AWSSecretsManagerGetSecretValuePolicy: one(['SecretArn'], ['secretsmanager:GetSecretValue'], ['${SecretArn}']),
  AWSSecretsManagerRotationPolicy: {
    parameters: ['FunctionName'],
    statements: [
      {
        actions: prefixed('secretsmanager', ['DescribeSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecretVersionStage']),
        resources: [`${REGIONAL('secretsmanager')}:secret:*`],
      },
      { actions: ['secretsmanager:GetRandomPassword'], resources: ['*'] },
    ],
  },
  KMSDecryptPolicy: one(['KeyId'], ['kms:Decrypt'], [KEY]),
  KMSEncryptPolicy: one(['KeyId'], ['kms:Encrypt'], [KEY]),
  AcmGetCertificatePolicy: one(['CertificateArn'], ['acm:GetCertificate'], ['${CertificateArn}']),
  Route53ChangeResourceRecordSetsPolicy: one(['HostedZoneId'], ['route53:ChangeResourceRecordSets'], [`${ARN}:route53:::hostedzone/\${HostedZoneId}`]),

  // Observability
  CloudWatchPutMetricPolicy: one([], ['cloudwatch:PutMetricData'], ['*']),
  CloudWatchDescribeAlarmHistoryPolicy: one([], ['cloudwatch:DescribeAlarmHistory'], ['*']),
  CloudWatchDashboardPolicy: one([], prefixed('cloudwatch', ['GetDashboard', 'ListDashboards', 'PutDashboard', 'ListMetrics']), ['*']),
  FilterLogEventsPolicy: one(['LogGroupName'], ['logs:FilterLogEvents'], [`${REGIONAL('logs')}:log-group:\${LogGroupName}:log-stream:*`]),

  // Email, search, ML and other services
  SESSendBouncePolicy: one(['IdentityName'], ['ses:SendBounce'], [IDENTITY]),
  SESCrudPolicy: one(['IdentityName'], prefixed('ses', ['GetIdentityVerificationAttributes', 'SendEmail', 'SendRawEmail', 'VerifyEmailIdentity']), [IDENTITY]),
  SESBulkTemplatedCrudPolicy: one(
    ['IdentityName'],
    prefixed('ses', ['GetIdentityVerificationAttributes', 'SendEmail', 'SendRawEmail', 'SendTemplatedEmail', 'SendBulkTemplatedEmail', 'VerifyEmailIdentity']),
    [IDENTITY],
  ),
  SESEmailTemplateCrudPolicy: one([], prefixed('ses', ['CreateTemplate', 'GetTemplate', 'ListTemplates', 'UpdateTemplate', 'DeleteTemplate', 'TestRenderTemplate']), ['*']),
  ElasticsearchHttpPostPolicy: one(['DomainName'], prefixed('es', ['ESHttpPost', 'ESHttpPut']), [`${REGIONAL('es')}:domain/\${DomainName}/*`]),
  RekognitionDetectOnlyPolicy: one([], prefixed('rekognition', ['DetectFaces', 'DetectLabels', 'DetectModerationLabels', 'DetectText']), ['*']),
  RekognitionNoDataAccessPolicy: one(['CollectionId'], prefixed('rekognition', ['CompareFaces', 'DetectFaces', 'DetectLabels', 'DetectModerationLabels']), [COLLECTION]),
  RekognitionReadPolicy: one(['CollectionId'], prefixed('rekognition', ['ListCollections', 'ListFaces', 'SearchFaces', 'SearchFacesByImage']), [COLLECTION]),
  RekognitionWriteOnlyAccessPolicy: one(['CollectionId'], prefixed('rekognition', ['CreateCollection', 'IndexFaces']), [COLLECTION]),
  RekognitionFacesManagementPolicy: one(
    ['CollectionId'],
    prefixed('rekognition', ['IndexFaces', 'DeleteFaces', 'SearchFaces', 'SearchFacesByImage', 'ListFaces']),
    [COLLECTION],
  ),
  RekognitionFacesPolicy: one([], prefixed('rekognition', ['CompareFaces', 'DetectFaces']), ['*']),
  RekognitionLabelsPolicy: one([], prefixed('rekognition', ['DetectLabels', 'DetectModerationLabels']), ['*']),
  ComprehendBasicAccessPolicy: one(
    [],
    prefixed('comprehend', [
      'BatchDetectKeyPhrases', 'DetectDominantLanguage', 'DetectEntities', 'BatchDetectEntities', 'DetectKeyPhrases', 'DetectSentiment',
      'BatchDetectDominantLanguage', 'BatchDetectSentiment',
    ]),
    ['*'],
  ),
  PollyFullAccessPolicy: {
    parameters: ['LexiconName'],
    statements: [
      { actions: prefixed('polly', ['GetLexicon', 'DeleteLexicon']), resources: [`${REGIONAL('polly')}:lexicon/\${LexiconName}`] },
      { actions: prefixed('polly', ['DescribeVoices', 'ListLexicons', 'PutLexicon', 'SynthesizeSpeech']), resources: [`${REGIONAL('polly')}:lexicon/*`] },
    ],
  },
  TextractPolicy: one([], ['textract:*'], ['*']),
  TextractDetectAnalyzePolicy: one([], prefixed('textract', ['DetectDocumentText', 'StartDocumentTextDetection', 'StartDocumentAnalysis', 'AnalyzeDocument']), ['*']),
  TextractGetResultPolicy: one([], prefixed('textract', ['GetDocumentTextDetection', 'GetDocumentAnalysis']), ['*']),
  AthenaQueryPolicy: {
    parameters: ['WorkGroupName'],
    statements: [
      {
        actions: prefixed('athena', ['ListWorkGroups', 'GetExecutionEngine', 'GetExecutionEngines', 'GetNamespace', 'GetCatalogs', 'GetNamespaces', 'GetTables', 'GetTable']),
        resources: ['*'],
      },
      {
        actions: prefixed('athena', [
          'StartQueryExecution', 'GetQueryResults', 'DeleteNamedQuery', 'GetNamedQuery', 'ListQueryExecutions', 'StopQueryExecution',
          'GetQueryResultsStream', 'ListNamedQueries', 'CreateNamedQuery', 'GetQueryExecution', 'BatchGetNamedQuery', 'BatchGetQueryExecution',
          'GetWorkGroup',
        ]),
        resources: [`${REGIONAL('athena')}:workgroup/\${WorkGroupName}`],
      },
    ],
  },
  CostExplorerReadOnlyPolicy: one(
    [],
    prefixed('ce', ['GetCostAndUsage', 'GetDimensionValues', 'GetReservationCoverage', 'GetReservationPurchaseRecommendation', 'GetReservationUtilization', 'GetTags']),
    ['*'],
  ),
  OrganizationsListAccountsPolicy: one([], ['organizations:ListAccounts'], ['*']),
  MobileAnalyticsWriteOnlyAccessPolicy: one([], ['mobileanalytics:PutEvents'], ['*']),
  PinpointEndpointAccessPolicy: one(
    ['PinpointApplicationId'],
    prefixed('mobiletargeting', ['GetEndpoint', 'UpdateEndpoint', 'UpdateEndpointsBatch']),
    [`${REGIONAL('mobiletargeting')}:apps/\${PinpointApplicationId}/endpoints/*`],
  ),
};
