// Thread priorities of the server process. The main thread answers completion and hover, and on a machine with
// few cores the editor needs a core at that same moment to write its request and read the answer. The rest of
// the server can wait: the analysis thread, and the helper threads Node starts (V8's compiler threads, libuv's
// thread pool for files and name lookups). Linux schedules threads one by one and lets a process lower the
// priority of its own threads by thread id; elsewhere there is no such link and priorities are left alone.
import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * The analysis thread's nice value. Its analysis of a keystroke runs while the main thread answers that
 * keystroke's completion; a thread at 10 gets about a tenth of a busy core, so the analysis still finishes on
 * a loaded machine.
 */
export const analysisThreadNice = 10;

/**
 * The helper threads' nice value. No keystroke's answer waits for them: V8 compiles hot functions there to run
 * faster later, and libuv's pool reads files and looks up host names for requests that take far longer anyway
 * (a Verify's call to Duo). At the normal priority a compilation of several milliseconds took the core that the
 * editor needed to read a completion (seen in the scheduler's trace of the 100 kB benchmark).
 */
export const helperThreadNice = 19;

/** Lowers the calling thread's priority to `nice` (the analysis thread calls it as it starts serving). */
export function lowerOwnThreadPriority(nice: number): void {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return;
  }
  // Never the main thread: its id is the process id, and lowering it would slow completion instead.
  if (!Number.isInteger(tid) || tid <= 1 || tid === process.pid) return;
  try {
    setPriority(tid, nice);
  } catch {
    // A sandbox may forbid it: the thread then runs at the normal priority, as on other systems.
  }
}

/**
 * Lowers the helper threads, every thread of this process still at the main thread's priority except the main
 * thread, to `helperThreadNice`. Threads started later (libuv starts its pool on first use) keep the normal
 * priority. The analysis thread has lowered itself already and is left as it is.
 */
export function lowerHelperThreadPriority(): void {
  let tids: string[];
  let normal: number;
  try {
    tids = readdirSync('/proc/self/task');
    normal = getPriority(process.pid);
  } catch {
    return;
  }
  for (const name of tids) {
    const tid = Number(name);
    if (!Number.isInteger(tid) || tid <= 1 || tid === process.pid) continue;
    try {
      if (getPriority(tid) === normal) setPriority(tid, Math.max(normal, helperThreadNice));
    } catch {
      // A thread that ended meanwhile, or a sandbox that forbids it: left as it is.
    }
  }
}
