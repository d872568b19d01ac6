// What one run of a Rule or Action gives, as `duo-rules run --format json` documents it: the runner
// produces it, the language server answers duoRules/run with it, and the CLI and the extension's
// result view show it.
import type { Multifactor } from './multifactor';

export type RunOutcomeKind = 'completed' | 'denied' | 'error' | 'timeout';

/** One recorded call of the emulated `auth0` client (Rules) or `api` object (Actions). */
export interface RecordedCall {
  name: string;
  args: unknown[];
}

/** What an Action changed, collected from its `api` calls. */
export interface ActionChanges {
  idToken: Record<string, unknown>;
  accessToken: Record<string, unknown>;
  appMetadata: Record<string, unknown>;
  userMetadata: Record<string, unknown>;
  redirect: { url: unknown; query?: unknown } | null;
}

/** The documented JSON of `duo-rules run --format json`, already redacted. */
export interface RunResult {
  kind: 'rule' | 'action';
  outcome: RunOutcomeKind;
  error: { name: string; message: string } | null;
  multifactor: Multifactor | null;
  /** Rules: the user and context handed to the callback (for a timeout, as they were given). */
  user?: unknown;
  context?: unknown;
  /** Actions: claims, metadata and redirects set through `api`. */
  changes?: ActionChanges;
  /** Every call of the emulated `auth0` / `api` objects, in order. */
  calls: RecordedCall[];
  logs: string[];
  warnings: string[];
  durationMs: number;
  /** The sandbox's clock: where it started (ISO-8601) and whether `--now` / `duoRules.mock.now` chose it. */
  clock: { start: string; given: boolean };
  /** Every outbound network attempt (connect, send, listen) the code made, in order, allowed or blocked. */
  connections: Connection[];
  /**
   * The mocks in effect (`--mocks` / `duoRules.mock.mocksFile`), or null: the file, how each mocked
   * function answers, and each stubbed module with its stub's path as written in the file.
   */
  mocks: { file: string; functions: Record<string, 'reject' | 'resolve'>; modules: Record<string, string> } | null;
  /** Where the Duo keys (ikey, skey, host) of `multifactor` come from; null when the login requires no Duo. */
  keySource: DuoKeySource | null;
  /** Rules directories only: the rule that decided the outcome (or set the MFA), and every rule that ran. */
  rule?: string | null;
  rules?: { name: string; outcome: RunOutcomeKind }[];
}

/**
 * Where a login's Duo keys come from: `tenant` (an Action that passes no keys: Auth0 uses the tenant's Duo
 * settings), `secrets` (an Action's `event.secrets`), `configuration` (a Rule's `configuration`), `code` (values
 * written in the code, deploy-cli keywords included), `mixed` (more than one of these), `unset` (the code passes
 * keys, but none has a value in this run).
 */
export type DuoKeySource = 'tenant' | 'secrets' | 'configuration' | 'code' | 'mixed' | 'unset';

/** One network attempt of the code: `protocol` is tcp, tls, udp or unix, with `-listen` for a server it opened. */
export interface Connection {
  host: string;
  port: number | null;
  protocol: string;
}
