// Public shapes of the runner (used by the CLI, the language server's commands and the Duo
// verifier; the result itself, which crosses the protocol, is in shared/runResult.ts) and the
// messages exchanged with the pooled child process.
import type { Multifactor } from '../../../shared/multifactor';
import type { LoadedMocks } from './inputs';
import type { Connection, RunOutcomeKind, RunResult } from '../../../shared/runResult';

export type { Multifactor };

/** `off` blocks every network attempt inside the sandbox (and with Node's network permission where it has one). */
export type NetworkMode = 'on' | 'off';

export interface RunOptions {
  /** A Rule or Action file, or a deploy-cli directory (with `rules/`, or the `rules/` directory itself). */
  file: string;
  /** Unsaved editor buffer; used instead of reading `file`. */
  text?: string;
  /** Deep-merged over the default user (for Actions: `event.user`); `null` removes a key, arrays replace. */
  user?: unknown;
  /** Start the user from `{}` instead of the default user (`--user-replace`). */
  userReplace?: boolean;
  /** Deep-merged over the default Rules context, as `user`. */
  context?: unknown;
  /** Deep-merged over the default Actions event, as `user`. */
  event?: unknown;
  /**
   * `configuration` for Rules and `event.secrets` for Actions. In an auth0-deploy-cli repository these
   * values win over the repository's (rules-configs, tenant.yaml rulesConfigs, actions/<name>.json secrets).
   */
  configuration?: Record<string, string>;
  /** deploy-cli keyword mappings for `@@KEY@@` / `##KEY##`. */
  mappings?: Record<string, unknown>;
  /** Default 5,000 ms. */
  timeoutMs?: number;
  /**
   * Where `require` finds npm modules; default: the nearest folder above the file with package.json or
   * node_modules. The search for the file's deploy-cli repository goes no higher.
   */
  workspaceRoot?: string;
  /**
   * Configuration keys the code reads but `configuration` lacks are taken from here (the CLI passes
   * process.env), but only keys named DUO_*, keys the project declares and keys in `envNames`.
   */
  env?: Record<string, string | undefined>;
  /** Variables the user allowed explicitly (`--env NAME`) for the environment fallback. */
  envNames?: string[];
  /** Keys the project declares (`.duo-rules.json` / `duoRules.configurationKeys`), allowed in the environment fallback. */
  declaredKeys?: string[];
  /** Default `on`: real rules call their own APIs. */
  network?: NetworkMode;
  /**
   * The highest folder the code may read: the editor's workspace folder. Without it the nearest folder
   * above the file with `.git` (or the deploy-cli repository's root) is used; never above the home directory.
   */
  boundaryRoot?: string;
  /** Heap limit of the child process; default 256 MB. */
  memoryLimitMb?: number;
  /** Mocked `auth0.users.*` answers and module stubs, from loadRunInputs (`--mocks`). */
  mocks?: LoadedMocks;
  /** ISO-8601 instant the code's clock starts at (`Date`, `Date.now()`, `new Date()`); time still advances. Default: the real clock. */
  now?: string;
  /** Whom warnings and input errors advise: the CLI's flags (default) or the editor's settings and commands. */
  audience?: 'cli' | 'editor';
}

export interface RunOutcome {
  result: RunResult;
  /** The same normalised MFA with the real skeys: only for the Duo verifier, never printed. */
  secretMultifactor: Multifactor | null;
  /**
   * Keys the code reads (`configuration.X`, `event.secrets.X`) that had no value after every layer
   * (given values, the repository's, the environment), in the order the code names them. Names only.
   */
  unsetKeys: string[];
}

/** A job sent to the child: one script with its inputs. */
export interface ChildJob {
  type: 'run';
  id: number;
  kind: 'rule' | 'action';
  filename: string;
  source: string;
  user: unknown;
  context: unknown;
  event: unknown;
  configuration: Record<string, string>;
  workspaceRoot: string;
  network: NetworkMode;
  /** Longest a single call into user code may run before the child gives up on its own (see Run.invoke). */
  backstopMs: number;
  /** Epoch ms the sandbox's clock starts at (`--now`); absent: the real clock. */
  now?: number;
  mocks?: ChildMocks;
}

/** The mocks as the child gets them: function answers, and the stubs' code read by the parent. */
export interface ChildMocks {
  functions: LoadedMocks['functions'];
  modules: Record<string, { filename: string; source: string }>;
}

/** One login of a batch: the inputs of its first script. */
export interface BatchLogin {
  user: unknown;
  context: unknown;
  event: unknown;
  /** Epoch ms this login's clock starts at, over the batch's `now` (the check tries the hours a condition reads). */
  now?: number;
}

/**
 * Many logins through the same scripts in one child: the rules of a pipeline (sharing one `global`
 * per login) or the Actions of a flow. Each login starts from a fresh context.
 */
export interface BatchJob {
  type: 'batch';
  id: number;
  kind: 'rule' | 'action';
  scripts: { filename: string; source: string }[];
  logins: BatchLogin[];
  configuration: Record<string, string>;
  workspaceRoot: string;
  network: NetworkMode;
  /** What all the scripts of one login may take together. */
  loginTimeoutMs: number;
  /** Unused by a batch (the parent watches each login); present for the shape of every job. */
  backstopMs: number;
  /** Epoch ms each login's clock starts at (`--now`); absent: the real clock. */
  now?: number;
  mocks?: ChildMocks;
}

/** The child's unredacted answer; the parent redacts it and adds kind, timing and rule names. */
export interface ChildResult extends Omit<RunResult, 'kind' | 'outcome' | 'durationMs' | 'clock' | 'mocks' | 'rule' | 'rules' | 'connections' | 'keySource'> {
  outcome: Exclude<RunOutcomeKind, 'timeout'>;
}

export type ChildMessage =
  /** `permission`: whether Node's permission model is in force in the child (it must be). */
  | { type: 'ready'; permission: boolean }
  | JobMessage;

/**
 * A message about a job. On the wire each also carries `key`: the random run key the parent sent
 * with the job, which the child keeps where the job's code cannot read it; a message without the
 * job's key was not written by the child's own reporting (see README, Runner isolation).
 */
export type JobMessage =
  | { type: 'callback'; id: number }
  | ({ type: 'connection'; id: number } & Connection)
  | { type: 'log'; id: number; line: string }
  | { type: 'result'; id: number; result: ChildResult }
  | { type: 'batch-login'; id: number; index: number; steps: ChildResult[] }
  | { type: 'batch-done'; id: number };

/** What travels on the channel from the child. */
export type WireMessage = { type: 'ready'; permission: boolean } | (JobMessage & { key: string });
