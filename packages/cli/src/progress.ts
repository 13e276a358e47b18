import type { CliIO } from './main.js';

/** A run shorter than this shows no progress at all: a flicker is worse than nothing. */
const SHOW_AFTER_MS = 1000;
const REDRAW_EVERY_MS = 100;

export interface Progress {
  step(text: string): void;
  /** Erases the line, so the report starts on a clean terminal. */
  done(): void;
}

/**
 * One self-overwriting line on stderr, drawn only when stderr is a terminal and the run has taken
 * longer than a second; stdout, pipes and CI logs never see it.
 */
export function progressOn(io: CliIO): Progress {
  if (!io.stderrIsTTY || io.env.CI) return { step: () => {}, done: () => {} };
  const now = io.now ?? (() => performance.now());
  const start = now();
  let lastDraw = -Infinity;
  let drawn = false;
  const width = Math.max(20, Number(io.env.COLUMNS) || 80) - 1;
  return {
    step(text) {
      const t = now();
      if (t - start < SHOW_AFTER_MS || t - lastDraw < REDRAW_EVERY_MS) return;
      lastDraw = t;
      drawn = true;
      const line = `lambda-lint: ${text}`;
      io.stderr(`\r\x1b[2K${line.length > width ? '…' + line.slice(line.length - width + 1) : line}`);
    },
    done() {
      if (drawn) io.stderr('\r\x1b[2K');
    },
  };
}
