// The runner, the Duo verifier and the tenant code, loaded on the first request that needs them:
// from their own bundle beside dist/server.js, or the module itself when the sources run
// unbundled (out/, tests). The language server starts without them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

type RunAndVerify = typeof import('./runAndVerify');
let loaded: RunAndVerify | undefined;

export function loadRunAndVerify(): RunAndVerify {
  if (!loaded) {
    const bundled = join(__dirname, 'serverRunAndVerify.js');
    loaded = require(existsSync(bundled) ? bundled : join(__dirname, 'runAndVerify.js')) as RunAndVerify;
  }
  return loaded;
}
