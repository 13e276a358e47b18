import type { Random } from './mutate.mjs';
export type Files = Record<string, string | Uint8Array>;
export interface Seed {
  name: string;
  files: Record<string, string>;
}
export interface Project {
  id: number;
  name: string;
  files: Files;
  mutations: { file: string; mutation?: string; seed?: number; op?: string }[];
}
export function loadSeeds(repoRoot: string): Seed[];
export function tag(name: string, value: unknown): { __tag: string; value: unknown };
export function toYaml(value: unknown, indent?: number): string;
export function synthesizeProject(r: Random): { kind: string; files: Files };
export function mutateProject(files: Files, r: Random, options?: { scale?: number; maxMutations?: number }): Project['mutations'];
export function generateProject(seeds: readonly Seed[], seed: number, index: number, options?: { scale?: number }): Project;
export function generateCorpus(seeds: readonly Seed[], options?: { count?: number; seed?: number; scale?: number }): Generator<Project>;
