/**
 * A worker thread of a split run (see workers.ts): lints its part of the functions and posts the
 * result. It never throws: a failure is posted as an error and the main thread does the part itself.
 * Started by the bin, it runs the command line itself in "part" mode (run.ts asks {@link partRole});
 * started during a run, it is given the run's settings and files.
 */
import { workerData } from 'node:worker_threads';
import type { PartResult } from '@lambda-lint/linter';
import type { WorkerData, WorkerMessage, WorkerRequest } from './workers.js';

const { task, part, maxParts, port, done } = workerData as WorkerData;
let sent = false;
function send(message: WorkerMessage): void {
  if (sent) return;
  sent = true;
  port.postMessage(message);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

try {
  // Imported here, not above: a failure to load anything is posted like any other.
  (await import('./cache-compile.js')).enableCompileCache();
  const { nodeHost } = await import('@lambda-lint/linter');
  const { recordingHost } = await import('@lambda-lint/linter/cache');
  const { wantsCache } = await import('./cache.js');
  const record = task.kind === 'argv' ? wantsCache(task.argv) : task.request.record;
  const env = task.kind === 'argv' ? task.env : task.request.env;
  const recorder = record ? recordingHost(nodeHost(env, { rememberListings: true })) : undefined;
  const reply = (result: PartResult | undefined) => send({ ...(result ? { result } : {}), ...(recorder ? { inputs: recorder.inputs() } : {}) });
  if (task.kind === 'argv') {
    const { setPartRole } = await import('./workers.js');
    setPartRole({ part, maxParts, report: reply });
    const { main } = await import('./main.js');
    // The worker neither replays nor stores `--cache` entries: it records what it reads for the main thread's entry.
    const argv = task.argv.filter((a) => a !== '--cache');
    await main(argv, { stdout: () => {}, stderr: () => {}, cwd: task.cwd, env, isTTY: false, ...(recorder ? { host: recorder.host } : {}) });
  } else {
    reply(await lintRequest(task.request, task.files, recorder?.host ?? nodeHost(env, { rememberListings: true })));
  }
  // A command line that did not get to lint (an option error): nothing.
  send({});
} catch (error) {
  send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}

async function lintRequest(request: WorkerRequest, files: Extract<WorkerData['task'], { kind: 'request' }>['files'], host: import('@lambda-lint/linter').Host) {
  const { lintPart } = await import('@lambda-lint/linter');
  const { allRules } = await import('@lambda-lint/rules');
  const ids = new Set(request.ruleIds);
  return lintPart(
    {
      host,
      paths: [],
      files,
      root: request.root,
      rules: allRules.filter((r) => ids.has(r.id)),
      ...(request.config ? { config: request.config } : {}),
      ...(request.today ? { today: new Date(request.today) } : {}),
      ...(request.maxFileBytes !== undefined ? { maxFileBytes: request.maxFileBytes } : {}),
      ...(request.options ? { options: request.options } : {}),
      ...(request.inlineConfig !== undefined ? { inlineConfig: request.inlineConfig } : {}),
      ...(request.eslintDirectives !== undefined ? { eslintDirectives: request.eslintDirectives } : {}),
    },
    part,
    maxParts,
  );
}
