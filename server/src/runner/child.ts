// The pooled child process that runs user code, one job at a time. Bundled as
// dist/runnerChild.js; the parent forks it with IPC, a heap limit and (where Node supports
// it) the permission model, and kills it when a run exceeds its time.
import { executeBatch, executeJob, guardProcess, reportUncaught } from './sandbox';
import type { BatchJob, ChildJob, ChildMessage, ChildResult } from './types';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

guardProcess();
process.on('uncaughtException', (err) => reportUncaught(err, 'an uncaught error'));
process.on('unhandledRejection', (reason) => reportUncaught(reason, 'an unhandled promise rejection'));
// Without its parent the child has nothing to do; guardProcess lets exit through between runs.
process.on('disconnect', () => process.exit(0));

process.on('message', (job: ChildJob | BatchJob) => {
  if (job?.type === 'batch') {
    let done = 0;
    // Each login is reported as it ends, so the parent can tell a stuck login from a slow batch.
    executeBatch(job, (index, steps) => {
      done = index + 1;
      send({ type: 'batch-login', id: job.id, index, steps });
    }).then(
      () => send({ type: 'batch-done', id: job.id }),
      (err) => {
        for (let index = done; index < job.logins.length; index++) send({ type: 'batch-login', id: job.id, index, steps: [failedResult(err)] });
        send({ type: 'batch-done', id: job.id });
      },
    );
    return;
  }
  if (job?.type !== 'run') return;
  executeJob(job, {
    onCallback: () => send({ type: 'callback', id: job.id }),
    onLog: (line) => send({ type: 'log', id: job.id, line }),
  }).then(
    (result) => send({ type: 'result', id: job.id, result }),
    (err) => send({ type: 'result', id: job.id, result: failedResult(err) }),
  );
});

function failedResult(err: unknown): ChildResult {
  return {
    outcome: 'error',
    error: { name: 'RunnerError', message: `the runner failed: ${err instanceof Error ? err.message : String(err)}` },
    multifactor: null,
    calls: [],
    logs: [],
    warnings: [],
  };
}

send({ type: 'ready' });
