// Parses auth0-deploy-cli configuration files: which `configuration` / `event.secrets` keys
// they declare, and where they store a Duo secret in plain text. Pure (text in, data out):
// the language server and `duo-rules lint` share it. Secret VALUES are returned only by
// extractDeclaredValues, for the runner's `configuration` / `event.secrets`; never in a message.
import type { Node as YamlNode } from 'yaml';
import type { OffsetRange } from '../analysis/model';
import type { DeployConfigKind } from '../../../shared/deployCliLayout';
import { looksLikeDuoSkey } from '../../../shared/redact';
import { unmarkKeywordTokens } from '../../../shared/keywordTokens';

type Yaml = typeof import('yaml');
let yaml: Yaml | undefined;

/** The YAML parser, loaded when a deploy-cli file is first read: the language server's start-up does not pay for it. */
function loadYaml(): Yaml {
  yaml ??= require('yaml') as Yaml;
  return yaml;
}

/** A tenant.yaml as plain data, for reading the export it holds. Throws the parser's error on invalid YAML. */
export function parseTenantYaml(text: string): unknown {
  return loadYaml().parse(text);
}

/** One `{ key|name, value }` entry of a declared secret. */
interface SecretEntry {
  name: string;
  value?: YamlNode;
}

function readEntries(seq: unknown, nameField: 'key' | 'name'): SecretEntry[] {
  const { isMap, isScalar, isSeq } = loadYaml();
  const entries: SecretEntry[] = [];
  const items = isSeq(seq) ? seq.items : isMap(seq) ? [seq] : [];
  for (const item of items) {
    if (!isMap(item)) continue;
    const name = item.get(nameField, true);
    if (!isScalar(name) || typeof name.value !== 'string') continue;
    entries.push({ name: name.value, value: item.get('value', true) as YamlNode | undefined });
  }
  return entries;
}

function collectEntries(kind: DeployConfigKind, text: string): SecretEntry[] {
  const { isMap, isSeq, parseDocument } = loadYaml();
  // JSON is YAML 1.2, so one parser gives both formats with source ranges.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const root = doc.contents;
  if (!root) return [];
  switch (kind) {
    case 'rulesConfig':
      // A file holds one { key, value } (deploy-cli writes one per key); an array is tolerated.
      return readEntries(root, 'key');
    case 'actionJson':
      return isMap(root) ? readEntries(root.get('secrets', true), 'name') : [];
    case 'tenantYaml': {
      if (!isMap(root)) return [];
      const entries = readEntries(root.get('rulesConfigs', true), 'key');
      const actions = root.get('actions', true);
      if (isSeq(actions)) for (const a of actions.items) if (isMap(a)) entries.push(...readEntries(a.get('secrets', true), 'name'));
      return entries;
    }
  }
}

/** The configuration/secret keys a deploy-cli file declares, in file order. */
export function extractDeclaredKeys(kind: DeployConfigKind, text: string): string[] {
  try {
    return [...new Set(collectEntries(kind, text).map((e) => e.name))];
  } catch {
    return [];
  }
}

/** A declared value; `value` is undefined when the entry has none, or one that is not a string, number or boolean. */
export interface DeclaredValue {
  name: string;
  value: string | undefined;
}

/**
 * The values a deploy-cli file declares for the code Auth0 runs: a rules-configs file's entry,
 * tenant.yaml's `rulesConfigs` (not its Actions' secrets: each Action has its own) or an
 * actions/<name>.json's `secrets`. The text must already have its keywords replaced, as deploy-cli
 * does before parsing. Throws on a file that is not valid JSON/YAML, with the line only (never an
 * excerpt: the file holds secrets), since a half-parsed value would be a wrong one.
 */
export function extractDeclaredValues(kind: DeployConfigKind, text: string): DeclaredValue[] {
  const { isMap } = loadYaml();
  const root = parseStrictly(kind, text);
  const entries = kind === 'rulesConfig'
    ? readEntries(root, 'key')
    : isMap(root) ? readEntries(root.get(kind === 'tenantYaml' ? 'rulesConfigs' : 'secrets', true), kind === 'tenantYaml' ? 'key' : 'name') : [];
  return toDeclaredValues(entries);
}

/**
 * The `secrets` values of one Action: those of an actions/<name>.json (`actionName` is not needed
 * there), or of the entry named `actionName` under tenant.yaml's `actions`. Keywords must already
 * be replaced; throws like extractDeclaredValues.
 */
export function extractActionSecretValues(kind: 'actionJson' | 'tenantYaml', text: string, actionName: string): DeclaredValue[] {
  const { isMap, isScalar, isSeq } = loadYaml();
  const root = parseStrictly(kind, text);
  if (!isMap(root)) return [];
  if (kind === 'actionJson') return toDeclaredValues(readEntries(root.get('secrets', true), 'name'));
  const actions = root.get('actions', true);
  if (!isSeq(actions)) return [];
  for (const action of actions.items) {
    if (!isMap(action)) continue;
    const name = action.get('name', true);
    if (isScalar(name) && typeof name.value === 'string' && unmarkKeywordTokens(name.value) === actionName) return toDeclaredValues(readEntries(action.get('secrets', true), 'name'));
  }
  return [];
}

function parseStrictly(kind: DeployConfigKind, text: string): unknown {
  const doc = loadYaml().parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) throw new Error(`not valid ${kind === 'tenantYaml' ? 'YAML' : 'JSON'} at line ${text.slice(0, error.pos[0]).split('\n').length}`);
  return doc.contents;
}

function toDeclaredValues(entries: SecretEntry[]): DeclaredValue[] {
  const { isScalar } = loadYaml();
  return entries.map(({ name, value }) => {
    const scalar = isScalar(value) ? value.value : undefined;
    const ok = typeof scalar === 'string' || typeof scalar === 'number' || typeof scalar === 'boolean';
    return { name, value: ok ? String(scalar) : undefined };
  });
}

export interface PlaintextSecret {
  /** The declared key, e.g. DUO_SKEY (a name, never the value). */
  name: string;
  /** Range of the value, quotes included. */
  range: OffsetRange;
  /** A message that never quotes the value. */
  message: string;
}

/** Values that look like a Duo secret stored in plain text instead of a deploy-cli keyword token. */
export function findPlaintextSecrets(kind: DeployConfigKind, text: string): PlaintextSecret[] {
  let entries: SecretEntry[];
  try {
    entries = collectEntries(kind, text);
  } catch {
    return [];
  }
  const { isScalar } = loadYaml();
  const found: PlaintextSecret[] = [];
  for (const e of entries) {
    const v = e.value;
    if (!isScalar(v) || typeof v.value !== 'string' || !looksLikeDuoSkey(v.value) || !v.range) continue;
    found.push({
      name: e.name,
      range: { start: v.range[0], end: v.range[1] },
      message: `'${e.name}' holds what looks like a Duo secret in plain text: replace it with the keyword token "##${e.name}##" and keep the value in AUTH0_KEYWORD_REPLACE_MAPPINGS or your secret store.`,
    });
  }
  return found;
}
