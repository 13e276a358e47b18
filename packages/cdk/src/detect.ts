/**
 * Whether `dir` is a CDK cloud assembly (`cdk synth` output): it has a `manifest.json` and is named
 * `cdk.out` or holds the `cdk.out` version marker file that every synthesized assembly contains.
 */
export function isCloudAssemblyDir(dir: string, kindOf: (absPath: string) => 'file' | 'dir' | undefined): boolean {
  const base = dir === '/' ? '' : dir.replace(/\/+$/, '');
  if (kindOf(`${base}/manifest.json`) !== 'file') return false;
  return base.slice(base.lastIndexOf('/') + 1) === 'cdk.out' || kindOf(`${base}/cdk.out`) === 'file';
}
