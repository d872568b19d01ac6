// Is a folder an auth0-deploy-cli export the doctor can read? Kept apart from the reader (and its
// YAML parser) so the language server can ask cheaply for every workspace folder.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeployCliRoot, listTenantFiles } from '../deployCli/repository';

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The tenant.yaml/tenant.yml of a YAML-format repository at `dir`, if any. */
export function yamlFileIn(dir: string): string | undefined {
  return listTenantFiles(dir)[0];
}

/** Is `dir` the root of a deploy-cli repository (either format)? An export may hold only triggers/ or guardian/. */
export function isDeployRepository(dir: string): boolean {
  return isDeployCliRoot(dir) || ['triggers', 'guardian'].some((d) => isDir(join(dir, d)));
}
