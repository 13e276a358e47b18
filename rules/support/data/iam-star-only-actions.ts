/**
 * IAM actions that a policy can only grant on `Resource: '*'`, so `'*'` next to them is not a
 * finding of `iam-wildcard-resource`.
 *
 * Source: the Service Authorization Reference ("Actions, resources, and condition keys for AWS
 * services"): an action whose "Resource types" column is empty accepts no ARN, only `*`. Entries
 * marked `lambda-vpc` do accept ARNs in the reference, but Lambda validates the execution role of
 * a function in a VPC against `*` (see "Execution role and user permissions" in the Lambda
 * developer guide and the AWS managed policy `AWSLambdaVPCAccessExecutionRole`), so they must be
 * granted on `*`.
 *
 * Versioned: when AWS adds resource-level permissions to an action, remove it here and bump
 * `asOf`. Names are as AWS writes them; matching is case-insensitive, as in IAM.
 */
export const IAM_STAR_ONLY = {
  asOf: '2026-11',
  source: 'https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html',
  /** Actions with no resource type: `service: [Action, ...]`. */
  actions: {
    xray: [
      'PutTraceSegments',
      'PutTelemetryRecords',
      'GetSamplingRules',
      'GetSamplingTargets',
      'GetSamplingStatisticSummaries',
      'GetTraceSummaries',
      'BatchGetTraces',
      'GetServiceGraph',
      'GetTraceGraph',
      'GetEncryptionConfig',
    ],
    cloudwatch: ['PutMetricData', 'GetMetricData', 'GetMetricStatistics', 'ListMetrics', 'GetMetricWidgetImage', 'ListDashboards'],
    logs: [
      'DescribeLogGroups',
      'DescribeDestinations',
      'DescribeExportTasks',
      'DescribeQueries',
      'DescribeQueryDefinitions',
      'DescribeResourcePolicies',
      'PutResourcePolicy',
      'DeleteResourcePolicy',
      'StopQuery',
      'TestMetricFilter',
      // Vended log delivery (Step Functions, API Gateway v2 and other services' logging roles).
      'CreateLogDelivery',
      'GetLogDelivery',
      'UpdateLogDelivery',
      'DeleteLogDelivery',
      'ListLogDeliveries',
    ],
    sts: ['GetCallerIdentity', 'GetSessionToken', 'GetAccessKeyInfo', 'GetServiceBearerToken'],
    s3: ['ListAllMyBuckets', 'ListAccessPoints', 'ListJobs', 'CreateJob', 'GetAccountPublicAccessBlock', 'PutAccountPublicAccessBlock'],
    ssm: ['DescribeParameters'],
    kms: ['ListKeys', 'ListAliases', 'CreateKey', 'GenerateRandom', 'DescribeCustomKeyStores'],
    secretsmanager: ['GetRandomPassword', 'ListSecrets', 'BatchGetSecretValue'],
    dynamodb: [
      'ListTables',
      'ListBackups',
      'ListGlobalTables',
      'DescribeLimits',
      'DescribeEndpoints',
      'DescribeReservedCapacity',
      'DescribeReservedCapacityOfferings',
    ],
    sqs: ['ListQueues'],
    sns: [
      'ListTopics',
      'ListSubscriptions',
      'ListPlatformApplications',
      'ListPhoneNumbersOptedOut',
      'CheckIfPhoneNumberIsOptedOut',
      'OptInPhoneNumber',
      'GetSMSAttributes',
      'SetSMSAttributes',
      'GetSMSSandboxAccountStatus',
      'ListOriginationNumbers',
    ],
    lambda: [
      'ListFunctions',
      'ListEventSourceMappings',
      'CreateEventSourceMapping',
      'GetAccountSettings',
      'ListLayers',
      'ListLayerVersions',
      'ListCodeSigningConfigs',
      'CreateCodeSigningConfig',
    ],
    states: ['ListStateMachines', 'ListActivities'],
    kinesis: ['ListStreams', 'DescribeLimits'],
    firehose: ['ListDeliveryStreams'],
    'cognito-idp': ['ListUserPools', 'CreateUserPool'],
    iam: [
      'ListRoles',
      'ListPolicies',
      'ListUsers',
      'ListGroups',
      'GetAccountSummary',
      'GetAccountAuthorizationDetails',
      'GetAccountPasswordPolicy',
      'ListAccountAliases',
      'GenerateCredentialReport',
      'GetCredentialReport',
    ],
    ecr: ['GetAuthorizationToken'],
    acm: ['ListCertificates'],
    route53: ['ListHostedZones'],
    cloudformation: ['ListStacks', 'ValidateTemplate'],
    iot: ['DescribeEndpoint'],
    tag: ['GetResources', 'GetTagKeys', 'GetTagValues'],
    rekognition: ['DetectLabels', 'DetectFaces', 'DetectText', 'CompareFaces', 'RecognizeCelebrities'],
    comprehend: ['DetectSentiment', 'DetectEntities', 'DetectDominantLanguage', 'DetectKeyPhrases', 'DetectPiiEntities', 'DetectSyntax'],
    ses: ['GetSendQuota', 'GetSendStatistics', 'GetAccount'],
  } as Record<string, readonly string[]>,
  /** Families whose every action has no resource type: `service: [Prefix, ...]` (every `ec2:Describe*` action). */
  prefixes: {
    ec2: ['Describe'],
  } as Record<string, readonly string[]>,
  /** Accept ARNs, but Lambda needs them on `*` for a function in a VPC (its network interfaces). */
  lambdaVpc: {
    ec2: ['CreateNetworkInterface', 'DeleteNetworkInterface', 'AssignPrivateIpAddresses', 'UnassignPrivateIpAddresses'],
  } as Record<string, readonly string[]>,
} as const;

function lowerSet(table: Record<string, readonly string[]>): Set<string> {
  const out = new Set<string>();
  for (const [service, names] of Object.entries(table)) for (const n of names) out.add(`${service}:${n}`.toLowerCase());
  return out;
}

const EXACT = new Set([...lowerSet(IAM_STAR_ONLY.actions), ...lowerSet(IAM_STAR_ONLY.lambdaVpc)]);
const PREFIXES = [...lowerSet(IAM_STAR_ONLY.prefixes)];

/**
 * Whether an action (or action pattern) can only be granted on `Resource: '*'`. A pattern counts
 * only when every action it can match does: `ec2:Describe*` yes, `xray:Put*` or `s3:*` no.
 */
export function onlyAcceptsStar(action: string): boolean {
  const a = action.trim().toLowerCase();
  const wildcard = a.search(/[*?]/);
  if (wildcard < 0) return EXACT.has(a) || PREFIXES.some((p) => a.startsWith(p));
  // A pattern: its literal part before the first wildcard must lie inside a star-only family.
  const literal = a.slice(0, wildcard);
  return PREFIXES.some((p) => literal.startsWith(p));
}
