import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
export const rulesDir = join(repoRoot, 'rules');

export function read(path: string): string {
  return readFileSync(path, 'utf8');
}

export interface ExampleApp {
  kind: 'valid' | 'invalid';
  files: Record<string, string>;
  /** 1-based line of the marker in the README, for failure messages. */
  line: number;
}

/**
 * The examples of a rule page: each `<!-- valid -->` / `<!-- invalid -->` marker starts an app made of
 * the fenced blocks that follow it; a block's first line is a comment naming its file.
 */
export function readmeExamples(markdown: string): ExampleApp[] {
  const apps: ExampleApp[] = [];
  const lines = markdown.split('\n');
  let current: ExampleApp | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^<!--\s*(valid|invalid)\s*-->/.exec(line);
    if (marker) {
      current = { kind: marker[1] as 'valid' | 'invalid', files: {}, line: i + 1 };
      apps.push(current);
      continue;
    }
    if (/^#{1,6}\s/.test(line)) current = undefined;
    const fence = /^```(\w+)/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const name = /^(?:#|\/\/)\s*([\w./-]+\.(?:ya?ml|json|ts|mts|js|mjs|cjs))\s*$/.exec(body[0] ?? '');
    if (current && name) current.files[name[1]!] = body.slice(1).join('\n') + '\n';
  }
  return apps;
}
