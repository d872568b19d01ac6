// Run Against Mock User / Verify Configuration. The rule runs in the language server's
// runner pool (never in the extension host); this module gathers inputs, shows progress and the result.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { inputErrorCode, requestCancelledCode, RunRequest, UnsetSecretsRequest, VerifyRequest, type VerifyParams } from '../../shared/protocol';
import { inBackground } from '../../shared/background';
import { collectDuoOptions, collectRunParams } from './runInputs';
import type { FileKinds } from './fileKinds';
import type { ResultView } from './resultView';
import { type RunJson, summarizeResult } from './resultVerdict';
import type { SecretStore } from './secrets';

/** Returned instead of a result when nothing ran; `name` says why (documented in the README for test authors). */
export interface CommandError {
  error: { name: 'WorkspaceTrustRequired' | 'NoRuleFile' | 'InputError' | 'Cancelled' | 'ServerError'; message: string };
}

export interface RunServices {
  client: LanguageClient;
  secrets: SecretStore;
  results: ResultView;
  kinds: FileKinds;
  log: vscode.LogOutputChannel;
  /** Stored Auth0 credentials: Verify on an Action without providerOptions checks the tenant's Duo settings. */
  auth0?: () => Promise<VerifyParams['auth0']>;
}

/** Options a programmatic caller may pass as the second argument. */
interface RunCommandOptions {
  /** false: return the JSON without opening the result view; a notification shows the verdict instead. */
  showResult?: boolean;
}

function refuse(log: vscode.LogOutputChannel, name: CommandError['error']['name'], message: string, actions: string[] = []): CommandError {
  log.warn(message);
  inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`, ...actions).then(async (picked) => {
    if (picked === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    if (picked === 'Show Output') log.show(true);
  }), (err) => log.error(`Could not show a message or its action: ${String(err)}`));
  return { error: { name, message } };
}

function targetUri(target: unknown): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string') return vscode.Uri.parse(target);
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === 'javascript' ? editor.document.uri : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function execute(services: RunServices, mode: 'run' | 'verify', target: unknown, options: unknown): Promise<RunJson | CommandError> {
  const { log } = services;
  const verb = mode === 'run' ? 'Running a rule' : 'Verifying Duo';
  if (!vscode.workspace.isTrusted) {
    return refuse(log, 'WorkspaceTrustRequired', `${verb} executes this workspace's code, so it needs a trusted workspace. Analysis keeps working without trust.`, ['Manage Workspace Trust']);
  }
  const uri = targetUri(target);
  if (!uri) return refuse(log, 'NoRuleFile', `${verb} needs a JavaScript Rule or Action: open one or pass its URI.`);
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch (err) {
    return refuse(log, 'NoRuleFile', `Cannot open ${uri.toString(true)}: ${messageOf(err)}`);
  }
  const name = path.basename(document.uri.path);
  // The server's recognition decides, as for the menus: a helper module or a test file is not run.
  const kind = await services.kinds.whenKnown(document.uri);
  if (kind === 'other') {
    return refuse(log, 'NoRuleFile', `${name} is not an Auth0 Rule or post-login Action: ${verb.toLowerCase()} works on a Rule (one top-level function (user, context, callback)) or an Action (exports.onExecutePostLogin).`);
  }
  const params: VerifyParams = { ...(await collectRunParams(document, services.secrets)), duo: collectDuoOptions(document) };
  if (mode === 'verify') params.auth0 = await services.auth0?.();
  log.info(`${verb}: ${document.uri.toString(true)}`);
  const request = (token?: vscode.CancellationToken) =>
    mode === 'run'
      ? services.client.sendRequest(RunRequest, params, token) as Promise<RunJson>
      : services.client.sendRequest(VerifyRequest, params, token) as Promise<RunJson>;
  let result: RunJson;
  try {
    result = await vscode.window.withProgress(
      { location: mode === 'run' ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: mode === 'run' ? `Running ${name}` : `Verifying the Duo configuration of ${name}`, cancellable: mode === 'verify' },
      // Cancelling answers at once; the server aborts the Duo requests when it sees the cancellation.
      (_progress, token) => new Promise<RunJson>((resolve, reject) => {
        token.onCancellationRequested(() => reject(new vscode.CancellationError()));
        request(token).then(resolve, reject);
      }),
    );
  } catch (err) {
    if (err instanceof vscode.CancellationError || (err as { code?: number }).code === requestCancelledCode) return { error: { name: 'Cancelled', message: `${verb} was cancelled.` } };
    // The server answers bad input files (missing, not JSON, unreplaced tokens) with a readable message.
    const inputError = (err as { code?: number }).code === inputErrorCode;
    return refuse(log, inputError ? 'InputError' : 'ServerError', messageOf(err), ['Show Output']);
  }
  const summary = summarizeResult(name, result);
  log.info(summary);
  // The result view leads with the same verdict; a notification as well would only repeat it.
  if ((options as RunCommandOptions | undefined)?.showResult === false) inBackground(vscode.window.showInformationMessage(summary), (err) => log.error(`Could not show a message: ${String(err)}`));
  else {
    // Store Secret in the view proposes the keys this run read without a value, not always DUO_SKEY.
    const unset = await services.client.sendRequest(UnsetSecretsRequest, { uri: params.uri }).then((r) => r.names, (err: unknown) => {
      log.warn(`Could not read which keys the run left unset: ${messageOf(err)}`);
      return [];
    });
    services.results.show(document.uri, result, unset);
  }
  return result;
}


export function registerRunCommands(services: RunServices): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('duoRules.runRule', (target?: unknown, options?: unknown) => execute(services, 'run', target, options)),
    vscode.commands.registerCommand('duoRules.verifyDuo', (target?: unknown, options?: unknown) => execute(services, 'verify', target, options)),
  ];
}
