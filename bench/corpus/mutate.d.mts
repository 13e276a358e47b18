export interface Random {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}
export function rng(seed: number): Random;
export const TOKENS: readonly string[];
export const VALUES: readonly string[];
export const TS_STATEMENTS: readonly string[];
export const ALIAS_BOMB: string;
export const MUTATIONS: Record<string, (text: string, r: Random & { scale: number }) => string | Uint8Array>;
export const MUTATION_NAMES: readonly string[];
export function mutate(content: string | Uint8Array, name: string, seed: number, scale?: number): string | Uint8Array;
