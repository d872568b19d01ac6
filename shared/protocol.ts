// What the extension and the language server agree on. The extension imports nothing else from
// the server: every custom request and notification with its parameters and result, the error
// codes the extension interprets, and the files it watches on the server's behalf are here.
import { LSPErrorCodes, NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import { DEPLOY_CONFIG_GLOBS } from '../server/src/deployCli/layout';
import type { ConvertParams, ConvertResponse, MockInputsResponse, RunParams, VerifyDiagnosticsParams, VerifyParams, VerifyResponse } from '../server/src/features/commands';
import type { DoctorParams, DoctorResponse } from '../server/src/features/doctor';
import type { FileStatus } from '../server/src/features/status';
import type { RunResult } from '../server/src/runner/types';

export type { Auth0Access, ConvertParams, ConvertResponse, DuoOptions, MockInputsResponse, RunParams, VerifyDiagnosticsParams, VerifyParams, VerifyResponse } from '../server/src/features/commands';
export type { DoctorParams, DoctorProblem, DoctorResponse } from '../server/src/features/doctor';
export type { FileStatus } from '../server/src/features/status';
export type { ConvertNote } from '../server/src/analysis/ruleConverter';

/** Runs a Rule or Action against the mock inputs (trusted workspaces only). */
export const RunRequest = new RequestType<RunParams, RunResult, void>('duoRules/run');
/** Runs it, then verifies the MFA it set up with Duo. */
export const VerifyRequest = new RequestType<VerifyParams, VerifyResponse, void>('duoRules/verify');
/** Converts a Rule to a post-login Action (and plans its deploy-cli files). */
export const ConvertRequest = new RequestType<ConvertParams, ConvertResponse, void>('duoRules/convert');
/** The default mock user, context and event, for **Create Mock Input Files**. */
export const MockInputsRequest = new RequestType0<MockInputsResponse, void>('duoRules/mockInputs');
/** Is Duo MFA really running for a folder's repository or tenant? */
export const DoctorRequest = new RequestType<DoctorParams, DoctorResponse, void>('duoRules/doctor');

/** What kind of file each analysed document is (status bar, menus). */
export const StatusNotification = new NotificationType<FileStatus>('duoRules/status');
/** The `duo-verify-failed` diagnostics of the last verification (empty when all went well). */
export const VerifyDiagnosticsNotification = new NotificationType<VerifyDiagnosticsParams>('duoRules/verifyDiagnostics');

/** Bad input files, unconvertible rules, missing credentials: the message is for the user. */
export const inputErrorCode = LSPErrorCodes.RequestFailed;
/** The request was cancelled (by the user or a newer request). */
export const requestCancelledCode = LSPErrorCodes.RequestCancelled;

/** auth0-deploy-cli files that declare `configuration` / `event.secrets` keys (and may hold plaintext secrets). */
export const deployConfigGlobs: readonly string[] = DEPLOY_CONFIG_GLOBS;

/** Files whose changes the extension forwards to the server (`workspace/didChangeWatchedFiles`). */
export const watchedFileGlobs: readonly string[] = [...DEPLOY_CONFIG_GLOBS, '**/.duo-rules.json'];
