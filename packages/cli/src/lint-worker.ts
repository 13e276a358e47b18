/**
 * A worker thread of a split run (see workers.ts): lints its part of the functions and posts the
 * result. It never throws: a failure is posted as an error and the main thread does the part itself.
 */
import { workerData } from 'node:worker_threads';
import type { WorkerData, WorkerMessage } from './workers.js';

const { request, files, part, maxParts, port, done } = workerData as WorkerData;
let message: WorkerMessage;
try {
  // Imported here, not above: a failure to load anything is posted like any other.
  (await import('./cache-compile.js')).enableCompileCache();
  const { lintPart, nodeHost } = await import('@lambda-lint/linter');
  const { recordingHost } = await import('@lambda-lint/linter/cache');
  const { allRules } = await import('@lambda-lint/rules');
  const ids = new Set(request.ruleIds);
  const recorder = request.record ? recordingHost(nodeHost(request.env)) : undefined;
  const result = lintPart(
    {
      host: recorder?.host ?? nodeHost(request.env),
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
  message = { ...(result ? { result } : {}), ...(recorder ? { inputs: recorder.inputs() } : {}) };
} catch (error) {
  message = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
port.postMessage(message);
Atomics.store(done, 0, 1);
Atomics.notify(done, 0);
