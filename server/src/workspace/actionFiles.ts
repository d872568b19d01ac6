// Where a converted Rule goes in an auth0-deploy-cli repository: actions/<name>/code.js plus
// actions/<name>.json shaped like the repository's existing actions. The JSON
// itself comes from the converter's pure buildActionJson, shared with `duo-rules convert`.
import { dirname, join, resolve } from 'node:path';
import type { DeployCliActionPlan } from '../../../shared/convertResult';
import { actionFileName, buildActionJson } from '../analysis/convertDeploy';
import { findDeployCliRoot, isDirectory, readActionTemplate } from './repository';

/** Null unless the rule sits in `rules/` next to `actions/` or `rules-configs/`. */
export function planDeployCliAction(ruleFile: string, name: string, code: string, secrets: string[]): DeployCliActionPlan | null {
  const root = findDeployCliRoot(ruleFile);
  if (!root || dirname(resolve(ruleFile)) !== join(root, 'rules')) return null;
  const actionsDir = join(root, 'actions');
  if (!isDirectory(actionsDir) && !isDirectory(join(root, 'rules-configs'))) return null;
  const fileName = actionFileName(name);
  const json = buildActionJson(name, `./actions/${fileName}/code.js`, secrets, readActionTemplate(actionsDir));
  return {
    codePath: join(actionsDir, fileName, 'code.js'),
    jsonPath: join(actionsDir, `${fileName}.json`),
    json: JSON.stringify(json, null, 2) + '\n',
    code,
  };
}
