// What the language server recognised each open document as (an Auth0 Rule, a post-login Action
// or neither), from its `duoRules/status` notifications. The status bar, the `duoRules.fileKind`
// context key (menus) and the Run / Verify / Convert commands all follow this one classification.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileStatus } from '../../shared/protocol';
import { inBackground } from '../../shared/background';

export type FileKind = FileStatus['kind'];

export class FileKinds implements vscode.Disposable {
  private readonly kinds = new Map<string, FileKind>();
  private readonly changed = new vscode.EventEmitter<FileStatus>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions = [
    this.changed,
    vscode.workspace.onDidCloseTextDocument((d) => this.kinds.delete(d.uri.toString())),
  ];

  update(status: FileStatus): void {
    this.kinds.set(status.uri, status.kind);
    this.changed.fire(status);
  }

  get(uri: vscode.Uri): FileKind | undefined {
    return this.kinds.get(uri.toString());
  }

  /** Forgets every file (the server restarted and will report again). */
  clear(): void {
    this.kinds.clear();
  }

  /**
   * The server's classification of an open document, waiting for its first report when it was
   * just opened; undefined when the server does not answer in time (then the caller decides).
   */
  whenKnown(uri: vscode.Uri, timeoutMs = 15_000): Promise<FileKind | undefined> {
    const known = this.get(uri);
    if (known) return Promise.resolve(known);
    const key = uri.toString();
    return new Promise((resolve) => {
      const timer = setTimeout(() => { listener.dispose(); resolve(this.get(uri)); }, timeoutMs);
      const listener = this.onDidChange((status) => {
        if (status.uri !== key) return;
        clearTimeout(timer);
        listener.dispose();
        resolve(status.kind);
      });
    });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/**
 * Convert applies to Rules only: the refusal (shown, and returned like the command's other
 * refusals) for an Action or any other file; undefined when the file is a Rule or none is given.
 */
export async function refuseUnlessRule(kinds: FileKinds, log: vscode.LogOutputChannel, target: unknown): Promise<{ error: { name: 'NoRuleFile'; message: string } } | undefined> {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return undefined;
  const document = await vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined);
  if (!document) return undefined;
  const kind = await kinds.whenKnown(document.uri);
  if (kind !== 'action' && kind !== 'other') return undefined;
  const name = path.basename(uri.path);
  const message = kind === 'action'
    ? `${name} is already a post-login Action: only Rules are converted.`
    : `${name} is not an Auth0 Rule or post-login Action: only Rules are converted.`;
  log.warn(message);
  inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`), (err) => log.error(`Could not show a message: ${String(err)}`));
  return { error: { name: 'NoRuleFile', message } };
}
