// Is a folder an auth0-deploy-cli repository? The deploy-cli module's definition (rules/,
// rules-configs/, actions/ or a tenant file), plus the folders only the doctor reads (triggers/,
// guardian/). Kept apart from the reader and its YAML parser, so the language server can ask
// cheaply for every workspace folder.
import { join } from 'node:path';
import { isDeployCliRoot, isDirectory, listTenantFiles } from '../deployCli/repository';

/** The tenant.yaml/tenant.yml of a YAML-format repository at `dir`, if any. */
export function yamlFileIn(dir: string): string | undefined {
  return listTenantFiles(dir)[0];
}

/** Is `dir` the root of a deploy-cli repository (either format)? */
export function isDeployRepository(dir: string): boolean {
  return isDeployCliRoot(dir) || ['triggers', 'guardian'].some((d) => isDirectory(join(dir, d)));
}
