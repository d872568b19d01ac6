// Status bar item in the style of ESLint's and rust-analyzer's: the language server's state, the
// active file's kind (as the server recognised it) and its problems counted the way the Problems
// panel counts them (every source, hints excluded, per severity). A verification that could not
// reach Duo is shown here with its reason, since it is not a problem of the code. Clicking opens a
// quick pick of the file's findings.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import type { FileKinds } from './fileKinds';
import type { ResultView } from './resultView';
import { type DuoAnswer, duoAnswerOf } from './resultVerdict';
import { inBackground } from '../../shared/background';

const labels = { rule: 'Duo Rule', action: 'Duo Action' } as const;

interface ProblemCounts { errors: number; warnings: number; infos: number }

/** Counted like the Problems panel's badge for the file: all sources, hints are not listed there. */
function countProblems(uri: vscode.Uri): ProblemCounts {
  const counts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of vscode.languages.getDiagnostics(uri)) {
    if (d.severity === vscode.DiagnosticSeverity.Error) counts.errors++;
    else if (d.severity === vscode.DiagnosticSeverity.Warning) counts.warnings++;
    else if (d.severity === vscode.DiagnosticSeverity.Information) counts.infos++;
  }
  return counts;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('duoRules.status', vscode.StatusBarAlignment.Right, 100);
  private readonly duoAnswers = new Map<string, DuoAnswer>();
  private serverState: State = State.Starting;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly kinds: FileKinds, client: LanguageClient, results: ResultView) {
    this.item.name = 'Duo Rules';
    this.subscriptions = [
      this.item,
      kinds.onDidChange((status) => { if (status.uri === this.activeUri()) this.refresh(); }),
      client.onDidChangeState((e) => { this.serverState = e.newState; this.refresh(); }),
      results.onDidShow(({ source, result }) => {
        if (!result.verify) return;
        this.duoAnswers.set(source.toString(), duoAnswerOf(result.verify));
        if (source.toString() === this.activeUri()) this.refresh();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = this.activeUri();
        if (e.uris.some((u) => u.toString() === active)) this.refresh();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.duoAnswers.delete(d.uri.toString())),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    ];
    this.refresh();
  }

  private activeUri(): string | undefined {
    return vscode.window.activeTextEditor?.document.uri.toString();
  }

  /** Forgets what the last server said (it restarted and will report again). */
  clear(): void {
    this.kinds.clear();
    this.refresh();
  }

  refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    const kind = (document && this.kinds.get(document.uri)) ?? 'other';
    // setContext fails only while VS Code shuts the extension host down: nothing to show then.
    inBackground(vscode.commands.executeCommand('setContext', 'duoRules.fileKind', kind), () => undefined);
    if (document?.languageId === 'javascript' && this.serverState !== State.Running) {
      const stopped = this.serverState === State.Stopped;
      this.item.text = stopped ? '$(error) Duo: server stopped' : '$(sync~spin) Duo';
      this.item.tooltip = stopped ? 'The Duo Rules language server stopped. Click to restart it.' : 'The Duo Rules language server is starting.';
      this.item.command = stopped ? 'duoRules.restartServer' : 'duoRules.showOutput';
      this.item.show();
      return;
    }
    if (!document || kind === 'other') {
      this.item.hide();
      return;
    }
    const { errors, warnings, infos } = countProblems(document.uri);
    const counts = [errors && `$(error) ${errors}`, warnings && `$(warning) ${warnings}`, infos && `$(info) ${infos}`].filter(Boolean).join(' ');
    const answer = this.duoAnswers.get(document.uri.toString());
    const offline = answer?.kind === 'unreachable' ? ' $(cloud-offline) could not reach Duo' : '';
    this.item.text = `$(shield) ${labels[kind]} ${counts || '$(check)'}${offline}`;
    const what = kind === 'rule' ? 'an Auth0 Rule' : 'an Auth0 post-login Action';
    const total = errors + warnings + infos;
    const problems = total ? `${plural(total, 'problem')} (${[plural(errors, 'error'), plural(warnings, 'warning'), `${infos} information`].join(', ')})` : 'no problems';
    const running = vscode.workspace.isTrusted ? 'Run and Verify Duo are in the CodeLens above it.' : 'Run and Verify Duo need a trusted workspace.';
    const duo = answer ? ` Last verification: ${answer.text}.` : '';
    this.item.tooltip = `Duo Rules: this file is ${what}, ${problems}.${duo} ${running} Click to list the problems.`;
    this.item.command = 'duoRules.showFileProblems';
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

const severityIcons = ['$(error)', '$(warning)', '$(info)', '$(lightbulb)'];

function codeText(code: vscode.Diagnostic['code']): string {
  return code === undefined ? '' : typeof code === 'object' ? String(code.value) : String(code);
}

/** The findings of the active file in a quick pick; choosing one moves the cursor there. */
export async function showFileProblemsCommand(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const diagnostics = vscode.languages.getDiagnostics(editor.document.uri)
    .filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint)
    .sort((a, b) => a.severity - b.severity || a.range.start.compareTo(b.range.start));
  type Item = vscode.QuickPickItem & { diagnostic?: vscode.Diagnostic };
  const items: Item[] = diagnostics.map((d) => ({
    label: `${severityIcons[d.severity]} ${d.message}`,
    description: `${[d.source, codeText(d.code)].filter(Boolean).join(' ')}  Ln ${d.range.start.line + 1}, Col ${d.range.start.character + 1}`,
    diagnostic: d,
  }));
  items.push({ label: '$(list-filter) Open the Problems panel', description: 'every file' });
  const picked = await vscode.window.showQuickPick(items, { title: `Problems in ${vscode.workspace.asRelativePath(editor.document.uri)}`, matchOnDescription: true, placeHolder: diagnostics.length ? 'Go to a problem' : 'No problems in this file' });
  if (!picked) return;
  if (!picked.diagnostic) {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    return;
  }
  editor.selection = new vscode.Selection(picked.diagnostic.range.start, picked.diagnostic.range.start);
  editor.revealRange(picked.diagnostic.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
}
