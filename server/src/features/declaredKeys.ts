// Workspace configuration keys and deploy-cli config-file secrets in the language server:
// declared keys feed `unknown-configuration-key` and completion; rules-configs/*.json,
// actions/*.json and tenant.yaml get `hardcoded-secret` diagnostics when the client syncs them.
import { fileURLToPath } from 'node:url';
import { lintDeployConfig } from '../deployCli/configLint';
import { classifyDeployConfigPath } from '../deployCli/layout';
import { DeclaredKeysIndex } from '../deployCli/declaredKeys';
import type { ServerContext } from './context';

function filePathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

export function register(ctx: ServerContext): void {
  const index = new DeclaredKeysIndex();

  ctx.setDeclaredKeysProvider((uri) => {
    const path = filePathOf(uri);
    if (path) {
      const folder = ctx.workspaceFolders.filter((f) => path.startsWith(f)).sort((a, b) => b.length - a.length)[0];
      return index.keysFor(path, folder);
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
