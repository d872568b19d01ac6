// Status bar item and the `duoRules.fileKind` context key for the active editor. The kind comes
// from the server's `duoRules/status` notifications; the problem count from the published
// duo-rules diagnostics (including the last Duo verification's).
import * as vscode from 'vscode';
import type { FileStatus } from '../../server/src/features/status';

const labels = { rule: 'Duo Rule', action: 'Duo Action' } as const;

/** Our problems in a file (like the Problems panel's count, hints are not problems) and the icon of the worst. */
function summariseProblems(uri: vscode.Uri): { count: number; icon: string } {
  const problems = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'duo-rules' && d.severity !== vscode.DiagnosticSeverity.Hint);
  const worst = Math.min(...problems.map((d) => d.severity));
  const icon = worst === vscode.DiagnosticSeverity.Error ? '$(error)' : worst === vscode.DiagnosticSeverity.Warning ? '$(warning)' : '$(info)';
  return { count: problems.length, icon };
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('duoRules.status', vscode.StatusBarAlignment.Right, 100);
  private readonly kinds = new Map<string, FileStatus['kind']>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'Duo Rules';
    this.item.command = 'workbench.actions.view.problems';
    this.subscriptions = [
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (e.uris.some((u) => u.toString() === active)) this.refresh();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.kinds.delete(d.uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    ];
  }

  update(status: FileStatus): void {
    this.kinds.set(status.uri, status.kind);
    if (status.uri === vscode.window.activeTextEditor?.document.uri.toString()) this.refresh();
  }

  /** Forgets every file (the server restarted and will report again). */
  clear(): void {
    this.kinds.clear();
    this.refresh();
  }

  private refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    const kind = (document && this.kinds.get(document.uri.toString())) ?? 'other';
    void vscode.commands.executeCommand('setContext', 'duoRules.fileKind', kind);
    if (!document || kind === 'other') {
      this.item.hide();
      return;
    }
    const { count: problems, icon } = summariseProblems(document.uri);
    this.item.text = `$(shield) ${labels[kind]}${problems ? ` ${icon} ${problems}` : ' $(check)'}`;
    const what = kind === 'rule' ? 'an Auth0 Rule' : 'an Auth0 post-login Action';
    const count = problems === 1 ? '1 problem' : `${problems || 'no'} problems`;
    const running = vscode.workspace.isTrusted ? 'Run and Verify Duo are in the CodeLens above it.' : 'Run and Verify Duo need a trusted workspace.';
    this.item.tooltip = `Duo Rules: this file is ${what}; ${count}. ${running} Click to show Problems.`;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
