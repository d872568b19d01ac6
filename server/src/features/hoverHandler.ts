// textDocument/hover: thin handler over analysis/hover.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { hover, hoverFromModel, type HoverAnswer } from '../analysis/hover';
import type { ServerContext } from './context';

export function register(ctx: ServerContext): void {
  ctx.connection.onHover(async (params): Promise<Hover | null> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return null;
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable) return null;
    const offset = document.offsetAt(params.position);
    const text = document.getText();
    // The cached model answers when it is current, or when the hovered token ends before the first character
    // edited since it was built. Otherwise the analysis thread (which holds the latest model) answers, or,
    // before that thread runs, the file is parsed now (the diagnostics run then reuses that model).
    const cached = ctx.getModel(document.uri);
    let answer: HoverAnswer | undefined | 'stale' = cached ? hoverFromModel(cached, text, offset) : 'stale';
    if (answer === 'stale' && ctx.analysisThread?.available()) {
      try {
        answer = (await ctx.analysisThread.hover(document.uri, document.version, text, offset)) ?? undefined;
      } catch (err) {
        ctx.log(`duo-rules: the analysis thread could not answer a hover in ${document.uri}, answering here: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (answer === 'stale') {
      const model = ctx.ensureModel(document.uri);
      answer = model && hover(model, offset);
    }
    if (!answer) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: answer.contents },
      range: { start: document.positionAt(answer.range.start), end: document.positionAt(answer.range.end) },
    };
  });
}
