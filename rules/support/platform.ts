import type { Platform } from '@lambda-lint/core';

/**
 * AWS Lambda platform facts the rules rely on. Versioned: update `asOf` when a number changes,
 * so a finding can always be traced to the documentation it came from.
 */
export const LAMBDA_LIMITS = {
  asOf: '2026-11',
  maxMemoryMb: 10240,
  maxTimeoutSeconds: 900,
  restApiIntegrationTimeoutSeconds: 29,
  httpApiIntegrationTimeoutSeconds: 30,
} as const;

/** What a function gets when its configuration says nothing. */
export const PLATFORM_DEFAULTS: Record<Platform, { memoryMb: number; timeoutSeconds: number; label: string }> = {
  serverless: { memoryMb: 1024, timeoutSeconds: 6, label: 'Serverless Framework' },
  cloudformation: { memoryMb: 128, timeoutSeconds: 3, label: 'Lambda' },
  sam: { memoryMb: 128, timeoutSeconds: 3, label: 'Lambda' },
  cdk: { memoryMb: 128, timeoutSeconds: 3, label: 'Lambda' },
};
