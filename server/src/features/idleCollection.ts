// Collects the main thread's young generation while nothing waits on it, not in the middle of a keystroke.
//
// Every keystroke in a large document allocates about the document's size on the main thread (the edited text
// is a new string), and V8 collects the young generation when an allocation finds it full. Most of a keystroke's
// allocation happens between its didChange and its completion's answer, so most of those collections landed
// there: 1-3 ms each (single-threaded, see `serverExecArgv`) in a round trip of about 1 ms, once every ten to
// twenty keystrokes at 100 kB, which is the slowest twentieth of the answers. Started with `--expose-gc`, the
// server collects it itself once the keystroke has been answered and its analysis handed to the thread: the
// main thread then waits for the thread anyway. Without the flag (a server started by hand) this does nothing.
import { getHeapSpaceStatistics } from 'node:v8';

type CollectGarbage = (options: { type: 'minor' }) => void;

/**
 * Collected when more than this share of the young generation is in use: what one keystroke allocates (about
 * the document's size, at most Auth0's 100 kB limit twice over) then finds room, as the young generation is at
 * least 1 MB.
 */
const fullShare = 0.5;

/** Collects the young generation if it is more than half full; false when the server cannot (no `--expose-gc`). */
export function collectYoungGenerationIfFilling(): boolean {
  const collect = (globalThis as { gc?: CollectGarbage }).gc;
  if (typeof collect !== 'function') return false;
  const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  if (!young) return false;
  // The capacity in use, not `space_size`: V8 reserves the young generation's two halves but fills one.
  if (young.space_used_size > fullShare * (young.space_used_size + young.space_available_size)) collect({ type: 'minor' });
  return true;
}
