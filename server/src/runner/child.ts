// The single-use child process that runs user code. Bundled as dist/runnerChild.js; the
// parent starts it with a heap limit and Node's permission model, sends jobs as JSON lines on
// stdin and reads JSON lines from fd 3, and kills it after its login (or session) is done.
// Its own channels are opened and the process guards installed before any user code exists.
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { installNetworkGuard } from './networkGuard';
import { builtinsProblem, checkNetworkAttempt, describeBreach, executeBatch, executeJob, guardProcess, IsolationBroken, prepareContext, recordChildBuiltins, reportUncaught } from './sandbox';
import { createDefaultContext, createDefaultEvent, createDefaultUser } from './mockInputs';
import { decodeJobLine, encodeJobLine, type RunJobHead } from './jobLine';
import type { BatchJob, ChildResult, JobMessage, WireMessage } from './runTypes';

const input = new Socket({ fd: 0, readable: true, writable: false });
const exit = (process as unknown as { reallyExit(code?: number): never }).reallyExit.bind(process);

// Messages go out through functions captured here, before any user code: a rule that reaches this
// process's realm can replace JSON.stringify or a stream's write, not these references. (The
// built-ins JSON.stringify consults are checked before every report; see builtinsIntact.)
const stringify = JSON.stringify;
const writeBytes = writeSync;
const toBytes = Buffer.from.bind(Buffer) as (text: string, encoding: 'utf8') => Buffer;
const wait = Atomics.wait;
const nap = new Int32Array(new SharedArrayBuffer(4));
const OUTPUT_FD = 3;

/** Writes one line whole to the channel; the parent gone (or the channel broken) ends the child. */
function writeLine(text: string): void {
  const bytes = toBytes(text + '\n', 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeBytes(OUTPUT_FD, bytes, offset, bytes.length - offset);
    } catch (err) {
      // A full non-blocking channel: the parent is reading; wait a moment (it has no bound, as the parent's watchdog has).
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') wait(nap, 0, 0, 1);
      else exit(0);
    }
  }
}

function send(message: WireMessage): void {
  writeLine(stringify(message));
}

/**
 * The run keys of the jobs in progress, by job id: the parent accepts a job's messages only with
 * its key. They live only in this module's scope (a prototype-less object, so no method a rule
 * could replace is called to read them), never in anything handed to the job's code.
 */
const keys: Record<number, string> = Object.create(null) as Record<number, string>;

/** The job in progress, for the report of a broken isolation (written without any built-in). */
let active: { id: number; kind: 'rule' | 'action'; batchLogins: number; done: number } | null = null;

/** Messages that decide what the parent reports are sent only while the built-ins are as recorded. */
const checked = (type: string): boolean => type === 'result' || type === 'batch-login' || type === 'batch-done' || type === 'connection';

/** Reports a job's message; the warm-up passes a `deliver` that serialises it without writing it. */
function sendForJob(message: JobMessage, deliver: (message: WireMessage) => void = send): void {
  if (checked(message.type)) {
    const problem = builtinsProblem();
    if (problem !== null) reportBrokenAndExit(problem);
  }
  deliver({ ...message, key: keys[message.id] ?? '' });
}

/**
 * The code changed the built-ins the report is made with: this process reports that alone, as
 * fixed text joined with plain string concatenation (nothing a rule can replace), and exits.
 * `problem` holds only built-in names and plain characters, nothing to escape in JSON.
 */
function reportBrokenAndExit(problem: string): never {
  const job = active;
  if (job !== null) {
    const key = keys[job.id] ?? '';
    const head = '{"id":' + job.id + ',"key":"' + key + '",';
    const error = '{"name":"IsolationError","message":"' + describeBreach(problem) + '"}';
    const result = '{"outcome":"error","error":' + error + ',"multifactor":null,"calls":[],"logs":[],"warnings":[]' +
      (job.kind === 'rule' ? ',"user":null,"context":null}' : ',"changes":{"idToken":{},"accessToken":{},"appMetadata":{},"userMetadata":{},"redirect":null}}');
    if (job.batchLogins === 0) {
      writeLine(head + '"type":"result","result":' + result + '}');
    } else {
      for (let index = job.done; index < job.batchLogins; index++) writeLine(head + '"type":"batch-login","index":' + index + ',"steps":[' + result + ']}');
      writeLine(head + '"type":"batch-done"}');
    }
  }
  return exit(1);
}

guardProcess();
installNetworkGuard(checkNetworkAttempt);
recordChildBuiltins();
process.on('uncaughtException', (err) => reportUncaught(err, 'an uncaught error'));
process.on('unhandledRejection', (reason) => reportUncaught(reason, 'an unhandled promise rejection'));

// Without its parent (stdin closed) the child has nothing left to do.
input.on('end', () => exit(0));
input.on('error', () => exit(0));

/** Jobs run one after another (a session sends the next only after the previous result). */
let queue: Promise<void> = Promise.resolve();
/** Jobs received and not finished. */
let pending = 0;
let buffered = '';
input.setEncoding('utf8');
input.on('data', (chunk: string) => {
  buffered += chunk;
  const jobs: TakenJob[] = [];
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    const taken = takeJob(line);
    if (taken !== null) jobs.push(taken);
  }
  // Started once every line is read, so none of the reading above runs after a job's code (which
  // may have changed the built-ins it uses), and by index: no method of the array is called.
  for (let i = 0; i < jobs.length; i++) enqueue(jobs[i]);
});

type TakenJob = { job: RunJobHead; inputs: string } | { job: BatchJob; inputs: null };

function enqueue(taken: TakenJob): void {
  // An async function, not start().finally(…): `await` calls no method a job's code could replace.
  const run = async (): Promise<void> => {
    try {
      await (taken.inputs === null ? runBatch(taken.job) : runJob(taken.job, taken.inputs));
    } finally {
      pending--;
    }
  };
  // Nothing running: the job starts here and now. Queued behind the stream's own work, the hop
  // through the microtask queue took about a tenth of a millisecond of every warm run.
  queue = pending++ === 0 ? run() : queue.then(run);
}

/** A job line as the job (a single run's inputs still text), its run key kept aside; null for a line that is not one. */
function takeJob(line: string): TakenJob | null {
  const decoded = decodeJobLine(line);
  const { job, key } = decoded;
  if (typeof job.id !== 'number' || typeof key !== 'string') return null;
  if ((job.type === 'run') !== (decoded.inputs !== null) || (job.type !== 'run' && job.type !== 'batch')) return null;
  keys[job.id] = key;
  return decoded.inputs === null ? { job: decoded.job, inputs: null } : { job: decoded.job, inputs: decoded.inputs };
}

async function runJob(job: RunJobHead, inputs: string, report: (message: JobMessage) => void = sendForJob): Promise<void> {
  active = { id: job.id, kind: job.kind, batchLogins: 0, done: 0 };
  try {
    const result = await executeJob(job, inputs, {
      onCallback: () => report({ type: 'callback', id: job.id }),
      onLog: (line) => report({ type: 'log', id: job.id, line }),
      onConnection: (connection) => report({ type: 'connection', id: job.id, ...connection }),
    });
    report({ type: 'result', id: job.id, result });
  } catch (err) {
    if (err instanceof IsolationBroken) reportBrokenAndExit(err.problem);
    report({ type: 'result', id: job.id, result: failedResult(err) });
  }
}

/** Each login is reported as it ends, so the parent can tell a stuck login from a slow batch. */
async function runBatch(job: BatchJob): Promise<void> {
  let done = 0;
  const state = { id: job.id, kind: job.kind, batchLogins: job.logins.length, done: 0 };
  active = state;
  try {
    await executeBatch(
      job,
      (index, steps) => {
        done = index + 1;
        sendForJob({ type: 'batch-login', id: job.id, index, steps });
        state.done = done;
      },
      (connection) => sendForJob({ type: 'connection', id: job.id, ...connection }),
    );
  } catch (err) {
    if (err instanceof IsolationBroken) reportBrokenAndExit(err.problem);
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
 * A throwaway run of a built-in Rule and Action before the child reports ready, through the whole
 * per-run path except the write: the job line's parse, the context's globals, compile, run, the
 * result built from inputs shaped like the defaults the parent sends, the built-ins check and the
 * messages' serialisation. A fresh process runs each of these slowly the first time (lazy
 * compilation, empty inline caches); done while the child waits in the pool, that is off the run's time. One round is
 * enough: a second or third made the next run no faster and the start about 8 ms (CPU) slower each.
 * No user code has run yet, so nothing of it can reach the real run.
 */
const EXTRA_BUILTINS_CHECKS = 30;

async function warmUp(): Promise<void> {
  const base = { type: 'run' as const, id: 0, configuration: { DUO_IKEY: 'warm-up', DUO_SKEY: 'warm-up', DUO_HOST: 'warm-up' }, workspaceRoot: '/', network: 'off' as const, backstopMs: 1000 };
  const rule = { ...base, kind: 'rule' as const, filename: 'warm-up.js', source: 'function (u, c, cb) { c.multifactor = { provider: "duo", host: configuration.DUO_HOST, username: u.email }; console.log(u.user_id); cb(null, u, c); }', user: createDefaultUser(), context: createDefaultContext(), event: null };
  const action = { ...base, kind: 'action' as const, filename: 'warm-up.js', source: 'exports.onExecutePostLogin = async (event, api) => { console.log(event.user.user_id); api.multifactor.enable("duo"); };', user: null, context: null, event: createDefaultEvent() };
  const discard = (message: JobMessage) => sendForJob(message, (wire) => void stringify(wire));
  try {
    for (const example of [rule, action]) {
      const taken = takeJob(encodeJobLine(example, ''));
      if (taken === null || taken.inputs === null) continue;
      rehearsedInputs.push(taken.inputs);
      await runJob(taken.job, taken.inputs, discard);
    }
    // The check of the built-ins (a loop over ~260 property descriptors) ran only twice above, so
    // the real run's check was still interpreted code; a few more rounds let V8 compile it.
    for (let i = 0; i < EXTRA_BUILTINS_CHECKS; i++) builtinsProblem();
  } finally {
    active = null;
    delete keys[0];
  }
}

// The parent refuses a child in which the permission model is not in force (fail closed).
const permission = (process as { permission?: { has(scope: string, reference?: string): boolean } }).permission;
const permitted = permission !== undefined && !permission.has('fs.write') && !permission.has('child');
/** The rehearsal's inputs as their job lines carried them: the spare context parses them once (see prepareContext). */
const rehearsedInputs: string[] = [];
const ready = () => {
  prepareContext(rehearsedInputs);
  send({ type: 'ready', permission: permitted });
};
// Only a child that will wait in the pool rehearses: one a run is waiting for starts that run at once.
if (process.argv.includes('--warm-up')) warmUp().then(ready, ready);
else ready();
