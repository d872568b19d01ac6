// Where a converted Rule goes in an auth0-deploy-cli repository: actions/<name>/code.js plus
// actions/<name>.json shaped like the repository's existing actions (issue 3 §5). The JSON
// itself comes from the converter's pure buildActionJson, shared with `duo-rules convert`.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { actionFileName, buildActionJson } from '../analysis/convertDeploy';

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

/** The first readable actions/*.json: new actions copy its key order, runtime and trigger version. */
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

/** Null unless the rule sits in `rules/` next to `actions/` or `rules-configs/`. */
export async function planDeployCliAction(ruleFile: string, name: string, code: string, secrets: string[]): Promise<DeployCliActionPlan | null> {
  const rulesDir = dirname(ruleFile);
  if (basename(rulesDir) !== 'rules') return null;
  const root = dirname(rulesDir);
  const actionsDir = join(root, 'actions');
  if (!(await isDirectory(actionsDir)) && !(await isDirectory(join(root, 'rules-configs')))) return null;
  const fileName = actionFileName(name);
  const json = buildActionJson(name, `./actions/${fileName}/code.js`, secrets, await readExistingAction(actionsDir));
  return {
    codePath: join(actionsDir, fileName, 'code.js'),
    jsonPath: join(actionsDir, `${fileName}.json`),
    json: JSON.stringify(json, null, 2) + '\n',
    code,
  };
}
