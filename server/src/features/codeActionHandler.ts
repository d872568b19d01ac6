// textDocument/codeAction: quick fixes for duo-rules findings, source.fixAll.duoRules (for
// editor.codeActionsOnSave) and the Convert Rule refactor. Thin: the fixes come from analysis/codeActions.
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostic, type AnalyzeOptions, type Finding } from '../analysis/diagnostics';
import type { TextEditOffsets } from '../analysis/codeActions';
import { planCodeActions, type CodeActionQuery, type CodeActionsPlan } from '../analysis/codeActionPlan';
import { fixDeployConfigSecret } from '../workspace/configLint';
import type { ServerContext } from './context';

const fixAllKind = `${CodeActionKind.SourceFixAll}.duoRules`;
export const codeActionKinds = [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite, fixAllKind];

function toTextEdits(document: TextDocument, edits: readonly TextEditOffsets[]): TextEdit[] {
  return edits.map((e) => ({ range: { start: document.positionAt(e.start), end: document.positionAt(e.end) }, newText: e.newText }));
}

/** The file name of a `file:` URI (the rule's name is derived from it). */
function fileNameOf(uri: string): string | undefined {
  return uri.startsWith('file:') ? decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1)) : undefined;
}

/** VS Code's JavaScript check reports an anonymous top-level function as "Identifier expected. ts(1003)". */
function isIdentifierExpected(d: Diagnostic): boolean {
  return d.code === 1003 || d.code === '1003';
}

/** The client's own diagnostic for a finding when it sent one (same code and range), else ours. */
function matchDiagnostic(document: TextDocument, finding: Finding, sent: Diagnostic[]): Diagnostic {
  return sent.find((d) => d.code === finding.code && document.offsetAt(d.range.start) === finding.offsets.start && document.offsetAt(d.range.end) === finding.offsets.end)
    ?? toDiagnostic(finding);
}

export function register(ctx: ServerContext): void {
  ctx.connection.onCodeAction(async (params, token): Promise<CodeAction[]> => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document) return [];
    const settings = await ctx.getSettings(document.uri);
    if (!settings.enable || token.isCancellationRequested) return [];
    const only = params.context.only;
    const wants = (kind: string, onlyWhenAsked = false): boolean =>
      only ? only.some((o) => kind === o || kind.startsWith(`${o}.`)) : !onlyWhenAsked;
    const uri = document.uri;
    const range = { start: document.offsetAt(params.range.start), end: document.offsetAt(params.range.end) };
    const actions: CodeAction[] = [];

    // A plaintext secret in a deploy-cli config file.
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of params.context.diagnostics) {
        if (d.code !== 'hardcoded-secret') continue;
        const fix = fixDeployConfigSecret(uri, document.getText(), document.offsetAt(d.range.start), document.offsetAt(d.range.end));
        if (fix) actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: true, edit: { changes: { [uri]: toTextEdits(document, [fix]) } } });
      }
      if (actions.length) return actions;
    }

    // VS Code asks for the light bulb on every cursor move and asks again when the diagnostics change:
    // those requests answer from a model of the current text only, so typing in a large file never waits for a
    // parse. Requests for a kind (fix-all on save) and invoked ones always see the current text.
    const lightBulb = params.context.triggerKind === CodeActionTriggerKind.Automatic && !only;
    const tsErrors = params.context.diagnostics.filter(isIdentifierExpected);
    const offsetsOf = (d: Diagnostic) => ({ start: document.offsetAt(d.range.start), end: document.offsetAt(d.range.end) });
    const query: CodeActionQuery = { range, fileName: fileNameOf(uri), syntaxErrors: tsErrors.map(offsetsOf), quickFixes: wants(CodeActionKind.QuickFix), fixAll: wants(fixAllKind, true) };
    const plan = await planFor(ctx, document, lightBulb, query);
    if (!plan || plan.kind === 'other' || token.isCancellationRequested) return token.isCancellationRequested ? [] : actions;

    for (const fix of plan.quickFixes) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: fix.findings.map((finding) => matchDiagnostic(document, finding, params.context.diagnostics)),
        isPreferred: fix.safe,
        edit: { changes: { [uri]: toTextEdits(document, fix.edits) } },
      });
    }
    if (plan.naming) {
      const fixed = plan.naming.fixes.map((i) => tsErrors[i]);
      actions.push({ title: plan.naming.title, kind: CodeActionKind.QuickFix, diagnostics: fixed, isPreferred: fixed.length > 0, edit: { changes: { [uri]: toTextEdits(document, plan.naming.edits) } } });
    }
    if (plan.fixAllEdits.length) {
      actions.push({ title: 'Fix all auto-fixable Duo problems', kind: fixAllKind, edit: { changes: { [uri]: toTextEdits(document, plan.fixAllEdits) } } });
    }
    if (plan.kind === 'rule' && wants(CodeActionKind.RefactorRewrite)) {
      actions.push({
        title: 'Convert Rule to post-login Action',
        kind: CodeActionKind.RefactorRewrite,
        command: { title: 'Convert Rule to Post-Login Action', command: 'duoRules.convertToAction', arguments: [uri] },
      });
    }
    return actions;
  });
}

/**
 * The plan from the analysis thread once it runs (it holds the latest model), else from the main thread's
 * model. For the light bulb only a model of the current text counts; none means no plan.
 */
async function planFor(ctx: ServerContext, document: TextDocument, lightBulb: boolean, query: CodeActionQuery): Promise<CodeActionsPlan | undefined> {
  const uri = document.uri;
  const text = document.getText();
  const settings = await ctx.getSettings(uri);
  const options: AnalyzeOptions = { severities: settings.severities, declaredConfigurationKeys: await ctx.getDeclaredKeys(uri) };
  const current = ctx.getCurrentModel(uri);
  const thread = ctx.analysisThread;
  if (!current && thread?.available()) {
    if (lightBulb && ctx.getSummary(uri)?.text !== text) return undefined;
    try {
      return await thread.codeActions(uri, document.version, text, options, query);
    } catch (err) {
      ctx.log(`duo-rules: the analysis thread could not plan code actions for ${uri}, planning here: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const model = lightBulb ? current : ctx.ensureModel(uri);
  return model && planCodeActions(model, options, query);
}
