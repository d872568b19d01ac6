// "Run" and "Verify Duo" above each Rule function and post-login Action export.
import type { CodeLens } from 'vscode-languageserver/node';
import type { OffsetRange } from '../analysis/model';
import type { ServerContext } from './context';

export function register(ctx: ServerContext): void {
  ctx.connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const uri = params.textDocument.uri;
    // `duoRules.enable: false` turns the extension's in-editor features off for the file.
    if (!(await ctx.getSettings(uri)).enable) return [];
    const document = ctx.documents.get(uri);
    const model = ctx.ensureModel(uri);
    if (!document || !model) return [];
    const anchors: OffsetRange[] =
      model.kind === 'rule' && model.ruleFunction ? [model.ruleFunction.headerRange]
        : model.kind === 'action' ? model.actionExports.filter((e) => e.name === 'onExecutePostLogin').map((e) => e.targetRange)
          : [];
    return anchors.flatMap((anchor) => {
      const position = document.positionAt(anchor.start);
      const range = { start: position, end: position };
      return [
        { range, command: { title: 'Run', tooltip: 'Run against the mock user and show what the login would require', command: 'duoRules.runRule', arguments: [uri] } },
        { range, command: { title: 'Verify Duo', tooltip: 'Run, then check the resulting Duo keys, host and enrolment with Duo', command: 'duoRules.verifyDuo', arguments: [uri] } },
      ];
    });
  });
}
