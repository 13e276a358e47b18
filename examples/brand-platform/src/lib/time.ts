/** Seconds since the epoch: the unit of JWT `iat`/`exp` and of the table's TTL attribute `expiresAt`. */
export const epochSeconds = (ms: number = Date.now()): number => Math.floor(ms / 1000);
