// What the extension and the language server agree on. The extension imports nothing else from
// the server: every custom request and notification, their parameters and results, and the
// files the extension watches on the server's behalf are declared here.
import { DEPLOY_CONFIG_GLOBS } from '../server/src/deployCli/layout';

/** auth0-deploy-cli files that declare `configuration` / `event.secrets` keys (and may hold plaintext secrets). */
export const deployConfigGlobs: readonly string[] = DEPLOY_CONFIG_GLOBS;

/** Files whose changes the extension forwards to the server (`workspace/didChangeWatchedFiles`). */
export const watchedFileGlobs: readonly string[] = [...DEPLOY_CONFIG_GLOBS, '**/.duo-rules.json'];
