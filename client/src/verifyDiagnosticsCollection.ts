// `duo-verify-failed` diagnostics from the last verification, kept until the document is edited
// (after an edit the line they point at may no longer be the one Duo rejected).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { VerifyDiagnosticsParams } from '../../shared/protocol';

export class VerifyDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('duo-rules-verify');
  private readonly subscriptions: vscode.Disposable[] = [
    this.collection,
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length > 0) this.collection.delete(e.document.uri);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => this.collection.delete(d.uri)),
  ];

  async set(client: LanguageClient, params: VerifyDiagnosticsParams): Promise<void> {
    const uri = client.protocol2CodeConverter.asUri(params.uri);
    this.collection.set(uri, await client.protocol2CodeConverter.asDiagnostics(params.diagnostics));
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
