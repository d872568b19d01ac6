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

/** How long a file's deploy-cli root, once looked up, is taken as known (ms). */
const rootLookupTtlMs = 2000;

/** Declared keys per deploy-cli root, cached until a watched file changes. */
export class DeclaredKeysIndex {
  private readonly byRoot = new Map<string, string[]>();
  /**
   * Each file's root as last looked up. The editor asks on every keystroke (completion and analysis), and the
   * lookup stats folders up to the file system's root; a folder created meanwhile counts a moment later.
   */
  private readonly rootOf = new Map<string, { root: string | undefined; at: number }>();

  keysFor(filePath: string, stopDir?: string): string[] {
    const root = this.rootFor(filePath, stopDir);
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
    this.rootOf.clear();
  }

  private rootFor(filePath: string, stopDir: string | undefined): string | undefined {
    const key = `${filePath}\0${stopDir ?? ''}`;
    const now = performance.now();
    const known = this.rootOf.get(key);
    if (known && now - known.at < rootLookupTtlMs) return known.root;
    const root = findDeployCliRoot(filePath, stopDir);
    this.rootOf.set(key, { root, at: now });
    return root;
  }
}
