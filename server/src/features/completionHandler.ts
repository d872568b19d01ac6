// textDocument/completion: thin handler over analysis/completion. It never analyses the file:
// the latest analysis (possibly a version behind) only supplies the file kind and parameter names.
import { type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import { complete, type FileShape } from '../analysis/completion';
import { ScanCheckpoints } from '../analysis/completionScan';
import type { ServerContext } from './context';
import type { DocumentEdits } from './documentEdits';

/** Characters that open a completion context: member access, quotes, object and argument starts. */
export const completionTriggerCharacters = ['.', "'", '"', '{', ',', '(', ':'];

export function register(ctx: ServerContext, edits: DocumentEdits): void {
  // Each document's scan, kept so that a completion scans from near the caret rather than from the file's start.
  // Every edit is reported to it, so it knows what changed without comparing the texts.
  const scans = new Map<string, ScanCheckpoints>();
  ctx.documents.onDidClose((e) => scans.delete(e.document.uri));
  edits.onEdited((uri, unchangedBefore) => scans.get(uri)?.edited(unchangedBefore));
  ctx.connection.onCompletion(async (params, token): Promise<CompletionList | null> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return null;
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable || token.isCancellationRequested) return null;
    const text = document.getText();
    const analysed = ctx.getSummary(document.uri);
    // The latest analysis decides the kind when it is of the current text; an older one still knows the parameter names.
    const summary = analysed && (analysed.text === text || analysed.summary.kind !== 'other') ? analysed.summary : undefined;
    const shape: FileShape | undefined = summary && { kind: summary.kind, userName: summary.userName, contextName: summary.contextName, eventName: summary.eventName, apiName: summary.apiName };
    const declaredKeys = await ctx.getDeclaredKeys(document.uri);
    if (token.isCancellationRequested) return null;
    let checkpoints = scans.get(document.uri);
    if (!checkpoints) scans.set(document.uri, (checkpoints = new ScanCheckpoints()));
    const answer = complete({ text, offset: document.offsetAt(params.position), shape, declaredKeys, checkpoints });
    if (!answer) return null;
    const range = { start: document.positionAt(answer.replace.start), end: document.positionAt(answer.replace.end) };
    const items: CompletionItem[] = answer.items.map((item) => ({ ...item, textEdit: { range, newText: item.insertText ?? item.label }, insertText: undefined }));
    return { isIncomplete: false, items };
  });
}
