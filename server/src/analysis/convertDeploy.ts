// The auth0-deploy-cli side of conversion: names and the actions/<name>.json of a converted
// Rule. Pure, shared by the CLI and the editor command.

export interface RuleMeta {
  /** The rule's name in rules/<name>.json (or its file name). */
  name: string;
  /** Its position in the Rules pipeline. */
  order?: number;
  enabled: boolean;
}

/** `2`, `my rule`, width 2 -> `02-my rule`: keeps the pipeline order visible (and sorted) in the Action names. */
export function orderedActionName(name: string, order: number | undefined, width = 1): string {
  return order === undefined ? name : `${String(order).padStart(width, '0')}-${name}`;
}

/** A file-system-safe version of an Action name, as deploy-cli uses for actions/<name>.json. */
export function actionFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._ -]/g, '-').trim() || 'action';
}

const defaultActionJson = {
  name: '',
  code: '',
  runtime: 'node22',
  dependencies: [] as unknown[],
  secrets: [] as { name: string; value: string }[],
  supported_triggers: [{ id: 'post-login', version: 'v3' }],
  deployed: false,
};

/**
 * The actions/<name>.json of a converted Rule. Secret values are deploy-cli keyword tokens
 * (`##KEY##`), never real values. With `template` (an existing Action JSON of the repository)
 * the key order, runtime and trigger version follow the repository's own Actions.
 */
export function buildActionJson(name: string, codePath: string, secretNames: readonly string[], template?: Record<string, unknown>): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ...defaultActionJson,
    name,
    code: codePath,
    secrets: secretNames.map((s) => ({ name: s, value: `##${s}##` })),
  };
  if (!template) return json;
  if (typeof template.runtime === 'string') json.runtime = template.runtime;
  const triggers = Array.isArray(template.supported_triggers) ? template.supported_triggers as { id?: unknown; version?: unknown }[] : [];
  const postLogin = triggers.find((t) => t && t.id === 'post-login');
  if (postLogin && typeof postLogin.version === 'string') json.supported_triggers = [{ id: 'post-login', version: postLogin.version }];
  // Same key order as the repository's files, so diffs between Actions stay small.
  const ordered: Record<string, unknown> = {};
  for (const key of Object.keys(template)) if (key in json) ordered[key] = json[key];
  for (const key of Object.keys(json)) if (!(key in ordered)) ordered[key] = json[key];
  return ordered;
}
