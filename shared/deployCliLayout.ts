// Where auth0-deploy-cli keeps what: the file names and folders of a repository in its
// directory format (rules/, rules-configs/, actions/) or YAML format (tenant.yaml). Pure: no I/O,
// so the extension's file watchers can use the same globs through the protocol module.

/** Which deploy-cli configuration file a path is. */
export type DeployConfigKind = 'rulesConfig' | 'actionJson' | 'tenantYaml';

/** The YAML format's file; deploy-cli accepts both spellings. */
export const TENANT_FILE_NAMES = ['tenant.yaml', 'tenant.yml'] as const;

/** Folders whose presence marks a repository root (besides a tenant file). */
export const REPOSITORY_FOLDERS = ['rules', 'rules-configs', 'actions'] as const;

/** Folders of an export that only the doctor reads: the trigger bindings and the MFA factors. */
export const EXPORT_ONLY_FOLDERS = ['triggers', 'guardian'] as const;

/** Globs of the configuration files, relative to a workspace folder (for file watchers). */
export const DEPLOY_CONFIG_GLOBS = ['**/rules-configs/*.json', '**/actions/*.json', ...TENANT_FILE_NAMES.map((name) => `**/${name}`)] as const;

/** Which configuration file a path (or file URI) is, judged by its last segments. */
export function classifyDeployConfigPath(path: string): DeployConfigKind | undefined {
  const p = path.replace(/\\/g, '/');
  if (/(^|\/)rules-configs\/[^/]+\.json$/i.test(p)) return 'rulesConfig';
  if (/(^|\/)actions\/[^/]+\.json$/i.test(p)) return 'actionJson';
  if (/(^|\/)tenant\.ya?ml$/i.test(p)) return 'tenantYaml';
  return undefined;
}

/**
 * The deploy-cli name of an Action from its code path (`actions/<name>/code.js` or `actions/<name>.js`),
 * whose secrets live in `actions/<name>.json`; undefined for a file outside that layout.
 */
export function deployActionNameOf(path: string | undefined): string | undefined {
  const match = path ? /[\\/]actions[\\/]([^\\/]+?)(?:[\\/][^\\/]+|\.js)$/.exec(path) : null;
  return match ? match[1] : undefined;
}
