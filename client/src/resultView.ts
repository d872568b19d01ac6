// The result of Run / Verify: one webview panel per rule file, reused for every later run of it,
// opened beside the code without taking the focus. A webview rather than a Markdown preview because
// the follow-up actions (re-run, verify, store a secret, open the setting) are buttons, the full
// JSON collapses, and the page needs no script: buttons are `command:` links limited to a list.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { pageCommands, renderResultPage } from './resultHtml';
import type { RunJson } from './resultVerdict';

export type { RunJson } from './resultVerdict';

const viewType = 'duoRules.result';

export class ResultView implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly shown = new vscode.EventEmitter<{ source: vscode.Uri; result: RunJson }>();
  /** Fires after a result is on screen (the status bar follows it). */
  readonly onDidShow = this.shown.event;

  /** Shows the result beside the rule without taking focus, so the rule stays the active editor. */
  show(source: vscode.Uri, result: RunJson, unsetSecrets: string[] = []): void {
    const key = source.toString();
    const name = path.basename(source.path) || 'untitled';
    let panel = this.panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel(viewType, `${name} (Duo result)`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: false,
        enableCommandUris: [...pageCommands],
        localResourceRoots: [],
        retainContextWhenHidden: false,
      });
      const created = panel;
      this.panels.set(key, created);
      created.onDidDispose(() => { if (this.panels.get(key) === created) this.panels.delete(key); });
    } else if (!panel.visible) {
      panel.reveal(panel.viewColumn, true);
    }
    panel.title = `${name} (Duo result)`;
    panel.webview.html = renderResultPage(result, { name, source: key, path: source.path, cspSource: panel.webview.cspSource, trusted: vscode.workspace.isTrusted, displayPath: (p) => vscode.workspace.asRelativePath(p), unsetSecrets });
    this.shown.fire({ source, result });
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.dispose();
    this.panels.clear();
    this.shown.dispose();
  }
}
