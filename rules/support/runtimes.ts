/**
 * Lambda managed runtimes and the date AWS deprecates each one (end of standard support: no more
 * security patches, then function creation and later updates are blocked), with the runtime to move to.
 *
 * Source: the "Supported runtimes" and "Deprecated runtimes" tables of
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html. AWS moves dates now and then:
 * update `RUNTIMES_AS_OF` with every change so a finding can be traced to the table it came from.
 * A runtime that is not listed here is not reported.
 */
export const RUNTIMES_AS_OF = '2026-11';

export interface RuntimeLifecycle {
  /** Human name, e.g. `Node.js 22`. */
  label: string;
  /** Deprecation date (ISO `YYYY-MM-DD`, UTC). */
  deprecated: string;
  /** The runtime identifier to upgrade to. */
  successor: string;
}

const NODE = 'nodejs24.x';
const PYTHON = 'python3.14';
const JAVA = 'java25';
const DOTNET = 'dotnet10';
const RUBY = 'ruby3.4';
const OS_ONLY = 'provided.al2023';

export const RUNTIME_LIFECYCLE: Readonly<Record<string, RuntimeLifecycle>> = {
  // Node.js
  'nodejs24.x': { label: 'Node.js 24', deprecated: '2028-04-30', successor: NODE },
  'nodejs22.x': { label: 'Node.js 22', deprecated: '2027-04-30', successor: NODE },
  'nodejs20.x': { label: 'Node.js 20', deprecated: '2026-04-30', successor: NODE },
  'nodejs18.x': { label: 'Node.js 18', deprecated: '2025-09-01', successor: NODE },
  'nodejs16.x': { label: 'Node.js 16', deprecated: '2024-06-12', successor: NODE },
  'nodejs14.x': { label: 'Node.js 14', deprecated: '2023-12-04', successor: NODE },
  'nodejs12.x': { label: 'Node.js 12', deprecated: '2023-03-31', successor: NODE },
  'nodejs10.x': { label: 'Node.js 10', deprecated: '2021-07-30', successor: NODE },
  'nodejs8.10': { label: 'Node.js 8.10', deprecated: '2020-03-06', successor: NODE },
  'nodejs6.10': { label: 'Node.js 6.10', deprecated: '2019-08-12', successor: NODE },
  'nodejs4.3': { label: 'Node.js 4.3', deprecated: '2020-03-05', successor: NODE },
  'nodejs4.3-edge': { label: 'Node.js 4.3 (Lambda@Edge)', deprecated: '2020-03-05', successor: NODE },
  nodejs: { label: 'Node.js 0.10', deprecated: '2016-10-31', successor: NODE },
  // Python
  'python3.14': { label: 'Python 3.14', deprecated: '2029-06-30', successor: PYTHON },
  'python3.13': { label: 'Python 3.13', deprecated: '2029-06-30', successor: PYTHON },
  'python3.12': { label: 'Python 3.12', deprecated: '2028-10-31', successor: PYTHON },
  'python3.11': { label: 'Python 3.11', deprecated: '2026-06-30', successor: PYTHON },
  'python3.10': { label: 'Python 3.10', deprecated: '2026-06-30', successor: PYTHON },
  'python3.9': { label: 'Python 3.9', deprecated: '2025-12-15', successor: PYTHON },
  'python3.8': { label: 'Python 3.8', deprecated: '2024-10-14', successor: PYTHON },
  'python3.7': { label: 'Python 3.7', deprecated: '2023-12-04', successor: PYTHON },
  'python3.6': { label: 'Python 3.6', deprecated: '2022-07-18', successor: PYTHON },
  'python2.7': { label: 'Python 2.7', deprecated: '2021-07-15', successor: PYTHON },
  // Java
  java25: { label: 'Java 25', deprecated: '2029-06-30', successor: JAVA },
  java21: { label: 'Java 21', deprecated: '2029-06-30', successor: JAVA },
  java17: { label: 'Java 17', deprecated: '2026-06-30', successor: JAVA },
  java11: { label: 'Java 11', deprecated: '2026-06-30', successor: JAVA },
  'java8.al2': { label: 'Java 8 (Amazon Linux 2)', deprecated: '2026-06-30', successor: JAVA },
  java8: { label: 'Java 8 (Amazon Linux 1)', deprecated: '2024-01-08', successor: JAVA },
  // .NET
  dotnet10: { label: '.NET 10', deprecated: '2028-11-14', successor: DOTNET },
  dotnet8: { label: '.NET 8', deprecated: '2026-11-10', successor: DOTNET },
  dotnet7: { label: '.NET 7', deprecated: '2024-05-14', successor: DOTNET },
  dotnet6: { label: '.NET 6', deprecated: '2024-12-20', successor: DOTNET },
  'dotnetcore3.1': { label: '.NET Core 3.1', deprecated: '2023-04-03', successor: DOTNET },
  'dotnetcore2.1': { label: '.NET Core 2.1', deprecated: '2022-01-05', successor: DOTNET },
  'dotnetcore2.0': { label: '.NET Core 2.0', deprecated: '2019-05-30', successor: DOTNET },
  'dotnetcore1.0': { label: '.NET Core 1.0', deprecated: '2019-06-27', successor: DOTNET },
  // Ruby
  'ruby3.4': { label: 'Ruby 3.4', deprecated: '2028-03-31', successor: RUBY },
  'ruby3.3': { label: 'Ruby 3.3', deprecated: '2027-03-31', successor: RUBY },
  'ruby3.2': { label: 'Ruby 3.2', deprecated: '2026-03-31', successor: RUBY },
  'ruby2.7': { label: 'Ruby 2.7', deprecated: '2023-12-07', successor: RUBY },
  'ruby2.5': { label: 'Ruby 2.5', deprecated: '2021-07-30', successor: RUBY },
  // OS-only runtimes (Go, Rust, custom runtimes)
  'provided.al2023': { label: 'OS-only runtime (Amazon Linux 2023)', deprecated: '2029-06-30', successor: OS_ONLY },
  'provided.al2': { label: 'OS-only runtime (Amazon Linux 2)', deprecated: '2026-06-30', successor: OS_ONLY },
  provided: { label: 'OS-only runtime (Amazon Linux 1)', deprecated: '2024-01-08', successor: OS_ONLY },
  'go1.x': { label: 'Go 1.x', deprecated: '2024-01-08', successor: OS_ONLY },
};

/** The lifecycle entry of a runtime identifier (case-insensitive), or undefined when it is not in the table. */
export function runtimeLifecycle(runtime: string): RuntimeLifecycle | undefined {
  const key = runtime.trim().toLowerCase();
  return Object.prototype.hasOwnProperty.call(RUNTIME_LIFECYCLE, key) ? RUNTIME_LIFECYCLE[key] : undefined;
}
