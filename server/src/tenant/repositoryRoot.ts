// Is a folder an auth0-deploy-cli repository? The deploy-cli module's definition (rules/,
// rules-configs/, actions/ or a tenant file), plus the folders only the doctor reads (triggers/,
// guardian/). Kept apart from the reader and its YAML parser, so the language server can ask
// cheaply for every workspace folder.
import { join } from 'node:path';
import { findDeployCliRootsBelow, isDeployCliRoot, isDirectory, listJsonFiles, listTenantFiles } from '../deployCli/repository';

/** The tenant.yaml/tenant.yml of a YAML-format repository at `dir`, if any. */
export function yamlFileIn(dir: string): string | undefined {
  return listTenantFiles(dir)[0];
}

/** Is `dir` the root of a deploy-cli repository (either format)? */
export function isDeployRepository(dir: string): boolean {
  return isDeployCliRoot(dir) || ['triggers', 'guardian'].some((d) => isDirectory(join(dir, d)));
}

/**
 * Below a workspace folder a folder counts only when it holds deploy-cli files, not merely a folder
 * named rules/ or actions/ (an application's source tree has those, with .js files).
 */
function holdsDeployFiles(dir: string): boolean {
  if (!isDeployRepository(dir)) return false;
  if (yamlFileIn(dir)) return true;
  return ['rules', 'rules-configs', 'actions', 'triggers', join('guardian', 'factors')].some((d) => listJsonFiles(join(dir, d)).length > 0);
}

/** The deploy-cli repositories of a workspace folder: the folder itself, or those below it (tenants/prod/, …). */
export function findDeployRepositories(folder: string): string[] {
  if (isDeployRepository(folder)) return [folder];
  return findDeployCliRootsBelow(folder, holdsDeployFiles);
}
