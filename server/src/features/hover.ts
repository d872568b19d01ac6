// textDocument/hover: thin handler over analysis/hover.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { hover } from '../analysis/hover';
import type { ServerContext } from './context';

export function register(ctx: ServerContext): void {
  ctx.connection.onHover(async (params): Promise<Hover | null> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return null;
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable) return null;
    const model = ctx.ensureModel(document.uri);
    if (!model) return null;
    const answer = hover(model, document.offsetAt(params.position));
    if (!answer) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: answer.contents },
      range: { start: document.positionAt(answer.range.start), end: document.positionAt(answer.range.end) },
    };
  });
}
