// Status bar item and the `duoRules.fileKind` context key for the active editor, fed by the
// server's `duoRules/status` notifications (the server knows the file kind and the problem count).
import * as vscode from 'vscode';
import type { FileStatus } from '../../server/src/features/status';

const labels = { rule: 'Duo Rule', action: 'Duo Action' } as const;

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('duoRules.status', vscode.StatusBarAlignment.Right, 100);
  private readonly statuses = new Map<string, FileStatus>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'Duo Rules';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.workspace.onDidCloseTextDocument((d) => this.statuses.delete(d.uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    ];
  }

  update(status: FileStatus): void {
    this.statuses.set(status.uri, status);
    if (status.uri === vscode.window.activeTextEditor?.document.uri.toString()) this.refresh();
  }

  /** Forgets every file (the server restarted and will report again). */
  clear(): void {
    this.statuses.clear();
    this.refresh();
  }

  private refresh(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const status = uri ? this.statuses.get(uri) : undefined;
    const kind = status?.kind ?? 'other';
    void vscode.commands.executeCommand('setContext', 'duoRules.fileKind', kind);
    if (!status || kind === 'other') {
      this.item.hide();
      return;
    }
    const { problems } = status;
    this.item.text = `$(shield) ${labels[kind]}${problems ? ` $(warning) ${problems}` : ' $(check)'}`;
    const what = kind === 'rule' ? 'an Auth0 Rule' : 'an Auth0 post-login Action';
    const count = problems === 1 ? '1 problem' : `${problems || 'no'} problems`;
    const running = vscode.workspace.isTrusted ? 'Run and Verify are available from the CodeLens.' : 'Run and Verify need a trusted workspace.';
    this.item.tooltip = `Duo Rules: this file is ${what} that configures MFA; ${count}. ${running} Click to show Problems.`;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
