// One HTTP request with the back-off Duo's clients use on 429 Too Many Requests, shared by the
// Duo transport and the Auth0 Management API client so the two cannot drift apart: waits of
// 1, 2, 4 … 32 × the base delay (plus jitter), or the server's Retry-After when it names at most
// a minute, and never past the request's time budget.
import type { Dispatcher } from 'undici';

/** The last back-off factor: 1, 2, 4 … 32, i.e. at most six attempts. */
const MAX_BACKOFF_FACTOR = 32;
/** A Retry-After above this many seconds is ignored (the usual back-off applies). */
const MAX_RETRY_AFTER_S = 60;

export interface RetryBudget {
  /** When the request (its first attempt) started, from Date.now(). */
  started: number;
  /** The bound for all attempts together. */
  timeoutMs: number;
  /** The first back-off delay; 1000 ms unless a test makes it small. */
  baseDelayMs: number;
  /** Aborts the wait between attempts (and is the caller's signal for the requests themselves). */
  signal: AbortSignal;
}

export type RetriedResponse =
  | { rateLimited: false; res: Dispatcher.ResponseData; latencyMs: number }
  /** Still 429 when the next wait would pass the budget or the last back-off. */
  | { rateLimited: true; attempts: number; latencyMs: number };

/**
 * Sends `attempt(remainingMs)` until the answer is not 429 or the budget is spent. A 429's body is
 * drained before the wait, so its connection is reused.
 */
export async function requestRetrying429(attempt: (remainingMs: number) => Promise<Dispatcher.ResponseData>, budget: RetryBudget): Promise<RetriedResponse> {
  const base = budget.baseDelayMs;
  for (let factor = 1; ; factor *= 2) {
    const res = await attempt(budget.timeoutMs - (Date.now() - budget.started));
    const latencyMs = Date.now() - budget.started;
    if (res.statusCode !== 429) return { rateLimited: false, res, latencyMs };
    await res.body.dump();
    const retryAfter = Number(res.headers['retry-after']);
    const delay = Number.isFinite(retryAfter) && retryAfter > 0 && retryAfter <= MAX_RETRY_AFTER_S
      ? Math.max(retryAfter * 1000, base)
      : base * factor + Math.floor(Math.random() * base);
    if (factor > MAX_BACKOFF_FACTOR || Date.now() + delay >= budget.started + budget.timeoutMs) {
      return { rateLimited: true, attempts: Math.log2(factor) + 1, latencyMs };
    }
    await abortableDelay(delay, budget.signal);
  }
}

/** The shared wording of a request that stayed rate-limited. */
export function describeRateLimited(attempts: number): string {
  return `still rate-limited after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}`;
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => { signal.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(signal.reason); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
