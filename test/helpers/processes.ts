// Watching a process the test did not spawn itself (a runner child started by another process): no
// event tells when such a process ends, so it is checked until a deadline.

/**
 * Whether the process `pid` still runs `withinMs` after the call. One that does is then killed, so a
 * failing test leaves nothing behind. Only a real pid the test read (> 1): never 0, -1 or a group.
 */
export async function stillRunsAfter(pid: number, withinMs: number, pollMs = 100): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 1) throw new Error(`not a pid to watch: ${pid}`);
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    // It ended between the last check and the deadline.
    return false;
  }
}
