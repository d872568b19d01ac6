// Where a converted Rule goes in an auth0-deploy-cli repository: actions/<name>/code.js plus
// actions/<name>.json shaped like the repository's existing actions (issue 3 §5).
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface DeployCliActionPlan {
  /** Absolute path of actions/<name>/code.js. */
  codePath: string;
  /** Absolute path of actions/<name>.json. */
  jsonPath: string;
  /** The JSON text to write (secrets as deploy-cli keyword tokens, never values). */
  json: string;
  /** The Action's code (identical to the conversion result). */
  code: string;
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

/** The first readable actions/*.json, whose runtime and trigger version new actions copy. */
async function readExistingAction(actionsDir: string): Promise<Record<string, unknown> | undefined> {
  const names = await readdir(actionsDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    try {
      const value: unknown = JSON.parse(await readFile(join(actionsDir, name), 'utf8'));
      if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Unreadable or malformed: try the next one.
    }
  }
  return undefined;
}

function triggerVersion(template: Record<string, unknown> | undefined): string {
  const triggers = Array.isArray(template?.supported_triggers) ? template.supported_triggers : [];
  const postLogin = triggers.find((t: { id?: unknown }) => t?.id === 'post-login') as { version?: unknown } | undefined;
  return typeof postLogin?.version === 'string' ? postLogin.version : 'v3';
}

/** Null unless the rule sits in `rules/` next to `actions/` or `rules-configs/`. */
export async function planDeployCliAction(ruleFile: string, name: string, code: string, secrets: string[]): Promise<DeployCliActionPlan | null> {
  const rulesDir = dirname(ruleFile);
  if (basename(rulesDir) !== 'rules') return null;
  const root = dirname(rulesDir);
  const actionsDir = join(root, 'actions');
  if (!(await isDirectory(actionsDir)) && !(await isDirectory(join(root, 'rules-configs')))) return null;
  const template = await readExistingAction(actionsDir);
  const action: Record<string, unknown> = {
    name,
    code: `./actions/${name}/code.js`,
    runtime: typeof template?.runtime === 'string' ? template.runtime : 'node22',
    dependencies: [],
    secrets: secrets.map((secret) => ({ name: secret, value: `##${secret}##` })),
    supported_triggers: [{ id: 'post-login', version: triggerVersion(template) }],
    deployed: typeof template?.deployed === 'boolean' ? template.deployed : false,
  };
  // Same key order as the existing actions, so diffs between action files stay small.
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(template ?? {})) if (key in action) ordered[key] = action[key];
  Object.assign(ordered, action);
  return {
    codePath: join(actionsDir, name, 'code.js'),
    jsonPath: join(actionsDir, `${name}.json`),
    json: JSON.stringify(ordered, null, 2) + '\n',
    code,
  };
}
