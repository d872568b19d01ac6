// Workspace configuration keys and deploy-cli config-file secrets in the language server:
// declared keys feed `unknown-configuration-key` and completion; rules-configs/*.json,
// actions/*.json and tenant.yaml get `hardcoded-secret` diagnostics when the client syncs them.
import { lintDeployConfig } from '../workspace/configLint';
import { classifyDeployConfigPath } from '../../../shared/deployCliLayout';
import { DeclaredKeysIndex } from '../workspace/declaredKeys';
import type { ServerContext } from './context';
import { filePathOf, folderOf } from './uris';

export function register(ctx: ServerContext): void {
  const index = new DeclaredKeysIndex();

  ctx.setDeclaredKeysProvider((uri) => {
    const path = filePathOf(uri);
    if (path) {
      return index.keysFor(path, folderOf(path, ctx.workspaceFolders));
    }
    // Untitled buffers: whatever the workspace folders themselves declare.
    return [...new Set(ctx.workspaceFolders.flatMap((f) => index.keysFor(`${f}/_`, f)))];
  });

  const changed = (): void => {
    index.clear();
    ctx.refreshDiagnostics();
  };
  ctx.onWatchedFilesChanged((changes) => {
    if (changes.some((c) => classifyDeployConfigPath(c.uri))) changed();
  });
  // Without client file watchers a save in the editor still refreshes the keys.
  ctx.documents.onDidSave((e) => {
    if (classifyDeployConfigPath(e.document.uri)) changed();
  });

  ctx.addDiagnosticProvider((document, settings) =>
    settings.enable ? lintDeployConfig(document.uri, document.getText(), settings.severities) : []);
}
