// Convert Rule to Post-Login Action: the server converts (the same converter as
// `duo-rules convert`) and, in a trusted workspace, runs the differential check; this writes the
// Action as a real file (deploy-cli actions/<name>/code.js + .json, otherwise <name>.action.js
// beside the Rule), never over an existing file without asking, opens it with its TODO comments,
// and offers a diff Rule ↔ Action and the check's result.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { ConvertNote } from '../../shared/convertResult';
import { ConvertRequest, type ConvertResponse } from '../../shared/protocol';
import { inBackground } from '../../shared/background';

/** The notification's button that opens the diff Rule ↔ Action. */
const diffButton = 'Open Rule ↔ Action diff';

/** What the command returns: the Action's document, the files it wrote, the notes and the check. */
export interface ConvertCommandResult {
  uri: string;
  files: string[];
  todos: ConvertNote[];
  /** The differential check's report (or why it did not run), when it ran. */
  check?: Extract<ConvertResponse, { ok: true }>['check'];
}

export interface ConvertCommandError {
  error: { name: 'NoRuleFile' | 'ConvertFailed' | 'ServerError'; message: string };
}

/** For callers that cannot answer a prompt (tests, other extensions). */
export interface ConvertCommandOptions {
  /** What to do when the Action's file exists: `ask` (default), `overwrite`, or `keep` (open it untitled instead). */
  existing?: 'ask' | 'overwrite' | 'keep';
  /** Open the diff Rule ↔ Action right away. */
  diff?: boolean;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(() => true, () => false);
}

function fail(log: vscode.LogOutputChannel, name: ConvertCommandError['error']['name'], message: string): ConvertCommandError {
  log.warn(message);
  inBackground(vscode.window.showErrorMessage(`Duo Rules: ${message}`), (err) => log.error(`Could not show a message: ${String(err)}`));
  return { error: { name, message } };
}

/** The files to write: deploy-cli code + JSON, or <name>.action.js beside the Rule; none for an unsaved Rule. */
function planFiles(response: Extract<ConvertResponse, { ok: true }>): { uri: vscode.Uri; text: string }[] {
  if (response.deployCli) {
    return [
      { uri: vscode.Uri.file(response.deployCli.codePath), text: response.deployCli.code },
      { uri: vscode.Uri.file(response.deployCli.jsonPath), text: response.deployCli.json },
    ];
  }
  return response.actionPath ? [{ uri: vscode.Uri.file(response.actionPath), text: response.code }] : [];
}

async function mayWrite(files: { uri: vscode.Uri }[], existing: ConvertCommandOptions['existing']): Promise<boolean> {
  const taken = [];
  for (const f of files) if (await exists(f.uri)) taken.push(f.uri);
  if (taken.length === 0 || existing === 'overwrite') return true;
  if (existing === 'keep') return false;
  const names = taken.map((u) => vscode.workspace.asRelativePath(u)).join(' and ');
  const picked = await vscode.window.showWarningMessage(`${names} already exist${taken.length === 1 ? 's' : ''}. Overwrite with the converted Action?`, { modal: true }, 'Overwrite');
  return picked === 'Overwrite';
}

/** Every login ended in an error or a timeout on both sides: no decision was compared, which is no agreement. */
function comparedNothing(check: { logins: number; failed: number }): boolean {
  return check.logins > 0 && check.failed >= check.logins;
}

/** The Rule sets MFA, but asked for it on no login tried: the check showed nothing about Duo. */
function neverAskedMfa(check: { notes: { kind: string }[] }): boolean {
  return check.notes.some((n) => n.kind === 'unreached');
}

function describeCheck(check: ConvertCommandResult['check']): string | undefined {
  if (!check) return undefined;
  if ('error' in check) return `the differential check did not run (${check.error})`;
  // Logins the matrix could not try are said in the verdict itself, never left to the log.
  const untried = check.notes.filter((n) => n.kind !== 'stand-in').length;
  const but = untried ? ` (but not every login was tried: ${untried} note${untried === 1 ? '' : 's'} in the log)` : '';
  if (check.divergences.length === 0 && comparedNothing(check)) {
    return `the differential check compared no decision: all ${check.logins} logins ended in an error or a timeout on both sides (the reason is in the log)`;
  }
  if (check.divergences.length === 0 && neverAskedMfa(check)) {
    return `the differential check found no login on which the Rule asks for MFA, so it does not show that the Action asks for Duo where the Rule did (details in the log)`;
  }
  if (check.divergences.length === 0) return `the Rule and the Action decide alike on all ${check.logins} logins tried${but}`;
  return `${check.divergences.length} divergence${check.divergences.length === 1 ? '' : 's'} between Rule and Action in ${check.logins} logins${but}`;
}

function logCheck(log: vscode.LogOutputChannel, check: ConvertCommandResult['check']): void {
  if (!check || 'error' in check) return;
  log.info(`Differential check: ${check.logins} logins, ${check.agreeing - check.failed} agree, ${check.failed} failed on both sides, ${check.divergences.length} divergence(s).`);
  for (const n of check.notes) log[n.kind === 'stand-in' ? 'info' : 'warn'](`  ${n.kind === 'stand-in' ? 'note' : n.kind === 'capped' ? 'CAPPED' : n.kind === 'failed' ? 'FAILED' : n.kind === 'unreached' ? 'NOT REACHED' : 'NOT TRIED'}: ${n.message}`);
  for (const d of check.divergences) {
    log.info(`  DIVERGES on ${d.fields.join(', ')} in ${d.logins} login(s); smallest: ${d.login}`);
    log.info(`    Rule:   ${JSON.stringify(d.rule)}`);
    log.info(`    Action: ${JSON.stringify(d.action)}`);
  }
}

export async function convertToActionCommand(client: LanguageClient, log: vscode.LogOutputChannel, target?: unknown, options: ConvertCommandOptions = {}): Promise<ConvertCommandResult | ConvertCommandError> {
  const uri = target instanceof vscode.Uri ? target : typeof target === 'string' ? vscode.Uri.parse(target) : vscode.window.activeTextEditor?.document.uri;
  if (!uri) return fail(log, 'NoRuleFile', 'Open the Rule to convert first.');
  let response: ConvertResponse;
  try {
    const document = await vscode.workspace.openTextDocument(uri);
    // The check runs the Rule and the Action: only where the workspace's code may run.
    response = await client.sendRequest(ConvertRequest, { uri: uri.toString(), text: document.getText(), check: vscode.workspace.isTrusted });
  } catch (err) {
    return fail(log, 'ServerError', `Cannot convert ${path.basename(uri.path)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok) return fail(log, 'ConvertFailed', `Cannot convert ${path.basename(uri.path)}: ${response.message}`);

  const planned = planFiles(response);
  const files: string[] = [];
  let actionDocument: vscode.TextDocument;
  if (planned.length && (await mayWrite(planned, options.existing))) {
    for (const f of planned) {
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(f.uri.fsPath)));
      await vscode.workspace.fs.writeFile(f.uri, new TextEncoder().encode(f.text));
      files.push(f.uri.fsPath);
    }
    actionDocument = await vscode.workspace.openTextDocument(planned[0].uri);
  } else {
    if (planned.length) log.warn(`${vscode.workspace.asRelativePath(planned[0].uri)} exists and was kept; the converted Action opens in a new editor.`);
    actionDocument = await vscode.workspace.openTextDocument({ language: 'javascript', content: response.code });
  }
  await vscode.window.showTextDocument(actionDocument, { preview: false });
  const showDiff = () => vscode.commands.executeCommand('vscode.diff', uri, actionDocument.uri, `${path.basename(uri.path)} ↔ post-login Action`);
  if (options.diff) await showDiff();

  const where = files.length ? files.map((f) => vscode.workspace.asRelativePath(f)).join(' and ') : 'a new editor';
  log.info(`Converted ${uri.toString(true)} to a post-login Action in ${where}.`);
  for (const note of response.notes) log.info(`  ${note.blocking ? 'TODO' : 'note'} (Action line ${note.line}): ${note.message}`);
  logCheck(log, response.check);
  const blocking = response.notes.filter((n) => n.blocking).length;
  const todoText = blocking === 0 ? 'nothing left to do by hand' : `${blocking} TODO comment${blocking === 1 ? '' : 's'} to finish in the code`;
  const checkText = describeCheck(response.check);
  // A check that compared nothing, or never saw the Rule ask for MFA, warns like a divergence: it is no evidence the
  // Action decides as the Rule.
  const diverged = !!response.check && !('error' in response.check) && (response.check.divergences.length > 0 || comparedNothing(response.check) || neverAskedMfa(response.check));
  const show = diverged || response.notes.length ? 'Show Details' : undefined;
  inBackground(vscode.window[diverged ? 'showWarningMessage' : 'showInformationMessage'](
    `Duo Rules: converted ${path.basename(uri.path)} to a post-login Action in ${where}; ${todoText}${checkText ? `; ${checkText}` : ''}.`,
    diffButton, ...(show ? [show] : []),
  ).then(async (picked) => {
    if (picked === diffButton) await showDiff();
    else if (picked) log.show(true);
  }), (err) => log.error(`Could not show the converted Action: ${String(err)}`));
  return { uri: actionDocument.uri.toString(), files, todos: response.notes, ...(response.check ? { check: response.check } : {}) };
}
