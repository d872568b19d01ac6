// The configuration/secret keys the auth0-deploy-cli repository around a file declares.
// Only key NAMES are kept in memory; values are read by the parser and dropped at once.
import { readFileSync } from 'node:fs';
import { extractDeclaredKeys } from './configFiles';
import { findDeployCliRoot, listDeployConfigFiles } from './repository';

/** Every key declared under a deploy-cli root (rules-configs, actions/*.json secrets, tenant.yaml/yml). */
export function readDeclaredKeys(root: string): string[] {
  const keys = new Set<string>();
  for (const { kind, path } of listDeployConfigFiles(root)) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    for (const key of extractDeclaredKeys(kind, text)) keys.add(key);
  }
  return [...keys];
}

/** Declared keys per deploy-cli root, cached until a watched file changes. */
export class DeclaredKeysIndex {
  private readonly byRoot = new Map<string, string[]>();

  keysFor(filePath: string, stopDir?: string): string[] {
    const root = findDeployCliRoot(filePath, stopDir);
    if (!root) return [];
    let keys = this.byRoot.get(root);
    if (!keys) {
      keys = readDeclaredKeys(root);
      this.byRoot.set(root, keys);
    }
    return keys;
  }

  clear(): void {
    this.byRoot.clear();
  }
}
