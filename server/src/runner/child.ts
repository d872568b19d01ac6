// The single-use child process that runs user code. Bundled as dist/runnerChild.js; the
// parent starts it with a heap limit and Node's permission model, sends jobs as JSON lines on
// stdin and reads JSON lines from fd 3, and kills it after its login (or session) is done.
// Its own channels are opened and the process guards installed before any user code exists.
import { Socket } from 'node:net';
import { installNetworkGuard } from './networkGuard';
import { checkNetworkAttempt, executeBatch, executeJob, guardProcess, reportUncaught } from './sandbox';
import type { BatchJob, ChildJob, ChildResult, JobMessage, WireMessage } from './types';

const output = new Socket({ fd: 3, readable: false, writable: true });
const input = new Socket({ fd: 0, readable: true, writable: false });
const exit = (process as unknown as { reallyExit(code?: number): never }).reallyExit.bind(process);

function send(message: WireMessage): void {
  output.write(JSON.stringify(message) + '\n');
}

/**
 * The run keys of the jobs in progress, by job id: the parent accepts a job's messages only with
 * its key. They live only in this module's scope, never in anything handed to the job's code.
 */
const keys = new Map<number, string>();

function sendForJob(message: JobMessage): void {
  send({ ...message, key: keys.get(message.id) ?? '' });
}

guardProcess();
installNetworkGuard(checkNetworkAttempt);
process.on('uncaughtException', (err) => reportUncaught(err, 'an uncaught error'));
process.on('unhandledRejection', (reason) => reportUncaught(reason, 'an unhandled promise rejection'));

// Without its parent (stdin closed) the child has nothing left to do.
input.on('end', () => exit(0));
input.on('error', () => exit(0));
output.on('error', () => exit(0));

/** Jobs run one after another (a session sends the next only after the previous result). */
let queue: Promise<void> = Promise.resolve();
let buffered = '';
input.setEncoding('utf8');
input.on('data', (chunk: string) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    const { key, ...job } = JSON.parse(line) as (ChildJob | BatchJob) & { key?: unknown };
    if (typeof job.id !== 'number' || typeof key !== 'string') continue;
    keys.set(job.id, key);
    if (job.type === 'run') queue = queue.then(() => runJob(job));
    else if (job.type === 'batch') queue = queue.then(() => runBatch(job));
  }
});

async function runJob(job: ChildJob): Promise<void> {
  try {
    const result = await executeJob(job, {
      onCallback: () => sendForJob({ type: 'callback', id: job.id }),
      onLog: (line) => sendForJob({ type: 'log', id: job.id, line }),
      onConnection: (connection) => sendForJob({ type: 'connection', id: job.id, ...connection }),
    });
    sendForJob({ type: 'result', id: job.id, result });
  } catch (err) {
    sendForJob({ type: 'result', id: job.id, result: failedResult(err) });
  }
}

/** Each login is reported as it ends, so the parent can tell a stuck login from a slow batch. */
async function runBatch(job: BatchJob): Promise<void> {
  let done = 0;
  try {
    await executeBatch(
      job,
      (index, steps) => {
        done = index + 1;
        sendForJob({ type: 'batch-login', id: job.id, index, steps });
      },
      (connection) => sendForJob({ type: 'connection', id: job.id, ...connection }),
    );
  } catch (err) {
    for (let index = done; index < job.logins.length; index++) sendForJob({ type: 'batch-login', id: job.id, index, steps: [failedResult(err)] });
  }
  sendForJob({ type: 'batch-done', id: job.id });
}

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

/**
 * One throwaway run of a built-in rule and Action before the child reports ready: the first vm
 * context, compile and result of a process cost several milliseconds that the waiting run would
 * otherwise pay. No user code has run yet, so nothing of it can reach the real run.
 */
async function warmUp(): Promise<void> {
  const quiet = { onCallback: () => undefined, onLog: () => undefined, onConnection: () => undefined };
  const base = { type: 'run' as const, id: 0, configuration: { K: 'v' }, workspaceRoot: '/', network: 'off' as const, backstopMs: 1000 };
  await executeJob({ ...base, kind: 'rule', filename: 'warm-up.js', source: 'function (u, c, cb) { c.multifactor = { provider: "duo", host: configuration.K }; console.log(u.id); cb(null, u, c); }', user: { id: 1 }, context: { idToken: {} }, event: null }, quiet);
  await executeJob({ ...base, kind: 'action', filename: 'warm-up.js', source: 'exports.onExecutePostLogin = async (event, api) => { api.multifactor.enable("duo"); };', user: null, context: null, event: { user: {}, secrets: {} } }, quiet);
}

// The parent refuses a child in which the permission model is not in force (fail closed).
const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
const permitted = permission !== undefined && !permission.has('fs.write') && !permission.has('child');
warmUp().then(
  () => send({ type: 'ready', permission: permitted }),
  () => send({ type: 'ready', permission: permitted }),
);
