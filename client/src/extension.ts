// Extension entry: wires the language client, commands, status bar and result views.
// Activation happens only when a JavaScript file opens (or one of our commands runs).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification, VerifyDiagnosticsNotification, WorkspaceTrustedNotification, type FileStatus, type VerifyDiagnosticsParams } from '../../shared/protocol';
import { inBackground } from '../../shared/background';
import { convertToActionCommand, type ConvertCommandOptions } from './convertToAction';
import { FileKinds, refuseUnlessRule } from './fileKinds';
import { createLanguageClient } from './languageClient';
import { createMockFilesCommand, type MockFilesOptions } from './mockFiles';
import { ResultView } from './resultView';
import { registerRunCommands } from './runCommands';
import { createRedactingChannel, SecretStore, setSecretCommand } from './secrets';
import { insertSnippetCommand } from './snippets';
import { showFileProblemsCommand, StatusBar } from './statusBar';
import { Auth0CredentialStore, registerTenantCommands } from './tenant';
import { collectDuoOptionsFor } from './runInputs';
import { VerifyDiagnostics } from './verifyDiagnosticsCollection';

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const secrets = new SecretStore(context.secrets, context.globalState);
  const channel = vscode.window.createOutputChannel('Duo Rules', { log: true });
  const log = createRedactingChannel(channel, secrets);
  const auth0 = new Auth0CredentialStore(context.secrets, secrets);
  const languageClient = createLanguageClient(context, log);
  client = languageClient;
  const kinds = new FileKinds();
  const results = new ResultView();
  const statusBar = new StatusBar(kinds, languageClient, results);
  const verifyDiagnostics = new VerifyDiagnostics();
  context.subscriptions.push(channel, kinds, statusBar, results, verifyDiagnostics);

  context.subscriptions.push(
    languageClient.onNotification(StatusNotification, (status: FileStatus) => kinds.update(status)),
    languageClient.onNotification(VerifyDiagnosticsNotification, (params: VerifyDiagnosticsParams) => verifyDiagnostics.set(languageClient, params)),
    vscode.commands.registerCommand('duoRules.insertDuoRule', () => insertSnippetCommand(context.extensionUri, 'duo-rule')),
    vscode.commands.registerCommand('duoRules.insertDuoAction', () => insertSnippetCommand(context.extensionUri, 'duo-action')),
    vscode.commands.registerCommand('duoRules.convertToAction', async (target?: unknown, options?: ConvertCommandOptions) =>
      (await refuseUnlessRule(kinds, log, target)) ?? convertToActionCommand(languageClient, log, target, options)),
    vscode.commands.registerCommand('duoRules.createMockFiles', (options?: MockFilesOptions) => createMockFilesCommand(languageClient, log, options)),
    vscode.commands.registerCommand('duoRules.setSecret', (name?: unknown, value?: unknown) => setSecretCommand(secrets, log, name, value)),
    vscode.commands.registerCommand('duoRules.showOutput', () => channel.show()),
    vscode.commands.registerCommand('duoRules.showFileProblems', () => showFileProblemsCommand()),
    vscode.commands.registerCommand('duoRules.restartServer', async () => {
      log.info('Restarting the language server.');
      statusBar.clear();
      await languageClient.restart();
    }),
    ...registerRunCommands({ client: languageClient, secrets, results, kinds, log, auth0: () => auth0.read() }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      log.info('The workspace is now trusted: Run and Verify are available.');
      // Keys of `duoRules.configurationFile` now count as declared.
      if (languageClient.isRunning()) inBackground(languageClient.sendNotification(WorkspaceTrustedNotification, null), (err: unknown) => log.error(`Could not tell the server about workspace trust: ${String(err)}`));
    }),
  );

  const started = languageClient.start();
  context.subscriptions.push(...registerTenantCommands({ client: languageClient, store: auth0, secrets, log, duoOptions: () => collectDuoOptionsFor(undefined) }, started));
  started.catch((err: unknown) => {
    log.error(`The Duo Rules language server did not start: ${err instanceof Error ? err.message : String(err)}`);
    inBackground(vscode.window.showErrorMessage('Duo Rules: the language server did not start.', 'Show Output').then((picked) => { if (picked) channel.show(); }), (shown: unknown) => log.error(`Could not show a message: ${String(shown)}`));
  });
}

export async function deactivate(): Promise<void> {
  const stopping = client;
  client = undefined;
  // A server that never started has nothing to stop; shutting down must not fail because of it.
  await stopping?.stop().catch(() => undefined);
}
