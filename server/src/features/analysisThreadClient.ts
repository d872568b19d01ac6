// The main thread's side of the analysis thread (analysisThread.ts). The thread is started on the
// first edit, not at start-up: the first diagnostics of a freshly opened file are computed on the main
// thread, where nothing waits yet, and starting a thread then would only delay them. Until the thread
// reports ready, and for good if it fails, callers analyse on the main thread as before.
import type * as WorkerThreads from 'node:worker_threads';
import type { Worker } from 'node:worker_threads';
import type { CodeActionQuery, CodeActionsPlan } from '../analysis/codeActionPlan';
import type { AnalyzeOptions, Finding } from '../analysis/diagnostics';
import type { HoverAnswer } from '../analysis/hover';
import type { ModelSummary } from '../analysis/modelSummary';
import { lowerHelperThreadPriority } from './threadPriority';

/** A job for the thread. `text` is sent only when the thread does not hold that version of the document yet. */
export type ThreadMessage = { id: number; uri: string; text?: string } & (
  | { job: 'analyze'; options: AnalyzeOptions }
  | { job: 'hover'; offset: number }
  | { job: 'codeActions'; options: AnalyzeOptions; query: CodeActionQuery }
  | { job: 'forget' }
);

export type ThreadReply = { ready: true } | { id: number; result?: unknown; error?: string };

export interface ThreadAnalysis {
  findings: Finding[];
  summary: ModelSummary;
  /** How long the parse and the analysis took in the thread (ms). */
  durationMs: number;
}

type Job = ThreadMessage extends infer M ? (M extends unknown ? Omit<M, 'id' | 'text'> : never) : never;

/** What the server's file is started with in the thread: it then serves jobs instead of starting a server. */
const analysisThreadData = { duoRulesAnalysisThread: true } as const;

/**
 * Also appended to the thread's `process.argv`, so the server's file can tell it runs as the thread without
 * loading `node:worker_threads` (a few milliseconds) on every server start.
 */
export const ANALYSIS_THREAD_ARG = '--duo-rules-analysis-thread';

/** Whether this worker thread was started as the analysis thread (its `workerData`). */
export function isAnalysisThreadData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as Record<string, unknown>).duoRulesAnalysisThread === true;
}

export class AnalysisThreadClient {
  private worker?: Worker;
  private ready = false;
  /** Set when the thread failed or was stopped: it is not started again. */
  private done = false;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  /** The version of each document whose text the thread holds. */
  private readonly versions = new Map<string, number>();

  /**
   * `entry`: the server's own file (dist/server.js, or out/server/src/server.js unbundled), which the thread runs:
   * one copy of the analysis code in the package. Without it (servers built without the thread) nothing starts.
   */
  constructor(private readonly log: (message: string) => void, private readonly entry?: string) {}

  /** Starts the thread unless it runs (or failed); returns at once. */
  start(): void {
    if (this.worker || this.done || !this.entry) return;
    let worker: Worker;
    try {
      // The thread's console goes to the server's stderr: stdout may carry the protocol.
      const { Worker } = require('node:worker_threads') as typeof WorkerThreads;
      worker = new Worker(this.entry, {
        workerData: analysisThreadData,
        argv: [ANALYSIS_THREAD_ARG],
        // Parsing a large file grew V8's young generation to 32 MB, kept for the thread's life beside the main
        // thread's own: a sixth of the server's memory with a 1 MB file open. The parse's nodes live on in the
        // model anyway, so a smaller one only moves them to the old generation sooner; it limits no file size
        // (the old generation is not capped). 16 MB, not 8: at 8 MB a 100 kB file's analysis took 9.3 ms in the
        // thread against 6.2 ms on a main thread, and its diagnostics came 11.9 ms after the change against
        // 7.5 ms at 16 MB (the benchmark, every keystroke a real change); the server then took 181-186 MB with
        // the 1 MB file open against 176 MB at 8 MB.
        resourceLimits: { maxYoungGenerationSizeMb: 16 },
        stdout: true,
        stderr: true,
      });
    } catch (err) {
      this.fail(err);
      return;
    }
    this.worker = worker;
    worker.stdout.pipe(process.stderr);
    worker.stderr.pipe(process.stderr);
    // The thread never keeps the server alive: the server ends when its client goes away.
    worker.unref();
    worker.on('message', (reply: ThreadReply) => {
      if ('ready' in reply) {
        this.ready = true;
        // The thread has lowered its own priority; Node's helper threads follow, leaving the main thread the
        // only one of the server that answers wait for.
        lowerHelperThreadPriority();
        return;
      }
      const waiter = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.result);
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`the analysis thread exited with code ${code}`)));
  }

  /** True once the thread runs and answers. */
  available(): boolean {
    return this.ready && !this.done;
  }

  analyze(uri: string, version: number, text: string, options: AnalyzeOptions): Promise<ThreadAnalysis> {
    return this.run({ job: 'analyze', uri, options }, version, text) as Promise<ThreadAnalysis>;
  }

  /** The hover at `offset` from the thread's latest model (or a model of `text` when that one cannot answer). */
  hover(uri: string, version: number, text: string, offset: number): Promise<HoverAnswer | null> {
    return this.run({ job: 'hover', uri, offset }, version, text) as Promise<HoverAnswer | null>;
  }

  codeActions(uri: string, version: number, text: string, options: AnalyzeOptions, query: CodeActionQuery): Promise<CodeActionsPlan> {
    return this.run({ job: 'codeActions', uri, options, query }, version, text) as Promise<CodeActionsPlan>;
  }

  /** Drops a closed document's text and model from the thread. */
  forget(uri: string): void {
    if (!this.versions.delete(uri) || !this.available()) return;
    this.run({ job: 'forget', uri }).catch(() => undefined);
  }

  /** Ends the thread (at shutdown); later requests are refused and callers work on the main thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.done = true;
    this.ready = false;
    this.worker = undefined;
    if (!worker) return;
    worker.removeAllListeners();
    worker.on('error', () => undefined);
    this.rejectAll(new Error('the analysis thread was stopped'));
    await worker.terminate();
  }

  private run(job: Job, version?: number, text?: string): Promise<unknown> {
    const worker = this.worker;
    if (!worker || !this.available()) return Promise.reject(new Error('the analysis thread is not running'));
    const id = this.nextId++;
    const message = { ...job, id } as ThreadMessage;
    if (version !== undefined && this.versions.get(job.uri) !== version) {
      message.text = text;
      this.versions.set(job.uri, version);
    }
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(message);
    });
  }

  private fail(err: unknown): void {
    if (this.done) return;
    this.done = true;
    this.ready = false;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners();
      worker.on('error', () => undefined);
      worker.terminate().catch(() => undefined);
    }
    this.rejectAll(err instanceof Error ? err : new Error(String(err)));
    this.log(`duo-rules: the analysis thread failed, analysing on the main thread from now on: ${err instanceof Error ? err.message : String(err)}`);
  }

  private rejectAll(err: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}
