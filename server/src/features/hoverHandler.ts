// textDocument/hover: thin handler over analysis/hover.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { hover, type HoverAnswer } from '../analysis/hover';
import type { ServerContext } from './context';

/** How many leading characters two texts share. */
function sharedPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function register(ctx: ServerContext): void {
  ctx.connection.onHover(async (params): Promise<Hover | null> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return null;
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable) return null;
    const offset = document.offsetAt(params.position);
    const text = document.getText();
    // A large file waits for a pause in typing before it is re-analysed. The cached model answers
    // when it is current, or when the hovered token ends before the first character edited since it was built;
    // otherwise the file is parsed now (the diagnostics run then reuses that model).
    const cached = ctx.getModel(document.uri);
    let answer: HoverAnswer | null | undefined = cached && hover(cached, offset);
    if (!cached || (cached.text !== text && !(answer && answer.range.end < sharedPrefixLength(cached.text, text)))) {
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
