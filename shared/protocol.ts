// What the extension and the language server agree on. The extension imports nothing else from
// the server: every custom request and notification with its parameters and result, the error
// codes the extension interprets, and the files it watches on the server's behalf are here.
import { LSPErrorCodes, NotificationType, RequestType, RequestType0, type Diagnostic, type Range } from 'vscode-languageserver-protocol';
import { DEPLOY_CONFIG_GLOBS, deployActionNameOf } from './deployCliLayout';
import type { ConvertNote, DeployCliActionPlan } from './convertResult';
import type { DoctorReport } from './doctorReport';
import type { DuoTransportSettings } from './duoTransportSettings';
import type { EquivalenceReport } from './equivalenceReport';
import type { FileKind } from './fileKind';
import type { RunInputFiles } from './runInputFiles';
import type { RunResult } from './runResult';
import type { VerifyResult } from './verifyResult';

/** `duoRules/run` params. Paths are absolute (the client resolves settings against the workspace folder). */
export interface RunParams {
  uri: string;
  /** The file path the runner uses for `require` and messages (for untitled buffers: a path in the workspace folder). */
  file: string;
  /** The buffer, saved or not. */
  text?: string;
  files: RunInputFiles;
  /** Values from VS Code's SecretStorage; they override the configuration file's values. */
  secrets?: Record<string, string>;
  timeoutMs?: number;
  /** `duoRules.mock.now`: ISO-8601 instant the code's clock starts at (`--now`); absent: the real clock. */
  now?: string;
  /** `duoRules.run.network`; default on. */
  network?: 'on' | 'off';
  workspaceRoot?: string;
}

/** Tenant access from the editor's SecretStorage (`Duo: Store Auth0 Credentials`); `baseUrl` only to loopback. */
export interface Auth0Access {
  domain: string;
  clientId: string;
  clientSecret: string;
  baseUrl?: string;
}

export interface VerifyParams extends RunParams {
  duo: DuoTransportSettings;
  /** When set, an Action enabling Duo without providerOptions verifies the tenant's Duo settings. */
  auth0?: Auth0Access;
}

/** `duoRules/run` answers RunResult; `duoRules/verify` answers it with `verify`. */
export type VerifyResponse = RunResult & { verify: VerifyResult };

/** Sent after `duoRules/verify`: the `duo-verify-failed` diagnostics (empty when all went well). */
export interface VerifyDiagnosticsParams {
  uri: string;
  diagnostics: Diagnostic[];
}

export interface ConvertParams {
  uri: string;
  text?: string;
  /** Also run the differential check (it runs the workspace's code: only in a trusted workspace). */
  check?: boolean;
}

export type ConvertResponse =
  | {
      ok: true;
      name: string;
      code: string;
      notes: ConvertNote[];
      secrets: string[];
      deployCli: DeployCliActionPlan | null;
      /** Outside a deploy-cli repository: `<name>.action.js` beside the Rule (null for an unsaved Rule). */
      actionPath: string | null;
      /** The differential check, when asked for: its report, or why it could not run. */
      check?: EquivalenceReport | { error: string };
    }
  | { ok: false; message: string };

export interface MockInputsResponse {
  user: unknown;
  context: unknown;
  event: unknown;
}

export interface DoctorParams {
  /** For `tenant: false` the repository's folder (a workspace folder, or one duoRules/deployRepositories found in it); else the workspace folder. */
  folder: string;
  /** The workspace folder the repository was found in: paths in the report are shown relative to it. */
  workspaceFolder?: string;
  /** true: read the tenant with `auth0`; false: the deploy-cli repository at `folder`. */
  tenant: boolean;
  auth0?: Auth0Access;
  verify?: boolean;
  duo?: DuoTransportSettings;
  /** Values stored with Store Secret (DUO_IKEY, DUO_SKEY, DUO_HOST stand in for the tenant's Duo settings). */
  secrets?: Record<string, string>;
}

/** A repository finding on a file, for the Problems panel. */
export interface DoctorProblem {
  uri: string;
  range: Range;
  /** 1 error, 2 warning (LSP severities). */
  severity: 1 | 2;
  id: string;
  message: string;
}

export interface DeployRepositoriesParams {
  /** A workspace folder (absolute path). */
  folder: string;
}

export interface DeployRepositoriesResponse {
  /** The deploy-cli repositories it holds: the folder itself, or folders below it such as tenants/prod/ (absolute paths). */
  roots: string[];
}

/**
 * The \`data\` of a failed duoRules/doctor request: what the failure is about, so the editor offers
 * what helps (new credentials, a retry, the setting). Absent on cancellation and unexpected errors.
 */
export interface DoctorFailureData {
  kind: 'credentials' | 'unreachable' | 'auth0' | 'setting' | 'repository';
}

export interface DoctorResponse {
  /** null when the folder is not an auth0-deploy-cli repository (repository source only). */
  report: DoctorReport | null;
  notes: string[];
  problems: DoctorProblem[];
}

/** `duoRules/unsetSecrets`: for the file's last Run or Verify. */
export interface UnsetSecretsParams {
  uri: string;
}

export interface UnsetSecretsResponse {
  /**
   * Keys the code read that had no value in that run, Duo-looking ones first (only they when there
   * are any): what Store Secret proposes. Empty when nothing is unset or the file has not run.
   */
  names: string[];
}

/** `duoRules/status`: what kind of file an analysed document is. */
export interface FileStatus {
  uri: string;
  kind: FileKind;
}

/** Runs a Rule or Action against the mock inputs (trusted workspaces only). */
export const RunRequest = new RequestType<RunParams, RunResult, void>('duoRules/run');
/** Runs it, then verifies the MFA it set up with Duo. */
export const VerifyRequest = new RequestType<VerifyParams, VerifyResponse, void>('duoRules/verify');
/** Converts a Rule to a post-login Action (and plans its deploy-cli files). */
export const ConvertRequest = new RequestType<ConvertParams, ConvertResponse, void>('duoRules/convert');
/** The default mock user, context and event, for **Create Mock Input Files**. */
export const MockInputsRequest = new RequestType0<MockInputsResponse, void>('duoRules/mockInputs');
/** The configuration / secret keys the file's last run read without a value (names only). */
export const UnsetSecretsRequest = new RequestType<UnsetSecretsParams, UnsetSecretsResponse, void>('duoRules/unsetSecrets');
/** Is Duo MFA really running for a folder's repository or tenant? */
export const DoctorRequest = new RequestType<DoctorParams, DoctorResponse, void>('duoRules/doctor');
/** The auth0-deploy-cli repositories of a workspace folder: the folder itself, or folders below it. */
export const DeployRepositoriesRequest = new RequestType<DeployRepositoriesParams, DeployRepositoriesResponse, void>('duoRules/deployRepositories');

/** What kind of file each analysed document is (status bar, menus). */
export const StatusNotification = new NotificationType<FileStatus>('duoRules/status');
/** The `duo-verify-failed` diagnostics of the last verification (empty when all went well). */
export const VerifyDiagnosticsNotification = new NotificationType<VerifyDiagnosticsParams>('duoRules/verifyDiagnostics');

/** Client → server: the user trusted the workspace (restricted settings such as `duoRules.configurationFile` now apply). */
export const WorkspaceTrustedNotification = new NotificationType<null>('duoRules/workspaceTrusted');

/** Bad input files, unconvertible rules, missing credentials: the message is for the user. */
export const inputErrorCode = LSPErrorCodes.RequestFailed;
/** The request was cancelled (by the user or a newer request). */
export const requestCancelledCode = LSPErrorCodes.RequestCancelled;

/** auth0-deploy-cli files that declare `configuration` / `event.secrets` keys (and may hold plaintext secrets). */
export const deployConfigGlobs: readonly string[] = DEPLOY_CONFIG_GLOBS;

/** Files whose changes the extension forwards to the server (`workspace/didChangeWatchedFiles`). */
export const watchedFileGlobs: readonly string[] = [...DEPLOY_CONFIG_GLOBS, '**/.duo-rules.json'];

/** The deploy-cli name of an Action from its code path, for naming its `actions/<name>.json`; undefined outside that layout. */
export { deployActionNameOf };

/**
 * Node options the extension starts the server with. `--single-threaded-gc`: V8's parallel and concurrent
 * garbage-collection helpers run at normal priority on the same cores as the editor, so the analysis thread's
 * collections (it parses a whole file per keystroke) took the core a completion's answer needed even though the
 * thread itself runs at a lower priority; single-threaded, they run on the thread that made the garbage. The
 * benchmark starts the server the same way. Ten interleaved rounds of 60 keystrokes in a 100 kB file on a warm server:
 * completion p95 3.1 → 2.0 ms (median of the rounds). `--expose-gc`: the server collects its young generation
 * itself after a keystroke has been answered, not in the middle of the next one (features/idleCollection.ts).
 */
export const serverExecArgv: readonly string[] = ['--single-threaded-gc', '--expose-gc'];
