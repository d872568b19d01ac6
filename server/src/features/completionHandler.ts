// textDocument/completion: thin handler over analysis/completion. It never analyses the file:
// the cached model (possibly a version behind) only supplies the file kind and parameter names.
import { type CompletionItem, type CompletionList } from 'vscode-languageserver/node';
import { complete, type FileShape } from '../analysis/completion';
import type { ServerContext } from './context';

/** Characters that open a completion context: member access, quotes, object and argument starts. */
export const completionTriggerCharacters = ['.', "'", '"', '{', ',', '(', ':'];

export function register(ctx: ServerContext): void {
  ctx.connection.onCompletion(async (params, token): Promise<CompletionList | null> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return null;
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable || token.isCancellationRequested) return null;
    const text = document.getText();
    const model = ctx.getModel(document.uri);
    // The cached model decides the kind when it is current; a stale one still knows the parameter names.
    const shape: FileShape | undefined = model && (model.text === text || model.kind !== 'other')
      ? { kind: model.kind, userName: model.userName, contextName: model.contextName, eventName: model.eventName, apiName: model.apiName }
      : undefined;
    const declaredKeys = await ctx.getDeclaredKeys(document.uri);
    if (token.isCancellationRequested) return null;
    const answer = complete({ text, offset: document.offsetAt(params.position), shape, declaredKeys });
    if (!answer) return null;
    const range = { start: document.positionAt(answer.replace.start), end: document.positionAt(answer.replace.end) };
    const items: CompletionItem[] = answer.items.map((item) => ({ ...item, textEdit: { range, newText: item.insertText ?? item.label }, insertText: undefined }));
    return { isIncomplete: false, items };
  });
}
