// Starts the Duo Rules language server (dist/server.js) over IPC for JavaScript documents and the
// auth0-deploy-cli files whose keys and secrets the server reads.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { deployConfigGlobs, serverExecArgv, watchedFileGlobs } from '../../shared/protocol';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...serverExecArgv] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...serverExecArgv, '--nolazy', '--inspect=6011'] } },
  };
  const watchers = watchedFileGlobs.map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'javascript' },
      { scheme: 'untitled', language: 'javascript' },
      ...deployConfigGlobs.map((pattern) => ({ scheme: 'file', pattern })),
    ],
    synchronize: { fileEvents: watchers },
    outputChannel: log,
    traceOutputChannel: log,
    diagnosticCollectionName: 'duo-rules',
    // The server reads the file named by `duoRules.configurationFile` (a restricted setting) only when trusted.
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted },
  };
  // The id 'duoRules' makes the library honour the `duoRules.trace.server` setting.
  return new LanguageClient('duoRules', 'Duo Rules', serverOptions, clientOptions);
}
