// `duoRules/status`: tells the client what kind of file each analysed document is, so the
// status bar and the `duoRules.fileKind` context key (menus) follow the server's recognition.
// The client counts the problems itself from the published diagnostics.
import type { FileKind } from '../../../shared/fileKind';
import { StatusNotification, type FileStatus } from '../../../shared/protocol';
import { inBackground } from '../../../shared/background';
import type { ServerContext } from './context';

export function register(ctx: ServerContext): void {
  const sent = new Map<string, FileKind>();
  ctx.onModelBuilt((uri, summary) => {
    const kind = summary?.kind ?? 'other';
    if (sent.get(uri) !== kind) {
      sent.set(uri, kind);
      inBackground(ctx.connection.sendNotification(StatusNotification, { uri, kind } satisfies FileStatus), (err) => ctx.log(`duo-rules: could not send the status of ${uri}: ${String(err)}`));
    }
  });
  ctx.documents.onDidClose((e) => sent.delete(e.document.uri));
}
