// "Run" and "Verify Duo" above each Rule function and post-login Action export.
import { CodeLensRefreshRequest, type CodeLens } from 'vscode-languageserver/node';
import { summarizeModel } from '../analysis/modelSummary';
import type { AnalysedText, ServerContext } from './context';

export function register(ctx: ServerContext): void {
  // Documents whose lenses came from a model older than their text.
  const servedStale = new Set<string>();

  ctx.connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const uri = params.textDocument.uri;
    // `duoRules.enable: false` turns the extension's in-editor features off for the file.
    if (!(await ctx.getSettings(uri)).enable) return [];
    const document = ctx.documents.get(uri);
    // Lenses are requested after every edit: re-parsing here would block typing in a large file,
    // so the latest diagnostics run's summary serves (a stale one may misplace a lens until the
    // refresh below). Only a document not analysed yet is parsed, and the diagnostics run reuses that model.
    let analysed: AnalysedText | undefined = ctx.getSummary(uri);
    if (!analysed) {
      const model = ctx.ensureModel(uri);
      analysed = model && { text: model.text, summary: summarizeModel(model) };
    }
    if (!document || !analysed) return [];
    if (analysed.text !== document.getText()) servedStale.add(uri);
    return analysed.summary.runAnchors.flatMap((anchor) => {
      const position = document.positionAt(anchor.start);
      const range = { start: position, end: position };
      return [
        { range, command: { title: 'Run', tooltip: 'Run against the mock user and show what the login would require', command: 'duoRules.runRule', arguments: [uri] } },
        { range, command: { title: 'Verify Duo', tooltip: 'Run, then check the resulting Duo keys, host and enrolment with Duo', command: 'duoRules.verifyDuo', arguments: [uri] } },
      ];
    });
  });

  // Runs once the diagnostics run has built the current model: stale lenses are asked for again.
  ctx.addDiagnosticProvider((document) => {
    if (servedStale.delete(document.uri) && ctx.clientCapabilities.workspace?.codeLens?.refreshSupport) {
      ctx.connection.sendRequest(CodeLensRefreshRequest.type).catch((err: unknown) => ctx.log(`duo-rules: code lens refresh failed: ${String(err)}`));
    }
    return [];
  });
  ctx.documents.onDidClose((e) => servedStale.delete(e.document.uri));
}
