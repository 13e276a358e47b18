/** A size for messages: `5 MB`, `1.5 MB`, `2 KB` (kilobytes rounded up, so a file over a small limit never reads as 0). */
export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Number((n / 1024 / 1024).toFixed(1))} MB` : `${Math.ceil(n / 1024)} KB`;
}
