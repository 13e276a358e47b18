/** A configuration value the function cannot run without: fail the cold start loudly. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error('missing required environment variable ' + name);
  return value;
}
