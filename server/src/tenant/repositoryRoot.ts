// Is a folder an auth0-deploy-cli repository? Kept apart from the reader (and its YAML parser)
// so the language server can ask cheaply for every workspace folder.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The tenant.yaml/tenant.yml of a YAML-format repository at `dir`, if any. */
export function yamlFileIn(dir: string): string | undefined {
  return [join(dir, 'tenant.yaml'), join(dir, 'tenant.yml')].find((c) => existsSync(c) && !isDir(c));
}

/** Is `dir` the root of a deploy-cli repository (either format)? */
export function isDeployRepository(dir: string): boolean {
  return yamlFileIn(dir) !== undefined || ['rules', 'actions', 'triggers', 'guardian'].some((d) => isDir(join(dir, d)));
}
