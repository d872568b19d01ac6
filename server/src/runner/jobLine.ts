// How a job travels from the parent to the child: one line. A single run's line is two JSON texts
// joined by a tab: the job without its inputs, then the inputs (user, context, event,
// configuration), which the child parses straight into the run's vm context. They have to become
// objects of that context (so a rule that changes their prototypes changes only its own realm);
// parsed with the rest of the job they had to be serialised and parsed a second time there, which
// cost a tenth of a short run. JSON.stringify never writes a raw tab (it escapes one inside a
// string), so the first tab is where the inputs begin. A batch's line is one JSON text.
import type { BatchJob, ChildJob } from './runTypes';

/** A single run's job as the child first has it: its inputs still text (see decodeJobLine). */
export type RunJobHead = Omit<ChildJob, 'user' | 'context' | 'event' | 'configuration'>;

export interface RunInputs {
  user: unknown;
  context: unknown;
  event: unknown;
  configuration: Record<string, string>;
}

/** The line (without its newline) for a job and its run key. */
export function encodeJobLine(job: ChildJob | BatchJob, key: string): string {
  if (job.type !== 'run') return JSON.stringify({ ...job, key });
  const { user, context, event, configuration, ...head } = job;
  const inputs: RunInputs = { user, context, event, configuration };
  return `${JSON.stringify({ ...head, key })}\t${JSON.stringify(inputs)}`;
}

export type DecodedJob =
  | { job: RunJobHead; inputs: string; key: unknown }
  | { job: BatchJob; inputs: null; key: unknown };

/** The job of a line, its inputs (a single run's) still JSON text, and the run key as sent. */
export function decodeJobLine(line: string): DecodedJob {
  const tab = line.indexOf('\t');
  if (tab === -1) {
    const { key, ...job } = JSON.parse(line) as BatchJob & { key?: unknown };
    return { job, inputs: null, key };
  }
  const { key, ...job } = JSON.parse(line.slice(0, tab)) as RunJobHead & { key?: unknown };
  return { job, inputs: line.slice(tab + 1), key };
}

/** The inputs of a single run, parsed by `parse` (the run context's own JSON.parse). */
export function parseRunInputs(text: string, parse: (text: string) => unknown): RunInputs {
  const value = parse(text) as Partial<RunInputs> | null;
  // Read once, before any code has run in that context: plain data properties of a fresh parse.
  return { user: value?.user ?? null, context: value?.context ?? null, event: value?.event ?? null, configuration: value?.configuration ?? {} };
}
